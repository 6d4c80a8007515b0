"""Summarise `trajlm eval --task predict` JSONs (with --shift rows) as docs/generalization.md's
table: per model, 5-step MAE, ratio to constant velocity, and each shift's ratio to unshifted.

Usage: python scripts/generalization_table.py out/gen/eval_*.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

CV = "constant velocity"


def rows(path: Path, seen_cv: set) -> tuple[list[str], list[str]]:
    doc = json.loads(path.read_text())
    res, split = doc["results"], doc.get("split_by", "time")
    base = {r["method"]: r["metrics"] for r in res if r["setting"] == "k=5"}
    shifts = [s for s in dict.fromkeys(r["setting"] for r in res) if s != "k=5"]
    out = []
    for method in base:
        if method != CV and not method.startswith("trajlm"):
            continue
        if method == CV:  # one constant-velocity row per split
            if split in seen_cv:
                continue
            seen_cv.add(split)
        mae = base[method]["mae_m"]
        cells = [path.stem, split, method, f"{mae:.1f}", f"{mae / base[CV]['mae_m']:.3f}"]
        for s in shifts:
            r = next(x for x in res if x["setting"] == s and x["method"] == method)
            cells.append(
                f"{r['metrics']['mae_ratio']:.3f} ({r['metrics']['mae_m'] / base[CV]['mae_m']:.2f})"
            )
        out.append("| " + " | ".join(cells) + " |")
    return out, shifts


def main(paths: list[str]) -> None:
    if not paths or paths[0] in ("-h", "--help"):
        print(__doc__)
        return
    header_shifts: list[str] = []
    lines = []
    seen_cv: set = set()
    for p in paths:
        body, shifts = rows(Path(p), seen_cv)
        header_shifts = header_shifts or shifts
        lines += body
    head = ["file", "split", "method", "MAE (m)", "MAE / const. vel."]
    head += [f"{s.split(', ', 1)[1]}: MAE ratio (vs CV)" for s in header_shifts]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    print("\n".join(lines))


if __name__ == "__main__":
    main(sys.argv[1:])
