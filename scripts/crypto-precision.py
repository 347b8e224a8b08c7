#!/usr/bin/env python3
"""Collects crypto_algorithms matches on real package trees for hand classification (docs/accuracy.md,
"crypto_algorithms: precision").

Runs the CLI's `worker crypto_algorithms DIR` for each tree, keeps the matches counted as uses (every match before
match kinds existed; after, those whose kind is not `mention`), draws a random sample with a fixed seed, and prints
each sampled match with the line it was found on, so a person can mark it right or wrong.

usage: scripts/crypto-precision.py CUCOS_DLL LABEL=DIR [LABEL=DIR ...] [--sample N] [--seed S] [--out FILE.jsonl]
  CUCOS_DLL  the built CLI (Cli/bin/Debug/net10.0/cucos.dll) of the commit to measure
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile


def run_worker(cli, tree):
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
        path = out.name
    try:
        subprocess.run(["dotnet", cli, "worker", "crypto_algorithms", tree, "-o", path],
                       check=True, stdout=subprocess.DEVNULL)
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    finally:
        os.unlink(path)


def line_of(tree, path, line):
    if line is None:
        return "(binary)"
    try:
        with open(os.path.join(tree, path), encoding="utf-8", errors="replace") as f:
            for number, text in enumerate(f, 1):
                if number == line:
                    text = text.strip()
                    return text if len(text) <= 240 else text[:240] + "…"
    except OSError as error:
        return f"(unreadable: {error})"
    return "(line not found)"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("cli")
    parser.add_argument("trees", nargs="+", metavar="LABEL=DIR")
    parser.add_argument("--sample", type=int, default=20)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--out")
    args = parser.parse_args()
    rows = []
    for spec in args.trees:
        label, _, tree = spec.partition("=")
        if not tree or not os.path.isdir(tree):
            sys.exit(f"{spec}: expected LABEL=DIR with an existing directory; give e.g. npm=/usr/lib/node_modules/npm.")
        document = run_worker(args.cli, tree)
        summary = document["summary"]
        matches = document["details"]["matches"]
        uses = [m for m in matches if m.get("kind", "api_use") != "mention"]
        mentions = len(matches) - len(uses)
        sample = random.Random(args.seed).sample(uses, min(args.sample, len(uses)))
        print(f"## {label} ({tree}): {summary['matches']} matches reported, {len(matches)} listed, "
              f"{len(uses)} listed uses, {mentions} listed mentions; sample of {len(sample)} (seed {args.seed})")
        for i, m in enumerate(sample, 1):
            where = f"{m['path']}:{m['line']}" if m.get("line") else f"{m['path']}@{m.get('offset')}"
            context = line_of(tree, m["path"], m.get("line"))
            print(f"{i:3} {m['algorithm']} [{m.get('kind', '-')}/{m['match_type']}] '{m['text']}' {where}\n      {context}")
            rows.append({"tree": label, **m, "context": context})
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
