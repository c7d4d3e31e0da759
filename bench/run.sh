#!/usr/bin/env bash
# Rerunnable benchmark of kqlisten against reference servers (C epoll, JDK NIO, Netty epoll).
#
#   bench/run.sh            full run: 3 pinned rounds + 1 unpinned round, 10 s loads, 10,000 idle
#                           connections (100,000 too when the descriptor limit allows)
#   bench/run.sh --quick    smoke run of a few minutes: 1 pinned round, 2 s loads, 2,000 idle
#                           connections, no unpinned round
#
# Options: --reps N (pinned rounds), --unpinned-reps N, --out FILE (default BENCHMARKS.md at the
# repository root), --servers "c kq-epoll ..." (default all: c kq-epoll kq-epoll-borrowed
# kq-kqueue kq-epoll-nolistener netty netty-sum nio nio-sum; the -sum variants checksum every byte
# like the kqlisten data listeners; kq-libkqueue, not in the default list, is the kqueue backend on
# the libkqueue layout, which deletes each registration before close; kq-epoll-logging, not in the
# default list either, is kq-epoll with the logging listener at its default, on), and for targeted before/after runs: --loads "stream churn hold events
# cold lines echo echo-hold" (default all), --secs S (load length), --warmup S (warm-up stream and
# churn per server start, lines for the line servers, echo for the echo servers).
# Line servers (the lines load only, 64 connections sending 100-byte syslog lines): c-lines (the C
# server counting LF bytes), kq-lines (kqlisten, framing=lines, @EventListener on
# TcpMessageReceivedEvent), kq-lines-borrowed (on TcpMessageBorrowedEvent), netty-lines (Netty,
# LineBasedFrameDecoder), all in the default list; kq-lines-logging (kq-lines with the logging
# listener on, the default) and rsyslog (Debian's rsyslogd: imptcp, a ruleset that parses and
# drops; counts from its impstats) are not.
# Echo servers (the echo and echo-hold loads only: 64 connections ping-pong 32-byte messages;
# 10,000 held connections each echo one byte, fewer if the descriptor limit is lower): c-echo (the C
# server writing back what it reads), nio-echo, netty-echo (a handler writing the ByteBuf back,
# flushed at channelReadComplete), kq-echo (kqlisten, epoll, @EventListener on TcpDataReceivedEvent
# replying with the bytes), all in the default list; kq-echo-logging (kq-echo with the logging
# listener on, the default) is not.
# BENCH_JAVA_OPTS replaces the JVM options (e.g. to add a profiler agent); BENCH_KQ_ARGS adds
# arguments to every kqlisten server (e.g. --kqlisten.listeners[0].read-buffer-size=64KB).
# --pollers "1 2" runs each kqlisten and Netty server in --servers once per count: 1 as it is, N > 1
# as NAME-pN, with kqlisten.listeners[0].pollers=N or N Netty event loops (accepting and reading on
# all of them). A server with several threads runs in the unpinned rounds only: pinned, they would
# share CPU 0. Compare them with --reps 0 --unpinned-reps K.
# --baseline REV builds kqlisten as of git revision REV (from `git archive`, in target/bench) and
# adds a server NAME-base for each kqlisten server NAME in --servers, run from that build in the same
# rounds: a refactoring's before/after in one run. --build-only builds everything and exits (CI
# uses it to keep bench/ compiling against the application).
#
# Builds what it needs (the application and its kqueue-compatible test library with the Maven
# wrapper, the reference servers in bench/java, the C programs in bench/c), then runs every load
# against every server, alternating servers round by round. Pinned: server on CPU 0, load
# generator on CPU 1. All traffic is on 127.0.0.0/8; every load is bounded in time and count;
# every process started here is ended on exit. Raw results: target/bench/<run>/results.txt.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

QUICK=0
REPS=3
UNPINNED_REPS=1
SERVERS="c kq-epoll kq-epoll-borrowed kq-kqueue kq-epoll-nolistener netty netty-sum nio nio-sum c-lines kq-lines kq-lines-borrowed netty-lines c-echo nio-echo netty-echo kq-echo"
LOADS="stream churn hold events cold lines echo echo-hold"
SECS=
WARMUP=
OUT_MD="$ROOT/BENCHMARKS.md"
BASELINE=
BUILD_ONLY=0
POLLERS=1
COMMAND="bench/run.sh $*"
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) QUICK=1; REPS=1; UNPINNED_REPS=0 ;;
        --reps) REPS=$2; shift ;;
        --unpinned-reps) UNPINNED_REPS=$2; shift ;;
        --servers) SERVERS=$2; shift ;;
        --loads) LOADS=$2; shift ;;
        --secs) SECS=$2; shift ;;
        --warmup) WARMUP=$2; shift ;;
        --out) OUT_MD=$2; shift ;;
        --baseline) BASELINE=$2; shift ;;
        --pollers) POLLERS=$2; shift ;;
        --build-only) BUILD_ONLY=1 ;;
        -h|--help) sed -n '2,40p' "$0"; exit 0 ;;
        *) echo "unknown option: $1" >&2; exit 2 ;;
    esac
    shift
done

# --pollers: each kqlisten and Netty server once per count, NAME-pN for N > 1.
for n in $POLLERS; do
    [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "--pollers: not a count: $n" >&2; exit 2; }
done
if [ "$POLLERS" != 1 ]; then
    expanded=
    for name in $SERVERS; do
        case "$name" in
            kq-*|netty*)
                for n in $POLLERS; do
                    if [ "$n" = 1 ]; then expanded="$expanded $name"; else expanded="$expanded $name-p$n"; fi
                done ;;
            *) expanded="$expanded $name" ;;
        esac
    done
    SERVERS=${expanded# }
fi

if [ "$QUICK" = 1 ]; then
    LOAD_SECS=2; WARMUP_SECS=1; HOLD_CONNS=2000; HOLD_IDLE=2; COLD_SECS=5; BIG_HOLD=0
else
    LOAD_SECS=10; WARMUP_SECS=3; HOLD_CONNS=10000; HOLD_IDLE=10; COLD_SECS=5; BIG_HOLD=100000
fi
# The issue's 10,000 held connections, in both modes: the time to all echoes is the target.
ECHO_HOLD_CONNS=10000
[ -n "$SECS" ] && LOAD_SECS=$SECS
[ -n "$WARMUP" ] && WARMUP_SECS=$WARMUP
wants() { case " $LOADS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
# Line servers decode lines: they get the lines load and no other.
line_server() { case "${1%-base}" in *-lines|*-lines-*|rsyslog) return 0 ;; *) return 1 ;; esac; }
# Echo servers write back what they read: they get the echo loads and no other.
echo_server() { case "${1%-base}" in *-echo|*-echo-*) return 0 ;; *) return 1 ;; esac; }
# Servers with several poller threads or event loops: NAME-pN (see --pollers).
multi_threaded() { [[ ${1%-base} =~ -p[0-9]+$ ]]; }
JAVA_OPTS=${BENCH_JAVA_OPTS:--Xms1g -Xmx1g -XX:+UseG1GC}
NCPU=$(nproc)

RUN_ID=$(date -u +%Y%m%dT%H%M%SZ)
WORK="$ROOT/target/bench/$RUN_ID"
BIN="$ROOT/target/bench/bin"
mkdir -p "$WORK" "$BIN"
RESULTS="$WORK/results.txt"
: > "$RESULTS"
log() { echo "[bench $(date +%H:%M:%S)] $*" >&2; }

# ---- every process started here is ended on exit ----
STARTED=()
cleanup() {
    local pid
    for pid in "${STARTED[@]:-}"; do
        [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null || true
    done
    sleep 0.5
    for pid in "${STARTED[@]:-}"; do
        [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null || true
    done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- build ----
build() {
    log "building the C programs"
    gcc -O2 -Wall -Wextra -Werror -pthread -o "$BIN/loadgen" bench/c/loadgen.c
    gcc -O2 -Wall -Wextra -Werror -pthread -o "$BIN/epoll_server" bench/c/epoll_server.c

    log "building the application and its kqueue-compatible library"
    ./mvnw -B -o -q process-test-resources >"$WORK/build-app.log" 2>&1 \
        || ./mvnw -B -q process-test-resources >"$WORK/build-app.log" 2>&1 \
        || { cat "$WORK/build-app.log" >&2; exit 1; }
    KQ_LIB="$ROOT/target/native/libkqcompat-freebsd.so"
    [ -f "$KQ_LIB" ] || { echo "missing $KQ_LIB" >&2; exit 1; }
    if [ ! -s target/bench/app-classpath.txt ] || [ pom.xml -nt target/bench/app-classpath.txt ]; then
        ./mvnw -B -o -q dependency:build-classpath -Dmdep.includeScope=runtime \
            -Dmdep.outputFile="$ROOT/target/bench/app-classpath.txt" >"$WORK/build-cp.log" 2>&1 \
            || ./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=runtime \
                -Dmdep.outputFile="$ROOT/target/bench/app-classpath.txt" >"$WORK/build-cp.log" 2>&1 \
            || { cat "$WORK/build-cp.log" >&2; exit 1; }
    fi
    rm -rf target/bench/spring-classes
    mkdir -p target/bench/spring-classes
    javac -proc:none -nowarn -d target/bench/spring-classes \
        -cp "target/classes:$(cat target/bench/app-classpath.txt)" \
        bench/spring/dev/kqlisten/bench/*.java bench/java/src/main/java/dev/kqlisten/bench/StatsFile.java
    APP_CP="target/classes:$(cat target/bench/app-classpath.txt):target/bench/spring-classes"

    log "building the reference servers (bench/java)"
    ./mvnw -B -o -q -f bench/java/pom.xml package dependency:build-classpath \
        -Dmdep.outputFile="$ROOT/target/bench/servers-classpath.txt" >"$WORK/build-servers.log" 2>&1 \
        || ./mvnw -B -q -f bench/java/pom.xml package dependency:build-classpath \
            -Dmdep.outputFile="$ROOT/target/bench/servers-classpath.txt" >"$WORK/build-servers.log" 2>&1 \
        || { cat "$WORK/build-servers.log" >&2; exit 1; }
    SERVERS_CP="bench/java/target/classes:$(cat target/bench/servers-classpath.txt)"
    [ -n "$BASELINE" ] && build_baseline
    return 0
}

# The application as of $BASELINE, with the bench's Spring classes of that revision, on the same
# dependencies (a baseline whose pom.xml differs is refused: it would not be like for like).
build_baseline() {
    local sha dir
    sha=$(git rev-parse --verify "$BASELINE^{commit}")
    if ! git diff --quiet "$sha" -- pom.xml; then
        echo "--baseline $BASELINE: its pom.xml differs from this one's; compare builds with the same dependencies" >&2
        exit 2
    fi
    dir="$ROOT/target/bench/baseline-${sha:0:12}"
    log "building the baseline ${sha:0:12} in $dir"
    if [ ! -f "$dir/target/classes/dev/kqlisten/KqlistenApplication.class" ]; then
        rm -rf "$dir"
        mkdir -p "$dir"
        git archive "$sha" | tar -x -C "$dir"
        (cd "$dir" && ./mvnw -B -o -q -DskipTests compile >"$WORK/build-baseline.log" 2>&1 \
            || ./mvnw -B -q -DskipTests compile >"$WORK/build-baseline.log" 2>&1) \
            || { cat "$WORK/build-baseline.log" >&2; exit 1; }
    fi
    rm -rf "$dir/target/bench-spring-classes"
    mkdir -p "$dir/target/bench-spring-classes"
    javac -proc:none -nowarn -d "$dir/target/bench-spring-classes" \
        -cp "$dir/target/classes:$(cat target/bench/app-classpath.txt)" \
        "$dir"/bench/spring/dev/kqlisten/bench/*.java "$dir"/bench/java/src/main/java/dev/kqlisten/bench/StatsFile.java
    BASE_APP_CP="$dir/target/classes:$(cat target/bench/app-classpath.txt):$dir/target/bench-spring-classes"
    local name with=""
    for name in $SERVERS; do
        with="$with $name"
        case "$name" in kq-*) with="$with $name-base" ;; esac
    done
    SERVERS=${with# }
}

# ---- servers ----
PORT_SEQ=0
SERVER_PID=
SERVER_PORT=
STATS=
ADAPTER_PID=
# start_server NAME PINNED(0|1): sets SERVER_PID, SERVER_PORT, STATS
start_server() {
    local name=$1 pinned=$2 cp=$APP_CP
    case "$name" in *-base) cp=$BASE_APP_CP; name=${name%-base} ;; esac
    # NAME-pN: N kqlisten pollers or Netty event loops (--pollers).
    local -a threads=() loops=()
    if [[ $name =~ ^(.*)-p([0-9]+)$ ]]; then
        name=${BASH_REMATCH[1]}
        threads=("--kqlisten.listeners[0].pollers=${BASH_REMATCH[2]}")
        loops=("${BASH_REMATCH[2]}")
        case "$name" in kq-*|netty*) ;; *) echo "$name has no -pN variant" >&2; exit 2 ;; esac
    fi
    local -a pin=()
    [ "$pinned" = 1 ] && pin=(taskset -c 0)
    PORT_SEQ=$((PORT_SEQ + 1))
    SERVER_PORT=$((18600 + PORT_SEQ % 300))
    STATS="$WORK/stats-$name"
    rm -f "$STATS"
    local logging=false
    case "$name" in kq-epoll-logging|kq-lines-logging|kq-echo-logging) logging=true ;; esac
    # The lines servers' framing; 8 KB is the default max-frame-length, set here to match Netty's.
    local lines=(--kqlisten.listeners[0].framing=lines --kqlisten.listeners[0].max-frame-length=8KB)
    local kq=(--server.port=0 --kqlisten.logging.enabled=$logging --kqlisten.listeners[0].name=bench
        --kqlisten.listeners[0].port=$SERVER_PORT --kqlisten.listeners[0].address=127.0.0.1
        --bench.stats-file="$STATS" "${threads[@]}" ${BENCH_KQ_ARGS:-})
    local logf="$WORK/server-$name-$PORT_SEQ.log"
    case "$name" in
        c) "${pin[@]}" "$BIN/epoll_server" "$SERVER_PORT" "$STATS" >"$logf" 2>&1 & ;;
        c-lines) "${pin[@]}" "$BIN/epoll_server" "$SERVER_PORT" "$STATS" lines >"$logf" 2>&1 & ;;
        c-echo) "${pin[@]}" "$BIN/epoll_server" "$SERVER_PORT" "$STATS" echo >"$logf" 2>&1 & ;;
        kq-echo|kq-echo-logging) "${pin[@]}" java $JAVA_OPTS -cp "$cp" dev.kqlisten.KqlistenApplication "${kq[@]}" \
            --kqlisten.backend=epoll --bench.echo-listener=true >"$logf" 2>&1 & ;;
        netty-echo) "${pin[@]}" java $JAVA_OPTS -cp "$SERVERS_CP" dev.kqlisten.bench.NettyServer \
            "$SERVER_PORT" "$STATS" echo "${loops[@]}" >"$logf" 2>&1 & ;;
        nio-echo) "${pin[@]}" java $JAVA_OPTS -cp "$SERVERS_CP" dev.kqlisten.bench.NioServer \
            "$SERVER_PORT" "$STATS" echo >"$logf" 2>&1 & ;;
        kq-lines|kq-lines-logging) "${pin[@]}" java $JAVA_OPTS -cp "$cp" dev.kqlisten.KqlistenApplication "${kq[@]}" \
            --kqlisten.backend=epoll "${lines[@]}" --bench.message-listener=true >"$logf" 2>&1 & ;;
        kq-lines-borrowed) "${pin[@]}" java $JAVA_OPTS -cp "$cp" dev.kqlisten.KqlistenApplication "${kq[@]}" \
            --kqlisten.backend=epoll "${lines[@]}" --bench.borrowed-message-listener=true >"$logf" 2>&1 & ;;
        netty-lines) "${pin[@]}" java $JAVA_OPTS -cp "$SERVERS_CP" dev.kqlisten.bench.NettyServer \
            "$SERVER_PORT" "$STATS" lines "${loops[@]}" >"$logf" 2>&1 & ;;
        rsyslog) start_rsyslog "$logf" "${pin[@]}" ; return ;;
        kq-epoll|kq-epoll-logging) "${pin[@]}" java $JAVA_OPTS -cp "$cp" dev.kqlisten.KqlistenApplication "${kq[@]}" \
            --kqlisten.backend=epoll --bench.data-listener=true >"$logf" 2>&1 & ;;
        kq-epoll-borrowed) "${pin[@]}" java $JAVA_OPTS -cp "$cp" dev.kqlisten.KqlistenApplication "${kq[@]}" \
            --kqlisten.backend=epoll --bench.borrowed-data-listener=true >"$logf" 2>&1 & ;;
        kq-epoll-nolistener) "${pin[@]}" java $JAVA_OPTS -cp "$cp" dev.kqlisten.KqlistenApplication \
            "${kq[@]}" --kqlisten.backend=epoll --bench.data-listener=false >"$logf" 2>&1 & ;;
        kq-kqueue) "${pin[@]}" java $JAVA_OPTS -cp "$cp" dev.kqlisten.KqlistenApplication "${kq[@]}" \
            --kqlisten.backend=kqueue --kqlisten.kqueue.library="$KQ_LIB" --kqlisten.kqueue.layout=freebsd \
            --bench.data-listener=true >"$logf" 2>&1 & ;;
        kq-libkqueue) "${pin[@]}" java $JAVA_OPTS -cp "$cp" dev.kqlisten.KqlistenApplication "${kq[@]}" \
            --kqlisten.backend=kqueue --kqlisten.kqueue.library="$ROOT/target/native/libkqcompat-libkqueue.so" \
            --kqlisten.kqueue.layout=libkqueue --bench.data-listener=true >"$logf" 2>&1 & ;;
        netty|netty-sum) "${pin[@]}" java $JAVA_OPTS -cp "$SERVERS_CP" dev.kqlisten.bench.NettyServer \
            "$SERVER_PORT" "$STATS" "$( [ "$name" = netty-sum ] && echo checksum || echo count )" "${loops[@]}" \
            >"$logf" 2>&1 & ;;
        nio|nio-sum) "${pin[@]}" java $JAVA_OPTS -cp "$SERVERS_CP" dev.kqlisten.bench.NioServer \
            "$SERVER_PORT" "$STATS" "$( [ "$name" = nio-sum ] && echo checksum || echo count )" >"$logf" 2>&1 & ;;
        *) echo "unknown server $name" >&2; exit 2 ;;
    esac
    SERVER_PID=$!
    STARTED+=("$SERVER_PID")
    SERVER_LOG=$logf
}

# start_rsyslog LOG [PIN...]: rsyslogd in the foreground with bench/rsyslog's configuration, and
# the adapter that copies its impstats counters into the stats file (not pinned: its CPU is its own).
start_rsyslog() {
    local logf=$1 dir="$WORK/rsyslog-$PORT_SEQ"
    shift
    command -v rsyslogd >/dev/null || { echo "rsyslog: no rsyslogd (apt-get install rsyslog)" >&2; exit 2; }
    mkdir -p "$dir"
    sed -e "s|@PORT@|$SERVER_PORT|g" -e "s|@WORK@|$dir|g" -e "s|@IMPSTATS@|$dir/impstats.json|g" \
        bench/rsyslog/rsyslog.conf.in >"$dir/rsyslog.conf"
    python3 bench/rsyslog/stats.py "$STATS" "$dir/impstats.json" >>"$logf" 2>&1 &
    ADAPTER_PID=$!
    STARTED+=("$ADAPTER_PID")
    "$@" rsyslogd -n -f "$dir/rsyslog.conf" -i "$dir/rsyslogd.pid" >>"$logf" 2>&1 &
    SERVER_PID=$!
    STARTED+=("$SERVER_PID")
    SERVER_LOG=$logf
}

stop_server() {
    if [ -n "$ADAPTER_PID" ]; then
        kill -TERM "$ADAPTER_PID" 2>/dev/null || true
        wait "$ADAPTER_PID" 2>/dev/null || true
        ADAPTER_PID=
    fi
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    local i
    for i in $(seq 1 150); do
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
}

# loadgen PINNED ARGS...: runs the load generator, bounded by its own options and by timeout(1)
loadgen() {
    local pinned=$1
    shift
    local -a pin=()
    [ "$pinned" = 1 ] && pin=(taskset -c 1)
    timeout 300 "${pin[@]}" "$BIN/loadgen" "$@"
}

record() { # record TAGS < loadgen output
    local line
    while IFS= read -r line; do
        case "$line" in
            RESULT*) echo "$* ${line#RESULT }" >>"$RESULTS"; echo "  $* ${line#RESULT }" >&2 ;;
        esac
    done
}

listen_overflows() {
    nstat -asz TcpExtListenOverflows TcpExtListenDrops 2>/dev/null \
        | awk '$1=="TcpExtListenOverflows"{o=$2} $1=="TcpExtListenDrops"{d=$2} END{print o+0, d+0}'
}

# The loads on one running server.
run_loads() {
    local name=$1 pass=$2 rep=$3 pinned=$4
    local tags="server=$name pass=$pass rep=$rep"
    local sources=$(( HOLD_CONNS / 20000 + 1 ))
    if line_server "$name"; then
        wants lines || return 0
        loadgen "$pinned" lines --port "$SERVER_PORT" --stats "$STATS" --pid "$SERVER_PID" --secs "$WARMUP_SECS" >/dev/null || true
        loadgen "$pinned" lines --port "$SERVER_PORT" --stats "$STATS" --pid "$SERVER_PID" --conns 64 \
            --secs "$LOAD_SECS" | record "$tags" || true
        return 0
    fi
    if echo_server "$name"; then
        wants echo || wants echo-hold || return 0
        loadgen "$pinned" echo --port "$SERVER_PORT" --stats "$STATS" --pid "$SERVER_PID" --secs "$WARMUP_SECS" >/dev/null || true
        if wants echo; then
            loadgen "$pinned" echo --port "$SERVER_PORT" --stats "$STATS" --pid "$SERVER_PID" --conns 64 \
                --secs "$LOAD_SECS" | record "$tags" || true
        fi
        if wants echo-hold; then
            # Twice: the first pass warms what 64 echo connections do not reach often enough to
            # be compiled (accepting and first writes of thousands of connections); the second is
            # recorded. Every echo server gets the same.
            loadgen "$pinned" echo-hold --port "$SERVER_PORT" --stats "$STATS" --pid "$SERVER_PID" \
                --conns "$ECHO_HOLD_CONNS" --sources $(( ECHO_HOLD_CONNS / 20000 + 1 )) --timeout 60 >/dev/null || true
            loadgen "$pinned" echo-hold --port "$SERVER_PORT" --stats "$STATS" --pid "$SERVER_PID" \
                --conns "$ECHO_HOLD_CONNS" --sources $(( ECHO_HOLD_CONNS / 20000 + 1 )) --timeout 60 \
                | record "$tags" || true
        fi
        return 0
    fi
    loadgen "$pinned" stream --port "$SERVER_PORT" --stats "$STATS" --pid "$SERVER_PID" --secs "$WARMUP_SECS" >/dev/null || true
    loadgen "$pinned" churn --port "$SERVER_PORT" --stats "$STATS" --secs "$WARMUP_SECS" >/dev/null || true
    if wants stream; then
        loadgen "$pinned" stream --port "$SERVER_PORT" --stats "$STATS" --pid "$SERVER_PID" --conns 64 \
            --secs "$LOAD_SECS" | record "$tags" || true
    fi
    if wants churn; then
        loadgen "$pinned" churn --port "$SERVER_PORT" --stats "$STATS" --pid "$SERVER_PID" --workers 8 \
            --secs "$LOAD_SECS" | record "$tags" || true
    fi
    if wants hold; then
        loadgen "$pinned" hold --port "$SERVER_PORT" --stats "$STATS" --pid "$SERVER_PID" --conns "$HOLD_CONNS" \
            --idle "$HOLD_IDLE" --sources "$sources" | record "$tags" || true
    fi
    if wants hold && [ "$BIG_HOLD" -gt 0 ] && [ "$(ulimit -n)" -gt $((BIG_HOLD + 1000)) ]; then
        loadgen "$pinned" hold --port "$SERVER_PORT" --stats "$STATS" --pid "$SERVER_PID" --conns "$BIG_HOLD" \
            --idle "$HOLD_IDLE" --sources $((BIG_HOLD / 20000 + 1)) | sed 's/load=hold/load=hold100k/' \
            | record "$tags" || true
    fi
    if wants events; then
        loadgen "$pinned" events --port "$SERVER_PORT" --stats "$STATS" --pid "$SERVER_PID" --conns 64 --size 64 \
            --secs "$LOAD_SECS" | record "$tags" || true
    fi
}

run_round() {
    local pass=$1 rep=$2 pinned=$3 name
    for name in $SERVERS; do
        if line_server "$name"; then
            wants lines || continue
        elif echo_server "$name"; then
            wants echo || wants echo-hold || continue
        else
            wants stream || wants churn || wants hold || wants events || continue
        fi
        if [ "$pinned" = 1 ] && multi_threaded "$name"; then
            continue
        fi
        log "round $pass/$rep: $name"
        start_server "$name" "$pinned"
        if loadgen "$pinned" wait --stats "$STATS" --timeout 90; then
            run_loads "$name" "$pass" "$rep" "$pinned"
        else
            log "$name did not start; see $SERVER_LOG"
            echo "server=$name pass=$pass rep=$rep load=start check=FAILED" >>"$RESULTS"
        fi
        stop_server
    done
}

# Churn during the first seconds after start-up: the clock starts when the process is
# launched; the churn starts as soon as the server publishes that it listens.
run_cold_round() {
    local rep=$1 name before after t0 t1 out ready
    for name in $SERVERS; do
        line_server "$name" && continue
        echo_server "$name" && continue
        multi_threaded "$name" && continue
        log "cold start $rep: $name"
        before=$(listen_overflows)
        t0=$(date +%s.%N)
        start_server "$name" 1
        if loadgen 1 wait --stats "$STATS" --timeout 90; then
            t1=$(date +%s.%N)
            out=$(loadgen 1 churn --port "$SERVER_PORT" --stats "$STATS" --pid "$SERVER_PID" --workers 8 \
                --secs "$COLD_SECS" || true)
            after=$(listen_overflows)
            ready=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b - a}')
            echo "$out" | sed "s/load=churn/load=cold ready_s=$ready/; s/\$/ listen_overflows=$(( ${after% *} - ${before% *} )) listen_drops=$(( ${after#* } - ${before#* } ))/" \
                | record "server=$name pass=pinned rep=$rep"
        else
            log "$name did not start; see $SERVER_LOG"
        fi
        stop_server
    done
}

machine_info() {
    echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "nproc=$NCPU"
    echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
    echo "kernel=$(uname -r)"
    echo "java=$(java -version 2>&1 | head -1)"
    echo "gcc=$(gcc --version | head -1)"
    echo "nofile=$(ulimit -n)"
    echo "loadavg_start=$(cut -d' ' -f1-3 /proc/loadavg)"
}

# ---- main ----
command -v nstat >/dev/null || { log "installing iproute2 for nstat"; apt-get install -y -q iproute2 >/dev/null; }
[ "$NCPU" -ge 2 ] || { echo "needs 2 CPUs for pinning" >&2; exit 1; }
# The hold load needs a descriptor per connection in the server and in the load generator.
# (Raise only: "ulimit -n N" sets the hard limit too.)
ulimit -Sn "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -Hn)" != unlimited ] && [ "$(ulimit -Hn)" -lt $((BIG_HOLD + 2000)) ]; then
    ulimit -n $((BIG_HOLD + 2000)) 2>/dev/null || true
fi
# echo-hold: a descriptor per connection in the server and in the load generator, and some spare.
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((ECHO_HOLD_CONNS + 1000)) ]; then
    ECHO_HOLD_CONNS=$(( $(ulimit -n) - 1000 ))
    log "echo-hold: $ECHO_HOLD_CONNS connections (descriptor limit $(ulimit -n))"
fi

build
[ "$BUILD_ONLY" = 1 ] && { log "built; --build-only"; exit 0; }
machine_info >"$WORK/machine.txt"
log "results in $RESULTS"

if wants stream || wants churn || wants hold || wants events || wants lines || wants echo || wants echo-hold; then
    for rep in $(seq 1 "$REPS"); do
        run_round pinned "$rep" 1
    done
    for rep in $(seq 1 "$UNPINNED_REPS"); do
        run_round unpinned "$rep" 0
    done
fi
if wants cold; then
    for rep in $(seq 1 "$REPS"); do
        run_cold_round "$rep"
    done
fi
echo "loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$WORK/machine.txt"
echo "hold_big=$( [ "$BIG_HOLD" -gt 0 ] && [ "$(ulimit -n)" -gt $((BIG_HOLD + 1000)) ] && echo run || echo "skipped (descriptor limit $(ulimit -n), hard $(ulimit -Hn))")" \
    >>"$WORK/machine.txt"

python3 bench/report.py --results "$RESULTS" --machine "$WORK/machine.txt" --command "$COMMAND" \
    --mode "$( [ "$QUICK" = 1 ] && echo quick || echo full )" \
    --params "loads ${LOAD_SECS} s (warm-up ${WARMUP_SECS} s stream + churn per server start, lines for the line servers, echo for the echo servers), hold ${HOLD_CONNS} connections idle ${HOLD_IDLE} s, cold churn ${COLD_SECS} s, echo-hold ${ECHO_HOLD_CONNS} connections, ${REPS} pinned round(s), ${UNPINNED_REPS} unpinned round(s), JVM options: ${JAVA_OPTS}${BENCH_KQ_ARGS:+, kqlisten arguments: ${BENCH_KQ_ARGS}}" \
    >"$OUT_MD"
log "wrote $OUT_MD"
