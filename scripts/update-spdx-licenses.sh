#!/usr/bin/env bash
# Regenerates Workers/Licenses/Data/spdx-licenses.json, the SPDX licence list with full texts that the
# source_licenses worker matches against, from the npm package spdx-license-list (fetched with `npm pack`
# from the registry npm is configured with). Usage: scripts/update-spdx-licenses.sh [VERSION]
set -euo pipefail
version="${1:-6.12.0}"
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "spdx-license-list@$version" >/dev/null && tar xzf spdx-license-list-*.tgz)
node - "$work/package" "$root/Workers/Licenses/Data/spdx-licenses.json" "$version" <<'JS'
const fs = require('fs');
const [dir, out, version] = process.argv.slice(2);
const full = JSON.parse(fs.readFileSync(dir + '/spdx-full.json', 'utf8'));
const readme = fs.readFileSync(dir + '/readme.md', 'utf8');
const listVersion = (readme.match(/SPDX License List version ([0-9.]+)/) || [])[1] || null;
const ids = Object.keys(full).sort((a, b) => a.localeCompare(b, 'en'));
// One line per licence keeps the file diffable when the list is updated.
const lines = ids.map(id => JSON.stringify({
  id, name: full[id].name, osi_approved: !!full[id].osiApproved, text: full[id].licenseText.replace(/\r\n?/g, '\n'),
}));
fs.writeFileSync(out, '{"source":' + JSON.stringify('npm spdx-license-list@' + version) +
  ',"spdx_list_version":' + JSON.stringify(listVersion) + ',"licenses":[\n' + lines.join(',\n') + '\n]}\n');
console.log(`wrote ${ids.length} licences (SPDX list ${listVersion}) to ${out}`);
JS
