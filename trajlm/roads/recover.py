"""Shortest-path interpolation: hidden fixes placed along the road route between known ones.

The known fixes of each trajectory are map-matched (HMM, `match.py`); between two consecutive
known fixes the route is their matched points joined by the shortest path in the graph, and
each hidden fix goes to the time-proportional distance along that route (constant speed on
the route instead of on the straight line). Where the two are not connected (or a known fix is
unmatched) it falls back to the straight line, as `LinearInterpolation` does.

Array convention as the recovery baselines (`trajlm/eval/recovery_baselines.py`), in the network's
metres: t (P,), xy (P, 2), known (P,), groups (P,), sorted by (trajectory, t).
"""

from __future__ import annotations

import numpy as np
from scipy.sparse.csgraph import dijkstra

from trajlm.roads.hmm import MatchConfig, match_xy
from trajlm.roads.network import RoadGraph


def _edge_lookup(graph: RoadGraph) -> dict[tuple[int, int], int]:
    """(u, v) -> the shortest edge joining them (the one `graph.graph()` routes on)."""
    out: dict[tuple[int, int], int] = {}
    for e in np.argsort(-graph.length_m, kind="stable"):  # shortest written last, wins
        out[int(graph.u[e]), int(graph.v[e])] = int(e)
    return out


def _piece(graph: RoadGraph, e: int, s0: float, s1: float) -> np.ndarray:
    """Polyline of edge `e` from offset s0 to s1 (s0 <= s1), metres -> (k, 2)."""
    lo, hi = graph.geom_offsets[e], graph.geom_offsets[e + 1]
    cum = graph.vertex_offset_m[lo:hi]
    inner = graph.coords_m[lo:hi][(cum > s0) & (cum < s1)]
    ends = graph.point_along(np.array([e, e]), np.array([s0, s1]))
    return np.concatenate([ends[:1], inner, ends[1:]])


def route_polyline(
    graph: RoadGraph, ea: int, oa: float, eb: int, ob: float, pred_row: np.ndarray, lookup
) -> np.ndarray | None:
    """Route from offset `oa` on edge `ea` to `ob` on `eb` ((k, 2) metres), None if unreachable;
    `pred_row` is the Dijkstra predecessor row of node `graph.v[ea]`."""
    if ea == eb and ob >= oa:
        return _piece(graph, ea, oa, ob)
    start, goal = int(graph.v[ea]), int(graph.u[eb])
    nodes = [goal]
    while nodes[-1] != start:
        p = int(pred_row[nodes[-1]])
        if p < 0:
            return None
        nodes.append(p)
    nodes.reverse()
    parts = [_piece(graph, ea, oa, graph.length_m[ea])]
    for a, b in zip(nodes[:-1], nodes[1:], strict=True):
        e = lookup[a, b]
        parts.append(_piece(graph, e, 0.0, graph.length_m[e]))
    parts.append(_piece(graph, eb, 0.0, ob))
    return np.concatenate(parts)


def _along(line: np.ndarray, frac: np.ndarray) -> np.ndarray:
    step = np.hypot(*np.diff(line, axis=0).T)
    cum = np.r_[0.0, np.cumsum(step)]
    s = frac * cum[-1]
    return np.stack([np.interp(s, cum, line[:, 0]), np.interp(s, cum, line[:, 1])], 1)


def _project(points: np.ndarray, line: np.ndarray) -> np.ndarray:
    """Nearest point of the polyline `line` (k, 2) to each of `points` (H, 2)."""
    a, d = line[:-1], np.diff(line, axis=0)  # (S, 2)
    r = points[:, None, :] - a[None]  # (H, S, 2)
    w = np.clip((r * d).sum(-1) / np.maximum((d**2).sum(-1), 1e-12), 0.0, 1.0)
    near = a[None] + w[..., None] * d[None]
    best = np.hypot(*(points[:, None, :] - near).transpose(2, 0, 1)).argmin(1)
    return near[np.arange(len(points)), best]


def interpolate_on_roads(
    graph: RoadGraph,
    t: np.ndarray,
    xy: np.ndarray,
    known: np.ndarray,
    groups: np.ndarray,
    config: MatchConfig | None = None,
    guess: np.ndarray | None = None,
) -> np.ndarray:
    """Fill the unknown rows of `xy` along shortest road routes; known rows are copied.

    Without `guess` a hidden fix goes to its time-proportional distance along the route; with
    `guess` ((P, 2) metres, e.g. another method's recovery) it is that guess snapped to the
    nearest point of the route (the route keeps the road, the guess keeps its speed profile)."""
    t, xy = np.asarray(t, np.float64), np.asarray(xy, np.float64)
    known, groups = np.asarray(known, bool), np.asarray(groups)
    out = xy.copy()
    kidx = np.flatnonzero(known)
    edge, off, _, _ = match_xy(graph, xy[kidx], groups[kidx], config)
    adj, lookup = graph.graph(), _edge_lookup(graph)
    # consecutive known fixes of one trajectory with hidden ones between them
    gap = (groups[kidx[1:]] == groups[kidx[:-1]]) & (np.diff(kidx) > 1)
    pairs = np.flatnonzero(gap)
    ok = (edge[pairs] >= 0) & (edge[pairs + 1] >= 0)
    src = np.unique(graph.v[edge[pairs[ok]]])
    pred = dijkstra(adj, indices=src, return_predecessors=True)[1] if len(src) else None
    row = {int(n): r for r, n in enumerate(src)}
    for k in pairs:
        a, b = kidx[k], kidx[k + 1]
        hidden = np.arange(a + 1, b)
        span = t[b] - t[a]
        w = (t[hidden] - t[a]) / span if span > 0 else np.zeros(len(hidden))
        line = None
        if edge[k] >= 0 and edge[k + 1] >= 0:
            ea, eb = int(edge[k]), int(edge[k + 1])
            line = route_polyline(
                graph, ea, off[k], eb, off[k + 1], pred[row[int(graph.v[ea])]], lookup
            )
        if line is None:
            line = xy[[a, b]]
        else:  # from the fix to the route and back, so the ends stay the known fixes
            line = np.concatenate([xy[[a]], line, xy[[b]]])
        if guess is None:
            out[hidden] = _along(line, np.clip(w, 0.0, 1.0))
        else:
            out[hidden] = _project(np.asarray(guess, np.float64)[hidden], line)
    return out


class ShortestPathRecovery:
    """`interpolate_on_roads` as a model for the recovery harness:
    ``run_eval(df, "recover", models=(ShortestPathRecovery(graph),))`` scores it beside the
    baselines (it reads only the known fixes of the task, like every method there).

    With `base` (any harness model: ``.name``, ``.recover(task) -> (P, 2) lat/lon``) it snaps
    that model's recovered points onto the shortest route instead ("recovery that snaps to the
    network")."""

    def __init__(self, graph: RoadGraph, config: MatchConfig | None = None, base=None) -> None:
        self.graph, self.config, self.base = graph, config, base
        self.name = "shortest path" if base is None else f"{base.name} -> roads"

    def recover(self, task) -> np.ndarray:
        """(P, 2) lat/lon for a `RecoveryTask` (known fixes copied)."""
        proj = self.graph.projection
        x, y = proj.forward(task.latlon[:, 0], task.latlon[:, 1])
        xy = np.stack([x, y], 1)
        xy[~task.known] = np.nan  # never look at the answers
        guess = None
        if self.base is not None:
            g = np.asarray(self.base.recover(task), np.float64)
            guess = np.stack(proj.forward(g[:, 0], g[:, 1]), 1)
        out = interpolate_on_roads(
            self.graph, task.t.astype(np.float64), xy, task.known, task.groups, self.config, guess
        )
        return np.stack(proj.inverse(out[:, 0], out[:, 1]), 1)
