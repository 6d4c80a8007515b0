"""blend21: one table over held-out stores from scripts/blend21_table.py outputs.

    python scripts/blend21_summary.py OUT_DIR/*_test.json

Rows: data set; columns: each method's MAE / kNN continuation (95 % CI) and its verdict
("below" when the CI is under 1), for the methods named in METHODS.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

METHODS = ("selector", "model", "kNN continuation (place-aware)", "constant velocity",
           "mean (selector, model)", "gate (selector, model)")  # fmt: skip


def cell(r: dict, key: str = "vs_knn") -> str:
    c = r[key]
    tag = "**" if c["hi"] < 1 else ""
    return f"{tag}{c['ratio']:.3f}{tag} ({c['lo']:.3f}-{c['hi']:.3f})"


def main(paths: list[str]) -> None:
    head = "| data set | test trips | kNN MAE m | " + " | ".join(f"{m} / kNN" for m in METHODS)
    print(head + " | selector / best kNN |")
    print("|---" * (len(METHODS) + 4) + "|")
    for p in sorted(paths):
        doc = json.loads(Path(p).read_text())
        rows = {r["method"]: r for r in doc["rows"]}
        meta = doc["meta"]
        seeds = {m: rows[m]["n_seeds"] for m in ("selector", "model") if m in rows}
        name = (
            f"{meta['name']} (sel {seeds.get('selector', 0)}, model {seeds.get('model', 0)} seeds)"
        )
        cells = [cell(rows[m]) if m in rows else "-" for m in METHODS]
        best = cell(rows["selector"], "vs_best_knn") if "selector" in rows else "-"
        knn = rows["kNN continuation"]["mae_m"]
        print(f"| {name} | {meta['n']} | {knn:,.1f} | " + " | ".join(cells) + f" | {best} |")


if __name__ == "__main__":
    main(sys.argv[1:])
