"""Coverage of a candidate selector's circles (session 27, uncert27; eval/selector_spread.py).

What it measures: a candidate selector fitted on each store (train split; val tunes and
early-stops, as `trajlm train-selector` does), then for each of its three engines (the network,
plain kNN, place-aware kNN) the share of truths inside the 50 / 90 / 95 % circles its saved val
spread gives (r = factor x the history's own constant-velocity scale, eval/engine_spread.py).

    val:  the spread refitted on one half of val's trips and read on the other half (both ways):
          mean |share - level| per engine; what the fit's own val data says of the form.
    test: the shipped spread (fitted on all of val at the end of the fit, saved in the folder)
          read on test (all windows, up to 50 per trip), once, with a bootstrap 95 % interval
          over test trips (1,000 resamples). Before session 27 there was nothing to read:
          std_m NaN, radii refused.

    PYTHONPATH=$PWD .venv/bin/python scripts/uncert27/selector_cover.py val STORE [STORE ...]
    PYTHONPATH=$PWD .venv/bin/python scripts/uncert27/selector_cover.py test STORE [STORE ...]

Fit size (env): UNCERT27_TRAIN_WINDOWS (default 5000), UNCERT27_VAL_WINDOWS (2000). The fitted
selector is saved once per store under $UNCERT27/sel/STORE and reused. Output: a table on stdout
and JSON rows under $UNCERT27 (default /tmp/uncert27).
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
from trajlm.eval.engine_spread import LEVELS, WINDOWS, conformal, task_scale
from trajlm.eval.selector_predictor import CandidateSelectorPredictor
from trajlm.eval.selector_spread import SPREAD_HISTORY, engine_step_errors, spread_task

OUT = Path(os.environ.get("UNCERT27", "/tmp/uncert27"))
TRAIN_WINDOWS = int(os.environ.get("UNCERT27_TRAIN_WINDOWS", "5000"))
VAL_WINDOWS = int(os.environ.get("UNCERT27_VAL_WINDOWS", "2000"))


def fitted(store: str) -> CandidateSelectorPredictor:
    """The store's selector (seed 0), fitted once and saved under $UNCERT27/sel/STORE."""
    d = OUT / "sel" / Path(store).name
    if (d / "config.json").is_file():
        return CandidateSelectorPredictor.load(d)
    train = read_store(store, split="train").drop("split", strict=False)
    val = read_store(store, split="val").drop("split", strict=False)
    sel = CandidateSelectorPredictor(max_train_windows=TRAIN_WINDOWS, max_val_windows=VAL_WINDOWS)
    sel.fit(train, val, seed=0, progress=lambda line: print(f"  {line}", flush=True))
    sel.save(d, overwrite=True)
    return sel


def split_errors(sel, store: str, split: str):
    """(errors {engine: (N, k)}, scale (N, k), owner (N,)) on a split's windows."""
    df = read_store(store, split=split).drop("split", strict=False)
    if split == "val":  # the windows the fit read its spread on
        task = spread_task(df, int(sel.settings_["horizon"]), int(sel.max_val_windows))
    else:
        task = make_prediction_task(df, k=int(sel.settings_["horizon"]), n_input=SPREAD_HISTORY,
                                    windows=WINDOWS)  # fmt: skip
    return engine_step_errors(sel, task), task_scale(task), task.owners()[1]


def share(err: np.ndarray, r: np.ndarray, rows: np.ndarray) -> float:
    ok = np.isfinite(err[rows]) & np.isfinite(r[rows])
    return float(100 * (err[rows][ok] <= r[rows][ok]).mean()) if ok.any() else float("nan")


def val(stores: list[str]) -> list[dict]:
    rows = []
    for store in stores:
        start = time.time()
        sel = fitted(store)
        errs, scale, owner = split_errors(sel, store, "val")
        half = owner % 2 == 0
        for engine, err in errs.items():
            gaps = {}
            for lv in LEVELS:
                cov = []
                for fit in (half, ~half):
                    f = conformal((err / scale)[fit].ravel(), lv)
                    cov.append(share(err, f * scale, ~fit))
                gaps[lv] = float(np.mean([abs(c - lv) for c in cov]))
            rows.append({"store": Path(store).name, "engine": engine, "n_val": len(scale),
                         "answers": sel.verdict_["engine"] == engine,
                         **{f"gap{lv}": g for lv, g in gaps.items()}})  # fmt: skip
        print(f"# {store}: {len(scale)} val windows, {time.time() - start:.0f} s", flush=True)
    print("store | engine (* answers) | val windows | gap 50 / 90 / 95 (pts, val halves)")
    for r in rows:
        print(f"{r['store']} | {r['engine']}{' *' if r['answers'] else ''} | {r['n_val']} | "
              + " / ".join(f"{r[f'gap{lv}']:.1f}" for lv in LEVELS))  # fmt: skip
    print("mean: " + " / ".join(f"{np.mean([r[f'gap{lv}'] for r in rows]):.2f}" for lv in LEVELS))
    return rows


def test(stores: list[str], resamples: int = 1000) -> list[dict]:
    rows, rng = [], np.random.default_rng(0)
    for store in stores:
        sel = fitted(store)
        errs, scale, owner = split_errors(sel, store, "test")
        trips = np.unique(owner)
        members = [np.flatnonzero(owner == g) for g in trips]
        for engine, err in errs.items():
            spread = (sel.val_spread_ or {}).get(engine)
            if spread is None:
                continue
            row = {"store": Path(store).name, "engine": engine, "n_test": len(scale),
                   "n_trips": len(trips), "answers": sel.verdict_["engine"] == engine}  # fmt: skip
            for lv in LEVELS:
                inside = (err <= float(spread["factors"][str(lv)]) * scale).astype(float)
                inside[~np.isfinite(scale)] = np.nan
                boot = []
                for _ in range(resamples):
                    pick = np.concatenate([members[i] for i in rng.integers(0, len(trips),
                                                                            len(trips))])  # fmt: skip
                    boot.append(100 * np.nanmean(inside[pick]))
                row[f"cov{lv}"] = float(100 * np.nanmean(inside))
                row[f"ci{lv}"] = [float(np.percentile(boot, 2.5)), float(np.percentile(boot, 97.5))]
            rows.append(row)
    print("store | engine (* answers) | test windows (trips) | share in 50 / 90 / 95 % circles "
          "[95 % CI over trips]")  # fmt: skip
    for r in rows:
        print(f"{r['store']} | {r['engine']}{' *' if r['answers'] else ''} | {r['n_test']} "
              f"({r['n_trips']}) | " + " / ".join(
                  f"{r[f'cov{lv}']:.1f} [{r[f'ci{lv}'][0]:.1f}, {r[f'ci{lv}'][1]:.1f}]"
                  for lv in LEVELS))  # fmt: skip
    for who, sub in (
        ("all engines", rows),
        ("answering engines", [r for r in rows if r["answers"]]),
    ):
        print(f"mean |share - level| over {who} ({len(sub)} cells): " + " / ".join(
            f"{np.mean([abs(r[f'cov{lv}'] - lv) for r in sub]):.2f}" for lv in LEVELS))  # fmt: skip
    return rows


if __name__ == "__main__":
    what, stores = sys.argv[1], sys.argv[2:]
    OUT.mkdir(parents=True, exist_ok=True)
    got = {"val": val, "test": test}[what](stores)
    (OUT / f"selector_cover_{what}.json").write_text(json.dumps(got, indent=1) + "\n")
