#!/usr/bin/env bash
# 10,000 idle authenticated WebSocket connections: era-server, the era_net harness and a minimal
# Node.js `ws` server, measured one after another in the same run by the same client.
#
#   bench/ws_idle/run.sh [N] [BATCH]
#
# Env: BUILD_DIR (default <repo>/build), ERA_SERVER, BENCH_WS_SERVER (binaries; default under BUILD_DIR),
#      SKIP_ERA=1 to leave era-server out.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
N=${1:-10000}
BATCH=${2:-500}
BUILD_DIR=${BUILD_DIR:-$root/build}
ERA_SERVER=${ERA_SERVER:-$BUILD_DIR/server/era-server}
BENCH_WS_SERVER=${BENCH_WS_SERVER:-$BUILD_DIR/bench/ws_idle/bench_ws_server}

# Every connection costs a descriptor on each side.
ulimit -n 30000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
if (( $(ulimit -n) < N + 200 )); then
    echo "run.sh: the descriptor limit $(ulimit -n) is too low for $N connections" >&2
    exit 1
fi

if [[ ! -d "$here/node_modules/ws" ]]; then
    (cd "$here" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
fi

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

# Starts a server that prints "LISTENING <port>"; sets $started_pid and $started_port.
start_listening() {
    local name=$1; shift
    "$@" >"$work/$name.out" 2>"$work/$name.err" &
    started_pid=$!
    pids+=("$started_pid")
    for _ in $(seq 100); do
        if grep -q '^LISTENING ' "$work/$name.out" 2>/dev/null; then
            started_port=$(awk '/^LISTENING /{print $2; exit}' "$work/$name.out")
            return 0
        fi
        sleep 0.1
    done
    echo "run.sh: $name did not start:" >&2
    cat "$work/$name.err" >&2
    return 1
}

rows=()
measure() { # name url pid token
    local json
    if ! json=$(node "$here/client.js" --url "$2" --pid "$3" --n "$N" --batch "$BATCH" --token "$4"); then
        rows+=("| $1 | failed | | | |")
        return
    fi
    rows+=("$(node -e '
        const r = JSON.parse(process.argv[1]);
        console.log(`| ${process.argv[2]} | ${r.seconds.toFixed(2)} s | ${r.kbPerConnection.toFixed(2)} KB | ` +
                    `${(r.rssBeforeKb/1024).toFixed(1)} -> ${(r.rssAfterKb/1024).toFixed(1)} MB | ${r.alive}/${r.n} |`);
    ' "$json" "$1")")
    kill "$3" 2>/dev/null || true
}

# 1. The reference: Node.js ws.
start_listening peer node "$here/peer.js"
measure "Node.js ws $(node -p 'require(process.argv[1]+"/node_modules/ws/package.json").version' "$here")" \
    "ws://127.0.0.1:$started_port/api/v1/ws" "$started_pid" none

# 2. era-server: a real login token, a real session gateway.
if [[ -z "${SKIP_ERA:-}" && -x "$ERA_SERVER" ]]; then
    data="$work/era-data"
    mkdir -p "$data"
    if ! printf 'bench-password-1\n' | "$ERA_SERVER" --data-dir "$data" user add bench --role operator \
            --password-stdin >"$work/useradd.out" 2>&1; then
        "$ERA_SERVER" --data-dir "$data" user add bench --role operator --password bench-password-1 \
            >"$work/useradd.out" 2>&1 || { echo "run.sh: cannot create a user:" >&2; cat "$work/useradd.out" >&2; }
    fi
    port=$(free_port)
    "$ERA_SERVER" --data-dir "$data" --http.port "$port" >"$work/era.out" 2>"$work/era.err" &
    era_pid=$!
    pids+=("$era_pid")
    token=""
    for _ in $(seq 100); do
        token=$(node -e '
            fetch(`http://127.0.0.1:${process.argv[1]}/api/v1/auth/login`, {method: "POST",
                  headers: {"content-type": "application/json"},
                  body: JSON.stringify({login: "bench", password: "bench-password-1"})})
              .then(r => r.json()).then(j => console.log(j.token || "")).catch(() => console.log(""));
        ' "$port")
        [[ -n "$token" ]] && break
        sleep 0.2
    done
    if [[ -n "$token" ]]; then
        measure "era-server" "ws://127.0.0.1:$port/api/v1/ws" "$era_pid" "$token"
    else
        rows+=("| era-server | no login token (see $work/era.err) | | | |")
        cat "$work/era.err" >&2 || true
    fi
else
    rows+=("| era-server | not run (no binary at $ERA_SERVER) | | | |")
fi

# 3. The network layer alone: era_net's Listener + epoll dispatcher answering hello.
if [[ -x "$BENCH_WS_SERVER" ]]; then
    start_listening harness "$BENCH_WS_SERVER"
    measure "bench_ws_server (era_net alone)" "ws://127.0.0.1:$started_port/api/v1/ws" "$started_pid" none
fi

echo
echo "$N idle WebSocket connections, batches of $BATCH, $(nproc) CPUs, $(uname -r)"
echo
echo "| server | connect + hello, all | RSS per connection | server RSS | open at the end |"
echo "|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "reproduce: cmake --build ${BUILD_DIR#$root/} --target era-server bench_ws_server && bench/ws_idle/run.sh $N $BATCH"
