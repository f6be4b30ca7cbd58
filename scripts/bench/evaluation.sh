#!/usr/bin/env bash
# Benchmarks of the evaluation engine (docs/evaluation.md): figures, not a test.
#   scripts/bench/evaluation.sh [bench options]       the UKPConvArg1 market under v1, e.g. --backend both, --permutations 16
#   scripts/bench/evaluation.sh --spec v2 [options]   scale: 1k, 10k and 50k simulated curators x 100 labels under v1
#                                                      (stopped after --v1-budget seconds, default 600, and extrapolated),
#                                                      bt-inrun-v2-open and bt-inrun-v2 side by side; --scale 1000,10000 sets the sizes
#   scripts/bench/evaluation.sh --spec v2 --dense [--dims 384,4096] [options]
#                                                      the same scale markets under bt-inrun-v2-open and bt-inrun-v2 (v1 left
#                                                      out), then under bt-inrun-v2-features-open and bt-inrun-v2-features on
#                                                      committed features: synthetic int16 rows of each --dims dimension (default
#                                                      384 and 4096) written to a temporary features file and streamed from it
#                                                      (the 4,096-dim pool file is 0.8 GB); dense rows add the peak working set
# Builds scripts/bench/Protocol.Evaluation.Bench in Release and runs it with the repository's data.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source scripts/lib/quiet.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
quiet dotnet build scripts/bench/Protocol.Evaluation.Bench -c Release --nologo -v quiet -o out/bench
if [ "${1:-}" = "--spec" ] && [ "${2:-}" = "v2" ]; then
  shift 2
  scale=1000,10000,50000
  dims=
  specs=(--spec bt-shapley-v1 --spec bt-inrun-v2-open --spec bt-inrun-v2)
  rest=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --scale) scale=$2; shift 2 ;;
      --dense) dims=${dims:-384,4096}; shift ;;
      --dims) dims=$2; shift 2 ;;
      *) rest+=("$1"); shift ;;
    esac
  done
  if [ -n "$dims" ]; then
    # v1 takes its full budget per size; the dense case is about v2's cost, so it runs next to v2 alone.
    specs=(--spec bt-inrun-v2-open --spec bt-inrun-v2 --spec bt-inrun-v2-features-open --spec bt-inrun-v2-features --dense "$dims")
  fi
  exec dotnet out/bench/evaluation-bench.dll --data data/ukpconvarg1 --scale "$scale" "${specs[@]}" "${rest[@]}"
fi
exec dotnet out/bench/evaluation-bench.dll --data data/ukpconvarg1 "$@"
