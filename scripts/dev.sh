#!/usr/bin/env bash
# A local chain and database for trying the guides: `scripts/dev.sh up` starts anvil, a throw-away
# PostgreSQL cluster (role and databases created), deploys the contracts (contracts/script/Deploy.s.sol)
# and writes ready-to-use options files; `scripts/dev.sh down` stops both and deletes the cluster.
# Everything lives under out/dev (FMP_DEV_DIR); nothing listens beyond 127.0.0.1.
#
#   scripts/dev.sh up              # prints the addresses and the commands to run next
#   scripts/dev.sh fund 0xADDRESS  # 10 ETH and 10,000 test tokens for a key (oracle, sponsor, curator) on the dev chain
#   scripts/dev.sh down
#
# Environment: FMP_DEV_DIR (default out/dev), FMP_DEV_RPC_PORT (default 8545), FMP_DEV_PG_PORT
# (default 55432), FMP_DEV_METRICS_PORT, FMP_DEV_DASHBOARD_PORT, FMP_DEV_REPORTS_PORT (the node's, default
# 9464-9466), FMP_DEV_FILES_PORT (written to env.sh for `fmp serve`, default 8090), PG_BINDIR (default:
# pg_config --bindir, else /usr/lib/postgresql/*/bin).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dir=${FMP_DEV_DIR:-out/dev}
mkdir -p "$dir" && dir=$(cd "$dir" && pwd)
rpc_port=${FMP_DEV_RPC_PORT:-8545}
pg_port=${FMP_DEV_PG_PORT:-55432}
# The node's ports (its defaults) and the port the guides' `fmp serve` publishes the market's files on.
metrics_port=${FMP_DEV_METRICS_PORT:-9464}
dashboard_port=${FMP_DEV_DASHBOARD_PORT:-9465}
reports_port=${FMP_DEV_REPORTS_PORT:-9466}
files_port=${FMP_DEV_FILES_PORT:-8090}
rpc=http://127.0.0.1:$rpc_port
# anvil's first well-known dev account (public test mnemonic): deploys, and is the registry's owner.
dev_key=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80

die() { echo "scripts/dev.sh: $*" >&2; exit 1; }

pg_bin() {
  if [ -n "${PG_BINDIR:-}" ]; then echo "$PG_BINDIR"; return; fi
  if command -v pg_config >/dev/null && [ -x "$(pg_config --bindir)/initdb" ]; then pg_config --bindir; return; fi
  local d; for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && { echo "$d"; return; }; done
  die "no PostgreSQL server binaries (initdb); run scripts/bootstrap.sh, or set PG_BINDIR"
}

# The server refuses to run as root: as root, its programs run as the postgres user.
as_pg() { if [ "$(id -u)" = 0 ]; then setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; else "$@"; fi; }

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

up() {
  [ -x node_modules/.bin/anvil ] || die "node_modules/.bin/anvil is missing; run scripts/bootstrap.sh first"
  [ -f "$dir/anvil.pid" ] && kill -0 "$(cat "$dir/anvil.pid")" 2>/dev/null && die "already up (anvil pid $(cat "$dir/anvil.pid")); run scripts/dev.sh down first"
  port_busy "$rpc_port" && die "port $rpc_port is in use; stop what holds it, or set FMP_DEV_RPC_PORT to a free port"
  port_busy "$pg_port" && die "port $pg_port is in use; stop what holds it, or set FMP_DEV_PG_PORT to a free port"

  echo "starting anvil on $rpc (log: $dir/anvil.log)"
  node_modules/.bin/anvil --host 127.0.0.1 --port "$rpc_port" >"$dir/anvil.log" 2>&1 &
  echo $! >"$dir/anvil.pid"
  for _ in $(seq 100); do port_busy "$rpc_port" && break; sleep 0.1; done
  port_busy "$rpc_port" || die "anvil did not start: $(tail -5 "$dir/anvil.log")"

  local bin pg; bin=$(pg_bin)
  # The cluster lives in the temp folder, which the postgres user can reach when this runs as root.
  pg=$(mktemp -d "${TMPDIR:-/tmp}/fmp-dev-pg.XXXXXX") && echo "$pg" >"$dir/pg.path"
  echo "starting a throw-away PostgreSQL cluster on 127.0.0.1:$pg_port (data: $pg)"
  mkdir -p "$pg/sockets"
  if [ "$(id -u)" = 0 ]; then chown -R postgres:postgres "$pg"; fi
  as_pg "$bin/initdb" -D "$pg/data" -U postgres --auth=trust -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1 \
    || die "initdb failed: $(tail -5 "$dir/initdb.log")"
  as_pg "$bin/pg_ctl" -D "$pg/data" -l "$pg/server.log" -w \
    -o "-p $pg_port -k $pg/sockets -c listen_addresses=127.0.0.1" start >/dev/null \
    || die "PostgreSQL did not start: $(tail -5 "$pg/server.log")"
  # The guides' role and databases: the node's own (oracle) and the indexer's (fmp).
  local psql=("$bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -v ON_ERROR_STOP=1 -q)
  "${psql[@]}" -c "CREATE ROLE oracle LOGIN" -c "CREATE DATABASE oracle OWNER oracle" -c "CREATE DATABASE fmp"

  echo "deploying the contracts (contracts/script/Deploy.s.sol; log: $dir/deploy.log)"
  # Forge may write only under ./deployments (foundry.toml); deployments/dev/ is git-ignored.
  mkdir -p deployments/dev && rm -f deployments/dev/31337.json
  DEPLOYMENTS_DIR=deployments/dev node_modules/.bin/forge script contracts/script/Deploy.s.sol --rpc-url "$rpc" \
    --private-key "$dev_key" --broadcast >"$dir/deploy.log" 2>&1 || die "deployment failed: $(tail -20 "$dir/deploy.log")"
  [ -f deployments/dev/31337.json ] || die "the deployment wrote no deployments/dev/31337.json: $(tail -20 "$dir/deploy.log")"
  local deployment=$dir/deployment.json
  cp deployments/dev/31337.json "$deployment"
  local market registry start
  market=$(sed -n 's/.*"market": *"\(0x[0-9a-fA-F]*\)".*/\1/p' "$deployment")
  registry=$(sed -n 's/.*"registry": *"\(0x[0-9a-fA-F]*\)".*/\1/p' "$deployment")
  start=$(sed -n 's/.*"startBlock": *\([0-9]*\).*/\1/p' "$deployment")

  cat >"$dir/node.json" <<EOF
{
  "Node": {
    "RpcUrl": "$rpc",
    "MarketAddress": "$market",
    "StartBlock": $start,
    "ConnectionString": "Host=127.0.0.1;Port=$pg_port;Username=oracle;Database=oracle",
    "Keystore": "oracle.json",
    "PasswordFile": "oracle.password",
    "OutputFolder": "node-out",
    "ScanCron": "*/5 * * * * *",
    "MetricsPort": $metrics_port,
    "DashboardPort": $dashboard_port,
    "ReportsPort": $reports_port
  }
}
EOF
  cat >"$dir/indexer.json" <<EOF
{
  "Indexer": {
    "RpcUrl": "$rpc",
    "ConnectionString": "Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=fmp",
    "MarketAddress": "$market",
    "RegistryAddress": "$registry",
    "StartBlock": $start
  }
}
EOF
  local token; token=$(sed -n 's/.*"bondToken": *"\(0x[0-9a-fA-F]*\)".*/\1/p' "$deployment")
  # What the sponsor and curator commands read instead of --rpc, --market and --reports (docs/sponsors.md).
  cat >"$dir/env.sh" <<EOF
export FMP_RPC=$rpc
export FMP_MARKET=$market
export FMP_TOKEN=$token
export FMP_REPORTS=http://127.0.0.1:$reports_port
export FMP_FILES_PORT=$files_port
EOF
  cat <<EOF
up: chain $rpc (chain id 31337), market $market, registry $registry (block $start)
    deployment: $deployment
    PostgreSQL 127.0.0.1:$pg_port: role oracle with database oracle (the node's), database fmp (the indexer's)
    options files: $dir/node.json (Keystore and PasswordFile are read next to it), $dir/indexer.json
    for the sponsor and curator commands: source $dir/env.sh (FMP_RPC, FMP_MARKET, FMP_TOKEN, FMP_REPORTS, FMP_FILES_PORT)
next: fmp keys new --keystore $dir/oracle.json --password-file $dir/oracle.password   (write the password file first)
      scripts/dev.sh fund <address>; fmp oracle register --config $dir/node.json --bond 2000
      scripts/dev.sh warp 3600   (a new bond counts after the registry's activation delay, an hour here)
      fmp node run --config $dir/node.json      fmp indexer run --config $dir/indexer.json
stop: scripts/dev.sh down
EOF
}

fund() {
  local to=${1:-}
  [[ "$to" =~ ^0x[0-9a-fA-F]{40}$ ]] || die "fund: give the address to fund (fmp keys show prints it), e.g. scripts/dev.sh fund 0xabc…"
  [ -f "$dir/deployment.json" ] || die "fund: not up; run scripts/dev.sh up first"
  local token; token=$(sed -n 's/.*"bondToken": *"\(0x[0-9a-fA-F]*\)".*/\1/p' "$dir/deployment.json")
  node_modules/.bin/cast send --rpc-url "$rpc" --private-key "$dev_key" "$to" --value 10ether >/dev/null
  node_modules/.bin/cast send --rpc-url "$rpc" --private-key "$dev_key" "$token" "mint(address,uint256)" "$to" 10000000000000000000000 >/dev/null
  echo "funded $to: 10 ETH and 10000 bond tokens ($token)"
}

# Moves the dev chain's clock: a new bond counts only after the registry's activation delay (an hour here).
warp() {
  local secs=${1:-}
  [[ "$secs" =~ ^[0-9]+$ ]] || die "warp: give a number of seconds, e.g. scripts/dev.sh warp 3600"
  node_modules/.bin/cast rpc --rpc-url "$rpc" evm_increaseTime "$secs" >/dev/null
  node_modules/.bin/cast rpc --rpc-url "$rpc" evm_mine >/dev/null
  echo "warped the chain's clock $secs s ahead"
}

down() {
  local stopped=0
  if [ -f "$dir/anvil.pid" ]; then
    local pid; pid=$(cat "$dir/anvil.pid")
    if kill "$pid" 2>/dev/null; then
      stopped=1
      # Gone (or only a zombie left for init to reap) before this returns, so nothing is left listening.
      for _ in $(seq 50); do
        case "$(ps -o stat= -p "$pid" 2>/dev/null)" in ''|Z*) break ;; esac
        sleep 0.1
      done
    fi
    rm -f "$dir/anvil.pid"
  fi
  if [ -f "$dir/pg.path" ]; then
    local pg; pg=$(cat "$dir/pg.path")
    if [ -f "$pg/data/postmaster.pid" ]; then
      as_pg "$(pg_bin)/pg_ctl" -D "$pg/data" -m fast -w stop >/dev/null && stopped=1
    fi
    rm -rf "$pg" "$dir/pg.path"
  fi
  [ "$stopped" = 1 ] && echo "down: anvil and PostgreSQL stopped, the cluster deleted" || echo "down: nothing was running"
}

case "${1:-}" in
  up) up ;;
  fund) fund "${2:-}" ;;
  warp) warp "${2:-}" ;;
  down) down ;;
  *) echo "usage: scripts/dev.sh up|fund ADDRESS|warp SECONDS|down" >&2; exit 2 ;;
esac
