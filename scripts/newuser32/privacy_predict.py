"""Session 32 (newuser32): does trajlm-small's `predict` still work on coordinates made private
the usual ways: rounded to 3 decimals (~110 m x 70 m cells in Amsterdam) or 4 (~11 m), or
shifted by one secret offset per study (+0.731 deg lat, -1.214 deg lon: into the North Sea)?
Histories: the first 20 fixes of up to 120 diary trips of gen_study.py (moving, 10-30 s apart),
truth: the next 5 real fixes. The shifted answer is shifted back before scoring.

Command: PYTHONPATH=. python scripts/newuser32/privacy_predict.py [OUT] (after gen_study.py).
Prints (and writes OUT/privacy_predict.json) MAE (m) per input, its ratio to the raw input's with a paired bootstrap 95 % CI over
trips, and the same for embeddings (cosine similarity of each trip's embedding to its raw one).
"""

import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stays_predict import AHEAD, HIST, OUT, metres  # noqa: E402

import trajlm  # noqa: E402

SHIFT = (0.731, -1.214)


def windows(gps: pd.DataFrame, truth: pd.DataFrame, n: int = 120):
    epoch = pd.Timestamp("1970-01-01", tz="UTC")
    g = gps[gps["accuracy"] <= 200].copy()
    g["s"] = (pd.to_datetime(g["timestamp"], utc=True, format="ISO8601") - epoch).dt.total_seconds()
    hist, fut = [], []
    for r in truth.sample(n, random_state=1).itertuples():
        w = g[(g["participant_id"] == r.participant_id) & (g["s"] >= r.t0) & (g["s"] <= r.t1)]
        if len(w) >= HIST + AHEAD:
            w = w.assign(trip=f"{r.participant_id}-{r.trip_no}")
            hist.append(w.iloc[:HIST])
            fut.append(w.iloc[HIST : HIST + AHEAD].assign(step=np.arange(1, AHEAD + 1)))
    return pd.concat(hist), pd.concat(fut)


def main() -> None:
    gps = pd.read_csv(OUT / "gps.csv")
    truth = pd.read_csv(OUT / "survey_truth.csv")
    hist, fut = windows(gps, truth)
    small = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
    cols = ["trip", "timestamp", "latitude", "longitude"]
    inputs = {
        "raw": hist,
        "rounded 4 dp": hist.assign(
            latitude=hist["latitude"].round(4), longitude=hist["longitude"].round(4)
        ),  # fmt: skip
        "rounded 3 dp": hist.assign(
            latitude=hist["latitude"].round(3), longitude=hist["longitude"].round(3)
        ),  # fmt: skip
        "shifted": hist.assign(
            latitude=hist["latitude"] + SHIFT[0], longitude=hist["longitude"] + SHIFT[1]
        ),  # fmt: skip
    }
    per, emb = {}, {}
    for name, h in inputs.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            p = small.predict(h[cols], steps=AHEAD, traj_col="trip")
            e = small.embed(h[cols], traj_col="trip").set_index("trip").sort_index()
        if name == "shifted":
            p = p.assign(latitude=p["latitude"] - SHIFT[0], longitude=p["longitude"] - SHIFT[1])
        m = fut.merge(p, on=["trip", "step"], suffixes=("", "_p"))
        m["e"] = metres(m["latitude"], m["longitude"], m["latitude_p"], m["longitude_p"])
        per[name] = m.groupby("trip")["e"].mean().sort_index()
        emb[name] = e.to_numpy()
    raw = per["raw"].to_numpy()
    rng = np.random.default_rng(0)
    idx = rng.integers(0, len(raw), (2000, len(raw)))
    print(f"{len(raw)} moving trips, 20 fixes in, 5 out; MAE (m), ratio to raw [95 % CI]:")
    record = {}
    for name, v in per.items():
        v = v.to_numpy()
        r = v[idx].mean(1) / raw[idx].mean(1)
        a, b = emb[name], emb["raw"]
        cos = (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
        print(f"  {name:13s} {v.mean():7.1f}  {v.mean() / raw.mean():.3f} "
              f"[{np.quantile(r, 0.025):.3f}, {np.quantile(r, 0.975):.3f}]  "
              f"embedding cosine to raw: median {np.median(cos):.4f}, min {cos.min():.4f}")  # fmt: skip
        record[name] = {"mae_m": float(v.mean()), "ratio": float(v.mean() / raw.mean()),
                        "ci": [float(np.quantile(r, 0.025)), float(np.quantile(r, 0.975))],
                        "cosine_median": float(np.median(cos))}  # fmt: skip
    import json

    (OUT / "privacy_predict.json").write_text(json.dumps(record, indent=1))


if __name__ == "__main__":
    main()
