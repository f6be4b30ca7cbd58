#!/usr/bin/env bash
# Economics of curator strategies under evaluation spec v1 and v2, side by side: figures, not a test.
#   scripts/bench/economics.sh [--markets N] [--quick] [--v2-only] [--labels N]
# Seeded markets on UKPConvArg1, HH-RLHF and PandaLM (data/*/NOTICE); prints each strategy's profit per staked
# token, the pair/alone ratios of copies and splits, and PASS/FAIL per goal; writes out/bench/economics.json.
# Builds scripts/bench/Protocol.Economics.Bench in Release and runs it with the repository's specs and data.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source scripts/lib/quiet.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
quiet dotnet build scripts/bench/Protocol.Economics.Bench -c Release --nologo -v quiet -o out/bench/economics
exec dotnet out/bench/economics/economics-bench.dll --data data --v1 specs/bt-shapley-v1.json --v2 specs/bt-inrun-v2.json \
  --json out/bench/economics.json "$@"
