#!/usr/bin/env bash
# Runs the reconnect storm alone and renders its section into BENCHMARKS.md:
#   bash bench/run-reconnect-storm.sh quick|full   (full: 2,000 clients, three storms each)
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-full}"
# Every client is one socket on each side: raise the open-files limit as far as allowed.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
echo "open files limit: $(ulimit -n)"
npx tsc -p tsconfig.json
node dist/bench/runner.js --mode "$mode" --scenarios reconnect-storm --only forge,socket.io \
  --out "bench/results/storm-$mode.json"
node dist/bench/report/render-reconnect-storm.js "bench/results/storm-$mode.json" BENCHMARKS.md
