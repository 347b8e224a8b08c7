#!/usr/bin/env bash
# Reproduces the binary_data / binwalk comparison of docs/accuracy.md: builds the corpus (scripts/binwalk_corpus.py),
# scans it with 'cucos worker binary_data' and with 'binwalk -B' file by file, and prints the comparison as Markdown.
# usage: bash scripts/compare-binwalk.sh [CORPUS_DIR]      needs: binwalk, python3, openssl, sqlite3 (Debian packages)
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in binwalk python3 openssl; do
  command -v "$tool" >/dev/null || { echo "error: '$tool' is missing: apt-get install -y --no-install-recommends binwalk python3 openssl" >&2; exit 1; }
done
corpus=${1:-$(mktemp -d)}
rm -rf "$corpus" && mkdir -p "$corpus"
python3 scripts/binwalk_corpus.py "$corpus/files"
dotnet run --project Cli -c Release -- worker binary_data "$corpus/files" --output "$corpus/ours.json" >/dev/null
(cd "$corpus/files" && find . -type f ! -name expected.tsv | sort | while read -r file; do
  binwalk -B "$file" | sed -n "s|^\([0-9][0-9]*\) *0x[0-9A-F]* *\(.*\)$|${file#./}\t\1\t\2|p"
done) > "$corpus/binwalk.tsv"
python3 scripts/binwalk_report.py "$corpus/files/expected.tsv" "$corpus/ours.json" "$corpus/binwalk.tsv" "$(binwalk 2>&1 | sed -n 's/^Binwalk v//p' | head -1)"
