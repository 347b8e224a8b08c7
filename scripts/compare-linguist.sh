#!/bin/sh
# File-level agreement of the languages worker with the real GitHub Linguist (Debian ruby-github-linguist 7.22)
# on source trees. Linguist 7.22 reads git repositories only, so each tree is copied to a scratch folder and
# committed (every file, ignore rules or not); both tools then read the same files.
#
#   scripts/compare-linguist.sh TREE [TREE...]     (Markdown rows on stdout, disagreements on stderr)
set -eu
repo_root=$(cd "$(dirname "$0")/.." && pwd)
command -v github-linguist >/dev/null || { echo "github-linguist is missing: apt-get install -y ruby-github-linguist" >&2; exit 2; }
scratch=$(mktemp -d /tmp/cucos-linguist-compare.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
dotnet build "$repo_root/Cli" -c Release -v q -nologo >/dev/null
cucos="$repo_root/Cli/bin/Release/net10.0/cucos.dll"

echo "| tree | files | language (text files either side detects) | binary | vendored | generated | documentation | lines | sloc | files in the breakdown, both / either |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for tree in "$@"; do
  name=$(basename "$tree")
  work="$scratch/$name"
  mkdir -p "$work"
  (cd "$tree" && tar --exclude=.git -cf - .) | (cd "$work" && tar -xf -)
  find "$work" -name .gitattributes -delete # the worker does not read .gitattributes overrides
  dotnet "$cucos" worker languages "$work" --output "$scratch/$name.ours.json"
  git -C "$work" init -q
  git -C "$work" add -A -f
  git -C "$work" -c user.name=compare -c user.email=compare@localhost commit -q -m tree --no-verify
  ruby "$repo_root/scripts/linguist-files.rb" "$work" > "$scratch/$name.linguist.json"
  github-linguist "$work" --breakdown --json > "$scratch/$name.breakdown.json"
  echo "== $name" >&2
  python3 "$repo_root/scripts/compare-linguist.py" "$scratch/$name.ours.json" "$scratch/$name.linguist.json" "$scratch/$name.breakdown.json" "$name"
done
