package dev.kqlisten.nativeio.bsd;

import dev.kqlisten.nativeio.KqueueAbi;

/**
 * {@code struct kevent} size and the ABI-dependent kqueue constants of one {@link KqueueAbi}.
 * <pre>
 * struct kevent {
 *     uintptr_t ident;     // 0   8
 *     short     filter;    // 8   2   (int16_t on macOS)
 *     u_short   flags;     // 10  2   (uint16_t)
 *     u_int     fflags;    // 12  4
 *     int64_t   data;      // 16  8   (intptr_t on macOS/DragonFly: same size on LP64)
 *     void     *udata;     // 24  8
 *     uint64_t  ext[4];    // 32  32  FreeBSD 12+ only
 * };                       // 64 bytes on FreeBSD 12+, 32 on macOS, OpenBSD, DragonFly
 * </pre>
 * Sources: bsd-abi.md §1.1 (FreeBSD), §1.3 (macOS, {@code #pragma pack(4)} changes nothing on
 * LP64), §1.4 (OpenBSD), §1.6 (DragonFly); EVFILT_USER per OS from §2. The offsets are the same
 * on every ABI here; only the size and EVFILT_USER differ. NetBSD (40 bytes, 32-bit filter and
 * flags, {@code __kevent50}) is not supported.
 *
 * @param size {@code sizeof(struct kevent)}
 * @param extWords number of {@code uint64_t ext[]} words after {@code udata}
 * @param evfiltUser {@code EVFILT_USER}
 */
record KeventLayout(int size, int extWords, short evfiltUser) {

    static final int IDENT = 0;

    static final int FILTER = 8;

    static final int FLAGS = 10;

    static final int FFLAGS = 12;

    static final int DATA = 16;

    static final int UDATA = 24;

    static final int EXT = 32;

    /** FreeBSD 12+: 64 bytes with {@code ext[4]} (§1.1); EVFILT_USER -11 (§2). */
    static final KeventLayout FREEBSD = new KeventLayout(64, 4, (short) -11);

    /** macOS: 32 bytes (§1.3); EVFILT_USER -10 (§2). */
    static final KeventLayout DARWIN = new KeventLayout(32, 0, (short) -10);

    /** OpenBSD: 32 bytes (§1.4); EVFILT_USER -10, recent releases only (§2.2). */
    static final KeventLayout OPENBSD = new KeventLayout(32, 0, (short) -10);

    /** DragonFly: 32 bytes (§1.6); EVFILT_USER -9 (§2). */
    static final KeventLayout DRAGONFLY = new KeventLayout(32, 0, (short) -9);

    static KeventLayout of(KqueueAbi abi) {
        return switch (abi) {
            case FREEBSD -> FREEBSD;
            case DARWIN -> DARWIN;
            case OPENBSD -> OPENBSD;
            case DRAGONFLY -> DRAGONFLY;
        };
    }

}
