"""Before / after of a run's own radii (trainradii30): for each held-out run, fit radii.json on
its store's val split with eval/run_radii.py (what `trajlm train` now does at its end), then
read the TEST split once: every window (20-fix histories, stride 5, up to 50 a trip), the kept
model's 5 steps (fallback=False) with ``predict(radii=[50, 90, 95])``; share of truths inside
each circle with the pooled factors (before: no radii.json) and with the run's own radii
(after), and the paired bootstrap 95 % CI of after - before over test trips (1,000 resamples).

    OMP_NUM_THREADS=1 PYTHONPATH=$PWD python scripts/trainradii30/cover.py \
        /tmp/heldout29/runs/golf_carts=/tmp/heldout29/stores/golf_carts ... [--out DIR]

Runs are copied into --out (default $TRAINRADII30 or /tmp/trainradii30/cover) before the fit:
the originals are never written.
"""

from __future__ import annotations

import argparse
import os
import shutil
import warnings
from pathlib import Path

import numpy as np
import polars as pl

from trajlm.data.protocol_tasks import make_prediction_task
from trajlm.eval import metrics as M
from trajlm.eval.engine_spread import WINDOWS, history_frame
from trajlm.eval.spread_radii import RADIUS_FACTORS

LEVELS = (50, 90, 95)


def test_rows(lm, test: pl.DataFrame) -> pl.DataFrame:
    """Per answer: trip, err, std_m and r{L}_m of the run's radii (the API path)."""
    task = make_prediction_task(test, windows=WINDOWS)
    hist = history_frame(task)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = lm.predict(hist, steps=5, fallback=False, radii=list(LEVELS))
    p = p.with_columns(pl.col("traj_id").cast(pl.String)).sort("traj_id", "step")
    row = {t: i for i, t in enumerate(hist["traj_id"].unique(maintain_order=True).to_list())}
    b = np.array([row[t] for t in p["traj_id"].to_list()])
    s = p["step"].to_numpy() - 1
    guess = np.stack([p["lat"].to_numpy(), p["lon"].to_numpy()], -1)
    err = M.point_errors(guess[:, None], task.target_latlon[b, s][:, None])[:, 0]
    return pl.DataFrame({"trip": [task.traj_ids[i] for i in b], "err": err,
                         "std": p["std_m"].to_numpy(),
                         **{f"r{lv}": p[f"r{lv}_m"].to_numpy() for lv in LEVELS}})  # fmt: skip


def paired(d: pl.DataFrame, lv: int, reps: int = 1000, seed: int = 0) -> tuple:
    """(before %, after %, diff, lo, hi): inside the circle, bootstrap over trips."""
    inb = (d["err"] <= d["std"] * RADIUS_FACTORS[lv]).to_numpy().astype(float)
    ina = (d["err"] <= d[f"r{lv}"]).to_numpy().astype(float)
    return paired_hits(d["key"].to_numpy(), inb, ina, reps, seed)


def paired_hits(keys: np.ndarray, inb: np.ndarray, ina: np.ndarray, reps: int = 1000,
                seed: int = 0) -> tuple:  # fmt: skip
    """(before %, after %, diff, lo, hi) of 0 / 1 hits before and after, bootstrap over the
    trips ``keys`` (uncert31's run_cover.py reads its hits with it too)."""
    _, g = np.unique(keys, return_inverse=True)
    n, k = np.bincount(g), g.max() + 1
    hb, ha = np.bincount(g, inb, k), np.bincount(g, ina, k)
    idx = np.random.default_rng(seed).integers(0, k, (reps, k))
    diff = (ha[idx].sum(1) - hb[idx].sum(1)) / n[idx].sum(1) * 100
    lo, hi = np.percentile(diff, [2.5, 97.5])
    return inb.mean() * 100, ina.mean() * 100, (ina.mean() - inb.mean()) * 100, lo, hi


def copied_run(pair: str, out: str, fit, key: str) -> tuple:
    """RUN=STORE: copy RUN into OUT (the original is never written), ``fit`` the copy's kept
    model on STORE's val split into its folder and say it; (name, STORE, the copy's TrajLM).
    uncert31's run_cover.py copies and fits its runs with it too."""
    from trajlm import TrajLM
    from trajlm.cli_train_check import kept_model
    from trajlm.data.store import read_store

    run, store = pair.split("=")
    name = Path(run).name
    copy = Path(out) / name
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(run, copy)
    val = read_store(store, split="val").drop("split", strict=False)
    got = fit(TrajLM(kept_model(copy, 1)), val, copy / "best")
    print(f"{name}: {got[key]} ({got[key + '_s']} s)", flush=True)
    return name, store, TrajLM.from_pretrained(copy, threads=1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("pairs", nargs="+", help="RUN=STORE")
    ap.add_argument("--out", default=os.environ.get("TRAINRADII30", "/tmp/trainradii30") + "/cover")
    a = ap.parse_args()
    import torch

    from trajlm.data.store import read_store
    from trajlm.eval.run_radii import fit_run_radii

    torch.set_num_threads(1)
    parts = []
    for pair in a.pairs:
        name, store, lm = copied_run(pair, a.out, fit_run_radii, "radii")
        test = read_store(store, split="test").drop("split", strict=False)
        d = test_rows(lm, test).with_columns(store=pl.lit(name))
        parts.append(d.with_columns(key=pl.col("store") + "/" + pl.col("trip")))
    d = pl.concat(parts).filter(pl.col("err").is_finite() & pl.col("std").is_finite())
    table(d, paired)


def table(d: pl.DataFrame, paired_of, first: str = "store", answers: str = "test answers",
          over: str = "stores") -> None:  # fmt: skip
    """The before / after table per ``store`` (and pooled, trips resampled) with ``paired_of(g,
    level)`` -> (before %, after %, diff, lo, hi), and the mean |share - level| over them
    (uncert31's run_cover.py prints its table with it too)."""
    print(f"| {first} | {answers} (trips) | " + " | ".join(
        f"{lv} % before -> after (after - before, 95 % CI)" for lv in LEVELS) + " |")  # fmt: skip
    print("|---|---|" + "---|" * len(LEVELS))
    groups = [(s, d.filter(pl.col("store") == s)) for s in d["store"].unique(maintain_order=True)]
    off = {lv: [[], []] for lv in LEVELS}
    for s, g in [*groups, ("all (pooled, trips resampled)", d)]:
        cells = []
        for lv in LEVELS:
            b, af, df, lo, hi = paired_of(g, lv)
            cells.append(f"{b:.1f} -> {af:.1f} ({df:+.1f} [{lo:+.1f}, {hi:+.1f}])")
            if not s.startswith("all"):
                off[lv][0].append(abs(b - lv))
                off[lv][1].append(abs(af - lv))
        print(f"| {s} | {g.height} ({g['key'].n_unique()}) | " + " | ".join(cells) + " |")
    print(f"mean |share - level| over {over}, before -> after:", " / ".join(
        f"{lv}: {np.mean(off[lv][0]):.1f} -> {np.mean(off[lv][1]):.1f}" for lv in LEVELS))  # fmt: skip


if __name__ == "__main__":
    main()
