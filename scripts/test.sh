#!/usr/bin/env bash
# The project's test command: bootstrap, forge tests, dotnet tests for the whole solution, the TypeScript client's tests.
# Its last line is the honest sum of the three runners: "N passed, N failed[, N skipped]".
# Exit status is non-zero when anything failed, including a build that did not compile or a
# test service (anvil, PostgreSQL) left running afterwards.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

results=out/test-results
rm -rf "$results" out/test-artifacts && mkdir -p "$results"
# Every throw-away service keeps its state under here, so leftovers can be found afterwards.
export FMP_TEST_TMP; FMP_TEST_TMP=$(mktemp -d /tmp/fmp-test.XXXXXX)
chmod 755 "$FMP_TEST_TMP" # the postgres user must reach its cluster folder inside
anvils_before=$(pgrep -x anvil | sort || true)
browsers_before=$(pgrep -x chromium | sort || true)

passed=0 failed=0 skipped=0
declare -a timings=()
started=$SECONDS
phase_start=$SECONDS
phase() { timings+=("$(printf '%-10s %4ds' "$1" $((SECONDS - phase_start)))"); phase_start=$SECONDS; }
note_failure() { echo "test.sh: $*" >&2; failed=$((failed + 1)); }

cleanup() { rm -rf "$FMP_TEST_TMP"; }
trap cleanup EXIT

# 1. Bootstrap (silent when everything is installed).
if ! scripts/bootstrap.sh; then
  note_failure "bootstrap failed"
  echo "$passed passed, $failed failed"
  exit 1
fi
phase bootstrap

# 2. Foundry: unit, fuzz and invariant tests. A compile error leaves no summary line: one failure.
node_modules/.bin/forge test 2>&1 | tee "$results/forge.log"
summary=$(grep -E '^Ran [0-9]+ test suites? in .*tests? passed' "$results/forge.log" | tail -n 1)
if [ -n "$summary" ]; then
  read -r fp ff fs < <(sed -E 's/.*: ([0-9]+) tests? passed, ([0-9]+) failed, ([0-9]+) skipped.*/\1 \2 \3/' <<<"$summary")
  passed=$((passed + fp)) failed=$((failed + ff)) skipped=$((skipped + fs))
else
  note_failure "forge test produced no summary (compile error?)"
fi
phase forge

# Lint is part of the contract: solhint and forge fmt must stay clean (they count as failures, not as tests).
node_modules/.bin/forge fmt --check >"$results/fmt.log" 2>&1 || note_failure "forge fmt --check: contracts need formatting (see $results/fmt.log)"
node_modules/.bin/solhint --max-warnings 0 -c .solhint.json 'contracts/src/**/*.sol' 'contracts/script/**/*.sol' >"$results/solhint.log" 2>&1 \
  && node_modules/.bin/solhint --max-warnings 0 -c contracts/test/.solhint.json 'contracts/test/**/*.sol' >>"$results/solhint.log" 2>&1 \
  || note_failure "solhint found problems (see $results/solhint.log)"
# EIP-170: a contract over 24,576 bytes of runtime code cannot be deployed (forge test does not enforce it; anvil does).
node_modules/.bin/forge build --sizes --skip test --skip script >"$results/sizes.log" 2>&1 \
  || note_failure "a contract exceeds EIP-170's 24,576-byte limit (see $results/sizes.log)"
phase lint

# 3. .NET: every test project in Protocol.sln, results as TRX files that are counted below.
dotnet test Protocol.sln --nologo --verbosity quiet \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$results/dotnet" \
  --blame-hang-timeout 10m 2>&1 | grep -v 'warning NU1603' | tee "$results/dotnet.log"
dotnet_rc=${PIPESTATUS[0]}
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
if [ "${#trx_files[@]}" -eq 0 ]; then
  note_failure "dotnet test produced no results (build error?)"
elif [ "$dotnet_rc" -ne 0 ] && [ "$df" -eq 0 ]; then
  note_failure "dotnet test exited with $dotnet_rc but no test failed: a project did not build or a test host crashed (see $results/dotnet.log)"
fi
phase dotnet

# 4. TypeScript client (clients/ts): tsc --noEmit, then node's test runner with the TAP reporter (against anvil, using
#    contracts/out from the forge step). A type error or a crash leaves no "# pass"/"# fail" summary: one failure.
npm test --silent --prefix clients/ts 2>&1 | tee "$results/ts.log"
ts_rc=${PIPESTATUS[0]}
tap() { grep -E "^# $1 [0-9]+$" "$results/ts.log" | tail -n 1 | grep -oE '[0-9]+$'; }
tp=$(tap pass) tf=$(tap fail) tc=$(tap cancelled) tsk=$(tap skipped) ttd=$(tap todo)
if [ -n "$tp" ] && [ -n "$tf" ]; then
  passed=$((passed + tp)) failed=$((failed + tf + ${tc:-0})) skipped=$((skipped + ${tsk:-0} + ${ttd:-0}))
  [ "$ts_rc" -ne 0 ] && [ $((tf + ${tc:-0})) -eq 0 ] && note_failure "npm test (clients/ts) exited with $ts_rc but no test failed (see $results/ts.log)"
else
  note_failure "npm test (clients/ts) produced no summary (type error? see $results/ts.log)"
fi
phase ts

# 5. Nothing the tests started may outlive them.
leaks=$(pgrep -f "$FMP_TEST_TMP" || true)
new_anvils=$(comm -13 <(echo "$anvils_before") <(pgrep -x anvil | sort || true))
new_browsers=$(comm -13 <(echo "$browsers_before") <(pgrep -x chromium | sort || true))
if [ -n "$leaks$new_anvils$new_browsers" ]; then
  note_failure "services left running after the tests: $(echo $leaks $new_anvils $new_browsers)"
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
echo "Timings:"
printf '  %s\n' "${timings[@]}"
printf '  %-10s %4ds\n' total $((SECONDS - started))
echo "Results: forge ${fp:-0}/${ff:-?}/${fs:-0}, dotnet $dp/$df/$ds, ts ${tp:-0}/${tf:-?}/${tsk:-0} (passed/failed/skipped); logs in $results"
[ -d out/test-artifacts/dashboard ] && echo "Dashboard screenshots: out/test-artifacts/dashboard"
line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
[ "$failed" -eq 0 ]
