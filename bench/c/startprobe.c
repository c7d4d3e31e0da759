/*
 * startprobe: launch-to-listening time of one server process.
 *
 *   startprobe --port P [--timeout-ms MS] [--interval-ms MS] [--grace-ms MS] -- COMMAND [ARGS...]
 *
 * Reads the monotonic clock, forks and execs COMMAND in its own process group, then tries a TCP
 * connection to 127.0.0.1:P every --interval-ms (default 5) until one is accepted, the command
 * exits, or --timeout-ms (default 120000) passes. Prints one line
 *
 *   RESULT ready_ms=1234.5 attempts=N            (listening)
 *   RESULT ready_ms=-1 reason=exited|timeout     (not listening)
 *
 * then ends the process group: SIGTERM, and SIGKILL after --grace-ms (default 15000). Refuses to
 * start when something already listens on P, so a leftover server cannot be measured instead.
 * If the probe itself gets SIGTERM, SIGINT or SIGHUP, it kills the process group first. Exit status
 * 0 only when the command listened. Loopback only; bounded in time.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile pid_t child = 0;

/* SIGTERM, SIGINT, SIGHUP to the probe: the server goes too. */
static void on_signal(int sig)
{
    if (child > 0) {
        kill(-child, SIGKILL);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void sleep_ms(double ms)
{
    struct timespec ts = { (time_t) (ms / 1e3), (long) ((ms - (time_t) (ms / 1e3) * 1e3) * 1e6) };
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {
    }
}

/* 1: a connection to 127.0.0.1:port was accepted; 0: refused (or any other failure). */
static int try_connect(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        perror("startprobe: socket");
        exit(2);
    }
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short) port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int ok = connect(fd, (struct sockaddr *) &sa, sizeof sa) == 0;
    close(fd);
    return ok;
}

/* Ends the child's process group: SIGTERM, then SIGKILL after grace_ms. Reaps the child. */
static void stop_child(pid_t pid, int reaped, double grace_ms)
{
    int status;
    if (reaped || waitpid(pid, &status, WNOHANG) == pid) {
        kill(-pid, SIGKILL);
        return;
    }
    kill(-pid, SIGTERM);
    double deadline = now_ms() + grace_ms;
    while (now_ms() < deadline) {
        if (waitpid(pid, &status, WNOHANG) == pid) {
            kill(-pid, SIGKILL); /* anything the command left in its group */
            return;
        }
        sleep_ms(20);
    }
    fprintf(stderr, "startprobe: pid %d did not end within %.0f ms of SIGTERM; killing it\n", (int) pid, grace_ms);
    kill(-pid, SIGKILL);
    waitpid(pid, &status, 0);
}

int main(int argc, char **argv)
{
    int port = -1;
    double timeout_ms = 120000, interval_ms = 5, grace_ms = 15000;
    int i = 1;
    for (; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "startprobe: %s needs a value\n", argv[i]);
            return 2;
        }
        if (strcmp(argv[i], "--port") == 0) {
            port = atoi(argv[++i]);
        }
        else if (strcmp(argv[i], "--timeout-ms") == 0) {
            timeout_ms = atof(argv[++i]);
        }
        else if (strcmp(argv[i], "--interval-ms") == 0) {
            interval_ms = atof(argv[++i]);
        }
        else if (strcmp(argv[i], "--grace-ms") == 0) {
            grace_ms = atof(argv[++i]);
        }
        else {
            fprintf(stderr, "startprobe: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (port <= 0 || port > 65535 || i >= argc || timeout_ms <= 0 || interval_ms <= 0) {
        fprintf(stderr, "usage: startprobe --port P [--timeout-ms MS] [--interval-ms MS] [--grace-ms MS] -- COMMAND...\n");
        return 2;
    }
    if (try_connect(port)) {
        fprintf(stderr, "startprobe: something already listens on 127.0.0.1:%d\n", port);
        return 2;
    }

    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    signal(SIGHUP, on_signal);
    double t0 = now_ms();
    pid_t pid = fork();
    if (pid < 0) {
        perror("startprobe: fork");
        return 2;
    }
    if (pid == 0) {
        setpgid(0, 0);
        execvp(argv[i], &argv[i]);
        perror("startprobe: exec");
        _exit(127);
    }
    setpgid(pid, pid); /* also here, so the group exists before the first kill */
    child = pid;

    long attempts = 0;
    int reaped = 0;
    const char *reason = "timeout";
    double ready = -1;
    while (now_ms() - t0 < timeout_ms) {
        attempts++;
        if (try_connect(port)) {
            ready = now_ms() - t0;
            break;
        }
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid) {
            reason = "exited";
            reaped = 1;
            break;
        }
        sleep_ms(interval_ms);
    }
    if (ready >= 0) {
        printf("RESULT ready_ms=%.1f attempts=%ld\n", ready, attempts);
    }
    else {
        printf("RESULT ready_ms=-1 reason=%s\n", reason);
    }
    fflush(stdout);
    stop_child(pid, reaped, grace_ms);
    return ready >= 0 ? 0 : 1;
}
