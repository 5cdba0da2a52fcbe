#!/usr/bin/env bash
# Usage: bench/desk/run.sh [all|open|memory|startup] [options of that benchmark, e.g. --runs 30]
#
# The era-desk benchmarks (docs/performance.md, "era-desk"), each against a real era-server on SQLite in a
# throwaway data dir, seeded through the Telegram webhook route:
#   open     open a dialog of 10,000 messages: Session::openDialog -> first frame showing the newest 50
#   memory   50 dialogs x 1,000 messages opened and paged in full: VmRSS / VmHWM of the desk
#   startup  the era-desk binary with a remembered token -> "usable" line (plaintext opt-in; then the
#            keychain, under dbus-run-session with gnome-keyring, when both are installed)
# The desk draws into a real window on a private Xvfb display when Xvfb is installed (--offscreen or no
# Xvfb: QT_QPA_PLATFORM=offscreen). ERA_BUILD_DIR picks the build dir (default build-bench-desk);
# ERA_BENCH_TEMP the folder for data dirs (default /dev/shm when there is one, so seeding is not bound by
# fsync; the measured paths read from memory either way).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
which=${1:-all}
[ $# -gt 0 ] && shift
offscreen=0
args=()
for a in "$@"; do
    if [ "$a" = "--offscreen" ]; then offscreen=1; else args+=("$a"); fi
done
case "$which" in all|open|memory|startup) ;; *) sed -n '2,13p' "$0"; exit 2 ;; esac
if [ "$which" = all ] && [ ${#args[@]} -gt 0 ]; then
    echo "options go with one benchmark: bench/desk/run.sh open|memory|startup OPTIONS" >&2
    exit 2
fi

build=${ERA_BUILD_DIR:-$root/build-bench-desk}
[ -f "$build/build.ninja" ] || cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DERA_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" --target era-server era-desk bench_desk_open bench_desk_memory bench_desk_startup >/dev/null
server="$build/server/era-server"
temp=${ERA_BENCH_TEMP:-}
if [ -z "$temp" ]; then
    if [ -d /dev/shm ] && [ -w /dev/shm ]; then temp=/dev/shm; else temp=${TMPDIR:-/tmp}; fi
fi

xvfb_pid=
cleanup() { [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT
if [ "$offscreen" = 0 ] && command -v Xvfb >/dev/null; then
    for n in $(seq 90 130); do
        [ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ] || { display=$n; break; }
    done
    Xvfb ":$display" -screen 0 1920x1080x24 -nolisten tcp >/dev/null 2>&1 &
    xvfb_pid=$!
    for _ in $(seq 100); do
        xwininfo -root -display ":$display" >/dev/null 2>&1 && break
        sleep 0.05
    done
    export DISPLAY=":$display"
    unset QT_QPA_PLATFORM WAYLAND_DISPLAY
    display_note="Xvfb $DISPLAY (1920x1080x24)"
else
    export QT_QPA_PLATFORM=offscreen
    display_note="QT_QPA_PLATFORM=offscreen"
fi
echo "display: $display_note; data dirs in $temp"

run_open() {
    echo "== open a dialog of 10,000 messages"
    "$build/bench/desk/open_dialog/bench_desk_open" --server "$server" --temp "$temp" "$@"
    echo "reproduce: bench/desk/run.sh open $*"
}
run_memory() {
    echo "== 50 open dialogs of 1,000 messages"
    "$build/bench/desk/memory/bench_desk_memory" --server "$server" --temp "$temp" "$@"
    echo "reproduce: bench/desk/run.sh memory $*"
}
run_startup() {
    local desk="$build/client/era-desk"
    echo "== start to a usable window, token in the settings ini (plaintext opt-in, no keychain)"
    # No session bus: the desktop without a keychain that the opt-in is for.
    env -u DBUS_SESSION_BUS_ADDRESS "$build/bench/desk/startup/bench_desk_startup" --server "$server" \
        --desk "$desk" --temp "$temp" --vault plain "$@"
    echo "reproduce: bench/desk/run.sh startup $*"
    if command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null; then
        echo
        echo "== start to a usable window, token in the keychain (gnome-keyring under dbus-run-session)"
        local keyring
        keyring=$(mktemp -d "$temp/era-bench-keyring.XXXXXX")
        # The keyring lives in a throwaway XDG_DATA_HOME, not in the user's home.
        XDG_DATA_HOME="$keyring" dbus-run-session -- sh -c 'echo -n bench | gnome-keyring-daemon --unlock \
            --components=secrets >/dev/null; exec "$@"' sh "$build/bench/desk/startup/bench_desk_startup" \
            --server "$server" --desk "$desk" --temp "$temp" --vault keychain "$@"
        rm -rf "$keyring"
        echo "reproduce: bench/desk/run.sh startup $*"
    fi
}

case "$which" in
    open) run_open "${args[@]}" ;;
    memory) run_memory "${args[@]}" ;;
    startup) run_startup "${args[@]}" ;;
    all)
        run_open; echo
        run_memory; echo
        run_startup
        ;;
esac
