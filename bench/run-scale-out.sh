#!/usr/bin/env bash
# Runs the scale-out scenario alone and renders its section into BENCHMARKS.md:
#   bash bench/run-scale-out.sh quick|full
# Needs the backends' addresses (REDIS_URL, REDIS_CLUSTER_NODES, NATS_URL) in the environment or
# in .test-env.json (written by `node scripts/pretest.mjs`); a backend without one is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-quick}"
npx tsc -p tsconfig.json
node dist/bench/runner.js --mode "$mode" --scenarios scale-out --out "bench/results/scale-out-$mode.json"
node dist/bench/report/render-scale-out.js "bench/results/scale-out-$mode.json" BENCHMARKS.md
