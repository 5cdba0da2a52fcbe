#!/usr/bin/env bash
# Usage: bench/message_latency/run.sh [--postgres] [bench_message_latency options, e.g. --rates 100:20,2000:10]
#
# Customer message in through the Telegram webhook -> durable commit -> message.created at the WebSocket.
# Prepares a throwaway data dir with the CLI (queue, N operators + a supervisor, a Telegram channel in
# webhook mode whose Bot API is the bench's own stand-in), then bench_message_latency starts era-server,
# connects the operators (hello + presence online, accepting offers) and the supervisor, and POSTs updates
# open loop: 100 msg/s for 20 s, then 200, 500, 1000, 2000, 3000... for 10 s each until p99 > 100 ms.
# SQLite by default; --postgres runs the same against a throwaway PostgreSQL (scripts/with-postgres) over TCP
# on 127.0.0.1, --postgres-socket over its Unix socket (what a PostgreSQL on the same machine would use).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
mode=${1:-}
if [ "$mode" = "--postgres" ] || [ "$mode" = "--postgres-socket" ]; then
    shift
    if [ -z "${ERA_TEST_PG_URL:-}" ]; then
        exec "$root/scripts/with-postgres" "$0" "$mode" "$@"
    fi
    pg=1
else
    mode=
    pg=0
fi
operators=${ERA_BENCH_OPERATORS:-200}
build=${ERA_BUILD_DIR:-$root/build-latency}
[ -f "$build/build.ninja" ] || cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target era-server bench_message_latency >/dev/null
server="$build/server/era-server"
# On the disk a deployment would use, not a tmpfs.
work=$(mktemp -d "$build/bench-latency.XXXXXX")
trap 'rm -rf "$work"' EXIT
if [ "$pg" = 1 ]; then
    url=$ERA_TEST_PG_URL
    label=postgres
    port=$(echo "$url" | sed -n 's/.*:\([0-9]*\)\/.*/\1/p')
    dbport=(--db-port "$port")
    if [ "$mode" = "--postgres-socket" ]; then
        # scripts/with-postgres puts the socket in its own directory (-k).
        socket=$(ls -d "${ERA_PG_TMPDIR:-/tmp}"/era-pg.*/.s.PGSQL."$port" 2>/dev/null | head -1)
        [ -n "$socket" ] || { echo "no Unix socket for port $port" >&2; exit 1; }
        url="postgresql://era@/$(echo "$ERA_TEST_PG_URL" | sed 's|.*/||')?host=$(dirname "$socket")&port=$port"
        label=postgres-unix
    fi
else
    url="sqlite:$work/era.db"
    label=sqlite
    dbport=()
fi
# Cheap password hashes only make creating the bench users quick; the measured path does not hash.
common=(--data_dir="$work" --database.url="$url" --log.level=warning --auth.argon2_ops=1
        --auth.argon2_memory_kib=8192)
password=bench-password
botport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
secret=bench-secret-$RANDOM

"$server" "${common[@]}" queue add support >/dev/null
members=()
for i in $(seq 0 $((operators - 1))); do
    echo "$password" | "$server" "${common[@]}" user add "op$i" --role operator --password-stdin >/dev/null
    members+=("op$i")
done
echo "$password" | "$server" "${common[@]}" user add sup --role supervisor --password-stdin >/dev/null
"$server" "${common[@]}" queue members support "$(IFS=,; echo "${members[*]}")" >/dev/null
channel=$("$server" "${common[@]}" channel add telegram bench --token 123456:bench-token --mode webhook \
    --webhook-url "https://bench.invalid/hook" --webhook-secret "$secret" \
    --api-base-url "http://127.0.0.1:$botport" --queue support | sed -n 's/.*(id \([0-9]*\)).*/\1/p')

echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $label"
"$build/bench/message_latency/bench_message_latency" --botapi-port "$botport" --channel "$channel" \
    --secret "$secret" --operators "$operators" --password "$password" --label "$label" "${dbport[@]}" "$@" \
    -- "$server" "${common[@]}" --http.port=0
echo
echo "reproduce: bench/message_latency/run.sh${mode:+ $mode} $*"
