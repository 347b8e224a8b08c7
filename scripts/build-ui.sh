#!/usr/bin/env bash
# Rebuilds the web UI (ui/) into Silo/Ui/dist, the files the silo embeds and serves at /ui. Commit the result with the
# change to ui/: `dotnet build` embeds whatever Silo/Ui/dist holds and needs no Node. Needs node and npm (the npm of
# this machine's configuration; the lock names no registry host).
set -euo pipefail
cd "$(dirname "$0")/../ui"
if ! command -v npm >/dev/null 2>&1; then
  echo "error: npm is not installed: install Node.js and npm (Debian: apt-get install nodejs npm), then run $0 again." >&2
  exit 2
fi
npm ci --no-audit --no-fund
npm run build
echo "built: $(cd ../Silo/Ui/dist && find . -type f | sort | tr '\n' ' ')"
