"""Before / after of a run's own recovery radii (session 31, uncert31): for each held-out run,
fit recover_radii.json on its store's val split with eval/run_recover_radii.py (what `trajlm
train` now does at its end), then read the TEST split once: every test trip, the four settings
of the fit (random 50 % hidden, one fix per 120 / 600 / 1800 s), the run's shipped recover path
(``TrajLM.recover``); share of hidden truths inside each circle with trajlm-small's file read on
the run's answers (before: a user run had no file of its own, and recover(radii=) was refused;
trajlm-small's was the only measured one) and with the run's own (after), and the paired
bootstrap 95 % CI of after - before over test trips (1,000 resamples).

    OMP_NUM_THREADS=1 PYTHONPATH=$PWD python scripts/uncert31/run_cover.py \
        /tmp/uncert31/h29/runs/golf_carts_s0=/tmp/uncert31/h29/stores/golf_carts ... [--out DIR]

Runs are copied into --out (default $UNCERT31/cover or /tmp/uncert31/cover) before the fit: the
originals are never written. Rows go to OUT/test_rows.parquet.
"""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path

import numpy as np
import polars as pl

LEVELS = (50, 90, 95)
FEATURES = ("gap_s", "position", "scale", "jitter")


def inside(d: pl.DataFrame, spread: dict, lv: int) -> np.ndarray:
    """1 inside the circle, 0 outside, NaN where the spread gives none (past its max_gap_s)."""
    from trajlm.eval.recover_spread import spread_columns

    r = spread_columns(spread, {k: d[k].to_numpy() for k in FEATURES}, [lv])[f"r{lv}_m"]
    return np.where(np.isfinite(r), (d["err"].to_numpy() <= r).astype(float), np.nan)


def paired(d: pl.DataFrame, lv: int, reps: int = 1000, seed: int = 0) -> tuple:
    """(before %, after %, diff, lo, hi): inside the circle, bootstrap over trips."""
    inb, ina = d[f"b{lv}"].to_numpy(), d[f"a{lv}"].to_numpy()
    _, g = np.unique(d["key"].to_numpy(), return_inverse=True)
    n, k = np.bincount(g), g.max() + 1
    hb, ha = np.bincount(g, inb, k), np.bincount(g, ina, k)
    idx = np.random.default_rng(seed).integers(0, k, (reps, k))
    diff = (ha[idx].sum(1) - hb[idx].sum(1)) / n[idx].sum(1) * 100
    lo, hi = np.percentile(diff, [2.5, 97.5])
    return inb.mean() * 100, ina.mean() * 100, (ina.mean() - inb.mean()) * 100, lo, hi


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("pairs", nargs="+", help="RUN=STORE")
    ap.add_argument("--out", default=os.environ.get("UNCERT31", "/tmp/uncert31") + "/cover")
    ap.add_argument("--before", default="trajlm/checkpoints/trajlm-small",
                    help="the folder whose recover_radii.json is read before")  # fmt: skip
    ap.add_argument(
        "--table-only",
        action="store_true",
        help="read OUT/test_rows.parquet and the copies' files again (no fit, no model)",
    )
    a = ap.parse_args()
    if a.table_only:
        table(pl.read_parquet(Path(a.out) / "test_rows.parquet"), a.out, a.before)
        return
    import torch

    from trajlm import TrajLM
    from trajlm.cli_train_check import kept_model
    from trajlm.data.store import read_store
    from trajlm.eval.recover_spread import load_recover_spread
    from trajlm.eval.run_recover_radii import fit_run_recover_radii, recover_answers

    torch.set_num_threads(1)
    before = load_recover_spread(a.before)
    parts = []
    for pair in a.pairs:
        run, store = pair.split("=")
        name = Path(run).name
        copy = Path(a.out) / name
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(run, copy)
        val = read_store(store, split="val").drop("split", strict=False)
        got = fit_run_recover_radii(TrajLM(kept_model(copy, 1)), val, copy / "best")
        print(f"{name}: {got['recover_radii']} ({got['recover_radii_s']} s)", flush=True)
        lm = TrajLM.from_pretrained(copy, threads=1)
        if lm.recover_spread is None:
            continue
        test = read_store(store, split="test").drop("split", strict=False)
        d = recover_answers(lm, test, trips=10**6).filter(pl.col("err").is_finite())
        d = d.with_columns(store=pl.lit(name), key=pl.lit(name + "/") + pl.col("trip"))
        d = d.with_columns(**{f"b{lv}": pl.Series(inside(d, before, lv)) for lv in LEVELS},
                           **{f"a{lv}": pl.Series(inside(d, lm.recover_spread, lv))
                              for lv in LEVELS})  # fmt: skip
        parts.append(d)
    d = pl.concat(parts)
    os.makedirs(a.out, exist_ok=True)
    d.write_parquet(Path(a.out) / "test_rows.parquet")
    table(d, a.out, a.before)


def table(d: pl.DataFrame, out: str, before_dir: str) -> None:
    """The before / after table on the points both files give a circle (the run's own file gives
    none past its val's longest gap: NaN, as the API answers; counted apart)."""
    from trajlm.eval.recover_spread import load_recover_spread

    before = load_recover_spread(before_dir)
    parts = []
    for (name,), g in d.group_by("store", maintain_order=True):
        own = load_recover_spread(Path(out) / str(name) / "best")
        g = g.with_columns(**{f"b{lv}": pl.Series(inside(g, before, lv)) for lv in LEVELS},
                           **{f"a{lv}": pl.Series(inside(g, own, lv)) for lv in LEVELS})  # fmt: skip
        nan_a, nan_b = int(g["a90"].is_nan().sum()), int(g["b90"].is_nan().sum())
        print(f"{name}: {nan_a} of {g.height} hidden test points past the run's own max_gap_s "
              f"({own['max_gap_s']:.0f} s; NaN), {nan_b} past trajlm-small's")  # fmt: skip
        parts.append(g.filter(~pl.col("a90").is_nan() & ~pl.col("b90").is_nan()))
    d = pl.concat(parts)
    print("| run | hidden test points (trips) | " + " | ".join(
        f"{lv} % before -> after (after - before, 95 % CI)" for lv in LEVELS) + " |")  # fmt: skip
    print("|---|---|" + "---|" * len(LEVELS))
    groups = [(s, d.filter(pl.col("store") == s)) for s in d["store"].unique(maintain_order=True)]
    off = {lv: [[], []] for lv in LEVELS}
    for s, g in [*groups, ("all (pooled, trips resampled)", d)]:
        cells = []
        for lv in LEVELS:
            b, af, df, lo, hi = paired(g, lv)
            cells.append(f"{b:.1f} -> {af:.1f} ({df:+.1f} [{lo:+.1f}, {hi:+.1f}])")
            if not s.startswith("all"):
                off[lv][0].append(abs(b - lv))
                off[lv][1].append(abs(af - lv))
        print(f"| {s} | {g.height} ({g['key'].n_unique()}) | " + " | ".join(cells) + " |")
    print("mean |share - level| over runs, before -> after:", " / ".join(
        f"{lv}: {np.mean(off[lv][0]):.1f} -> {np.mean(off[lv][1]):.1f}" for lv in LEVELS))  # fmt: skip


if __name__ == "__main__":
    main()
