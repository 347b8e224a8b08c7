#!/usr/bin/env python3
"""Compares the languages worker's result with the real Linguist's, file by file (used by compare-linguist.sh).

usage: compare-linguist.py OURS.json LINGUIST_FILES.json LINGUIST_BREAKDOWN.json NAME
Prints one Markdown table row of agreement figures, then the most frequent disagreements.
"""
import collections
import json
import sys

ours_doc, theirs, breakdown, name = sys.argv[1:5]
ours = {f["path"]: f for f in json.load(open(ours_doc))["details"]["files"]}
theirs = json.load(open(theirs))
counted = {path for lang in json.load(open(breakdown)).values() for path in lang.get("files", [])}

paths = sorted(set(ours) & set(theirs))
missing = len(set(theirs) ^ set(ours))
text = [p for p in paths if not theirs[p]["binary"]]
detected = [p for p in text if theirs[p]["language"] or ours[p]["language"]]


def agree(field, subset):
    same = sum(1 for p in subset if ours[p][field] == theirs[p][field])
    return f"{same}/{len(subset)} ({100.0 * same / len(subset):.1f}%)" if subset else "-"


lines_subset = [p for p in text if ours[p]["size"] <= 128 * 1024]  # Linguist counts lines of the first 128 KiB only
ours_counted = {p for p in paths if ours[p]["in_breakdown"]}
print(f"| {name} | {len(paths)} | {agree('language', detected)} | {agree('binary', paths)} | "
      f"{agree('vendored', paths)} | {agree('generated', paths)} | {agree('documentation', paths)} | "
      f"{agree('lines', lines_subset)} | {agree('sloc', lines_subset)} | "
      f"{len(ours_counted & counted)}/{len(ours_counted | counted)} |" + (f" {missing} files only on one side |" if missing else ""))

def key(p):
    return theirs[p]["language"], ours[p]["language"], ours[p]["strategy"]


wrong = collections.Counter(key(p) for p in detected if ours[p]["language"] != theirs[p]["language"])
examples = {}
for p in detected:
    examples.setdefault(key(p), p)
for (linguist, cucos, strategy), count in wrong.most_common(15):
    print(f"    {count:5d}  linguist={linguist!s:24} ours={cucos!s:24} by {strategy!s:12} e.g. {examples[(linguist, cucos, strategy)]}", file=sys.stderr)
