#!/usr/bin/env python3
"""Compares source_licenses with licensecheck on one tree, file by file (used by scripts/licence-accuracy.sh).

usage: licence_accuracy.py TREE LICENSECHECK_TSV OURS_JSON [LABEL]
Prints one markdown table row of agreement figures and, after it, the most frequent disagreements of each
category. Only a file's own licences count: its mentions (licences a changelog or another project's sentence
names) are not licences of the file, and licensecheck has no such notion.
"""
import collections
import json
import re
import sys

tree, licensecheck_tsv, ours_json = sys.argv[1:4]
label = sys.argv[4] if len(sys.argv) > 4 else ""


def normalise(identifier):
    """One spelling per licence: '-only' dropped (licensecheck and SPDX differ there), '+' read as '-or-later'."""
    identifier = identifier.strip().strip("()")
    if identifier.endswith("+"):
        identifier = identifier[:-1] + "-or-later"
    identifier = re.sub(r"-only$", "", identifier)
    # licensecheck writes "GPL-2" where SPDX writes "GPL-2.0"; case differs for a few ids (MIT-open-group).
    return re.sub(r"^((?:A|L)?GPL-\d)(?=$|-)", r"\1.0", identifier).upper()


def family(identifier):
    """The licence without its version: GPL-2.0-or-later -> GPL, BSD-3-Clause -> BSD."""
    return re.split(r"[-_ ]?(?:v?\d|only|or-later)", identifier, maxsplit=1)[0].upper()


theirs = {}
with open(licensecheck_tsv, encoding="utf-8", errors="replace") as lines:
    for line in lines:
        path, _, found = line.rstrip("\n").partition("\t")
        path = path[2:] if path.startswith("./") else path
        ids = set()
        if found and found != "UNKNOWN":
            for part in re.split(r"\s+and/or\s+|\s+or\s+|\s+and\s+|\s+with\s+\S+|\s*,\s*", found):
                if part.strip() and part != "UNKNOWN":
                    ids.add(normalise(part))
        theirs[path] = ids

with open(ours_json, encoding="utf-8") as document:
    details = json.load(document)["details"]
ours = collections.defaultdict(set)
for entry in details["files"]:
    for finding in entry["licenses"]:
        if finding["confidence"] > 0:
            ours[entry["path"]].update(normalise(i) for i in finding["license_ids"])

counts = collections.Counter()
disagreements = {category: collections.Counter() for category in ("same_family", "differ", "only_licensecheck", "only_ours")}
for path, their_ids in theirs.items():
    our_ids = ours.get(path, set())
    if not their_ids and not our_ids:
        counts["neither"] += 1
    elif their_ids == our_ids:
        counts["same"] += 1
    elif their_ids and our_ids and {family(i) for i in their_ids} == {family(i) for i in our_ids}:
        counts["same_family"] += 1
        disagreements["same_family"][(" + ".join(sorted(their_ids)), " + ".join(sorted(our_ids)))] += 1
    elif their_ids and our_ids:
        counts["differ"] += 1
        disagreements["differ"][(" + ".join(sorted(their_ids)), " + ".join(sorted(our_ids)))] += 1
    elif their_ids:
        counts["only_licensecheck"] += 1
        disagreements["only_licensecheck"][(" + ".join(sorted(their_ids)), "-")] += 1
    else:
        counts["only_ours"] += 1
        disagreements["only_ours"][("-", " + ".join(sorted(our_ids)))] += 1

files = len(theirs)
either = files - counts["neither"]
agree = counts["same"] + counts["neither"]
print("| tree | files | licence found by either | same ids | same family, other version or variant | different | only licensecheck | only source_licenses | agreement, all files | agreement where either found one |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
print(f"| `{tree}`{label} | {files} | {either} | {counts['same']} | {counts['same_family']} | {counts['differ']} | "
      f"{counts['only_licensecheck']} | {counts['only_ours']} | {100 * agree / max(files, 1):.1f} % | "
      f"{100 * counts['same'] / max(either, 1):.1f} % |")
print()
titles = {
    "same_family": "same family, other version or variant",
    "differ": "different licences",
    "only_licensecheck": "only licensecheck found one",
    "only_ours": "only source_licenses found one",
}
print("Most frequent disagreements by category (licensecheck → source_licenses: files):")
for category, title in titles.items():
    if not disagreements[category]:
        continue
    print()
    print(f"{title} ({counts[category]} files):")
    for (their, our), n in disagreements[category].most_common(8):
        print(f"- {their} → {our}: {n}")
