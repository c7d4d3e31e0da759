/*
 * kqcompat.h - the BSD kqueue(2) ABI emulated by libkqcompat on Linux (test infrastructure only).
 *
 * Compile with exactly one of:
 *   -DKQC_ABI_FREEBSD   FreeBSD 12+ ABI: 64-byte struct kevent with ext[4]   (docs/native-abi.md §1.1, §2)
 *   -DKQC_ABI_DARWIN    macOS ABI: 32-byte struct kevent                     (docs/native-abi.md §1.3, §2)
 *   -DKQC_ABI_LIBKQUEUE libkqueue 2.x on Linux: 32-byte struct kevent with FreeBSD numbers
 *                       (docs/native-abi.md §11; libkqueue's include/sys/event.h.in)
 *
 * Errno values (EV_ERROR data, EV_EOF fflags, kevent()'s errno) are the HOST's (Linux) numbers, not
 * the BSD ones: the caller's socket layer runs on Linux and decodes Linux errno.
 */
#ifndef KQCOMPAT_H
#define KQCOMPAT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#if defined(KQC_ABI_FREEBSD) + defined(KQC_ABI_DARWIN) + defined(KQC_ABI_LIBKQUEUE) != 1
#error "define exactly one of KQC_ABI_FREEBSD, KQC_ABI_DARWIN or KQC_ABI_LIBKQUEUE"
#endif

#if defined(KQC_ABI_FREEBSD)

/* FreeBSD 12-15 sys/sys/event.h (docs/native-abi.md §1.1). */
struct kevent {
    uintptr_t ident;       /* @0  8 */
    short filter;          /* @8  2 */
    unsigned short flags;  /* @10 2 */
    unsigned int fflags;   /* @12 4 */
    int64_t data;          /* @16 8 */
    void *udata;           /* @24 8 */
    uint64_t ext[4];       /* @32 32: ext[0..1] filter-defined, ext[2..3] passed through */
};
#define KQC_KEVENT_SIZE 64
#define KQC_ABI_NAME "freebsd"

/* Filters, docs/native-abi.md §2, FreeBSD column. */
#define EVFILT_READ   (-1)
#define EVFILT_WRITE  (-2)
#define EVFILT_TIMER  (-7)
#define EVFILT_USER   (-11)

/* EVFILT_TIMER units, docs/native-abi.md §2.1, FreeBSD column (bit flags; none = milliseconds). */
#define NOTE_SECONDS   0x1
#define NOTE_MSECONDS  0x2
#define NOTE_USECONDS  0x4
#define NOTE_NSECONDS  0x8
#define NOTE_ABSTIME   0x10

#elif defined(KQC_ABI_DARWIN)

/* XNU bsd/sys/event.h (docs/native-abi.md §1.3); #pragma pack(4) there changes nothing on LP64. */
struct kevent {
    uintptr_t ident;       /* @0  8 */
    int16_t filter;        /* @8  2 */
    uint16_t flags;        /* @10 2 */
    uint32_t fflags;       /* @12 4 */
    intptr_t data;         /* @16 8 */
    void *udata;           /* @24 8 */
};
#define KQC_KEVENT_SIZE 32
#define KQC_ABI_NAME "darwin"

/* Filters, docs/native-abi.md §2, macOS column. */
#define EVFILT_READ   (-1)
#define EVFILT_WRITE  (-2)
#define EVFILT_TIMER  (-7)
#define EVFILT_USER   (-10)

/* EVFILT_TIMER units, docs/native-abi.md §2.1, macOS column (no NOTE_MSECONDS: none = milliseconds). */
#define NOTE_SECONDS     0x1
#define NOTE_USECONDS    0x2
#define NOTE_NSECONDS    0x4
#define NOTE_ABSOLUTE    0x8
#define NOTE_LEEWAY      0x10
#define NOTE_CRITICAL    0x20
#define NOTE_BACKGROUND  0x40
#define NOTE_MACHTIME    0x100

#else /* KQC_ABI_LIBKQUEUE */

/* libkqueue 2.x include/sys/event.h.in (docs/native-abi.md §11): the field types of FreeBSD 11, no ext[]. */
struct kevent {
    uintptr_t ident;       /* @0  8 */
    short filter;          /* @8  2 */
    unsigned short flags;  /* @10 2 */
    unsigned int fflags;   /* @12 4 */
    intptr_t data;         /* @16 8 */
    void *udata;           /* @24 8 */
};
#define KQC_KEVENT_SIZE 32
#define KQC_ABI_NAME "libkqueue"

/* Filters: libkqueue keeps FreeBSD's numbers (event.h.in), so EVFILT_USER is -11 as on FreeBSD. */
#define EVFILT_READ   (-1)
#define EVFILT_WRITE  (-2)
#define EVFILT_TIMER  (-7)
#define EVFILT_USER   (-11)

/* EVFILT_TIMER units exactly as libkqueue's event.h.in defines them ("as supported and defined in
 * kevent64"): these are the macOS values, not FreeBSD's. There is no NOTE_MSECONDS; no unit bit
 * means milliseconds. */
#define NOTE_SECONDS   0x1
#define NOTE_USECONDS  0x2
#define NOTE_NSECONDS  0x4
#define NOTE_ABSOLUTE  0x8

#endif

/* Flags, identical on FreeBSD, macOS and libkqueue (docs/native-abi.md §2, §11). */
#define EV_ADD       0x0001
#define EV_DELETE    0x0002
#define EV_ENABLE    0x0004
#define EV_DISABLE   0x0008
#define EV_ONESHOT   0x0010
#define EV_CLEAR     0x0020
#define EV_RECEIPT   0x0040
#define EV_DISPATCH  0x0080
#define EV_SYSFLAGS  0xF000
#define EV_ERROR     0x4000
#define EV_EOF       0x8000

/* EVFILT_USER fflags, identical on FreeBSD, macOS and libkqueue (docs/native-abi.md §2, §11). */
#define NOTE_FFNOP       0x00000000u
#define NOTE_FFAND       0x40000000u
#define NOTE_FFOR        0x80000000u
#define NOTE_FFCOPY      0xC0000000u
#define NOTE_FFCTRLMASK  0xC0000000u
#define NOTE_FFLAGSMASK  0x00FFFFFFu
#define NOTE_TRIGGER     0x01000000u

/* Layout pins, per ABI (docs/native-abi.md §1.1, §1.3, §11). The offsets are the same in all three. */
#if defined(KQC_ABI_FREEBSD)
_Static_assert(sizeof(struct kevent) == 64, "FreeBSD 12+ struct kevent is 64 bytes (§1.1)");
_Static_assert(offsetof(struct kevent, ext) == 32, "FreeBSD kevent.ext offset (§1.1)");
_Static_assert(sizeof(((struct kevent *)0)->ext) == 32, "FreeBSD kevent.ext is 4 x 8 bytes");
#elif defined(KQC_ABI_DARWIN)
_Static_assert(sizeof(struct kevent) == 32, "macOS struct kevent is 32 bytes (§1.3)");
#else
_Static_assert(sizeof(struct kevent) == 32, "libkqueue struct kevent is 32 bytes, no ext[] (§11)");
#endif
_Static_assert(sizeof(struct kevent) == KQC_KEVENT_SIZE, "KQC_KEVENT_SIZE");
_Static_assert(offsetof(struct kevent, ident) == 0, "kevent.ident offset");
_Static_assert(offsetof(struct kevent, filter) == 8, "kevent.filter offset");
_Static_assert(offsetof(struct kevent, flags) == 10, "kevent.flags offset");
_Static_assert(offsetof(struct kevent, fflags) == 12, "kevent.fflags offset");
_Static_assert(offsetof(struct kevent, data) == 16, "kevent.data offset");
_Static_assert(offsetof(struct kevent, udata) == 24, "kevent.udata offset");
_Static_assert(sizeof(((struct kevent *)0)->filter) == 2, "kevent.filter is 16 bits");
_Static_assert(sizeof(((struct kevent *)0)->fflags) == 4, "kevent.fflags is 32 bits");
_Static_assert(sizeof(((struct kevent *)0)->data) == 8, "kevent.data is 64 bits on LP64");

int kqueue(void);
int kevent(int kq, const struct kevent *changelist, int nchanges,
           struct kevent *eventlist, int nevents, const struct timespec *timeout);

#endif /* KQCOMPAT_H */
