#!/usr/bin/env bash
# Usage: bench/public_writes/run.sh [--writes N] [--clients 1,16,64,256,1024]
#
# Durable writes per second through era-server's public WebSocket API (prefs.set, acknowledged after the
# durable group commit), on SQLite and on PostgreSQL, side by side with each engine's own limits measured in
# the same run by bench_storage: (a) one row per commit, (b) all rows in one transaction.
# Builds what it needs in $ERA_BUILD_DIR (default build/) and starts a throwaway PostgreSQL.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
if [ -z "${ERA_TEST_PG_URL:-}" ]; then
    exec "$root/scripts/with-postgres" "$0" "$@"
fi
build=${ERA_BUILD_DIR:-$root/build}
[ -f "$build/build.ninja" ] || cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target era-server bench_storage bench_public_writes >/dev/null
server="$build/server/era-server"
# On the disk a deployment would use, not a tmpfs.
work=$(mktemp -d "$build/bench-public.XXXXXX")
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

engine_limits() { # $1 = sqlite|postgres
    local args=(--dir "$work" --rows 20000 --single-rows 500 --concurrency 1)
    [ "$1" = sqlite ] || args+=(--no-sqlite --pg "$ERA_TEST_PG_URL")
    "$build/bench/storage/bench_storage" "${args[@]}" | grep -E "^$1 +\((a|b)\)" |
        awk '{mode = $2; for (i = 3; i <= NF - 5; i++) mode = mode " " $i;
              printf "| %s | engine limit %s | %s | %s | | | |\n", $1, mode, $(NF-4), $(NF-2)}'
}

public_path() { # $1 = label, $2 = database url, rest = bench_public_writes options
    local label=$1 url=$2 data="$work/$1"
    shift 2
    mkdir -p "$data"
    # Cheap password hashes only make creating the bench operators quick; writes do not hash.
    "$server" --data_dir="$data" --database.url="$url" --http.port=0 --log.level=warning \
        --auth.argon2_ops=1 --auth.argon2_memory_kib=8192 >"$data/out" 2>&1 &
    local pid=$!
    for _ in $(seq 100); do grep -q "listening on" "$data/out" && break; sleep 0.1; done
    local base password
    base=$(sed -n 's/.*listening on \(\S*\).*/\1/p' "$data/out")
    password=$(sed -n 's/.*password: \(\S*\).*/\1/p' "$data/out")
    local extra=()
    [ "$label" = sqlite ] || extra+=(--postgres-port "$(sed -n 's|.*:\([0-9]*\)/.*|\1|p' <<<"$url")")
    "$build/bench/public_writes/bench_public_writes" --url "$base" --password "$password" --label "$label" \
        --server-pid "$pid" "${extra[@]}" "$@"
    kill -TERM "$pid"
    wait "$pid" || true
}

echo "| engine | mode | writes | writes/s | CPU us/write: bench | era-server | postgres |"
echo "|---|---|---:|---:|---:|---:|---:|"
engine_limits sqlite
public_path sqlite "sqlite:$work/sqlite/era.db" "$@"
engine_limits postgres
public_path postgres "$ERA_TEST_PG_URL" "$@"
echo
echo "reproduce: bench/public_writes/run.sh $*"
