/*
 * The counters every benchmark server publishes: a 64-byte file that the server maps
 * read-write and the load generator maps read-only. Little-endian uint64 fields, written by
 * one publisher thread per server (a copy of the event loop's own counters every
 * BENCH_STATS_PERIOD_NS), so that every server, C or Java, pays the same for publishing. The
 * publisher writes its own thread id, so that the load generator can leave its CPU time out of
 * the server's.
 *
 * The magic is written last, once the server listens: the load generator waits for it.
 */
#ifndef BENCH_STATS_H
#define BENCH_STATS_H

#include <stdint.h>

#define BENCH_STATS_MAGIC 0x31746e73696c716bULL /* "kqlisnt1" read as little-endian bytes */
#define BENCH_STATS_SIZE 64
#define BENCH_STATS_PERIOD_NS 2000000L

struct bench_stats {
    uint64_t magic;    /* offset 0 */
    uint64_t bytes;    /* offset 8: bytes read */
    uint64_t reads;    /* offset 16: reads that returned data (data events) */
    uint64_t accepted; /* offset 24: connections accepted */
    uint64_t closed;   /* offset 32: connections closed */
    uint64_t publisher_tid; /* offset 40: Linux thread id of the publisher */
    uint64_t messages; /* offset 48: messages (lines) counted by the server's framing; 0 if none */
    uint64_t written;  /* offset 56: bytes written back (echo servers); 0 for a server that writes nothing */
};

#endif
