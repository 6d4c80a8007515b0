"""Session 18 (subsec18): position error vs truth at the times answered, on seeded 12 m/s
synthetic tracks at 10 Hz and 2 Hz (seeds 0-2) through the Python API with trajlm-small:
recover (missing fixes that share a second with a kept one), predict(seconds_ahead=) from a
last fix late in its second, predict(steps=5). docs/api.md "Session 18 (subsec18)".

    OMP_NUM_THREADS=1 python scripts/subsec18_measure.py
"""

import os
import warnings

os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np  # noqa: E402
import polars as pl  # noqa: E402
import torch  # noqa: E402

import trajlm  # noqa: E402

torch.set_num_threads(1)

warnings.simplefilter("ignore")
M_PER_DEG = 111_320.0


def truth(seed, hz, dur=40.0):
    """(fn t -> (lat, lon), t0): a 12 m/s track with a gentle turn, Porto."""
    r = np.random.default_rng(seed)
    head0, turn = r.uniform(0, 2 * np.pi), r.uniform(-0.02, 0.02)  # rad, rad/s
    lat0, lon0 = 41.15 + r.uniform(-0.01, 0.01), -8.61 + r.uniform(-0.01, 0.01)
    t0 = 1_700_000_000 + int(r.integers(0, 10_000))

    def at(t):
        s = np.asarray(t, float) - t0
        h = head0 + turn * s
        # integrate heading: x = int cos h v dt
        if abs(turn) < 1e-9:
            x, y = 12 * s * np.cos(head0), 12 * s * np.sin(head0)
        else:
            x = 12 / turn * (np.sin(h) - np.sin(head0))
            y = -12 / turn * (np.cos(h) - np.cos(head0))
        return lat0 + y / M_PER_DEG, lon0 + x / (M_PER_DEG * np.cos(np.radians(lat0)))

    return at, t0


def err_m(lat, lon, tl, tn):
    dy = (np.asarray(lat) - tl) * M_PER_DEG
    dx = (np.asarray(lon) - tn) * M_PER_DEG * np.cos(np.radians(tl))
    return np.hypot(dx, dy)


def track(seed, hz, end_frac):
    at, t0 = truth(seed, hz)
    t = t0 + np.arange(0, 30 + end_frac + 1e-9, 1 / hz)
    t = np.round(t, 3)
    lat, lon = at(t)
    return at, pl.DataFrame({"traj_id": "d", "t": t, "lat": lat, "lon": lon})


def main():
    m = trajlm.TrajLM.from_pretrained("trajlm-small")
    res = {k: [] for k in ("recover", "ahead", "ahead_dt", "steps", "steps_dt")}
    for seed in (0, 1, 2):
        for hz in (10, 2):
            # 1. recover: missing fixes at .5-.9 of second 10 (10 Hz) / .5 of seconds 10-12 (2 Hz)
            at, df = track(seed, hz, 0.9 if hz == 10 else 0.5)
            rel = df["t"] - df["t"][0]
            miss = (
                ((rel >= 10.45) & (rel < 11.0))
                if hz == 10
                else ((rel % 1 > 0.4) & (rel > 9.9) & (rel < 13))
            )
            miss = miss | ((rel >= 20.25) & (rel < 21.65))  # and one across seconds
            q = df.with_columns(
                lat=pl.when(miss).then(None).otherwise(pl.col("lat")),
                lon=pl.when(miss).then(None).otherwise(pl.col("lon")),
            )
            out = m.recover(q)
            o = out.filter(pl.col("recovered"))
            tl, tn = at(o["t"].to_numpy())
            res["recover"] += list(err_m(o["lat"], o["lon"], tl, tn))
            # 2. seconds_ahead from a last fix at .95 (10 Hz) / .5 (2 Hz)
            at, df = track(seed, hz, 0.95 if hz == 10 else 0.5)
            last = df["t"][-1]
            ahead = [0.75, 2.0, 5.0]
            p = m.predict(df, seconds_ahead=ahead)
            tl, tn = at(last + np.array(ahead))
            res["ahead"] += list(err_m(p["lat"], p["lon"], tl, tn))
            res["ahead_dt"] += list(np.abs(p["t"].to_numpy() - (last + np.array(ahead))))
            # 3. steps=5: error at the answered times, and the answered times' spacing
            p = m.predict(df, steps=5)
            tt = p["t"].to_numpy()
            tl, tn = at(tt)
            res["steps"] += list(err_m(p["lat"], p["lon"], tl, tn))
            res.setdefault(f"steps_h_{hz}", []).append(err_m(p["lat"], p["lon"], tl, tn))
            res["steps_dt"].append((hz, np.round(tt - last, 2).tolist()))
    for k in ("recover", "ahead", "ahead_dt", "steps"):
        v = np.asarray(res[k], float)
        print(
            f"{k}: n={len(v)} mean={np.nanmean(v):.3f} median={np.nanmedian(v):.3f} max={np.nanmax(v):.3f}"
        )
    for hz in (10, 2):
        print(
            f"steps {hz} Hz per step (mean over seeds):",
            np.round(np.mean(res[f"steps_h_{hz}"], 0), 2),
        )
    for hz, d in res["steps_dt"][:2]:
        print(f"steps {hz} Hz: times after last fix {d}")


if __name__ == "__main__":
    main()
