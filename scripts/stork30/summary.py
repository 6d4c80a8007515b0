"""Session 30 (stork30): tables of scripts/stork30/aggregate_study.py's JSONs (docs/api.md).

  PYTHONPATH=. python scripts/stork30/summary.py TAG [--stores NAME ...]
Per split and kNN cell (default / tuned): the mean over stores of the per-store ADE ratio
geomedian / median with a store bootstrap 95 % CI (2,000 resamples, seed 0), how many stores got
better / worse by more than 1 %, and per store (--stores) the ADEs; for one store, the paired
window bootstrap of the ADE ratio.
"""

import argparse
import json
import os
from pathlib import Path

import numpy as np


def ci(values: np.ndarray, stat=np.mean, n: int = 2000) -> tuple[float, float, float]:
    rng = np.random.default_rng(0)
    boots = [stat(values[rng.integers(0, len(values), len(values))]) for _ in range(n)]
    return float(stat(values)), float(np.percentile(boots, 2.5)), float(np.percentile(boots, 97.5))


def paired_ratio(a: np.ndarray, b: np.ndarray, n: int = 2000) -> tuple[float, float, float]:
    """ADE(b) / ADE(a) over windows, with a paired window bootstrap."""
    rng = np.random.default_rng(0)
    idx = [rng.integers(0, len(a), len(a)) for _ in range(n)]
    boots = [b[i].mean() / max(a[i].mean(), 1e-9) for i in idx]
    return (
        float(b.mean() / a.mean()),
        float(np.percentile(boots, 2.5)),
        float(np.percentile(boots, 97.5)),
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("tag")
    ap.add_argument("--stores", nargs="*", default=[])
    a = ap.parse_args()
    folder = Path(os.environ.get("STORK30", "/tmp/stork30")) / a.tag
    runs = [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]
    runs = [r for r in runs if "median" in r]
    splits = [s for s in ("val", "test", "test5") if all(s in r["n"] for r in runs)]
    print(f"{a.tag}: {len(runs)} stores")
    print(
        "| split | kNN cell | mean ratio geomedian / median (95 % CI) | better / worse by > 1 % |"
    )
    print("|---|---|---|---|")
    for s in splits:
        for cell in ("default", "tuned"):
            r = np.array([np.mean(x["geomedian"][cell][s]) / max(np.mean(x["median"][cell][s]), 1e-9)
                          for x in runs])  # fmt: skip
            m, lo, hi = ci(r)
            print(
                f"| {s} | {cell} | {m:.3f} ({lo:.3f}-{hi:.3f}) | {(r < 0.99).sum()} / {(r > 1.01).sum()} |"
            )
    for name in a.stores:
        x = next(r for r in runs if Path(r["store"]).name == name)
        print(f"\n{name} (windows {x['n']}); ADE m; paired window bootstrap of geomedian / median:")
        for s in splits:
            cv = np.mean(x["cv"][s])
            for cell in ("default", "tuned"):
                med, geo = (np.array(x[g][cell][s]) for g in ("median", "geomedian"))
                m, lo, hi = paired_ratio(med, geo)
                print(f"  {s} {cell} ({x['median'][cell]['cell']} / {x['geomedian'][cell]['cell']}):"
                      f" median {med.mean():.1f}, geomedian {geo.mean():.1f}, ratio {m:.3f}"
                      f" ({lo:.3f}-{hi:.3f}); constant velocity {cv:.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
