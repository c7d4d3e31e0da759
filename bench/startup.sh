#!/usr/bin/env bash
# Launch-to-listening time of kqlisten: plain `java -jar`, and the fast path of docker/Dockerfile
# (extracted jar + class archive from a training run, docker/fast-start.sh), against a Netty server.
#
#   bench/startup.sh [--reps N] [--variants "jar cds jar-25 aot-25 netty"] [--update] [--jar JAR]
#
# Each measurement: bench/c/startprobe reads the clock, launches the server, connects to its TCP
# port on 127.0.0.1 every 5 ms until one connection is accepted (at most 120 s), prints the time,
# then ends the server (SIGTERM, SIGKILL after 15 s). One core: server `taskset -c 0`, probe
# `taskset -c 1`. Two cores: no affinity. Variants alternate within each repetition (default 5).
#
# Variants: jar = `java -jar JAR` (the default JVM, `java` on the PATH); cds = extracted jar with the
# CDS archive of a training run, same JVM; jar-25 / aot-25 = the same with the JDK 25 in JAVA25
# (default /usr/lib/jvm/temurin-25-jdk-amd64/bin/java; skipped when missing), aot-25 with the JDK
# AOT cache; netty = bench/java's NettyServer (one epoll event loop), a reference.
# kqlisten runs with its default configuration except two ports, so that a running application
# cannot be measured instead: --server.port=0 and the listener 'default' on port 18150 + n.
#
# Prints a table with medians, ranges and ratios (the cds and aot-25 rows against plain `java -jar`
# on the same JVM, every row against `jar`). --update also writes it to bench/startup-results.md
# and into BENCHMARKS.md (bench/report.py includes that file when it regenerates BENCHMARKS.md).
# Raw results: target/startup/<run>/results.txt. Every process started here is ended on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

REPS=5
VARIANTS="jar cds jar-25 aot-25 netty"
UPDATE=0
JAR=
COMMAND="bench/startup.sh$(printf ' %q' "$@")"
while [ $# -gt 0 ]; do
    case "$1" in
        --reps) REPS=$2; shift ;;
        --variants) VARIANTS=$2; shift ;;
        --update) UPDATE=1 ;;
        --jar) JAR=$2; shift ;;
        -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
        *) echo "unknown option: $1" >&2; exit 2 ;;
    esac
    shift
done
JAVA=${JAVA:-java}
JAVA25=${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
[ "$(nproc)" -ge 2 ] || { echo "needs 2 CPUs (server on one, probe on the other)" >&2; exit 1; }

RUN_ID=$(date -u +%Y%m%dT%H%M%SZ)
WORK="$ROOT/target/startup/$RUN_ID"
mkdir -p "$WORK"
RESULTS="$WORK/results.txt"
: >"$RESULTS"
log() { echo "[startup $(date +%H:%M:%S)] $*" >&2; }

# startprobe ends each server itself; this catches what an interrupted run leaves.
PROBE_PID=
cleanup() { [ -n "$PROBE_PID" ] && kill -TERM "$PROBE_PID" 2>/dev/null || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- build ----
mkdir -p target/startup/bin
gcc -O2 -Wall -Wextra -Werror -o target/startup/bin/startprobe bench/c/startprobe.c
PROBE="$ROOT/target/startup/bin/startprobe"
if [ -z "$JAR" ]; then
    JAR=target/kqlisten-exec.jar
    [ -f "$JAR" ] || JAR=target/kqlisten.jar
fi
if [ ! -f "$JAR" ]; then
    log "building the application jar"
    ./mvnw -B -q -Dmaven.test.skip=true package >"$WORK/build-app.log" 2>&1 || { cat "$WORK/build-app.log" >&2; exit 1; }
    JAR=target/kqlisten-exec.jar
    [ -f "$JAR" ] || JAR=target/kqlisten.jar
fi
JAR=$(cd "$(dirname "$JAR")" && pwd)/$(basename "$JAR")
wants() { case " $VARIANTS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
if wants jar-25 || wants aot-25; then
    if [ ! -x "$JAVA25" ]; then
        log "no JDK 25 at $JAVA25 (set JAVA25): skipping jar-25 and aot-25"
        VARIANTS=$(echo " $VARIANTS " | sed 's/ jar-25 / /; s/ aot-25 / /')
    fi
fi
if wants netty; then
    log "building the reference servers (bench/java)"
    ./mvnw -B -o -q -f bench/java/pom.xml package dependency:build-classpath \
        -Dmdep.outputFile="$ROOT/target/startup/servers-classpath.txt" >"$WORK/build-servers.log" 2>&1 \
        || ./mvnw -B -q -f bench/java/pom.xml package dependency:build-classpath \
            -Dmdep.outputFile="$ROOT/target/startup/servers-classpath.txt" >"$WORK/build-servers.log" 2>&1 \
        || { cat "$WORK/build-servers.log" >&2; exit 1; }
    SERVERS_CP="$ROOT/bench/java/target/classes:$(cat target/startup/servers-classpath.txt)"
fi
# The fast path, made exactly as docker/Dockerfile makes it (docker/fast-start.sh).
if wants cds; then
    log "extracting and training with $("$JAVA" -version 2>&1 | head -1)"
    JAVA="$JAVA" docker/fast-start.sh "$WORK/app" "$JAR" >"$WORK/train.log" 2>&1 || { cat "$WORK/train.log" >&2; exit 1; }
fi
if wants aot-25; then
    log "extracting and training with $("$JAVA25" -version 2>&1 | head -1)"
    JAVA="$JAVA25" docker/fast-start.sh "$WORK/app-25" "$JAR" >"$WORK/train-25.log" 2>&1 \
        || { cat "$WORK/train-25.log" >&2; exit 1; }
fi

# ---- measure ----
N=0
measure() { # measure VARIANT MODE REP
    local variant=$1 mode=$2 rep=$3 port dir=$ROOT out
    N=$((N + 1))
    port=$((18150 + N % 40))
    local kq=(--server.port=0 --kqlisten.listeners[0].name=default --kqlisten.listeners[0].port=$port)
    local -a cmd
    case "$variant" in
        jar) cmd=("$JAVA" -jar "$JAR" "${kq[@]}") ;;
        cds) dir="$WORK/app"; cmd=("$JAVA" "$(cat "$dir/jvm-option")" -jar kqlisten.jar "${kq[@]}") ;;
        jar-25) cmd=("$JAVA25" -jar "$JAR" "${kq[@]}") ;;
        aot-25) dir="$WORK/app-25"; cmd=("$JAVA25" "$(cat "$dir/jvm-option")" -jar kqlisten.jar "${kq[@]}") ;;
        netty) cmd=("$JAVA" -cp "$SERVERS_CP" dev.kqlisten.bench.NettyServer "$port" "$WORK/netty-stats" count) ;;
        *) echo "unknown variant $variant" >&2; exit 2 ;;
    esac
    local -a probe=("$PROBE" --port "$port" --timeout-ms 120000 --grace-ms 15000 --)
    if [ "$mode" = one-core ]; then
        probe=(taskset -c 1 "${probe[@]}" taskset -c 0)
    fi
    (cd "$dir" && exec "${probe[@]}" "${cmd[@]}" >"$WORK/$variant-$mode-$rep.log" 2>&1) &
    PROBE_PID=$!
    wait "$PROBE_PID" || true
    PROBE_PID=
    out=$(grep -h '^RESULT' "$WORK/$variant-$mode-$rep.log" || echo "RESULT ready_ms=-1 reason=noresult")
    echo "variant=$variant mode=$mode rep=$rep ${out#RESULT }" >>"$RESULTS"
    log "$variant $mode #$rep: ${out#RESULT }"
}

log "results in $RESULTS"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
for rep in $(seq 1 "$REPS"); do
    for mode in one-core two-cores; do
        for variant in $VARIANTS; do
            measure "$variant" "$mode" "$rep"
        done
    done
done
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- report ----
TABLE="$WORK/startup.md"
python3 - "$RESULTS" >"$TABLE" <<EOF
import statistics, sys
rows = [dict(kv.split("=", 1) for kv in line.split()) for line in open(sys.argv[1]) if line.strip()]
variants = "$VARIANTS".split()
label = {
    "jar": "\`java -jar\` ($("$JAVA" -version 2>&1 | head -1 | sed 's/"//g'))",
    "cds": "extracted + CDS archive (same JVM)",
    "jar-25": "\`java -jar\`, JDK 25",
    "aot-25": "extracted + AOT cache, JDK 25",
    "netty": "Netty epoll server (reference)",
}
base = {"jar": "jar", "cds": "jar", "jar-25": "jar-25", "aot-25": "jar-25", "netty": None}
def times(v, m):
    return [float(r["ready_ms"]) / 1000 for r in rows if r["variant"] == v and r["mode"] == m and float(r["ready_ms"]) >= 0]
def med(v, m):
    t = times(v, m)
    return statistics.median(t) if t else None
print("## start-up: launch to listening (\`bench/startup.sh\`)")
print()
print("- Date: $(date -u +%Y-%m-%dT%H:%M:%SZ); $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); load average at start / end: $LOAD_START / $LOAD_END")
print("- Command: \`$COMMAND\`; $REPS repetitions per cell, variants alternating; cells: median (min–max) in seconds from launch until the TCP port accepts a connection")
print("- One core: server \`taskset -c 0\`, probe \`taskset -c 1\`; two cores: no affinity")
print()
print("| variant | one core, s | × same JVM's \`java -jar\` | × \`jar\` | two cores, s | × same JVM's \`java -jar\` | × \`jar\` |")
print("|---|---|---|---|---|---|---|")
for v in variants:
    cells = []
    for m in ("one-core", "two-cores"):
        t = times(v, m)
        cells.append(f"{statistics.median(t):.2f} ({min(t):.2f}–{max(t):.2f})" if t else "failed")
        for b in (base[v], "jar"):
            mb, mv = (med(b, m) if b else None), med(v, m)
            cells.append(f"{mv / mb:.2f}" if mb and mv is not None else "–")
    print(f"| \`{v}\` {label[v]} | " + " | ".join(cells) + " |")
EOF
cat "$TABLE"
if [ "$UPDATE" = 1 ]; then
    cp "$TABLE" bench/startup-results.md
    python3 - BENCHMARKS.md bench/startup-results.md <<'EOF'
import re, sys
path, table = sys.argv[1], open(sys.argv[2]).read().rstrip("\n")
text = open(path).read() if __import__("os").path.exists(path) else ""
begin, end = "<!-- startup:begin -->", "<!-- startup:end -->"
block = f"{begin}\n{table}\n{end}"
if begin in text:
    text = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda m: block, text, flags=re.S)
elif "## Notes: targets" in text:
    text = text.replace("## Notes: targets", block + "\n\n## Notes: targets", 1)
else:
    text = text.rstrip("\n") + "\n\n" + block + "\n"
open(path, "w").write(text)
EOF
    log "wrote bench/startup-results.md and its section of BENCHMARKS.md"
fi
