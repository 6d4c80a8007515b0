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
import sys
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "trainradii30"))
from cover import copied_run, paired_hits  # noqa: E402  (trainradii30's table, CI over trips)
from cover import table as before_after  # noqa: E402

LEVELS = (50, 90, 95)


def inside(d: pl.DataFrame, spread: dict, lv: int) -> np.ndarray:
    """1 inside the circle, 0 outside, NaN where the spread gives none (past its max_gap_s)."""
    from trajlm.eval.recover_spread import GAP_FEATURES, spread_columns

    r = spread_columns(spread, {k: d[k].to_numpy() for k in GAP_FEATURES}, [lv])[f"r{lv}_m"]
    return np.where(np.isfinite(r), (d["err"].to_numpy() <= r).astype(float), np.nan)


def paired(d: pl.DataFrame, lv: int) -> tuple:
    """(before %, after %, diff, lo, hi): inside the circle, bootstrap over trips."""
    return paired_hits(d["key"].to_numpy(), d[f"b{lv}"].to_numpy(), d[f"a{lv}"].to_numpy())


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

    from trajlm.data.store import read_store
    from trajlm.eval.recover_spread import load_recover_spread
    from trajlm.eval.run_recover_radii import fit_run_recover_radii, recover_answers

    torch.set_num_threads(1)
    before = load_recover_spread(a.before)
    parts = []
    for pair in a.pairs:
        name, store, lm = copied_run(pair, a.out, fit_run_recover_radii, "recover_radii")
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
    before_after(d, paired, "run", "hidden test points", "runs")


if __name__ == "__main__":
    main()
