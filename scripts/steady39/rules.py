"""Offline rule table over steady39's dumps (scripts/steady39/dump.py): exact, since a rule
only rescales each picked row's deviation from constant velocity (answer = CV + f (model - CV)).

    python scripts/steady39/rules.py DUMP.parquet [DUMP2 ...] [--rule NAME]

Cells: set x history; ratio = sum of per-trip 5-step MAE over CV's, bootstrap 95 % CI over
trips (1000 resamples, seed 0). Prints per rule: cells worse than CV with the CI above 1, the
worst cell, the geometric mean, and the max excess over the shipped arm on Porto / GeoLife.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

import numpy as np
import pandas as pd

FEATURES: set[str] = set()  # the dumps' columns (main fills it)
Rule = Callable[[pd.DataFrame], np.ndarray]  # -> (rows,) factor f in [0, 1]


def mae(d: pd.DataFrame, arm: str) -> np.ndarray:
    e = [np.hypot(d[f"{arm}x{s}"] - d[f"tx{s}"], d[f"{arm}y{s}"] - d[f"ty{s}"]) for s in range(5)]
    return np.mean(e, axis=0)


def apply(d: pd.DataFrame, f: np.ndarray) -> pd.DataFrame:
    out = d.copy()
    for s in range(5):
        for c in ("x", "y"):
            out[f"m{c}{s}"] = d[f"cv{c}{s}"] + f * (d[f"m{c}{s}"] - d[f"cv{c}{s}"])
    return out


def boot(m: np.ndarray, c: np.ndarray, n: int = 1000) -> tuple[float, float, float]:
    rng = np.random.default_rng(0)
    idx = rng.integers(0, len(m), (n, len(m)))
    r = m[idx].sum(1) / np.maximum(c[idx].sum(1), 1e-9)
    return float(m.sum() / c.sum()), float(np.percentile(r, 2.5)), float(np.percentile(r, 97.5))


def steady(d: pd.DataFrame, spread: float, turn: float, max_h: int) -> np.ndarray:
    return ((d.spread <= spread) & (d.mean_turn <= turn) & (d.h <= max_h)).to_numpy()


def along(d: pd.DataFrame) -> np.ndarray:
    """The model's 5-step displacement along constant velocity's, over constant velocity's."""
    lx, ly = 2 * d.cvx0 - d.cvx1, 2 * d.cvy0 - d.cvy1  # the history's last point
    cx, cy = d.cvx4 - lx, d.cvy4 - ly
    mx, my = d.mx4 - lx, d.my4 - ly
    c2 = cx * cx + cy * cy
    return np.where(c2 > 0, (mx * cx + my * cy) / np.maximum(c2, 1e-12), 1.0)


def slow_rule(d: pd.DataFrame, thr: float, brake: float, keep: float, max_h: int) -> np.ndarray:
    """keep where the model's answer covers less than thr of constant velocity's distance and
    the history's last step is not slower than brake x its mean step speed."""
    pick = (along(d) < thr) & (d.last_ratio >= brake) & (d.h <= max_h)
    return np.where(pick, keep, 1.0)


def rules() -> dict[str, Rule]:
    out: dict[str, Rule] = {"shipped": lambda d: np.ones(len(d))}
    # steady39's pre-registered rule (docs/generalization.md "Session 39 (steady39)")
    out["R39"] = lambda d: np.where(steady(d, 0.4, 20.0, 10) & (d.h >= 3), 0.25, 1.0)
    for thr in (0.5, 0.7, 0.8, 0.9):
        for brake in (0.0, 0.6, 0.8, 1.0):
            for keep in (0.0, 0.5):
                for mh in (6, 10):
                    out[f"along<{thr} last>={brake} h<={mh} keep {keep}"] = (
                        lambda d, thr=thr, brake=brake, keep=keep, mh=mh: slow_rule(
                            d, thr, brake, keep, mh
                        )
                    )
    if_straight = "straight" in FEATURES
    for st in (0.9, 0.95, 0.98) if if_straight else ():
        for sp in (0.3, 0.5, 9.0):
            for nr in (0.0, 0.8):
                for keep in (0.0, 0.25):
                    out[f"straight>={st} spread<={sp} net_ratio>={nr} h<=10 keep {keep}"] = (
                        lambda d, st=st, sp=sp, nr=nr, keep=keep: np.where(
                            (d.straight >= st)
                            & (d.spread <= sp)
                            & (d.net_ratio >= nr)
                            & (d.h <= 10),
                            keep,
                            1.0,
                        )
                    )
    for sp in (0.2, 0.3, 0.4, 0.5):
        for tn in (10.0, 20.0, 30.0, 45.0):
            for keep in (0.0, 0.25):
                for mh in (6, 10):
                    out[f"spread<={sp} turn<={tn:.0f} h<={mh} keep {keep}"] = (
                        lambda d, sp=sp, tn=tn, keep=keep, mh=mh: np.where(
                            steady(d, sp, tn, mh), keep, 1.0
                        )
                    )
    return out


def table(d: pd.DataFrame, f: np.ndarray) -> pd.DataFrame:
    m_err, c_err = mae(apply(d, f), "m"), mae(d, "cv")
    d = d.assign(me=m_err, ce=c_err)
    rows = []
    for (s, h), g in d.groupby(["set", "h"]):
        r, lo, hi = boot(g.me.to_numpy(), g.ce.to_numpy())
        rows.append({"set": s, "h": h, "ratio": r, "lo": lo, "hi": hi, "n": len(g)})
    return pd.DataFrame(rows)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dumps", nargs="+")
    ap.add_argument("--rule", default="")
    a = ap.parse_args()
    d = pd.concat([pd.read_parquet(p) for p in a.dumps], ignore_index=True)
    FEATURES.update(d.columns)
    all_rules = rules()
    base = table(d, all_rules["shipped"](d))
    if a.rule:
        t = table(d, all_rules[a.rule](d))
        t["shipped"] = base.ratio
        print(t.to_string(float_format=lambda x: f"{x:.3f}"))
        return
    print("rule | worse (CI>1) | worst | geo-mean | max excess on porto/geolife | rows moved")
    real = base.set.str.startswith(("porto", "geolife"))
    for name, rule in all_rules.items():
        f = rule(d)
        t = table(d, f)
        worse = int(((t.ratio > 1) & (t.lo > 1)).sum())
        exc = float((t.ratio - base.ratio)[real].max()) if real.any() else float("nan")
        print(
            f"{name} | {worse} | {t.ratio.max():.3f} | {np.exp(np.log(t.ratio).mean()):.4f} |"
            f" {exc:+.4f} | {(f < 1).mean():.1%}"
        )


if __name__ == "__main__":
    main()
