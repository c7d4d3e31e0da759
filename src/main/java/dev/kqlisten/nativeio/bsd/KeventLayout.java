package dev.kqlisten.nativeio.bsd;

import dev.kqlisten.nativeio.KQueueAbi;

/**
 * {@code struct kevent} size and the ABI-dependent kqueue properties of one {@link KQueueAbi}.
 * <pre>
 * struct kevent {
 *     uintptr_t ident;     // 0   8
 *     short     filter;    // 8   2   (int16_t on macOS)
 *     u_short   flags;     // 10  2   (uint16_t)
 *     u_int     fflags;    // 12  4
 *     int64_t   data;      // 16  8   (intptr_t on macOS/DragonFly/libkqueue: same size on LP64)
 *     void     *udata;     // 24  8
 *     uint64_t  ext[4];    // 32  32  FreeBSD 12+ only
 * };                       // 64 bytes on FreeBSD 12+, 32 everywhere else here
 * </pre>
 * Every number is in docs/native-abi.md with its source: §1.1 (FreeBSD), §1.3
 * (macOS, {@code #pragma pack(4)} changes nothing on LP64), §1.4 (OpenBSD), §1.6 (DragonFly),
 * §11 (libkqueue, confirmed in libkqueue's {@code include/sys/event.h.in}); EVFILT_USER per ABI
 * from §2 and §11. The offsets are the same on every ABI here; the size, EVFILT_USER and the
 * close rule differ. NetBSD (40 bytes, 32-bit filter and flags, {@code __kevent50}) is not
 * supported.
 * <p>
 * None of this is trusted blindly: {@link KeventAbiCheck} proves the layout against the library
 * before a listener binds.
 *
 * @param size {@code sizeof(struct kevent)}
 * @param extWords number of {@code uint64_t ext[]} words after {@code udata}
 * @param evfiltUser {@code EVFILT_USER}
 * @param closeRemovesRegistrations whether {@code close(2)} of a descriptor removes its
 * registrations. True for the kernels: kqueue(2) of FreeBSD, macOS and OpenBSD says that closing
 * a descriptor removes the kevents that refer to it (docs/native-abi.md §7.6); DragonFly shares
 * FreeBSD's kqueue code and is assumed to follow it (not confirmed from its own page, §10).
 * False for libkqueue, whose BUGS.md asks applications to remove descriptors from the kqueue
 * before closing them (§11)
 */
record KeventLayout(int size, int extWords, short evfiltUser, boolean closeRemovesRegistrations) {

    static final int IDENT = 0;

    static final int FILTER = 8;

    static final int FLAGS = 10;

    static final int FFLAGS = 12;

    static final int DATA = 16;

    static final int UDATA = 24;

    static final int EXT = 32;

    /** The largest {@code struct kevent} of any kqueue ABI known (NetBSD 11's 72 bytes, §1.5), rounded up. */
    static final int LARGEST_KNOWN_SIZE = 128;

    /** FreeBSD 12+: 64 bytes with {@code ext[4]} (§1.1); EVFILT_USER -11 (§2). */
    static final KeventLayout FREEBSD = new KeventLayout(64, 4, (short) -11, true);

    /** macOS: 32 bytes (§1.3); EVFILT_USER -10 (§2). */
    static final KeventLayout DARWIN = new KeventLayout(32, 0, (short) -10, true);

    /** OpenBSD: 32 bytes (§1.4); EVFILT_USER -10, recent releases only (§2.2). */
    static final KeventLayout OPENBSD = new KeventLayout(32, 0, (short) -10, true);

    /** DragonFly: 32 bytes (§1.6); EVFILT_USER -9 (§2). */
    static final KeventLayout DRAGONFLY = new KeventLayout(32, 0, (short) -9, true);

    /** libkqueue 2.x: 32 bytes, no {@code ext[]}, FreeBSD numbers so EVFILT_USER -11; close keeps registrations (§11). */
    static final KeventLayout LIBKQUEUE = new KeventLayout(32, 0, (short) -11, false);

    static KeventLayout of(KQueueAbi abi) {
        return switch (abi) {
            case FREEBSD -> FREEBSD;
            case DARWIN -> DARWIN;
            case OPENBSD -> OPENBSD;
            case DRAGONFLY -> DRAGONFLY;
            case LIBKQUEUE -> LIBKQUEUE;
        };
    }

    /** For messages: "64-byte struct kevent, EVFILT_USER -11". */
    String describe() {
        return this.size + "-byte struct kevent, EVFILT_USER " + this.evfiltUser;
    }

}
