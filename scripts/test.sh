#!/usr/bin/env bash
# The project's test command: bootstrap, forge tests, dotnet tests for the whole solution, the TypeScript client's tests.
# Its last line is the honest sum of the three runners: "N passed, N failed[, N skipped]".
# Exit status is non-zero when anything failed, including a build that did not compile or a
# test service (anvil, PostgreSQL) left running afterwards.
#
# The parts overlap where the two cores have room:
#   forge build ─┬─ forge test, lint ──── the TypeScript tests
#   dotnet build ┴─ dotnet tests in two lanes of about the same length (see "lane_a_names" below)
# (forge compiles with one core through solc-js while dotnet builds; the .NET and TypeScript tests deploy forge's
# contracts/out, so the .NET tests start once both builds are done, beside the end of forge's tests and lint.)
#
#   scripts/test.sh          everything (what CI runs)
#   scripts/test.sh --fast   the fast tier only: the .NET tests not marked [Trait("tier", "slow")] (no processes of
#                            fmp, no outages, no browser), forge and TypeScript skipped: about two minutes of tests
#                            after the build, for quick changes; the full run is still what says a change is good
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# The tests start a few hundred short .NET processes (fmp commands, nodes, indexers), often a dozen at once on two
# cores: the workstation GC instead of fmp's server GC (whose GC threads spin while they wait for a core) and no
# dynamic PGO (instrumented first-tier code that a process living a second never profits from). Measured on the node
# tests' process-heavy classes: 133 -> 109 CPU-s; the evaluation tests' 120 CPU-s unchanged. Nothing a test checks
# depends on either.
export DOTNET_gcServer=0 DOTNET_TieredPGO=0
# A test host stops the PostgreSQL cluster its tests shared when the process exits; vstest kills a test host 100 ms
# after the run by default, which on a loaded machine cut that cleanup short and left the server running (two CI runs
# of 2026-12-07 failed on it). Thirty seconds lets it finish; the cleanup itself takes a second or two.
export VSTEST_TESTHOST_SHUTDOWN_TIMEOUT=30000

fast=0
case "${1:-}" in
  "") ;;
  --fast) fast=1 ;;
  *) echo "scripts/test.sh: unknown option '$1' (use --fast for the fast tier, or nothing for everything)" >&2; exit 2 ;;
esac

results=out/test-results
rm -rf "$results" out/test-artifacts && mkdir -p "$results/dotnet"
# Every throw-away service keeps its state under here, so leftovers can be found afterwards.
export FMP_TEST_TMP; FMP_TEST_TMP=$(mktemp -d /tmp/fmp-test.XXXXXX)
chmod 755 "$FMP_TEST_TMP" # the postgres user must reach its cluster folder inside
anvils_before=$(pgrep -x anvil | sort || true)
browsers_before=$(pgrep -x chromium | sort || true)

passed=0 failed=0 skipped=0
started=$SECONDS
# A part's duration, measured by the part itself (the parts overlap): "name seconds" lines in $results/timings.
timed() { local name=$1 t0=$SECONDS; shift; "$@"; local rc=$?; echo "$name $((SECONDS - t0))" >>"$results/timings"; return $rc; }
note_failure() { echo "test.sh: $*" >&2; failed=$((failed + 1)); }

background=()
cleanup() { kill "${background[@]}" 2>/dev/null; rm -rf "$FMP_TEST_TMP"; }
trap cleanup EXIT

# 1. Bootstrap (silent when everything is installed).
if ! timed bootstrap scripts/bootstrap.sh; then
  note_failure "bootstrap failed"
  echo "$passed passed, $failed failed"
  exit 1
fi

# 2. Foundry, in the background while the solution builds: compile (its exit status in forge-build.rc), unit, fuzz
#    and invariant tests, then the lint, which is part of the contract: forge fmt and solhint must stay
#    clean, and EIP-170's 24,576 bytes of runtime code must hold (forge test does not enforce it; anvil does).
#    Lint problems count as failures, not as tests.
forge_part() {
  timed forge-build node_modules/.bin/forge build >"$results/forge-build.log" 2>&1
  echo $? >"$results/forge-build.rc"
  timed forge-test node_modules/.bin/forge test >"$results/forge.log" 2>&1
  {
    node_modules/.bin/forge fmt --check >"$results/fmt.log" 2>&1 \
      || echo "forge fmt --check: contracts need formatting (see $results/fmt.log)"
    { node_modules/.bin/solhint --max-warnings 0 -c .solhint.json 'contracts/src/**/*.sol' 'contracts/script/**/*.sol' \
      && node_modules/.bin/solhint --max-warnings 0 -c contracts/test/.solhint.json 'contracts/test/**/*.sol'; } >"$results/solhint.log" 2>&1 \
      || echo "solhint found problems (see $results/solhint.log)"
    node_modules/.bin/forge build --sizes --skip test --skip script >"$results/sizes.log" 2>&1 \
      || echo "a contract exceeds EIP-170's 24,576-byte limit (see $results/sizes.log)"
  } >"$results/lint-problems"
}
if [ "$fast" -eq 0 ]; then
  forge_part &
  background+=($!)
  forge_pid=$!
elif [ -d contracts/out ]; then
  echo 0 >"$results/forge-build.rc" # the fast tier takes the contracts as last built
else
  timed forge-build node_modules/.bin/forge build >"$results/forge-build.log" 2>&1
  echo $? >"$results/forge-build.rc"
fi

# 3. .NET: build the solution once (warnings are errors), then every test project, as TRX files counted below.
echo "dotnet build Protocol.sln"
build_ok=1
if ! timed dotnet-build dotnet build Protocol.sln --nologo --verbosity quiet >"$results/dotnet-build.log" 2>&1; then
  build_ok=0
  grep -v 'warning NU1603' "$results/dotnet-build.log"
  note_failure "dotnet build failed (see $results/dotnet-build.log)"
fi

# The .NET tests deploy forge's contracts/out, so they start once forge has compiled (long before the solution is
# built, as a rule), not once its tests and lint are done: by then the rest of forge's part is about half a minute of
# tests and the lint, on one core, which left the other idle for 50 s of every run (measured 2026-12-08: both cores
# busy through the build, 50-66% from the build's end until forge was done). Forge started beside the .NET tests
# instead of before them took 351 s instead of 63-98 and the node project 652 s instead of 504.
if [ "$fast" -eq 0 ]; then
  echo "waiting for forge to compile the contracts"
  while [ ! -s "$results/forge-build.rc" ] && kill -0 "$forge_pid" 2>/dev/null; do sleep 1; done
fi
if [ "$(cat "$results/forge-build.rc" 2>/dev/null)" != 0 ]; then
  cat "$results/forge-build.log"
  note_failure "forge build failed: the contracts did not compile (see $results/forge-build.log)"
fi

# One lane runs its projects one after the other; each project's console output goes to its own log, and a line
# says when it is done. The two lanes run side by side.
filter=()
[ "$fast" -eq 1 ] && filter=(--filter "tier!=slow")
run_lane() {
  local project name
  for project in "$@"; do
    name=$(basename "$project" .csproj)
    timed "$name" dotnet test "$project" --no-build --nologo --verbosity quiet "${filter[@]}" \
      --logger "trx;LogFilePrefix=$name" --logger "console;verbosity=normal" --results-directory "$results/dotnet" \
      --blame-hang-timeout 20m >"$results/dotnet-$name.log" 2>&1
    echo "$? $name" >>"$results/dotnet-exits"
    awk -v n="$name" '/^ +Passed: [0-9]+$/ { p = $2 } /^ +Failed: [0-9]+$/ { f = $2 } /^ +Skipped: [0-9]+$/ { s = $2 }
      END { printf "dotnet: %-28s %d passed, %d failed, %d skipped\n", n, p, f, s }' "$results/dotnet-$name.log"
  done
}
dotnet_pids=()
if [ "$build_ok" -eq 1 ]; then
  mapfile -t test_projects < <(grep -o '"[^"]*\.Tests\.csproj"' Protocol.sln | tr -d '"' | tr '\\' '/')
  # Two lanes of about the same length (from the clean run of cbd47e4, side by side: node 267 s, dashboard and
  # curator app 161, embeddings 26, test support 18, core 9 | evaluation 238, small demo 160, indexer 88), the longest
  # first in each so that the tails are short projects. A project not named here joins the second lane.
  lane_a_names=(Node Dashboard Embeddings TestSupport Core)
  lane_b_names=(Evaluation Demo Indexer)
  [ "$fast" -eq 1 ] && lane_a_names=(Evaluation Core) lane_b_names=(Node Indexer Embeddings TestSupport)
  pick() { local n p; for n in "$@"; do for p in "${test_projects[@]}"; do [[ "$p" == */Protocol.$n.Tests.csproj ]] && echo "$p"; done; done; }
  mapfile -t lane_a < <(pick "${lane_a_names[@]}")
  mapfile -t lane_b < <(pick "${lane_b_names[@]}")
  for p in "${test_projects[@]}"; do [[ " ${lane_a[*]} ${lane_b[*]} " == *" $p "* ]] || lane_b+=("$p"); done
  t_tests=$SECONDS
  run_lane "${lane_a[@]}" &
  dotnet_pids+=($!)
  run_lane "${lane_b[@]}" &
  dotnet_pids+=($!)
  background+=("${dotnet_pids[@]}")
fi

# 4. forge's results, once its tests and lint are done.
if [ "$fast" -eq 0 ]; then
  wait "$forge_pid"
  cat "$results/forge.log"
  summary=$(grep -E '^Ran [0-9]+ test suites? in .*tests? passed' "$results/forge.log" | tail -n 1)
  if [ -n "$summary" ]; then
    read -r fp ff fs < <(sed -E 's/.*: ([0-9]+) tests? passed, ([0-9]+) failed, ([0-9]+) skipped.*/\1 \2 \3/' <<<"$summary")
    passed=$((passed + fp)) failed=$((failed + ff)) skipped=$((skipped + fs))
  else
    note_failure "forge test produced no summary (compile error?)"
  fi
  while read -r problem; do note_failure "$problem"; done <"$results/lint-problems"

  # 5. TypeScript client (clients/ts): tsc --noEmit, then node's test runner with the TAP reporter (against anvil,
  #    using contracts/out from the forge step), while the .NET lanes go on. A type error or a crash leaves no
  #    "# pass"/"# fail" summary: one failure.
  timed ts npm test --silent --prefix clients/ts >"$results/ts.log" 2>&1
  ts_rc=$?
  tail -n 12 "$results/ts.log"
  tap() { grep -E "^# $1 [0-9]+$" "$results/ts.log" | tail -n 1 | grep -oE '[0-9]+$'; }
  tp=$(tap pass) tf=$(tap fail) tc=$(tap cancelled) tsk=$(tap skipped) ttd=$(tap todo)
  if [ -n "$tp" ] && [ -n "$tf" ]; then
    passed=$((passed + tp)) failed=$((failed + tf + ${tc:-0})) skipped=$((skipped + ${tsk:-0} + ${ttd:-0}))
    [ "$ts_rc" -ne 0 ] && [ $((tf + ${tc:-0})) -eq 0 ] && note_failure "npm test (clients/ts) exited with $ts_rc but no test failed (see $results/ts.log)"
  else
    note_failure "npm test (clients/ts) produced no summary (type error? see $results/ts.log)"
  fi
fi

# 6. The .NET results, once both lanes are done.
for pid in "${dotnet_pids[@]}"; do wait "$pid"; done
[ "${#dotnet_pids[@]}" -gt 0 ] && echo "dotnet-tests $((SECONDS - t_tests))" >>"$results/timings"
shopt -s nullglob
trx_files=("$results"/dotnet/*.trx)
dp=0 df=0 ds=0
for trx in "${trx_files[@]}"; do
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  get() { sed -nE "s/.* $1=\"([0-9]+)\".*/\1/p" <<<"$counters"; }
  dp=$((dp + $(get passed)))
  df=$((df + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  ds=$((ds + $(get total) - $(get executed))) # VSTest counts skipped tests as not executed
done
passed=$((passed + dp)) failed=$((failed + df)) skipped=$((skipped + ds))
if [ "$build_ok" -eq 1 ]; then
  if [ "$fast" -eq 0 ] && [ "${#trx_files[@]}" -lt "${#test_projects[@]}" ]; then
    note_failure "dotnet test wrote ${#trx_files[@]} result files for ${#test_projects[@]} test projects: a test host crashed or a project found no tests (see $results/dotnet-*.log)"
  fi
  while read -r rc name; do
    if [ "$rc" -ne 0 ] && [ "$df" -eq 0 ]; then
      note_failure "dotnet test $name exited with $rc but no test failed: a test host crashed (see $results/dotnet-$name.log)"
    fi
  done <"$results/dotnet-exits"
fi

# 7. Nothing the tests started may outlive them. A process still exiting (stopped by its test's last line, a fixture
# closing its server or browser) gets five seconds; what remains is named with its command line.
for _ in 1 2 3 4 5 6; do
  leaks=$(pgrep -f "$FMP_TEST_TMP" || true)
  new_anvils=$(comm -13 <(echo "$anvils_before") <(pgrep -x anvil | sort || true))
  new_browsers=$(comm -13 <(echo "$browsers_before") <(pgrep -x chromium | sort || true))
  [ -z "$leaks$new_anvils$new_browsers" ] && break
  sleep 1
done
if [ -n "$leaks$new_anvils$new_browsers" ]; then
  # shellcheck disable=SC2086
  note_failure "services left running after the tests: $(echo $leaks $new_anvils $new_browsers): $(ps -o pid=,args= -p "$(echo $leaks $new_anvils $new_browsers | tr ' ' ',')" 2>/dev/null | cut -c1-300 | paste -sd ';' -)"
  # shellcheck disable=SC2086
  kill $leaks $new_anvils $new_browsers 2>/dev/null || true
fi

# What failed, named again at the end: CI shows only the last part of this output.
if [ "$df" -gt 0 ]; then
  echo
  echo "Failed .NET tests:"
  node scripts/lib/failed-tests.mjs "${trx_files[@]}" || true
fi
[ "${tf:-0}" != 0 ] && { echo; echo "Failed TypeScript tests:"; grep -E '^ *not ok ' "$results/ts.log" || true; }
[ "${ff:-0}" != 0 ] && [ "${ff:-0}" != "?" ] && { echo; echo "Failed forge tests:"; grep -E '^\[FAIL' "$results/forge.log" || true; }

echo
echo "Timings (the parts overlap; see the top of scripts/test.sh):"
while read -r name seconds; do printf '  %-28s %4ds\n' "$name" "$seconds"; done <"$results/timings"
printf '  %-28s %4ds\n' "total (wall clock)" $((SECONDS - started))
if [ "$fast" -eq 1 ]; then
  echo "Results: dotnet $dp/$df/$ds (passed/failed/skipped), the fast tier only (forge, TypeScript and the slow tier not run); logs in $results"
else
  echo "Results: forge ${fp:-0}/${ff:-?}/${fs:-0}, dotnet $dp/$df/$ds, ts ${tp:-0}/${tf:-?}/${tsk:-0} (passed/failed/skipped); logs in $results"
fi
[ -d out/test-artifacts/dashboard ] && echo "Dashboard screenshots: out/test-artifacts/dashboard"
[ -d out/test-artifacts/curator-app ] && echo "Curator app screenshots: out/test-artifacts/curator-app"
line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
[ "$failed" -eq 0 ]
