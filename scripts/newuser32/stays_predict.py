"""Session 32 (newuser32): what trajlm-small's `predict` says for a phone lying still (a
participant at home or at work, fixes every 5 min, 10-80 m indoor jitter), beside holding the
last fix and holding the history's median. Windows: 20 fixes in, the next 5 out, all inside one
stay of gen_study.py's truth (no trip, no gap over 10 min), up to 3 per participant.

Command: PYTHONPATH=. python scripts/newuser32/stays_predict.py [OUT] (after gen_study.py;
default OUT $NEWUSER32_OUT or /tmp/newuser32). Prints (and writes OUT/stays_predict.json)
MAE (m) per method over the 5 steps.
"""

import sys
from pathlib import Path

import numpy as np
import pandas as pd

import trajlm

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from newuser_walk import metres, walk_out  # noqa: E402, F401 (metres: privacy_predict's too)

OUT = walk_out("newuser32")
HIST, AHEAD = 20, 5


def stay_windows(gps: pd.DataFrame, truth: pd.DataFrame, per_person: int = 3):
    """(history rows, future rows) of windows inside stays, ids 'P01-w0', ..."""
    rng = np.random.default_rng(0)
    hist, fut = [], []
    epoch = pd.Timestamp("1970-01-01", tz="UTC")
    for pid, g in gps.groupby("participant_id"):
        g = g[g["accuracy"] <= 200].copy()
        t = (pd.to_datetime(g["timestamp"], utc=True, format="ISO8601") - epoch).dt.total_seconds()
        g["s"] = t.to_numpy()
        tt = truth[truth["participant_id"] == pid]
        moving = ((g["s"].to_numpy()[:, None] >= tt["t0"].to_numpy()[None] - 60)
                  & (g["s"].to_numpy()[:, None] <= tt["t1"].to_numpy()[None] + 60)).any(1)  # fmt: skip
        gap = np.r_[0, np.diff(g["s"].to_numpy())] > 600
        n = HIST + AHEAD
        ok = [i for i in range(len(g) - n)
              if not moving[i:i + n].any() and not gap[i + 1:i + n].any()]  # fmt: skip
        for k, i in enumerate(rng.choice(ok, min(per_person, len(ok)), replace=False)):
            w = g.iloc[i : i + n].assign(trip=f"{pid}-w{k}")
            hist.append(w.iloc[:HIST])
            fut.append(w.iloc[HIST:].assign(step=np.arange(1, AHEAD + 1)))
    return pd.concat(hist), pd.concat(fut)


def moving_windows(gps: pd.DataFrame, truth: pd.DataFrame, n: int = 120) -> pd.DataFrame:
    """Histories of 20 fixes inside one true trip (the rule must leave them alone)."""
    epoch = pd.Timestamp("1970-01-01", tz="UTC")
    g = gps[gps["accuracy"] <= 200].copy()
    g["s"] = (pd.to_datetime(g["timestamp"], utc=True, format="ISO8601") - epoch).dt.total_seconds()
    out = []
    for r in truth.sample(n, random_state=0).itertuples():
        w = g[(g["participant_id"] == r.participant_id) & (g["s"] >= r.t0) & (g["s"] <= r.t1)]
        if len(w) >= HIST:
            out.append(w.iloc[:HIST].assign(trip=f"{r.participant_id}-{r.trip_no}"))
    return pd.concat(out)


def main() -> None:
    gps = pd.read_csv(OUT / "gps.csv")
    truth = pd.read_csv(OUT / "survey_truth.csv")
    hist, fut = stay_windows(gps, truth)
    small = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
    cols = ["trip", "timestamp", "latitude", "longitude", "accuracy"]
    pred = small.predict(hist[cols], steps=AHEAD, traj_col="trip")
    roll = small.predict(hist[cols], steps=AHEAD, traj_col="trip", hold_stays=False)
    m = fut.merge(pred, on=["trip", "step"], suffixes=("", "_p"))
    m = m.merge(roll, on=["trip", "step"], suffixes=("", "_r"))
    last = hist.groupby("trip")[["latitude", "longitude"]].last()
    med = hist.groupby("trip")[["latitude", "longitude"]].median()
    m = m.join(last, on="trip", rsuffix="_last").join(med, on="trip", rsuffix="_med")
    rows = {}
    for name, a, b in (("trajlm-small", "latitude_p", "longitude_p"),
                       ("  hold_stays=False", "latitude_r", "longitude_r"),
                       ("hold last fix", "latitude_last", "longitude_last"),
                       ("hold history median", "latitude_med", "longitude_med")):  # fmt: skip
        rows[name] = metres(m["latitude"], m["longitude"], m[a], m[b]).mean()
    print(f"{m['trip'].nunique()} stay windows ({len(m)} points), MAE over {AHEAD} steps (m):")
    for name, v in rows.items():
        print(f"  {name:22s} {v:8.1f}")
    import warnings

    # paired bootstrap over windows: held / rollout mean error
    per = m.assign(
        e_p=metres(m["latitude"], m["longitude"], m["latitude_p"], m["longitude_p"]),
        e_r=metres(m["latitude"], m["longitude"], m["latitude_r"], m["longitude_r"]),
    )
    per = per.groupby("trip")[["e_p", "e_r"]].mean().to_numpy()
    rng = np.random.default_rng(0)
    idx = rng.integers(0, len(per), (2000, len(per)))
    ratio = per[idx, 0].mean(1) / per[idx, 1].mean(1)
    print(
        f"  held / rollout: {per[:, 0].mean() / per[:, 1].mean():.3f} "
        f"(paired bootstrap 95 % CI {np.quantile(ratio, 0.025):.3f}-{np.quantile(ratio, 0.975):.3f})"
    )
    import json

    rows["held_over_rollout"] = [float(per[:, 0].mean() / per[:, 1].mean()),
                                 float(np.quantile(ratio, 0.025)), float(np.quantile(ratio, 0.975))]  # fmt: skip
    (OUT / "stays_predict.json").write_text(json.dumps(rows, indent=1, default=float))

    mv = moving_windows(gps, truth)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        small.predict(mv[cols], steps=AHEAD, traj_col="trip")
    said = [str(x.message)[:120] for x in w if "end in a stay" in str(x.message)]
    print(f"  moving windows (20 fixes inside a true trip): {mv['trip'].nunique()}, held: {said}")
    print("  predicted move from the last fix at step 5 (median m):",
          round(float(np.median(metres(m["latitude_last"], m["longitude_last"], m["latitude_p"],
                                       m["longitude_p"])[m["step"] == AHEAD])), 1))  # fmt: skip


if __name__ == "__main__":
    main()
