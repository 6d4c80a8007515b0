"""Road-path anchors: shortest-path interpolation for whole batches at once.

`interpolate_on_roads` (recover.py) walks one route per gap in Python; a model needs the same
position for every hidden point of every row of every batch. `RoadPaths` holds all-pairs
tables of a city-size graph (distance, next hop, edge of a node pair), so the position at a
given distance along the shortest route from (edge a, offset a) to (edge b, offset b) is a
few numpy operations over all queries together (one per hop of the longest route).

The line a hidden point is placed on is the baseline's: known fix a -> its matched point ->
shortest route -> matched point of b -> fix b, at the time-proportional distance along it;
the straight line a -> b where a fix is unmatched or b cannot be reached. So a model that
reads this anchor and predicts zero is exactly shortest-path interpolation (tested).
"""

from __future__ import annotations

import numpy as np
from scipy.sparse.csgraph import dijkstra

from trajlm.data.features import LocalProjection
from trajlm.roads.hmm import MatchConfig, match_xy
from trajlm.roads.network import RoadGraph

ROUTES = ("shortest", "fastest", "auto")  # auto: fastest where the gap is driven (fast_mps)
MAX_TABLE_NODES = 6000  # all-pairs tables are (N, N): ~300 MB of int64 + float64 at 6000


class RoadPaths:
    """All-pairs shortest-path tables of `graph` (lengths in metres, routed on `graph.graph()`)."""

    def __init__(self, graph: RoadGraph, weight: str = "length") -> None:
        n = graph.n_nodes
        if n > MAX_TABLE_NODES:
            raise ValueError(
                f"road-path anchors need all-pairs tables; the graph has {n} nodes "
                f"(> {MAX_TABLE_NODES}): cut the network to the study area"
            )
        if weight not in ("length", "time"):
            raise ValueError(f"weight must be 'length' or 'time', got {weight!r}")
        self.graph = graph
        # routes: shortest ("length") or fastest at free-flow speeds ("time", what cars take)
        w = graph.length_m if weight == "length" else graph.length_m / graph.speed_mps()
        cost, pred = dijkstra(graph.graph(w), return_predecessors=True)  # (N, N)
        # next hop: nh[i, j] = first node after i on the route i -> j (j itself when adjacent)
        cols = np.broadcast_to(np.arange(n), (n, n))
        rows = np.broadcast_to(np.arange(n)[:, None], (n, n))
        nh = np.where(pred == rows, cols, -1)
        for _ in range(n):  # follow predecessors back until they reach i's neighbour
            todo = (nh < 0) & (pred >= 0)
            if not todo.any():
                break
            nh = np.where(todo, nh[rows, np.maximum(pred, 0)], nh)
        self.next_hop = nh
        # the edge a route takes between adjacent nodes: the cheapest one (as graph() routes)
        self.edge_of = np.full((n, n), -1, np.int64)
        order = np.argsort(-w, kind="stable")  # cheapest written last, wins
        self.edge_of[graph.u[order], graph.v[order]] = order
        # metres along each route: dist[i, j] = dist[i, pred] + length(pred -> j)
        self.dist = np.where(np.eye(n, dtype=bool), 0.0, np.inf)
        last = np.maximum(pred, 0)
        hop = np.where(pred >= 0, graph.length_m[self.edge_of[last, cols]], np.inf)
        for _ in range(n):
            new = np.where(pred >= 0, self.dist[rows, last] + hop, self.dist)
            if np.array_equal(new, self.dist):
                break
            self.dist = new
        self.dist[~np.isfinite(cost)] = np.inf

    def along(
        self,
        fix_a: np.ndarray,
        edge_a: np.ndarray,
        off_a: np.ndarray,
        fix_b: np.ndarray,
        edge_b: np.ndarray,
        off_b: np.ndarray,
        frac: np.ndarray,
    ) -> np.ndarray:
        """(Q, 2) metres: the point at `frac` (Q,) of the way along fix a -> matched a -> route ->
        matched b -> fix b. Edge -1 (unmatched) or no route: the straight line a -> b."""
        g = self.graph
        fix_a, fix_b = np.asarray(fix_a, np.float64), np.asarray(fix_b, np.float64)
        ea, eb = np.asarray(edge_a, np.int64), np.asarray(edge_b, np.int64)
        frac = np.clip(np.asarray(frac, np.float64), 0.0, 1.0)
        out = fix_a + frac[:, None] * (fix_b - fix_a)  # the straight-line fallback
        ok = (ea >= 0) & (eb >= 0)
        ea_, eb_ = np.where(ok, ea, 0), np.where(ok, eb, 0)
        oa, ob = np.nan_to_num(off_a), np.nan_to_num(off_b)
        same = ok & (ea_ == eb_) & (ob >= oa)
        start, goal = g.v[ea_], g.u[eb_]
        mid = self.dist[start, goal]
        route = np.where(same, ob - oa, g.length_m[ea_] - oa + mid + ob)
        ok &= np.isfinite(route)
        route = np.where(ok, route, 0.0)
        ma, mb = g.point_along(ea_, oa), g.point_along(eb_, ob)
        d0, d1 = np.hypot(*(ma - fix_a).T), np.hypot(*(fix_b - mb).T)
        s = frac * (d0 + route + d1)
        res = np.zeros_like(out)
        leg_a, leg_b = s <= d0, s >= d0 + route
        res[leg_a] = (fix_a + (ma - fix_a) * (s / np.maximum(d0, 1e-12))[:, None])[leg_a]
        wb = ((s - d0 - route) / np.maximum(d1, 1e-12))[:, None]
        res[leg_b & ~leg_a] = (mb + (fix_b - mb) * wb)[leg_b & ~leg_a]
        on = ~leg_a & ~leg_b & ok
        r = s - d0  # distance along the route
        first = on & (same | (r <= g.length_m[ea_] - oa))
        res[first] = g.point_along(ea_[first], (oa + r)[first])
        walk = np.flatnonzero(on & ~first)
        r_w = r[walk] - (g.length_m[ea_[walk]] - oa[walk])
        node, goal_w = start[walk], goal[walk]
        done = np.zeros(len(walk), bool)
        for _ in range(g.n_nodes + 1):  # one vectorized step per hop of the longest route
            at_goal = ~done & (node == goal_w)
            if at_goal.any():
                q = walk[at_goal]
                res[q] = g.point_along(eb_[q], r_w[at_goal])
                done |= at_goal
            if done.all():
                break
            act = ~done
            nxt = self.next_hop[node[act], goal_w[act]]
            e = self.edge_of[node[act], nxt]
            length = g.length_m[e]
            here = r_w[act] <= length
            q = walk[act][here]
            res[q] = g.point_along(e[here], r_w[act][here])
            idx = np.flatnonzero(act)
            done[idx[here]] = True
            r_w[idx[~here]] -= length[~here]
            node[idx[~here]] = nxt[~here]
        return np.where(ok[:, None], res, out)


def _neighbours(visible: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(B, T) index of the previous and next visible point of each position (-1 / T: none)."""
    B, T = visible.shape
    idx = np.broadcast_to(np.arange(T), (B, T))
    prev = np.maximum.accumulate(np.where(visible, idx, -1), axis=1)
    nxt = np.minimum.accumulate(np.where(visible, idx, T)[:, ::-1], axis=1)[:, ::-1]
    return prev, nxt


class RoadAnchor:
    """Road-path anchors of hidden points for batches in a model's metres.

    ``anchor(xy, t, mask, visible, hidden)`` ((B, T, 2) metres on `projection`, the model's
    frame; (B, T) seconds and booleans) -> (B, T, 2) metres, NaN where a point gets none (not
    hidden, or without a visible point on both sides). The visible points of each row are
    map-matched (HMM, only visible positions are read) and every hidden point is put at its
    time fraction along the shortest route between its visible neighbours."""

    def __init__(
        self,
        graph: RoadGraph,
        projection: LocalProjection,
        config: MatchConfig | None = None,
        route: str = "shortest",
        fast_mps: float = 6.0,
    ) -> None:
        if route not in ROUTES:
            raise ValueError(f"route must be one of {ROUTES}, got {route!r}")
        self.graph, self.projection = graph, projection
        self.config = config or MatchConfig()
        self.route, self.fast_mps = route, fast_mps
        self.paths = RoadPaths(graph) if route != "fastest" else None
        self.fast_paths = RoadPaths(graph, "time") if route != "shortest" else None

    def _to_graph(self, xy: np.ndarray) -> np.ndarray:
        lat, lon = self.projection.inverse(xy[..., 0], xy[..., 1])
        return np.stack(self.graph.projection.forward(lat, lon), -1)

    def _from_graph(self, xy: np.ndarray) -> np.ndarray:
        lat, lon = self.graph.projection.inverse(xy[..., 0], xy[..., 1])
        return np.stack(self.projection.forward(lat, lon), -1)

    def _match(self, gxy: np.ndarray, visible: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(B, T) edge id (-1: none) and offset (m) of the visible points, rows matched apart."""
        B, T = visible.shape
        vr, vc = np.nonzero(visible)  # row-major: sorted by (row, time) as the matcher needs
        edge = np.full((B, T), -1, np.int64)
        off = np.full((B, T), np.nan)
        if len(vr):
            e, o, _, _ = match_xy(self.graph, gxy[vr, vc], vr, self.config)
            edge[vr, vc], off[vr, vc] = e, o
        return edge, off

    def road_inputs(self, xy, mask, visible, ids: str = "edge") -> tuple[np.ndarray, np.ndarray]:
        """Road input features of the visible points from map matching them: (B, T) edge id
        (-1: none) and fraction along it. ``ids="way"``: the way id and the fraction along the
        way's first (forward) edge, the convention of the synthetic city's ``segment_id`` /
        ``segment_frac`` (its two-way streets are one way id, two directed edges)."""
        if ids not in ("edge", "way"):
            raise ValueError(f"ids must be 'edge' or 'way', got {ids!r}")
        visible = np.asarray(visible, bool) & np.asarray(mask, bool)
        edge, off = self._match(self._to_graph(np.asarray(xy, np.float64)), visible)
        ok = edge >= 0
        e = np.where(ok, edge, 0)
        frac = np.where(ok, np.nan_to_num(off) / np.maximum(self.graph.length_m[e], 1e-9), 0.0)
        if ids == "edge":
            return edge, np.clip(frac, 0.0, 1.0)
        way = self.graph.way_id
        first = np.full(int(way.max()) + 1, -1, np.int64)
        first[way[::-1]] = np.arange(len(way))[::-1]  # lowest edge id of each way
        forward = first[way[e]] == e
        return np.where(ok, way[e], -1), np.where(ok, np.where(forward, frac, 1.0 - frac), 0.0)

    def anchor(self, xy, t, mask, visible, hidden) -> np.ndarray:
        xy = np.asarray(xy, np.float64)
        t = np.asarray(t, np.float64)
        mask = np.asarray(mask, bool)
        visible = np.asarray(visible, bool) & mask
        hidden = np.asarray(hidden, bool) & mask & ~visible
        B, T = mask.shape
        out = np.full((B, T, 2), np.nan)
        prev, nxt = _neighbours(visible)
        q = hidden & (prev >= 0) & (nxt < T)
        if not q.any():
            return out
        gxy = self._to_graph(xy)
        rows = np.broadcast_to(np.arange(B)[:, None], (B, T))
        edge, off = self._match(gxy, visible)
        r, p, n = rows[q], prev[q], nxt[q]
        span = t[r, n] - t[r, p]
        frac = np.where(span > 0, (t[q] - t[r, p]) / np.where(span > 0, span, 1.0), 0.0)
        args = (gxy[r, p], edge[r, p], off[r, p], gxy[r, n], edge[r, n], off[r, n], frac)
        if self.route == "auto":  # fast gaps (motor traffic) take the fastest route
            speed = np.hypot(*(gxy[r, n] - gxy[r, p]).T) / np.maximum(span, 1e-9)
            fast = speed >= self.fast_mps
            pts = np.where(fast[:, None], self.fast_paths.along(*args), self.paths.along(*args))
        else:
            pts = (self.paths or self.fast_paths).along(*args)
        out[q] = self._from_graph(pts)
        return out


class RouteRecovery:
    """Route interpolation as a recovery-harness model (``.name``, ``.recover(task)``): the
    hidden fixes of each trajectory at their time fraction along the `route` (shortest: the
    same as `ShortestPathRecovery`; fastest: the free-flow fastest route) between the known
    fixes around them."""

    def __init__(self, graph: RoadGraph, route: str = "fastest", **options) -> None:
        self.road = RoadAnchor(graph, graph.projection, route=route, **options)
        self.name = f"{route} path" if route != "auto" else "auto route"

    def recover(self, task) -> np.ndarray:
        proj = self.road.graph.projection
        xy = task.xy(proj)
        known = np.asarray(task.known, bool)
        groups = np.asarray(task.groups)
        bounds = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1], True])
        lens = np.diff(bounds)
        T = int(lens.max())
        mask = np.arange(T)[None] < lens[:, None]
        idx = np.zeros(mask.shape, np.int64)
        idx[mask] = np.arange(len(xy))
        xy_in = np.where(known[:, None], xy, 0.0)  # the answers are never read
        t = task.t.astype(np.float64)
        a = self.road.anchor(xy_in[idx], t[idx], mask, known[idx] & mask, ~known[idx] & mask)
        out = xy.copy()
        fill = ~known & np.isfinite(a[mask]).all(1)
        out[fill] = a[mask][fill]
        res = np.stack(proj.inverse(out[:, 0], out[:, 1]), 1)
        res[known] = task.latlon[known]
        return res


def network_from_spec(spec: str) -> RoadGraph:
    """The graph a config names: ``synthetic:seed=S,n=N`` rebuilds the synthetic city of
    ``trajlm data synth -n N --seed S`` (its store does not carry the graph), anything else is
    a file for `read_network` (.osm.pbf, GeoJSON, GeoParquet)."""
    from trajlm.errors import TrajlmInputError

    if spec.startswith("synthetic:"):
        from trajlm.data.synthetic import generate_city
        from trajlm.roads.network import from_synthetic

        try:
            kv = dict(part.split("=", 1) for part in spec[len("synthetic:") :].split(",") if part)
            seed, n = int(kv.get("seed", 0)), int(kv.get("n", 1000))
        except ValueError as e:
            raise TrajlmInputError(
                f"road_network {spec!r}: expected synthetic:seed=S,n=N ({e})"
            ) from e
        city = generate_city(n_trajectories=n, seed=seed)
        return from_synthetic(city.roads, city.projection)
    from trajlm.roads.network import read_network

    return read_network(spec)
