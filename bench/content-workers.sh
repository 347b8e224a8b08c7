#!/usr/bin/env bash
# The content workers next to their reference tools, interleaved round by round on the same files (warm page cache).
#   digests      against md5sum, sha1sum, sha256sum and ssdeep run one after another (the original design's way),
#                and against sha256sum alone;
#   binary_data  against binwalk's signature scan (binwalk -B), on a subset: binwalk is far slower.
# usage: bash bench/content-workers.sh [TREE] [ROUNDS] [BINWALK_MB]
#   TREE defaults to the .NET shared framework folder (a few hundred real DLLs, ~100 MB), ROUNDS to 3,
#   BINWALK_MB (the size of the subset for the binary_data comparison) to 10.
# Our workers run as a user runs them: 'cucos worker TASK TREE' from a Release build, .NET start-up included.
# Figures go to docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
tree=${1:-$(dirname "$(readlink -f "$(command -v dotnet)")")/shared}
tree=$(readlink -f "$tree")
rounds=${2:-3}
binwalk_mb=${3:-10}
for tool in md5sum sha1sum sha256sum ssdeep binwalk python3; do
  command -v "$tool" >/dev/null || { echo "error: '$tool' is missing: apt-get install -y --no-install-recommends ssdeep binwalk coreutils python3" >&2; exit 1; }
done
[ -d "$tree" ] || { echo "error: '$tree' is not a folder; give a folder of files to digest." >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet build Cli -c Release -o "$work/cli" -v quiet -nologo >/dev/null
cucos="$work/cli/cucos"

find "$tree" -type f -print0 | sort -z > "$work/all"
# The binwalk subset: the tree's files in path order until BINWALK_MB, copied so both tools see one folder.
mkdir -p "$work/subset"
python3 - "$work/all" "$work/subset" "$binwalk_mb" <<'PY'
import os, shutil, sys
paths = [p for p in open(sys.argv[1], 'rb').read().split(b'\0') if p]
budget, used = int(sys.argv[3]) * 1_000_000, 0
for i, p in enumerate(paths):
    size = os.path.getsize(p)
    if used + size > budget:
        continue
    shutil.copyfile(p, os.path.join(sys.argv[2].encode(), b'%05d-' % i + os.path.basename(p)))
    used += size
PY
find "$work/subset" -type f -print0 | sort -z > "$work/sub"
bytes() { xargs -0 stat -c %s < "$1" | awk '{ s += $1 } END { print s }'; }
tree_bytes=$(bytes "$work/all"); sub_bytes=$(bytes "$work/sub")
cat "$work/all" | xargs -0 cat > /dev/null   # warm the page cache

# seconds COMMAND...: wall-clock seconds of one run, output discarded.
seconds() { local s e; s=$(date +%s.%N); "$@" > /dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | awk '{ split($0, a, " - "); printf "%.3f", a[1] - a[2] }'; }
chain() { xargs -0 md5sum < "$work/all"; xargs -0 sha1sum < "$work/all"; xargs -0 sha256sum < "$work/all"; xargs -0 ssdeep < "$work/all"; }
sha256_only() { xargs -0 sha256sum < "$work/all"; }
binwalk_scan() { xargs -0 binwalk -B -q < "$work/sub"; }

echo "tree: $tree ($(tr -cd '\0' < "$work/all" | wc -c) files, $tree_bytes bytes); binwalk subset: $(tr -cd '\0' < "$work/sub" | wc -c) files, $sub_bytes bytes; $(nproc) cores"
printf '%-6s %-48s %9s %9s\n' round run seconds MB/s
for round in $(seq 1 "$rounds"); do
  for run in digests chain sha256 binary_data binwalk binary_data_tree; do
    case $run in
      digests)     t=$(seconds "$cucos" worker digests "$tree" --output "$work/digests.json"); b=$tree_bytes; name="cucos worker digests (md5+sha1+sha256+ssdeep)" ;;
      chain)       t=$(seconds chain); b=$tree_bytes; name="md5sum; sha1sum; sha256sum; ssdeep" ;;
      sha256)      t=$(seconds sha256_only); b=$tree_bytes; name="sha256sum alone" ;;
      binary_data) t=$(seconds "$cucos" worker binary_data "$work/subset" --output "$work/binary.json"); b=$sub_bytes; name="cucos worker binary_data (subset)" ;;
      binwalk)     t=$(seconds binwalk_scan); b=$sub_bytes; name="binwalk -B (subset)" ;;
      binary_data_tree) t=$(seconds "$cucos" worker binary_data "$tree" --output "$work/binary.json"); b=$tree_bytes; name="cucos worker binary_data (whole tree)" ;;
    esac
    printf '%-6s %-48s %9s %9.1f\n' "$round" "$name" "$t" "$(awk -v b="$b" -v t="$t" 'BEGIN { print b / 1e6 / t }')"
  done
done
