"""Sub-second feeds, positions at asked times by horizon (session 19, movers19): seeded 12 m/s
tracks with a gentle turn (subsec18_measure.truth) at 2, 5 and 10 Hz, GPS noise 0 / 0.5 m,
30 s of history ending late in a second; seconds_ahead = 0.5, 1, 2, 5, 10 s. Error (m) vs
truth of trajlm-small with the history by horizon (one fix a second when every asked time is
within the training step) and thinned to the training step as before, beside constant
velocity (the last two fixes) and a line fitted to the last second of fixes.

    OMP_NUM_THREADS=1 python scripts/movers19_subsec.py [--seeds 0 1 2 3 4 5]
"""

import argparse
import os
import warnings

os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np  # noqa: E402
import polars as pl  # noqa: E402
import torch  # noqa: E402

# the 12 m/s gently turning track and the error in metres of subsec18's measurement
from subsec18_measure import err_m, truth  # noqa: E402

import trajlm  # noqa: E402
import trajlm.api_at_times as A  # noqa: E402  (where predict's asked times read history_by_horizon)

AHEAD = [0.5, 1.0, 2.0, 5.0, 10.0]


def physics(df: pl.DataFrame, ahead: np.ndarray, fit_s: float | None):
    t, la, lo = (df[c].to_numpy() for c in ("t", "lat", "lon"))
    sel = t >= t[-1] - fit_s if fit_s else np.arange(len(t)) >= len(t) - 2
    vla, la0 = np.polyfit(t[sel] - t[-1], la[sel], 1)
    vlo, lo0 = np.polyfit(t[sel] - t[-1], lo[sel], 1)
    if not fit_s:  # constant velocity from the last fix itself
        la0, lo0 = la[-1], lo[-1]
    return la0 + vla * ahead, lo0 + vlo * ahead


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", nargs="*", type=int, default=[0, 1, 2, 3, 4, 5])
    a = ap.parse_args()
    warnings.simplefilter("ignore")
    torch.set_num_threads(1)
    m = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
    new = A.history_by_horizon
    old = lambda lm, df, ahead, layout: lm._history(df)  # noqa: E731  (before session 19)
    ahead = np.array(AHEAD)
    res: dict = {}
    for noise in (0.0, 0.5):
        for hz in (2, 5, 10):
            for seed in a.seeds:
                at, t0 = truth(seed, hz)
                r = np.random.default_rng(100 + seed)
                t = np.round(t0 + np.arange(0, 30 + 0.9 + 1e-9, 1 / hz), 3)
                lat, lon = at(t)
                dy, dx = r.normal(0, noise, (2, len(t))) / 111_320.0
                df = pl.DataFrame({"traj_id": "d", "t": t, "lat": lat + dy,
                                   "lon": lon + dx / np.cos(np.radians(lat))})  # fmt: skip
                tl, tn = at(t[-1] + ahead)
                for name, fn in (("by_horizon", new), ("thinned", old)):
                    A.history_by_horizon = fn
                    o = m.predict(df, seconds_ahead=AHEAD)
                    e = err_m(o["lat"], o["lon"], tl, tn)
                    res.setdefault((noise, hz, name), []).append(e)
                for name, fit in (("cv", None), ("line_1s", 1.0)):
                    pla, plo = physics(df, ahead, fit)
                    res.setdefault((noise, hz, name), []).append(err_m(pla, plo, tl, tn))
    A.history_by_horizon = new
    print("noise hz method: mean error (m) at", AHEAD, "| all horizons mean [95% CI over seeds]")
    for (noise, hz, name), es in res.items():
        e = np.array(es)  # (seeds, horizons)
        per = e.mean(1)
        boot = [
            per[s].mean() for s in np.random.default_rng(0).integers(0, len(per), (2000, len(per)))
        ]
        lo, hi = np.percentile(boot, [2.5, 97.5])
        cells = " ".join(f"{v:6.2f}" for v in e.mean(0))
        print(
            f"{noise:3.1f} {hz:2d} Hz {name:10s}: {cells} | {per.mean():6.2f} [{lo:.2f}-{hi:.2f}]"
        )


if __name__ == "__main__":
    main()
