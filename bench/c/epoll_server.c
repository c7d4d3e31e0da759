/*
 * The practical limit: a single-threaded epoll server, edge-triggered, accept4 with
 * SOCK_NONBLOCK, 64 KiB reads until EAGAIN, close on EOF. It only counts what it reads.
 * With "lines" it also counts the LF bytes it reads as messages. With "echo" it writes every
 * read straight back: what a write leaves (short write or EAGAIN) waits in a per-connection
 * buffer for EPOLLOUT, and the connection is not read until that buffer is empty, so a peer that
 * does not read cannot make the server buffer more than one read's worth.
 *
 * usage: epoll_server PORT STATS_FILE [lines|echo]  (listens on 127.0.0.1:PORT; SIGTERM ends it)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench_stats.h"

#define READ_SIZE 65536
#define MAX_EVENTS 1024
#define LISTEN_TAG UINT64_MAX

/* Written by the loop thread only, read by the publisher. */
static _Atomic uint64_t bytes_read, reads, accepted, closed_count, messages, written;
static int count_lines, echo;

/* Echo mode: the bytes of connection fd that a write left, pending[fd].data[off..len). */
struct pending {
    char *data;
    size_t off, len;
};
static struct pending *pending;
static size_t max_fd;
static volatile struct bench_stats *stats;

static void die(const char *what) {
    perror(what);
    exit(1);
}

static void add(_Atomic uint64_t *counter, uint64_t n) {
    atomic_store_explicit(counter, atomic_load_explicit(counter, memory_order_relaxed) + n,
                          memory_order_relaxed);
}

static void *publish(void *unused) {
    (void)unused;
    struct timespec period = {0, BENCH_STATS_PERIOD_NS};
    stats->publisher_tid = (uint64_t)gettid();
    for (;;) {
        stats->bytes = atomic_load_explicit(&bytes_read, memory_order_relaxed);
        stats->reads = atomic_load_explicit(&reads, memory_order_relaxed);
        stats->accepted = atomic_load_explicit(&accepted, memory_order_relaxed);
        stats->closed = atomic_load_explicit(&closed_count, memory_order_relaxed);
        stats->messages = atomic_load_explicit(&messages, memory_order_relaxed);
        stats->written = atomic_load_explicit(&written, memory_order_relaxed);
        if (stats->magic != BENCH_STATS_MAGIC) {
            stats->magic = BENCH_STATS_MAGIC;
        }
        nanosleep(&period, NULL);
    }
    return NULL;
}

static void map_stats(const char *path) {
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || ftruncate(fd, BENCH_STATS_SIZE) != 0) {
        die(path);
    }
    void *p = mmap(NULL, BENCH_STATS_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) {
        die("mmap");
    }
    close(fd);
    stats = p;
}

static void raise_fd_limit(void) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    max_fd = (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) ? rl.rlim_cur : 1048576;
}

static int listen_on(int port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        die("socket");
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        die("bind");
    }
    /* Clamped by the kernel to net.core.somaxconn, like the other servers' backlogs. */
    if (listen(fd, 65535) != 0) {
        die("listen");
    }
    return fd;
}

static void accept_all(int epfd, int lfd) {
    for (;;) {
        int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) {
                continue;
            }
            if (errno != EAGAIN) {
                perror("accept4");
            }
            return;
        }
        if (echo && (size_t)fd >= max_fd) {
            close(fd);
            continue;
        }
        struct epoll_event ev = {.events = EPOLLIN | EPOLLET, .data.u64 = (uint64_t)fd};
        if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
            die("epoll_ctl");
        }
        add(&accepted, 1);
    }
}

/* The LF bytes in buf[0..n). */
static uint64_t count_lf(const char *buf, size_t n) {
    uint64_t lf = 0;
    const char *p = buf, *end = buf + n;
    while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        lf++;
        p++;
    }
    return lf;
}

static void close_conn(int fd) {
    if (echo && pending[fd].data != NULL) {
        free(pending[fd].data);
        pending[fd].data = NULL;
    }
    /* Closing also removes the fd from the epoll set. */
    close(fd);
    add(&closed_count, 1);
}

/* Writes buf[0..n) to fd; returns the bytes written (n unless EAGAIN came first) or -1. */
static ssize_t write_some(int fd, const char *buf, size_t n) {
    size_t done = 0;
    while (done < n) {
        ssize_t m = write(fd, buf + done, n - done);
        if (m > 0) {
            add(&written, (uint64_t)m);
            done += (size_t)m;
        } else if (m < 0 && errno == EINTR) {
            continue;
        } else if (m < 0 && errno == EAGAIN) {
            break;
        } else {
            return -1;
        }
    }
    return (ssize_t)done;
}

static void watch_out(int epfd, int fd, int out) {
    struct epoll_event ev = {.events = EPOLLIN | EPOLLET | (out ? EPOLLOUT : 0), .data.u64 = (uint64_t)fd};
    if (epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev) != 0) {
        die("epoll_ctl");
    }
}

/*
 * Echo mode: writes buf[0..n) back. Returns 1 if all of it went out; 0 if the rest now waits in
 * pending[fd] with EPOLLOUT on (the caller stops reading); -1 if the connection was closed.
 */
static int echo_back(int epfd, int fd, const char *buf, size_t n) {
    ssize_t m = write_some(fd, buf, n);
    if (m < 0) {
        close_conn(fd);
        return -1;
    }
    if ((size_t)m == n) {
        return 1;
    }
    struct pending *p = &pending[fd];
    p->data = malloc(n - (size_t)m);
    if (p->data == NULL) {
        die("malloc");
    }
    memcpy(p->data, buf + m, n - (size_t)m);
    p->off = 0;
    p->len = n - (size_t)m;
    watch_out(epfd, fd, 1);
    return 0;
}

/* Echo mode, EPOLLOUT: writes what is pending; returns 1 once nothing is (reading may go on). */
static int flush_pending(int epfd, int fd) {
    struct pending *p = &pending[fd];
    if (p->data == NULL) {
        return 1;
    }
    ssize_t m = write_some(fd, p->data + p->off, p->len - p->off);
    if (m < 0) {
        close_conn(fd);
        return 0;
    }
    p->off += (size_t)m;
    if (p->off < p->len) {
        return 0;
    }
    free(p->data);
    p->data = NULL;
    watch_out(epfd, fd, 0);
    return 1;
}

static void read_all(int epfd, int fd, char *buf) {
    if (echo && pending[fd].data != NULL) {
        /* Not read again until what it was sent back has gone out (EPOLLOUT resumes it). */
        return;
    }
    for (;;) {
        ssize_t n = read(fd, buf, READ_SIZE);
        if (n > 0) {
            add(&bytes_read, (uint64_t)n);
            add(&reads, 1);
            if (count_lines) {
                add(&messages, count_lf(buf, (size_t)n));
            }
            if (echo && echo_back(epfd, fd, buf, (size_t)n) != 1) {
                return;
            }
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && errno == EAGAIN) {
            return;
        }
        /* EOF or a reset. */
        close_conn(fd);
        return;
    }
}

int main(int argc, char **argv) {
    if (argc < 3 || argc > 4 || (argc == 4 && strcmp(argv[3], "lines") != 0 && strcmp(argv[3], "echo") != 0)) {
        fprintf(stderr, "usage: %s PORT STATS_FILE [lines|echo]\n", argv[0]);
        return 2;
    }
    count_lines = argc == 4 && strcmp(argv[3], "lines") == 0;
    echo = argc == 4 && strcmp(argv[3], "echo") == 0;
    signal(SIGPIPE, SIG_IGN);
    raise_fd_limit();
    if (echo && (pending = calloc(max_fd, sizeof *pending)) == NULL) {
        die("calloc");
    }
    map_stats(argv[2]);
    int lfd = listen_on(atoi(argv[1]));
    int epfd = epoll_create1(EPOLL_CLOEXEC);
    if (epfd < 0) {
        die("epoll_create1");
    }
    struct epoll_event lev = {.events = EPOLLIN | EPOLLET, .data.u64 = LISTEN_TAG};
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &lev) != 0) {
        die("epoll_ctl");
    }
    pthread_t publisher;
    if (pthread_create(&publisher, NULL, publish, NULL) != 0) {
        die("pthread_create");
    }
    static char buf[READ_SIZE];
    static struct epoll_event events[MAX_EVENTS];
    for (;;) {
        int n = epoll_wait(epfd, events, MAX_EVENTS, -1);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            die("epoll_wait");
        }
        for (int i = 0; i < n; i++) {
            if (events[i].data.u64 == LISTEN_TAG) {
                accept_all(epfd, lfd);
            } else {
                int fd = (int)events[i].data.u64;
                /* A connection that flushed what was pending is read again: with edge triggering
                 * the bytes that arrived meanwhile raised no new EPOLLIN. */
                if (echo && (events[i].events & EPOLLOUT) && !flush_pending(epfd, fd)) {
                    continue;
                }
                read_all(epfd, fd, buf);
            }
        }
    }
}
