#!/usr/bin/env bash
# GPU check of the evaluation engine: runs the UKPConvArg1 market on the CPU path and on CUDA from the same
# input and prints timings, the speed-up and whether the result hashes match (they must).
#   gpu-check.sh [folder] [bench options]
# folder = what scripts/bench/publish-gpu-check.sh built (bin/evaluation-bench, specs/, data/); default: this
# script's folder, else out/gpu-check under the current directory. Needs no .NET SDK.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir=${1:-}
if [ -n "$dir" ] && [ -d "$dir" ]; then shift; else dir=""; fi
for candidate in "$dir" "$here" "$here/../../out/gpu-check" "out/gpu-check"; do
  if [ -n "$candidate" ] && [ -x "$candidate/bin/evaluation-bench" ]; then dir=$candidate; break; fi
done
if [ -z "$dir" ] || [ ! -x "$dir/bin/evaluation-bench" ]; then
  echo "gpu-check: no bin/evaluation-bench found; run scripts/bench/publish-gpu-check.sh first" >&2
  exit 2
fi
echo "== GPU"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null || echo "nvidia-smi not found"
ls -l /usr/lib/x86_64-linux-gnu/libcuda.so* /usr/lib64/libcuda.so* 2>/dev/null | head -5
echo "== CPU"
nproc; grep -m1 'model name' /proc/cpuinfo || true
export DOTNET_BUNDLE_EXTRACT_BASE_DIR=${DOTNET_BUNDLE_EXTRACT_BASE_DIR:-${TMPDIR:-/tmp}/evaluation-bench-extract}
bench=("$dir/bin/evaluation-bench" --data "$dir/data/ukpconvarg1" --spec "$dir/specs/bt-shapley-v1.json")
echo "== small market, CPU vs ILGPU kernels on CUDA (16 permutations)"
"${bench[@]}" --backend both --permutations 16 --no-peak "$@"
echo "== full benchmark: 64 permutations, CPU vs CUDA"
"${bench[@]}" --backend both "$@"
