#!/usr/bin/env bash
# Usage: bench/storage/run.sh [bench_storage options...]
#
# Builds bench_storage (in $ERA_BUILD_DIR, default build/) and runs it on SQLite and on a throwaway
# PostgreSQL 15 started by scripts/with-postgres. Options go to bench_storage, e.g. --rows 50000.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${ERA_BUILD_DIR:-$root/build}

if [ ! -f "$build/build.ninja" ] && [ ! -f "$build/Makefile" ]; then
    cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release
fi
cmake --build "$build" --target bench_storage
bin="$build/bench/storage/bench_storage"

# The SQLite files go next to the build, on the same disk a deployment would use (not a tmpfs).
dir=$(mktemp -d "$build/bench-storage.XXXXXX")
trap 'rm -rf "$dir"' EXIT
"$root/scripts/with-postgres" sh -c 'bin=$1 dir=$2; shift 2; exec "$bin" --dir "$dir" --pg "$ERA_TEST_PG_URL" "$@"' \
    run "$bin" "$dir" "$@"
