/*
 * Load generator for the kqlisten benchmarks. Loopback only (127.0.0.0/8), every load bounded
 * in time and count. It reads the server's own counters from the server's stats file (see
 * bench_stats.h) and checks that they match what it sent.
 *
 * usage:
 *   loadgen wait   --stats F [--timeout S]
 *   loadgen stream --port P --stats F --pid PID [--conns 64] [--secs 10]
 *   loadgen churn  --port P --stats F [--pid PID] [--workers 8] [--secs 10]
 *   loadgen hold   --port P --stats F --pid PID [--conns 10000] [--idle 5] [--sources 1]
 *   loadgen events --port P --stats F --pid PID [--conns 64] [--secs 10] [--size 64]
 *   loadgen lines  --port P --stats F --pid PID [--conns 64] [--secs 10] [--size 65536]
 *   loadgen echo   --port P --stats F --pid PID [--conns 64] [--secs 10]
 *   loadgen echo-hold --port P --stats F --pid PID [--conns 10000] [--sources 1] [--timeout 60]
 *
 * Each load prints one line "RESULT load=NAME key=value ..."; check=ok when the server's
 * counts match what was sent, check=MISMATCH(...) otherwise (and the exit status is 1).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
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

#define MAX_CONNS 200000
#define CHURN_MAX_SAMPLES 2000000
#define SETTLE_TIMEOUT_S 30.0

struct options {
    const char *load;
    const char *stats_path;
    int port;
    int pid;
    int conns;
    int workers;
    int size;
    int sources;
    double secs;
    double idle;
    double timeout;
};

static struct options opt = {
    .port = 0, .pid = 0, .conns = 64, .workers = 8, .size = 64, .sources = 1,
    .secs = 10, .idle = 5, .timeout = 60,
};
static const volatile struct bench_stats *stats;

static void die(const char *what) {
    perror(what);
    exit(2);
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_s(double s) {
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    nanosleep(&ts, NULL);
}

struct snapshot {
    uint64_t bytes, reads, accepted, closed, messages, written;
};

static struct snapshot snap(void) {
    struct snapshot s = {stats->bytes, stats->reads, stats->accepted, stats->closed, stats->messages,
                         stats->written};
    return s;
}

static void map_stats(double timeout) {
    double deadline = now() + timeout;
    for (;;) {
        int fd = open(opt.stats_path, O_RDONLY);
        if (fd >= 0) {
            struct stat_guard { char b[BENCH_STATS_SIZE]; } g;
            if (read(fd, &g, sizeof g) == (ssize_t)sizeof g) {
                void *p = mmap(NULL, BENCH_STATS_SIZE, PROT_READ, MAP_SHARED, fd, 0);
                if (p == MAP_FAILED) {
                    die("mmap");
                }
                close(fd);
                stats = p;
                while (stats->magic != BENCH_STATS_MAGIC) {
                    if (now() > deadline) {
                        fprintf(stderr, "loadgen: %s never became ready\n", opt.stats_path);
                        exit(2);
                    }
                    sleep_s(0.005);
                }
                return;
            }
            close(fd);
        }
        if (now() > deadline) {
            fprintf(stderr, "loadgen: no stats file %s\n", opt.stats_path);
            exit(2);
        }
        sleep_s(0.005);
    }
}

/* utime + stime in seconds, from fields 14 and 15 of the text of a /proc stat file (modified). */
static double stat_text_cpu(char *buf) {
    char *p = strrchr(buf, ')');
    if (p == NULL) {
        return -1;
    }
    /* After ") " come fields 3.. ; utime is field 14, stime field 15. */
    unsigned long long utime = 0, stime = 0;
    int field = 2;
    for (char *tok = strtok(p + 1, " "); tok != NULL; tok = strtok(NULL, " ")) {
        field++;
        if (field == 14) {
            utime = strtoull(tok, NULL, 10);
        } else if (field == 15) {
            stime = strtoull(tok, NULL, 10);
            break;
        }
    }
    return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

/* Reads a /proc stat file into buf (NUL-terminated); returns its length, or -1. */
static ssize_t read_stat(const char *path, char *buf, size_t size) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        return -1;
    }
    ssize_t n = read(fd, buf, size - 1);
    close(fd);
    if (n <= 0) {
        return -1;
    }
    buf[n] = 0;
    return n;
}

/* utime + stime in seconds of a /proc stat file. */
static double stat_cpu(const char *path) {
    char buf[4096];
    return read_stat(path, buf, sizeof buf) < 0 ? -1 : stat_text_cpu(buf);
}

/* CPU time of the server process less that of its stats publisher thread. */
static double server_cpu(void) {
    char path[96];
    snprintf(path, sizeof path, "/proc/%d/stat", opt.pid);
    double all = stat_cpu(path);
    snprintf(path, sizeof path, "/proc/%d/task/%" PRIu64 "/stat", opt.pid, stats->publisher_tid);
    double publisher = stats->publisher_tid != 0 ? stat_cpu(path) : 0;
    return publisher > 0 ? all - publisher : all;
}

/* The server's CPU per thread (its stats publisher left out), read once per thread per snapshot,
 * and grouped by kind so that a difference in CPU per unit of work can be placed: the JVM's JIT
 * compiler threads, its GC and VM threads, and everything else (the event loop, and for kqlisten
 * any dispatch threads). Differences are taken thread by thread over the threads alive at the
 * end: a thread that exits between snapshots (the JVM retires idle compiler threads) drops out
 * instead of making a difference negative. For the idle measurement this matters too: the
 * process total minus the publisher reads two files at two instants, and at 100 Hz one tick of
 * the publisher's own polling could land in either, which over a few idle seconds was the whole
 * signal. */
enum { GROUP_JIT, GROUP_GC, GROUP_APP, GROUPS };

#define MAX_TASKS 1024
struct tasks {
    int n;
    uint64_t tid[MAX_TASKS];
    double cpu[MAX_TASKS];
    int group[MAX_TASKS];
};

static int thread_group(const char *stat_text) {
    const char *comm = strchr(stat_text, '(');
    if (comm == NULL) {
        return GROUP_APP;
    }
    comm++;
    if (strncmp(comm, "C1 Compiler", 11) == 0 || strncmp(comm, "C2 Compiler", 11) == 0) {
        return GROUP_JIT;
    }
    if (strncmp(comm, "GC Thread", 9) == 0 || strncmp(comm, "G1 ", 3) == 0 || strncmp(comm, "VM ", 3) == 0) {
        return GROUP_GC;
    }
    return GROUP_APP;
}

static void server_tasks(struct tasks *t) {
    t->n = 0;
    char dir[64];
    snprintf(dir, sizeof dir, "/proc/%d/task", opt.pid);
    DIR *d = opendir(dir);
    if (d == NULL) {
        return;
    }
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL && t->n < MAX_TASKS) {
        uint64_t tid = strtoull(ent->d_name, NULL, 10);
        if (ent->d_name[0] == '.' || tid == stats->publisher_tid) {
            continue;
        }
        char path[384], buf[1024];
        snprintf(path, sizeof path, "%s/%s/stat", dir, ent->d_name);
        if (read_stat(path, buf, sizeof buf) < 0) {
            continue;
        }
        int group = thread_group(buf);    /* before stat_text_cpu, which cuts the text up */
        double cpu = stat_text_cpu(buf);
        if (cpu < 0) {
            continue;
        }
        t->tid[t->n] = tid;
        t->cpu[t->n] = cpu;
        t->group[t->n] = group;
        t->n++;
    }
    closedir(d);
}

/* CPU seconds the threads alive at the end used since the first snapshot, per group. */
static void tasks_cpu_since(const struct tasks *before, const struct tasks *after, double out[GROUPS]) {
    for (int g = 0; g < GROUPS; g++) {
        out[g] = 0;
    }
    for (int i = 0; i < after->n; i++) {
        double base = 0;
        for (int j = 0; j < before->n; j++) {
            if (before->tid[j] == after->tid[i]) {
                base = before->cpu[j];
                break;
            }
        }
        out[after->group[i]] += after->cpu[i] - base;
    }
}

/* VmRSS of the server in KiB. */
static long server_rss_kib(void) {
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", opt.pid);
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        return -1;
    }
    long kib = -1;
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "VmRSS:", 6) == 0) {
            kib = strtol(line + 6, NULL, 10);
            break;
        }
    }
    fclose(f);
    return kib;
}

/* Polls the server's counters until pred() holds; returns the time it held, or -1 on timeout. */
static double await_stats(int (*pred)(const struct snapshot *, const void *), const void *arg,
                          double timeout) {
    double deadline = now() + timeout;
    for (;;) {
        struct snapshot s = snap();
        double t = now();
        if (pred(&s, arg)) {
            return t;
        }
        if (t > deadline) {
            return -1;
        }
        sleep_s(0.0005);
    }
}

struct expect {
    struct snapshot base;
    uint64_t bytes, accepted, closed, messages, written;
};

static int bytes_reached(const struct snapshot *s, const void *arg) {
    const struct expect *e = arg;
    return s->bytes - e->base.bytes >= e->bytes;
}

static int accepted_reached(const struct snapshot *s, const void *arg) {
    const struct expect *e = arg;
    return s->accepted - e->base.accepted >= e->accepted;
}

static int messages_reached(const struct snapshot *s, const void *arg) {
    const struct expect *e = arg;
    return s->messages - e->base.messages >= e->messages;
}

static int written_reached(const struct snapshot *s, const void *arg) {
    const struct expect *e = arg;
    return s->bytes - e->base.bytes >= e->bytes && s->written - e->base.written >= e->written;
}

static int all_reached(const struct snapshot *s, const void *arg) {
    const struct expect *e = arg;
    return s->bytes - e->base.bytes >= e->bytes && s->accepted - e->base.accepted >= e->accepted
           && s->closed - e->base.closed >= e->closed;
}

/* Compares the server's deltas with what was sent; appends the verdict to out. */
static int check(const struct expect *e, char *out, size_t len) {
    struct snapshot s = snap();
    uint64_t db = s.bytes - e->base.bytes, da = s.accepted - e->base.accepted,
             dc = s.closed - e->base.closed;
    if (db == e->bytes && da == e->accepted && dc == e->closed) {
        snprintf(out, len, "check=ok");
        return 0;
    }
    snprintf(out, len,
             "check=MISMATCH(bytes:%" PRIu64 "/%" PRIu64 ",accepted:%" PRIu64 "/%" PRIu64
             ",closed:%" PRIu64 "/%" PRIu64 ")",
             db, e->bytes, da, e->accepted, dc, e->closed);
    return 1;
}

static struct sockaddr_in server_addr(void) {
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)opt.port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

/* A connected socket from 127.0.0.(1 + index % sources); blocking unless nonblock is set. */
static int connect_one(int index, int nonblock) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -1;
    }
    if (opt.sources > 1) {
        int one = 1;
        setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
        struct sockaddr_in src = {.sin_family = AF_INET};
        src.sin_addr.s_addr = htonl(INADDR_LOOPBACK + (uint32_t)(index % opt.sources));
        if (bind(fd, (struct sockaddr *)&src, sizeof src) != 0) {
            close(fd);
            return -1;
        }
    }
    struct sockaddr_in a = server_addr();
    while (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        if (errno != EINTR) {
            close(fd);
            return -1;
        }
    }
    if (nonblock) {
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    }
    return fd;
}

static int *open_conns(int n, int nonblock) {
    int *fds = calloc((size_t)n, sizeof *fds);
    if (fds == NULL) {
        die("calloc");
    }
    for (int i = 0; i < n; i++) {
        fds[i] = connect_one(i, nonblock);
        if (fds[i] < 0) {
            fprintf(stderr, "loadgen: connection %d of %d: %s\n", i, n, strerror(errno));
            exit(2);
        }
    }
    return fds;
}

static void close_conns(int *fds, int n) {
    for (int i = 0; i < n; i++) {
        close(fds[i]);
    }
    free(fds);
}

/*
 * Opens --conns non-blocking connections, with TCP_NODELAY if nodelay, and waits until the server
 * has accepted them all; e gets the server's counts from before and expects every connection to
 * be accepted and closed.
 */
static int *open_accepted(struct expect *e, int nodelay) {
    *e = (struct expect){.base = snap(), .accepted = (uint64_t)opt.conns, .closed = (uint64_t)opt.conns};
    int *fds = open_conns(opt.conns, 1);
    int one = 1;
    for (int i = 0; nodelay && i < opt.conns; i++) {
        setsockopt(fds[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    if (await_stats(accepted_reached, e, SETTLE_TIMEOUT_S) < 0) {
        fprintf(stderr, "loadgen: the server did not accept %d connections\n", opt.conns);
    }
    return fds;
}

/* An epoll set watching events on every connection, each tagged with its index. */
static int conns_epoll(int *fds, int n, uint32_t events) {
    int epfd = epoll_create1(EPOLL_CLOEXEC);
    if (epfd < 0) {
        die("epoll_create1");
    }
    for (int i = 0; i < n; i++) {
        struct epoll_event ev = {.events = events, .data.u32 = (uint32_t)i};
        if (epoll_ctl(epfd, EPOLL_CTL_ADD, fds[i], &ev) != 0) {
            die("epoll_ctl");
        }
    }
    return epfd;
}

/*
 * Writes chunk-sized writes (or size-sized ones for "events") on every connection for secs,
 * one thread, epoll on EPOLLOUT; returns the bytes written. With offset (one per connection),
 * each connection's writes continue a stream that repeats buf every period bytes, from where its
 * last write ended; without, every write starts at buf.
 */
static uint64_t blast(int *fds, int n, const char *buf, size_t chunk, double secs, size_t *offset,
                      size_t period) {
    int epfd = conns_epoll(fds, n, EPOLLOUT);
    uint64_t sent = 0;
    struct epoll_event events[256];
    double deadline = now() + secs;
    for (;;) {
        double left = deadline - now();
        if (left <= 0) {
            break;
        }
        int ready = epoll_wait(epfd, events, 256, left < 0.05 ? 1 : 50);
        for (int k = 0; k < ready; k++) {
            int i = (int)events[k].data.u32;
            /* A few writes per readiness, so that one socket cannot starve the others. */
            for (int w = 0; w < 16; w++) {
                ssize_t m = write(fds[i], (offset != NULL) ? buf + offset[i] : buf, chunk);
                if (m > 0) {
                    sent += (uint64_t)m;
                    if (offset != NULL) {
                        offset[i] = (offset[i] + (size_t)m) % period;
                    }
                    continue;
                }
                if (m < 0 && errno != EAGAIN && errno != EINTR) {
                    fprintf(stderr, "loadgen: write: %s\n", strerror(errno));
                    exit(2);
                }
                break;
            }
        }
    }
    close(epfd);
    return sent;
}

/* Half-closes every connection, then waits (bounded) until the server's close is seen. */
static int finish_conns(int *fds, int n, double timeout) {
    int unclosed = 0;
    for (int i = 0; i < n; i++) {
        shutdown(fds[i], SHUT_WR);
    }
    double deadline = now() + timeout;
    for (int i = 0; i < n; i++) {
        fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) & ~O_NONBLOCK);
        for (;;) {
            double left = deadline - now();
            if (left <= 0) {
                unclosed++;
                break;
            }
            struct timeval tv = {(time_t)left, (suseconds_t)((left - (double)(time_t)left) * 1e6)};
            setsockopt(fds[i], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
            char b[256];
            ssize_t m = read(fds[i], b, sizeof b);
            if (m == 0 || (m < 0 && errno != EINTR && errno != EAGAIN)) {
                break;
            }
        }
    }
    close_conns(fds, n);
    return unclosed;
}

static int run_stream(int size_per_write, const char *name) {
    static char buf[65536];
    memset(buf, 'x', sizeof buf);
    struct expect e;
    /* Small writes must leave as separate segments, not wait for Nagle. */
    int *fds = open_accepted(&e, size_per_write < (int)sizeof buf);
    struct snapshot start = snap();
    static struct tasks tasks0, tasks1;
    server_tasks(&tasks0);
    double cpu0 = server_cpu();
    double t0 = now();
    e.bytes = blast(fds, opt.conns, buf, (size_t)size_per_write, opt.secs, NULL, 0);
    double t_sent = now();
    double t_counted = await_stats(bytes_reached, &e, SETTLE_TIMEOUT_S);
    double cpu1 = server_cpu();
    server_tasks(&tasks1);
    double groups[GROUPS];
    tasks_cpu_since(&tasks0, &tasks1, groups);
    struct snapshot end = snap();
    int unclosed = finish_conns(fds, opt.conns, SETTLE_TIMEOUT_S);
    await_stats(all_reached, &e, SETTLE_TIMEOUT_S);
    char verdict[256];
    int bad = check(&e, verdict, sizeof verdict);
    if (unclosed > 0) {
        bad = 1;
    }
    double elapsed = (t_counted > 0 ? t_counted : t_sent) - t0;
    double counted = (double)(end.bytes - start.bytes);
    double events = (double)(end.reads - start.reads);
    double cpu = cpu1 - cpu0;
    printf("RESULT load=%s secs=%.3f sent=%" PRIu64 " counted=%.0f mb_s=%.1f events_s=%.0f "
           "bytes_per_event=%.0f cpu_s=%.3f cpu_s_per_gb=%.3f cpu_pct=%.1f "
           "loop_s_per_gb=%.3f jit_s_per_gb=%.3f gc_s_per_gb=%.3f unclosed=%d %s\n",
           name, elapsed, e.bytes, counted, counted / elapsed / 1e6, events / elapsed,
           events > 0 ? counted / events : 0, cpu, counted > 0 ? cpu / (counted / 1e9) : 0,
           100 * cpu / elapsed,
           counted > 0 ? groups[GROUP_APP] / (counted / 1e9) : 0,
           counted > 0 ? groups[GROUP_JIT] / (counted / 1e9) : 0,
           counted > 0 ? groups[GROUP_GC] / (counted / 1e9) : 0,
           unclosed, verdict);
    return bad;
}

struct churn_worker {
    pthread_t thread;
    int index;
    double deadline;
    uint64_t done, errors;
    uint32_t *samples_us;
    size_t nsamples, cap;
};

static void *churn_run(void *arg) {
    struct churn_worker *w = arg;
    char msg[100];
    memset(msg, 'c', sizeof msg);
    int seq = w->index;
    while (now() < w->deadline) {
        double t0 = now();
        int fd = connect_one(seq, 0);
        seq += opt.workers;
        if (fd < 0) {
            w->errors++;
            continue;
        }
        struct timeval tv = {5, 0};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        int ok = write(fd, msg, sizeof msg) == (ssize_t)sizeof msg && shutdown(fd, SHUT_WR) == 0;
        char b[64];
        ssize_t m;
        while (ok && (m = read(fd, b, sizeof b)) != 0) {
            if (m < 0 && errno != EINTR) {
                ok = 0;
            }
        }
        double t1 = now();
        close(fd);
        if (!ok) {
            w->errors++;
            continue;
        }
        w->done++;
        if (w->nsamples < w->cap) {
            w->samples_us[w->nsamples++] = (uint32_t)((t1 - t0) * 1e6);
        }
    }
    return NULL;
}

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static int run_churn(void) {
    struct churn_worker *w = calloc((size_t)opt.workers, sizeof *w);
    if (w == NULL) {
        die("calloc");
    }
    struct expect e = {.base = snap()};
    double cpu0 = opt.pid > 0 ? server_cpu() : -1;
    double t0 = now();
    for (int i = 0; i < opt.workers; i++) {
        w[i].index = i;
        w[i].deadline = t0 + opt.secs;
        w[i].cap = CHURN_MAX_SAMPLES / (size_t)opt.workers;
        w[i].samples_us = malloc(w[i].cap * sizeof(uint32_t));
        if (w[i].samples_us == NULL || pthread_create(&w[i].thread, NULL, churn_run, &w[i]) != 0) {
            die("churn worker");
        }
    }
    uint64_t done = 0, errors = 0;
    size_t total = 0;
    for (int i = 0; i < opt.workers; i++) {
        pthread_join(w[i].thread, NULL);
        done += w[i].done;
        errors += w[i].errors;
        total += w[i].nsamples;
    }
    double elapsed = now() - t0;
    uint32_t *all = malloc((total + 1) * sizeof *all);
    if (all == NULL) {
        die("malloc");
    }
    size_t k = 0;
    for (int i = 0; i < opt.workers; i++) {
        memcpy(all + k, w[i].samples_us, w[i].nsamples * sizeof *all);
        k += w[i].nsamples;
        free(w[i].samples_us);
    }
    qsort(all, total, sizeof *all, cmp_u32);
    /* Connections that failed still reached the server in most cases: count only the completed. */
    e.bytes = done * 100;
    e.accepted = done;
    e.closed = done;
    await_stats(all_reached, &e, SETTLE_TIMEOUT_S);
    /* Server CPU per completed connection, over the whole load including its settling. */
    double cpu = cpu0 >= 0 ? server_cpu() - cpu0 : -1;
    char verdict[256];
    int bad = errors > 0 ? 1 : check(&e, verdict, sizeof verdict);
    if (errors > 0) {
        snprintf(verdict, sizeof verdict, "check=ERRORS(%" PRIu64 ")", errors);
    }
    printf("RESULT load=churn secs=%.3f conns=%" PRIu64 " conns_s=%.0f p50_us=%u p99_us=%u "
           "max_us=%u errors=%" PRIu64 " cpu_s=%.3f cpu_us_per_conn=%.1f %s\n",
           elapsed, done, (double)done / elapsed, total ? all[total / 2] : 0,
           total ? all[(size_t)((double)total * 0.99)] : 0, total ? all[total - 1] : 0, errors,
           cpu, cpu >= 0 && done > 0 ? cpu * 1e6 / (double)done : -1, verdict);
    free(all);
    free(w);
    return bad;
}

static int run_hold(void) {
    long rss0 = server_rss_kib();
    struct expect e = {.base = snap(), .accepted = (uint64_t)opt.conns};
    double t0 = now();
    int *fds = open_conns(opt.conns, 0);
    double t_connected = now();
    double t_accepted = await_stats(accepted_reached, &e, SETTLE_TIMEOUT_S);
    if (t_accepted < 0) {
        fprintf(stderr, "loadgen: the server did not accept all %d connections\n", opt.conns);
        t_accepted = now();
    }
    static struct tasks idle0, idle1;
    server_tasks(&idle0);
    double ti = now();
    sleep_s(opt.idle);
    server_tasks(&idle1);
    double idle_elapsed = now() - ti;
    double idle_groups[GROUPS];
    tasks_cpu_since(&idle0, &idle1, idle_groups);
    double idle_cpu = idle_groups[GROUP_JIT] + idle_groups[GROUP_GC] + idle_groups[GROUP_APP];
    long rss1 = server_rss_kib();
    e.bytes = (uint64_t)opt.conns;
    double tb = now();
    for (int i = 0; i < opt.conns; i++) {
        if (write(fds[i], "b", 1) != 1) {
            die("write");
        }
    }
    double t_bytes = await_stats(bytes_reached, &e, SETTLE_TIMEOUT_S);
    long rss2 = server_rss_kib();
    e.closed = (uint64_t)opt.conns;
    double tc = now();
    close_conns(fds, opt.conns);
    double t_closed = await_stats(all_reached, &e, SETTLE_TIMEOUT_S);
    char verdict[256];
    int bad = check(&e, verdict, sizeof verdict);
    printf("RESULT load=hold conns=%d connect_s=%.3f establish_s=%.3f establish_rate=%.0f "
           "idle_cpu_pct=%.2f rss_before_kib=%ld rss_idle_kib=%ld rss_after_bytes_kib=%ld "
           "rss_per_conn_b=%.0f one_byte_each_ms=%.1f close_all_ms=%.1f %s\n",
           opt.conns, t_connected - t0, t_accepted - t0, opt.conns / (t_accepted - t0),
           100 * idle_cpu / idle_elapsed, rss0, rss1, rss2,
           1024.0 * (double)(rss1 - rss0) / opt.conns, t_bytes > 0 ? 1000 * (t_bytes - tb) : -1,
           t_closed > 0 ? 1000 * (t_closed - tc) : -1, verdict);
    return bad;
}

/*
 * The lines load: LINE_LEN-byte syslog lines (RFC 3164 header, printable filler, LF), one
 * continuous stream per connection, written in --size slices that cut it anywhere: with the
 * default 65536 (655.36 lines) 24 of every 25 writes end inside a line, so the server's reads end
 * inside lines too and its decoder must carry partial lines over to the next read. The pattern
 * holds PATTERN_LINES lines, enough for any slice from any offset.
 */
#define LINE_LEN 100
#define PATTERN_PERIOD (655 * LINE_LEN)

static char *line_pattern(void) {
    static char pattern[3 * PATTERN_PERIOD];
    const char *head = "<134>Nov 30 12:00:00 benchhost lines[4242]: ";
    size_t h = strlen(head);
    for (size_t off = 0; off < sizeof pattern; off += LINE_LEN) {
        memcpy(pattern + off, head, h);
        for (size_t i = h; i < LINE_LEN - 1; i++) {
            pattern[off + i] = (char)('a' + (off / LINE_LEN + i) % 26);
        }
        pattern[off + LINE_LEN - 1] = '\n';
    }
    return pattern;
}

/* Writes the remainder of the line that connection fd stopped in (blocking). */
static void finish_line(int fd, const char *pattern, size_t offset) {
    size_t left = (LINE_LEN - offset % LINE_LEN) % LINE_LEN;
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    while (left > 0) {
        ssize_t m = write(fd, pattern + offset, left);
        if (m < 0 && errno == EINTR) {
            continue;
        }
        if (m <= 0) {
            die("write");
        }
        offset += (size_t)m;
        left -= (size_t)m;
    }
}

/* blast() with each connection's writes continuing its line stream; ends every stream on a line. */
static uint64_t blast_lines(int *fds, int n, const char *pattern, size_t size, double secs) {
    size_t *offset = calloc((size_t)n, sizeof *offset);
    if (offset == NULL) {
        die("blast_lines");
    }
    uint64_t sent = blast(fds, n, pattern, size, secs, offset, PATTERN_PERIOD);
    for (int i = 0; i < n; i++) {
        sent += (LINE_LEN - offset[i] % LINE_LEN) % LINE_LEN;
        finish_line(fds[i], pattern, offset[i]);
    }
    free(offset);
    return sent;
}

/*
 * Counts are checked on messages (the server's framing: one per line), connections accepted and
 * closed, and bytes: a server counting what it read has 100 per line, one counting message
 * bodies (LF stripped) 99, one that reports no bytes (rsyslog) 0.
 */
static int check_lines(const struct expect *e, uint64_t lines, char *out, size_t len) {
    struct snapshot s = snap();
    uint64_t dm = s.messages - e->base.messages, db = s.bytes - e->base.bytes,
             da = s.accepted - e->base.accepted, dc = s.closed - e->base.closed;
    int bytes_ok = db == lines * LINE_LEN || db == lines * (LINE_LEN - 1) || db == 0;
    if (dm == lines && bytes_ok && da == e->accepted && dc == e->closed) {
        snprintf(out, len, "check=ok");
        return 0;
    }
    snprintf(out, len,
             "check=MISMATCH(messages:%" PRIu64 "/%" PRIu64 ",bytes:%" PRIu64 "/%" PRIu64 "x(99|100)"
             ",accepted:%" PRIu64 "/%" PRIu64 ",closed:%" PRIu64 "/%" PRIu64 ")",
             dm, lines, db, lines, da, e->accepted, dc, e->closed);
    return 1;
}

static int run_lines(void) {
    const char *pattern = line_pattern();
    struct expect e;
    int *fds = open_accepted(&e, 0);
    struct snapshot start = snap();
    static struct tasks tasks0, tasks1;
    server_tasks(&tasks0);
    double cpu0 = server_cpu();
    double t0 = now();
    uint64_t sent = blast_lines(fds, opt.conns, pattern, (size_t)opt.size, opt.secs);
    double t_sent = now();
    uint64_t lines = sent / LINE_LEN;
    e.messages = lines;
    double t_counted = await_stats(messages_reached, &e, SETTLE_TIMEOUT_S);
    double cpu1 = server_cpu();
    server_tasks(&tasks1);
    double groups[GROUPS];
    tasks_cpu_since(&tasks0, &tasks1, groups);
    struct snapshot end = snap();
    int unclosed = finish_conns(fds, opt.conns, SETTLE_TIMEOUT_S);
    await_stats(all_reached, &e, SETTLE_TIMEOUT_S);
    char verdict[256];
    int bad = check_lines(&e, lines, verdict, sizeof verdict);
    if (unclosed > 0) {
        bad = 1;
    }
    double elapsed = (t_counted > 0 ? t_counted : t_sent) - t0;
    double counted = (double)(end.messages - start.messages);
    double reads = (double)(end.reads - start.reads);
    double cpu = cpu1 - cpu0;
    double per = counted > 0 ? 1e6 / counted : 0;
    printf("RESULT load=lines secs=%.3f conns=%d write_size=%d lines=%" PRIu64 " counted=%.0f "
           "messages_s=%.0f mb_s=%.1f reads_s=%.0f cpu_s=%.3f cpu_us_per_msg=%.3f cpu_pct=%.1f "
           "loop_us_per_msg=%.3f jit_us_per_msg=%.3f gc_us_per_msg=%.3f unclosed=%d %s\n",
           elapsed, opt.conns, opt.size, lines, counted, counted / elapsed,
           counted * LINE_LEN / elapsed / 1e6, reads / elapsed, cpu, cpu * per, 100 * cpu / elapsed,
           groups[GROUP_APP] * per, groups[GROUP_JIT] * per, groups[GROUP_GC] * per, unclosed, verdict);
    return bad;
}

/*
 * The echo loads. A server under them writes back every byte it reads; besides the counts of the
 * other loads the check compares the server's written counter (stats file offset 56) with what
 * came back, and the load itself compares every echoed byte with the byte it sent.
 *
 * echo: --conns connections ping-pong ECHO_LEN-byte messages: each writes one message, waits until
 * all of it is back, then writes the next, for --secs. A message's bytes depend on its connection
 * and its sequence number, so an echo that is late, repeated, or sent to the wrong connection is
 * a mismatch too.
 */
#define ECHO_LEN 32
#define ECHO_MAX_SAMPLES 4000000

static char echo_byte(int conn, uint64_t seq, int i) {
    return (char)(' ' + (unsigned)(((uint64_t)conn * 7 + seq * 13 + (uint64_t)i) % 95));
}

struct echo_conn {
    uint64_t seq;  /* messages started */
    int sent, got; /* bytes of the current message written, and echoed back */
    int done;      /* no further message: the load is over, or the connection failed */
    double t_start;
    char msg[ECHO_LEN];
};

struct echo_totals {
    uint64_t sent, received, round_trips, mismatched, errors;
    uint32_t *samples_us;
    size_t nsamples;
};

static void echo_watch(int epfd, int fd, int index, int want_out) {
    struct epoll_event ev = {.events = EPOLLIN | (want_out ? EPOLLOUT : 0), .data.u32 = (uint32_t)index};
    if (epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev) != 0) {
        die("epoll_ctl");
    }
}

/* Writes what is left of connection i's message; on a short write waits for EPOLLOUT. */
static int echo_write(int epfd, int fd, int i, struct echo_conn *c, struct echo_totals *t) {
    while (c->sent < ECHO_LEN) {
        ssize_t m = write(fd, c->msg + c->sent, (size_t)(ECHO_LEN - c->sent));
        if (m > 0) {
            c->sent += (int)m;
            t->sent += (uint64_t)m;
            continue;
        }
        if (m < 0 && errno == EINTR) {
            continue;
        }
        if (m < 0 && errno == EAGAIN) {
            echo_watch(epfd, fd, i, 1);
            return 0;
        }
        return -1;
    }
    return 0;
}

static void echo_start(int epfd, int fd, int i, struct echo_conn *c, struct echo_totals *t) {
    for (int k = 0; k < ECHO_LEN; k++) {
        c->msg[k] = echo_byte(i, c->seq, k);
    }
    c->seq++;
    c->sent = 0;
    c->got = 0;
    c->t_start = now();
    if (echo_write(epfd, fd, i, c, t) != 0) {
        t->errors++;
        c->done = 1;
    }
}

/* Reads what connection i has; returns 1 once it has no message in flight any more. */
static int echo_read(int epfd, int fd, int i, struct echo_conn *c, struct echo_totals *t, double deadline) {
    char b[4 * ECHO_LEN];
    ssize_t m = read(fd, b, sizeof b);
    if (m < 0 && (errno == EAGAIN || errno == EINTR)) {
        return 0;
    }
    if (m <= 0) {
        /* The server closed or reset a connection in the middle of the load. */
        t->errors++;
        c->done = 1;
        return 1;
    }
    t->received += (uint64_t)m;
    for (ssize_t k = 0; k < m; k++) {
        /* A byte beyond what was sent, or not the byte sent there, is a mismatch. */
        if (c->got >= c->sent || b[k] != c->msg[c->got]) {
            t->mismatched++;
        }
        if (c->got < ECHO_LEN) {
            c->got++;
        }
    }
    if (c->got < ECHO_LEN) {
        return 0;
    }
    double t1 = now();
    t->round_trips++;
    if (t->nsamples < ECHO_MAX_SAMPLES) {
        t->samples_us[t->nsamples++] = (uint32_t)((t1 - c->t_start) * 1e6);
    }
    if (t1 >= deadline) {
        c->done = 1;
        return 1;
    }
    echo_start(epfd, fd, i, c, t);
    return c->done;
}

/* Snapshots of the server's CPU, total and per thread group, around a measured window. */
struct cpu_window {
    struct tasks before, after;
    double total0, total, groups[GROUPS];
};

static void cpu_begin(struct cpu_window *w) {
    server_tasks(&w->before);
    w->total0 = server_cpu();
}

static void cpu_end(struct cpu_window *w) {
    w->total = server_cpu() - w->total0;
    server_tasks(&w->after);
    tasks_cpu_since(&w->before, &w->after, w->groups);
}

/* The verdict of an echo load: check()'s counts, the server's written bytes, and the load's own. */
static int check_echo(const struct expect *e, uint64_t mismatched, uint64_t missing, uint64_t errors,
                      char *out, size_t len) {
    struct snapshot s = snap();
    uint64_t db = s.bytes - e->base.bytes, dw = s.written - e->base.written,
             da = s.accepted - e->base.accepted, dc = s.closed - e->base.closed;
    if (db == e->bytes && dw == e->written && da == e->accepted && dc == e->closed && mismatched == 0
        && missing == 0 && errors == 0) {
        snprintf(out, len, "check=ok");
        return 0;
    }
    snprintf(out, len,
             "check=MISMATCH(bytes:%" PRIu64 "/%" PRIu64 ",written:%" PRIu64 "/%" PRIu64
             ",accepted:%" PRIu64 "/%" PRIu64 ",closed:%" PRIu64 "/%" PRIu64 ",mismatched:%" PRIu64
             ",missing:%" PRIu64 ",errors:%" PRIu64 ")",
             db, e->bytes, dw, e->written, da, e->accepted, dc, e->closed, mismatched, missing, errors);
    return 1;
}

static int run_echo(void) {
    struct expect e;
    int *fds = open_accepted(&e, 1);
    struct echo_conn *conns = calloc((size_t)opt.conns, sizeof *conns);
    struct echo_totals t = {.samples_us = malloc(ECHO_MAX_SAMPLES * sizeof(uint32_t))};
    if (conns == NULL || t.samples_us == NULL) {
        die("calloc");
    }
    int epfd = conns_epoll(fds, opt.conns, EPOLLIN);
    static struct cpu_window cpu;
    cpu_begin(&cpu);
    double t0 = now(), deadline = t0 + opt.secs, give_up = deadline + SETTLE_TIMEOUT_S;
    int active = opt.conns;
    for (int i = 0; i < opt.conns; i++) {
        echo_start(epfd, fds[i], i, &conns[i], &t);
        active -= conns[i].done;
    }
    struct epoll_event events[256];
    while (active > 0 && now() < give_up) {
        int ready = epoll_wait(epfd, events, 256, 50);
        for (int k = 0; k < ready; k++) {
            int i = (int)events[k].data.u32;
            struct echo_conn *c = &conns[i];
            if (c->done) {
                continue;
            }
            if ((events[k].events & EPOLLOUT) && c->sent < ECHO_LEN) {
                echo_watch(epfd, fds[i], i, 0);
                if (echo_write(epfd, fds[i], i, c, &t) != 0) {
                    t.errors++;
                    c->done = 1;
                    active--;
                    continue;
                }
            }
            if ((events[k].events & (EPOLLIN | EPOLLERR | EPOLLHUP))
                && echo_read(epfd, fds[i], i, c, &t, deadline)) {
                active--;
            }
        }
    }
    double t_end = now();
    cpu_end(&cpu);
    close(epfd);
    /* Messages still in flight at the give-up time never came back. */
    uint64_t missing = (uint64_t)active;
    e.bytes = t.sent;
    e.written = t.received;
    await_stats(written_reached, &e, SETTLE_TIMEOUT_S);
    int unclosed = finish_conns(fds, opt.conns, SETTLE_TIMEOUT_S);
    await_stats(all_reached, &e, SETTLE_TIMEOUT_S);
    char verdict[320];
    int bad = check_echo(&e, t.mismatched, missing, t.errors + (uint64_t)unclosed, verdict, sizeof verdict);
    qsort(t.samples_us, t.nsamples, sizeof *t.samples_us, cmp_u32);
    double elapsed = t_end - t0;
    double rt = (double)t.round_trips;
    double per = rt > 0 ? 1e6 / rt : 0;
    size_t ns = t.nsamples;
    printf("RESULT load=echo secs=%.3f conns=%d msg_size=%d round_trips=%" PRIu64 " rt_s=%.0f "
           "p50_us=%u p99_us=%u max_us=%u cpu_s=%.3f cpu_us_per_rt=%.3f cpu_pct=%.1f "
           "loop_us_per_rt=%.3f jit_us_per_rt=%.3f gc_us_per_rt=%.3f sent=%" PRIu64 " received=%" PRIu64
           " mismatched=%" PRIu64 " missing=%" PRIu64 " errors=%" PRIu64 " unclosed=%d %s\n",
           elapsed, opt.conns, ECHO_LEN, t.round_trips, rt / elapsed, ns ? t.samples_us[ns / 2] : 0,
           ns ? t.samples_us[(size_t)((double)ns * 0.99)] : 0, ns ? t.samples_us[ns - 1] : 0, cpu.total,
           cpu.total * per, 100 * cpu.total / elapsed, cpu.groups[GROUP_APP] * per,
           cpu.groups[GROUP_JIT] * per, cpu.groups[GROUP_GC] * per, t.sent, t.received, t.mismatched,
           missing, t.errors, unclosed, verdict);
    free(t.samples_us);
    free(conns);
    return bad;
}

/*
 * echo-hold: --conns connections are opened and held (all accepted first); then each writes one
 * byte, and the load measures the time from the first write until every connection has its byte
 * back (and from the last write, drain_ms), and the server's CPU in that time. Given up after --timeout seconds: the connections still
 * waiting are counted as missing, which fails the check.
 */
static int run_echo_hold(void) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY
        && rl.rlim_cur < (rlim_t)opt.conns + 64) {
        fprintf(stderr, "loadgen: echo-hold needs %d descriptors; the limit is %llu\n", opt.conns + 64,
                (unsigned long long)rl.rlim_cur);
        return 2;
    }
    struct expect e = {.base = snap(), .accepted = (uint64_t)opt.conns};
    double tc = now();
    int *fds = open_conns(opt.conns, 1);
    double t_connected = now();
    if (await_stats(accepted_reached, &e, SETTLE_TIMEOUT_S) < 0) {
        fprintf(stderr, "loadgen: the server did not accept all %d connections\n", opt.conns);
    }
    double t_accepted = now();
    char *got = calloc((size_t)opt.conns, 1);
    if (got == NULL) {
        die("calloc");
    }
    int epfd = conns_epoll(fds, opt.conns, EPOLLIN);
    uint64_t mismatched = 0, errors = 0;
    static struct cpu_window cpu;
    cpu_begin(&cpu);
    double t0 = now(), give_up = t0 + opt.timeout;
    for (int i = 0; i < opt.conns; i++) {
        char b = echo_byte(i, 0, 0);
        if (write(fds[i], &b, 1) != 1) {
            errors++;
            got[i] = 1;
        }
    }
    double t_written = now();
    int waiting = opt.conns - (int)errors;
    struct epoll_event events[1024];
    while (waiting > 0 && now() < give_up) {
        int ready = epoll_wait(epfd, events, 1024, 50);
        for (int k = 0; k < ready; k++) {
            int i = (int)events[k].data.u32;
            char b[16];
            ssize_t m = read(fds[i], b, sizeof b);
            if (m < 0 && (errno == EAGAIN || errno == EINTR)) {
                continue;
            }
            if (got[i]) {
                /* More than the one byte, or a close after it: read no further. */
                mismatched += m > 0 ? (uint64_t)m : 0;
                errors += m <= 0;
                epoll_ctl(epfd, EPOLL_CTL_DEL, fds[i], NULL);
                continue;
            }
            got[i] = 1;
            waiting--;
            if (m <= 0) {
                errors++;
                continue;
            }
            mismatched += (uint64_t)(m - 1) + (b[0] != echo_byte(i, 0, 0));
        }
    }
    double t_all = now();
    cpu_end(&cpu);
    close(epfd);
    uint64_t missing = (uint64_t)waiting;
    e.bytes = (uint64_t)opt.conns;
    e.written = (uint64_t)opt.conns;
    await_stats(written_reached, &e, SETTLE_TIMEOUT_S);
    e.closed = (uint64_t)opt.conns;
    double tx = now();
    close_conns(fds, opt.conns);
    double t_closed = await_stats(all_reached, &e, SETTLE_TIMEOUT_S);
    char verdict[320], all_echoed[32], drain[32];
    int bad = check_echo(&e, mismatched, missing, errors, verdict, sizeof verdict);
    /* Not all back: no time to report (the check fails). */
    snprintf(all_echoed, sizeof all_echoed, missing == 0 ? "%.1f" : "none", 1000 * (t_all - t0));
    snprintf(drain, sizeof drain, missing == 0 ? "%.1f" : "none", 1000 * (t_all - t_written));
    printf("RESULT load=echo-hold conns=%d connect_s=%.3f establish_s=%.3f write_all_ms=%.1f "
           "all_echoed_ms=%s drain_ms=%s cpu_ms=%.1f cpu_us_per_echo=%.2f loop_ms=%.1f "
           "jit_ms=%.1f gc_ms=%.1f close_all_ms=%.1f mismatched=%" PRIu64 " missing=%" PRIu64
           " errors=%" PRIu64 " %s\n",
           opt.conns, t_connected - tc, t_accepted - tc, 1000 * (t_written - t0),
           all_echoed, drain,
           1000 * cpu.total, 1e6 * cpu.total / opt.conns, 1000 * cpu.groups[GROUP_APP],
           1000 * cpu.groups[GROUP_JIT], 1000 * cpu.groups[GROUP_GC],
           t_closed > 0 ? 1000 * (t_closed - tx) : -1, mismatched, missing, errors, verdict);
    free(got);
    return bad;
}

static void raise_fd_limit(void) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

static void usage(void) {
    fprintf(stderr, "usage: loadgen wait|stream|churn|hold|events|lines|echo|echo-hold --stats FILE [--port P] "
                    "[--pid PID] [--conns N] [--workers N] [--secs S] [--idle S] [--size B] "
                    "[--sources N] [--timeout S]\n");
    exit(2);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        usage();
    }
    opt.load = argv[1];
    if (!strcmp(opt.load, "lines")) {
        opt.size = 65536;
    }
    if (!strcmp(opt.load, "echo-hold")) {
        opt.conns = 10000;
    }
    for (int i = 2; i + 1 < argc; i += 2) {
        const char *k = argv[i], *v = argv[i + 1];
        if (!strcmp(k, "--stats")) opt.stats_path = v;
        else if (!strcmp(k, "--port")) opt.port = atoi(v);
        else if (!strcmp(k, "--pid")) opt.pid = atoi(v);
        else if (!strcmp(k, "--conns")) opt.conns = atoi(v);
        else if (!strcmp(k, "--workers")) opt.workers = atoi(v);
        else if (!strcmp(k, "--size")) opt.size = atoi(v);
        else if (!strcmp(k, "--sources")) opt.sources = atoi(v);
        else if (!strcmp(k, "--secs")) opt.secs = atof(v);
        else if (!strcmp(k, "--idle")) opt.idle = atof(v);
        else if (!strcmp(k, "--timeout")) opt.timeout = atof(v);
        else usage();
    }
    if (opt.stats_path == NULL || opt.conns < 1 || opt.conns > MAX_CONNS || opt.workers < 1
        || opt.size < 1 || opt.size > 65536 || opt.sources < 1 || opt.sources > 250
        || opt.secs <= 0 || opt.secs > 600 || opt.idle < 0 || opt.idle > 600 || opt.timeout <= 0
        || opt.timeout > 600) {
        usage();
    }
    signal(SIGPIPE, SIG_IGN);
    raise_fd_limit();
    map_stats(opt.timeout);
    if (!strcmp(opt.load, "wait")) {
        return 0;
    }
    if (opt.port <= 0) {
        usage();
    }
    if (!strcmp(opt.load, "stream")) return run_stream(65536, "stream");
    if (!strcmp(opt.load, "events")) return run_stream(opt.size, "events");
    if (!strcmp(opt.load, "churn")) return run_churn();
    if (!strcmp(opt.load, "hold")) return run_hold();
    if (!strcmp(opt.load, "lines")) return run_lines();
    if (!strcmp(opt.load, "echo")) return run_echo();
    if (!strcmp(opt.load, "echo-hold")) return run_echo_hold();
    usage();
    return 2;
}
