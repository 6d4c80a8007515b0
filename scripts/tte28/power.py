"""How many trips a paired MAE comparison needs (issue 15, session 28; docs/travel-time.md).

Reads the per-trip predictions that scripts/tte28/mae_arms.py writes beside its JSON (OUT.npz)
and prints, per arm vs GB: the mean per-trip MAE difference (min, seeds averaged), the standard
deviation of the per-trip differences, the normal-approximation 95 % half-width at this split's
size, the number of trips at which a difference of this size would have a 95 % interval
excluding 0 (n = (1.96 sd / diff)^2), and MAE by tercile of the true duration.

    python scripts/tte28/power.py /tmp/tte28/porto_val.npz /tmp/tte28/geolife_val.npz
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np


def power_rows(npz: Path) -> list[dict]:
    data = np.load(npz)
    y = data["y"]
    err = {a: np.abs(data[a] - y).mean(0) / 60 for a in data.files if a != "y"}  # (n,) min
    cuts = np.quantile(y, [1 / 3, 2 / 3])
    tercile = np.digitize(y, cuts)
    rows = []
    for a, e in err.items():
        d = e - err["gb"]
        sd, diff = float(d.std(ddof=1)), float(d.mean())
        rows.append({"arm": a, "mae_min": float(e.mean()), "diff": diff, "sd": sd,
                     "half_width": 1.96 * sd / np.sqrt(len(d)),
                     "n_needed": int(np.ceil((1.96 * sd / diff) ** 2)) if diff else None,
                     "by_tercile": [float(e[tercile == i].mean()) for i in range(3)]})  # fmt: skip
    return rows


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("npz", nargs="+", type=Path, help="mae_arms.py's OUT.npz files")
    args = ap.parse_args(argv)
    for path in args.npz:
        n = len(np.load(path)["y"])
        print(f"\n### {path.name} ({n} trips)\n")
        print("| arm | MAE (min) | MAE − GB (min) | sd of per-trip diff | 95 % half-width | "
              "trips for this diff to exclude 0 | MAE short / mid / long tercile |")  # fmt: skip
        print("|---|---|---|---|---|---|---|")
        for r in power_rows(path):
            need = "–" if r["arm"] == "gb" or r["n_needed"] is None else f"{r['n_needed']:,}"
            terc = " / ".join(f"{v:.2f}" for v in r["by_tercile"])
            print(f"| {r['arm']} | {r['mae_min']:.2f} | {r['diff']:+.3f} | {r['sd']:.2f} | "
                  f"± {r['half_width']:.2f} | {need} | {terc} |")  # fmt: skip


if __name__ == "__main__":
    main()
