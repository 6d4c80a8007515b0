"""Hidden-Markov map matching (Newson & Krumm 2009), vectorized over candidates.

- Candidates: for every fix, the edges within `radius_m` (a shapely STRtree over the straight
  pieces of all edge polylines), at most `max_candidates` nearest, each with the projected
  point and its offset along the edge.
- Emission: Gaussian on the perpendicular distance, `sigma_m` (about the GPS noise).
- Transition: exponential on |route distance - straight-line distance| with scale `beta_m`;
  route distances come from one Dijkstra per trajectory (scipy.sparse.csgraph, cut at a
  distance no plausible route exceeds; one per step on graphs too big for that), so a candidate on a parallel street that is nearest to
  a fix but would need a detour loses to the one that continues the route.
- Viterbi over each trajectory, one numpy step per fix (all candidate pairs at once).

Fixes without any candidate are left unmatched (null edge); when no candidate of a fix can be
reached from any candidate of the previous one the chain breaks and restarts, and `chain`
counts the pieces within the trajectory, so both are visible in the output frame itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
from scipy.sparse.csgraph import dijkstra

from trajlm.data.schema import check_model_input
from trajlm.errors import TrajlmInputError
from trajlm.roads.network import RoadGraph


@dataclass
class MatchConfig:
    """HMM parameters; defaults tuned for ~20 m noise at 30 s sampling (docs/roads.md)."""

    sigma_m: float = 20.0  # GPS noise (emission std)
    beta_m: float = 20.0  # scale of |route - straight| (transition); tuned on another seed
    radius_m: float = 80.0  # candidate search radius
    max_candidates: int = 12  # nearest edges kept per fix (a two-way street is two edges)
    backtrack_m: float = 30.0  # a projection this far behind on the same edge counts as standing
    # one Dijkstra per trajectory while (sources x nodes) fits this, else one per step
    route_table_cells: float = 2e7

    def __post_init__(self) -> None:
        """One line naming the option for a value the HMM cannot use (badin35: a text
        ``sigma_m`` was a numpy TypeError, a negative one matched as its square, silently)."""
        import math

        for name in ("sigma_m", "beta_m", "radius_m", "backtrack_m", "route_table_cells",
                     "max_candidates"):  # fmt: skip
            v = getattr(self, name)
            low = 0.0 if name in ("backtrack_m", "route_table_cells") else None
            ok = isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
            ok = ok and (v >= low if low is not None else v > 0)
            ok = ok and (name != "max_candidates" or float(v).is_integer())
            if not ok:
                what = "a whole number >= 1" if name == "max_candidates" else (
                    f"a finite number {'>= 0' if low is not None else '> 0'}")  # fmt: skip
                raise TrajlmInputError(f"{name} must be {what}, got {v!r}", field=name)


class Candidates:
    """Candidate edges of all fixes, flat and grouped by fix (`start[i]:start[i + 1]`)."""

    def __init__(self, graph: RoadGraph, xy: np.ndarray, cfg: MatchConfig):
        import shapely

        tree, (a, b, seg_edge, seg_off) = graph.segment_index()
        pi, si = tree.query(shapely.points(xy), predicate="dwithin", distance=cfg.radius_m)
        d = b[si] - a[si]
        seg_len = np.maximum(np.hypot(d[:, 0], d[:, 1]), 1e-9)
        r = xy[pi] - a[si]
        t = np.clip((r * d).sum(1) / seg_len**2, 0.0, 1.0)
        dist = np.hypot(*(r - t[:, None] * d).T)
        edge = seg_edge[si]
        # best piece per (fix, edge), then the nearest `max_candidates` edges per fix
        order = np.lexsort((dist, edge, pi))
        pi, edge, dist, off = (
            pi[order],
            edge[order],
            dist[order],
            (seg_off[si] + t * seg_len)[order],
        )
        # no fix near any edge (a network elsewhere): no candidates, every fix unmatched
        first = np.r_[True, (pi[1:] != pi[:-1]) | (edge[1:] != edge[:-1])][: len(pi)]
        pi, edge, dist, off = pi[first], edge[first], dist[first], off[first]
        order = np.lexsort((dist, pi))
        pi, edge, dist, off = pi[order], edge[order], dist[order], off[order]
        start = np.searchsorted(pi, np.arange(len(xy) + 1))
        rank = np.arange(len(pi)) - start[pi]
        keep = rank < cfg.max_candidates
        self.fix, self.edge, self.dist, self.offset = pi[keep], edge[keep], dist[keep], off[keep]
        self.start = np.searchsorted(self.fix, np.arange(len(xy) + 1))


class _RouteTable:
    """Road distances between nodes for one trajectory's steps. One Dijkstra from the end
    nodes of all candidates when the (sources x nodes) table fits `max_cells` (a city of a few
    thousand nodes), else one per step from that step's candidates only (a metropolitan
    graph); each search stops at the step's `limit` (no plausible route is longer)."""

    def __init__(self, adj, step_sources: list[np.ndarray], limits: np.ndarray,
                 max_cells: float = 2e7) -> None:  # fmt: skip
        self.adj, self.sources, self.limits = adj, step_sources, limits
        n = adj.shape[0]
        src = np.unique(np.concatenate(step_sources)) if step_sources else np.zeros(0, np.int64)
        self.whole = len(src) * n <= max_cells
        if self.whole and len(src):
            self.dist = dijkstra(adj, indices=src, limit=float(limits.max()))
            self.row = np.full(n, -1, np.int64)
            self.row[src] = np.arange(len(src))

    def get(self, k: int, from_nodes: np.ndarray, to_nodes: np.ndarray) -> np.ndarray:
        if self.whole:
            return self.dist[self.row[from_nodes], to_nodes]
        src = np.unique(self.sources[k])
        dist = dijkstra(self.adj, indices=src, limit=float(self.limits[k]))
        return dist[np.searchsorted(src, from_nodes), to_nodes]


def _viterbi_trace(graph: RoadGraph, adj, xy: np.ndarray, c: Candidates, fixes: np.ndarray,
                   cfg: MatchConfig) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Best candidate (flat index into `c`, -1 when none) and chain number for `fixes`."""
    best = np.full(len(fixes), -1, np.int64)
    chain = np.full(len(fixes), -1, np.int64)
    has = np.diff(c.start)[fixes] > 0
    obs = np.flatnonzero(has)
    if len(obs) == 0:
        return best, chain
    f = fixes[obs]
    step = np.hypot(*np.diff(xy[f], axis=0).T) if len(f) > 1 else np.zeros(0)
    ranges = [np.arange(c.start[i], c.start[i + 1]) for i in f]
    routes = _RouteTable(adj, [graph.v[c.edge[r]] for r in ranges[:-1]],
                         2.0 * step + 4.0 * cfg.radius_m + 200.0, cfg.route_table_cells)  # fmt: skip
    length = graph.length_m

    emis = -0.5 * (c.dist / cfg.sigma_m) ** 2
    delta = emis[ranges[0]]
    back: list[np.ndarray | None] = [None]
    starts, finals = [0], []  # first fix and last scores of each chain
    for k in range(1, len(f)):
        p, q = ranges[k - 1], ranges[k]
        ep, eq = c.edge[p][:, None], c.edge[q][None, :]
        op, oq = c.offset[p][:, None], c.offset[q][None, :]
        route = (length[ep] - op) + routes.get(k - 1, graph.v[ep], graph.u[eq]) + oq
        same = (ep == eq) & (oq >= op - cfg.backtrack_m)
        route = np.where(same, np.maximum(oq - op, 0.0), route)
        score = delta[:, None] - np.abs(route - step[k - 1]) / cfg.beta_m
        arg = score.argmax(0)
        top = score[arg, np.arange(len(q))]
        if not np.isfinite(top).any():  # nothing reachable: break the chain here
            back.append(None)
            starts.append(k)
            finals.append(delta)
            delta = emis[q]
            continue
        back.append(arg)
        delta = top + emis[q]

    finals.append(delta)
    ends = starts[1:] + [len(f)]
    for n, (s, e) in enumerate(zip(starts, ends, strict=True)):  # backtrack each chain
        j = int(np.argmax(finals[n]))
        for k in range(e - 1, s - 1, -1):
            best[obs[k]] = ranges[k][j]
            chain[obs[k]] = n
            if k > s:
                j = int(back[k][j])
    return best, chain


def match_xy(
    network: RoadGraph, xy: np.ndarray, groups: np.ndarray, config: MatchConfig | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Match fixes in the network's metres, sorted by (trajectory, time), `groups` the
    trajectory of each. Returns edge id (-1 unmatched), offset along the edge (m), distance
    fix to matched point (m, NaN unmatched) and chain number (-1 unmatched)."""
    cfg = config or MatchConfig()
    cands = Candidates(network, xy, cfg)
    adj = network.graph()
    best = np.full(len(xy), -1, np.int64)
    chain = np.full(len(xy), -1, np.int64)
    bounds = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1], True])
    for s, e in zip(bounds[:-1], bounds[1:], strict=True):
        best[s:e], chain[s:e] = _viterbi_trace(network, adj, xy, cands, np.arange(s, e), cfg)
    ok = best >= 0
    at = np.where(ok, best, 0)  # no candidate at all: nothing to index, every fix unmatched
    pick = (lambda v, empty: np.where(ok, v[at], empty)) if len(cands.edge) else (
        lambda v, empty: np.full(len(xy), empty, np.result_type(v, type(empty))))  # fmt: skip
    edge, offset, dist = pick(cands.edge, -1), pick(cands.offset, np.nan), pick(cands.dist, np.nan)
    return edge, offset, dist, chain


def match(df, network: RoadGraph, config: MatchConfig | None = None, **overrides) -> pl.DataFrame:
    """Map-match trajectories (canonical frame: traj_id, t, lat, lon) onto `network`.

    Returns the input rows with `edge_id`, `way_id`, `edge_offset_m`, `edge_frac`, `match_lat`,
    `match_lon`, `match_dist_m` (fix to matched point; all null where unmatched) and `chain`
    (piece of the trajectory the fix was matched in; -1 unmatched). Keyword overrides replace
    fields of `config` (sigma_m, beta_m, radius_m, max_candidates, backtrack_m).
    """
    from dataclasses import replace

    cfg = replace(config or MatchConfig(), **overrides)
    if not isinstance(df, pl.DataFrame):  # pandas / GeoPandas / MovingPandas / a LazyFrame
        from trajlm.data.coerce import to_canonical

        df = to_canonical(df)
    df = check_model_input(df, "match input")
    x, y = network.projection.forward(df["lat"].to_numpy(), df["lon"].to_numpy())
    tid = df["traj_id"].to_numpy()
    edge, offset, dist, chain = match_xy(network, np.stack([x, y], 1), tid, cfg)
    ok = edge >= 0
    pt = np.full((len(df), 2), np.nan)
    pt[ok] = network.point_along(edge[ok], offset[ok])
    lat, lon = network.projection.inverse(pt[:, 0], pt[:, 1])
    e = np.where(ok, edge, 0)
    null = np.flatnonzero(~ok)

    def col(name: str, values: np.ndarray, dtype) -> pl.Series:
        return pl.Series(name, values, dtype=dtype, nan_to_null=True).scatter(null, None)

    return df.with_columns(
        col("edge_id", e, pl.Int64),
        col("way_id", network.way_id[e], pl.Int64),
        col("edge_offset_m", offset, pl.Float64),
        col("edge_frac", offset / np.maximum(network.length_m[e], 1e-9), pl.Float64),
        col("match_lat", lat, pl.Float64),
        col("match_lon", lon, pl.Float64),
        col("match_dist_m", dist, pl.Float64),
        pl.Series("chain", chain),
    )


def match_summary(matched: Any, traj_col: str | None = None) -> dict:
    """Counts from a `match` output: fixes, unmatched fixes, chain breaks. ``matched``: what
    ``trajlm.roads.match`` or ``TrajLM.match`` returned (Polars, pandas, a GeoDataFrame);
    ``traj_col``: its trajectory id column (default: a name trajlm recognises, else the rows'
    order: ``match`` returns each trajectory's rows together, in time order)."""
    from trajlm.data.column_names import TRAJ, candidates

    if isinstance(matched, pl.LazyFrame):
        matched = matched.collect()
    if not isinstance(matched, pl.DataFrame):  # pandas / GeoDataFrame: the counted columns
        cols = [c for c in matched.columns if c != getattr(matched, "_geometry_column_name", None)]
        matched = pl.from_pandas(matched[cols])
    if traj_col is None:
        found = candidates(TRAJ, matched.columns)
        traj_col = found[0] if len(found) == 1 else None
    n = len(matched)
    unmatched = int(matched["edge_id"].null_count())
    chain = matched.filter(pl.col("chain") >= 0)
    if traj_col is not None:
        breaks = int(chain.group_by(traj_col).agg(pl.col("chain").max())["chain"].sum() or 0)
    else:  # rows come grouped by trajectory in time order: a chain > 0 starting is a break
        c = chain["chain"]
        breaks = int(((c > 0) & (c != c.shift(1))).sum())
    return {"points": n, "unmatched": unmatched, "breaks": breaks}
