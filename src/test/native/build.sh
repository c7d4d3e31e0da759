#!/bin/sh
# Builds the kqueue compatibility test library (libkqcompat-{freebsd,darwin,libkqueue}.so) and its
# C test binaries into OUTDIR. Linux only; test infrastructure, never shipped.
#
#   build.sh OUTDIR                             build the three ABI variants and
#                                               kqcompat-test-{freebsd,darwin,libkqueue}
#   build.sh --run [--skip-tests=VALUE] OUTDIR  run the three test binaries (fails if any case fails);
#                                               VALUE "true" or "" skips (Maven passes ${skipTests})
#
# Without a C compiler (${CC:-cc}) it warns loudly and exits 0: the kqueue backend tests on Linux
# then skip themselves.
set -eu

run=0
if [ "${1:-}" = "--run" ]; then
    run=1
    shift
    case "${1:-}" in
        --skip-tests=true|--skip-tests=)
            echo "kqcompat: tests skipped (skipTests)"
            exit 0
            ;;
        --skip-tests=*)
            shift
            ;;
    esac
fi
if [ $# -ne 1 ]; then
    echo "usage: $0 [--run] OUTDIR" >&2
    exit 2
fi
out=$1
src=$(cd "$(dirname "$0")" && pwd)
cc=${CC:-cc}
abis="freebsd darwin libkqueue"

warn_skipped() {
    cat >&2 <<MSG

################################################################################
##  WARNING: $1
##  libkqcompat (the kqueue emulation used to test the kqueue backend on Linux)
##  was NOT built.  The kqueue backend tests will be SKIPPED.
##  Install a C compiler (gcc or clang) or set CC to build it.
################################################################################

MSG
}

if [ "$(uname -s)" != "Linux" ]; then
    echo "kqcompat: not Linux ($(uname -s)); the real kqueue is used, nothing to build"
    exit 0
fi

if [ "$run" -eq 1 ]; then
    missing=""
    for abi in $abis; do
        if [ ! -x "$out/kqcompat-test-$abi" ]; then
            missing="$missing kqcompat-test-$abi"
        fi
    done
    if [ -n "$missing" ]; then
        if command -v "$cc" >/dev/null 2>&1; then
            echo "kqcompat: missing in $out although $cc exists:$missing; run build.sh first" >&2
            exit 1
        fi
        warn_skipped "no C compiler found (CC=${cc}); kqcompat tests not run"
        exit 0
    fi
    status=0
    for abi in $abis; do
        echo "== kqcompat-test-$abi"
        "$out/kqcompat-test-$abi" || status=1
    done
    exit $status
fi

if ! command -v "$cc" >/dev/null 2>&1; then
    warn_skipped "no C compiler found (CC=${cc})"
    exit 0
fi

mkdir -p "$out"
cflags="-std=c11 -O2 -g -Wall -Wextra -Werror -pthread"
for abi in $abis; do
    define=KQC_ABI_$(echo "$abi" | tr a-z A-Z)
    "$cc" $cflags -D"$define" -fPIC -shared -fvisibility=hidden \
        -Wl,--version-script="$src/kqcompat.map" -Wl,-z,defs \
        -o "$out/libkqcompat-$abi.so" "$src/kqcompat.c"
    "$cc" $cflags -D"$define" \
        -o "$out/kqcompat-test-$abi" "$src/kqcompat_test.c" \
        -L"$out" -l"kqcompat-$abi" -Wl,-rpath,'$ORIGIN'
done
echo "kqcompat: built libkqcompat-{freebsd,darwin,libkqueue}.so and their test binaries in $out"
