"""One call for many far-apart trajectories vs each alone (session 17, movers4 item 2).

python scripts/movers17_frames.py DIR KIND [--hist 3 5 20] [--out res.json]
DIR/KIND_hist.csv, DIR/KIND_truth.csv as movers16_gen.py / movers16_real.py write them. For each
history length h: trajlm-small's predict(steps=5) and predict(seconds_ahead=<truth times>) with
every track in one call ("batch") and with each track alone; x CV (paired bootstrap 95 % CI over
tracks, movers16_score.boot) and how far the batch's positions lie from the alone ones (m).
"""

import argparse
import json
import os
import sys
import warnings

os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np
import pandas as pd
import torch

torch.set_num_threads(1)
sys.path.insert(0, os.path.dirname(__file__))
from movers16_score import boot, dist, physics  # noqa: E402

import trajlm  # noqa: E402


def run(model, inp: pd.DataFrame, how: str, sa: dict) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if how == "steps":
            return model.predict(inp, steps=5)
        return model.predict(inp, seconds_ahead=sa)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("kind")
    ap.add_argument("--hist", nargs="*", type=int, default=[3, 5, 20])
    ap.add_argument("--out")
    a = ap.parse_args()
    model = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
    H = pd.read_csv(f"{a.dir}/{a.kind}_hist.csv")
    T = pd.read_csv(f"{a.dir}/{a.kind}_truth.csv")
    for df in (H, T):
        df["ts"] = pd.to_datetime(df.timestamp, utc=True, format="ISO8601")
        df["sec"] = df.ts.dt.tz_localize(None).astype("datetime64[ns]").astype("int64") / 1e9
    H["i"] = H.groupby("track_id").cumcount()
    ids = list(H.track_id.unique())
    res = {}
    for h in a.hist:
        hh = H[H.i >= 25 - h]
        inp = hh[["track_id", "ts", "latitude", "longitude"]].rename(columns={"ts": "timestamp"})
        sa = {
            tid: list(T[T.track_id == tid].sec.values - hh[hh.track_id == tid].sec.values[-1])
            for tid in ids
        }
        for how in ("steps", "seconds_ahead"):
            batch = run(model, inp, how, sa)
            alone = pd.concat(
                [run(model, inp[inp.track_id == tid], how, {tid: sa[tid]}) for tid in ids]
            )
            err = {"batch": [], "alone": [], "cv": []}
            moved = []
            for tid in ids:
                g = hh[hh.track_id == tid]
                tru = T[T.track_id == tid]
                hist = (g.sec.values, g.latitude.values, g.longitude.values)
                if how == "steps":  # CV at the last interval, scored by index
                    at = hist[0][-1] + (hist[0][-1] - hist[0][-2]) * np.arange(1, 6)
                else:
                    at = tru.sec.values
                la, lo = physics(hist, at, "cv")
                err["cv"].append(dist(la, lo, tru.latitude, tru.longitude).mean())
                for name, p in (("batch", batch), ("alone", alone)):
                    q = p[p.track_id == tid]
                    err[name].append(
                        dist(q.latitude, q.longitude, tru.latitude, tru.longitude).mean()
                    )
                qb, qa = batch[batch.track_id == tid], alone[alone.track_id == tid]
                moved.append(dist(qb.latitude, qb.longitude, qa.latitude, qa.longitude).max())
            E = {k: np.array(v, float) for k, v in err.items()}
            rec = {
                "batch/cv": boot(E["batch"], E["cv"]),
                "alone/cv": boot(E["alone"], E["cv"]),
                "batch_vs_alone_max_m": float(np.max(moved)),
                "batch_vs_alone_median_m": float(np.median(moved)),
                "n": len(ids),
            }
            res[f"{a.kind}|{h}|{how}"] = rec
            b, s = rec["batch/cv"], rec["alone/cv"]
            print(
                f"{a.kind} h={h:2d} {how:13s} batch/cv {b[0]:.3f} ({b[1]:.3f}-{b[2]:.3f}) "
                f"alone/cv {s[0]:.3f} ({s[1]:.3f}-{s[2]:.3f}) batch-alone max "
                f"{rec['batch_vs_alone_max_m']:.2f} m median {rec['batch_vs_alone_median_m']:.3f} m",
                flush=True,
            )
    if a.out:
        json.dump(res, open(a.out, "w"), indent=1)


if __name__ == "__main__":
    main()
