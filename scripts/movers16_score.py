"""Score trajlm-small (or --model) on movers16_gen.py sets: python scripts/movers16_score.py DIR [--kinds ...] [--hist 1 2 3 5 20] [--train DIR2] --out res.json"""

import argparse
import json
import os
import time
import warnings

os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np
import pandas as pd
import torch

torch.set_num_threads(1)
import trajlm  # noqa: E402
from trajlm.baselines import KNNContinuation  # noqa: E402

R = 6_371_000.0


def enu(lat, lon, lat0, lon0):
    dlon = (np.asarray(lon) - lon0 + 180) % 360 - 180
    return np.deg2rad(dlon) * R * np.cos(np.deg2rad(lat0)), np.deg2rad(np.asarray(lat) - lat0) * R


def dist(lat1, lon1, lat2, lon2):
    lat1, lon1, lat2, lon2 = map(
        lambda a: np.deg2rad(np.asarray(a, float)), (lat1, lon1, lat2, lon2)
    )
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * R * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def boot(m, c, n=2000):
    ok = np.isfinite(m) & np.isfinite(c)
    m, c = m[ok], c[ok]
    if len(m) == 0:
        return [np.nan] * 3
    rng = np.random.default_rng(0)
    idx = rng.integers(0, len(m), (n, len(m)))
    r = m[idx].sum(1) / np.maximum(c[idx].sum(1), 1e-9)
    return [float(m.sum() / c.sum()), float(np.percentile(r, 2.5)), float(np.percentile(r, 97.5))]


def call(fn, *a, **k):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            out = fn(*a, **k)
            err = None
        except Exception as e:
            out, err = None, f"{type(e).__name__}: {str(e)[:300]}"
    return out, sorted({f"{x.category.__name__}: {str(x.message)[:300]}" for x in w}), err


def physics(hist, truth_t, kind):
    """hist: (t s, lat, lon) arrays; returns (lat, lon) at truth_t for 'cv' / 'lin3'."""
    t, la, lo = hist
    x, y = enu(la, lo, la[-1], lo[-1])
    dt = truth_t - t[-1]
    if len(t) == 1:
        px = np.zeros_like(dt)
        py = np.zeros_like(dt)
    elif kind == "cv":
        vx = (x[-1] - x[-2]) / (t[-1] - t[-2])
        vy = (y[-1] - y[-2]) / (t[-1] - t[-2])
        px, py = vx * dt, vy * dt
    else:
        k = min(3, len(t))
        tt = t[-k:] - t[-1]
        A = np.c_[np.ones(k), tt]
        cx = np.linalg.lstsq(A, x[-k:], rcond=None)[0]
        cy = np.linalg.lstsq(A, y[-k:], rcond=None)[0]
        px = cx[0] + cx[1] * dt
        py = cy[0] + cy[1] * dt
    lat = la[-1] + np.rad2deg(py / R)
    lon = lo[-1] + np.rad2deg(px / (R * np.cos(np.deg2rad(la[-1]))))
    return lat, (lon + 180) % 360 - 180


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--kinds", nargs="*")
    ap.add_argument("--hist", nargs="*", type=int, default=[1, 2, 3, 5, 20])
    ap.add_argument("--train")
    ap.add_argument("--model", default="trajlm-small")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    model = trajlm.TrajLM.from_pretrained(a.model, threads=1)
    kinds = a.kinds or [f[:-9] for f in sorted(os.listdir(a.dir)) if f.endswith("_hist.csv")]
    res = {}
    for kind in kinds:
        H = pd.read_csv(f"{a.dir}/{kind}_hist.csv")
        T = pd.read_csv(f"{a.dir}/{kind}_truth.csv")
        naive = "naive" in kind
        for df in (H, T):
            df["ts"] = (
                pd.to_datetime(df.timestamp, utc=True, format="ISO8601")
                if not naive
                else pd.to_datetime(df.timestamp, format="ISO8601")
            )
            df["sec"] = (df.ts.dt.tz_localize(None) if not naive else df.ts).astype(
                "datetime64[ns]"
            ).astype("int64") / 1e9
        H["i"] = H.groupby("track_id").cumcount()
        knn = None
        if a.train:
            tr = pd.read_csv(f"{a.train}/{kind}.csv")
            tr["timestamp"] = pd.to_datetime(tr.timestamp, utc=not naive, format="ISO8601")
            knn = KNNContinuation(n_neighbors=5, history=3).fit(tr)
        ids = H.track_id.unique()
        for h in a.hist:
            hh = H[H.i >= 25 - h].copy()
            inp = hh[["track_id", "timestamp", "latitude", "longitude"]].copy()
            inp["timestamp"] = (
                pd.to_datetime(inp.timestamp, utc=not naive, format="ISO8601")
                if not naive
                else pd.to_datetime(inp.timestamp, format="ISO8601")
            )
            if not naive:  # keep the caller's zone: convert to the first offset's zone
                pass
            rec = dict(n=len(ids))
            t0 = time.time()
            sa = {
                tid: list(T[T.track_id == tid].sec.values - hh[hh.track_id == tid].sec.values[-1])
                for tid in ids
            }
            p_sa, w_sa, e_sa = call(model.predict, inp, seconds_ahead=sa)
            p_st, w_st, e_st = call(model.predict, inp, steps=5)
            rec["sec"] = time.time() - t0
            rec["warn_sa"] = w_sa
            rec["warn_st"] = w_st
            rec["err_sa"] = e_sa
            rec["err_st"] = e_st
            errs = {k: [] for k in ("model", "cv", "lin3", "model_steps", "cv_steps", "knn_steps")}
            within2 = []
            within1 = []
            stdrat = []
            terr = []
            for tid in ids:
                g = hh[hh.track_id == tid]
                tru = T[T.track_id == tid]
                hist = (g.sec.values, g.latitude.values, g.longitude.values)
                for k in ("cv", "lin3"):
                    la, lo = physics(hist, tru.sec.values, k)
                    errs[k].append(dist(la, lo, tru.latitude, tru.longitude).mean())
                # steps: CV at regular last interval
                if len(g) > 1:
                    dtl = hist[0][-1] - hist[0][-2]
                    st = hist[0][-1] + dtl * np.arange(1, 6)
                    la, lo = physics(hist, st, "cv")
                else:
                    la, lo = physics(hist, hist[0][-1] + np.arange(1, 6), "cv")
                errs["cv_steps"].append(dist(la, lo, tru.latitude, tru.longitude).mean())
                if p_sa is not None:
                    q = p_sa[p_sa.track_id == tid]
                    errs["model"].append(
                        dist(q.latitude, q.longitude, tru.latitude, tru.longitude).mean()
                        if len(q) == 5
                        else np.nan
                    )
                else:
                    errs["model"].append(np.nan)
                if p_st is not None:
                    q = p_st[p_st.track_id == tid]
                    d = dist(q.latitude, q.longitude, tru.latitude, tru.longitude)
                    errs["model_steps"].append(d.mean())
                    s = q.std_m.values
                    within2.append(np.mean(d <= 2 * s))
                    within1.append(np.mean(d <= s))
                    stdrat.append(np.median(d / np.maximum(s, 1e-9)))
                    qt = pd.to_datetime(q.timestamp, utc=not naive)
                    qs = (qt.dt.tz_localize(None) if not naive else qt).astype(
                        "datetime64[ns]"
                    ).astype("int64").values / 1e9
                    terr.append(
                        np.mean(np.abs(qs - tru.sec.values))
                        / max(1e-9, np.median(np.diff(tru.sec.values)))
                    )
                else:
                    errs["model_steps"].append(np.nan)
            if knn is not None:
                kp, w_k, e_k = call(knn.predict, inp, steps=5)
                rec["err_knn"] = e_k
                for tid in ids:
                    tru = T[T.track_id == tid]
                    q = kp[kp.track_id == tid] if kp is not None else []
                    errs["knn_steps"].append(
                        dist(q.latitude, q.longitude, tru.latitude, tru.longitude).mean()
                        if len(q) == 5
                        else np.nan
                    )
            E = {k: np.array(v, float) for k, v in errs.items() if v}
            rec["mae"] = {k: float(np.nanmean(v)) for k, v in E.items()}
            rec["model/cv"] = boot(E["model"], E["cv"])
            rec["lin3/cv"] = boot(E["lin3"], E["cv"])
            rec["model/lin3"] = boot(E["model"], E["lin3"])
            rec["steps model/cv"] = boot(E["model_steps"], E["cv_steps"])
            if "knn_steps" in E:
                rec["steps knn/cv"] = boot(E["knn_steps"], E["cv_steps"])
            rec["within_2std"] = float(np.mean(within2)) if within2 else None
            rec["within_1std"] = float(np.mean(within1)) if within1 else None
            rec["med_err_over_std"] = float(np.median(stdrat)) if stdrat else None
            rec["time_err_in_intervals"] = float(np.mean(terr)) if terr else None
            rec["nan_model"] = int(np.isnan(E["model"]).sum())
            res[f"{kind}|{h}"] = rec
            mc = rec["model/cv"]
            print(
                f"{kind:20s} h={h:2d} model/cv {mc[0]:.3f} ({mc[1]:.3f}-{mc[2]:.3f}) lin3/cv {rec['lin3/cv'][0]:.3f} steps {rec['steps model/cv'][0]:.3f} "
                f"knn/cv {rec.get('steps knn/cv', [np.nan])[0]:.3f} in2sd {rec['within_2std']} terr {rec['time_err_in_intervals']} nan {rec['nan_model']} {rec['sec']:.1f}s "
                f"err {e_sa or ''} {e_st or ''} warns {len(w_sa)}",
                flush=True,
            )
            json.dump(res, open(a.out, "w"), indent=1, default=str)


if __name__ == "__main__":
    main()
