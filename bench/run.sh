#!/usr/bin/env bash
# Runs the benchmark suite: `bash bench/run.sh quick` (under 3 minutes) or `bash bench/run.sh full`.
# Extra arguments go to the runner (e.g. --only forge,ws-naive --scenarios echo,fanout).
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-quick}"
shift || true
# Thousands of sockets on both ends: raise the open-files limit as far as allowed.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
echo "open files limit: $(ulimit -n)"
if [ ! -f dist/bench/runner.js ] || [ -n "$(find src bench -name '*.ts' -newer dist/bench/runner.js -print -quit)" ]; then
  npx tsc -p tsconfig.json || echo "tsc reported errors; running with what was emitted"
fi
# Pin every server process to the last CPU (same core for every contender, no migrations), unless
# BENCH_SERVER_CPU is set (to a CPU number, or empty for no pinning) or there is only one CPU.
if [ -z "${BENCH_SERVER_CPU+set}" ] && command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  export BENCH_SERVER_CPU="$(($(nproc) - 1))"
fi
# In the closed-loop scenarios the load generator runs on the other CPUs (BENCH_LOAD_CPUS, a
# taskset list; set it empty to leave the load generator unpinned).
if [ -z "${BENCH_LOAD_CPUS+set}" ] && [ -n "${BENCH_SERVER_CPU:-}" ]; then
  export BENCH_LOAD_CPUS="$(seq 0 $(($(nproc) - 1)) | grep -vx "$BENCH_SERVER_CPU" | paste -sd, -)"
fi
node dist/bench/runner.js --mode "$mode" --out "bench/results/$mode.json" "$@"
node dist/bench/report/render.js "bench/results/$mode.json" BENCHMARKS.md bench/results/chart.svg
