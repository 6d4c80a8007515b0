"""irreg28: the small-val rule read in steps (before: main's verdict) or at report times (after:
this branch) on small irregular stores, scored at the test trips' report times
(scripts/irreg28/choose.py's records). Halves by kind, fixed before results: the rule is chosen
on the fitting half (lower geometric-mean regret on test5) and scored on the evaluation half.
Regret = the chosen engine's test ADE / the lowest of every engine either run fitted; ratio =
after / before per store; 95 % CIs by bootstrap over stores (and over kinds), 4000 draws.

    python scripts/irreg28/rules.py [BEFORE AFTER]  # reads $IRREG28/choice/{before,after} (default /tmp/irreg28)
"""

import json
import os
import re
import sys
from pathlib import Path

import numpy as np

OUT = Path(os.environ.get("IRREG28", "/tmp/irreg28"))
BEFORE, AFTER = sys.argv[1:3] if len(sys.argv) > 2 else ("before", "after")
EVAL_KINDS = {
    "seabird_1min_S",
    "ped_mall_1s",
    "bike_delivery_10s",
    "ships",
    "wolf_1h_70N",
    "cyclone_6h_S",
    "ship_antimer_5min",
}  # fmt: skip  (the rest: the fitting half)


def load() -> list[dict]:
    rows = []
    for path in sorted((OUT / "choice" / AFTER).glob("*.json")):
        a = json.loads(path.read_text())
        b = json.loads((OUT / "choice" / BEFORE / path.name).read_text())
        if "engine" not in a or "engine" not in b:
            continue
        kind = re.sub(r"_s\d+$", "", a["store"])
        row = {"store": a["store"], "kind": kind, "half": "eval" if kind in EVAL_KINDS else "fit",
               "before": b["engine"], "after": a["engine"]}  # fmt: skip
        for tag in ("test", "test5"):
            best = min(v for r in (a, b) for k, v in r[tag].items() if k != "n_windows")
            row[tag] = {"before": b[tag][b["engine"]] / best, "after": a[tag][a["engine"]] / best}
        rows.append(row)
    return rows


def geo(x) -> float:
    return float(np.exp(np.mean(np.log(x))))


def ci(rows: list[dict], tag: str, by: str = "store", draws: int = 4000) -> tuple[float, float]:
    rng = np.random.default_rng(28)
    groups = sorted({r[by] for r in rows})
    logs = {g: [np.log(r[tag]["after"] / r[tag]["before"]) for r in rows if r[by] == g]
            for g in groups}  # fmt: skip
    out = []
    for _ in range(draws):
        pick = rng.choice(groups, len(groups))
        out.append(np.exp(np.mean(np.concatenate([logs[g] for g in pick]))))
    return float(np.percentile(out, 2.5)), float(np.percentile(out, 97.5))


def table(rows: list[dict], title: str) -> None:
    print(f"\n{title}: {len(rows)} stores, {len({r['kind'] for r in rows})} kinds, "
          f"engine changed on {sum(r['before'] != r['after'] for r in rows)}")  # fmt: skip
    for tag in ("test5", "test"):
        b = geo([r[tag]["before"] for r in rows])
        a = geo([r[tag]["after"] for r in rows])
        lo, hi = ci(rows, tag)
        klo, khi = ci(rows, tag, "kind")
        print(f"  {tag}: regret before (steps) {b:.3f}, after (report times) {a:.3f}; after / "
              f"before {a / b:.3f} (CI over stores {lo:.3f}-{hi:.3f}, over kinds {klo:.3f}-{khi:.3f})")  # fmt: skip


def main() -> None:
    rows = load()
    fit = [r for r in rows if r["half"] == "fit"]
    ev = [r for r in rows if r["half"] == "eval"]
    table(fit, "fitting half")
    pick = "after" if geo([r["test5"]["after"] for r in fit]) < geo(
        [r["test5"]["before"] for r in fit]) else "before"  # fmt: skip
    print(f"  the fitting half picks: {pick}")
    table(ev, "evaluation half")
    table(rows, "all")
    print("\nper kind (test5 regret before -> after; engines changed):")
    for kind in sorted({r["kind"] for r in rows}):
        mine = [r for r in rows if r["kind"] == kind]
        print(f"  {kind} ({mine[0]['half']}, {len(mine)}): "
              f"{geo([r['test5']['before'] for r in mine]):.3f} -> "
              f"{geo([r['test5']['after'] for r in mine]):.3f}; "
              + "; ".join(f"{r['store']}: {r['before']} -> {r['after']}" for r in mine
                          if r["before"] != r["after"]))  # fmt: skip


if __name__ == "__main__":
    main()
