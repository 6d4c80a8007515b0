"""Session 32 (gate32): measure.py's JSON files as docs/generalization.md's table.

python scripts/gate32/table.py OUT     (OUT: $GATE32_OUT, default runs/gate32)
"""

import json
import sys
from pathlib import Path

NAMES = ["porto_val", "geolife_val", "suez_val", "vessels30_val", "transit_val", "vans_val",
         "vessels30_train"]  # fmt: skip


def _ci(d: dict, key: str) -> str:
    ci = d.get(key)
    return f"{ci[0]:.3f}-{ci[1]:.3f}" if ci else "-"


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "runs/gate32")
    print("| store (windows) | range A / B (m/s) | gated A / B / C | ADE all A / B / C / none / cv (m) "
          "| B/A all (95 % CI) | B differs: windows, ADE A / B / none / cv (B/A CI) | G differs |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    for name in NAMES:
        f = out / f"{name}.json"
        if not f.exists():
            continue
        r = json.loads(f.read_text())
        rg = r["ranges"]
        sg = r["share_gated"]
        a = r["ade_all"]
        d = r["B_vs_A"]
        ratio = a["B"] / a["A"]
        diff = (f"{d['windows']}: {d['A']:.1f} / {d['B']:.1f} / {d['none']:.1f} / {d['cv']:.1f}"
                f" ({_ci(d, 'B_over_A_ci95')})") if d["windows"] else "0"  # fmt: skip
        print(
            f"| {name} ({r['n_windows']}) | {rg['A'][0]:.3g}-{rg['A'][1]:.3g} / "
            f"{rg['B'][0]:.3g}-{rg['B'][1]:.3g} | {sg['A']:.1%} / {sg['B']:.1%} / {sg['C']:.1%} | "
            f"{a['A']:.1f} / {a['B']:.1f} / {a['C']:.1f} / {a['none']:.1f} / {a['cv']:.1f} | "
            f"{ratio:.4f} ({_ci(d, 'all_ci95')}) | {diff} | {r['G_vs_B']['windows']} |"
        )


if __name__ == "__main__":
    main()
