#!/usr/bin/env bash
# How long a short fmp command takes from the shell, by how fmp's code is compiled, on a local dev chain:
#   full JIT        every method fully optimised at its first call (what fmp shipped with before: TieredCompilation
#                   off, good for the long-lived node and indexer, slow to start)
#   tiered          the runtime's default (quick first-tier code, hot methods re-compiled): what fmp uses now
#   ReadyToRun      `dotnet publish -p:PublishReadyToRun=true`: fmp and its libraries precompiled, tiered on top
# For each: `fmp --version`, `fmp market status` and a curator's `fmp curator commit` (a new curator each time: a
# key, a label file, the approval and the commit transaction), the median of N runs, and the ratio to full JIT.
#
#   scripts/bench/startup.sh [--runs N]      (default 5; about two minutes with the builds)
#
# It uses its own dev chain (scripts/dev.sh with FMP_DEV_DIR=out/bench/startup and free ports) and stops it after.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
runs=5
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=${2:?--runs needs a number}; shift 2 ;;
    *) echo "scripts/bench/startup.sh: unknown option '$1' (only --runs N)" >&2; exit 2 ;;
  esac
done
scripts/bootstrap.sh
out=out/bench/startup
rm -rf "$out" && mkdir -p "$out"
export FMP_DEV_DIR=$out/dev
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
for v in RPC PG METRICS DASHBOARD REPORTS FILES; do export "FMP_DEV_${v}_PORT=$(free_port)"; done

echo "building fmp: JIT (Release) and ReadyToRun (publish)"
dotnet build src/Protocol.Cli -c Release -o "$out/jit" --nologo -v q >"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
r2r=1
dotnet publish src/Protocol.Cli -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$out/r2r" --nologo -v q \
  >"$out/publish.log" 2>&1 || { r2r=0; echo "ReadyToRun publish failed (see $out/publish.log): measured without it"; }

stop() { scripts/dev.sh down >/dev/null 2>&1 || true; }
trap stop EXIT
scripts/dev.sh up >"$out/dev.log" 2>&1 || { cat "$out/dev.log"; exit 1; }
# shellcheck disable=SC1091
source "$FMP_DEV_DIR/env.sh"
fmp() { dotnet "$out/jit/fmp.dll" "$@"; }

# A market with the repository's crowd data, as the sponsor guide creates it.
fmp evaluate --from-data data/ukpconvarg1 --inputs-only --max-curators 1 --injected 0 --out "$out/ukp" >/dev/null
mkdir -p "$FMP_DEV_DIR/public"
cp "$out/ukp/inputs/tasks.jsonl" "$FMP_DEV_DIR/public/"
cp "$out/ukp/inputs/gold.jsonl" "$FMP_DEV_DIR/"
fmp serve --folder "$FMP_DEV_DIR/public" --port "$FMP_FILES_PORT" >"$out/serve.log" 2>&1 &
serve_pid=$!
trap 'kill $serve_pid 2>/dev/null; stop' EXIT
cat >"$FMP_DEV_DIR/market.json" <<EOF
{ "token": "$FMP_TOKEN", "pool": "200", "spec": "bt-inrun-v2-open", "tasks": "public/tasks.jsonl", "gold": "gold.jsonl",
  "publishAt": "http://127.0.0.1:$FMP_FILES_PORT/",
  "deadlines": { "commit": "2h", "reveal": "1h", "gold": "1h", "evaluation": "1d" },
  "stake": { "min": "1", "cap": "100" }, "slashBps": 5000, "oracleFeeBps": 500, "challengePeriod": "1h" }
EOF
echo "sponsor" >"$FMP_DEV_DIR/sponsor.password"
fmp keys new --keystore "$FMP_DEV_DIR/sponsor.json" --password-file "$FMP_DEV_DIR/sponsor.password" >/dev/null
scripts/dev.sh fund "$(fmp keys show --keystore "$FMP_DEV_DIR/sponsor.json")" >/dev/null
fmp market create --config "$FMP_DEV_DIR/market.json" --keystore "$FMP_DEV_DIR/sponsor.json" --password-file "$FMP_DEV_DIR/sponsor.password" >"$out/create.log"
export FMP_MARKET_ID=1
labels=$(ls "$out"/ukp/inputs/labels/*.jsonl | head -n 1)

# One curator key per commit (a curator commits once), made and funded before the clock starts.
variants=("full JIT|$out/jit/fmp.dll|0")
variants+=("tiered|$out/jit/fmp.dll|1")
[ "$r2r" -eq 1 ] && variants+=("ReadyToRun|$out/r2r/fmp.dll|1")
echo "curator" >"$FMP_DEV_DIR/curator.password"
for i in $(seq 1 $((runs * ${#variants[@]}))); do
  fmp keys new --keystore "$FMP_DEV_DIR/curator-$i.json" --password-file "$FMP_DEV_DIR/curator.password" >/dev/null
  scripts/dev.sh fund "$(fmp keys show --keystore "$FMP_DEV_DIR/curator-$i.json")" >/dev/null
done

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
seconds() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>>"$out/errors.log" || { echo "failed: $*" >&2; tail -n 5 "$out/errors.log" >&2; exit 1; }; t1=$(date +%s.%N); echo "$t1 - $t0" | bc; }
curator=0
declare -A result
for v in "${variants[@]}"; do
  IFS='|' read -r name dll tiered <<<"$v"
  run() { DOTNET_TieredCompilation=$tiered dotnet "$dll" "$@"; }
  : >"$out/times"
  for _ in $(seq "$runs"); do
    curator=$((curator + 1))
    cp "$labels" "$FMP_DEV_DIR/labels-$curator.jsonl"
    echo "version $(seconds run --version)" >>"$out/times"
    echo "status $(seconds run market status)" >>"$out/times"
    echo "commit $(seconds run curator commit --keystore "$FMP_DEV_DIR/curator-$curator.json" --password-file "$FMP_DEV_DIR/curator.password" \
      --labels "$FMP_DEV_DIR/labels-$curator.jsonl" --stake 10)" >>"$out/times"
  done
  for c in version status commit; do result[$name,$c]=$(awk -v c=$c '$1 == c { print $2 }' "$out/times" | median); done
done

echo
echo "fmp start-up on $(nproc) cores, median of $runs runs, seconds (ratio to full JIT):"
printf '%-12s %16s %16s %16s\n' "" "--version" "market status" "curator commit"
base=${variants[0]%%|*}
for v in "${variants[@]}"; do
  name=${v%%|*}
  printf '%-12s' "$name"
  for c in version status commit; do
    printf ' %9.2f (%.2fx)' "${result[$name,$c]}" "$(echo "${result[$name,$c]} / ${result[$base,$c]}" | bc -l)"
  done
  echo
done
