"""Ratios to the baselines for a prediction, recovery or travel-time table (ux7; recovery
and travel time since session 14): each row's MAE over constant
velocity's and over the strongest baseline's (the lowest MAE among the baselines of its
setting), with a paired bootstrap 95 % interval over the scored trajectories
(``compare.paired_bootstrap_ratio``).

The harness keeps each row's per-trajectory MAE (mean over its k steps, averaged over seeds)
in ``row["_per_traj"]``, and for prediction each trajectory's count of scored windows in
``row["_traj_n"]`` (the weights: the ratio is the pooled MAE ratio, trajectories resampled;
session 25); rows averaged over runs (``report.aggregate_runs``) average it too.
The ratios go to new row keys ``ratio_to_cv`` and ``ratio_to_best_baseline`` ({ratio, ci95,
baseline, n}); the ``_per_traj`` arrays stay out of the JSON (``EvalResult.to_dict``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trajlm.eval.compare import paired_bootstrap_ratio

CV = "constant velocity"


def ratio_row(a: Any, b: Any, name: str, weights: Any = None) -> dict:
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    ok = np.isfinite(a) & np.isfinite(b)  # recovery: trajectories with a hidden point
    w = None if weights is None else np.asarray(weights, np.float64)[ok]
    got = paired_bootstrap_ratio(a[ok], b[ok], weights=w) if ok.any() else {
        "ratio": float("nan"), "lo": float("nan"), "hi": float("nan"), "n": 0}  # fmt: skip
    return {"ratio": got["ratio"], "ci95": [got["lo"], got["hi"]], "baseline": name,
            "n": got["n"]}  # fmt: skip


def add_ratios(result: Any) -> None:
    """Add ``ratio_to_cv`` / ``ratio_to_best_baseline`` to every row of `result` (in place) that
    has per-trajectory errors, per setting; baselines are ``result.meta["baselines"]``."""
    baselines = set(result.meta.get("baselines", ()))
    for setting in dict.fromkeys(r["setting"] for r in result.rows):
        rows = [r for r in result.rows if r["setting"] == setting and "_per_traj" in r]
        base = [r for r in rows if r["method"] in baselines]
        cv = next((r for r in base if r["method"] == CV), None)
        if result.task == "predict":  # every trajectory has k points: the table's MAE
            best = min(base, key=lambda r: r["metrics"]["mae_m"], default=None)
        else:  # recover / tte: the quantity the ratio divides, the mean of per-trajectory MAEs
            best = min(base, key=lambda r: float(np.nanmean(r["_per_traj"])), default=None)
        for r in rows:
            w = r.get("_traj_n")  # predict: windows per trajectory (all ones by default)
            if cv is not None:
                r["ratio_to_cv"] = ratio_row(r["_per_traj"], cv["_per_traj"], CV, w)
            if best is not None:
                r["ratio_to_best_baseline"] = ratio_row(
                    r["_per_traj"], best["_per_traj"], best["method"], w
                )


def ratio_cell(row: dict, key: str) -> str:
    """``0.864 (0.789-0.928)``, or "" when the row has no such ratio."""
    got = row.get(key)
    if not got:
        return ""
    lo, hi = got["ci95"]
    return f"{got['ratio']:.3f} ({lo:.3f}-{hi:.3f})"
