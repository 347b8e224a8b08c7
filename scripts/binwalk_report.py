#!/usr/bin/env python3
"""Prints the binary_data / binwalk comparison as Markdown. usage: binwalk_report.py EXPECTED OURS_JSON BINWALK_TSV VERSION"""
import collections, json, sys

expected_path, ours_path, binwalk_path, version = sys.argv[1:5]
expected = [(f, int(o), t) for f, o, t in (l.rstrip("\n").split("\t") for l in open(expected_path) if l.strip())]
ours = collections.defaultdict(dict)
for entry in json.load(open(ours_path))["details"]["files"]:
    for hit in entry["hits"]:
        ours[entry["path"]][hit["offset"]] = hit["description"]
theirs = collections.defaultdict(dict)
for line in open(binwalk_path):
    f, o, d = line.rstrip("\n").split("\t", 2)
    theirs[f].setdefault(int(o), d)

placed = {(f, o) for f, o, _ in expected}
print(f"binwalk {version} (`binwalk -B`, default signatures) and `cucos worker binary_data` on the same files.\n")
print("### Payloads placed at known offsets\n")
print("| file | offset | payload | binary_data | binwalk |")
print("|---|---:|---|---|---|")
found_ours = found_theirs = 0
for f, o, t in expected:
    a, b = ours[f].get(o), theirs[f].get(o)
    found_ours += a is not None
    found_theirs += b is not None
    print(f"| {f} | {o} | {t} | {a or '**missed**'} | {b or '**missed**'} |")
print(f"\nFound: binary_data {found_ours} of {len(expected)}, binwalk {found_theirs} of {len(expected)}.\n")

def extras(hits, files):
    rows = []
    for f in sorted(files):
        for o, d in sorted(hits[f].items()):
            if (f, o) not in placed:
                rows.append((f, o, d))
    return rows

all_files = set(ours) | set(theirs)
print("### Everything else each tool reported (inside payloads, in filler, in near-misses)\n")
print("| tool | file | offset | description |")
print("|---|---|---:|---|")
for name, hits in (("binary_data", ours), ("binwalk", theirs)):
    rows = extras(hits, all_files)
    for f, o, d in rows:
        print(f"| {name} | {f} | {o} | {d} |")
for name, hits in (("binary_data", ours), ("binwalk", theirs)):
    rows = extras(hits, all_files)
    print(f"\n{name}: {len(rows)} other hit(s), {sum(1 for f, _, _ in rows if f.startswith('near-miss/'))} in near-miss files.", end="")
print()
