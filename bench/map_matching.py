"""Map matching on the synthetic city: trajlm's HMM matcher vs leuvenmapmatching, same traces.

Car trips sampled every 30 s with 20 m GPS noise (std per axis), no multipath outliers. Ground
truth is the city's `segment_id`/`segment_frac` per fix. Metrics per matcher:
- edge accuracy: matched road segment == true segment (direction ignored);
- edge accuracy off intersections: the same on fixes whose true position is more than 20 m
  (one noise std) from an intersection, where "which of the two edges" is undecidable;
- distance error: metres between the matched point and the true position (trajlm only:
  leuvenmapmatching reports edges, its projected point is taken from its own lattice);
- points per second, one thread, wall clock of the match call only.

    PYTHONPATH=. python bench/map_matching.py [--n 200] [--leuven-n 40] [--noise 20]
                                              [--plot docs/img/x.png]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import polars as pl

from trajlm.data.synthetic import generate_city
from trajlm.roads import from_synthetic, match, match_summary


def city_traces(n: int, seed: int = 1, noise_m: float = 20.0):
    city = generate_city(
        n_trajectories=n, seed=seed, gps_noise_m=noise_m, sample_interval_s=(30.0, 30.0),
        modes={"car": 1.0}, outlier_rate=0.0, missed_fix_rate=0.0,
    )  # fmt: skip
    return city, from_synthetic(city.roads, city.projection)


def scores(city, pts: pl.DataFrame, way: np.ndarray) -> dict:
    true_seg = pts["segment_id"].to_numpy()
    true_xy = city.roads.point_at(true_seg, pts["segment_frac"].to_numpy())
    node = city.roads.node_xy_m
    near = np.hypot(*(true_xy[:, None, :] - node[None, :, :]).transpose(2, 0, 1)).min(1)
    ok = way == true_seg
    return {"edge_acc": ok.mean(), "edge_acc_off_node": ok[near > 20.0].mean()}


def route_oracle(city, pts) -> dict:
    """Upper bound from the noise alone: each fix on the nearest segment of its *true* route
    (the route known, only "where on it" left to the fix)."""
    roads = city.roads
    x, y = city.projection.forward(pts["lat"].to_numpy(), pts["lon"].to_numpy())
    seg, tid = pts["segment_id"].to_numpy(), pts["traj_id"].to_numpy()
    bounds = np.flatnonzero(np.r_[True, tid[1:] != tid[:-1], True])
    way = np.empty(len(pts), np.int64)
    for s, e in zip(bounds[:-1], bounds[1:], strict=True):
        route = np.unique(seg[s:e])
        a, b = roads.node_xy_m[roads.edges[route, 0]], roads.node_xy_m[roads.edges[route, 1]]
        p = np.stack([x[s:e], y[s:e]], 1)[:, None, :]
        d = b - a
        t = np.clip(((p - a) * d).sum(-1) / np.maximum((d**2).sum(-1), 1e-9), 0, 1)
        way[s:e] = route[np.hypot(*(p - a - t[..., None] * d).transpose(2, 0, 1)).argmin(1)]
    return scores(city, pts, way)


def run_trajlm(city, graph, pts, **options):
    t0 = time.perf_counter()
    m = match(pts, graph, **options)
    dt = time.perf_counter() - t0
    true_xy = city.roads.point_at(pts["segment_id"].to_numpy(), pts["segment_frac"].to_numpy())
    mx, my = graph.projection.forward(m["match_lat"].to_numpy(), m["match_lon"].to_numpy())
    err = np.hypot(mx - true_xy[:, 0], my - true_xy[:, 1])
    way = m["way_id"].fill_null(-1).to_numpy()
    out = scores(city, pts, way) | {"pts_per_s": len(pts) / dt}
    out |= {
        "dist_err_median_m": float(np.nanmedian(err)),
        "dist_err_mean_m": float(np.nanmean(err)),
    }
    return out | match_summary(m), m


def run_leuven(city, pts, noise_m: float = 20.0):
    from leuvenmapmatching.map.inmem import InMemMap
    from leuvenmapmatching.matcher.distance import DistanceMatcher

    roads = city.roads
    mp = InMemMap("city", use_latlon=False, use_rtree=False, index_edges=True)
    for i, (x, y) in enumerate(roads.node_xy_m):
        mp.add_node(i, (float(x), float(y)))
    for a, b in roads.edges:
        mp.add_edge(int(a), int(b))
        mp.add_edge(int(b), int(a))
    seg_of = {(int(a), int(b)): e for e, (a, b) in enumerate(roads.edges)}
    seg_of |= {(b, a): e for (a, b), e in list(seg_of.items())}
    x, y = city.projection.forward(pts["lat"].to_numpy(), pts["lon"].to_numpy())
    tid = pts["traj_id"].to_numpy()
    bounds = np.flatnonzero(np.r_[True, tid[1:] != tid[:-1], True])
    way = np.full(len(pts), -1)
    t0 = time.perf_counter()
    for s, e in zip(bounds[:-1], bounds[1:], strict=True):
        matcher = DistanceMatcher(
            mp, max_dist=200, obs_noise=noise_m, obs_noise_ne=2 * noise_m, non_emitting_states=True,
            max_lattice_width=10, dist_noise=60,
        )  # fmt: skip
        path = list(zip(x[s:e].tolist(), y[s:e].tolist(), strict=True))
        matcher.match(path)
        for m in matcher.lattice_best:
            if m.obs < e - s and m.obs_ne == 0:
                way[s + m.obs] = seg_of.get((m.edge_m.l1, m.edge_m.l2), -1)
    dt = time.perf_counter() - t0
    return scores(city, pts, way) | {"pts_per_s": len(pts) / dt, "unmatched": int((way < 0).sum())}


def plot(city, m: pl.DataFrame, out: str, n_traj: int = 4) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 7))
    xy, edges = city.roads.node_xy_m, city.roads.edges
    for a, b in edges:
        ax.plot(*xy[[a, b]].T, color="0.85", lw=1, zorder=0)
    colors = plt.cm.tab10.colors
    for k, tid in enumerate(m["traj_id"].unique(maintain_order=True)[:n_traj]):
        t = m.filter(pl.col("traj_id") == tid)
        gx, gy = city.projection.forward(t["lat"].to_numpy(), t["lon"].to_numpy())
        mx, my = city.projection.forward(t["match_lat"].to_numpy(), t["match_lon"].to_numpy())
        for e in t["segment_id"].unique().to_numpy():  # true route's segments
            ax.plot(*xy[edges[e]].T, color=colors[k], lw=5, alpha=0.25, zorder=1)
        ax.plot(gx, gy, "x", color=colors[k], ms=5, zorder=3)
        ax.plot(mx, my, "o", color=colors[k], ms=4, mfc="white", zorder=4)
        ax.plot(np.c_[gx, mx].T, np.c_[gy, my].T, color=colors[k], lw=0.6, zorder=2)
    ax.set_aspect("equal")
    ax.set_title("HMM map matching, 30 s sampling, 20 m noise\n"
                 "x: GPS fix, o: matched point, band: true route")  # fmt: skip
    ax.set_xlabel("x (m)")
    ax.set_ylabel("y (m)")
    fig.tight_layout()
    fig.savefig(out, dpi=110)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200, help="car trips for trajlm")
    ap.add_argument("--leuven-n", type=int, default=40, help="first trips also run by leuven")
    ap.add_argument("--noise", type=float, default=20.0, help="GPS noise std per axis (m)")
    ap.add_argument("--plot", default=None)
    args = ap.parse_args()
    city, graph = city_traces(args.n, noise_m=args.noise)
    pts = city.points
    ours, m = run_trajlm(city, graph, pts, sigma_m=max(args.noise, 5.0))
    print(f"trajlm, {pts['traj_id'].n_unique()} trips, {len(pts)} fixes:", ours)
    print("oracle (nearest segment of the true route), same fixes:", route_oracle(city, pts))
    if args.leuven_n > 0:
        first = pts["traj_id"].unique(maintain_order=True)[: args.leuven_n].implode()
        sub = pts.filter(pl.col("traj_id").is_in(first))
        ours_sub, _ = run_trajlm(city, graph, sub, sigma_m=max(args.noise, 5.0))
        n_sub = sub["traj_id"].n_unique()
        print(f"trajlm on leuven's {n_sub} trips, {len(sub)} fixes:", ours_sub)
        try:
            print("leuvenmapmatching, same subset:", run_leuven(city, sub, args.noise))
        except ImportError:
            print("leuvenmapmatching not installed: pip install 'trajlm[bench]'")
    if args.plot:
        plot(city, m, args.plot)


if __name__ == "__main__":
    main()
