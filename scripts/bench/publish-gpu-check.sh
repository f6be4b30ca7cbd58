#!/usr/bin/env bash
# Builds the folder that travels to a GPU machine (no .NET SDK there): a self-contained, single-file,
# compressed linux-x64 build of the benchmark plus the spec, the UKPConvArg1 data and gpu-check.sh.
#   scripts/bench/publish-gpu-check.sh [out-folder]      (default out/gpu-check; < 64 MiB in all)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
dest=${1:-out/gpu-check}
rm -rf "$dest" && mkdir -p "$dest/specs" "$dest/data"
dotnet publish scripts/bench/Protocol.Evaluation.Bench -c Release -r linux-x64 --self-contained true \
  -p:PublishSingleFile=true -p:EnableCompressionInSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true \
  -p:DebugType=none --nologo -v quiet -o "$dest/bin"
cp specs/bt-shapley-v1.json "$dest/specs/"
cp -r data/ukpconvarg1 "$dest/data/"
cp scripts/bench/gpu-check.sh "$dest/"
du -sh "$dest" "$dest/bin/evaluation-bench"
