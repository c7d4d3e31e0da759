#!/usr/bin/env python3
"""Publishes rsyslogd's own counts in the benchmark's stats file (bench/c/bench_stats.h).

usage: stats.py STATS_FILE IMPSTATS_FILE

Follows the JSON lines that rsyslog's impstats writes once a second and copies imptcp's counters
into the file: messages = imptcp's "submitted", capped by what the main queue has taken off
("enqueued" - "size": handed to the ruleset that parses and drops), bytes = "bytes.received",
accepted = "sessions.opened", closed = "sessions.closed". The magic is written at the first
interval (imptcp listens then). Runs in its own process: its CPU is not rsyslogd's, so the
publisher thread id stays 0. Counts are as fresh as impstats' 1-second interval.
"""
import json
import mmap
import os
import struct
import sys
import time

MAGIC = 0x31746E73696C716B


def main():
    stats_path, impstats_path = sys.argv[1], sys.argv[2]
    fd = os.open(stats_path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
    os.ftruncate(fd, 64)
    m = mmap.mmap(fd, 64)
    while not os.path.exists(impstats_path):
        time.sleep(0.05)
    tcp = None
    with open(impstats_path) as f:
        buf = ""
        while True:
            chunk = f.readline()
            if not chunk:
                time.sleep(0.05)
                continue
            buf += chunk
            if not buf.endswith("\n"):
                continue
            line, buf = buf, ""
            start = line.find("{")
            if start < 0:
                continue
            try:
                rec = json.loads(line[start:])
            except ValueError:
                continue
            # Per interval imptcp's line comes before the main queue's: publish on the latter.
            if rec.get("origin") == "imptcp" and "submitted" in rec:
                tcp = rec
            elif rec.get("name") == "main Q" and tcp is not None:
                struct.pack_into("<Q", m, 8, tcp["bytes.received"])
                struct.pack_into("<Q", m, 24, tcp["sessions.opened"])
                struct.pack_into("<Q", m, 32, tcp["sessions.closed"])
                struct.pack_into("<Q", m, 48, min(tcp["submitted"], rec["enqueued"] - rec["size"]))
                struct.pack_into("<Q", m, 0, MAGIC)


if __name__ == "__main__":
    main()
