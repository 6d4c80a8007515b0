"""Score trajlm-small vs constant velocity (and linear-3) through the Python API on pandas frames.

python scripts/probe_movers_score.py DATA.csv [--truth TRUTH.csv] [--hist 2 3 4 20] [--name NAME] [--out res.json]
History = fixes 0..19 of each trip (the last h of them), future = fixes 20..24 (observed).
Ratios = sum(model err) / sum(CV err) over trips (per-trip error = mean over the steps),
paired bootstrap 95 % CI over trips (2000 resamples, seed 0).
"""

from __future__ import annotations

import argparse
import json
import os
import warnings

os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np
import pandas as pd
import torch

torch.set_num_threads(1)
import trajlm  # noqa: E402
from trajlm.baselines import ConstantVelocity, LinearExtrapolation  # noqa: E402

HIST_END = 19


def metres(lat1, lon1, lat2, lon2):
    lat1, lon1, lat2, lon2 = map(
        lambda a: np.deg2rad(np.asarray(a, float)), (lat1, lon1, lat2, lon2)
    )
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_000 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def boot(m: np.ndarray, c: np.ndarray, n: int = 2000) -> tuple[float, float, float]:
    ok = np.isfinite(m) & np.isfinite(c)
    m, c = m[ok], c[ok]
    if len(m) == 0 or c.sum() == 0:
        return float("nan"), float("nan"), float("nan")
    rng = np.random.default_rng(0)
    idx = rng.integers(0, len(m), (n, len(m)))
    r = m[idx].sum(1) / np.maximum(c[idx].sum(1), 1e-9)
    return float(m.sum() / c.sum()), float(np.percentile(r, 2.5)), float(np.percentile(r, 97.5))


def read_trips(path: str, max_trips: int) -> tuple[pd.DataFrame, pd.Index]:
    """A set's trips with at least HIST_END + 6 fixes (the first max_trips), sorted, each fix
    numbered k within its trip; and those trips' ids."""
    df = pd.read_csv(path)
    df["timestamp"] = pd.to_datetime(df["timestamp"], utc=True, format="ISO8601")
    df = df.sort_values(["trip_id", "timestamp"])
    df["k"] = df.groupby("trip_id").cumcount()
    size = df.groupby("trip_id").size()
    keep = size[size >= HIST_END + 6].index[:max_trips]
    return df[df.trip_id.isin(keep)], keep


def call(fn, *a, **k):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = fn(*a, **k)
    msgs = sorted({f"{x.category.__name__}: {str(x.message)[:220]}" for x in w})
    return out, msgs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--truth", default="")
    ap.add_argument("--hist", type=int, nargs="+", default=[2, 3, 4, 20])
    ap.add_argument("--name", default="")
    ap.add_argument("--out", default="")
    ap.add_argument("--model", default="trajlm/checkpoints/trajlm-small")
    ap.add_argument("--max-trips", type=int, default=150)
    a = ap.parse_args()
    name = a.name or os.path.basename(a.data).removesuffix(".csv")
    df, keep = read_trips(a.data, a.max_trips)
    fut = df[(df.k > HIST_END) & (df.k <= HIST_END + 5)].copy()
    fut["step"] = fut.k - HIST_END
    full = df[df.k <= HIST_END]
    tt = full.groupby("trip_id").timestamp.agg(["first", "last"])
    secs = (tt["last"] - tt["first"]).dt.total_seconds() / HIST_END
    d = full.groupby("trip_id").apply(
        lambda g: metres(
            g.latitude.values[:-1],
            g.longitude.values[:-1],
            g.latitude.values[1:],
            g.longitude.values[1:],
        ).sum(),
        include_groups=False,
    )
    span = (tt["last"] - tt["first"]).dt.total_seconds()
    info = {
        "name": name,
        "n": int(len(keep)),
        "interval_s": float(secs.median()),
        "speed_mps": float((d / span).median()),
    }
    model = trajlm.TrajLM.from_pretrained(a.model, threads=1)
    res = {"info": info, "rows": [], "warnings": {}}
    print(json.dumps(info))
    for h in a.hist:
        hist = full[full.k > HIST_END - h][["trip_id", "timestamp", "latitude", "longitude"]]
        preds, w = {}, {}
        preds["trajlm"], w["trajlm"] = call(model.predict, hist, steps=5)
        preds["cv"], w["cv"] = call(ConstantVelocity().predict, hist, steps=5)
        if h >= 3:
            preds["lin3"], w["lin3"] = call(LinearExtrapolation().predict, hist, steps=5)
        res["warnings"][f"h={h}"] = w["trajlm"]
        errs, implaus = {}, {}
        for key, p in preds.items():
            p = p.rename(columns={"trip_id": "trip_id"})
            m = p.merge(
                fut[["trip_id", "step", "latitude", "longitude", "timestamp"]],
                on=["trip_id", "step"],
                suffixes=("", "_true"),
            )
            m["err"] = metres(m.latitude, m.longitude, m.latitude_true, m.longitude_true)
            errs[key] = m.pivot(index="trip_id", columns="step", values="err").reindex(keep)
            # implausibility
            lastp = hist.groupby("trip_id").tail(1).set_index("trip_id")
            pp = p.set_index("trip_id")
            jump = metres(
                pp.latitude,
                pp.longitude,
                lastp.loc[pp.index, "latitude"],
                lastp.loc[pp.index, "longitude"],
            )
            pt = pd.to_datetime(p["timestamp"], utc=True)
            nonmono = int(
                (p.assign(tt=pt).groupby("trip_id").tt.diff().dt.total_seconds() <= 0).sum()
            )
            implaus[key] = {
                "nan": int(p[["latitude", "longitude"]].isna().any(axis=1).sum()),
                "max_jump_m": float(np.nanmax(jump)) if len(jump) else None,
                "non_increasing_t": nonmono,
                "rows": int(len(p)),
            }
            if key == "trajlm":
                dtp = m.groupby("trip_id").apply(
                    lambda g: float(
                        (pd.to_datetime(g.timestamp, utc=True) - g.timestamp_true)
                        .dt.total_seconds()
                        .abs()
                        .mean()
                    ),
                    include_groups=False,
                )
                implaus[key]["mean_abs_time_err_s"] = float(dtp.mean())
        for key in errs:
            if key == "cv":
                continue
            for steps in ([1], [2], [3], [4], [5], [1, 2, 3, 4, 5]):
                me = errs[key][steps].mean(axis=1).values
                ce = errs["cv"][steps].mean(axis=1).values
                r, lo, hi = boot(me, ce)
                res["rows"].append(
                    {
                        "hist": h,
                        "arm": key,
                        "steps": "1-5" if len(steps) == 5 else str(steps[0]),
                        "mae": float(np.nanmean(me)),
                        "cv_mae": float(np.nanmean(ce)),
                        "ratio": r,
                        "lo": lo,
                        "hi": hi,
                    }
                )
        res.setdefault("implausible", {})[f"h={h}"] = implaus
        # seconds ahead (time-aligned, against the noise-free truth)
        if a.truth and h in (3, 20):
            tr = pd.read_csv(a.truth)
            hz = sorted(tr.horizon_s.unique().tolist())
            sa, wsa = call(model.predict, hist, seconds_ahead=hz)
            res["warnings"][f"h={h} seconds_ahead"] = wsa
            lastp = hist.groupby("trip_id").tail(2)
            g = lastp.groupby("trip_id")
            p1, p0 = g.tail(1).set_index("trip_id"), g.head(1).set_index("trip_id")
            dtl = (p1.timestamp - p0.timestamp).dt.total_seconds()
            sa = sa.copy()
            tlast = p1.timestamp.map(lambda x: x.timestamp())
            tsa = pd.to_datetime(sa.timestamp, utc=True).map(
                lambda x: x.timestamp() if pd.notna(x) else np.nan
            )
            sa["horizon_s"] = (tsa.values - tlast.loc[sa.trip_id].values).round()
            for hzn in hz:
                q = sa[sa.horizon_s == hzn].set_index("trip_id").reindex(keep)
                trh = tr[tr.horizon_s == hzn].set_index("trip_id").reindex(keep)
                f = hzn / dtl.reindex(keep)
                cvlat = p1.latitude.reindex(keep) + f * (p1.latitude - p0.latitude).reindex(keep)
                cvlon = p1.longitude.reindex(keep) + f * (p1.longitude - p0.longitude).reindex(keep)
                me = metres(q.latitude, q.longitude, trh.true_lat, trh.true_lon)
                ce = metres(cvlat, cvlon, trh.true_lat, trh.true_lon)
                r, lo, hi = boot(np.asarray(me), np.asarray(ce))
                res["rows"].append(
                    {
                        "hist": h,
                        "arm": "trajlm",
                        "steps": f"+{hzn}s",
                        "mae": float(np.nanmean(me)),
                        "cv_mae": float(np.nanmean(ce)),
                        "ratio": r,
                        "lo": lo,
                        "hi": hi,
                        "nan": int(np.isnan(np.asarray(me)).sum()),
                    }
                )
    for r in res["rows"]:
        if r["arm"] == "trajlm" and r["steps"] in ("1-5", "1", "5") or r["steps"].startswith("+"):
            flag = " <-- WORSE" if r["ratio"] > 1.05 and r["lo"] > 1 else ""
            print(
                f"h={r['hist']:>2} {r['arm']:6} {r['steps']:>6} mae {r['mae']:9.1f} cv {r['cv_mae']:9.1f} "
                f"ratio {r['ratio']:.3f} ({r['lo']:.3f}-{r['hi']:.3f}){flag}"
            )
    print("implausible:", json.dumps(res["implausible"]))
    for k, v in res["warnings"].items():
        for m in v:
            print("warn", k, m)
    if a.out:
        json.dump(res, open(a.out, "w"), indent=1)


if __name__ == "__main__":
    main()
