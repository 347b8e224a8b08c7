#!/usr/bin/env bash
# Throughput of supply_chain and crypto_algorithms on one tree of real packages, next to a plain regex scan of the
# same patterns (supply_chain's rules from Workers/SupplyChain/SignalRules.cs, crypto_algorithms' from its data file)
# with no lexing, line by line, in the same run, interleaved round by round. Each worker runs as `cucos worker` (a
# whole process: start-up, loading its data, the scan). Figures go to docs/benchmarks.md.
# Needs python3 and /usr/bin/time.
# usage: bench/supply-chain.sh [TREE] [ROUNDS]    (default: /usr/lib/node_modules/npm, 3 rounds)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tree="${1:-/usr/lib/node_modules/npm}"
rounds="${2:-3}"
[ -d "$tree" ] || { echo "error: '$tree' is not a directory" >&2; exit 2; }
command -v python3 >/dev/null || { echo "error: python3 is not installed" >&2; exit 1; }
dotnet build -c Release "$root/Cli" -v quiet -nologo >/dev/null
cucos="$root/Cli/bin/Release/net10.0/cucos.dll"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
files=$(find "$tree" -type f | wc -l)
bytes=$(find "$tree" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
echo "tree $tree: $files files, $((bytes / 1024 / 1024)) MiB; $rounds rounds; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"

# The baseline: every pattern over every line of every file, as a grep-like scanner would.
cat > "$work/plain.py" <<'PY'
import json, os, re, sys
try:
    # The crypto patterns use .NET's variable-width look-behinds; Python's `regex` module reads them, `re` does not.
    import regex as engine
except ImportError:
    engine = re
root, rules_cs, crypto_json, which = sys.argv[1:5]
if which == "supply":
    text = open(rules_cs, encoding="utf-8").read()
    patterns = [p.replace('""', '"') for p in re.findall(r'\bRi?\(@"((?:[^"]|"")*)"', text)]
    patterns = [re.sub(r"\(\?<(\w+)>", r"(?P<\1>", p) for p in patterns]
else:
    data = json.load(open(crypto_json, encoding="utf-8"))
    patterns = [p for a in data.get("algorithms", []) for p in a.get("content", [])] or [".^"]
compiled, unreadable = [], 0
for p in patterns:
    try:
        compiled.append(engine.compile(p))
    except Exception:  # re or regex error: a .NET-only construct; counted and reported, never silently dropped
        unreadable += 1
if unreadable:
    print(unreadable, "patterns this Python cannot compile were left out (pip install regex reads them)", file=sys.stderr)
matches = 0
for folder, _, names in os.walk(root):
    for name in names:
        try:
            with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as handle:
                for line in handle:
                    for pattern in compiled:
                        matches += sum(1 for _ in pattern.finditer(line))
        except OSError:
            pass
print(len(compiled), "patterns,", matches, "matches", file=sys.stderr)
PY

measure() {
  local start end usage="$work/usage"
  start=$(date +%s.%N)
  /usr/bin/time -o "$usage" -f '%U %S' "$@" >/dev/null 2>"$work/stderr" || { cat "$work/stderr" >&2; return 1; }
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" '{ printf "%.2f %.2f\n", e - s, $1 + $2 }' "$usage"
}

tools="plain_regex_supply supply_chain plain_regex_crypto crypto_algorithms"
declare -A wall cpu
for round in $(seq 1 "$rounds"); do
  for tool in $tools; do
    case $tool in
      plain_regex_supply) result=$(measure python3 "$work/plain.py" "$tree" "$root/Workers/SupplyChain/SignalRules.cs" "$root/Workers/Crypto/Data/crypto-patterns.json" supply) ;;
      plain_regex_crypto) result=$(measure python3 "$work/plain.py" "$tree" "$root/Workers/SupplyChain/SignalRules.cs" "$root/Workers/Crypto/Data/crypto-patterns.json" crypto) ;;
      *) result=$(measure dotnet "$cucos" worker "$tool" "$tree" --output "$work/$tool.json") ;;
    esac
    read -r w c <<<"$result"
    echo "round $round  $tool: ${w} s wall, ${c} s cpu"
    wall[$tool]="${wall[$tool]:-} $w"
    cpu[$tool]="${cpu[$tool]:-} $c"
  done
done

echo
echo "| tool | MB/s (median wall) | median wall (s) | median CPU (s) | MB per CPU-second |"
echo "|---|---:|---:|---:|---:|"
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
for tool in $tools; do
  w=$(echo "${wall[$tool]}" | median)
  c=$(echo "${cpu[$tool]}" | median)
  awk -v t="$tool" -v b="$bytes" -v w="$w" -v c="$c" \
    'BEGIN { printf "| %s | %.2f | %.2f | %.2f | %.2f |\n", t, b / 1e6 / w, w, c, b / 1e6 / c }'
done
