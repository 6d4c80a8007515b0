"""The session-7 choice rule for travel time (docs/travel-time.md), applied to val tables.

Reads scripts/tte_residual.py JSON outputs (several per data set are merged; every one carries
its own GB row, identical across files) and, for every arm scored on val on both data sets,
prints the four relative differences to gradient boosting (MAE and MAPE, data set A and B) and
picks: among the arms below GB on all four, the lowest mean of the four; if none, the lowest
mean overall.

    python scripts/tte_choose.py --a out/tte/porto_val.json --b out/tte/geolife_val.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

METRICS = ("mae_min", "mape_pct")


def relative_to_gb(paths: list[Path]) -> dict[str, dict[str, float]]:
    """arm -> {metric: (arm - GB) / GB} over the merged files of one data set (val only)."""
    out: dict[str, dict[str, float]] = {}
    for path in paths:
        doc = json.loads(path.read_text())
        if doc["meta"]["split"] != "val":
            raise SystemExit(f"{path}: split {doc['meta']['split']!r}; the choice reads val only")
        gb = next(r for r in doc["rows"] if r["method"] == "gb")
        for r in doc["rows"]:
            if r["method"] != "gb":
                out[r["method"]] = {k: (r[k] - gb[k]) / gb[k] for k in METRICS}
    return out


def choose(a: dict, b: dict, prefix: str = "") -> tuple[list[dict], str]:
    """(rows sorted by the mean of the four differences, the chosen arm); only arms whose name
    starts with ``prefix`` (e.g. "residual": the baselines' rows are not candidates)."""
    rows = []
    for arm in sorted(a.keys() & b.keys()):
        if not arm.startswith(prefix):
            continue
        d = [a[arm][k] for k in METRICS] + [b[arm][k] for k in METRICS]
        rows.append({"arm": arm, "diffs": d, "mean": sum(d) / 4, "all_below": max(d) < 0})
    rows.sort(key=lambda r: r["mean"])
    below = [r for r in rows if r["all_below"]]
    return rows, (below or rows)[0]["arm"]


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--a", nargs="+", type=Path, required=True, help="val JSONs, data set A")
    ap.add_argument("--b", nargs="+", type=Path, required=True, help="val JSONs, data set B")
    ap.add_argument("--prefix", default="", help="candidates: arms whose name starts with it")
    args = ap.parse_args(argv)
    rows, chosen = choose(relative_to_gb(args.a), relative_to_gb(args.b), args.prefix)
    print("| arm | A MAE | A MAPE | B MAE | B MAPE | mean | below GB on all four |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        d = " | ".join(f"{100 * x:+.1f} %" for x in r["diffs"])
        mark = " ◀" if r["arm"] == chosen else ""
        print(
            f"| {r['arm']}{mark} | {d} | {100 * r['mean']:+.1f} % | {'yes' if r['all_below'] else 'no'} |"
        )
    print(f"chosen: {chosen}")
    return {"rows": rows, "chosen": chosen}


if __name__ == "__main__":
    main()
