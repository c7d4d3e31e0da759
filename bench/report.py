#!/usr/bin/env python3
"""Turns bench/run.sh's raw results (one 'key=value ...' line per load run) into BENCHMARKS.md:
medians (min-max) per metric and server, and each server's median as a ratio to the C server's
(for the lines load also to Netty's lines server's, for the echo load to NIO's echo server's),
and the echo targets of issue #11 as ratios."""
import argparse
import os
import statistics
from collections import defaultdict

SERVERS = {
    "c": "C epoll (ET, accept4, 64 KiB reads)",
    "kq-epoll": "kqlisten, epoll, @EventListener",
    "kq-epoll-logging": "kqlisten, epoll, @EventListener, logging listener on (the default)",
    "kq-epoll-borrowed": "kqlisten, epoll, @EventListener on borrowed (zero-copy) data",
    "kq-kqueue": "kqlisten, kqueue (kqcompat), @EventListener",
    "kq-libkqueue": "kqlisten, kqueue (kqcompat, libkqueue layout: EV_DELETE before close), @EventListener",
    "kq-epoll-nolistener": "kqlisten, epoll, no data listener",
    "netty": "Netty 4.2 epoll, 1 event loop",
    "netty-sum": "Netty 4.2 epoll, 1 event loop, handler checksums every byte",
    "nio": "JDK NIO Selector, 1 thread",
    "nio-sum": "JDK NIO Selector, 1 thread, checksums every byte",
    "c-lines": "C epoll as `c`, counting the LF bytes of every read (memchr): the floor",
    "kq-lines": "kqlisten, epoll, framing=lines, @EventListener on TcpMessageReceivedEvent counting messages",
    "kq-lines-logging": "as `kq-lines`, logging listener on (the default)",
    "kq-lines-borrowed": "as `kq-lines`, @EventListener on borrowed (zero-copy) TcpMessageBorrowedEvent",
    "netty-lines": "Netty 4.2 epoll, 1 event loop, LineBasedFrameDecoder and a handler counting messages",
    "rsyslog": "Debian's rsyslogd, imptcp input, a ruleset that parses and drops; counts from impstats",
    "c-echo": "C epoll as `c`, writing back what it reads (the rest of a short write waits for EPOLLOUT)",
    "nio-echo": "JDK NIO Selector, 1 thread, writing back what it reads (the rest waits for OP_WRITE)",
    "netty-echo": "Netty 4.2 epoll, 1 event loop, a handler writing the ByteBuf back, flushed at channelReadComplete",
    "kq-echo": "kqlisten, epoll, @EventListener on TcpDataReceivedEvent replying with the bytes",
    "kq-echo-logging": "as `kq-echo`, logging listener on (the default)",
}

# load -> [(key, label, higher_is_better)]
METRICS = {
    "stream": [("mb_s", "MB/s read", True), ("cpu_s_per_gb", "CPU s per GB", False),
               ("loop_s_per_gb", "of which event loop and app threads", False),
               ("jit_s_per_gb", "of which JIT compiler threads", False),
               ("gc_s_per_gb", "of which GC and VM threads", False),
               ("bytes_per_event", "bytes per read", True)],
    "churn": [("conns_s", "connections/s", True), ("cpu_us_per_conn", "server CPU µs per connection", False),
              ("p50_us", "p50 connect-to-close µs", False), ("p99_us", "p99 µs", False)],
    "hold": [("establish_rate", "established/s", True), ("idle_cpu_pct", "idle CPU %", False),
             ("rss_per_conn_b", "RSS per connection, bytes", False),
             ("one_byte_each_ms", "1 byte on each counted, ms", False)],
    "hold100k": [("establish_rate", "established/s", True), ("idle_cpu_pct", "idle CPU %", False),
                 ("rss_per_conn_b", "RSS per connection, bytes", False),
                 ("one_byte_each_ms", "1 byte on each counted, ms", False)],
    "events": [("events_s", "data events/s", True), ("mb_s", "MB/s", True), ("cpu_pct", "server CPU %", False)],
    "lines": [("messages_s", "messages/s", True), ("cpu_us_per_msg", "server CPU µs per message", False),
              ("mb_s", "MB/s", True), ("loop_us_per_msg", "of which event loop and app threads", False),
              ("jit_us_per_msg", "of which JIT", False), ("gc_us_per_msg", "of which GC and VM", False)],
    "echo": [("rt_s", "round trips/s", True), ("cpu_us_per_rt", "server CPU µs per round trip", False),
             ("p50_us", "p50 round trip µs", False), ("p99_us", "p99 µs", False),
             ("loop_us_per_rt", "of which event loop and app threads", False),
             ("jit_us_per_rt", "of which JIT", False), ("gc_us_per_rt", "of which GC and VM", False)],
    "echo-hold": [("all_echoed_ms", "time to all echoes, ms", False), ("cpu_ms", "server CPU ms", False),
                  ("cpu_us_per_echo", "server CPU µs per echo", False),
                  ("drain_ms", "last write to last echo, ms", False),
                  ("write_all_ms", "load's writes, ms", False), ("establish_s", "establish all, s", False)],
    "cold": [("ready_s", "launch to listening, s", False), ("conns_s", "connections/s", True),
             ("cpu_us_per_conn", "server CPU µs per connection", False),
             ("p50_us", "p50 µs", False), ("p99_us", "p99 µs", False),
             ("listen_overflows", "listen overflows", False), ("listen_drops", "listen drops", False)],
}

LOAD_TITLES = {
    "stream": "stream: 64 connections writing 64 KiB chunks continuously",
    "churn": "churn: 8 workers connect, send 100 bytes, half-close, wait for the server's close",
    "hold": "hold: idle connections",
    "hold100k": "hold: 100,000 idle connections",
    "events": "events: 64 connections writing 64-byte messages (TCP_NODELAY)",
    "cold": "cold start: churn during the first seconds after launch",
    "lines": "lines: 64 connections sending 100-byte syslog lines in 64 KiB writes (lines cut at write ends)",
    "echo": "echo: 64 connections ping-pong 32-byte messages (TCP_NODELAY), each echo checked byte by byte",
    "echo-hold": "echo-hold: held connections (10,000 unless the descriptor limit is lower) each send one byte; "
                 "time from the first write until every echo is back",
}

# The servers each load's ratio columns divide by: the C server, and for lines also Netty's (and
# there only for the metrics named in RATIO_KEYS; the split of the CPU gets no ratio columns).
REFERENCES = {"lines": [("c-lines", "×C"), ("netty-lines", "×Netty")],
              "echo": [("c-echo", "×C"), ("nio-echo", "×NIO")],
              "echo-hold": [("c-echo", "×C")]}
DEFAULT_REFERENCES = [("c", "×C")]
RATIO_KEYS = {"lines": {"messages_s", "cpu_us_per_msg", "mb_s"},
              "echo": {"rt_s", "cpu_us_per_rt"},
              "echo-hold": {"all_echoed_ms", "cpu_ms"}}

# Metrics printed with three decimals (fractions of a µs).
PRECISE = {"cpu_us_per_msg", "loop_us_per_msg", "jit_us_per_msg", "gc_us_per_msg",
           "cpu_us_per_rt", "loop_us_per_rt", "jit_us_per_rt", "gc_us_per_rt"}

# The echo targets of issue #11: (load, metric, reference server, factor, wording); a server meets
# one when its median is at most factor × the reference's median.
ECHO_TARGETS = [
    ("echo", "cpu_us_per_rt", "nio-echo", 1.0, "CPU per round trip vs nio-echo"),
    ("echo-hold", "all_echoed_ms", "c-echo", 1.2, "time to all 10k echoes vs c-echo × 1.2"),
]


def echo_targets(data, p):
    """Lines of each kqlisten echo server's median over its target (≤ 1.00 meets it)."""
    out = []
    for load, key, ref, factor, wording in ECHO_TARGETS:
        rv = data.get((p, load, ref), {}).get(key, [])
        if not rv or statistics.median(rv) <= 0:
            continue
        bound = factor * statistics.median(rv)
        for s in SERVERS:
            v = data.get((p, load, s), {}).get(key, [])
            if not s.startswith("kq-") or not v:
                continue
            ratio = statistics.median(v) / bound
            out.append(f"- {wording}, `{s}` ({p}): {ratio:.2f} "
                       f"({fmt(statistics.median(v), key in PRECISE)} against {fmt(bound, key in PRECISE)}): "
                       f"{'met' if ratio <= 1 else 'missed'}")
    return out


def parse(path):
    rows = []
    with open(path) as f:
        for line in f:
            kv = dict(tok.split("=", 1) for tok in line.split() if "=" in tok)
            rows.append(kv)
    return rows


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def fmt(x, precise=False):
    if x is None:
        return "–"
    a = abs(x)
    if precise and a < 10:
        return f"{x:.3f}"
    if a >= 1000:
        return f"{x:,.0f}"
    if a >= 100:
        return f"{x:.0f}"
    if a >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def cell(values, precise=False):
    if not values:
        return "–"
    med = statistics.median(values)
    if len(values) == 1:
        return fmt(med, precise)
    return f"{fmt(med, precise)} ({fmt(min(values), precise)}–{fmt(max(values), precise)})"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", required=True)
    ap.add_argument("--machine", required=True)
    ap.add_argument("--command", required=True)
    ap.add_argument("--mode", required=True)
    ap.add_argument("--params", required=True)
    args = ap.parse_args()

    rows = parse(args.results)
    # bench/run.sh --baseline REV adds NAME-base: NAME built from revision REV.
    for r in rows:
        s = r.get("server", "")
        if s.endswith("-base") and s not in SERVERS and s[:-len("-base")] in SERVERS:
            SERVERS[s] = SERVERS[s[:-len("-base")]] + ", built from the baseline revision"
        # bench/run.sh --pollers "1 2" adds NAME-p2: NAME with 2 pollers (kqlisten) or event loops (Netty).
        head, _, n = s.rpartition("-p")
        if n.isdigit() and s not in SERVERS and head in SERVERS:
            if head.startswith("kq-"):
                SERVERS[s] = SERVERS[head] + f", {n} pollers, unpinned only"
            else:
                SERVERS[s] = SERVERS[head].replace("1 event loop", n + " event loops") + ", unpinned only"
    machine = dict(line.rstrip("\n").split("=", 1) for line in open(args.machine) if "=" in line)
    data = defaultdict(lambda: defaultdict(list))  # (pass, load, server) -> key -> values
    checks = defaultdict(lambda: [0, 0])  # server -> [ok, total]
    bad = []
    for r in rows:
        key = (r.get("pass"), r.get("load"), r.get("server"))
        for k, v in r.items():
            n = num(v)
            if n is not None:
                data[key][k].append(n)
        c = checks[r.get("server")]
        c[1] += 1
        if r.get("check") == "ok":
            c[0] += 1
        else:
            bad.append(" ".join(f"{k}={v}" for k, v in r.items()))

    out = []
    out.append("# Benchmarks")
    out.append("")
    out.append("Generated by `bench/run.sh`; rerun it to refresh this file. Every server counts what it read "
               "itself and publishes the counts in a shared stats file; the load generator (C, loopback only) "
               "checks them against what it sent. Server CPU is the server process's utime+stime from "
               "/proc/PID/stat less its stats-publisher thread.")
    out.append("")
    out.append(f"- Date: {machine.get('date')}")
    out.append(f"- Machine: {machine.get('nproc')} CPUs, {machine.get('cpu')}, Linux {machine.get('kernel')}, "
               f"{machine.get('java')}, {machine.get('gcc')}")
    out.append(f"- Command: `{args.command.strip()}` (mode: {args.mode})")
    out.append(f"- Parameters: {args.params}")
    out.append(f"- Load average at start / end: {machine.get('loadavg_start')} / {machine.get('loadavg_end')} "
               "(other work on the machine shows up here)")
    out.append(f"- 100,000-connection hold: {machine.get('hold_big')}")
    out.append("- Pinned: server `taskset -c 0`, load generator `taskset -c 1`. Unpinned: no affinity.")
    out.append("- Cells: median (min–max) over rounds; `×C` is the server's median divided by the C server's "
               "median (for 'lower is better' metrics too, so < 1 there means better than C); the lines table "
               "also has `×Netty`, the server's median over Netty's lines server's, the echo table `×NIO`, "
               "over NIO's echo server's.")
    out.append("")
    out.append("Servers: " + "; ".join(f"`{k}` = {v}" for k, v in SERVERS.items()) + ".")
    out.append("")
    ok = sum(c[0] for c in checks.values())
    total = sum(c[1] for c in checks.values())
    out.append(f"Count checks (server's counts = what was sent): {ok} of {total} load runs ok.")
    for b in bad:
        out.append(f"- not ok: `{b}`")
    out.append("")

    passes = [p for p in ("pinned", "unpinned") if any(k[0] == p for k in data)]
    for p in passes:
        for load, metrics in METRICS.items():
            servers = [s for s in SERVERS if (p, load, s) in data]
            if not servers:
                continue
            title = LOAD_TITLES[load]
            out.append(f"## {title} ({p})")
            out.append("")
            refs = REFERENCES.get(load, DEFAULT_REFERENCES)
            ratio_keys = RATIO_KEYS.get(load, {k for k, _, _ in metrics})
            columns = [[label] + ([r for _, r in refs] if k in ratio_keys else []) for k, label, _ in metrics]
            out.append("| server | " + " | ".join(c for group in columns for c in group) + " |")
            out.append("|" + "---|" * (1 + sum(len(group) for group in columns)))
            for s in servers:
                vals = data[(p, load, s)]
                cells = []
                for k, _, _ in metrics:
                    v = vals.get(k, [])
                    cells.append(cell(v, k in PRECISE))
                    if k not in ratio_keys:
                        continue
                    for ref, _ in refs:
                        rv = data.get((p, load, ref), {}).get(k, [])
                        if v and rv and statistics.median(rv) != 0:
                            cells.append(f"{statistics.median(v) / statistics.median(rv):.2f}")
                        else:
                            cells.append("–")
                out.append(f"| `{s}` | " + " | ".join(cells) + " |")
            out.append("")
        # Listener cost: per round, events/s with the data listener over events/s without.
        with_l = data.get((p, "events", "kq-epoll"), {}).get("events_s", [])
        without = data.get((p, "events", "kq-epoll-nolistener"), {}).get("events_s", [])
        if with_l and without:
            ratios = [a / b for a, b in zip(with_l, without) if b]
            out.append(f"Data events/s with one `@EventListener` as a ratio to the same load with no data "
                       f"listener (kqlisten, epoll, {p}): {cell(ratios)}.")
            out.append("")
        targets = echo_targets(data, p)
        if targets:
            out.append(f"Echo targets of issue #11 ({p}): the kqlisten server's median over the bound; "
                       "≤ 1.00 meets it.")
            out.append("")
            out.extend(targets)
            out.append("")
    # Before/after: each server's median over its baseline build's, per metric.
    pairs = [(p, load, s) for (p, load, s) in sorted(data) if s.endswith("-base") is False
             and (p, load, s + "-base") in data]
    if pairs:
        out.append("## This build against the baseline revision")
        out.append("")
        out.append("Median of this build ÷ median of the same server built from the baseline revision "
                   "(`--baseline`), same rounds; for 'lower is better' metrics too.")
        out.append("")
        for p, load, s in pairs:
            now, base = data[(p, load, s)], data[(p, load, s + "-base")]
            parts = []
            for k, label, _ in METRICS.get(load, []):
                if now.get(k) and base.get(k) and statistics.median(base[k]) != 0:
                    parts.append(f"{label} {statistics.median(now[k]) / statistics.median(base[k]):.2f}")
            out.append(f"- {load}, `{s}` ({p}): " + "; ".join(parts))
        out.append("")
    # The start-up table of bench/startup.sh (its own run) survives reruns of this report.
    startup = os.path.join(os.path.dirname(os.path.abspath(__file__)), "startup-results.md")
    if os.path.exists(startup):
        out.append("<!-- startup:begin -->\n" + open(startup).read().rstrip("\n") + "\n<!-- startup:end -->")
        out.append("")
    # The hand-written part (targets, profiles, before/after of each change) survives reruns.
    notes = os.path.join(os.path.dirname(os.path.abspath(__file__)), "NOTES.md")
    if os.path.exists(notes):
        out.append(open(notes).read().rstrip("\n"))
    print("\n".join(out))


if __name__ == "__main__":
    main()
