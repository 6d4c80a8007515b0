"""fleetfix28: trajlm-small's recovery bridge with and without the stopped-gap hold
(trajlm/tasks/recover_stopped.py) on the val splits of the shared Porto / GeoLife stores,
PROTOCOL's random 50 % and every-240 s masks. The recoverer is TrajLM.recover's for
trajlm-small (BRIDGE_DEFAULT, the call check, no saved verdict); one call per chunk of CHUNK
val trips (a user's call size), the same chunks for both arms. Per trip the summed error of its
hidden points; paired bootstrap (2,000 resamples of trips) of the mean error per hidden point,
hold minus none. Also: how many gaps the rule held, and the seconds each arm took.

    PYTHONPATH=$PWD python scripts/fleetfix28/stopped_gaps.py [--trips N] [--seeds S]
        [--check call|off] [STORE ...]
        # default: 60 val trips (the first by traj_id), seed 0 (random masks: seeds 0..S-1),
        # the call check on, /tmp/stores/porto /tmp/stores/geolife
Outputs: prints, and $FLEETFIX28_OUT/stopped_gaps_CHECK_STORES.json (default /tmp/fleetfix28).
"""

import json
import os
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import polars as pl

from trajlm.api import TrajLM
from trajlm.data.features import LocalProjection
from trajlm.data.longitude import mean_lon
from trajlm.data.protocol_tasks import make_recovery_task
from trajlm.data.store import read_store
from trajlm.tasks.recover_bridge import BRIDGE_DEFAULT, BridgeRecoverer, neighbours
from trajlm.tasks.recover_stopped import STOP_RADIUS_M, stopped_gaps

OUT = Path(os.environ.get("FLEETFIX28_OUT", "/tmp/fleetfix28"))
CHUNK = 20
PATTERNS = [("random", 0.0), ("downsample", 240.0)]


def errors(model, task, hold_m: float, check: str) -> tuple[np.ndarray, np.ndarray, float, str]:
    rec = BridgeRecoverer(model, **{**BRIDGE_DEFAULT, "hold_m": hold_m, "check": check})
    rec._said = "study"
    t0 = time.time()
    ll = rec.recover(task)
    secs = time.time() - t0
    truth = np.asarray(task.truth, np.float64)
    proj = LocalProjection(float(truth[:, 0].mean()), mean_lon(truth[:, 1]))
    a = np.stack(proj.forward(ll[:, 0], ll[:, 1]), 1)
    b = np.stack(proj.forward(truth[:, 0], truth[:, 1]), 1)
    hid = ~task.known
    e = np.linalg.norm(a - b, axis=1)
    g = task.groups
    return (np.bincount(g[hid], e[hid], g.max() + 1), np.bincount(g[hid], minlength=g.max() + 1),
            secs, rec.last_engine)  # fmt: skip


def held_count(task) -> int:
    ll = np.asarray(task.latlon, np.float64)
    kn = task.known
    proj = LocalProjection(float(ll[kn, 0].mean()), mean_lon(ll[kn, 1]))
    xy = np.stack(proj.forward(ll[:, 0], ll[:, 1]), 1)
    prev, nxt = neighbours(kn, task.groups)
    hid = np.flatnonzero(~kn)
    pn = np.unique(np.stack([prev[hid], nxt[hid]], 1), axis=0)
    return int(stopped_gaps(xy, task.t, pn, STOP_RADIUS_M).sum()), len(pn)


def main(argv: list[str]) -> None:
    trips, seeds, check = 60, 1, "call"
    if "--check" in argv:  # "off": the guarded bridge without the call check (the model answers)
        i = argv.index("--check")
        check, argv = argv[i + 1], argv[:i] + argv[i + 2 :]
    if "--trips" in argv:
        i = argv.index("--trips")
        trips, argv = int(argv[i + 1]), argv[:i] + argv[i + 2 :]
    if "--seeds" in argv:
        i = argv.index("--seeds")
        seeds, argv = int(argv[i + 1]), argv[:i] + argv[i + 2 :]
    stores = argv or ["/tmp/stores/porto", "/tmp/stores/geolife"]
    model = TrajLM.from_pretrained("trajlm-small", threads=1).model
    rng = np.random.default_rng(0)
    res = []
    for st in stores:
        val = read_store(Path(st), split="val").drop("split", strict=False)
        ids = val["traj_id"].unique(maintain_order=True).sort()[:trips]
        val = val.filter(pl.col("traj_id").is_in(ids.implode()))
        for mode, iv in PATTERNS:
            for seed in range(seeds if mode == "random" else 1):
                sums = {0.0: [], STOP_RADIUS_M: []}
                n_all, secs, held, gaps, engines = [], {0.0: 0.0, STOP_RADIUS_M: 0.0}, 0, 0, set()
                for a in range(0, len(ids), CHUNK):
                    part = val.filter(pl.col("traj_id").is_in(ids[a : a + CHUNK].implode()))
                    rt = make_recovery_task(part, mode, interval_s=iv or 60.0, seed=seed)
                    task = SimpleNamespace(groups=rt.groups, t=rt.t, known=rt.known,
                                           truth=rt.latlon,
                                           latlon=np.where(rt.known[:, None], rt.latlon, 0.0))  # fmt: skip
                    h, g = held_count(task)
                    held, gaps = held + h, gaps + g
                    for hm in sums:
                        s, n, sec, eng = errors(model, task, hm, check)
                        sums[hm].append(s)
                        secs[hm] += sec
                        engines.add(f"{hm:g}:{eng}")
                    n_all.append(n)
                n = np.concatenate(n_all)
                base, hold = np.concatenate(sums[0.0]), np.concatenate(sums[STOP_RADIUS_M])
                ok = n > 0
                n, base, hold = n[ok], base[ok], hold[ok]
                d = []
                for _ in range(2000):
                    i = rng.integers(0, len(n), len(n))
                    d.append((hold[i].sum() - base[i].sum()) / n[i].sum())
                row = {"store": Path(st).name, "check": check, "pattern": f"{mode} {iv:g}", "seed": seed,
                       "trips": int(ok.sum()), "hidden": int(n.sum()), "gaps": gaps,
                       "held": held, "none_m": float(base.sum() / n.sum()),
                       "hold_m": float(hold.sum() / n.sum()),
                       "diff_m": float((hold.sum() - base.sum()) / n.sum()),
                       "ci": [float(np.percentile(d, 2.5)), float(np.percentile(d, 97.5))],
                       "secs": secs, "engines": sorted(engines)}  # fmt: skip
                print(json.dumps(row), flush=True)
                res.append(row)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"stopped_gaps_{check}_{'_'.join(Path(s).name for s in stores)}.json").write_text(
        json.dumps(res, indent=1)
    )


if __name__ == "__main__":
    main(sys.argv[1:])
