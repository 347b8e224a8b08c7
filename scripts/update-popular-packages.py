#!/usr/bin/env python3
"""Rebuilds Workers/SupplyChain/Data/popular-packages.json, the names supply_chain checks typosquats against.

Input: one tab-separated file per ecosystem with a header line, a `name` column and a popularity column, either
monthly downloads (larger is more popular) or a rank (smaller is more popular). Sources that publish such figures:
npm's public download counts per package (last month), the "top PyPI packages" dataset (a monthly ranking of the
most downloaded PyPI projects), NuGet's and RubyGems' total download counts. Any of them, exported to TSV, works:

  scripts/update-popular-packages.py --ecosystem npm=npm.tsv:downloads_a_month:3000 \
      --ecosystem pypi=pypi.tsv:rank_among_15000_most_downloaded:2000 [--origin "text"]

An ecosystem not named keeps its current list. The committed snapshot's origin is in the file's "origin" field.
"""
import argparse
import csv
import json
import pathlib
import sys

TARGET = pathlib.Path(__file__).resolve().parent.parent / "Workers" / "SupplyChain" / "Data" / "popular-packages.json"


def top_names(path, column, count):
    csv.field_size_limit(sys.maxsize)
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        name_at = 0
        value_at = next(i for i, h in enumerate(header) if h.startswith(column))
        rank = "rank" in column
        rows = []
        for row in reader:
            if len(row) <= value_at or not row[value_at].strip():
                continue
            try:
                value = float(row[value_at])
            except ValueError:
                continue
            rows.append((value, row[name_at].strip()))
    rows.sort(key=lambda r: r[0] if rank else -r[0])
    seen, names = set(), []
    for _, name in rows:
        if name and name.lower() not in seen:
            seen.add(name.lower())
            names.append(name)
        if len(names) == count:
            break
    return names


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ecosystem", action="append", required=True, help="ID=FILE:COLUMN:COUNT")
    parser.add_argument("--origin", default=None, help="where the input files came from, kept in the data file")
    args = parser.parse_args()
    data = json.loads(TARGET.read_text(encoding="utf-8")) if TARGET.exists() else {"ecosystems": {}}
    for spec in args.ecosystem:
        ecosystem, rest = spec.split("=", 1)
        path, column, count = rest.rsplit(":", 2)
        data["ecosystems"][ecosystem] = top_names(path, column, int(count))
    if args.origin:
        data["origin"] = args.origin
    data["ecosystems"] = dict(sorted(data["ecosystems"].items()))
    TARGET.write_text(json.dumps(data, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{TARGET}: " + ", ".join(f"{k} {len(v)}" for k, v in data["ecosystems"].items()))


if __name__ == "__main__":
    main()
