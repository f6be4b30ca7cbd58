#!/usr/bin/env bash
# What the sponsor gets from fmp dataset export: held-out gold accuracy of the spec's reward model trained on all revealed
# labels, the per-item majority and the export's value-weighted files; figures, not a test (docs/evaluation.md).
#   scripts/bench/dataset.sh [--seeds N] [--copies K] [--spec NAME]
# Builds scripts/bench/Protocol.Dataset.Bench in Release and runs it on data/ukpconvarg1 (data/ukpconvarg1/NOTICE).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source scripts/lib/quiet.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
quiet dotnet build scripts/bench/Protocol.Dataset.Bench -c Release --nologo -v quiet -o out/bench/dataset
exec dotnet out/bench/dataset/dataset-bench.dll --data data/ukpconvarg1 "$@"
