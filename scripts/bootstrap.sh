#!/usr/bin/env bash
# Installs what the project needs and is missing; prints nothing when everything is there.
#   - node_modules from package-lock.json (Foundry binaries, solc-js, OpenZeppelin, forge-std, esbuild, Chart.js)
#   - clients/ts/node_modules from clients/ts/package-lock.json (the TypeScript client: viem, abitype, tsx, typescript)
#   - PostgreSQL server binaries (Debian package) for the throw-away test and demo clusters
#   - Chromium (Debian package) for the dashboard's browser tests
#   - NuGet packages for Protocol.sln
# Safe to run any number of times; scripts/test.sh runs it first.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

stamps=out/.bootstrap
mkdir -p "$stamps"

say() { printf 'bootstrap: %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    say "need root to run: $*"; return 1; fi
}

apt_install() {
  say "installing Debian packages: $*"
  as_root apt-get update -qq >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Re-run a step only when its inputs changed: the stamp holds a hash of the inputs.
fresh() { # fresh NAME FILE... -> true when the stamp matches the inputs
  local want; want=$(cat "${@:2}" 2>/dev/null | sha256sum | cut -d' ' -f1)
  [ -f "$stamps/$1" ] && [ "$(cat "$stamps/$1")" = "$want" ] && return 0
  echo "$want" >"$stamps/$1.want"; return 1
}
stamp() { [ ! -f "$stamps/$1.want" ] || mv "$stamps/$1.want" "$stamps/$1"; } # no .want: the stamp already matches

# 1. Node.js and the npm toolchain.
command -v npm >/dev/null || apt_install nodejs npm
if ! fresh npm package.json package-lock.json || [ ! -x node_modules/.bin/forge ]; then
  say "npm ci"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
  stamp npm 2>/dev/null || true
fi
# The TypeScript client (clients/ts) has its own package-lock.json (viem, abitype, tsx, typescript).
if ! fresh npm-ts clients/ts/package.json clients/ts/package-lock.json || [ ! -x clients/ts/node_modules/.bin/tsx ]; then
  say "npm ci (clients/ts)"
  npm ci --prefix clients/ts --no-audit --no-fund --loglevel=error >/dev/null
  stamp npm-ts 2>/dev/null || true
fi

# 2. PostgreSQL server binaries (initdb, postgres); no cluster is started here.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  apt_install postgresql
  # The Debian package starts a system cluster; the project never uses it.
  as_root service postgresql stop >/dev/null 2>&1 || true
fi
if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
  say "creating the postgres system user (the server refuses to run as root)"
  useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
fi

# 3. Chromium for the dashboard's browser tests: Playwright drives Debian's build (never its own download).
if [ -z "${FMP_CHROMIUM:-}" ] && [ ! -x /usr/bin/chromium ]; then
  apt_install chromium
fi

# 4. .NET SDK and NuGet packages.
if ! command -v dotnet >/dev/null; then
  say "the .NET SDK (10.0) is missing: install it from https://dot.net; Debian does not package it"
  exit 1
fi
mapfile -t projects < <(git ls-files '*.csproj' 2>/dev/null || find src tests scripts -name '*.csproj')
# Only the solution's projects are restored here (the benchmarks restore when their scripts build them).
mapfile -t solution_projects < <(grep -o '"[^"]*\.csproj"' Protocol.sln | tr -d '"' | tr '\\' '/')
if ! fresh restore global.json Directory.Build.props Directory.Packages.props Protocol.sln "${projects[@]}" \
   || [ -n "$(for p in "${solution_projects[@]}"; do [ -f "$(dirname "$p")/obj/project.assets.json" ] || echo "$p"; done)" ]; then
  say "dotnet restore"
  dotnet restore Protocol.sln --verbosity quiet -p:WarningLevel=0 >"$stamps/restore.log" 2>&1 \
    || { cat "$stamps/restore.log" >&2; exit 1; }
  stamp restore
fi
