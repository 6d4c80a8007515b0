"""The CPU seconds per test module and per test of a run logged by scripts/tidy29/durlog.py,
most first (docs/testing.md "Session 29 (tidy29)").

    python scripts/tidy29/durlog_table.py /tmp/tidy29/suite [--most 30]

Reads PREFIX.*.tsv; prints to stdout, writes nothing."""

from __future__ import annotations

import argparse
import collections
import glob


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("prefix", help="DURLOG of the run (its files are PREFIX.<worker>.tsv)")
    ap.add_argument("--most", type=int, default=30, help="rows in each table")
    args = ap.parse_args(argv)
    modules: dict[str, list[float]] = collections.defaultdict(lambda: [0, 0.0, 0.0, 0.0])
    tests = []
    for path in sorted(glob.glob(f"{args.prefix}.*.tsv")):
        for line in open(path):
            if line.startswith("#collected"):
                print(f"{path}: collected after {line.split()[2]} CPU s")
                continue
            nodeid, wall, own, kids = line.split("\t")[:4]
            m = modules[nodeid.split("::")[0]]
            m[0] += 1
            m[1] += float(wall)
            m[2] += float(own)
            m[3] += float(kids)
            tests.append((float(own) + float(kids), float(wall), nodeid))
    cpu = sum(m[2] + m[3] for m in modules.values())
    print(f"{len(tests)} tests in {len(modules)} modules: {cpu:.0f} CPU s (own + children)\n")
    print(
        "| CPU s | own | children | wall s | tests | module |\n| --- | --- | --- | --- | --- | --- |"
    )
    for name, m in sorted(modules.items(), key=lambda kv: -(kv[1][2] + kv[1][3]))[: args.most]:
        print(f"| {m[2] + m[3]:.1f} | {m[2]:.1f} | {m[3]:.1f} | {m[1]:.1f} | {m[0]:.0f} | {name} |")
    print("\n| CPU s | wall s | test |\n| --- | --- | --- |")
    for c, w, nodeid in sorted(tests, reverse=True)[: args.most]:
        print(f"| {c:.1f} | {w:.1f} | `{nodeid}` |")


if __name__ == "__main__":
    main()
