#!/usr/bin/env bash
# The demo: a whole feedback market on real crowd labels (UKPConvArg1) on a local chain, with three
# oracle nodes and the indexer as real processes. Starts and stops its own anvil and PostgreSQL.
# Prints a table per kind of curator and writes out/demo/summary.json and out/demo/score-vs-agreement.svg.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib/quiet.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
scripts/bootstrap.sh
echo "building (forge, fmp, demo)…"
quiet node_modules/.bin/forge build
quiet dotnet build src/Protocol.Cli -c Release --nologo -v quiet -o out/demo-bin
quiet dotnet build scripts/demo/Protocol.Demo -c Release --nologo -v quiet -o out/demo-runner
exec dotnet out/demo-runner/fmp-demo.dll "$@"
