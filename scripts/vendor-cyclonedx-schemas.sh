#!/usr/bin/env bash
# Vendors the official CycloneDX 1.6 JSON schema, and the two schemas it references (spdx.schema.json and
# jsf-0.82.schema.json), as test data into Tests/Sbom/Schemas/. They ship in the npm package
# @cyclonedx/cyclonedx-library under res/schema/; `npm pack` fetches it from the registry of the user's own npm
# configuration (.npmrc, npm_config_registry), so no registry is named here.
# Usage: scripts/vendor-cyclonedx-schemas.sh [VERSION]   (default: the version recorded in ORIGIN.md)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
target="$here/Tests/Sbom/Schemas"
version="${1:-$(sed -n 's/^package: @cyclonedx\/cyclonedx-library@\([0-9.]*\)$/\1/p' "$target/ORIGIN.md" 2>/dev/null || true)}"
version="${version:-10.3.0}"
command -v npm >/dev/null || { echo "npm is not installed: install it (Debian package npm) and run again." >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "@cyclonedx/cyclonedx-library@$version" >/dev/null)
tar -xzf "$work"/cyclonedx-cyclonedx-library-"$version".tgz -C "$work"
mkdir -p "$target"
for schema in bom-1.6 spdx jsf-0.82; do
  cp "$work/package/res/schema/$schema.SNAPSHOT.schema.json" "$target/$schema.schema.json"
done
cat > "$target/ORIGIN.md" <<EOF
# Origin of these schemas

Copied unchanged (only renamed, without ".SNAPSHOT") by scripts/vendor-cyclonedx-schemas.sh from
res/schema/ of the npm package:

package: @cyclonedx/cyclonedx-library@$version

| file | upstream file | \$id |
|---|---|---|
| bom-1.6.schema.json | res/schema/bom-1.6.SNAPSHOT.schema.json | http://cyclonedx.org/schema/bom-1.6.schema.json |
| spdx.schema.json | res/schema/spdx.SNAPSHOT.schema.json | http://cyclonedx.org/schema/spdx.schema.json |
| jsf-0.82.schema.json | res/schema/jsf-0.82.SNAPSHOT.schema.json | http://cyclonedx.org/schema/jsf-0.82.schema.json |
| spdx-2.3.schema.json | (not from npm) repository spdx/spdx-spec, branch support/2.3 (commit ed8c9b5), schemas/spdx-schema.json | http://spdx.org/rdf/terms/2.3 |

The CycloneDX schemas are published under the Apache License 2.0; the SPDX schema under the Community Specification License 1.0.
EOF
echo "vendored CycloneDX schemas of @cyclonedx/cyclonedx-library@$version into $target"
