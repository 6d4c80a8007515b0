"""Coverage of a baseline engine's circles (session 26, uncert26; eval/engine_spread.py).

What it measures: for each prediction-verdict candidate of a store (linear-3, constant velocity
[time], linear-3 [time, fit], kNN continuation and place-aware kNN tuned on val as `trajlm
train`'s check tunes them; dead reckoning [time] where the store reports speed / course), the
share of truths inside its 50 / 90 / 95 % circles.

    choose: fit on one half of val's trips, read the other half (both ways), for three forms
            of the circle: per-step metres quantiles, err / history scale pooled over steps
            (shipped), err / history scale per step. Prints mean |share - level| (pts).
    test:   the shipped form fitted on all of val, read on test (once), with a bootstrap 95 %
            interval over test trips (1,000 resamples).

    PYTHONPATH=$PWD .venv/bin/python scripts/uncert26/engine_cover.py choose STORE [STORE ...]
    PYTHONPATH=$PWD .venv/bin/python scripts/uncert26/engine_cover.py test STORE [STORE ...]

Output: a table on stdout and JSON rows under $UNCERT26_OUT (default /tmp/uncert26/cover).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import numpy as np

from trajlm.data.protocol_tasks import make_prediction_task
from trajlm.data.store import read_store
from trajlm.eval import metrics as M
from trajlm.eval.dr_verdict import DR, dr_val_errors
from trajlm.eval.engine_spread import LEVELS, conformal, fit_spread, task_scale
from trajlm.eval.knn_check import baseline_answer, candidates

OUT = Path(os.environ.get("UNCERT26_OUT", "/tmp/uncert26/cover"))
# windows per trip (eval --windows): 1 = PROTOCOL's one window at each trip's start; the
# shipped fit reads up to 50 (engine_spread.WINDOWS); halves and CIs are over trips
WINDOWS = int(os.environ.get("UNCERT26_WINDOWS", "50"))


def engine_errors(store: str) -> dict:
    """{split: (errors {engine: (N, k)}, scale (N, k))} for val and test."""
    train = read_store(store, split="train").drop("split", strict=False)
    tables = {s: read_store(store, split=s).drop("split", strict=False) for s in ("val", "test")}
    ests = candidates(train, make_prediction_task(tables["val"]))  # tuned as train's check
    tasks = {s: make_prediction_task(t, windows=WINDOWS) for s, t in tables.items()}
    out = {}
    for s, task in tasks.items():
        errs = {n: M.point_errors(baseline_answer(e, e.projection_, task), task.target_latlon)
                for n, e in ests.items()}  # fmt: skip
        if (dr := dr_val_errors(train, tables[s], task, per_step=True)) is not None:
            errs[DR] = dr
        out[s] = (errs, task_scale(task), task.owners()[1], history_speed(task))
    return out


def history_speed(task) -> np.ndarray:
    """(N,) m/s: each history's path length over its duration (the speed terciles below)."""
    lat, lon = task.hist_latlon[..., 0], task.hist_latlon[..., 1]
    dy = np.diff(lat, axis=1) * 111_320.0
    dx = np.diff(lon, axis=1) * 111_320.0 * np.cos(np.radians(lat[:, 1:]))
    rows = np.arange(len(task.lengths))
    span = task.hist_t[rows, task.lengths - 1] - task.hist_t[:, 0]
    return np.hypot(dx, dy).sum(1) / np.maximum(span, 1)


def radii(form: str, err: np.ndarray, scale: np.ndarray, fit: np.ndarray, level: int) -> np.ndarray:
    """(N, k) radii of ``form`` fitted on the rows ``fit`` (bool) at ``level``."""
    if form == "metres_step":
        q = [conformal(err[fit, j], level) for j in range(err.shape[1])]
        return np.broadcast_to(np.array(q), err.shape)
    ratio = err / scale
    if form == "ratio_pooled":
        return conformal(ratio[fit].ravel(), level) * scale
    q = [conformal(ratio[fit, j], level) for j in range(err.shape[1])]  # ratio_step
    return np.array(q)[None, :] * scale


def share(err: np.ndarray, r: np.ndarray, rows: np.ndarray) -> float:
    ok = np.isfinite(err[rows]) & np.isfinite(r[rows])
    return float(100 * (err[rows][ok] <= r[rows][ok]).mean()) if ok.any() else float("nan")


def choose(stores: list[str]) -> list[dict]:
    rows = []
    for store in stores:
        start = time.time()
        errs, scale, owner, speed = engine_errors(store)["val"]
        n = len(scale)
        half = owner % 2 == 0  # halves of val's trips
        # the gap within each third of val's histories by speed: what a scale buys
        cuts = np.quantile(speed, [1 / 3, 2 / 3])
        third = np.digitize(speed, cuts)
        for engine, err in errs.items():
            for form in ("metres_step", "ratio_pooled", "ratio_step"):
                gaps, cond = {}, {}
                for lv in LEVELS:
                    r = [radii(form, err, scale, f, lv) for f in (half, ~half)]
                    cov = [share(err, r[i], ~f) for i, f in enumerate((half, ~half))]
                    gaps[lv] = float(np.mean([abs(c - lv) for c in cov]))
                    cond[lv] = float(np.nanmean([abs(share(err, r[i], ~f & (third == g)) - lv)
                                                 for i, f in enumerate((half, ~half))
                                                 for g in range(3)]))  # fmt: skip
                rows.append({"store": Path(store).name, "engine": engine, "form": form,
                             "n_val": n, **{f"gap{lv}": g for lv, g in gaps.items()},
                             **{f"speed_gap{lv}": g for lv, g in cond.items()}})  # fmt: skip
        print(f"# {store}: {n} val windows, {time.time() - start:.0f} s", flush=True)
    print("store | engine | form | gap 50 / 90 / 95 | within speed thirds (pts, val halves)")
    for r in rows:
        print(f"{r['store']} | {r['engine']} | {r['form']} | "
              f"{r['gap50']:.1f} / {r['gap90']:.1f} / {r['gap95']:.1f} | "
              f"{r['speed_gap50']:.1f} / {r['speed_gap90']:.1f} / {r['speed_gap95']:.1f}")  # fmt: skip
    print("mean over stores and engines (all | within speed thirds):")
    for form in ("metres_step", "ratio_pooled", "ratio_step"):
        sel = [r for r in rows if r["form"] == form]
        print(f"  {form}: " + " / ".join(f"{np.mean([r[f'gap{lv}'] for r in sel]):.2f}"
                                          for lv in LEVELS) + " | " +
              " / ".join(f"{np.mean([r[f'speed_gap{lv}'] for r in sel]):.2f}" for lv in LEVELS))  # fmt: skip
    return rows


def test(stores: list[str], resamples: int = 1000) -> list[dict]:
    rows, rng = [], np.random.default_rng(0)
    for store in stores:
        got = engine_errors(store)
        (verr, vscale, _, _), (terr, tscale, owner, _) = got["val"], got["test"]
        n = len(tscale)
        for engine, err in terr.items():
            spread = fit_spread(verr[engine], vscale)
            if spread is None:
                continue
            row = {
                "store": Path(store).name,
                "engine": engine,
                "n_val": len(vscale),
                "n_test": n,
                "windows": WINDOWS,
            }
            for lv in LEVELS:
                inside = err <= spread["factors"][str(lv)] * tscale
                ok = np.isfinite(err) & np.isfinite(tscale)
                trips = owner.max() + 1  # resample trips, each with all its windows
                hit = np.bincount(owner, (inside & ok).sum(1), trips)
                w = np.bincount(owner, ok.sum(1), trips)
                boots = [hit[b].sum() / max(w[b].sum(), 1)
                         for b in rng.integers(0, trips, (resamples, trips))]  # fmt: skip
                row[f"cover{lv}"] = float(100 * inside[ok].mean())
                row[f"ci{lv}"] = [float(100 * np.percentile(boots, 2.5)),
                                  float(100 * np.percentile(boots, 97.5))]  # fmt: skip
            rows.append(row)
        print(f"# {store}: {n} test windows", flush=True)
    print("store | engine | val / test windows | 50 % | 90 % | 95 % (test share, 95 % CI)")
    for r in rows:
        cells = " | ".join(f"{r[f'cover{lv}']:.1f} [{r[f'ci{lv}'][0]:.1f}, {r[f'ci{lv}'][1]:.1f}]"
                           for lv in LEVELS)  # fmt: skip
        print(f"{r['store']} | {r['engine']} | {r['n_val']} / {r['n_test']} | {cells}")
    return rows


if __name__ == "__main__":
    mode, stores = sys.argv[1], sys.argv[2:]
    OUT.mkdir(parents=True, exist_ok=True)
    rows = {"choose": choose, "test": test}[mode](stores)
    (OUT / f"{mode}_w{WINDOWS}.json").write_text(json.dumps(rows, indent=1))
