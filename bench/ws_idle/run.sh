#!/usr/bin/env bash
# 10,000 idle authenticated WebSocket connections: era-server, the era_net harness and a minimal
# Node.js `ws` server, measured one after another in the same run by the same client.
#
#   bench/ws_idle/run.sh [N] [BATCH]
#
# Env: BUILD_DIR (default <repo>/build), ERA_SERVER, BENCH_WS_SERVER (binaries; default under BUILD_DIR),
#      IDLE (default 5: seconds the idle server's CPU is watched after all connected),
#      REPEAT (default 3: each server is measured this many times, fresh process each time, order rotated),
#      SKIP_ERA=1 to leave era-server out, PLAIN_QT=1 to add Qt's own QWebSocketServer (bench_ws_server
#      --plain-qt; slow: about a minute per run at 10,000).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
N=${1:-10000}
BATCH=${2:-500}
BUILD_DIR=${BUILD_DIR:-$root/build}
[[ $BUILD_DIR == /* ]] || BUILD_DIR=$root/$BUILD_DIR
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

results="$work/results"
mkdir -p "$results"
measure() { # label url pid token
    if node "$here/client.js" --url "$2" --pid "$3" --n "$N" --batch "$BATCH" --token "$4" --idle "${IDLE:-5}" >>"$results/$1.jsonl"; then
        :
    else
        echo "run.sh: the client failed against $1" >&2
    fi
    kill "$3" 2>/dev/null || true
    wait "$3" 2>/dev/null || true
}

run_node() {
    start_listening peer node "$here/peer.js"
    measure node "ws://127.0.0.1:$started_port/api/v1/ws" "$started_pid" none
}

era_ready=""
era_data="$work/era-data"
prepare_era() {
    [[ -z "${SKIP_ERA:-}" && -x "$ERA_SERVER" ]] || return 1
    mkdir -p "$era_data"
    if ! printf 'bench-password-1\n' | "$ERA_SERVER" --data-dir "$era_data" user add bench --role operator \
            --password-stdin >"$work/useradd.out" 2>&1; then
        "$ERA_SERVER" --data-dir "$era_data" user add bench --role operator --password bench-password-1 \
            >"$work/useradd.out" 2>&1 || { echo "run.sh: cannot create a user:" >&2; cat "$work/useradd.out" >&2; return 1; }
    fi
    era_ready=1
}

run_era() { # era-server: a real user, a real login token, the real session gateway
    local port token="" pid
    port=$(free_port)
    "$ERA_SERVER" --data-dir "$era_data" --http.port "$port" >"$work/era.out" 2>"$work/era.err" &
    pid=$!
    pids+=("$pid")
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
    if [[ -z "$token" ]]; then
        echo "run.sh: era-server gave no login token:" >&2
        cat "$work/era.err" >&2 || true
        kill "$pid" 2>/dev/null || true
        return
    fi
    measure era "ws://127.0.0.1:$port/api/v1/ws" "$pid" "$token"
}

run_harness() { # the network layer alone: era_net's Listener + epoll dispatcher answering hello
    start_listening harness "$BENCH_WS_SERVER"
    measure harness "ws://127.0.0.1:$started_port/api/v1/ws" "$started_pid" none
}

run_plain_qt() { # Qt 6.4's QWebSocketServer on Qt's default dispatcher: what a Qt server has without era_net
    start_listening plainqt "$BENCH_WS_SERVER" --plain-qt
    measure plainqt "ws://127.0.0.1:$started_port/api/v1/ws" "$started_pid" none
}

prepare_era || true
REPEAT=${REPEAT:-3}
for ((r = 1; r <= REPEAT; r++)); do
    # Rotate the order so no server always runs first (cold caches) or last.
    order=(node era harness)
    [[ -n "${PLAIN_QT:-}" ]] && order+=(plainqt)
    shift_by=$(( (r - 1) % ${#order[@]} ))
    order=("${order[@]:$shift_by}" "${order[@]:0:$shift_by}")
    for which in "${order[@]}"; do
        case $which in
        node) run_node ;;
        era) [[ -n "$era_ready" ]] && run_era ;;
        harness) [[ -x "$BENCH_WS_SERVER" ]] && run_harness ;;
        plainqt) [[ -x "$BENCH_WS_SERVER" ]] && run_plain_qt ;;
        esac
    done
done

table=$(node -e '
    const fs = require("fs");
    const [dir, wsVersion, eraNote] = process.argv.slice(1);
    const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
    const rows = [["node", `Node.js ws ${wsVersion}`], ["era", "era-server"], ["harness", "bench_ws_server (era_net alone)"],
                  ["plainqt", "Qt 6.4 QWebSocketServer (bench_ws_server --plain-qt)"]];
    for (const [key, label] of rows) {
        const file = `${dir}/${key}.jsonl`;
        if (!fs.existsSync(file) && key === "plainqt") continue;
        if (!fs.existsSync(file)) { console.log(`| ${label} | ${key === "era" ? eraNote : "not run"} | | | | | |`); continue; }
        const runs = fs.readFileSync(file, "utf8").trim().split("\n").filter(Boolean).map(JSON.parse);
        const t = runs.map(r => r.seconds), kb = runs.map(r => r.kbPerConnection), cpu = runs.map(r => r.serverCpuSeconds);
        const idle = runs.map(r => r.idleCpuPercent ?? 0);
        const alive = `${Math.min(...runs.map(r => r.alive))}/${runs[0].n}`;
        console.log(`| ${label} | ${median(t).toFixed(2)} s (${Math.min(...t).toFixed(2)}-${Math.max(...t).toFixed(2)}) | ` +
                    `${median(kb).toFixed(2)} KB | ${median(cpu).toFixed(2)} s | ${median(idle).toFixed(1)} % | ${runs.length} | ${alive} |`);
    }
' "$results" "$(node -p 'require(process.argv[1]+"/node_modules/ws/package.json").version' "$here")" \
    "$([[ -n "${SKIP_ERA:-}" ]] && echo "not run (SKIP_ERA)" || echo "not run (no binary at $ERA_SERVER)")")

echo
echo "$N idle WebSocket connections, batches of $BATCH, $(nproc) CPUs, $(uname -r)"
echo
echo "| server | connect + hello, all: median (min-max) | RSS growth per connection | server CPU to connect all | server CPU while idle | runs | open at the end (worst run) |"
echo "|---|---|---|---|---|---|---|"
echo "$table"
echo
echo "reproduce: cmake --build ${BUILD_DIR#$root/} --target era-server bench_ws_server && BUILD_DIR=${BUILD_DIR#$root/} REPEAT=$REPEAT IDLE=${IDLE:-5}${PLAIN_QT:+ PLAIN_QT=1} bench/ws_idle/run.sh $N $BATCH"
