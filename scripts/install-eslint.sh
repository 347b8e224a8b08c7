#!/usr/bin/env bash
# Installs ESLint for the static_analysis worker into a tools folder, with the pinned versions of tools/eslint's
# package.json and lock file, from the npm registry of your npm configuration (~/.npmrc, NPM_CONFIG_REGISTRY):
# this script names no registry. The folder gets the worker's ESLint configuration (cucos.eslint.config.mjs)
# beside node_modules; point Cucos:StaticAnalysis:eslint:Path at DIR/node_modules/.bin/eslint.
#
#   scripts/install-eslint.sh            installs into tools/eslint of this repository (what the tests use)
#   scripts/install-eslint.sh DIR        installs into DIR (the container image: /opt/cucos/eslint)
#
# Nothing is done when DIR already has the pinned ESLint. Needs Node.js (20.19 or later) and npm.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
source_dir="$here/tools/eslint"
target="${1:-$source_dir}"

for program in node npm; do
  if ! command -v "$program" >/dev/null 2>&1; then
    echo "error: $program is not installed; install Node.js and npm (apt-get install -y nodejs npm) and run $0 again." >&2
    exit 1
  fi
done

pinned="$(node -p 'require(process.argv[1]).dependencies.eslint' "$source_dir/package.json")"
installed="$target/node_modules/.bin/eslint"
mkdir -p "$target"
target="$(cd "$target" && pwd)"
if [ "$target" != "$source_dir" ]; then
  cp "$source_dir/package.json" "$source_dir/package-lock.json" "$source_dir/.npmrc" "$source_dir/cucos.eslint.config.mjs" "$target/"
fi
if [ -x "$installed" ] && [ "$("$installed" --version 2>/dev/null)" = "v$pinned" ] \
   && cmp -s "$source_dir/package-lock.json" "$target/node_modules/.cucos-installed-lock.json"; then
  echo "ESLint $pinned is already installed: $installed"
  exit 0
fi

# npm ci: exactly the lock file's versions, checked against its integrity hashes; no install scripts run.
if ! (cd "$target" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error); then
  echo "error: npm could not install ESLint into $target (see its message above); check your npm registry (npm config get registry) and that it is reachable." >&2
  exit 1
fi
cp "$source_dir/package-lock.json" "$target/node_modules/.cucos-installed-lock.json"
echo "ESLint $("$installed" --version) installed: $installed"
