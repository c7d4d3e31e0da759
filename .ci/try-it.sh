#!/usr/bin/env bash
# Runs README's "Try it" block as a new user would (the two commands, as written there), then
# checks that the log shows the lines README promises. Needs the executable jar (./mvnw package
# or verify) and Debian's nc (netcat-openbsd). Bounded: 120 s for the start, 20 s for the client.
set -euo pipefail
cd "$(dirname "$0")/.."

block=$(awk '/^## Try it/{f=1} f&&/^```sh/{g=1;next} g&&/^```/{exit} g{print}' README.md)
expected=$(awk '/^## Try it/{f=1} f&&/^```$/{n++; if(n==2){g=1; next}} g&&/^```/{exit} g{print}' README.md)
server=$(sed -n 1p <<<"$block")
client=$(sed -n 2p <<<"$block")
[ "${server: -1}" = "&" ] || { echo "try-it: README's first command no longer ends with '&': $server" >&2; exit 1; }
server=${server%&}

log=target/try-it.log
bash -c "exec $server" >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 240); do
    nc -z 127.0.0.1 1815 2>/dev/null && break
    kill -0 $pid 2>/dev/null || { cat "$log"; echo "try-it: the application ended before listening" >&2; exit 1; }
    sleep 0.5
done
timeout 20 bash -c "$client"
for _ in $(seq 1 40); do
    grep -q "closed: PEER_CLOSED" "$log" && break
    sleep 0.5
done

missing=0
while IFS= read -r line; do
    [ -n "$line" ] || continue
    text=${line#*: }
    pattern=$(sed -E 's/[][().*^$|+?{}\\]/\\&/g; s/127\\\.0\\\.0\\\.1:[0-9]+/127\\.0\\.0\\.1:[0-9]+/; s/#1 /#[0-9]+ /' <<<"$text")
    if grep -Eq -- "$pattern" "$log"; then
        echo "try-it: ok      $text"
    else
        echo "try-it: MISSING $text"
        missing=1
    fi
done <<<"$expected"
if [ "$missing" -ne 0 ]; then
    echo "try-it: the log does not show what README's Try it promises; the log:" >&2
    cat "$log" >&2
    exit 1
fi
echo "try-it: README's Try it block works as written"
