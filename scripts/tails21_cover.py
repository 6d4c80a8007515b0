"""Coverage of ``std_m`` at 1 / 2 / 3 std_m (session 21, tails21): per (source, kind, mode,
horizon) the share of truths within k std_m (a 2-D Gaussian: 39.3 / 86.5 / 98.9 %), and the
quantiles of err / std_m, for ``TrajLM.predict(seconds_ahead=...)`` and ``steps=5``.

Queries as scripts/uncert20_calib.py (store cuts of 20 fixes, seeded movers of 7 kinds); a
store is ``PATH`` (its val split) or ``PATH:SPLIT`` (held-out stores: ``:test``, read once).
Each row also carries what a query shows before its answer (the history's median interval
``dt`` and mean speed ``speed``), so that a fix can be chosen offline on val rows
(scripts/tails21_tune.py): positions never change, only ``std_m``.

    OMP_NUM_THREADS=1 PYTHONPATH=$PWD python scripts/tails21_cover.py --store /tmp/stores/porto \
        --store /tmp/stores/geolife --movers-seed 2001 --out /tmp/tails21/val.parquet
    python scripts/tails21_cover.py --table /tmp/tails21/val.parquet
"""

from __future__ import annotations

import argparse
import os
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np  # noqa: E402
import polars as pl  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import uncert20_calib as C  # noqa: E402

# a 2-D Gaussian with per-axis sigma s: P(|err| <= k s) = 1 - exp(-k^2 / 2)
GAUSS = {k: 100 * (1 - np.exp(-(k**2) / 2)) for k in (1, 2, 3)}


def store_cuts(spec: str, max_cuts: int) -> tuple[str, pl.DataFrame, pl.DataFrame]:
    """(source name, history rows, truth rows) of ``PATH[:SPLIT]`` (uncert20_calib's cuts)."""
    from trajlm.data.store import read_store

    path, _, split = spec.partition(":")
    split = split or "val"
    df = read_store(path, split).select("traj_id", "t", "lat", "lon").sort("traj_id", "t")
    df = df.with_columns(pl.col("traj_id").cast(pl.String), pl.col("t").cast(pl.Float64))
    hist, truth = [], []
    for key, g in df.group_by("traj_id", maintain_order=True):
        for c in range(C.HIST, g.height - 1, 20):
            q = f"{key[0]}@{c}"
            hist.append(g[c - C.HIST : c].with_columns(traj_id=pl.lit(q)))
            truth.append(g[c:].with_columns(traj_id=pl.lit(q)))
            if len(hist) >= max_cuts:
                break
        if len(hist) >= max_cuts:
            break
    name = os.path.basename(path.rstrip("/")) + ("" if split == "val" else f"-{split}")
    return name, pl.concat(hist), pl.concat(truth)


def features(hist: pl.DataFrame) -> pl.DataFrame:
    """Per query: the history's median interval ``dt`` (s) and mean speed ``speed`` (m/s)."""
    from trajlm.eval.dead_reckoning_spread import M_PER_DEG, mean_speed

    rows = []
    for (q,), g in hist.group_by("traj_id", maintain_order=True):
        t, lat, lon = (g[c].to_numpy().astype(np.float64) for c in ("t", "lat", "lon"))
        y = (lat - lat[-1]) * M_PER_DEG
        x = ((lon - lon[-1] + 180) % 360 - 180) * M_PER_DEG * np.cos(np.radians(lat[-1]))
        dt = float(np.median(np.diff(t))) if len(t) > 1 else np.nan
        rows.append((q, dt, mean_speed(t, x, y) if len(t) > 1 else np.nan))
    return pl.DataFrame(rows, schema=["q", "dt", "speed"], orient="row")


def run(model, hist: pl.DataFrame, truth: pl.DataFrame, source: str, kind: str) -> pl.DataFrame:
    hist = hist.sort("traj_id", "t", maintain_order=True)
    return C.score(model, hist, truth, source, kind).join(features(hist), on="q", how="left")


def table(df: pl.DataFrame, std: str = "std") -> pl.DataFrame:
    """Per (source, kind, mode, h): n, within 1 / 2 / 3 std_m (%), quantiles 50 / 90 of
    err / std_m, mean std_m and RMS error (m)."""
    ok = df.filter(pl.col("err").is_finite() & pl.col(std).is_finite())
    r = pl.col("err") / pl.col(std)
    return (
        ok.group_by("source", "kind", "mode", "h", maintain_order=True)
        .agg(
            n=pl.len(),
            in1=(r <= 1).mean() * 100,
            in2=(r <= 2).mean() * 100,
            in3=(r <= 3).mean() * 100,
            q50=r.quantile(0.5),
            q90=r.quantile(0.9),
            std=pl.col(std).mean(),
            rms=(pl.col("err") ** 2).mean().sqrt(),
        )
        .sort("source", "kind", "mode", "h")
    )


def summary(df: pl.DataFrame, std: str = "std", min_n: int = 20) -> pl.DataFrame:
    """Per source: cells of >= ``min_n`` queries, mean |within k std_m - Gaussian| (pts) and
    the pooled shares (each query once per horizon)."""
    t = table(df, std).filter(pl.col("n") >= min_n)
    ok = df.filter(pl.col("err").is_finite() & pl.col(std).is_finite())
    r = pl.col("err") / pl.col(std)
    pooled = ok.group_by("source").agg(
        rows=pl.len(), p1=(r <= 1).mean() * 100, p2=(r <= 2).mean() * 100, p3=(r <= 3).mean() * 100
    )
    return (
        t.group_by("source")
        .agg(
            cells=pl.len(),
            **{f"off{k}": (pl.col(f"in{k}") - GAUSS[k]).abs().mean() for k in (1, 2, 3)},
        )
        .join(pooled, on="source")
        .sort("source")
    )


def radii(df: pl.DataFrame, min_n: int = 20) -> pl.DataFrame:
    """Per source: the share of truths within r50 / r90 (%), read the Gaussian way (1.177 /
    2.146 std_m: before) and with eval/spread_radii's factors (after), pooled with 95 % Wilson
    CIs, and the mean |share - level| over cells of >= ``min_n`` queries."""
    from trajlm.eval.spread_radii import radius_factor

    ok = df.filter(pl.col("err").is_finite() & pl.col("std").is_finite())
    r = pl.col("err") / pl.col("std")
    facs = {}
    for lv in (50, 90):
        facs[f"g{lv}"] = float(np.sqrt(-2 * np.log(1 - lv / 100)))
        facs[f"c{lv}"] = radius_factor(lv)
    shares = {k: (r <= f).mean() * 100 for k, f in facs.items()}
    cells = (
        ok.group_by("source", "kind", "mode", "h")
        .agg(n=pl.len(), **shares)
        .filter(pl.col("n") >= min_n)
        .group_by("source")
        .agg(**{f"off_{k}": (pl.col(k) - int(k[1:])).abs().mean() for k in facs})
    )
    pooled = ok.group_by("source").agg(rows=pl.len(), **shares)
    out = pooled.join(cells, on="source", how="left").sort("source")
    for k in facs:
        ci = [C.wilson(s * n / 100, n) for s, n in zip(out[k], out["rows"], strict=True)]
        out = out.with_columns(
            pl.Series(f"{k}_ci", [f"{lo:.1f}-{hi:.1f}" for lo, hi in ci], dtype=pl.String)
        )
    return out


def shares_ci(df: pl.DataFrame, reps: int = 300, seed: int = 0) -> pl.DataFrame:
    """Per source: the share of truths (%) within 1 / 2 / 3 std_m and within r50 / r90 read the
    Gaussian way (g: 1.177 / 2.146 std_m) and with eval/spread_radii's factors (c), each with a
    95 % bootstrap interval over queries (a query's horizons resampled together)."""
    from trajlm.eval.spread_radii import radius_factor

    ok = df.filter(pl.col("err").is_finite() & pl.col("std").is_finite())
    ks = {"in1": 1.0, "in2": 2.0, "in3": 3.0}
    ks |= {f"g{lv}": float(np.sqrt(-2 * np.log(1 - lv / 100))) for lv in (50, 90)}
    ks |= {f"c{lv}": radius_factor(lv) for lv in (50, 90)}
    rng = np.random.default_rng(seed)
    rows = []
    for (src,), g in ok.group_by("source", maintain_order=True):
        q = g["q"].to_numpy()
        _, qi = np.unique(q, return_inverse=True)
        r = (g["err"] / g["std"]).to_numpy()
        nq = qi.max() + 1
        hit = {k: np.bincount(qi, r <= f, nq) for k, f in ks.items()}
        cnt = np.bincount(qi, None, nq)
        boot = rng.integers(0, nq, (reps, nq))
        row = {"source": src, "queries": int(nq), "rows": len(r)}
        for k, h in hit.items():
            b = h[boot].sum(1) / cnt[boot].sum(1) * 100
            lo, hi = np.percentile(b, [2.5, 97.5])
            row[k] = f"{100 * h.sum() / cnt.sum():.1f} [{lo:.1f}-{hi:.1f}]"
        rows.append(row)
    return pl.DataFrame(rows).sort("source")


def over_seeds(df: pl.DataFrame) -> None:
    """Mean +- t 95 % CI over the movers seeds of the pooled shares (within 1 / 2 / 3 std_m,
    the Gaussian and the conformal 50 / 90 % circles) and of the mean |share - level| over
    cells (radii's off_*)."""
    from scipy import stats

    from trajlm.eval.spread_radii import radius_factor

    movers = df.filter(pl.col("source").str.starts_with("movers"))
    seeds = movers["source"].unique().sort().to_list()
    if len(seeds) < 2:
        return
    ok = movers.filter(pl.col("err").is_finite() & pl.col("std").is_finite())
    r = pl.col("err") / pl.col("std")
    ks = {"in1": 1.0, "in2": 2.0, "in3": 3.0, "g50": 1.1774, "c50": radius_factor(50),
          "g90": 2.1460, "c90": radius_factor(90)}  # fmt: skip
    pooled = ok.group_by("source").agg(**{k: (r <= f).mean() * 100 for k, f in ks.items()})
    both = pooled.join(radii(movers).drop("rows", "g50", "c50", "g90", "c90"), on="source")
    t = stats.t.ppf(0.975, len(seeds) - 1)
    for c in both.columns[1:]:
        if both[c].dtype == pl.String:
            continue
        x = both[c].to_numpy()
        print(
            f"{c}: {x.mean():.1f} +- {t * x.std(ddof=1) / np.sqrt(len(x)):.1f} over {len(x)} seeds"
        )


def add_cut_args(ap: argparse.ArgumentParser) -> None:
    """The stores and movers a run cuts (``cut_parts``): also radii23_rows.py's."""
    ap.add_argument("--store", action="append", default=[], help="PATH or PATH:SPLIT")
    ap.add_argument("--max-cuts", type=int, default=400)
    ap.add_argument("--movers-seed", type=int, action="append", default=[])
    ap.add_argument("--n", type=int, default=60, help="tracks per mover kind")


def cut_parts(model, a: argparse.Namespace, run, skip_failed: bool = False) -> list[pl.DataFrame]:
    """``run(model, hist, truth, source, kind)`` on each --store's cuts and each --movers-seed's
    movers, in that order (each said when done). ``skip_failed``: a store that fails is said
    and left out (radii24_rows.py) instead of stopping the run."""
    parts = []
    for spec in a.store:
        try:
            name, h, t = store_cuts(spec, a.max_cuts)
            parts.append(run(model, h, t, name, "val" if ":" not in spec else "heldout"))
        except Exception as e:  # a store whose split has no 21-fix trajectory, old times
            if not skip_failed:
                raise
            print(spec, "skipped:", str(e).splitlines()[0][:200], flush=True)
            continue
        print(spec, "done", flush=True)
    for seed in a.movers_seed:
        for kind, (h, t) in C.movers(seed, a.n).items():
            parts.append(run(model, h, t, f"movers{seed}", kind))
            print(seed, kind, "done", flush=True)
    return parts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_cut_args(ap)
    ap.add_argument("--out")
    ap.add_argument("--table", nargs="*", help="print the tables of these Parquet files")
    ap.add_argument("--std", default="std", help="the column to score (--table)")
    ap.add_argument("--raw", action="store_true", help="the model's own std_m (no calibration)")
    a = ap.parse_args()
    cfg = pl.Config(tbl_rows=500, tbl_cols=20, float_precision=2, tbl_width_chars=220)
    if a.table:
        df = pl.concat([pl.read_parquet(p) for p in a.table], how="diagonal")
        with cfg:
            print(table(df, a.std))
            print(summary(df, a.std))
            print(radii(df))
            print(shares_ci(df))
            over_seeds(df)
        return
    import torch

    import trajlm

    torch.set_num_threads(1)
    if a.raw:
        import trajlm.api_rollout

        trajlm.api_rollout.CALIBRATE_STD = False
    model = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
    parts = cut_parts(model, a, run)
    res = pl.concat(parts)
    if a.out:
        res.write_parquet(a.out)
    with cfg:
        print(table(res))
        print(summary(res))


if __name__ == "__main__":
    main()
