/*
 * The practical limit: a single-threaded epoll server, edge-triggered, accept4 with
 * SOCK_NONBLOCK, 64 KiB reads until EAGAIN, close on EOF. It only counts what it reads.
 *
 * usage: epoll_server PORT STATS_FILE     (listens on 127.0.0.1:PORT; SIGTERM ends it)
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
static _Atomic uint64_t bytes_read, reads, accepted, closed_count, messages;
static int count_lines;
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

static void read_all(int fd, char *buf) {
    for (;;) {
        ssize_t n = read(fd, buf, READ_SIZE);
        if (n > 0) {
            add(&bytes_read, (uint64_t)n);
            add(&reads, 1);
            if (count_lines) {
                add(&messages, count_lf(buf, (size_t)n));
            }
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && errno == EAGAIN) {
            return;
        }
        /* EOF or a reset: closing also removes the fd from the epoll set. */
        close(fd);
        add(&closed_count, 1);
        return;
    }
}

int main(int argc, char **argv) {
    if (argc < 3 || argc > 4 || (argc == 4 && strcmp(argv[3], "lines") != 0)) {
        fprintf(stderr, "usage: %s PORT STATS_FILE [lines]\n", argv[0]);
        return 2;
    }
    count_lines = argc == 4;
    signal(SIGPIPE, SIG_IGN);
    raise_fd_limit();
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
                read_all((int)events[i].data.u64, buf);
            }
        }
    }
}
