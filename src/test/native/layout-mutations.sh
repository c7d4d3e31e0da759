#!/usr/bin/env bash
# Mutation check of the kqueue layouts: breaks one field of KeventLayout at a time (an offset, a
# size, an EVFILT_USER number, the close rule), reruns the tests that must notice, prints which
# failed, and restores the file. A mutation that no test notices is reported as SURVIVED and makes
# the script exit 1.
#
#   src/test/native/layout-mutations.sh          run in a scratch clone of HEAD (the work tree is untouched)
#
# The layout pin (KeventLayoutTests) is left out on purpose: it is written from the same notes as
# the layouts, so what counts is whether a test that talks to a kqueue library notices.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
git clone -q "$ROOT" "$WORK/repo"
cd "$WORK/repo"
export MAVEN_ARGS="--batch-mode --no-transfer-progress -q"
./mvnw test-compile >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }

LAYOUT=src/main/java/dev/kqlisten/nativeio/bsd/KeventLayout.java
TESTS='KeventAbiCheckTests,KeventContractTests,KQueueMultiplexerTests,DescriptorReuseIntegrationTests'

# name | sed expression on KeventLayout.java | surefire execution whose library it concerns
MUTATIONS=(
    "ident offset 0->8|s/static final int IDENT = 0;/static final int IDENT = 8;/|default-test"
    "filter offset 8->10|s/static final int FILTER = 8;/static final int FILTER = 10;/|default-test"
    "flags offset 10->8|s/static final int FLAGS = 10;/static final int FLAGS = 8;/|default-test"
    "fflags offset 12->16|s/static final int FFLAGS = 12;/static final int FFLAGS = 16;/|default-test"
    "data offset 16->12|s/static final int DATA = 16;/static final int DATA = 12;/|default-test"
    "udata offset 24->16|s/static final int UDATA = 24;/static final int UDATA = 16;/|default-test"
    "ext offset 32->40|s/static final int EXT = 32;/static final int EXT = 40;/|default-test"
    "freebsd size 64->32|s/FREEBSD = new KeventLayout(64, 4,/FREEBSD = new KeventLayout(32, 0,/|default-test"
    "freebsd size 64->72|s/FREEBSD = new KeventLayout(64, 4,/FREEBSD = new KeventLayout(72, 4,/|default-test"
    "freebsd EVFILT_USER -11->-10|s/FREEBSD = new KeventLayout(64, 4, (short) -11/FREEBSD = new KeventLayout(64, 4, (short) -10/|default-test"
    "darwin size 32->64|s/DARWIN = new KeventLayout(32, 0,/DARWIN = new KeventLayout(64, 4,/|kqueue-darwin-layout"
    "darwin EVFILT_USER -10->-11|s/DARWIN = new KeventLayout(32, 0, (short) -10/DARWIN = new KeventLayout(32, 0, (short) -11/|kqueue-darwin-layout"
    "openbsd size 32->64|s/OPENBSD = new KeventLayout(32, 0,/OPENBSD = new KeventLayout(64, 4,/|default-test"
    "openbsd EVFILT_USER -10->-9|s/OPENBSD = new KeventLayout(32, 0, (short) -10/OPENBSD = new KeventLayout(32, 0, (short) -9/|default-test"
    "dragonfly EVFILT_USER -9->-10|s/DRAGONFLY = new KeventLayout(32, 0, (short) -9/DRAGONFLY = new KeventLayout(32, 0, (short) -10/|default-test"
    "libkqueue size 32->64|s/LIBKQUEUE = new KeventLayout(32, 0,/LIBKQUEUE = new KeventLayout(64, 4,/|kqueue-libkqueue-layout"
    "libkqueue EVFILT_USER -11->-10|s/LIBKQUEUE = new KeventLayout(32, 0, (short) -11/LIBKQUEUE = new KeventLayout(32, 0, (short) -10/|kqueue-libkqueue-layout"
    "libkqueue close removes registrations false->true|s/LIBKQUEUE = new KeventLayout(32, 0, (short) -11, false)/LIBKQUEUE = new KeventLayout(32, 0, (short) -11, true)/|kqueue-libkqueue-layout"
)

survived=0
for m in "${MUTATIONS[@]}"; do
    IFS='|' read -r name expr execution <<<"$m"
    cp "$LAYOUT" "$WORK/KeventLayout.java.orig"
    sed -i "$expr" "$LAYOUT"
    if cmp -s "$LAYOUT" "$WORK/KeventLayout.java.orig"; then
        echo "MUTATION NOT APPLIED: $name (pattern out of date)"
        survived=1
        continue
    fi
    rm -rf target/surefire-reports*
    ./mvnw compile "surefire:test@$execution" -Dtest="$TESTS" -Dsurefire.failIfNoSpecifiedTests=false \
        >"$WORK/run.log" 2>&1 || true
    failing=$(python3 - target/surefire-reports*/TEST-*.xml <<'PY' 2>/dev/null || true
import sys, xml.etree.ElementTree as ET
names = set()
for path in sys.argv[1:]:
    for case in ET.parse(path).getroot().iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            names.add(case.get("classname").rsplit(".", 1)[-1] + "." + case.get("name"))
print(" ".join(sorted(names)[:4]) + (" (+%d more)" % (len(names) - 4) if len(names) > 4 else ""))
PY
)
    if [ -z "$failing" ] && ! grep -q -E 'Tests run: [0-9]+, Failures: [1-9]|Errors: [1-9]|BUILD FAILURE' "$WORK/run.log"; then
        echo "SURVIVED  $name ($execution)"
        survived=1
    else
        echo "caught    $name ($execution): ${failing:-see the build log (crash or compile error)}"
    fi
    cp "$WORK/KeventLayout.java.orig" "$LAYOUT"
done
exit $survived
