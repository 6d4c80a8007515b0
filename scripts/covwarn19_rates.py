"""False alarms and detections of the coverage warning (session 19, covwarn19): the share of
coverage_warnings calls (what predict / eval / the API / the server say) on 1, 10 or 50 random
trajectories that warn, on the models' own train / val data and fresh seeds of the generator
(should be silent) and on shifted inputs (walkers under a car model, ships, planes, 1-s and
600-s feeds, another hemisphere: should warn). Models: trajlm-small on a Porto store, and a
small gated model trained here on a car-only synthetic city (~15 s, one thread).

    OMP_NUM_THREADS=1 python scripts/covwarn19_rates.py --porto /tmp/stores/porto \
        --work /tmp/covwarn19 --out /tmp/covwarn19/rates.json
"""

import argparse
import json
import os
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np  # noqa: E402
import polars as pl  # noqa: E402
import torch  # noqa: E402

from trajlm.data.store import read_store, write_store  # noqa: E402
from trajlm.data.synthetic import generate_city  # noqa: E402
from trajlm.data.synthetic_open import generate_open_motion  # noqa: E402
from trajlm.model import ModelConfig, TrajectoryModel  # noqa: E402
from trajlm.model.coverage import coverage_warnings  # noqa: E402
from trajlm.model.weights import SHIPPED_DIR  # noqa: E402
from trajlm.train.trainer import TrainConfig, Trainer  # noqa: E402

torch.set_num_threads(1)


def train_cars(work: Path) -> Path:
    """A gated 'taxi' model: 1,500 car trips of synthetic-city seed 0, 300 steps."""
    run = work / "synth_run"
    if (run / "config.json").exists():
        return run
    city = generate_city(n_trajectories=1500, seed=0, modes={"car": 1.0})
    write_store(city.points.select("traj_id", "t", "lat", "lon"), work / "synth_store",
                sources=["synth_cars_seed0"])  # fmt: skip
    mc = ModelConfig(d_model=64, n_layers=2, n_heads=4, coverage_gate="speed",
                     residual_base="constant_velocity", scale_invariant=True, max_step_norm=25.0)  # fmt: skip
    tc = TrainConfig(max_steps=300, batch_size=32, max_len=64, eval_every=0, progress=False)
    Trainer(work / "synth_store", run, mc, tc).fit()
    return run


KINDS = {
    "median speed": "speed",
    "median sampling": "dt",
    "median step": "step",
    "hour of day": "hour",
    "weekday": "weekday",
    "positions": "position",
}


def kinds(lines):
    return {v for ln in lines for k, v in KINDS.items() if ln.startswith(k)}


def canon(df):
    return df.select("traj_id", "t", "lat", "lon").sort("traj_id", "t")


def resample(df, dt):
    """Each trajectory linearly interpolated every dt s (its first 200 samples)."""
    out = []
    for (tid,), g in df.group_by("traj_id", maintain_order=True):
        t = g["t"].to_numpy().astype(float)
        if len(t) < 2 or t[-1] <= t[0]:
            continue
        tt = np.arange(t[0], t[-1], dt)[:200]
        if len(tt) < 3:
            continue
        out.append(
            pl.DataFrame(
                {
                    "traj_id": str(tid),
                    "t": tt.astype(np.int64),
                    "lat": np.interp(tt, t, g["lat"].to_numpy()),
                    "lon": np.interp(tt, t, g["lon"].to_numpy()),
                }
            )
        )
    return pl.concat(out)


def rates(model, df, history, seed=0):
    ids = df["traj_id"].unique(maintain_order=True).to_list()
    rng = np.random.default_rng(seed)
    parts = {tid: g for (tid,), g in df.group_by("traj_id", maintain_order=True)}
    res = {}
    for size, n_calls in ((1, 300), (10, 40), (50, 20)):
        if len(ids) < size:
            continue
        counts, calls = {}, 0
        for c in range(n_calls if size > 1 else min(n_calls, len(ids))):
            pick = [
                ids[i] for i in (rng.choice(len(ids), size, replace=False) if size > 1 else [c])
            ]
            sub = pl.concat([parts[i] for i in pick])
            calls += 1
            k = kinds(coverage_warnings(model, sub, history))
            for key in (
                k
                | ({"any"} if k else set())
                | ({"motion"} if k & {"speed", "dt", "step"} else set())
            ):
                counts[key] = counts.get(key, 0) + 1
        res[f"n{size}"] = {
            "calls": calls,
            **{k: round(v / calls, 3) for k, v in sorted(counts.items())},
        }
    lines = coverage_warnings(model, df, history)
    res["whole"] = {"n_traj": len(ids), "lines": lines}
    return res


def main(porto: str, work: Path, out: str) -> None:
    t0 = time.time()
    small = TrajectoryModel.from_pretrained(SHIPPED_DIR / "trajlm-small").eval()
    synth = TrajectoryModel.from_pretrained(train_cars(work)).eval()
    hs = small.config.max_len - 5
    hy = synth.config.max_len - 5
    porto_tr = canon(read_store(porto, split="train"))
    porto_va = canon(read_store(porto, split="val"))
    s_tr = canon(read_store(work / "synth_store", split="train"))
    s_va = canon(read_store(work / "synth_store", split="val"))
    fresh = pl.concat(
        [
            canon(
                generate_city(n_trajectories=200, seed=s, modes={"car": 1.0}).points
            ).with_columns(pl.col("traj_id") + f"_s{s}")
            for s in (11, 12)
        ]
    )
    walk = canon(generate_city(n_trajectories=200, seed=3, modes={"walk": 1.0}).points)
    ships = canon(
        generate_open_motion(
            n_trajectories=150, seed=4, speed_mps=(2.0, 8.0), sample_interval_s=(60.0, 300.0)
        )
    )
    planes = canon(
        generate_open_motion(
            n_trajectories=150,
            seed=5,
            speed_mps=(120.0, 250.0),
            sample_interval_s=(5.0, 30.0),
            spread_km=100.0,
        )
    )
    sets = {
        ("trajlm-small", "porto train"): (small, porto_tr, hs),
        ("trajlm-small", "porto val"): (small, porto_va, hs),
        ("trajlm-small", "synth cars fresh seeds"): (small, fresh, hs),
        ("trajlm-small", "ships 2-8 m/s, 60-300 s"): (small, ships, hs),
        ("trajlm-small", "planes 120-250 m/s"): (small, planes, hs),
        ("trajlm-small", "porto val at 1 s"): (small, resample(porto_va, 1.0), hs),
        ("trajlm-small", "porto val at 600 s"): (small, resample(porto_tr, 600.0), hs),
        ("synth-cars", "own train"): (synth, s_tr, hy),
        ("synth-cars", "own val"): (synth, s_va, hy),
        ("synth-cars", "fresh seeds 11, 12"): (synth, fresh, hy),
        ("synth-cars", "walkers"): (synth, walk, hy),
        ("synth-cars", "ships"): (synth, ships, hy),
        ("synth-cars", "planes"): (synth, planes, hy),
        ("synth-cars", "fresh at 1 s"): (synth, resample(fresh, 1.0), hy),
        ("synth-cars", "fresh at 600 s"): (synth, resample(fresh, 600.0), hy),
        ("synth-cars", "fresh, southern hemisphere"): (
            synth,
            fresh.with_columns(-pl.col("lat")),
            hy,
        ),
    }
    res = {}
    for (m, name), (model, df, h) in sets.items():
        r = rates(model, df, h)
        res[f"{m} | {name}"] = r
        print(
            f"{m} | {name}: " + "; ".join(f"{k} {v}" for k, v in r.items() if k != "whole"),
            flush=True,
        )
        for ln in r["whole"]["lines"]:
            print(f"    whole ({r['whole']['n_traj']}): {ln[:230]}", flush=True)
    json.dump(res, open(out, "w"), indent=1)
    print("seconds", round(time.time() - t0))


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--porto", required=True, help="a Porto store (PROTOCOL splits)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/covwarn19"))
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    a.work.mkdir(parents=True, exist_ok=True)
    main(a.porto, a.work, a.out)
