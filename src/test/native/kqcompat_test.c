/*
 * Tests for libkqcompat, built once per ABI (-DKQC_ABI_FREEBSD / -DKQC_ABI_DARWIN /
 * -DKQC_ABI_LIBKQUEUE) and linked against the matching library. Each case checks one kqueue(2) semantic the poller relies on
 * (docs/native-abi.md §3 and §7) with real sockets on 127.0.0.1, socketpairs, pipes or eventfds. Every
 * wait is bounded by a kevent timeout. Prints one line per case and "N passed, N failed".
 */
#define _GNU_SOURCE
#include "kqcompat.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

static int passed, failed;
static char why[512];

#define CHECK(cond, ...) do { \
        if (!(cond)) { \
            int at_ = snprintf(why, sizeof(why), "line %d: ", __LINE__); \
            snprintf(why + at_, sizeof(why) - (size_t)at_, __VA_ARGS__); \
            return false; \
        } \
    } while (0)

static void run(const char *name, bool (*fn)(void))
{
    why[0] = '\0';
    if (fn()) {
        passed++;
        printf("ok     %s\n", name);
    }
    else {
        failed++;
        printf("FAILED %s: %s\n", name, why);
    }
    fflush(stdout);
}

/* ---------------------------------------------------------------------------------------- */

static struct kevent ev(uintptr_t ident, int16_t filter, uint16_t flags, uint32_t fflags, int64_t data, void *udata)
{
    struct kevent k;
    memset(&k, 0, sizeof(k));
    k.ident = ident;
    k.filter = filter;
    k.flags = flags;
    k.fflags = fflags;
    k.data = data;
    k.udata = udata;
    return k;
}

static int change(int kq, struct kevent k)
{
    return kevent(kq, &k, 1, NULL, 0, NULL);
}

/* Waits up to ms for events. */
static int wait_ms(int kq, struct kevent *out, int max, long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    return kevent(kq, NULL, 0, out, max, &ts);
}

static int poll_now(int kq, struct kevent *out, int max)
{
    return wait_ms(kq, out, max, 0);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int listener(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(s, 16) != 0) {
        return -1;
    }
    return s;
}

static int connect_to(int lsn)
{
    struct sockaddr_in a;
    socklen_t len = sizeof(a);
    getsockname(lsn, (struct sockaddr *)&a, &len);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    if (c < 0 || connect(c, (struct sockaddr *)&a, len) != 0) {
        return -1;
    }
    return c;
}

/* A connected TCP pair over 127.0.0.1; *srv is the accepted side. */
static bool tcp_pair(int *cli, int *srv)
{
    int l = listener();
    if (l < 0) {
        return false;
    }
    *cli = connect_to(l);
    *srv = accept(l, NULL, NULL);
    close(l);
    return *cli >= 0 && *srv >= 0;
}

static void set_nonblocking(int fd)
{
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* Waits (bounded) for an event of filter on ident that satisfies pred. */
static bool await_event(int kq, uintptr_t ident, int16_t filter, bool (*pred)(const struct kevent *),
                        struct kevent *found, long total_ms)
{
    int64_t end = now_ms() + total_ms;
    struct kevent out[8];
    do {
        int n = wait_ms(kq, out, 8, 50);
        for (int i = 0; i < n; i++) {
            if (out[i].ident == ident && out[i].filter == filter && (pred == NULL || pred(&out[i]))) {
                *found = out[i];
                return true;
            }
        }
    } while (now_ms() < end);
    return false;
}

/* ---------------------------------------------------------------------------------------- */

/* libkqueue's knotes keep the registering change's flags, so its events carry EV_ADD. */
#if defined(KQC_ABI_LIBKQUEUE)
#define ADD_ECHO EV_ADD
#else
#define ADD_ECHO 0
#endif

static bool abi_layout_matches_bsd_abi_md(void)
{
#if defined(KQC_ABI_FREEBSD)
    CHECK(sizeof(struct kevent) == 64, "size %zu", sizeof(struct kevent));
    CHECK(offsetof(struct kevent, ext) == 32, "ext offset");
    CHECK(EVFILT_USER == -11, "EVFILT_USER");
    CHECK(NOTE_MSECONDS == 2 && NOTE_USECONDS == 4 && NOTE_NSECONDS == 8, "timer units");
#elif defined(KQC_ABI_DARWIN)
    CHECK(sizeof(struct kevent) == 32, "size %zu", sizeof(struct kevent));
    CHECK(EVFILT_USER == -10, "EVFILT_USER");
    CHECK(NOTE_USECONDS == 2 && NOTE_NSECONDS == 4 && NOTE_ABSOLUTE == 8, "timer units");
#else
    CHECK(sizeof(struct kevent) == 32, "size %zu", sizeof(struct kevent));
    CHECK(EVFILT_USER == -11, "EVFILT_USER (FreeBSD's number in libkqueue)");
    CHECK(NOTE_SECONDS == 1 && NOTE_USECONDS == 2 && NOTE_NSECONDS == 4 && NOTE_ABSOLUTE == 8,
          "timer units (libkqueue event.h.in, the macOS values)");
#endif
    CHECK(offsetof(struct kevent, data) == 16 && sizeof(((struct kevent *)0)->data) == 8, "data");
    CHECK(offsetof(struct kevent, udata) == 24, "udata offset");
    return true;
}

static bool read_reports_byte_count_and_udata(void)
{
    int c, s, kq = kqueue();
    CHECK(kq >= 0 && tcp_pair(&c, &s), "setup");
    CHECK(change(kq, ev(s, EVFILT_READ, EV_ADD, 0, 0, (void *)0x1234)) == 0, "add: %s", strerror(errno));
    struct kevent out[4];
    CHECK(poll_now(kq, out, 4) == 0, "event before any data");
    CHECK(write(c, "hello", 5) == 5, "write");
    struct kevent e;
    CHECK(await_event(kq, s, EVFILT_READ, NULL, &e, 2000), "no read event");
    CHECK(e.data == 5, "data %lld", (long long)e.data);
    CHECK(e.udata == (void *)0x1234, "udata %p", e.udata);
    CHECK((e.flags & EV_EOF) == 0, "unexpected EV_EOF");
    close(c), close(s), close(kq);
    return true;
}

static bool read_is_level_triggered_by_default(void)
{
    int c, s, kq = kqueue();
    CHECK(kq >= 0 && tcp_pair(&c, &s), "setup");
    CHECK(change(kq, ev(s, EVFILT_READ, EV_ADD, 0, 0, NULL)) == 0, "add");
    CHECK(write(c, "abc", 3) == 3, "write");
    struct kevent e, out[4];
    CHECK(await_event(kq, s, EVFILT_READ, NULL, &e, 2000), "no first event");
    CHECK(wait_ms(kq, out, 4, 500) == 1 && out[0].data == 3, "not reported again while unread");
    char buf[8];
    CHECK(read(s, buf, sizeof(buf)) == 3, "read");
    CHECK(poll_now(kq, out, 4) == 0, "reported after drain");
    close(c), close(s), close(kq);
    return true;
}

static bool eof_is_reported_together_with_remaining_bytes(void)
{
    int c, s, kq = kqueue();
    CHECK(kq >= 0 && tcp_pair(&c, &s), "setup");
    CHECK(change(kq, ev(s, EVFILT_READ, EV_ADD, 0, 0, NULL)) == 0, "add");
    CHECK(write(c, "xyz", 3) == 3, "write");
    CHECK(shutdown(c, SHUT_WR) == 0, "shutdown");
    struct kevent out[4];
    int64_t end = now_ms() + 2000;
    bool eof = false;
    while (!eof && now_ms() < end) {
        int n = wait_ms(kq, out, 4, 50);
        eof = n == 1 && (out[0].flags & EV_EOF);
    }
    CHECK(eof, "no EV_EOF");
    CHECK(out[0].data == 3, "EOF without the pending byte count: data %lld", (long long)out[0].data);
    CHECK(out[0].fflags == 0, "orderly FIN must give fflags 0, got %u", out[0].fflags);
    char buf[8];
    CHECK(read(s, buf, sizeof(buf)) == 3 && read(s, buf, sizeof(buf)) == 0, "bytes then EOF");
    CHECK(wait_ms(kq, out, 4, 100) == 1 && (out[0].flags & EV_EOF) && out[0].data == 0, "EOF after drain");
    close(c), close(s), close(kq);
    return true;
}

static bool is_eof(const struct kevent *e)
{
    return (e->flags & EV_EOF) != 0;
}

static bool eof_after_reset_carries_econnreset(void)
{
    int c, s, kq = kqueue();
    CHECK(kq >= 0 && tcp_pair(&c, &s), "setup");
    CHECK(change(kq, ev(s, EVFILT_READ, EV_ADD, 0, 0, NULL)) == 0, "add");
    struct linger lg = { 1, 0 };
    CHECK(setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) == 0, "SO_LINGER");
    close(c);    /* abortive close: RST */
    struct kevent e;
    CHECK(await_event(kq, s, EVFILT_READ, is_eof, &e, 2000), "no EV_EOF after RST");
    CHECK(e.fflags == ECONNRESET, "fflags %u, expected ECONNRESET (%d)", e.fflags, ECONNRESET);
    struct kevent out[4];
    CHECK(poll_now(kq, out, 4) == 1 && out[0].fflags == ECONNRESET, "error not sticky on re-report");
    close(s), close(kq);
    return true;
}

static bool listen_data_is_number_of_completed_connections(void)
{
    int l = listener(), kq = kqueue();
    CHECK(l >= 0 && kq >= 0, "setup");
    CHECK(change(kq, ev(l, EVFILT_READ, EV_ADD, 0, 0, NULL)) == 0, "add");
    struct kevent out[4];
    CHECK(poll_now(kq, out, 4) == 0, "event with an empty accept queue");
    int c[3];
    for (int i = 0; i < 3; i++) {
        c[i] = connect_to(l);
        CHECK(c[i] >= 0, "connect");
    }
    int64_t end = now_ms() + 2000;
    int64_t data = 0;
    while (data != 3 && now_ms() < end) {
        if (wait_ms(kq, out, 4, 50) == 1) {
            data = out[0].data;
        }
    }
    CHECK(data == 3, "data %lld, expected 3 queued connections", (long long)data);
    int a = accept(l, NULL, NULL);
    CHECK(a >= 0, "accept");
    CHECK(wait_ms(kq, out, 4, 100) == 1 && out[0].data == 2, "after one accept: %lld", (long long)out[0].data);
    close(a);
    for (int i = 0; i < 3; i++) {
        close(c[i]);
    }
    close(l), close(kq);
    return true;
}

static bool write_reports_free_space_and_refires_after_drain(void)
{
    int c, s, kq = kqueue();
    CHECK(kq >= 0 && tcp_pair(&c, &s), "setup");
    set_nonblocking(s);
    CHECK(change(kq, ev(s, EVFILT_WRITE, EV_ADD, 0, 0, NULL)) == 0, "add");
    struct kevent out[4];
    CHECK(wait_ms(kq, out, 4, 1000) == 1 && out[0].filter == EVFILT_WRITE, "no initial write event");
    CHECK(out[0].data > 0, "free space %lld", (long long)out[0].data);
    int64_t initial = out[0].data;
    static char chunk[65536];
    while (write(s, chunk, sizeof(chunk)) > 0) {
    }
    CHECK(errno == EAGAIN, "fill: %s", strerror(errno));
    CHECK(poll_now(kq, out, 4) == 0, "write event with a full send buffer (data %lld)", (long long)out[0].data);
    set_nonblocking(c);
    int64_t end = now_ms() + 3000;
    int n = 0;
    while (n == 0 && now_ms() < end) {
        while (read(c, chunk, sizeof(chunk)) > 0) {
        }
        n = wait_ms(kq, out, 4, 20);
    }
    CHECK(n == 1 && out[0].data > 0, "no write event after the peer drained (n=%d data=%lld initial=%lld)",
          n, (long long)out[0].data, (long long)initial);
    close(c), close(s), close(kq);
    return true;
}

/* How the poller uses write interest (docs/native-abi.md §3, §7.9): one ident with a READ and a WRITE
 * knote, the WRITE one toggled with EV_ADD|EV_ENABLE / EV_ADD|EV_DISABLE. EV_ADD|EV_DISABLE of a new
 * knote creates it silent; both filters ready are two entries of one call, each with its own udata;
 * an enabled WRITE knote stays silent while the send buffer is full and fires once the peer reads. */
static bool write_filter_toggles_beside_read_on_one_ident(void)
{
    int c, s, kq = kqueue();
    CHECK(kq >= 0 && tcp_pair(&c, &s), "setup");
    set_nonblocking(s);
    struct kevent add[2] = {
        ev(s, EVFILT_READ, EV_ADD | EV_ENABLE, 0, 0, (void *)1),
        ev(s, EVFILT_WRITE, EV_ADD | EV_DISABLE, 0, 0, (void *)2),
    };
    CHECK(kevent(kq, add, 2, NULL, 0, NULL) == 0, "add both: %s", strerror(errno));
    struct kevent out[4];
    CHECK(wait_ms(kq, out, 4, 100) == 0, "event with nothing to read and WRITE disabled");
    CHECK(write(c, "ab", 2) == 2, "peer write");
    CHECK(wait_ms(kq, out, 4, 1000) == 1 && out[0].filter == EVFILT_READ && out[0].udata == (void *)1,
          "only READ expected while WRITE is disabled");
    CHECK(change(kq, ev(s, EVFILT_WRITE, EV_ADD | EV_ENABLE, 0, 0, (void *)2)) == 0, "enable WRITE");
    int n = wait_ms(kq, out, 4, 1000);
    CHECK(n == 2, "expected READ and WRITE in one call, got %d", n);
    int r = out[0].filter == EVFILT_READ ? 0 : 1;
    CHECK(out[r].filter == EVFILT_READ && out[r].udata == (void *)1 && out[r].data == 2, "READ entry");
    CHECK(out[1 - r].filter == EVFILT_WRITE && out[1 - r].udata == (void *)2 && out[1 - r].data > 0
          && out[1 - r].ident == (uintptr_t)s, "WRITE entry");
    CHECK(change(kq, ev(s, EVFILT_WRITE, EV_ADD | EV_DISABLE, 0, 0, (void *)2)) == 0, "disable WRITE");
    CHECK(change(kq, ev(s, EVFILT_WRITE, EV_ADD | EV_DISABLE, 0, 0, (void *)2)) == 0, "disable WRITE again");
    CHECK(wait_ms(kq, out, 4, 100) == 1 && out[0].filter == EVFILT_READ, "WRITE fired while disabled");
    static char chunk[65536];
    while (write(s, chunk, sizeof(chunk)) > 0) {
    }
    CHECK(errno == EAGAIN, "fill: %s", strerror(errno));
    CHECK(change(kq, ev(s, EVFILT_WRITE, EV_ADD | EV_ENABLE, 0, 0, (void *)2)) == 0, "enable WRITE, full buffer");
    n = wait_ms(kq, out, 4, 100);
    CHECK(n == 1 && out[0].filter == EVFILT_READ, "WRITE fired with a full send buffer (n=%d)", n);
    set_nonblocking(c);
    struct kevent e;
    int64_t end = now_ms() + 3000;
    bool writable = false;
    while (!writable && now_ms() < end) {
        while (read(c, chunk, sizeof(chunk)) > 0) {
        }
        n = wait_ms(kq, out, 4, 20);
        for (int i = 0; i < n; i++) {
            if (out[i].filter == EVFILT_WRITE) {
                writable = true;
                e = out[i];
            }
        }
    }
    CHECK(writable && e.udata == (void *)2 && e.data > 0, "no WRITE event after the peer drained");
    CHECK(change(kq, ev(s, EVFILT_WRITE, EV_DISABLE, 0, 0, (void *)2)) == 0, "plain EV_DISABLE of a live knote");
    CHECK(change(kq, ev(s, EVFILT_READ, EV_DELETE, 0, 0, NULL)) == 0, "delete READ");
    CHECK(wait_ms(kq, out, 4, 100) == 0, "event after READ deleted and WRITE disabled");
    CHECK(change(kq, ev(s, EVFILT_WRITE, EV_DELETE, 0, 0, NULL)) == 0, "delete WRITE");
    close(c), close(s), close(kq);
    return true;
}

static bool write_eof_after_peer_reset(void)
{
    int c, s, kq = kqueue();
    CHECK(kq >= 0 && tcp_pair(&c, &s), "setup");
    struct linger lg = { 1, 0 };
    setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
    close(c);
    CHECK(change(kq, ev(s, EVFILT_WRITE, EV_ADD, 0, 0, NULL)) == 0, "add");
    struct kevent e;
    CHECK(await_event(kq, s, EVFILT_WRITE, is_eof, &e, 2000), "no EV_EOF on write filter");
    CHECK(e.fflags == ECONNRESET, "fflags %u", e.fflags);
    close(s), close(kq);
    return true;
}

static bool user_trigger_applies_fflags_controls(void)
{
    int kq = kqueue();
    CHECK(kq >= 0, "kqueue");
    CHECK(change(kq, ev(42, EVFILT_USER, EV_ADD | EV_CLEAR, NOTE_FFNOP, 0, (void *)7)) == 0, "add");
    struct kevent out[4];
    CHECK(poll_now(kq, out, 4) == 0, "fired before trigger");
    CHECK(change(kq, ev(42, EVFILT_USER, 0, NOTE_TRIGGER | NOTE_FFOR | 0x5, 0, (void *)7)) == 0, "trigger");
    CHECK(poll_now(kq, out, 4) == 1, "not fired");
    CHECK(out[0].ident == 42 && out[0].filter == EVFILT_USER && out[0].udata == (void *)7, "identity");
    CHECK(out[0].fflags == 0x5, "FFOR: %#x", out[0].fflags);
    CHECK(poll_now(kq, out, 4) == 0, "EV_CLEAR user event fired twice");
    CHECK(change(kq, ev(42, EVFILT_USER, 0, NOTE_TRIGGER | NOTE_FFAND | 0x4, 0, (void *)7)) == 0, "and");
    CHECK(poll_now(kq, out, 4) == 1 && out[0].fflags == 0x4, "FFAND: %#x", out[0].fflags);
    CHECK(change(kq, ev(42, EVFILT_USER, 0, NOTE_TRIGGER | NOTE_FFCOPY | 0xABCDEF, 0, (void *)7)) == 0, "copy");
    CHECK(poll_now(kq, out, 4) == 1 && out[0].fflags == 0xABCDEF, "FFCOPY: %#x", out[0].fflags);
    CHECK(change(kq, ev(42, EVFILT_USER, 0, NOTE_TRIGGER | NOTE_FFNOP | 0x1, 0, (void *)7)) == 0, "nop");
    CHECK(poll_now(kq, out, 4) == 1 && out[0].fflags == 0xABCDEF, "FFNOP changed flags: %#x", out[0].fflags);
    CHECK((out[0].fflags & ~NOTE_FFLAGSMASK) == 0, "control bits reported");
    close(kq);
    return true;
}

static bool user_without_clear_stays_triggered(void)
{
    int kq = kqueue();
    CHECK(kq >= 0, "kqueue");
    CHECK(change(kq, ev(1, EVFILT_USER, EV_ADD, 0, 0, NULL)) == 0, "add");
    CHECK(change(kq, ev(1, EVFILT_USER, 0, NOTE_TRIGGER, 0, NULL)) == 0, "trigger");
    struct kevent out[4];
    CHECK(poll_now(kq, out, 4) == 1 && poll_now(kq, out, 4) == 1, "level user event not repeated");
    close(kq);
    return true;
}

static bool user_add_with_trigger_follows_abi(void)
{
    int kq = kqueue();
    CHECK(kq >= 0, "kqueue");
    CHECK(change(kq, ev(5, EVFILT_USER, EV_ADD | EV_CLEAR, NOTE_TRIGGER, 0, NULL)) == 0, "add");
    struct kevent out[4];
    int n = poll_now(kq, out, 4);
#if defined(KQC_ABI_FREEBSD)
    CHECK(n == 0, "FreeBSD does not trigger on EV_ADD|NOTE_TRIGGER (filt_userattach)");
#elif defined(KQC_ABI_DARWIN)
    CHECK(n == 1, "XNU triggers on EV_ADD|NOTE_TRIGGER (filt_userattach)");
#else
    CHECK(n == 0, "libkqueue does not trigger on EV_ADD|NOTE_TRIGGER (linux/user.c knote_create)");
#endif
    close(kq);
    return true;
}

struct waiter {
    int kq;
    volatile int started;
    int n;
    int err;
    struct kevent out[4];
    int64_t returned_at;
};

static void *block_forever(void *arg)
{
    struct waiter *w = arg;
    w->started = 1;
    w->n = kevent(w->kq, NULL, 0, w->out, 4, NULL);
    w->err = errno;
    w->returned_at = now_ms();
    return NULL;
}

static bool user_trigger_from_other_thread_wakes_blocked_kevent(void)
{
    struct waiter w;
    memset(&w, 0, sizeof(w));
    w.kq = kqueue();
    CHECK(w.kq >= 0, "kqueue");
    CHECK(change(w.kq, ev(0, EVFILT_USER, EV_ADD | EV_ENABLE | EV_CLEAR, NOTE_FFNOP, 0, (void *)9)) == 0, "add");
    pthread_t t;
    CHECK(pthread_create(&t, NULL, block_forever, &w) == 0, "thread");
    struct timespec settle = { 0, 200 * 1000000L };
    while (!w.started) {
        sched_yield();
    }
    nanosleep(&settle, NULL);    /* let the waiter reach epoll_wait; the assertion does not depend on it */
    CHECK(w.returned_at == 0, "kevent(timeout NULL) returned without an event: n=%d", w.n);
    int64_t triggered_at = now_ms();
    CHECK(change(w.kq, ev(0, EVFILT_USER, 0, NOTE_TRIGGER | NOTE_FFNOP, 0, (void *)9)) == 0, "trigger");
    struct timespec limit;
    clock_gettime(CLOCK_REALTIME, &limit);
    limit.tv_sec += 5;
    if (pthread_timedjoin_np(t, NULL, &limit) != 0) {
        CHECK(false, "blocked kevent did not return within 5 s of the trigger");
    }
    CHECK(w.n == 1 && w.out[0].filter == EVFILT_USER && w.out[0].udata == (void *)9, "n=%d errno=%d", w.n, w.err);
    CHECK(w.returned_at - triggered_at < 1000, "woke after %lld ms", (long long)(w.returned_at - triggered_at));
    close(w.kq);
    return true;
}

static bool readd_modifies_instead_of_duplicating(void)
{
    int sv[2], kq = kqueue();
    CHECK(kq >= 0 && socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "setup");
    CHECK(change(kq, ev(sv[0], EVFILT_READ, EV_ADD, 0, 0, (void *)1)) == 0, "add");
    CHECK(change(kq, ev(sv[0], EVFILT_READ, EV_ADD, 0, 0, (void *)2)) == 0, "re-add");
    CHECK(write(sv[1], "x", 1) == 1, "write");
    struct kevent out[4];
    CHECK(wait_ms(kq, out, 4, 1000) == 1, "expected exactly one event");
    CHECK(out[0].udata == (void *)2 && out[0].data == 1, "udata %p data %lld", out[0].udata, (long long)out[0].data);
    close(sv[0]), close(sv[1]), close(kq);
    return true;
}

static bool delete_stops_events_and_unknown_delete_is_enoent(void)
{
    int sv[2], kq = kqueue();
    CHECK(kq >= 0 && socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "setup");
    CHECK(change(kq, ev(sv[0], EVFILT_READ, EV_ADD, 0, 0, NULL)) == 0, "add");
    CHECK(write(sv[1], "x", 1) == 1, "write");
    CHECK(change(kq, ev(sv[0], EVFILT_READ, EV_DELETE, 0, 0, NULL)) == 0, "delete");
    struct kevent out[4];
    CHECK(wait_ms(kq, out, 4, 100) == 0, "event after EV_DELETE");
    struct kevent del = ev(sv[0], EVFILT_READ, EV_DELETE, 0, 0, NULL);
    CHECK(kevent(kq, &del, 1, out, 4, NULL) == 1, "second delete not reported");
    CHECK((out[0].flags & EV_ERROR) && out[0].data == ENOENT, "flags %#x data %lld", out[0].flags, (long long)out[0].data);
    CHECK(change(kq, ev(sv[0], EVFILT_WRITE, EV_DELETE, 0, 0, NULL)) == -1 && errno == ENOENT, "WRITE never added");
    close(sv[0]), close(sv[1]), close(kq);
    return true;
}

static bool disable_and_enable(void)
{
    int sv[2], kq = kqueue();
    CHECK(kq >= 0 && socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "setup");
    CHECK(change(kq, ev(sv[0], EVFILT_READ, EV_ADD | EV_DISABLE, 0, 0, NULL)) == 0, "add disabled");
    CHECK(write(sv[1], "ab", 2) == 2, "write");
    struct kevent out[4];
    CHECK(wait_ms(kq, out, 4, 100) == 0, "disabled knote fired");
    CHECK(change(kq, ev(sv[0], EVFILT_READ, EV_ENABLE, 0, 0, NULL)) == 0, "enable");
    CHECK(wait_ms(kq, out, 4, 1000) == 1 && out[0].data == 2, "no event after EV_ENABLE");
    CHECK(change(kq, ev(sv[0], EVFILT_READ, EV_DISABLE, 0, 0, NULL)) == 0, "disable");
    shutdown(sv[1], SHUT_RDWR);    /* HUP must not leak through a disabled knote either */
    CHECK(wait_ms(kq, out, 4, 100) == 0, "disabled knote fired on HUP");
    struct kevent both = ev(sv[0], EVFILT_READ, EV_ENABLE | EV_DISABLE, 0, 0, NULL);
    CHECK(kevent(kq, &both, 1, NULL, 0, NULL) == -1 && errno == EINVAL, "EV_ENABLE|EV_DISABLE accepted");
    close(sv[0]), close(sv[1]), close(kq);
    return true;
}

static bool oneshot_fires_once_then_is_deleted(void)
{
    int sv[2], kq = kqueue();
    CHECK(kq >= 0 && socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "setup");
    CHECK(change(kq, ev(sv[0], EVFILT_READ, EV_ADD | EV_ONESHOT, 0, 0, NULL)) == 0, "add");
    CHECK(write(sv[1], "x", 1) == 1, "write");
    struct kevent out[4];
    CHECK(wait_ms(kq, out, 4, 1000) == 1 && (out[0].flags & EV_ONESHOT), "no oneshot event");
    CHECK(wait_ms(kq, out, 4, 100) == 0, "oneshot fired twice");
    CHECK(change(kq, ev(sv[0], EVFILT_READ, EV_DELETE, 0, 0, NULL)) == -1 && errno == ENOENT, "still registered");
    close(sv[0]), close(sv[1]), close(kq);
    return true;
}

static bool clear_reports_only_new_state_changes(void)
{
    int c, s, kq = kqueue();
    CHECK(kq >= 0 && tcp_pair(&c, &s), "setup");
    CHECK(change(kq, ev(s, EVFILT_READ, EV_ADD | EV_CLEAR, 0, 0, NULL)) == 0, "add");
    CHECK(write(c, "ab", 2) == 2, "write");
    struct kevent e, out[4];
    CHECK(await_event(kq, s, EVFILT_READ, NULL, &e, 2000) && e.data == 2, "first edge");
    CHECK(wait_ms(kq, out, 4, 100) == 0, "EV_CLEAR knote re-fired without new data");
    CHECK(write(c, "cde", 3) == 3, "write");
    CHECK(await_event(kq, s, EVFILT_READ, NULL, &e, 2000), "no edge for new data");
    CHECK(e.data == 5, "data %lld, expected all 5 unread bytes", (long long)e.data);
    close(c), close(s), close(kq);
    return true;
}

static bool dispatch_disables_after_delivery(void)
{
    int sv[2], kq = kqueue();
    CHECK(kq >= 0 && socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "setup");
    CHECK(change(kq, ev(sv[0], EVFILT_READ, EV_ADD | EV_DISPATCH, 0, 0, (void *)3)) == 0, "add");
    CHECK(write(sv[1], "x", 1) == 1, "write");
    struct kevent out[4];
    CHECK(wait_ms(kq, out, 4, 1000) == 1, "no event");
    CHECK(write(sv[1], "y", 1) == 1, "write");
    CHECK(wait_ms(kq, out, 4, 100) == 0, "dispatched knote fired again while disabled");
    CHECK(change(kq, ev(sv[0], EVFILT_READ, EV_ENABLE, 0, 0, (void *)3)) == 0, "enable");
    CHECK(wait_ms(kq, out, 4, 1000) == 1 && out[0].data == 2, "no event after re-enable");
    close(sv[0]), close(sv[1]), close(kq);
    return true;
}

static bool receipt_returns_one_entry_per_change(void)
{
    int sv[2], kq = kqueue();
    CHECK(kq >= 0 && socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "setup");
    CHECK(write(sv[1], "x", 1) == 1 && write(sv[0], "y", 1) == 1, "write");
    struct kevent ch[2] = {
        ev(sv[0], EVFILT_READ, EV_ADD | EV_RECEIPT, 0, 0, (void *)1),
        ev(sv[1], EVFILT_READ, EV_ADD | EV_RECEIPT, 0, 0, (void *)2),
    };
    struct kevent out[4];
    CHECK(kevent(kq, ch, 2, out, 4, NULL) == 2, "expected two receipts");
    for (int i = 0; i < 2; i++) {
        CHECK((out[i].flags & EV_ERROR) && out[i].data == 0, "receipt %d: flags %#x data %lld",
              i, out[i].flags, (long long)out[i].data);
        CHECK(out[i].ident == ch[i].ident && out[i].udata == ch[i].udata, "receipt %d identity", i);
    }
    CHECK(poll_now(kq, out, 4) == 2, "registrations not applied");
    close(sv[0]), close(sv[1]), close(kq);
    return true;
}

static bool change_errors_are_returned_as_entries_when_there_is_room(void)
{
    int sv[2], kq = kqueue();
    CHECK(kq >= 0 && socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "setup");
    int closed = dup(sv[0]);
    close(closed);
    CHECK(write(sv[1], "x", 1) == 1, "write");
    struct kevent ch[4] = {
        ev(sv[0], EVFILT_READ, EV_ADD, 0, 0, (void *)1),
        ev(closed, EVFILT_READ, EV_ADD, 0, 0, (void *)2),
        ev(sv[1], EVFILT_WRITE, EV_DELETE, 0, 0, (void *)3),
        ev(sv[0], -99, EV_ADD, 0, 0, (void *)4),
    };
    struct kevent out[8];
    int n = kevent(kq, ch, 4, out, 8, NULL);
    CHECK(n == 3, "expected only the 3 error entries (no I/O events), got %d", n);
#if defined(KQC_ABI_LIBKQUEUE)
    int64_t expect[3] = { EFAULT, ENOENT, EINVAL };    /* libkqueue: any failed create is EFAULT */
#else
    int64_t expect[3] = { EBADF, ENOENT, EINVAL };
#endif
    for (int i = 0; i < 3; i++) {
        CHECK(out[i].udata == ch[i + 1].udata && out[i].data == expect[i], "entry %d: data %lld", i, (long long)out[i].data);
        CHECK(out[i].ident == ch[i + 1].ident && out[i].filter == ch[i + 1].filter, "entry %d identity", i);
#if defined(KQC_ABI_FREEBSD)
        CHECK(out[i].flags == EV_ERROR, "FreeBSD overwrites flags with EV_ERROR: %#x", out[i].flags);
#else
        CHECK(out[i].flags == (ch[i + 1].flags | EV_ERROR), "macOS and libkqueue OR EV_ERROR: %#x", out[i].flags);
#endif
    }
    CHECK(poll_now(kq, out, 8) == 1 && out[0].udata == (void *)1, "the good change was not applied");
    close(sv[0]), close(sv[1]), close(kq);
    return true;
}

static bool change_error_without_room_fails_and_stops(void)
{
    int sv[2], kq = kqueue();
    CHECK(kq >= 0 && socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "setup");
    int closed = dup(sv[0]);
    close(closed);
    struct kevent ch[2] = {
        ev(closed, EVFILT_READ, EV_ADD, 0, 0, NULL),
        ev(sv[0], EVFILT_READ, EV_ADD, 0, 0, NULL),
    };
#if defined(KQC_ABI_LIBKQUEUE)
    int expect = EFAULT;
#else
    int expect = EBADF;
#endif
    errno = 0;
    CHECK(kevent(kq, ch, 2, NULL, 0, NULL) == -1 && errno == expect, "expected -1/%d, errno %d", expect, errno);
    CHECK(change(kq, ev(sv[0], EVFILT_READ, EV_DELETE, 0, 0, NULL)) == -1 && errno == ENOENT,
          "change after the failing one was applied");
    close(sv[0]), close(sv[1]), close(kq);
    return true;
}

static bool nevents_zero_returns_at_once_and_timeouts_bound_the_wait(void)
{
    int kq = kqueue();
    CHECK(kq >= 0, "kqueue");
    struct timespec five = { 5, 0 };
    int64_t t0 = now_ms();
    CHECK(kevent(kq, NULL, 0, NULL, 0, &five) == 0, "nevents 0");
    CHECK(now_ms() - t0 < 1000, "nevents 0 waited %lld ms", (long long)(now_ms() - t0));
    struct kevent out[2];
    t0 = now_ms();
    CHECK(poll_now(kq, out, 2) == 0 && now_ms() - t0 < 1000, "zero timeout did not poll");
    t0 = now_ms();
    CHECK(wait_ms(kq, out, 2, 120) == 0, "timeout");
    int64_t waited = now_ms() - t0;
    CHECK(waited >= 110 && waited < 2000, "120 ms timeout waited %lld ms", (long long)waited);
    struct timespec bad = { 0, 1000000000L };
    CHECK(kevent(kq, NULL, 0, out, 2, &bad) == -1 && errno == EINVAL, "tv_nsec >= 1e9 accepted");
    close(kq);
    return true;
}

static void on_usr1(int sig)
{
    (void)sig;
}

struct intr_waiter {
    int kq;
    volatile int started;
    int n;
    int err;
};

static void *wait_with_change(void *arg)
{
    struct intr_waiter *w = arg;
    struct kevent ch = ev(77, EVFILT_USER, EV_ADD | EV_CLEAR, 0, 0, NULL);
    struct kevent out[2];
    struct timespec ts = { 3, 0 };
    w->started = 1;
    w->n = kevent(w->kq, &ch, 1, out, 2, &ts);
    w->err = errno;
    return NULL;
}

static bool eintr_is_returned_after_changes_are_applied(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_usr1;    /* no SA_RESTART */
    sigaction(SIGUSR1, &sa, NULL);
    struct intr_waiter w = { .kq = kqueue() };
    CHECK(w.kq >= 0, "kqueue");
    pthread_t t;
    CHECK(pthread_create(&t, NULL, wait_with_change, &w) == 0, "thread");
    while (!w.started) {
        sched_yield();
    }
    struct timespec settle = { 0, 200 * 1000000L };
    nanosleep(&settle, NULL);
    pthread_kill(t, SIGUSR1);
    struct timespec limit;
    clock_gettime(CLOCK_REALTIME, &limit);
    limit.tv_sec += 5;
    CHECK(pthread_timedjoin_np(t, NULL, &limit) == 0, "waiter did not return");
    CHECK(w.n == -1 && w.err == EINTR, "n=%d errno=%d, expected -1/EINTR", w.n, w.err);
    CHECK(change(w.kq, ev(77, EVFILT_USER, EV_DELETE, 0, 0, NULL)) == 0, "change was not applied before EINTR");
    close(w.kq);
    return true;
}

#if !defined(KQC_ABI_LIBKQUEUE)
static bool close_removes_registration_and_reused_fd_starts_fresh(void)
{
    int a[2], b[2], kq = kqueue();
    CHECK(kq >= 0 && socketpair(AF_UNIX, SOCK_STREAM, 0, a) == 0, "setup");
    CHECK(change(kq, ev(a[0], EVFILT_READ, EV_ADD | EV_DISPATCH, 0, 0, (void *)0xdead)) == 0, "add");
    CHECK(write(a[1], "x", 1) == 1, "write");
    struct kevent out[4];
    CHECK(wait_ms(kq, out, 4, 1000) == 1, "no event");    /* now dispatched: disabled */
    int num = a[0];
    close(a[0]);
    CHECK(wait_ms(kq, out, 4, 100) == 0, "event for a closed fd");
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, b) == 0 && b[0] == num, "fd %d not reused (got %d)", num, b[0]);
    CHECK(change(kq, ev(num, EVFILT_READ, EV_DELETE, 0, 0, NULL)) == -1 && errno == ENOENT,
          "old registration resurrected on the reused fd");
    CHECK(change(kq, ev(num, EVFILT_READ, EV_ADD, 0, 0, (void *)0xbeef)) == 0, "add reused");
    CHECK(write(b[1], "y", 1) == 1, "write");
    CHECK(wait_ms(kq, out, 4, 1000) == 1, "fresh registration disabled (old EV_DISPATCH state kept)");
    CHECK(out[0].udata == (void *)0xbeef && !(out[0].flags & EV_DISPATCH), "old udata/flags: %p %#x",
          out[0].udata, out[0].flags);
    close(a[1]), close(b[0]), close(b[1]), close(kq);
    return true;
}
#endif

/*
 * close(2) and a reused descriptor number, with the EV_ADD|EV_ENABLE the poller registers with.
 * FreeBSD and macOS: close removes the registration, so the new socket is simply added.
 * libkqueue: the knote outlives the close; an EV_ADD on the reused number fails (ENOENT from
 * epoll's MOD) until the stale knote is deleted with EV_DELETE.
 */
static bool reused_fd_number_after_close_follows_abi(void)
{
    int a[2], b[2], kq = kqueue();
    CHECK(kq >= 0 && socketpair(AF_UNIX, SOCK_STREAM, 0, a) == 0, "setup");
    CHECK(change(kq, ev(a[0], EVFILT_READ, EV_ADD | EV_ENABLE, 0, 0, (void *)0xdead)) == 0, "add");
    int num = a[0];
    close(a[0]);
    struct kevent out[4];
    CHECK(poll_now(kq, out, 4) == 0, "event for a closed fd");
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, b) == 0 && b[0] == num, "fd %d not reused (got %d)", num, b[0]);
    CHECK(write(b[1], "yz", 2) == 2, "write");
#if defined(KQC_ABI_LIBKQUEUE)
    errno = 0;
    CHECK(change(kq, ev(num, EVFILT_READ, EV_ADD, 0, 0, (void *)0xbeef)) == -1 && errno == ENOENT,
          "EV_ADD on the reused number must meet the stale knote and fail with ENOENT, errno %d", errno);
    errno = 0;
    CHECK(change(kq, ev(num, EVFILT_READ, EV_ADD | EV_ENABLE, 0, 0, (void *)0xbeef)) == -1 && errno == ENOENT,
          "EV_ADD|EV_ENABLE on the reused number must fail too, errno %d", errno);
    CHECK(wait_ms(kq, out, 4, 100) == 0, "the stale knote reported the new socket");
    CHECK(change(kq, ev(num, EVFILT_READ, EV_DELETE, 0, 0, NULL)) == 0, "EV_DELETE of the stale knote: %s",
          strerror(errno));
    CHECK(change(kq, ev(num, EVFILT_READ, EV_DELETE, 0, 0, NULL)) == -1 && errno == ENOENT,
          "the stale knote survived EV_DELETE");
#endif
    CHECK(change(kq, ev(num, EVFILT_READ, EV_ADD | EV_ENABLE, 0, 0, (void *)0xbeef)) == 0, "add reused: %s",
          strerror(errno));
    CHECK(wait_ms(kq, out, 4, 1000) == 1, "no event for the new socket");
    CHECK(out[0].ident == (uintptr_t)num && out[0].filter == EVFILT_READ && out[0].udata == (void *)0xbeef
          && out[0].data == 2 && out[0].flags == ADD_ECHO,
          "ident %lu udata %p data %lld flags %#x", (unsigned long)out[0].ident, out[0].udata,
          (long long)out[0].data, out[0].flags);
    close(a[1]), close(b[0]), close(b[1]), close(kq);
    return true;
}

/* A closed descriptor whose number is not reused: what its registration answers. */
static bool closed_fd_registration_follows_abi(void)
{
    int a[2], kq = kqueue();
    CHECK(kq >= 0 && socketpair(AF_UNIX, SOCK_STREAM, 0, a) == 0, "setup");
    CHECK(change(kq, ev(a[0], EVFILT_READ, EV_ADD, 0, 0, NULL)) == 0, "add");
    int num = a[0];
    close(a[0]);
    CHECK(fcntl(num, F_GETFD) == -1, "fd %d still open", num);
#if defined(KQC_ABI_LIBKQUEUE)
    errno = 0;
    CHECK(change(kq, ev(num, EVFILT_READ, EV_ADD, 0, 0, NULL)) == -1 && errno == EBADF,
          "EV_ADD on the closed number: expected EBADF from epoll's MOD, errno %d", errno);
    CHECK(change(kq, ev(num, EVFILT_READ, EV_DELETE, 0, 0, NULL)) == 0, "EV_DELETE of the stale knote: %s",
          strerror(errno));
    errno = 0;
    CHECK(change(kq, ev(num, EVFILT_READ, EV_DELETE, 0, 0, NULL)) == -1 && errno == ENOENT,
          "second EV_DELETE: libkqueue looks the knote up before the descriptor, errno %d", errno);
    errno = 0;
    CHECK(change(kq, ev(num, EVFILT_READ, EV_ADD, 0, 0, NULL)) == -1 && errno == EFAULT,
          "EV_ADD of a closed descriptor: libkqueue answers EFAULT, errno %d", errno);
#else
    errno = 0;
    CHECK(change(kq, ev(num, EVFILT_READ, EV_DELETE, 0, 0, NULL)) == -1 && errno == EBADF,
          "EV_DELETE of a closed descriptor: expected EBADF, errno %d", errno);
    errno = 0;
    CHECK(change(kq, ev(num, EVFILT_READ, EV_ADD, 0, 0, NULL)) == -1 && errno == EBADF,
          "EV_ADD of a closed descriptor: expected EBADF, errno %d", errno);
#endif
    close(a[1]), close(kq);
    return true;
}

static bool reused_anonymous_inode_fd_follows_abi(void)
{
    /* eventfds share one anonymous inode, so (st_dev, st_ino) cannot tell them apart. */
    int kq = kqueue(), e1 = eventfd(1, 0);
    CHECK(kq >= 0 && e1 >= 0, "setup");
    CHECK(change(kq, ev(e1, EVFILT_READ, EV_ADD | EV_DISPATCH, 0, 0, (void *)1)) == 0, "add");
    struct kevent out[4];
    CHECK(wait_ms(kq, out, 4, 1000) == 1, "no event");
    close(e1);
    int e2 = eventfd(1, 0);
    CHECK(e2 == e1, "fd not reused");
#if defined(KQC_ABI_LIBKQUEUE)
    CHECK(change(kq, ev(e2, EVFILT_READ, EV_ADD, 0, 0, (void *)2)) == -1 && errno == ENOENT,
          "EV_ADD met no stale knote");
    CHECK(change(kq, ev(e2, EVFILT_READ, EV_DELETE, 0, 0, NULL)) == 0, "EV_DELETE of the stale knote");
#endif
    CHECK(change(kq, ev(e2, EVFILT_READ, EV_ADD, 0, 0, (void *)2)) == 0, "add reused");
    CHECK(wait_ms(kq, out, 4, 1000) == 1 && out[0].udata == (void *)2, "reused eventfd inherited disabled state");
    close(e2), close(kq);
    return true;
}

static bool pipe_eof_with_pending_bytes(void)
{
    int p[2], kq = kqueue();
    CHECK(kq >= 0 && pipe(p) == 0, "setup");
    CHECK(change(kq, ev(p[0], EVFILT_READ, EV_ADD, 0, 0, NULL)) == 0, "add");
    CHECK(write(p[1], "ab", 2) == 2, "write");
    close(p[1]);
    struct kevent out[4];
    CHECK(wait_ms(kq, out, 4, 1000) == 1, "no event");
    CHECK((out[0].flags & EV_EOF) && out[0].data == 2, "flags %#x data %lld", out[0].flags, (long long)out[0].data);
    close(p[0]), close(kq);
    return true;
}

static bool timer_reports_expirations(void)
{
    int kq = kqueue();
    CHECK(kq >= 0, "kqueue");
    CHECK(change(kq, ev(1, EVFILT_TIMER, EV_ADD, 0, 20, (void *)5)) == 0, "add periodic 20 ms");
    struct kevent out[4];
    CHECK(wait_ms(kq, out, 4, 1000) == 1 && out[0].filter == EVFILT_TIMER, "no timer event");
    CHECK(out[0].data >= 1 && out[0].udata == (void *)5 && (out[0].flags & EV_CLEAR), "data %lld", (long long)out[0].data);
    struct timespec pause = { 0, 110 * 1000000L };
    nanosleep(&pause, NULL);
    CHECK(poll_now(kq, out, 4) == 1 && out[0].data >= 3, "expirations not accumulated: %lld", (long long)out[0].data);
    CHECK(change(kq, ev(1, EVFILT_TIMER, EV_DELETE, 0, 0, NULL)) == 0, "delete");
    CHECK(change(kq, ev(2, EVFILT_TIMER, EV_ADD | EV_ONESHOT, 0, 10, NULL)) == 0, "add oneshot");
    CHECK(wait_ms(kq, out, 4, 1000) == 1 && out[0].ident == 2 && out[0].data == 1, "oneshot timer");
    CHECK(wait_ms(kq, out, 4, 60) == 0, "oneshot timer fired twice");
    CHECK(change(kq, ev(2, EVFILT_TIMER, EV_DELETE, 0, 0, NULL)) == -1 && errno == ENOENT, "oneshot timer kept");
    close(kq);
    return true;
}

static bool reused_kqueue_number_gets_fresh_state(void)
{
    int kq = kqueue();
    CHECK(kq >= 0, "kqueue");
    CHECK(change(kq, ev(7, EVFILT_USER, EV_ADD, 0, 0, NULL)) == 0, "add");
    close(kq);
    int kq2 = kqueue();
    CHECK(kq2 == kq, "kqueue number not reused (%d, %d)", kq, kq2);
    CHECK(change(kq2, ev(7, EVFILT_USER, EV_DELETE, 0, 0, NULL)) == -1 && errno == ENOENT, "state leaked");
    close(kq2);
    CHECK(change(kq2, ev(7, EVFILT_USER, EV_ADD, 0, 0, NULL)) == -1, "closed kqueue accepted a change");
    return true;
}

/*
 * EV_DISPATCH timer re-enabled after ticks passed while it was disabled (kqcompat.c, EVFILT_TIMER):
 * FreeBSD (kern_event.c filt_timerexpire_l / kqueue_register) and macOS (filt_timerprocess) report
 * the ticks counted while disabled, at once; libkqueue (linux/timer.c knote_disable/knote_enable)
 * stops the timer and starts it afresh, so nothing is pending and the next event has data 1.
 */
static bool dispatch_timer_reenable_follows_abi(void)
{
    int kq = kqueue();
    CHECK(kq >= 0, "kqueue");
    CHECK(change(kq, ev(9, EVFILT_TIMER, EV_ADD | EV_DISPATCH, 0, 100, (void *)0x77)) == 0, "add 100 ms");
    struct kevent out[4];
    CHECK(wait_ms(kq, out, 4, 2000) == 1 && out[0].ident == 9 && out[0].filter == EVFILT_TIMER, "no first tick");
    CHECK(out[0].data >= 1 && out[0].udata == (void *)0x77, "first tick: data %lld", (long long)out[0].data);
    CHECK(out[0].flags == (ADD_ECHO | EV_CLEAR | EV_DISPATCH), "flags %#x", out[0].flags);
    struct timespec pause = { 0, 260 * 1000000L };    /* at least two periods while disabled */
    nanosleep(&pause, NULL);
    CHECK(poll_now(kq, out, 4) == 0, "a dispatched timer fired while disabled");
    CHECK(change(kq, ev(9, EVFILT_TIMER, EV_ENABLE, 0, 0, (void *)0x77)) == 0, "enable");
#if defined(KQC_ABI_LIBKQUEUE)
    int64_t enabled_at = now_ms();
    CHECK(poll_now(kq, out, 4) == 0, "ticks from the disabled time reported (data %lld)", (long long)out[0].data);
    CHECK(wait_ms(kq, out, 4, 2000) == 1, "no tick after re-enable");
    CHECK(out[0].data == 1, "first tick after re-enable: data %lld, expected 1", (long long)out[0].data);
    CHECK(now_ms() - enabled_at >= 80, "tick %lld ms after enable: the period did not restart",
          (long long)(now_ms() - enabled_at));
#else
    CHECK(poll_now(kq, out, 4) == 1, "the ticks counted while disabled were not reported at EV_ENABLE");
    CHECK(out[0].data >= 2, "data %lld, expected the >= 2 ticks counted while disabled", (long long)out[0].data);
#endif
    CHECK(out[0].ident == 9 && out[0].udata == (void *)0x77 && out[0].flags == (ADD_ECHO | EV_CLEAR | EV_DISPATCH),
          "identity/flags %#x", out[0].flags);
    CHECK(wait_ms(kq, out, 4, 250) == 0, "dispatched again without EV_ENABLE");
    CHECK(change(kq, ev(9, EVFILT_TIMER, EV_DELETE, 0, 0, NULL)) == 0, "delete");
    close(kq);
    return true;
}

/*
 * EVFILT_USER data and a trigger sent while disabled. FreeBSD and XNU filt_usertouch store each
 * change's data and keep a trigger for EV_ENABLE; libkqueue (linux/user.c knote_modify) keeps the
 * EV_ADD's data and drops a trigger sent to a disabled knote.
 */
static bool user_data_and_disabled_trigger_follow_abi(void)
{
    int kq = kqueue();
    CHECK(kq >= 0, "kqueue");
    CHECK(change(kq, ev(3, EVFILT_USER, EV_ADD | EV_CLEAR, 0, 11, (void *)0x31)) == 0, "add");
    CHECK(change(kq, ev(3, EVFILT_USER, 0, NOTE_TRIGGER, 22, (void *)0x31)) == 0, "trigger");
    struct kevent out[4];
    CHECK(poll_now(kq, out, 4) == 1, "not triggered");
#if defined(KQC_ABI_LIBKQUEUE)
    CHECK(out[0].data == 11, "data %lld, expected the EV_ADD's 11", (long long)out[0].data);
#else
    CHECK(out[0].data == 22, "data %lld, expected the trigger's 22", (long long)out[0].data);
#endif
    CHECK(out[0].flags == (ADD_ECHO | EV_CLEAR), "flags %#x", out[0].flags);
    CHECK(change(kq, ev(3, EVFILT_USER, EV_DISABLE, 0, 0, (void *)0x31)) == 0, "disable");
    CHECK(change(kq, ev(3, EVFILT_USER, 0, NOTE_TRIGGER, 0, (void *)0x31)) == 0, "trigger while disabled");
    CHECK(poll_now(kq, out, 4) == 0, "a disabled knote fired");
    CHECK(change(kq, ev(3, EVFILT_USER, EV_ENABLE, 0, 0, (void *)0x31)) == 0, "enable");
#if defined(KQC_ABI_LIBKQUEUE)
    CHECK(poll_now(kq, out, 4) == 0, "libkqueue drops a trigger sent while disabled");
#else
    CHECK(poll_now(kq, out, 4) == 1, "the trigger sent while disabled was lost");
#endif
    close(kq);
    return true;
}

/* Filter 0, EV_DISPATCH|EV_ONESHOT, an EV_RECEIPT without room, an unbuilt filter, a bad kqueue. */
static bool change_validation_follows_abi(void)
{
    int kq = kqueue();
    CHECK(kq >= 0, "kqueue");
    struct kevent out[4];
    struct timespec zero = { 0, 0 };
    struct kevent zf = ev(5, 0, EV_ADD, 0, 0, (void *)0x5);
    int n = kevent(kq, &zf, 1, out, 4, &zero);
#if defined(KQC_ABI_FREEBSD)
    CHECK(n == 0, "FreeBSD skips a zero filter: n=%d", n);
#else
    CHECK(n == 1 && out[0].data == EINVAL && out[0].flags == (EV_ADD | EV_ERROR) && out[0].udata == (void *)0x5,
          "zero filter: n=%d data %lld flags %#x", n, (long long)out[0].data, out[0].flags);
#endif

    int rc = change(kq, ev(6, EVFILT_USER, EV_ADD | EV_DISPATCH | EV_ONESHOT, 0, 0, NULL));
#if defined(KQC_ABI_LIBKQUEUE)
    CHECK(rc == -1 && errno == EINVAL, "libkqueue refuses EV_DISPATCH|EV_ONESHOT: rc %d", rc);
#else
    CHECK(rc == 0, "EV_DISPATCH|EV_ONESHOT refused: %s", strerror(errno));
#endif

    struct kevent rc_add = ev(7, EVFILT_USER, EV_ADD | EV_RECEIPT, 0, 0, NULL);
    errno = 0;
    rc = kevent(kq, &rc_add, 1, NULL, 0, NULL);
#if defined(KQC_ABI_LIBKQUEUE)
    CHECK(rc == -1 && errno == EFAULT, "receipt without room: rc %d errno %d, expected -1/EFAULT", rc, errno);
#else
    CHECK(rc == 0, "receipt without room: rc %d errno %d", rc, errno);
#endif
    CHECK(change(kq, ev(7, EVFILT_USER, EV_DELETE, 0, 0, NULL)) == 0, "the EV_RECEIPT change was not applied");

#if defined(KQC_ABI_LIBKQUEUE)
    CHECK(change(kq, ev(1, -9, EV_ADD, 0, 0, NULL)) == -1 && errno == ENOSYS, "unbuilt EVFILT_FS: errno %d", errno);
#endif
    CHECK(change(kq, ev(1, -99, EV_ADD, 0, 0, NULL)) == -1 && errno == EINVAL, "filter -99: errno %d", errno);

    int p[2];
    CHECK(pipe(p) == 0, "pipe");
    errno = 0;
    rc = kevent(p[0], NULL, 0, out, 4, &zero);
#if defined(KQC_ABI_LIBKQUEUE)
    CHECK(rc == -1 && errno == ENOENT, "kevent on a pipe: rc %d errno %d, libkqueue says ENOENT", rc, errno);
#else
    CHECK(rc == -1 && errno == EBADF, "kevent on a pipe: rc %d errno %d", rc, errno);
#endif
    close(p[0]), close(p[1]), close(kq);
    return true;
}

#define BATCH_USERS 48
#define BATCH_PIPES 16
#define BATCH_EVENTS (BATCH_USERS + BATCH_PIPES)

static void *batch_udata(int base, int i)
{
    return (void *)(uintptr_t)(((uintptr_t)base << 16) | (uintptr_t)i);
}

#if defined(KQC_ABI_FREEBSD)
static void batch_ext(struct kevent *k, uint64_t tag)
{
    for (int x = 0; x < 4; x++) {
        k->ext[x] = tag * 16 + (uint64_t)x;
    }
}
#endif

/*
 * One kevent() call with 112 changes and 64 events: EVFILT_USER adds and triggers with distinct
 * udata/fflags/data, and EVFILT_READ on pipes holding 1..16 bytes. Every field of every returned
 * entry is checked, and nothing is written past the returned count.
 */
static bool one_call_with_many_changes_and_events_fills_every_field(void)
{
    int kq = kqueue();
    CHECK(kq >= 0, "kqueue");
    int pipes[BATCH_PIPES][2];
    static const char bytes[BATCH_PIPES] = "abcdefghijklmnop";
    for (int j = 0; j < BATCH_PIPES; j++) {
        CHECK(pipe(pipes[j]) == 0, "pipe %d", j);
        CHECK(write(pipes[j][1], bytes, (size_t)j + 1) == j + 1, "fill pipe %d", j);
    }
    struct kevent ch[2 * BATCH_USERS + BATCH_PIPES];
    int n = 0;
    for (int i = 0; i < BATCH_USERS; i++) {
        ch[n] = ev(1000 + (uintptr_t)i, EVFILT_USER, EV_ADD | EV_CLEAR, 0, 5000 + i, batch_udata(1, i));
#if defined(KQC_ABI_FREEBSD)
        batch_ext(&ch[n], (uint64_t)i);
#endif
        n++;
    }
    for (int i = 0; i < BATCH_USERS; i++) {
        ch[n++] = ev(1000 + (uintptr_t)i, EVFILT_USER, 0, NOTE_TRIGGER | NOTE_FFCOPY | (0x10101u * (uint32_t)(i + 1)),
                     7000 + i, batch_udata(1, i));
    }
    for (int j = 0; j < BATCH_PIPES; j++) {
        ch[n] = ev((uintptr_t)pipes[j][0], EVFILT_READ, EV_ADD, 0, 0, batch_udata(2, j));
#if defined(KQC_ABI_FREEBSD)
        batch_ext(&ch[n], 100 + (uint64_t)j);
#endif
        n++;
    }
    CHECK(n >= 64, "only %d changes", n);

    struct kevent out[BATCH_EVENTS + 16];
    memset(out, 0xA5, sizeof(out));
    struct timespec ts = { 2, 0 };
    int got = kevent(kq, ch, n, out, BATCH_EVENTS + 16, &ts);
    CHECK(got == BATCH_EVENTS, "one call returned %d events, expected %d (errno %d)", got, BATCH_EVENTS, errno);

    bool seen_user[BATCH_USERS] = { false }, seen_pipe[BATCH_PIPES] = { false };
    for (int k = 0; k < got; k++) {
        const struct kevent *e = &out[k];
        if (e->filter == EVFILT_USER) {
            int i = (int)e->ident - 1000;
            CHECK(i >= 0 && i < BATCH_USERS && !seen_user[i], "entry %d: user ident %lu", k, (unsigned long)e->ident);
            seen_user[i] = true;
            CHECK(e->flags == (ADD_ECHO | EV_CLEAR), "user %d: flags %#x", i, e->flags);
            CHECK(e->fflags == ((0x10101u * (uint32_t)(i + 1)) & NOTE_FFLAGSMASK), "user %d: fflags %#x", i, e->fflags);
#if defined(KQC_ABI_LIBKQUEUE)
            CHECK(e->data == 5000 + i, "user %d: data %lld, expected the EV_ADD's", i, (long long)e->data);
#else
            CHECK(e->data == 7000 + i, "user %d: data %lld, expected the trigger's", i, (long long)e->data);
#endif
            CHECK(e->udata == batch_udata(1, i), "user %d: udata %p", i, e->udata);
#if defined(KQC_ABI_FREEBSD)
            for (int x = 0; x < 4; x++) {
                CHECK(e->ext[x] == (uint64_t)i * 16 + (uint64_t)x, "user %d: ext[%d] %llu", i, x,
                      (unsigned long long)e->ext[x]);
            }
#endif
        }
        else if (e->filter == EVFILT_READ) {
            int j = 0;
            while (j < BATCH_PIPES && (uintptr_t)pipes[j][0] != e->ident) {
                j++;
            }
            CHECK(j < BATCH_PIPES && !seen_pipe[j], "entry %d: read ident %lu", k, (unsigned long)e->ident);
            seen_pipe[j] = true;
            CHECK(e->flags == ADD_ECHO, "pipe %d: flags %#x", j, e->flags);
            CHECK(e->fflags == 0, "pipe %d: fflags %#x", j, e->fflags);
            CHECK(e->data == j + 1, "pipe %d: data %lld, expected %d bytes", j, (long long)e->data, j + 1);
            CHECK(e->udata == batch_udata(2, j), "pipe %d: udata %p", j, e->udata);
#if defined(KQC_ABI_FREEBSD)
            for (int x = 0; x < 4; x++) {
                CHECK(e->ext[x] == (100 + (uint64_t)j) * 16 + (uint64_t)x, "pipe %d: ext[%d]", j, x);
            }
#endif
        }
        else {
            CHECK(false, "entry %d: unexpected filter %d (flags %#x data %lld)", k, e->filter, e->flags,
                  (long long)e->data);
        }
    }
    const unsigned char *tail = (const unsigned char *)&out[got];
    for (size_t b = 0; b < sizeof(out) - (size_t)got * sizeof(out[0]); b++) {
        CHECK(tail[b] == 0xA5, "byte %zu past the %d returned entries was written", b, got);
    }
    /* Level-triggered pipes are reported again, EV_CLEAR user events are not. */
    CHECK(poll_now(kq, out, BATCH_EVENTS) == BATCH_PIPES, "second poll");
    for (int j = 0; j < BATCH_PIPES; j++) {
        close(pipes[j][0]), close(pipes[j][1]);
    }
    close(kq);
    return true;
}

/* More ready descriptors than one inner epoll_wait batch (64): each is reported once per call.
 * Level-triggered files stay on epoll's ready list after being reported, so a second epoll_wait
 * within one kevent() call would report them again. */
static bool many_ready_descriptors_are_reported_once_per_call(void)
{
    enum { N = 150 };
    int fds[N][2];
    struct kevent changes[N];
    struct kevent out[2 * N];
    int kq = kqueue();
    CHECK(kq >= 0, "kqueue");
    for (int i = 0; i < N; i++) {
        CHECK(pipe(fds[i]) == 0, "pipe %d: %s", i, strerror(errno));
        CHECK(write(fds[i][1], "x", 1) == 1, "write");
        changes[i] = ev((uintptr_t)fds[i][0], EVFILT_READ, EV_ADD, 0, 0, (void *)(uintptr_t)(i + 1));
    }
    struct timespec zero = { 0, 0 };
    int n = kevent(kq, changes, N, out, 2 * N, &zero);
    bool seen[N + 1];
    memset(seen, 0, sizeof(seen));
    bool ok = n == N;
    for (int i = 0; ok && i < n; i++) {
        uintptr_t u = (uintptr_t)out[i].udata;
        ok = u >= 1 && u <= N && !seen[u];
        if (ok) {
            seen[u] = true;
        }
    }
    for (int i = 0; i < N; i++) {
        close(fds[i][0]);
        close(fds[i][1]);
    }
    close(kq);
    CHECK(ok, "expected %d distinct events in one call, got %d (or a duplicate)", N, n);
    return true;
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    printf("libkqcompat tests, %s ABI (struct kevent = %zu bytes)\n", KQC_ABI_NAME, sizeof(struct kevent));
    run("abi_layout_matches_bsd_abi_md", abi_layout_matches_bsd_abi_md);
    run("read_reports_byte_count_and_udata", read_reports_byte_count_and_udata);
    run("read_is_level_triggered_by_default", read_is_level_triggered_by_default);
    run("eof_is_reported_together_with_remaining_bytes", eof_is_reported_together_with_remaining_bytes);
    run("eof_after_reset_carries_econnreset", eof_after_reset_carries_econnreset);
    run("listen_data_is_number_of_completed_connections", listen_data_is_number_of_completed_connections);
    run("write_reports_free_space_and_refires_after_drain", write_reports_free_space_and_refires_after_drain);
    run("write_filter_toggles_beside_read_on_one_ident", write_filter_toggles_beside_read_on_one_ident);
    run("write_eof_after_peer_reset", write_eof_after_peer_reset);
    run("user_trigger_applies_fflags_controls", user_trigger_applies_fflags_controls);
    run("user_without_clear_stays_triggered", user_without_clear_stays_triggered);
    run("user_add_with_trigger_follows_abi", user_add_with_trigger_follows_abi);
    run("user_trigger_from_other_thread_wakes_blocked_kevent", user_trigger_from_other_thread_wakes_blocked_kevent);
    run("readd_modifies_instead_of_duplicating", readd_modifies_instead_of_duplicating);
    run("delete_stops_events_and_unknown_delete_is_enoent", delete_stops_events_and_unknown_delete_is_enoent);
    run("disable_and_enable", disable_and_enable);
    run("oneshot_fires_once_then_is_deleted", oneshot_fires_once_then_is_deleted);
    run("clear_reports_only_new_state_changes", clear_reports_only_new_state_changes);
    run("dispatch_disables_after_delivery", dispatch_disables_after_delivery);
    run("receipt_returns_one_entry_per_change", receipt_returns_one_entry_per_change);
    run("change_errors_are_returned_as_entries_when_there_is_room", change_errors_are_returned_as_entries_when_there_is_room);
    run("change_error_without_room_fails_and_stops", change_error_without_room_fails_and_stops);
    run("nevents_zero_returns_at_once_and_timeouts_bound_the_wait", nevents_zero_returns_at_once_and_timeouts_bound_the_wait);
    run("eintr_is_returned_after_changes_are_applied", eintr_is_returned_after_changes_are_applied);
#if !defined(KQC_ABI_LIBKQUEUE)
    run("close_removes_registration_and_reused_fd_starts_fresh", close_removes_registration_and_reused_fd_starts_fresh);
#endif
    run("reused_fd_number_after_close_follows_abi", reused_fd_number_after_close_follows_abi);
    run("closed_fd_registration_follows_abi", closed_fd_registration_follows_abi);
    run("reused_anonymous_inode_fd_follows_abi", reused_anonymous_inode_fd_follows_abi);
    run("pipe_eof_with_pending_bytes", pipe_eof_with_pending_bytes);
    run("timer_reports_expirations", timer_reports_expirations);
    run("reused_kqueue_number_gets_fresh_state", reused_kqueue_number_gets_fresh_state);
    run("dispatch_timer_reenable_follows_abi", dispatch_timer_reenable_follows_abi);
    run("user_data_and_disabled_trigger_follow_abi", user_data_and_disabled_trigger_follow_abi);
    run("change_validation_follows_abi", change_validation_follows_abi);
    run("one_call_with_many_changes_and_events_fills_every_field", one_call_with_many_changes_and_events_fills_every_field);
    run("many_ready_descriptors_are_reported_once_per_call", many_ready_descriptors_are_reported_once_per_call);
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
