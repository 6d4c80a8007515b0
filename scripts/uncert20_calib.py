"""Calibration of ``std_m`` (session 20, uncert20): share of truths within 1 and 2 std_m and
mean std_m / RMS error by horizon, for ``TrajLM.predict(seconds_ahead=...)`` and ``steps=5``.

``std_m`` is a per-axis 1-sigma (tasks.predict: sqrt of the mean of the two axis variances), so
a 2-D Gaussian error lies within 1 / 2 std_m of the truth 39.3 / 86.5 % of the time.

Sources: store val splits (cuts every 20 points, the last 20 points before a cut the history,
the rest of the trajectory the truth, interpolated in time at the asked horizons) and seeded
held-out movers (cars at 1 / 5 / 15 s, walkers, bikes, ships, planes; movers16_gen.sim with
longer tracks). Writes the per-query rows (source, kind, mode, horizon, err, std, lat, lon) as
Parquet for tables and offline checks.

    OMP_NUM_THREADS=1 PYTHONPATH=$PWD python scripts/uncert20_calib.py --store /tmp/stores/porto \
        --store /tmp/stores/geolife --movers-seed 2001 --out /tmp/uncert20/before_2001.parquet
    python scripts/uncert20_calib.py --table /tmp/uncert20/before_2001.parquet
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings

os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np  # noqa: E402
import polars as pl  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import movers16_gen  # noqa: E402

HORIZONS = [1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0]
HIST = 20  # fixes of history per query
M_PER_DEG = 111_320.0
# kinds: movers16_gen.sim parameters (interval s, jitter, speed m/s, speed cv, turn sd
# rad/step, GPS noise m, place); "grid" turns 90 deg with that chance per step
KINDS = {
    "car_1s": dict(
        dt=1, jit=0.0, v=12.0, vcv=0.1, turn=0.01, noise=3, lat=48.14, lon=11.58, grid=0.006
    ),
    "car_5s": dict(
        dt=5, jit=0.0, v=12.0, vcv=0.15, turn=0.03, noise=4, lat=35.68, lon=139.76, grid=0.03
    ),
    "car_15s": dict(
        dt=15, jit=0.05, v=11.0, vcv=0.2, turn=0.05, noise=5, lat=-33.45, lon=-70.65, grid=0.08
    ),
    "walker_2s": dict(
        dt=2, jit=0.05, v=1.3, vcv=0.2, turn=0.08, noise=3, lat=51.5, lon=-0.12, grid=0.02
    ),
    "bike_5s": dict(
        dt=5, jit=0.1, v=5.0, vcv=0.2, turn=0.05, noise=4, lat=52.37, lon=4.9, grid=0.04
    ),
    "ship_30s": dict(dt=30, jit=0.05, v=7.0, vcv=0.05, turn=0.02, noise=8, lat=57.7, lon=11.9),
    "plane_10s": dict(dt=10, jit=0.02, v=230.0, vcv=0.01, turn=0.005, noise=15, lat=50.0, lon=8.5),
}
NPTS = {"car_1s": 700, "walker_2s": 350, "bike_5s": 160}  # else HIST + enough for 600 s


def movers(seed: int, n: int) -> dict[str, tuple[pl.DataFrame, pl.DataFrame]]:
    """kind -> (history rows, truth rows) of n tracks each (seeded by (seed, kind index))."""
    out = {}
    for ki, (name, k) in enumerate(KINDS.items()):
        movers16_gen.NPTS = NPTS.get(name, HIST + int(np.ceil(600 / k["dt"])) + 2)
        rng = np.random.default_rng([seed, 100 + ki])
        rows = []
        for j in range(n):
            ts, lat, lon = movers16_gen.sim(rng, k)
            t = 1.7e9 + float(rng.integers(0, 30 * 86400)) + np.round(ts, 3)
            rows.append(pl.DataFrame({"traj_id": f"{name}_{seed}_{j:03d}", "t": t,
                                      "lat": lat, "lon": lon}))  # fmt: skip
        df = pl.concat(rows).with_columns(i=pl.int_range(pl.len()).over("traj_id"))
        out[name] = (
            df.filter(pl.col("i") < HIST).drop("i"),
            df.filter(pl.col("i") >= HIST).drop("i"),
        )
    return out


def store_cuts(path: str, max_cuts: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    from trajlm.data.store import read_store

    df = read_store(path, "val").select("traj_id", "t", "lat", "lon").sort("traj_id", "t")
    hist, truth = [], []
    for key, g in df.group_by("traj_id", maintain_order=True):
        for c in range(HIST, g.height - 1, 20):
            q = f"{key[0]}@{c}"
            hist.append(g[c - HIST : c].with_columns(traj_id=pl.lit(q)))
            truth.append(g[c:].with_columns(traj_id=pl.lit(q)))
            if len(hist) >= max_cuts:
                break
        if len(hist) >= max_cuts:
            break
    cast = {"traj_id": pl.String, "t": pl.Float64}
    return pl.concat(hist).cast(cast), pl.concat(truth).cast(cast)


def score(model, hist: pl.DataFrame, truth: pl.DataFrame, source: str, kind: str) -> pl.DataFrame:
    """Rows (source, kind, mode, h, err, std, lat, lon) of steps=5 and seconds_ahead=HORIZONS."""
    last = hist.group_by("traj_id", maintain_order=True).agg(pl.col("t", "lat", "lon").last())
    tr = {k[0]: g for k, g in truth.group_by("traj_id", maintain_order=True)}
    # the history's own median interval: a truth point is interpolated between fixes at most
    # 3 of them apart (a longer gap is no truth)
    med = hist.group_by("traj_id", maintain_order=True).agg(pl.col("t").diff().median())
    dtm = dict(zip(med["traj_id"].to_list(), med["t"].to_list(), strict=True))
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        st = model.predict(hist, steps=5)
        sa = model.predict(hist, seconds_ahead=HORIZONS)
    st = st.with_columns(pl.col("traj_id").cast(pl.String))
    sa = sa.with_columns(pl.col("traj_id").cast(pl.String))
    for mode, pred in (("steps", st), ("ahead", sa)):
        for (q,), g in pred.group_by("traj_id", maintain_order=True):
            T = tr.get(q)
            if T is None:
                continue
            lat0 = float(T["lat"][0])
            if mode == "steps":
                n = min(5, T.height, g.height)
                tl, tn = T["lat"][:n].to_numpy(), T["lon"][:n].to_numpy()
                h = np.arange(1, n + 1, dtype=float)
                g = g[:n]
                a = g["t"].to_numpy().astype(np.float64) - float(
                    last.filter(pl.col("traj_id") == q)["t"][0]
                )
            else:
                tt = T["t"].to_numpy()
                tl0 = float(last.filter(pl.col("traj_id") == q)["t"][0])
                h = np.array(HORIZONS)
                at = tl0 + h
                both = np.r_[tl0, tt]
                j = np.minimum(np.searchsorted(both, at), len(both) - 1)
                gap = both[j] - both[np.maximum(j - 1, 0)]
                ok = (at <= tt[-1]) & (gap <= 3.01 * max(dtm[q] or 1.0, 1.0))
                # truth interpolated from the last history fix on (the first truth fix on)
                lt, ln = last.filter(pl.col("traj_id") == q).row(0)[2:]
                tl = np.interp(at, np.r_[tl0, tt], np.r_[lt, T["lat"].to_numpy()])
                tn = np.interp(at, np.r_[tl0, tt], np.r_[ln, T["lon"].to_numpy()])
                tl, tn, h, g = tl[ok], tn[ok], h[ok], g.filter(pl.Series(ok))
                a = h
            pl_, pn = g["lat"].to_numpy(), g["lon"].to_numpy()
            dn = ((pn - tn + 180) % 360 - 180) * M_PER_DEG * np.cos(np.radians(lat0))
            err = np.hypot((pl_ - tl) * M_PER_DEG, dn)
            out.append(pl.DataFrame({"source": source, "kind": kind, "mode": mode, "q": q, "h": h, "a": a,
                                     "err": err, "std": g["std_m"].to_numpy(),
                                     "lat": pl_, "lon": pn}))  # fmt: skip
    return pl.concat(out)


def table(df: pl.DataFrame) -> pl.DataFrame:
    """Per (source, kind, mode, h): n, share within 1 / 2 std (%), mean std, RMS error (m)."""
    ok = df.filter(pl.col("err").is_finite() & pl.col("std").is_finite())
    return (
        ok.group_by("source", "kind", "mode", "h", maintain_order=True)
        .agg(
            n=pl.len(),
            in1=(pl.col("err") <= pl.col("std")).mean() * 100,
            in2=(pl.col("err") <= 2 * pl.col("std")).mean() * 100,
            std=pl.col("std").mean(),
            rms=(pl.col("err") ** 2).mean().sqrt(),
            med_std=pl.col("std").median(),
            med_err=pl.col("err").median(),
        )
        .sort("source", "kind", "mode", "h")
    )


def wilson(k: float, n: int) -> tuple[float, float]:
    """95 % Wilson interval of a share k / n (percent)."""
    if n == 0:
        return float("nan"), float("nan")
    z, p = 1.96, k / n
    c = (p + z * z / (2 * n)) / (1 + z * z / n)
    h = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return 100 * (c - h), 100 * (c + h)


def compare(before: pl.DataFrame, after: pl.DataFrame) -> None:
    """Markdown rows per (source, kind, mode, h): n, within 1 / 2 std_m before -> after (2 std_m
    with its 95 % Wilson CI), mean std_m / RMS error before -> after; then the mean
    |within 2 std_m - 86.5 %| and |within 1 std_m - 39.3 %| over cells of >= 20 queries."""
    b, a = table(before), table(after)
    j = b.join(a, on=["source", "kind", "mode", "h"], suffix="_a")
    print(
        "| set | kind | mode | h | n | in 1 sd before -> after | in 2 sd before -> after [CI] "
        "| std / RMS m before -> after |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in j.iter_rows(named=True):
        lo, hi = wilson(r["in2_a"] * r["n_a"] / 100, r["n_a"])
        print(
            f"| {r['source']} | {r['kind']} | {r['mode']} | {r['h']:g} | {r['n']} | "
            f"{r['in1']:.0f} -> {r['in1_a']:.0f} | {r['in2']:.0f} -> **{r['in2_a']:.0f}** "
            f"[{lo:.0f}-{hi:.0f}] | {r['std']:.0f} / {r['rms']:.0f} -> {r['std_a']:.0f} |"
        )
    big = j.filter(pl.col("n") >= 20)
    for name, c in (("before", ""), ("after", "_a")):
        e2 = (big["in2" + c] - 86.5).abs().mean()
        e1 = (big["in1" + c] - 39.3).abs().mean()
        print(
            f"{name}: mean |in2 - 86.5| {e2:.1f} pts, |in1 - 39.3| {e1:.1f} pts "
            f"over {big.height} cells"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", action="append", default=[])
    ap.add_argument("--max-cuts", type=int, default=400)
    ap.add_argument("--movers-seed", type=int, action="append", default=[])
    ap.add_argument("--n", type=int, default=60, help="tracks per mover kind")
    ap.add_argument("--out")
    ap.add_argument("--raw", action="store_true", help="the model's std_m (before session 20)")
    ap.add_argument("--table", nargs="*", help="print the table of these Parquet files")
    ap.add_argument("--compare", nargs=2, help="before.parquet after.parquet: markdown rows")
    a = ap.parse_args()
    if a.compare:
        compare(*(pl.read_parquet(p) for p in a.compare))
        return
    if a.table:
        with pl.Config(tbl_rows=400, tbl_cols=20, float_precision=1, tbl_width_chars=200):
            print(table(pl.concat([pl.read_parquet(p) for p in a.table])))
        return
    import torch

    import trajlm

    torch.set_num_threads(1)
    if a.raw:
        import trajlm.api_rollout

        trajlm.api_rollout.CALIBRATE_STD = False
    model = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
    parts = []
    for path in a.store:
        h, t = store_cuts(path, a.max_cuts)
        parts.append(score(model, h, t, os.path.basename(path.rstrip("/")), "val"))
        print(path, "done", flush=True)
    for seed in a.movers_seed:
        for kind, (h, t) in movers(seed, a.n).items():
            parts.append(score(model, h, t, f"movers{seed}", kind))
            print(seed, kind, "done", flush=True)
    res = pl.concat(parts)
    if a.out:
        res.write_parquet(a.out)
    with pl.Config(tbl_rows=400, tbl_cols=20, float_precision=1, tbl_width_chars=200):
        print(table(res))


if __name__ == "__main__":
    main()
