#!/usr/bin/env bash
# Benchmark of the evaluation engine on the UKPConvArg1 market (docs/evaluation.md): figures, not a test.
#   scripts/bench/evaluation.sh [bench options]    e.g. --backend both, --permutations 16, --threads 1
# Builds scripts/bench/Protocol.Evaluation.Bench in Release and runs it with the repository's spec and data.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source scripts/lib/quiet.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
quiet dotnet build scripts/bench/Protocol.Evaluation.Bench -c Release --nologo -v quiet -o out/bench
exec dotnet out/bench/evaluation-bench.dll --data data/ukpconvarg1 --spec specs/bt-shapley-v1.json "$@"
