"""Print the 5-step model / constant velocity table of scripts/steady39/measure.sh outputs.

python scripts/steady39/table.py DIR [DIR2]   # DIR2: a second arm, printed as DIR -> DIR2
Cells: ratio (bootstrap 95 % CI over trips); ** = worse than CV with the CI above 1.
"""

from __future__ import annotations

import glob
import json
import os
import sys

HISTS = [2, 3, 4, 5, 6, 7, 8, 9, 10, 20]


def load(d: str) -> dict[str, dict]:
    out = {}
    for f in sorted(glob.glob(os.path.join(d, "*.json"))):
        r = json.load(open(f))
        out[r["info"]["name"]] = {
            (x["hist"]): x for x in r["rows"] if x["arm"] == "trajlm" and x["steps"] == "1-5"
        } | {"info": r["info"]}
    return out


def cell(x: dict) -> str:
    flag = "**" if x["ratio"] > 1 and x["lo"] > 1 else ""
    return f"{flag}{x['ratio']:.3f}{flag} ({x['lo']:.2f}-{x['hi']:.2f})"


def main() -> None:
    a = load(sys.argv[1])
    b = load(sys.argv[2]) if len(sys.argv) > 2 else None
    print("| set | n | " + " | ".join(f"{h}" for h in HISTS) + " |")
    print("|---|---|" + "---|" * len(HISTS))
    worse = []
    for name, rows in a.items():
        cells = []
        for h in HISTS:
            if h not in rows:
                cells.append("")
                continue
            if b is None or name not in b:
                cells.append(cell(rows[h]))
            else:
                cells.append(f"{rows[h]['ratio']:.3f} -> {cell(b[name][h])}")
            last = b[name][h] if b is not None and name in b else rows[h]
            if last["ratio"] > 1 and last["lo"] > 1 and h <= 10:
                worse.append(
                    f"{name} h={h} {last['ratio']:.3f} ({last['lo']:.3f}-{last['hi']:.3f})"
                )
        print(f"| {name} | {rows['info']['n']} | " + " | ".join(cells) + " |")
    print(f"\ncells at 2-10 fixes worse than CV with the CI above 1: {len(worse)}")
    for w in worse:
        print("  " + w)


if __name__ == "__main__":
    main()
