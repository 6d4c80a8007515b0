"""Road baselines on the synthetic city: shortest-path recovery and shortest-path travel time.

Recovery: in every trajectory keep one fix per 240 s (and the last), hide the rest, and fill
them by linear interpolation in time (`LinearInterpolation`) or along the shortest road route
between the matched known fixes (`trajlm.roads.recover.interpolate_on_roads`). Error in metres
against the observed hidden fix (as `trajlm eval --task recover` scores) and against the
true position on the road.

Travel time: trips split 80/20 by trajectory; origin and destination are a trip's first and
last fix. Baselines: straight-line distance / mean speed learned on train (the harness's
DistanceOverMeanSpeed), and the shortest free-flow route (speed limits by class) scaled by one
factor learned on train (median of actual / free-flow time). MAE (s) and MAPE on test.

    PYTHONPATH=. python bench/road_baselines.py [--n 400] [--gap 240]
    PYTHONPATH=. python bench/road_baselines.py --harness --n 1000   # trajlm eval's protocol
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import polars as pl
from scipy.sparse.csgraph import dijkstra

from trajlm.data.synthetic import generate_city
from trajlm.eval.baselines import CubicSplineInterpolation, LinearInterpolation
from trajlm.roads import from_synthetic
from trajlm.roads.hmm import Candidates, MatchConfig
from trajlm.roads.recover import interpolate_on_roads


def hide_every(t: np.ndarray, groups: np.ndarray, gap_s: float) -> np.ndarray:
    """Known mask: first fix at or after each multiple of `gap_s` from the trip start, + last."""
    first = np.r_[True, groups[1:] != groups[:-1]]
    last = np.r_[groups[1:] != groups[:-1], True]
    t0 = np.maximum.accumulate(np.where(first, t, -np.inf))
    bucket = np.floor((t - t0) / gap_s)
    new_bucket = first | (bucket != np.r_[-1, bucket[:-1]])
    return new_bucket | last


def recovery(city, graph, gap_s: float) -> dict:
    pts = city.points
    x, y = graph.projection.forward(pts["lat"].to_numpy(), pts["lon"].to_numpy())
    xy = np.stack([x, y], 1)
    t = pts["t"].to_numpy().astype(float)
    groups = pts["traj_id"].rank("dense").to_numpy()
    known = hide_every(t, groups, gap_s)
    true_xy = city.roads.point_at(pts["segment_id"].to_numpy(), pts["segment_frac"].to_numpy())
    out = {"hidden": int((~known).sum())}
    t0 = time.perf_counter()
    lin = LinearInterpolation().predict(t, xy, known, groups)
    t1 = time.perf_counter()
    road = interpolate_on_roads(graph, t, xy, known, groups)
    t2 = time.perf_counter()
    for name, pred, secs in (("linear", lin, t1 - t0), ("shortest path", road, t2 - t1)):
        e_obs = np.hypot(*(pred - xy)[~known].T)
        e_true = np.hypot(*(pred - true_xy)[~known].T)
        out[name] = {
            "mean_m": round(float(e_obs.mean()), 1),
            "median_m": round(float(np.median(e_obs)), 1),
            "mean_vs_true_m": round(float(e_true.mean()), 1),
            "seconds": round(secs, 2),
        }
    return out


def travel_time(city, graph, seed: int = 0) -> dict:
    pts = city.points
    od = pts.group_by("traj_id", maintain_order=True).agg(
        pl.col("lat").first().alias("o_lat"), pl.col("lon").first().alias("o_lon"),
        pl.col("lat").last().alias("d_lat"), pl.col("lon").last().alias("d_lon"),
        (pl.col("t").last() - pl.col("t").first()).alias("secs"),
    )  # fmt: skip
    ox, oy = graph.projection.forward(od["o_lat"].to_numpy(), od["o_lon"].to_numpy())
    dx, dy = graph.projection.forward(od["d_lat"].to_numpy(), od["d_lon"].to_numpy())
    secs = od["secs"].to_numpy().astype(float)
    straight = np.hypot(dx - ox, dy - oy)
    # free-flow route time: snap O and D to their nearest edge, route node to node
    speed = graph.speed_mps()
    adj = graph.graph(graph.length_m / speed)
    cfg = MatchConfig(radius_m=300.0)
    co = Candidates(graph, np.stack([ox, oy], 1), cfg)
    cd = Candidates(graph, np.stack([dx, dy], 1), cfg)
    eo, oo = co.edge[co.start[:-1]], co.offset[co.start[:-1]]
    ed, offd = cd.edge[cd.start[:-1]], cd.offset[cd.start[:-1]]
    src = np.unique(graph.v[eo])
    tt = dijkstra(adj, indices=src)
    row = np.searchsorted(src, graph.v[eo])
    route_s = (graph.length_m[eo] - oo) / speed[eo] + tt[row, graph.u[ed]] + offd / speed[ed]
    same = (eo == ed) & (offd >= oo)
    route_s = np.where(same, (offd - oo) / speed[eo], route_s)
    rng = np.random.default_rng(seed)
    train = rng.random(len(od)) < 0.8
    test = ~train & (secs > 0)
    mean_speed = straight[train].sum() / secs[train].sum()
    factor = np.median(secs[train] / np.maximum(route_s[train], 1.0))
    preds = {
        "straight / mean speed": straight / mean_speed,
        "free-flow route x factor": route_s * factor,
    }
    out = {"test_trips": int(test.sum()), "factor": round(float(factor), 2)}
    for name, p in preds.items():
        err = np.abs(p - secs)[test]
        out[name] = {
            "mae_s": round(float(err.mean()), 1),
            "mape": round(float((err / secs[test]).mean()), 3),
        }
    return out


def harness(n: int, seed: int) -> None:
    """The recovery harness (`trajlm eval --task recover`) with ShortestPathRecovery added."""
    import tempfile

    from trajlm.data.ingest import synth_store
    from trajlm.data.store import read_store
    from trajlm.eval.protocol import run_eval
    from trajlm.roads import ShortestPathRecovery

    with tempfile.TemporaryDirectory() as tmp:
        synth_store(f"{tmp}/city", n_trajectories=n, seed=seed)
        df = read_store(f"{tmp}/city")
    city = generate_city(n_trajectories=n, seed=seed)  # the store's city: same seed, same graph
    graph = from_synthetic(city.roads, city.projection)

    class Metres:  # a metre-space baseline as a harness model, on the graph's projection
        def __init__(self, est) -> None:
            self.est, self.name = est, est.name

        def recover(self, task) -> np.ndarray:
            xy = task.xy(graph.projection)
            out = self.est.predict(task.t.astype(float), xy, task.known, task.groups)
            return np.stack(graph.projection.inverse(out[:, 0], out[:, 1]), 1)

    snapped = [ShortestPathRecovery(graph, base=Metres(b)) for b in (LinearInterpolation(),
               CubicSplineInterpolation("akima"))]  # fmt: skip
    run_eval(df, "recover", models=(ShortestPathRecovery(graph), *snapped), seeds=(0, 1, 2))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=400)
    ap.add_argument("--gap", type=float, default=240.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--harness", action="store_true", help="run the recovery harness instead")
    args = ap.parse_args()
    if args.harness:
        return harness(args.n, args.seed)
    for modes in (None, {"car": 1.0}):
        kw = {} if modes is None else {"modes": modes}
        city = generate_city(n_trajectories=args.n, seed=args.seed, **kw)
        graph = from_synthetic(city.roads, city.projection)
        what = "mixed modes" if modes is None else "cars only"
        print(
            f"synthetic city, {what}, {args.n} trips, {len(city.points)} fixes (5-30 s, 5 m noise)"
        )
        print(f"  recovery at {args.gap:.0f} s gaps:", recovery(city, graph, args.gap))
        print("  travel time:", travel_time(city, graph, args.seed))


if __name__ == "__main__":
    main()
