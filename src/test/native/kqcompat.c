/*
 * libkqcompat: FreeBSD, macOS or libkqueue kqueue(2) semantics over Linux epoll, eventfd and
 * timerfd, so the project's JNA kqueue backend can be exercised on Linux through the same code path
 * as on BSD (or as with libkqueue, the user-space kqueue for Linux). One source, three builds
 * (kqcompat.h). Test infrastructure only; never shipped. See README.md for what is and is not
 * emulated.
 *
 * Structure of one emulated kqueue:
 *
 *   kq fd (returned by kqueue(), an epoll fd so close(2) works)
 *     +-- rd_ep   inner epoll holding every EVFILT_READ  registration (fd -> file, own ET/LT mode)
 *     +-- wr_ep   inner epoll holding every EVFILT_WRITE registration
 *     +-- wake_fd eventfd written whenever an EVFILT_USER/EVFILT_TIMER knote becomes pending
 *     +-- one timerfd per EVFILT_TIMER knote
 *
 * READ and WRITE live in separate epoll sets because epoll keeps one registration per (fd, file)
 * and instance, while kqueue keys by (ident, filter) and lets each filter have its own EV_CLEAR.
 *
 * Threading: all knote state of a kqueue is guarded by kq->lock. The lock is released around the
 * blocking epoll_wait, so another thread may apply changes (notably NOTE_TRIGGER, the poller's
 * wake-up) while one thread waits; a trigger writes wake_fd, which wakes that epoll_wait.
 *
 * Errno: every errno reported (EV_ERROR data, EV_EOF fflags, kevent()'s own errno) is the Linux
 * number, because the caller's socket layer on Linux decodes Linux errno (libkqueue does the same).
 */
#define _GNU_SOURCE
#include "kqcompat.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <unistd.h>

#define KQC_EXPORT __attribute__((visibility("default")))

#define KN_BUCKETS 1024u

/* Tags in the low byte of the outer epoll's data.u64; a timer's knote id is in the high 32 bits. */
enum { TAG_READ_EP = 1, TAG_WRITE_EP = 2, TAG_WAKE = 3, TAG_TIMER = 4 };

/* FreeBSD and macOS cut timeouts above 24 hours to 24 hours (docs/native-abi.md §7.1). */
#define MAX_WAIT_SEC (24LL * 3600)

enum fd_kind { KIND_OTHER, KIND_SOCKET, KIND_FIFO };

struct knote {
    struct knote *hnext;      /* hash chain in kq->buckets */
    struct knote *snext;      /* kq->soft list (EVFILT_USER and EVFILT_TIMER only) */
    uintptr_t ident;
    int16_t filter;
    uint16_t flags;           /* registration flags minus EV_ADD/DELETE/ENABLE/DISABLE, as FreeBSD keeps them */
    bool disabled;
    uint32_t id;              /* generation tag carried in epoll data to reject stale registrations */
    void *udata;
#if defined(KQC_ABI_FREEBSD)
    uint64_t ext[4];
#endif
    /* EVFILT_READ / EVFILT_WRITE: identity of the open file at add time (close detection). */
    dev_t dev;
    ino_t ino;
    enum fd_kind kind;
    int so_error;             /* SO_ERROR once read (reading it clears it on Linux), then sticky */
    /* EVFILT_USER */
    bool triggered;
    uint32_t sfflags;         /* user flags, low 24 bits */
    int64_t sdata;
    /* EVFILT_TIMER */
    int tfd;
    uint64_t expirations;
    struct itimerspec period; /* what the timerfd is armed with while the timer runs */
};

struct kq {
    int ep;                   /* the kqueue fd itself */
    int rd_ep;
    int wr_ep;
    int wake_fd;
    pthread_mutex_t lock;     /* guards everything below */
    uint32_t next_id;
    struct knote *soft;
    struct knote *buckets[KN_BUCKETS];
};

/* kqueue fd -> state; guarded by table_lock. A slot is reset when kqueue() returns its number again. */
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static struct kq **table;
static size_t table_len;

/* ------------------------------------------------------------------------------------------ */
/* knote table                                                                                 */

static unsigned bucket_of(uintptr_t ident, int16_t filter)
{
    uint64_t h = (uint64_t)ident * 0x9E3779B97F4A7C15ull ^ (uint16_t)filter;
    return (unsigned)(h >> 32) & (KN_BUCKETS - 1);
}

static struct knote *kn_find(struct kq *kq, uintptr_t ident, int16_t filter)
{
    for (struct knote *kn = kq->buckets[bucket_of(ident, filter)]; kn != NULL; kn = kn->hnext) {
        if (kn->ident == ident && kn->filter == filter) {
            return kn;
        }
    }
    return NULL;
}

static struct knote *kn_new(struct kq *kq, const struct kevent *kev)
{
    struct knote *kn = calloc(1, sizeof(*kn));
    if (kn == NULL) {
        return NULL;
    }
    kn->ident = kev->ident;
    kn->filter = kev->filter;
#if defined(KQC_ABI_LIBKQUEUE)
    /* libkqueue copies the whole change into the knote and drops only EV_ENABLE (src/common/kevent.c
     * kevent_copyin_one), so EV_ADD comes back in every event; its test suite expects that. */
    kn->flags = kev->flags & (uint16_t)~(EV_DELETE | EV_ENABLE | EV_DISABLE);
#else
    kn->flags = kev->flags & (uint16_t)~(EV_ADD | EV_DELETE | EV_ENABLE | EV_DISABLE);
#endif
    kn->disabled = (kev->flags & EV_DISABLE) != 0;
    kn->udata = kev->udata;
#if defined(KQC_ABI_FREEBSD)
    memcpy(kn->ext, kev->ext, sizeof(kn->ext));
#endif
    kn->tfd = -1;
    if (++kq->next_id == 0) {
        kq->next_id = 1;
    }
    kn->id = kq->next_id;
    return kn;
}

static void kn_link(struct kq *kq, struct knote *kn)
{
    unsigned b = bucket_of(kn->ident, kn->filter);
    kn->hnext = kq->buckets[b];
    kq->buckets[b] = kn;
    if (kn->filter == EVFILT_USER || kn->filter == EVFILT_TIMER) {
        kn->snext = kq->soft;
        kq->soft = kn;
    }
}

/* Unlinks and frees; drops the epoll registration only if epoll_del (the fd must still be the same file). */
static void kn_destroy(struct kq *kq, struct knote *kn, bool epoll_del)
{
    struct knote **pp = &kq->buckets[bucket_of(kn->ident, kn->filter)];
    while (*pp != kn) {
        pp = &(*pp)->hnext;
    }
    *pp = kn->hnext;
    if (kn->filter == EVFILT_USER || kn->filter == EVFILT_TIMER) {
        pp = &kq->soft;
        while (*pp != kn) {
            pp = &(*pp)->snext;
        }
        *pp = kn->snext;
    }
    if (epoll_del && (kn->filter == EVFILT_READ || kn->filter == EVFILT_WRITE)) {
        epoll_ctl(kn->filter == EVFILT_READ ? kq->rd_ep : kq->wr_ep, EPOLL_CTL_DEL, (int)kn->ident, NULL);
    }
    if (kn->tfd >= 0) {
        close(kn->tfd);    /* also leaves the outer epoll */
    }
    free(kn);
}

static void kq_wake(struct kq *kq)
{
    uint64_t one = 1;
    ssize_t r = write(kq->wake_fd, &one, sizeof(one));
    (void)r;    /* EAGAIN only if the counter is saturated: then it is readable anyway */
}

static bool soft_pending(const struct knote *kn)
{
    if (kn->disabled) {
        return false;
    }
    return kn->filter == EVFILT_USER ? kn->triggered : kn->expirations > 0;
}

/* ------------------------------------------------------------------------------------------ */
/* EVFILT_READ / EVFILT_WRITE registration                                                     */

static int fd_arm(struct kq *kq, struct knote *kn, int op)
{
    struct epoll_event ev;
    memset(&ev, 0, sizeof(ev));
    if (kn->disabled) {
        /* Stay registered (so a closed file is still detected through epoll) but silent: epoll
         * always adds EPOLLHUP/EPOLLERR, ONESHOT limits that to one report, which is ignored. */
        ev.events = EPOLLONESHOT;
    }
    else {
        ev.events = kn->filter == EVFILT_READ ? (EPOLLIN | EPOLLRDHUP) : EPOLLOUT;
        if (kn->flags & EV_CLEAR) {
            ev.events |= EPOLLET;
        }
    }
    ev.data.u64 = ((uint64_t)kn->id << 32) | (uint32_t)kn->ident;
    return epoll_ctl(kn->filter == EVFILT_READ ? kq->rd_ep : kq->wr_ep, op, (int)kn->ident, &ev);
}

static int fd_create(struct kq *kq, const struct kevent *kev, const struct stat *st)
{
    struct knote *kn = kn_new(kq, kev);
    if (kn == NULL) {
        return ENOMEM;
    }
    kn->dev = st->st_dev;
    kn->ino = st->st_ino;
    kn->kind = S_ISSOCK(st->st_mode) ? KIND_SOCKET : S_ISFIFO(st->st_mode) ? KIND_FIFO : KIND_OTHER;
    if (fd_arm(kq, kn, EPOLL_CTL_ADD) != 0) {
        int err = errno;
        free(kn);
        return err;    /* EPERM for files epoll cannot watch (regular files) */
    }
    kn_link(kq, kn);
    return 0;
}

#if defined(KQC_ABI_LIBKQUEUE)
/*
 * libkqueue: a descriptor's knote lives until EV_DELETE, whatever happens to the descriptor. Its
 * BUGS.md says the kqueue state is not cleaned up when a descriptor is closed and applications must
 * remove descriptors before closing them (docs/native-abi.md §11). Knotes are looked up by number alone
 * (src/common/kevent.c kevent_copyin_one calls knote_lookup before anything looks at the
 * descriptor). So, unlike FreeBSD and macOS:
 *   - no knote and no EV_ADD: ENOENT, even for a closed descriptor (FreeBSD and macOS: EBADF);
 *   - no knote, EV_ADD, descriptor that cannot be watched: EFAULT, the errno kevent_copyin_one
 *     substitutes for any kn_create failure;
 *   - a stale knote (its descriptor was closed, or the number now names another file): every
 *     change except EV_DELETE goes through epoll_ctl(EPOLL_CTL_MOD) and fails with what MOD says,
 *     ENOENT when the number holds another file (epoll keys registrations by file), EBADF when it
 *     is closed. The knote stays and is not re-created for the new file. No (st_dev, st_ino)
 *     check: libkqueue does not notice reuse either;
 *   - EV_DELETE always removes the knote. For a stale one the epoll registration is gone already
 *     (epoll drops a file at its last close), so DEL's failure is ignored.
 */
static int fd_register(struct kq *kq, const struct kevent *kev)
{
    struct knote *kn = kn_find(kq, kev->ident, kev->filter);
    if (kn == NULL) {
        struct stat st;
        if (!(kev->flags & EV_ADD)) {
            return ENOENT;
        }
        if (kev->ident > INT_MAX || fstat((int)kev->ident, &st) != 0) {
            return EFAULT;
        }
        return fd_create(kq, kev, &st) == 0 ? 0 : EFAULT;
    }
    if (kev->flags & EV_DELETE) {
        epoll_ctl(kev->filter == EVFILT_READ ? kq->rd_ep : kq->wr_ep, EPOLL_CTL_DEL, (int)kev->ident, NULL);
        kn_destroy(kq, kn, false);
        return 0;
    }
    bool was_disabled = kn->disabled;
    if (kev->flags & EV_ENABLE) {
        kn->disabled = false;
    }
    else if (kev->flags & EV_DISABLE) {
        kn->disabled = true;
    }
    if (fd_arm(kq, kn, EPOLL_CTL_MOD) != 0) {
        int err = errno;    /* ENOENT: the number was reused; EBADF: it is closed */
        kn->disabled = was_disabled;
        return err;
    }
    /* Common code updates udata after a successful modify (kevent_copyin_one). */
    kn->udata = kev->udata;
    return 0;
}
#else
static int fd_register(struct kq *kq, const struct kevent *kev)
{
    struct stat st;
    struct knote *kn = kn_find(kq, kev->ident, kev->filter);

    if (kev->ident > INT_MAX || fstat((int)kev->ident, &st) != 0) {
        if (kn != NULL) {
            kn_destroy(kq, kn, false);    /* the fd was closed: its registration is gone (§7.6) */
        }
        return EBADF;
    }
    if (kn != NULL && (kn->dev != st.st_dev || kn->ino != st.st_ino)) {
        /* fd number reused by another file since the add: the old registration died with it. */
        kn_destroy(kq, kn, false);
        kn = NULL;
    }
    if (kn == NULL) {
        return (kev->flags & EV_ADD) ? fd_create(kq, kev, &st) : ENOENT;
    }
    if (kev->flags & EV_DELETE) {
        int rc = epoll_ctl(kev->filter == EVFILT_READ ? kq->rd_ep : kq->wr_ep, EPOLL_CTL_DEL, (int)kev->ident, NULL);
        kn_destroy(kq, kn, false);
        /* ENOENT: same inode but a different open file (eventfd and other anonymous inodes). */
        return rc != 0 && errno == ENOENT ? ENOENT : 0;
    }
    if (kev->flags & EV_ENABLE) {
        kn->disabled = false;
    }
    else if (kev->flags & EV_DISABLE) {
        kn->disabled = true;
    }
    /* FreeBSD kqueue_register replaces udata on every change of an existing knote. */
    kn->udata = kev->udata;
    /* MOD re-polls the file, as FreeBSD re-runs f_event after a change. */
    if (fd_arm(kq, kn, EPOLL_CTL_MOD) != 0) {
        int err = errno;
        kn_destroy(kq, kn, false);
        if (err != ENOENT) {
            return err;
        }
        return (kev->flags & EV_ADD) ? fd_create(kq, kev, &st) : ENOENT;
    }
    return 0;
}
#endif

/* ------------------------------------------------------------------------------------------ */
/* EVFILT_USER                                                                                 */

static void user_touch(struct knote *kn, const struct kevent *kev)
{
    uint32_t ff = kev->fflags & NOTE_FFLAGSMASK;
#if defined(KQC_ABI_LIBKQUEUE)
    /* libkqueue linux/user.c knote_modify raises the trigger only while the knote is enabled: a
     * NOTE_TRIGGER sent to a disabled knote is lost (FreeBSD and XNU keep it for EV_ENABLE). */
    if ((kev->fflags & NOTE_TRIGGER) && !kn->disabled) {
        kn->triggered = true;
    }
#else
    if (kev->fflags & NOTE_TRIGGER) {
        kn->triggered = true;
    }
#endif
    switch (kev->fflags & NOTE_FFCTRLMASK) {
    case NOTE_FFAND:
        kn->sfflags &= ff;
        break;
    case NOTE_FFOR:
        kn->sfflags |= ff;
        break;
    case NOTE_FFCOPY:
        kn->sfflags = ff;
        break;
    default:    /* NOTE_FFNOP */
        break;
    }
#if !defined(KQC_ABI_LIBKQUEUE)
    /* FreeBSD and XNU filt_usertouch store the change's data; it is what the next event reports.
     * libkqueue's knote_modify leaves kev.data alone, so its events report the EV_ADD's data. */
    kn->sdata = kev->data;
#endif
#if defined(KQC_ABI_FREEBSD)
    /* FreeBSD filt_usertouch(EVENT_REGISTER): EV_CLEAR in a change resets the trigger. */
    if (kev->flags & EV_CLEAR) {
        kn->triggered = false;
    }
#endif
}

static int user_register(struct kq *kq, const struct kevent *kev)
{
    struct knote *kn = kn_find(kq, kev->ident, kev->filter);
    if (kn == NULL) {
        if (!(kev->flags & EV_ADD)) {
            return ENOENT;
        }
        kn = kn_new(kq, kev);
        if (kn == NULL) {
            return ENOMEM;
        }
        kn->sfflags = kev->fflags & NOTE_FFLAGSMASK;
        kn->sdata = kev->data;
#if defined(KQC_ABI_DARWIN)
        /* XNU filt_userattach triggers on NOTE_TRIGGER at add; FreeBSD's tests the already zeroed
         * kn_fflags, so EV_ADD|NOTE_TRIGGER does not trigger there. Neither does libkqueue's:
         * linux/user.c knote_create makes and enables the knote's eventfd without raising it. */
        kn->triggered = (kev->fflags & NOTE_TRIGGER) != 0;
#endif
        kn_link(kq, kn);
    }
    else if (kev->flags & EV_DELETE) {
        kn_destroy(kq, kn, false);
        return 0;
    }
    else {
        if (kev->flags & EV_ENABLE) {
            kn->disabled = false;
        }
        else if (kev->flags & EV_DISABLE) {
            kn->disabled = true;
        }
        kn->udata = kev->udata;
        user_touch(kn, kev);
    }
    if (soft_pending(kn)) {
        kq_wake(kq);
    }
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* EVFILT_TIMER (periodic, relative; units per ABI, docs/native-abi.md §2.1)                          */
/*
 * A disabled timer (EV_DISABLE, or EV_DISPATCH after a delivery), per ABI:
 *
 * FreeBSD and macOS: the timer keeps running and counting. FreeBSD sys/kern/kern_event.c
 * (freebsd-src main, read from the fel1x-developer/freebsd-src fork, docs/native-abi.md §0):
 * filt_timerexpire_l adds the expirations to kn_data whatever KN_DISABLED says, and KNOTE_ACTIVATE
 * only skips the enqueue; on EV_ENABLE, kqueue_register (done_ev_add) runs f_event = filt_timer,
 * which is "kn_data != 0", and enqueues the knote. So the ticks counted while disabled are reported
 * at once, in one event whose data is their number. XNU bsd/kern/kern_event.c filt_timerprocess
 * reports the number of whole intervals since the last arm, which also includes the disabled time.
 * Here the timerfd keeps running and kq_scan keeps adding its count to kn->expirations.
 *
 * libkqueue: the timer stops. Its src/linux/timer.c disarms the timerfd in knote_disable (so the
 * pending count is gone; timerfd_settime resets it) and arms it afresh, with the full period, in
 * knote_enable. Nothing is pending right after EV_ENABLE and the next event, one period later, has
 * data 1. Its test/timer.c test_kevent_timer_dispatch expects exactly that (and skips the check on
 * native FreeBSD, whose behaviour differs).
 */

static int timer_period(const struct kevent *kev, struct itimerspec *its)
{
    int64_t unit_ns;
    uint32_t ff = kev->fflags;
#if defined(KQC_ABI_FREEBSD)
    if (ff & NOTE_ABSTIME) {
        return EINVAL;    /* absolute deadlines are not emulated */
    }
    switch (ff & (NOTE_SECONDS | NOTE_MSECONDS | NOTE_USECONDS | NOTE_NSECONDS)) {
    case 0:
    case NOTE_MSECONDS:
        unit_ns = 1000000;
        break;
#else
#if defined(KQC_ABI_DARWIN)
    if (ff & (NOTE_ABSOLUTE | NOTE_MACHTIME)) {
        return EINVAL;    /* absolute deadlines and mach time units are not emulated */
    }
#else
    if (ff & NOTE_ABSOLUTE) {
        return EINVAL;    /* absolute deadlines are not emulated */
    }
#endif
    switch (ff & (NOTE_SECONDS | NOTE_USECONDS | NOTE_NSECONDS)) {
    case 0:
        unit_ns = 1000000;
        break;
#endif
    case NOTE_SECONDS:
        unit_ns = 1000000000;
        break;
    case NOTE_USECONDS:
        unit_ns = 1000;
        break;
    case NOTE_NSECONDS:
        unit_ns = 1;
        break;
    default:
        return EINVAL;
    }
    if (kev->data < 0) {
        return EINVAL;
    }
    int64_t ns = kev->data > INT64_MAX / unit_ns ? INT64_MAX : kev->data * unit_ns;
    if (ns == 0) {
        ns = 1;    /* a zero it_value would disarm the timerfd; FreeBSD fires at once */
    }
    memset(its, 0, sizeof(*its));
    its->it_value.tv_sec = ns / 1000000000;
    its->it_value.tv_nsec = ns % 1000000000;
    if (!(kev->flags & EV_ONESHOT)) {
        its->it_interval = its->it_value;
    }
    return 0;
}

/* (Re)starts the timer with its full period, or stops it; either way no expiration stays pending. */
static int timer_arm(struct knote *kn, bool run)
{
    struct itimerspec stop;
    memset(&stop, 0, sizeof(stop));
    if (timerfd_settime(kn->tfd, 0, run ? &kn->period : &stop, NULL) != 0) {
        return errno;
    }
    uint64_t drop;
    while (read(kn->tfd, &drop, sizeof(drop)) > 0) {
    }
    kn->expirations = 0;
    return 0;
}

static int timer_register(struct kq *kq, const struct kevent *kev)
{
    struct itimerspec its;
    struct knote *kn = kn_find(kq, kev->ident, kev->filter);
    if (kn == NULL) {
        if (!(kev->flags & EV_ADD)) {
            return ENOENT;
        }
        int err = timer_period(kev, &its);
        if (err != 0) {
            return err;
        }
        kn = kn_new(kq, kev);
        if (kn == NULL) {
            return ENOMEM;
        }
        kn->flags |= EV_CLEAR;    /* timers are always EV_CLEAR (FreeBSD/XNU filt_timerattach) */
        kn->period = its;
#if defined(KQC_ABI_LIBKQUEUE)
        if (kn->disabled) {
            memset(&its, 0, sizeof(its));    /* EV_ADD|EV_DISABLE: created, then disarmed */
        }
#endif
        kn->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
        struct epoll_event ev = { .events = EPOLLIN, .data.u64 = ((uint64_t)kn->id << 32) | TAG_TIMER };
        if (kn->tfd < 0 || timerfd_settime(kn->tfd, 0, &its, NULL) != 0
                || epoll_ctl(kq->ep, EPOLL_CTL_ADD, kn->tfd, &ev) != 0) {
            err = errno;
            if (kn->tfd >= 0) {
                close(kn->tfd);
            }
            free(kn);
            return err;
        }
        kn_link(kq, kn);
        return 0;
    }
    if (kev->flags & EV_DELETE) {
        kn_destroy(kq, kn, false);
        return 0;
    }
#if defined(KQC_ABI_LIBKQUEUE)
    bool was_disabled = kn->disabled;
#endif
    if (kev->flags & EV_ENABLE) {
        kn->disabled = false;
    }
    else if (kev->flags & EV_DISABLE) {
        kn->disabled = true;
    }
    kn->udata = kev->udata;
    if (kev->flags & EV_ADD) {
        /* FreeBSD filt_timertouch: re-adding restarts the timer and drops undelivered expirations. */
        int err = timer_period(kev, &its);
        if (err != 0) {
            return err;
        }
        kn->period = its;
#if defined(KQC_ABI_LIBKQUEUE)
        err = timer_arm(kn, !kn->disabled);    /* a disabled libkqueue timer stays stopped */
#else
        err = timer_arm(kn, true);
#endif
        if (err != 0) {
            return err;
        }
    }
#if defined(KQC_ABI_LIBKQUEUE)
    else if (was_disabled != kn->disabled) {
        /* libkqueue linux/timer.c: disable stops the timer, enable starts it afresh (see above). */
        int err = timer_arm(kn, !kn->disabled);
        if (err != 0) {
            return err;
        }
    }
#endif
    if (soft_pending(kn)) {
        kq_wake(kq);
    }
    return 0;
}

static int kq_register(struct kq *kq, const struct kevent *kev)
{
    if ((kev->flags & (EV_ENABLE | EV_DISABLE)) == (EV_ENABLE | EV_DISABLE)) {
        return EINVAL;
    }
#if defined(KQC_ABI_LIBKQUEUE)
    /* src/common/kevent.c kevent_copyin_one: "EV_DISPATCH and EV_ONESHOT are mutually exclusive". */
    if ((kev->flags & (EV_DISPATCH | EV_ONESHOT)) == (EV_DISPATCH | EV_ONESHOT)) {
        return EINVAL;
    }
#endif
    switch (kev->filter) {
    case EVFILT_READ:
    case EVFILT_WRITE:
        return fd_register(kq, kev);
    case EVFILT_USER:
        return user_register(kq, kev);
    case EVFILT_TIMER:
        return timer_register(kq, kev);
#if defined(KQC_ABI_LIBKQUEUE)
    case -3:     /* EVFILT_AIO */
    case -8:     /* EVFILT_NETDEV */
    case -9:     /* EVFILT_FS */
    case -10:    /* EVFILT_LIO */
        /* src/common/filter.c filter_lookup: a number in range whose filter is not built is
         * ENOSYS; anything out of range (including 0) is EINVAL. */
        return ENOSYS;
#endif
    default:
        return EINVAL;    /* unknown or unemulated filter (docs/native-abi.md §2.2 probing) */
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Event collection                                                                            */

static void fill(struct kevent *out, const struct knote *kn, uint16_t extra_flags, uint32_t fflags, int64_t data)
{
    memset(out, 0, sizeof(*out));
    out->ident = kn->ident;
    out->filter = kn->filter;
    out->flags = kn->flags | extra_flags;
    out->fflags = fflags;
    out->data = data;
    out->udata = kn->udata;
#if defined(KQC_ABI_FREEBSD)
    memcpy(out->ext, kn->ext, sizeof(out->ext));
#endif
}

/* EV_ONESHOT deletes, EV_DISPATCH disables after delivery (§7.7). */
static void after_delivery(struct kq *kq, struct knote *kn)
{
    if (kn->flags & EV_ONESHOT) {
        kn_destroy(kq, kn, true);
    }
    else if (kn->flags & EV_DISPATCH) {
        kn->disabled = true;
        if (kn->filter == EVFILT_READ || kn->filter == EVFILT_WRITE) {
            fd_arm(kq, kn, EPOLL_CTL_MOD);
        }
#if defined(KQC_ABI_LIBKQUEUE)
        else if (kn->filter == EVFILT_TIMER) {
            timer_arm(kn, false);    /* libkqueue stops a disabled timer (see EVFILT_TIMER above) */
        }
        else {
            kn->triggered = false;   /* linux/user.c copyout: EV_DISPATCH drops the trigger */
        }
#endif
    }
}

/* Pending socket error. Linux clears SO_ERROR when it is read, so remember it for both filters. */
static int sock_error(struct kq *kq, struct knote *kn)
{
    if (kn->so_error == 0) {
        int err = 0;
        socklen_t len = sizeof(err);
        if (getsockopt((int)kn->ident, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err != 0) {
            kn->so_error = err;
            struct knote *other = kn_find(kq, kn->ident, kn->filter == EVFILT_READ ? EVFILT_WRITE : EVFILT_READ);
            if (other != NULL && other->so_error == 0) {
                other->so_error = err;
            }
        }
    }
    return kn->so_error;
}

static int64_t bytes_readable(int fd)
{
    int n = 0;
    return ioctl(fd, FIONREAD, &n) == 0 ? n : 0;
}

static bool read_state(struct kq *kq, struct knote *kn, uint32_t rev, int64_t *data, bool *eof, uint32_t *fflags)
{
    int fd = (int)kn->ident;
    if (kn->kind == KIND_SOCKET) {
        int listening = 0;
        socklen_t len = sizeof(listening);
        if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) == 0 && listening) {
            /* Completed connections in the accept queue (§3): for a TCP listener Linux
             * tcp_get_info aliases tcpi_unacked to sk_ack_backlog. */
            struct tcp_info ti;
            len = sizeof(ti);
            if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == 0) {
                *data = ti.tcpi_unacked;
            }
            else {
                *data = (rev & EPOLLIN) ? 1 : 0;
            }
            if (rev & EPOLLERR) {
                *fflags = (uint32_t)sock_error(kq, kn);
                *eof = *fflags != 0;
            }
            return *data > 0 || *eof;
        }
        *data = bytes_readable(fd);
        *eof = (rev & (EPOLLRDHUP | EPOLLHUP)) != 0;
        int err = (*eof || (rev & EPOLLERR)) ? sock_error(kq, kn) : 0;
        if (*eof) {
            *fflags = (uint32_t)err;
        }
        return *data > 0 || *eof || err != 0;
    }
    if (kn->kind == KIND_FIFO) {
        *data = bytes_readable(fd);
        *eof = (rev & EPOLLHUP) != 0;
        return *data > 0 || *eof;
    }
    *data = bytes_readable(fd);
    *eof = (rev & EPOLLHUP) != 0;
    return (rev & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0;
}

static bool write_state(struct kq *kq, struct knote *kn, uint32_t rev, int64_t *data, bool *eof, uint32_t *fflags)
{
    int fd = (int)kn->ident;
    if (kn->kind == KIND_SOCKET) {
        int sndbuf = 0, outq = 0;
        socklen_t len = sizeof(sndbuf);
        if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, &len) == 0 && ioctl(fd, SIOCOUTQ, &outq) == 0) {
            *data = sndbuf > outq ? sndbuf - outq : 0;
        }
        *eof = (rev & EPOLLHUP) != 0;
        struct tcp_info ti;
        len = sizeof(ti);
        if (!*eof && getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == 0) {
            /* Our FIN is out (local shutdown(SHUT_WR) or close) or the connection is gone:
             * FreeBSD SBS_CANTSENDMORE. */
            switch (ti.tcpi_state) {
            case TCP_FIN_WAIT1:
            case TCP_FIN_WAIT2:
            case TCP_CLOSING:
            case TCP_TIME_WAIT:
            case TCP_LAST_ACK:
            case TCP_CLOSE:
                *eof = true;
                break;
            default:
                break;
            }
        }
        int err = (*eof || (rev & EPOLLERR)) ? sock_error(kq, kn) : 0;
        if (*eof) {
            *fflags = (uint32_t)err;
        }
        return (rev & EPOLLOUT) || *eof || err != 0;
    }
    if (kn->kind == KIND_FIFO) {
        int size = fcntl(fd, F_GETPIPE_SZ);
        int64_t used = bytes_readable(fd);
        *data = size > used ? size - used : 0;
        *eof = (rev & EPOLLERR) != 0;    /* no reader left */
        return (rev & EPOLLOUT) || *eof;
    }
    *eof = (rev & EPOLLHUP) != 0;
    return (rev & (EPOLLOUT | EPOLLHUP | EPOLLERR)) != 0;
}

/* Translates one inner-epoll event; returns 1 if it produced an output event. */
static int fd_deliver(struct kq *kq, int16_t filter, const struct epoll_event *ev, struct kevent *out)
{
    int fd = (int)(uint32_t)ev->data.u64;
    uint32_t id = (uint32_t)(ev->data.u64 >> 32);
    struct knote *kn = kn_find(kq, (uintptr_t)fd, filter);
    if (kn == NULL || kn->id != id || kn->disabled) {
        return 0;    /* deleted or replaced since epoll queued it, or a disabled knote's HUP */
    }
#if !defined(KQC_ABI_LIBKQUEUE)
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_dev != kn->dev || st.st_ino != kn->ino) {
        /* The registered file is only alive through a dup; this fd number is closed or reused.
         * Never report events for a closed fd (§7.6). */
        kn_destroy(kq, kn, false);
        return 0;
    }
#else
    /* No identity check: like libkqueue, report whatever epoll reports for the knote. A file kept
     * open by a dup still produces events under its old, closed or reused, number. */
#endif
    int64_t data = 0;
    bool eof = false;
    uint32_t fflags = 0;
    bool active = filter == EVFILT_READ
            ? read_state(kq, kn, ev->events, &data, &eof, &fflags)
            : write_state(kq, kn, ev->events, &data, &eof, &fflags);
    if (!active) {
        return 0;
    }
    fill(out, kn, eof ? EV_EOF : 0, fflags, data);
    after_delivery(kq, kn);
    return 1;
}

/* One epoll_wait per kevent() call and filter: a level-triggered file stays on epoll's ready list
 * after it is reported, so a second epoll_wait in the same call would report it again and the
 * caller would get the same registration twice in one event list. */
static int drain_inner(struct kq *kq, int inner, int16_t filter, struct kevent *out, int room)
{
    struct epoll_event stack[64];
    struct epoll_event *evs = stack;
    if (room <= 0) {
        return 0;
    }
    if (room > 64) {
        evs = malloc((size_t)room * sizeof(*evs));
        if (evs == NULL) {
            evs = stack;
            room = 64;
        }
    }
    int n = 0;
    int got = epoll_wait(inner, evs, room, 0);
    for (int i = 0; i < got; i++) {
        n += fd_deliver(kq, filter, &evs[i], &out[n]);
    }
    if (evs != stack) {
        free(evs);
    }
    return n;
}

static int soft_deliver(struct kq *kq, struct kevent *out, int room)
{
    int n = 0;
    struct knote *next;
    for (struct knote *kn = kq->soft; kn != NULL && n < room; kn = next) {
        next = kn->snext;
        if (!soft_pending(kn)) {
            continue;
        }
        if (kn->filter == EVFILT_USER) {
            fill(&out[n++], kn, 0, kn->sfflags, kn->sdata);
            if (kn->flags & EV_CLEAR) {
                kn->triggered = false;
            }
        }
        else {
            fill(&out[n++], kn, 0, 0, (int64_t)kn->expirations);
            kn->expirations = 0;
        }
        after_delivery(kq, kn);
    }
    return n;
}

static struct knote *timer_by_id(struct kq *kq, uint32_t id)
{
    for (struct knote *kn = kq->soft; kn != NULL; kn = kn->snext) {
        if (kn->filter == EVFILT_TIMER && kn->id == id) {
            return kn;
        }
    }
    return NULL;
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Waits (lock released while blocked) and collects up to nevents events. kq->lock held on entry/exit. */
static int kq_scan(struct kq *kq, struct kevent *eventlist, int nevents, const struct timespec *timeout)
{
    int64_t deadline = 0;
    bool forever = timeout == NULL;
    if (!forever) {
        int64_t ns = timeout->tv_sec >= MAX_WAIT_SEC ? MAX_WAIT_SEC * 1000000000
                : (int64_t)timeout->tv_sec * 1000000000 + timeout->tv_nsec;
        deadline = now_ns() + ns;
    }
    for (;;) {
        int wait_ms = 0;
        bool pending = false;
        for (struct knote *kn = kq->soft; kn != NULL && !pending; kn = kn->snext) {
            pending = soft_pending(kn);
        }
        if (!pending) {
            if (forever) {
                wait_ms = -1;
            }
            else {
                int64_t left = deadline - now_ns();
                wait_ms = left <= 0 ? 0 : (int)((left + 999999) / 1000000);
            }
        }

        struct epoll_event evs[32];
        pthread_mutex_unlock(&kq->lock);
        int got = epoll_wait(kq->ep, evs, 32, wait_ms);
        int err = errno;
        pthread_mutex_lock(&kq->lock);
        if (got < 0) {
            errno = err;    /* EINTR: changes are already applied, the caller retries (§7.2) */
            return -1;
        }

        bool rd = false, wr = false;
        for (int i = 0; i < got; i++) {
            uint64_t tag = evs[i].data.u64 & 0xff;
            if (tag == TAG_READ_EP) {
                rd = true;
            }
            else if (tag == TAG_WRITE_EP) {
                wr = true;
            }
            else if (tag == TAG_WAKE) {
                uint64_t v;
                ssize_t r = read(kq->wake_fd, &v, sizeof(v));
                (void)r;
            }
            else if (tag == TAG_TIMER) {
                struct knote *kn = timer_by_id(kq, (uint32_t)(evs[i].data.u64 >> 32));
                uint64_t exp;
                if (kn != NULL && read(kn->tfd, &exp, sizeof(exp)) == (ssize_t)sizeof(exp)) {
                    kn->expirations += exp;
                }
            }
        }

        int n = soft_deliver(kq, eventlist, nevents);
        if (rd) {
            n += drain_inner(kq, kq->rd_ep, EVFILT_READ, eventlist + n, nevents - n);
        }
        if (wr) {
            n += drain_inner(kq, kq->wr_ep, EVFILT_WRITE, eventlist + n, nevents - n);
        }
        if (n > 0) {
            return n;
        }
        if (!forever && now_ns() >= deadline) {
            return 0;
        }
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Exported entry points                                                                       */

static void kq_free(struct kq *kq)
{
    for (unsigned b = 0; b < KN_BUCKETS; b++) {
        struct knote *kn = kq->buckets[b];
        while (kn != NULL) {
            struct knote *next = kn->hnext;
            if (kn->tfd >= 0) {
                close(kn->tfd);
            }
            free(kn);
            kn = next;
        }
    }
    close(kq->rd_ep);
    close(kq->wr_ep);
    close(kq->wake_fd);
    pthread_mutex_destroy(&kq->lock);
    free(kq);
}

/*
 * Whether descriptor fd is still this kqueue's epoll instance. All epoll files share one anonymous
 * inode, so fstat cannot tell them apart; instead, re-arm our own wake-up eventfd in fd: that
 * succeeds only in the epoll instance it is registered in (another epoll gives ENOENT, a closed
 * number EBADF, any other file EINVAL). A spurious wake-up it may cause is harmless.
 */
static int kq_is_open(struct kq *kq, int fd)
{
    struct epoll_event wk = { .events = EPOLLIN, .data.u64 = TAG_WAKE };
    return epoll_ctl(fd, EPOLL_CTL_MOD, kq->wake_fd, &wk) == 0;
}

KQC_EXPORT int kqueue(void)
{
    struct kq *kq = calloc(1, sizeof(*kq));
    if (kq == NULL) {
        errno = ENOMEM;
        return -1;
    }
    kq->ep = kq->rd_ep = kq->wr_ep = kq->wake_fd = -1;
    pthread_mutex_init(&kq->lock, NULL);
    /* The kqueue fd first, so it takes the lowest free number like a real kqueue() would and a
     * closed kqueue's number (and table slot) is reused. BSD kqueue() does not set close-on-exec. */
    kq->ep = epoll_create1(0);
    kq->rd_ep = epoll_create1(EPOLL_CLOEXEC);
    kq->wr_ep = epoll_create1(EPOLL_CLOEXEC);
    kq->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    struct epoll_event rd = { .events = EPOLLIN, .data.u64 = TAG_READ_EP };
    struct epoll_event wr = { .events = EPOLLIN, .data.u64 = TAG_WRITE_EP };
    struct epoll_event wk = { .events = EPOLLIN, .data.u64 = TAG_WAKE };
    if (kq->rd_ep < 0 || kq->wr_ep < 0 || kq->wake_fd < 0 || kq->ep < 0
            || epoll_ctl(kq->ep, EPOLL_CTL_ADD, kq->rd_ep, &rd) != 0
            || epoll_ctl(kq->ep, EPOLL_CTL_ADD, kq->wr_ep, &wr) != 0
            || epoll_ctl(kq->ep, EPOLL_CTL_ADD, kq->wake_fd, &wk) != 0) {
        int err = errno;
        if (kq->ep >= 0) {
            close(kq->ep);
        }
        kq_free(kq);
        errno = err;
        return -1;
    }

    pthread_mutex_lock(&table_lock);
    if ((size_t)kq->ep >= table_len) {
        size_t len = table_len == 0 ? 64 : table_len;
        while (len <= (size_t)kq->ep) {
            len *= 2;
        }
        struct kq **grown = realloc(table, len * sizeof(*grown));
        if (grown == NULL) {
            pthread_mutex_unlock(&table_lock);
            close(kq->ep);
            kq_free(kq);
            errno = ENOMEM;
            return -1;
        }
        memset(grown + table_len, 0, (len - table_len) * sizeof(*grown));
        table = grown;
        table_len = len;
    }
    /* A previous kqueue with this number was closed by the caller: its state is stale. */
    struct kq *old = table[kq->ep];
    table[kq->ep] = kq;
    if (old != NULL) {
        kq_free(old);
    }
    /* Free every other kqueue the caller has closed. The internal descriptors of a closed kqueue
     * cannot be released at close(2), which this library does not see; they are released here, so
     * a process holds at most the internal descriptors of kqueues closed since its last kqueue(). */
    for (size_t i = 0; i < table_len; i++) {
        struct kq *k = table[i];
        if (k != NULL && k != kq && !kq_is_open(k, (int)i)) {
            table[i] = NULL;
            kq_free(k);
        }
    }
    pthread_mutex_unlock(&table_lock);
    return kq->ep;
}

KQC_EXPORT int kevent(int kqfd, const struct kevent *changelist, int nchanges,
                      struct kevent *eventlist, int nevents, const struct timespec *timeout)
{
    struct kq *kq = NULL;
    pthread_mutex_lock(&table_lock);
    if (kqfd >= 0 && (size_t)kqfd < table_len) {
        kq = table[kqfd];
    }
    pthread_mutex_unlock(&table_lock);
    if (kq == NULL || !kq_is_open(kq, kqfd)) {
#if defined(KQC_ABI_LIBKQUEUE)
        errno = ENOENT;   /* libkqueue kevent(): kqueue_lookup failed */
#else
        errno = EBADF;    /* not a kqueue, or one the caller has closed */
#endif
        return -1;
    }
    if (nchanges < 0 || nevents < 0) {
        errno = EINVAL;
        return -1;
    }
    if ((nchanges > 0 && changelist == NULL) || (nevents > 0 && eventlist == NULL)) {
        errno = EFAULT;
        return -1;
    }

    pthread_mutex_lock(&kq->lock);
    /* Change loop after FreeBSD kqueue_kevent / XNU kevent_internal / libkqueue kevent_copyin (§7.3,
     * §7.4). Each change is copied first, so changelist and eventlist may be the same array. */
    int nout = 0;
    for (int i = 0; i < nchanges; i++) {
        struct kevent kev = changelist[i];
#if defined(KQC_ABI_FREEBSD)
        if (kev.filter == 0) {
            continue;    /* FreeBSD skips zero filters; macOS and libkqueue answer EINVAL */
        }
#endif
        kev.flags &= (uint16_t)~EV_SYSFLAGS;
        int err = kq_register(kq, &kev);
        if (err == 0 && !(kev.flags & EV_RECEIPT)) {
            continue;
        }
        if (nout == nevents) {
            /* No room: fail at this change; later changes are not applied. XNU goes on after a
             * successful EV_RECEIPT; FreeBSD stops there too and returns 0; libkqueue
             * (kevent_copyin) stops there and fails with EFAULT. */
#if defined(KQC_ABI_DARWIN)
            if (err == 0) {
                continue;
            }
#elif defined(KQC_ABI_LIBKQUEUE)
            if (err == 0) {
                err = EFAULT;
            }
#endif
            pthread_mutex_unlock(&kq->lock);
            if (err != 0) {
                errno = err;
                return -1;
            }
            return 0;
        }
        struct kevent *out = &eventlist[nout++];
        *out = kev;
#if defined(KQC_ABI_FREEBSD)
        out->flags = EV_ERROR;            /* FreeBSD overwrites flags */
#else
        /* macOS ORs EV_ERROR into the change's flags. So does libkqueue 2.x: its kevent_copyin
         * (src/common/kevent.c) copies the change and sets "el_p->flags |= EV_ERROR", for an error
         * and for an EV_RECEIPT alike. */
        out->flags = kev.flags | EV_ERROR;
#endif
        out->data = err;
    }
    if (nout > 0) {
        pthread_mutex_unlock(&kq->lock);
        return nout;    /* error/receipt entries only; no I/O events collected in this call */
    }
    if (nevents == 0) {
        pthread_mutex_unlock(&kq->lock);
        return 0;
    }
    if (timeout != NULL && (timeout->tv_sec < 0 || timeout->tv_nsec < 0 || timeout->tv_nsec >= 1000000000)) {
        pthread_mutex_unlock(&kq->lock);
        errno = EINVAL;
        return -1;
    }
    int n = kq_scan(kq, eventlist, nevents, timeout);
    int err = errno;
    pthread_mutex_unlock(&kq->lock);
    errno = err;
    return n;
}
