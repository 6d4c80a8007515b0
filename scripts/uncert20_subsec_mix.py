"""A call mixing sub-second and minute horizons (session 20, uncert20; status.md "Open" 6):
seeded 12 m/s gently turning tracks at 2 / 5 / 10 Hz with 0.5 m GPS noise (movers19_subsec's),
30 s of history; seconds_ahead = 0.5, 1, 2, 5, 10 asked alone (the one-a-second history) and
together with 60 s in one call (the history thinned to the training step for all). Error (m)
at the near times, mean over seeds [95 % CI over seeds], and std_m of each.

    OMP_NUM_THREADS=1 PYTHONPATH=$PWD python scripts/uncert20_subsec_mix.py [--seeds 0 1 2 3 4 5]
"""

import argparse
import os
import warnings

os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np  # noqa: E402
import polars as pl  # noqa: E402
import torch  # noqa: E402
from subsec18_measure import err_m, truth  # noqa: E402

import trajlm  # noqa: E402

NEAR = [0.5, 1.0, 2.0, 5.0, 10.0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", nargs="*", type=int, default=[0, 1, 2, 3, 4, 5])
    a = ap.parse_args()
    warnings.simplefilter("ignore")
    torch.set_num_threads(1)
    m = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
    res: dict = {}
    for hz in (2, 5, 10):
        for seed in a.seeds:
            at, t0 = truth(seed, hz)
            r = np.random.default_rng(100 + seed)
            t = np.round(t0 + np.arange(0, 30 + 0.9 + 1e-9, 1 / hz), 3)
            lat, lon = at(t)
            dy, dx = r.normal(0, 0.5, (2, len(t))) / 111_320.0
            df = pl.DataFrame({"traj_id": "d", "t": t, "lat": lat + dy,
                               "lon": lon + dx / np.cos(np.radians(lat))})  # fmt: skip
            tl, tn = at(t[-1] + np.array(NEAR))
            alone = m.predict(df, seconds_ahead=NEAR)
            mixed = m.predict(df, seconds_ahead=[*NEAR, 60.0]).head(len(NEAR))
            for name, o in (("alone", alone), ("with 60 s", mixed)):
                e = err_m(o["lat"], o["lon"], tl, tn)
                res.setdefault((hz, name), []).append((e, o["std_m"].to_numpy()))
    print("hz call: error (m) at", NEAR, "| mean [95% CI over seeds] | std_m")
    for (hz, name), rows in res.items():
        e = np.array([x[0] for x in rows])
        s = np.array([x[1] for x in rows]).mean(0)
        per = e.mean(1)
        boot = np.random.default_rng(0).integers(0, len(per), (2000, len(per)))
        lo, hi = np.percentile(per[boot].mean(1), [2.5, 97.5])
        cells = " ".join(f"{v:5.2f}" for v in e.mean(0))
        stds = " ".join(f"{v:5.1f}" for v in s)
        print(f"{hz:2d} Hz {name:9s}: {cells} | {per.mean():5.2f} [{lo:.2f}-{hi:.2f}] | {stds}")


if __name__ == "__main__":
    main()
