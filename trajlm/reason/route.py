"""Route recommendation with local tools: candidates, validity, timing, ranking, explanation.

    net = from_synthetic(city.roads, city.projection)            # or read_network(FILE)
    times = HistoricalSpeeds.from_store("stores/city", net)      # or FreeFlowTimes(net)
    routes = recommend(net, (45.06, 7.68), (45.08, 7.70), depart=1709538000, times=times,
                       avoid=(45.065, 7.685, 45.07, 7.69), arrive_before=1709538900, k=3)
    routes.table (one row per candidate), routes.explanations, draw_routes(routes, "r.png")

Candidates are k paths by travel time on the graph with the edges through the avoided area
removed (the penalty method: each found path's edges get dearer for the next search, so the
alternatives differ; `diversity=0` gives Yen's k shortest simple paths); each is timed by a `TravelTimeService` (what a
real traffic service would implement: seconds per edge for a departure time), turned into a
trajectory (a point every `sample_s` seconds), checked with trajlm/reason/validity.py (mode car,
off-road on the same network) and, given a model, scored by its mean log-likelihood per step
(how typical the trajectory looks to the model). Ranked: feasible (valid, on time) first, then
by arrival time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
import polars as pl

from trajlm.errors import UserError
from trajlm.reason.validity import check_frame


@runtime_checkable
class TravelTimeService(Protocol):
    """Seconds to traverse each edge of `graph` when leaving at `depart` (Unix seconds)."""

    def edge_times(self, graph: Any, depart: int) -> np.ndarray: ...


@dataclass
class FreeFlowTimes:
    """Length / speed limit (the road class's default where none): the optimistic bound."""

    def edge_times(self, graph: Any, depart: int) -> np.ndarray:
        return graph.length_m / graph.speed_mps()


@dataclass
class HistoricalSpeeds:
    """Median observed speed per edge and hour of day from a store's train split (points
    snapped to the nearest edge within `snap_m`); free flow x the network-wide ratio of
    observed to free-flow speed where an edge/hour has fewer than `min_obs` observations."""

    speed: np.ndarray  # (E, 24) m/s, NaN where too few observations
    ratio: float  # observed / free-flow speed over all observations (the fallback)
    min_obs: int = 5

    @classmethod
    def from_store(cls, store: str | Path, graph: Any, snap_m: float = 25.0, min_obs: int = 5,
                   max_speed_mps: float = 40.0, mode: str | None = None) -> HistoricalSpeeds:  # fmt: skip
        """`mode`: keep only trips whose `label` is this mode (a store without labels keeps
        every trip)."""
        from trajlm.data.store import read_store

        df = read_store(store, split="train")
        if mode is not None and "label" in df.columns:
            labels = sorted(map(str, df["label"].drop_nulls().unique().to_list()))
            df = df.filter(pl.col("label") == mode)
            if df.is_empty():  # before: an IndexError from the empty snap (badin35)
                raise UserError(f"speeds mode {mode!r}: no train trip of {store} has that label",
                                hint=f"its labels: {', '.join(labels[:12]) or 'none'}")  # fmt: skip
        if df.is_empty():
            raise UserError(f"{store}: no train points to learn speeds from")
        df = df.select("traj_id", "t", "lat", "lon")
        return cls.from_points(df, graph, snap_m, min_obs, max_speed_mps)

    @classmethod
    def from_points(cls, df: pl.DataFrame, graph: Any, snap_m: float = 25.0, min_obs: int = 5,
                    max_speed_mps: float = 40.0) -> HistoricalSpeeds:  # fmt: skip
        import shapely

        x, y = graph.projection.forward(df["lat"].to_numpy(), df["lon"].to_numpy())
        t = df["t"].to_numpy().astype(np.float64)
        same = np.r_[False, df["traj_id"].to_numpy()[1:] == df["traj_id"].to_numpy()[:-1]]
        dt = np.r_[np.nan, np.diff(t)]
        v = np.r_[np.nan, np.hypot(np.diff(x), np.diff(y))] / np.where(dt > 0, dt, np.nan)
        ok = same & np.isfinite(v) & (v <= max_speed_mps)
        tree, (_a, _b, seg_edge, _o) = graph.segment_index()
        pts = shapely.points(np.stack([x[ok], y[ok]], 1))
        (pi, si), dist = tree.query_nearest(pts, max_distance=snap_m, return_distance=True,
                                            all_matches=False)  # fmt: skip
        edge = seg_edge[si]
        hour = ((t[ok][pi] // 3600) % 24).astype(np.int64)
        vs = v[ok][pi]
        key = edge * 24 + hour
        speed = np.full(graph.n_edges * 24, np.nan)
        if len(key):
            frame = pl.DataFrame({"key": key, "v": vs}).group_by("key").agg(
                pl.col("v").median(), pl.len().alias("n"))  # fmt: skip
            frame = frame.filter(pl.col("n") >= min_obs)
            speed[frame["key"].to_numpy()] = frame["v"].to_numpy()
        free = graph.speed_mps()[edge]
        ratio = float(np.median(vs / free)) if len(vs) else 1.0
        return cls(speed.reshape(graph.n_edges, 24), ratio, min_obs)

    def edge_times(self, graph: Any, depart: int) -> np.ndarray:
        hour = int(depart // 3600) % 24
        v = self.speed[:, hour]
        v = np.where(np.isfinite(v) & (v > 0.5), v, graph.speed_mps() * self.ratio)
        return graph.length_m / v


@dataclass
class Routes:
    table: pl.DataFrame  # one row per candidate, best first
    trajectories: pl.DataFrame  # traj_id = route_<rank>, t, lat, lon + validity columns
    explanations: list[str]
    origin: tuple[float, float]
    destination: tuple[float, float]
    avoid: Any = None  # the shapely polygon in the graph's metres, or None
    graph: Any = field(default=None, repr=False)


def area_polygon(avoid: Any, graph: Any):
    """(min_lat, min_lon, max_lat, max_lon), a list of (lat, lon) vertices, or a shapely
    polygon in lon/lat -> a shapely polygon in the graph's metres."""
    import shapely

    if avoid is None:
        return None
    if isinstance(avoid, shapely.Geometry):
        lon, lat = np.asarray(avoid.exterior.coords).T
    else:
        a = np.asarray(avoid, np.float64)
        if a.shape == (4,):
            (la0, lo0, la1, lo1) = a
            if not (la0 < la1 and lo0 < lo1):
                raise UserError(f"avoid box {tuple(float(v) for v in a)}: give min_lat, min_lon, "
                                "max_lat, max_lon (each min below its max)")  # fmt: skip
            lat, lon = np.array([la0, la0, la1, la1]), np.array([lo0, lo1, lo1, lo0])
        elif a.ndim == 2 and a.shape[1] == 2 and len(a) >= 3:
            lat, lon = a[:, 0], a[:, 1]
        else:
            raise UserError("avoid must be a box (min_lat, min_lon, max_lat, max_lon) or >= 3 "
                            "(lat, lon) vertices")  # fmt: skip
    x, y = graph.projection.forward(lat, lon)
    return shapely.Polygon(np.stack([x, y], 1))


def _edges_in(graph: Any, poly) -> np.ndarray:

    tree, (_a, _b, seg_edge, _o) = graph.segment_index()
    return np.unique(seg_edge[tree.query(poly, predicate="intersects")])


MAX_SNAP_M = 2000.0  # an end this far from every junction is off the network, not on it


def _nearest_node(graph: Any, lat: float, lon: float, allowed: np.ndarray,
                  end: str = "origin") -> int:  # fmt: skip
    x, y = graph.projection.forward(np.array([lat]), np.array([lon]))
    xy = graph.node_xy_m
    d = np.hypot(xy[:, 0] - x[0], xy[:, 1] - y[0])
    near = float(d.min()) if len(d) else np.inf
    if near > MAX_SNAP_M:  # before: snapped silently, a route 100 km from the point (badin35)
        raise UserError(
            f"{end} ({lat:g}, {lon:g}) lies {near / 1000:,.1f} km from the nearest "
            "junction of the road network",
            hint="give a point on the network's area (or a network that covers it)",
        )
    d[~allowed] = np.inf
    return int(np.argmin(d))


def _candidate_paths(G, o: int, d: int, k: int, diversity: float) -> list[list[int]]:
    import networkx as nx

    if diversity <= 0:
        return list(islice(nx.shortest_simple_paths(G, o, d, weight="w"), k))
    H = G.copy()
    paths: list[list[int]] = []
    for _ in range(3 * k):  # a penalty may re-find a path already kept: a few spare searches
        p = nx.shortest_path(H, o, d, weight="w")
        if p not in paths:
            paths.append(p)
            if len(paths) == k:
                break
        for a, b in zip(p[:-1], p[1:], strict=True):
            H[a][b]["w"] *= 1.0 + diversity
    return paths


def _path_trajectory(graph, edges, times, depart, sample_s):
    """Points every sample_s seconds along a path of edges timed by `times` -> (t, lat, lon)."""
    pieces, tcum, t0 = [], [], 0.0
    for e in edges:
        a, b = graph.geom_offsets[e], graph.geom_offsets[e + 1]
        off = graph.vertex_offset_m[a:b]
        frac = off / max(off[-1], 1e-9)
        pieces.append(graph.coords_m[a:b])
        tcum.append(t0 + frac * times[e])
        t0 += times[e]
    xy, tt = np.concatenate(pieces), np.concatenate(tcum)
    keep = np.r_[True, np.diff(tt) > 0]  # drop a repeated junction vertex
    xy, tt = xy[keep], tt[keep]
    ts = np.r_[np.arange(0.0, tt[-1], sample_s), tt[-1]]
    x, y = np.interp(ts, tt, xy[:, 0]), np.interp(ts, tt, xy[:, 1])
    lat, lon = graph.projection.inverse(x, y)
    return np.round(depart + ts).astype(np.int64), lat, lon


def _model_score(model, traj: pl.DataFrame) -> dict[str, float]:
    """Mean log-likelihood per step of each route under the model (higher = more typical)."""
    import torch

    from trajlm.data.features import NormStats
    from trajlm.train.preference import continuation_logp

    proj = NormStats.from_dict(model.config.stats).projection
    out = {}
    for (rid,), g in traj.group_by("traj_id", maintain_order=True):
        g = g.head(model.config.max_len)
        x, y = proj.forward(g["lat"].to_numpy(), g["lon"].to_numpy())
        t = g["t"].to_numpy()
        batch = {"pos": torch.tensor(np.stack([x, y], 1)[None], dtype=torch.float32),
                 "t": torch.tensor((t - t[0])[None], dtype=torch.float32),
                 "t0": torch.tensor([t[0]]), "mask": torch.ones(1, len(t), dtype=torch.bool)}  # fmt: skip
        with torch.no_grad():
            lp = continuation_logp(model, batch, batch["mask"])
        out[rid] = float(lp[0]) / max(len(t) - 1, 1)
    return out


def recommend(graph: Any, origin: tuple[float, float], destination: tuple[float, float],
              depart: int, times: TravelTimeService | None = None, avoid: Any = None,
              arrive_before: int | None = None, k: int = 3, sample_s: float = 15.0,
              model: Any = None, diversity: float = 0.3) -> Routes:  # fmt: skip
    """Up to `k` candidate routes from origin to destination (lat, lon), ranked and explained.
    `diversity`: candidates by the penalty method (each path's edges cost 1 + diversity times
    more for the next search), so alternatives differ by more than one block; 0 = Yen's k
    shortest simple paths (often near-copies on a grid)."""
    import networkx as nx

    times = times or FreeFlowTimes()
    if not isinstance(times, TravelTimeService):
        raise UserError("times must have edge_times(graph, depart) -> seconds per edge")
    if k < 1:
        raise UserError(f"k must be >= 1, got {k}")
    sec = np.asarray(times.edge_times(graph, int(depart)), np.float64)
    poly = area_polygon(avoid, graph)
    blocked = _edges_in(graph, poly) if poly is not None else np.zeros(0, np.int64)
    open_edge = np.ones(graph.n_edges, bool)
    open_edge[blocked] = False
    allowed = np.zeros(graph.n_nodes, bool)
    allowed[graph.u[open_edge]] = allowed[graph.v[open_edge]] = True
    o = _nearest_node(graph, *origin, allowed, "origin")
    d = _nearest_node(graph, *destination, allowed, "destination")
    G = nx.DiGraph()
    for e in np.flatnonzero(open_edge):  # parallel edges: the faster one
        u, v = int(graph.u[e]), int(graph.v[e])
        if not G.has_edge(u, v) or G[u][v]["w"] > sec[e]:
            G.add_edge(u, v, w=float(sec[e]), e=int(e))
    if o == d or o not in G or d not in G:
        raise UserError("origin and destination snap to the same or an unreachable junction",
                        hint="pick points farther apart, or a smaller avoided area")  # fmt: skip
    try:
        paths = _candidate_paths(G, o, d, k, diversity)
    except nx.NetworkXNoPath:
        if poly is not None:
            raise UserError("no route from origin to destination avoids the given area") from None
        raise UserError("no route from origin to destination: no road of the network joins "
                        "them (its parts are not connected)") from None  # fmt: skip
    rows, trajs = [], []
    for i, nodes in enumerate(paths):
        edges = [G[a][b]["e"] for a, b in zip(nodes[:-1], nodes[1:], strict=True)]
        t, lat, lon = _path_trajectory(graph, edges, sec, depart, sample_s)
        rid = f"route_{i + 1}"
        trajs.append(pl.DataFrame({"traj_id": rid, "t": t, "lat": lat, "lon": lon}))
        classes = graph.road_class[edges]
        lengths = graph.length_m[edges]
        main = max(set(classes), key=lambda c: lengths[classes == c].sum())
        rows.append({"traj_id": rid, "length_m": float(lengths.sum()),
                     "duration_s": float(sec[edges].sum()), "arrive": int(t[-1]),
                     "n_edges": len(edges), "main_road": str(main)})  # fmt: skip
    traj = check_frame(pl.concat(trajs), mode="car", network=graph)
    checks = traj.group_by("traj_id", maintain_order=True).agg(
        pl.col("valid").all(), pl.col("reason").filter(~pl.col("valid")).first())  # fmt: skip
    table = pl.DataFrame(rows).join(checks, on="traj_id", how="left", maintain_order="left")
    on_time = pl.lit(True) if arrive_before is None else pl.col("arrive") <= arrive_before
    table = table.with_columns(on_time=on_time, feasible=pl.col("valid") & on_time)
    if model is not None:
        score = _model_score(model, traj)
        table = table.with_columns(model_logp=pl.col("traj_id").replace_strict(score))
    table = table.sort(["feasible", "arrive"], descending=[True, False], maintain_order=True).with_row_index(
        "rank", offset=1)  # fmt: skip
    expl = [explain(r, arrive_before, poly is not None, table["duration_s"].min())
            for r in table.iter_rows(named=True)]  # fmt: skip
    return Routes(table.with_columns(explanation=pl.Series(expl)), traj, expl, origin,
                  destination, poly, graph)  # fmt: skip


def _clock(unix: int) -> str:
    import datetime as dt

    fmt = "%H:%M" if unix % 60 == 0 else "%H:%M:%S"
    return dt.datetime.fromtimestamp(unix, dt.UTC).strftime(fmt)


def explain(row: dict, arrive_before: int | None, avoided: bool, fastest_s: float) -> str:
    """One sentence per route: what it is, when it arrives, why it ranks where it does."""
    s = (f"Route {row['rank']} ({row['traj_id']}): {row['length_m'] / 1000:.1f} km mostly on "
         f"{row['main_road']} roads, {row['duration_s'] / 60:.1f} min, arriving {_clock(row['arrive'])}"
         f" UTC")  # fmt: skip
    if row["duration_s"] > fastest_s + 1:
        s += f" ({(row['duration_s'] - fastest_s) / 60:.1f} min slower than the fastest)"
    if arrive_before is not None:
        slack = (arrive_before - row["arrive"]) / 60
        s += (f", {slack:.1f} min before the {_clock(arrive_before)} deadline" if slack >= 0
              else f", {-slack:.1f} min after the {_clock(arrive_before)} deadline")  # fmt: skip
    if avoided:
        s += ", outside the avoided area"
    s += "; passes every validity check" if row["valid"] else f"; fails a check: {row['reason']}"
    if row.get("model_logp") is not None:
        s += f"; model log-likelihood {row['model_logp']:.2f} per step"
    return s + "."


def draw_routes(routes: Routes, out: str | Path, title: str | None = None) -> Path:
    """The network (grey), the avoided area (hatched), each route (best thickest), O and D."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    g = routes.graph
    fig, ax = plt.subplots(figsize=(7, 7))
    lat, lon = g.projection.inverse(g.coords_m[:, 0], g.coords_m[:, 1])
    o = g.geom_offsets
    segs = [np.stack([lon[a:b], lat[a:b]], 1) for a, b in zip(o[:-1], o[1:], strict=True)]
    from matplotlib.collections import LineCollection

    ax.add_collection(LineCollection(segs, colors="0.8", linewidths=0.8))
    if routes.avoid is not None:
        ax_, ay_ = np.asarray(routes.avoid.exterior.coords).T
        plat, plon = g.projection.inverse(ax_, ay_)
        ax.fill(plon, plat, facecolor="none", edgecolor="red", hatch="//", label="avoided area")
    colors = ["tab:blue", "tab:orange", "tab:green", "tab:purple", "tab:brown"]
    for i, row in enumerate(routes.table.iter_rows(named=True)):
        tr = routes.trajectories.filter(pl.col("traj_id") == row["traj_id"])
        ax.plot(tr["lon"], tr["lat"], color=colors[i % len(colors)], lw=4 - min(i, 3) * 0.8,
                label=f"{row['rank']}: {row['duration_s'] / 60:.1f} min"
                + ("" if row["feasible"] else " (infeasible)"), alpha=0.85)  # fmt: skip
    ax.plot(routes.origin[1], routes.origin[0], "ko", ms=9, label="origin")
    ax.plot(routes.destination[1], routes.destination[0], "k*", ms=14, label="destination")
    ax.set_aspect(1 / np.cos(np.radians(np.mean(lat))))
    ax.set_xlabel("lon")
    ax.set_ylabel("lat")
    ax.legend(loc="best", fontsize=8)
    ax.set_title(title or "candidate routes, ranked")
    out = Path(out)
    fig.savefig(out, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return out
