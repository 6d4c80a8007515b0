"""Session 31 (gate31): measure_gate.py's JSONs as the docs' table.

python scripts/gate31/table.py OUT     (OUT: measure_gate.py's folder)
"""

import json
import sys
from pathlib import Path

NAMES = ("porto_val", "geolife_val", "suez_val", "vessels30_val", "vessels30_train")


def main(out: Path) -> None:
    print("| store (windows) | speed range old / new (m/s) | gated old / new / windows | "
          "ADE all old / new / ungated / cv (m) | new/old (95 % CI) | windows where new differs: "
          "ADE old / new / ungated / cv |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    for name in NAMES:
        path = out / f"{name}.json"
        if not path.exists():
            continue
        d = json.loads(path.read_text())
        rng = " / ".join("{:.3g}-{:.3g}".format(*d["ranges"][k]) for k in ("old", "new"))
        gated = " / ".join(f"{d[k]['share_gated']:.1%}" for k in ("old", "new", "windows"))
        ade = " / ".join(f"{d['ade_all'][k]:.1f}" for k in ("old", "new", "none", "cv"))
        lo, hi = d["new_over_old_ci95"]
        diff = d["differ"]
        moved = (f"{diff['windows']}: " + " / ".join(f"{diff[k]:.1f}" for k in
                 ("old", "new", "none", "cv"))) if diff["windows"] else "0"  # fmt: skip
        print(
            f"| {name} ({d['n_windows']}) | {rng} | {gated} | {ade} | "
            f"{d['new_over_old']:.4f} ({lo:.4f}-{hi:.4f}) | {moved} |"
        )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
