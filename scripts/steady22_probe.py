"""Short histories of steady movers: trajlm-small / constant velocity by history length (session 22).

    python scripts/steady22_probe.py --set heldout --seeds 221 222 223 --out /tmp/steady22/test.json
    python scripts/steady22_probe.py --set val --out /tmp/steady22/val.json       # the sets rules are chosen on
    python scripts/steady22_probe.py --set heldout --arm before=backtest_short_cap=[]   # an arm per --arm

Sets. ``heldout``: five kinds no session has seen (a tractor at 3 s, a ferry at 30 s, a tram at
5 s, cyclists at 10 s, cars at 1 s; probe_movers_gen's physics: speed limits, stops, arcs, AR(1)
GPS noise), 120 tracks a kind a seed. ``val``: Porto and GeoLife val trips cut every 20 points
(probe_short_history.py's cuts) and probe_movers_gen's twelve session-12 kinds (its seeds).
History = the last h fixes before a cut, truth = the next 5 fixes, scored by index; ratio =
sum of the model's per-track 5-step MAE / constant velocity's, paired bootstrap 95 % CI over
tracks. An arm is NAME=key=value[;key=value]: ModelConfig fields set after loading (values
JSON); the arm "shipped" (no change) always runs.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import warnings

os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np
import pandas as pd
import torch

M_PER_DEG = 111_320.0
HISTS = (2, 3, 4, 6, 10)


def _gen_module():
    here = os.path.dirname(os.path.abspath(__file__))
    spec = importlib.util.spec_from_file_location("pmg", os.path.join(here, "probe_movers_gen.py"))
    mod = importlib.util.module_from_spec(spec)
    sys.modules["pmg"] = mod
    spec.loader.exec_module(mod)
    return mod


def heldout_kinds(g) -> list:
    """Five kinds outside every earlier probe and the pretraining corpus."""
    K = g.Kind
    return [
        K("tractor_field_3s", 52.1, 5.6, "Europe/Amsterdam", 3, 2.8, 0.2, 0.4, 350,
          turn_deg=(180, 180), radius_m=5, a_lat=0.4, p_stop=0.0, noise=(2, 4), jitter=0.05,
          uturn=True, speed_spread=0.05),
        K("ferry_30s", 59.33, 18.07, "Europe/Stockholm", 30, 9.0, 0.08, 0.15, 4000,
          turn_deg=(10, 45), radius_m=400, a_lat=0.3, p_stop=0.0, noise=(3, 8), jitter=0.03,
          p_drop=0.03, wander_deg=1),
        K("tram_5s", 45.46, 9.19, "Europe/Rome", 5, 11.0, 1.0, 1.2, 400,
          turn_deg=(20, 90), radius_m=25, a_lat=1.0, p_stop=0.5, dwell=(15, 40), noise=(3, 10),
          jitter=0.05, p_drop=0.02),
        K("cyclist_10s", 50.94, 6.96, "Europe/Berlin", 10, 5.0, 0.8, 1.5, 250,
          radius_m=8, a_lat=1.5, p_stop=0.3, dwell=(10, 40), noise=(3, 8), jitter=0.05,
          p_drop=0.03),
        K("car_1s", 37.77, -122.42, "America/Los_Angeles", 1, 14.0, 2.0, 3.0, 300,
          radius_m=15, a_lat=2.5, p_stop=0.3, dwell=(10, 40), noise=(2, 5), p_drop=0.02),
    ]  # fmt: skip


def generated(kind, n: int, seed: int) -> pd.DataFrame:
    """traj_id, t (s), lat, lon, k (fix index) of n tracks of 32 fixes."""
    g = sys.modules["pmg"]
    df, _ = g.make(kind, n, seed)
    ts = pd.to_datetime(df.timestamp, utc=True, format="ISO8601")
    out = pd.DataFrame({"traj_id": df.trip_id, "t": ts.map(lambda x: int(x.timestamp())),
                        "lat": df.latitude, "lon": df.longitude})  # fmt: skip
    return out.assign(k=out.groupby("traj_id").cumcount())


def cuts_of_tracks(df: pd.DataFrame, end: int = 20) -> list[tuple[pd.DataFrame, int]]:
    return [(g.reset_index(drop=True), end) for _, g in df.groupby("traj_id") if len(g) >= end + 5]


def cuts_of_store(path: str) -> list[tuple[pd.DataFrame, int]]:
    from trajlm.data.store import read_store

    df = read_store(path, "val").to_pandas()[["traj_id", "t", "lat", "lon"]]
    trips = {tid: g.reset_index(drop=True) for tid, g in df.groupby("traj_id")}
    cuts = [(tid, c) for tid, g in trips.items() for c in range(16, len(g) - 4, 20)][:600]
    return [(trips[tid], c) for tid, c in cuts]


def frames(cuts, h: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    hist, truth = [], []
    for i, (g, c) in enumerate(cuts):
        hist.append(g.iloc[c - h : c][["t", "lat", "lon"]].assign(traj_id=f"c{i}"))
        tr = g.iloc[c : c + 5][["lat", "lon"]]
        truth.append(tr.assign(traj_id=f"c{i}", step=np.arange(1, len(tr) + 1)))
    return pd.concat(hist), pd.concat(truth)


def errors(model, hist: pd.DataFrame, truth: pd.DataFrame) -> pd.Series:
    lat0 = float(hist.lat.mean())
    p = model.predict(hist, steps=5).merge(truth, on=["traj_id", "step"], suffixes=("_p", ""))
    dx = (p.lon_p - p.lon) * M_PER_DEG * np.cos(np.radians(lat0))
    return p.assign(e=np.hypot((p.lat_p - p.lat) * M_PER_DEG, dx)).groupby("traj_id").e.mean()


def boot(a: np.ndarray, b: np.ndarray, n: int = 2000) -> tuple[float, float, float]:
    rng = np.random.default_rng(0)
    idx = rng.integers(0, len(a), (n, len(a)))
    r = a[idx].sum(1) / np.maximum(b[idx].sum(1), 1e-9)
    return float(a.sum() / b.sum()), float(np.percentile(r, 2.5)), float(np.percentile(r, 97.5))


def parse_arm(text: str) -> tuple[str, dict]:
    name, _, body = text.partition("=")
    sets = {}
    for part in filter(None, body.split(";")):
        key, _, val = part.partition("=")
        sets[key.strip()] = json.loads(val)
    return name, sets


def summary(path: str) -> None:
    """Markdown rows from a --out file: per set (seeds pooled by kind) and history length, each
    arm's mean ratio over seeds with a t 95 % CI over them (one seed: its bootstrap CI)."""
    from scipy import stats

    df = pd.DataFrame(json.load(open(path)))
    df["kind"] = df["set"].str.split("/").str[0]
    arms = list(dict.fromkeys(df.arm))
    print("| set | h | " + " | ".join(arms) + " |")
    print("|---|---|" + "---|" * len(arms))
    for (kind, h), g in df.groupby(["kind", "h"], sort=False):
        cells = []
        for arm in arms:
            r = g[g.arm == arm]
            m = r.ratio.mean()
            if len(r) > 1:
                half = stats.t.ppf(0.975, len(r) - 1) * r.ratio.std(ddof=1) / np.sqrt(len(r))
                lo, hi = m - half, m + half
            else:
                lo, hi = float(r.lo.iloc[0]), float(r.hi.iloc[0])
            bold = "**" if lo > 1 else ""
            cells.append(f"{bold}{m:.3f}{bold} ({lo:.3f}-{hi:.3f})")
        print(f"| {kind} | {h} | " + " | ".join(cells) + " |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--summary", default="", help="print the markdown table of a --out file")
    ap.add_argument("--set", choices=["heldout", "val"])
    ap.add_argument("--seeds", type=int, nargs="+", default=[221, 222, 223])
    ap.add_argument("--n", type=int, default=120)
    ap.add_argument("--hist", type=int, nargs="+", default=list(HISTS))
    ap.add_argument("--arm", action="append", default=[])
    ap.add_argument("--only", default="", help="comma-separated set names to keep")
    ap.add_argument("--out", default="")
    if "--summary" in sys.argv:
        summary(sys.argv[sys.argv.index("--summary") + 1])
        return
    a = ap.parse_args()
    warnings.simplefilter("ignore")
    torch.set_num_threads(1)
    import trajlm
    from trajlm.baselines import ConstantVelocity

    g = _gen_module()
    sets: dict[str, list] = {}
    if a.set == "heldout":
        for kind in heldout_kinds(g):
            for seed in a.seeds:
                sets[f"{kind.name}/s{seed}"] = cuts_of_tracks(generated(kind, a.n, seed))
    else:
        sets["porto_val"] = cuts_of_store("/tmp/stores/porto")
        sets["geolife_val"] = cuts_of_store("/tmp/stores/geolife")
        for s, kind in enumerate(g.KINDS):
            sets[kind.name] = cuts_of_tracks(generated(kind, a.n, 1000 + s))
    if a.only:
        keep = a.only.split(",")
        sets = {k: v for k, v in sets.items() if any(x in k for x in keep)}
    lm = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
    cfg = lm.model.config
    arms = [("shipped", {})] + [parse_arm(x) for x in a.arm]
    shipped = {k: getattr(cfg, k) for _, s in arms for k in s}
    rows = []
    for name, cuts in sets.items():
        for h in a.hist:
            hist, truth = frames(cuts, h)
            ec = errors(ConstantVelocity(), hist, truth)
            for arm, changes in arms:
                for k, v in {**shipped, **changes}.items():
                    setattr(cfg, k, tuple(v) if isinstance(v, list) else v)
                em = errors(lm, hist, truth)
                both = em.index.intersection(ec.index)
                r, lo, hi = boot(em[both].to_numpy(), ec[both].to_numpy())
                rows.append(dict(set=name, h=h, arm=arm, n=len(both), ratio=r, lo=lo, hi=hi,
                                 mae=float(em[both].mean()), cv=float(ec[both].mean())))  # fmt: skip
                print(f"{name:28s} h={h:2d} {arm:10s} n={len(both):3d} ratio {r:.3f} "
                      f"({lo:.3f}-{hi:.3f})", flush=True)  # fmt: skip
    if a.out:
        with open(a.out, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
