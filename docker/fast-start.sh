#!/bin/sh
# The fast start-up path of docker/Dockerfile, for a machine without Docker (README "Start-up").
#
#   docker/fast-start.sh DIR [JAR]
#
# 1. Extracts the executable jar with Boot's tools jar mode into DIR (DIR/kqlisten.jar and
#    DIR/lib/): class archives need plain jars, not nested ones.
# 2. Training run in DIR with Boot's documented flags: the application starts until its context is
#    refreshed (-Dspring.context.exit=onRefresh, no port is bound), exits, and the JVM writes the
#    archive of the classes it loaded: on Java 25 and later the AOT cache (DIR/kqlisten.aot), on
#    earlier versions a dynamic CDS archive (DIR/kqlisten.jsa).
# 3. Prints the command that runs with it. Run it from DIR, with the same java.
#
# JAR defaults to target/kqlisten-exec.jar, or target/kqlisten.jar where that does not exist.
# JAVA (default: java on the PATH) chooses the JVM; the archive only works with that same JVM.
# The training run is bounded by timeout(1): TRAIN_TIMEOUT seconds, default 300.
set -eu

DIR=${1:?usage: docker/fast-start.sh DIR [JAR]}
JAR=${2:-target/kqlisten-exec.jar}
[ -f "$JAR" ] || JAR=target/kqlisten.jar
[ -f "$JAR" ] || { echo "fast-start: no executable jar (build it: ./mvnw -DskipTests package)" >&2; exit 1; }
JAVA=${JAVA:-java}
TRAIN_TIMEOUT=${TRAIN_TIMEOUT:-300}

rm -rf "$DIR"
"$JAVA" -Djarmode=tools -jar "$JAR" extract --destination "$DIR"
# One name whatever the jar was called: the manifest's Class-Path (lib/...) is relative.
APP=$(basename "$JAR")
[ "$APP" = kqlisten.jar ] || mv "$DIR/$APP" "$DIR/kqlisten.jar"

# "17.0.15", "25", "25.0.1" -> 17, 25
FEATURE=$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
cd "$DIR"
if [ "${FEATURE%%.*}" -ge 25 ]; then
    timeout "$TRAIN_TIMEOUT" "$JAVA" -XX:AOTCacheOutput=kqlisten.aot -Dspring.context.exit=onRefresh \
        -jar kqlisten.jar >training.log 2>&1 || { cat training.log >&2; exit 1; }
    [ -s kqlisten.aot ] || { cat training.log >&2; echo "fast-start: no AOT cache written" >&2; exit 1; }
    OPTION=-XX:AOTCache=kqlisten.aot
else
    timeout "$TRAIN_TIMEOUT" "$JAVA" -XX:ArchiveClassesAtExit=kqlisten.jsa -Dspring.context.exit=onRefresh \
        -jar kqlisten.jar >training.log 2>&1 || { cat training.log >&2; exit 1; }
    [ -s kqlisten.jsa ] || { cat training.log >&2; echo "fast-start: no CDS archive written" >&2; exit 1; }
    OPTION=-XX:SharedArchiveFile=kqlisten.jsa
fi
echo "$OPTION" >jvm-option
echo "fast-start: trained with $("$JAVA" -version 2>&1 | head -1). Run with:"
echo "  cd $DIR && $JAVA $OPTION -jar kqlisten.jar"
