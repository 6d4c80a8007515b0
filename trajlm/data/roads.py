"""A small road graph in local metres: a jittered grid with arterials and diagonals, plus snapping.

The synthetic city (`trajlm/data/synthetic.py`) drives on this graph; map matching and the
road-aware metrics use `RoadNetwork.snap` to find the segment a point lies on. Edges are
undirected; an edge's orientation (`edges[e, 0] -> edges[e, 1]`) defines `frac` in [0, 1].
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

LOCAL, ARTERIAL, DIAGONAL = 0, 1, 2
EDGE_KINDS = ("local", "arterial", "diagonal")
# Urban limits: 30 km/h residential, 50 km/h arterial, 40 km/h for the diagonal avenues.
SPEED_LIMIT_MPS = np.array([30.0, 50.0, 40.0]) / 3.6


@dataclass
class RoadNetwork:
    """Undirected road graph in local metres (x east, y north)."""

    node_xy_m: np.ndarray  # (N, 2) float64
    edges: np.ndarray  # (E, 2) int64 node ids
    edge_kind: np.ndarray  # (E,) int8: 0 local, 1 arterial, 2 diagonal
    speed_limit_mps: np.ndarray  # (E,) float64
    node_signal: np.ndarray | None = None  # (N,) bool: intersection has traffic lights

    def __post_init__(self) -> None:
        self.node_xy_m = np.asarray(self.node_xy_m, dtype=np.float64).reshape(-1, 2)
        self.edges = np.asarray(self.edges, dtype=np.int64).reshape(-1, 2)
        self.edge_kind = np.asarray(self.edge_kind, dtype=np.int8)
        self.speed_limit_mps = np.asarray(self.speed_limit_mps, dtype=np.float64)
        if self.node_signal is None:
            self.node_signal = np.zeros(len(self.node_xy_m), dtype=bool)
        self.node_signal = np.asarray(self.node_signal, dtype=bool)

    @property
    def n_nodes(self) -> int:
        return len(self.node_xy_m)

    @property
    def n_edges(self) -> int:
        return len(self.edges)

    @property
    def edge_length_m(self) -> np.ndarray:
        a, b = self.node_xy_m[self.edges[:, 0]], self.node_xy_m[self.edges[:, 1]]
        return np.hypot(*(b - a).T)

    def graph(self, weight: np.ndarray | None = None) -> csr_matrix:
        """Symmetric sparse adjacency (N, N) with `weight` per edge (default: length in metres)."""
        w = self.edge_length_m if weight is None else np.asarray(weight, dtype=np.float64)
        u, v = self.edges[:, 0], self.edges[:, 1]
        n = self.n_nodes
        return csr_matrix((np.concatenate([w, w]), (np.r_[u, v], np.r_[v, u])), shape=(n, n))

    def edge_index(self) -> np.ndarray:
        """Dense (N, N) lookup of the edge id joining two nodes, -1 where there is none."""
        idx = np.full((self.n_nodes, self.n_nodes), -1, dtype=np.int64)
        ids = np.arange(self.n_edges)
        idx[self.edges[:, 0], self.edges[:, 1]] = ids
        idx[self.edges[:, 1], self.edges[:, 0]] = ids
        return idx

    def point_at(self, edge_id: np.ndarray, frac: np.ndarray) -> np.ndarray:
        """(x, y) metres of the point at `frac` along each edge -> (P, 2)."""
        e = self.edges[np.asarray(edge_id)]
        a, b = self.node_xy_m[e[..., 0]], self.node_xy_m[e[..., 1]]
        return a + np.asarray(frac, dtype=np.float64)[..., None] * (b - a)

    def nearest_edge(
        self, x_m: np.ndarray, y_m: np.ndarray, chunk_size: int = 8192
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Project points onto their nearest edge: (edge_id, frac in [0, 1], distance in metres).

        Exact brute force over all edges, in chunks of points so memory stays at
        `chunk_size * E` floats; O(P * E), fine for city-sized graphs (a few thousand edges).
        """
        p = np.stack([np.asarray(x_m, np.float64).ravel(), np.asarray(y_m, np.float64).ravel()], 1)
        a = self.node_xy_m[self.edges[:, 0]]  # (E, 2)
        d = self.node_xy_m[self.edges[:, 1]] - a  # (E, 2)
        dd = np.maximum((d**2).sum(1), 1e-12)  # (E,)
        out_e = np.empty(len(p), dtype=np.int64)
        out_f = np.empty(len(p), dtype=np.float64)
        out_d = np.empty(len(p), dtype=np.float64)
        for s in range(0, len(p), chunk_size):
            q = p[s : s + chunk_size]
            rx = q[:, None, 0] - a[None, :, 0]  # (P, E)
            ry = q[:, None, 1] - a[None, :, 1]
            f = np.clip((rx * d[:, 0] + ry * d[:, 1]) / dd, 0.0, 1.0)
            dist2 = (rx - f * d[:, 0]) ** 2 + (ry - f * d[:, 1]) ** 2
            best = dist2.argmin(1)
            rows = np.arange(len(q))
            out_e[s : s + len(q)] = best
            out_f[s : s + len(q)] = f[rows, best]
            out_d[s : s + len(q)] = np.sqrt(dist2[rows, best])
        return out_e, out_f, out_d

    def snap(self, x_m: np.ndarray, y_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Nearest edge id and fraction along it for each point (vectorized)."""
        e, f, _ = self.nearest_edge(x_m, y_m)
        return e, f

    def to_dict(self) -> dict:
        """JSON-serializable dict (lists), inverse of `from_dict`."""
        return {
            "node_xy_m": self.node_xy_m.tolist(),
            "edges": self.edges.tolist(),
            "edge_kind": self.edge_kind.tolist(),
            "speed_limit_mps": self.speed_limit_mps.tolist(),
            "node_signal": self.node_signal.tolist(),
        }

    @classmethod
    def from_dict(cls, d: dict) -> RoadNetwork:
        return cls(
            np.asarray(d["node_xy_m"], dtype=np.float64),
            np.asarray(d["edges"], dtype=np.int64),
            np.asarray(d["edge_kind"], dtype=np.int8),
            np.asarray(d["speed_limit_mps"], dtype=np.float64),
            np.asarray(d.get("node_signal", np.zeros(len(d["node_xy_m"]))), dtype=bool),
        )


def make_grid_network(
    rng: np.random.Generator,
    grid_size: int = 12,
    block_m: float = 200.0,
    n_arterials: int = 3,
    n_diagonals: int = 2,
    node_jitter_m: float = 12.0,
    removed_edge_frac: float = 0.05,
) -> RoadNetwork:
    """A grid city centred on (0, 0): `grid_size` x `grid_size` jittered intersections.

    Arterials are whole rows/columns (alternating); diagonals run corner to corner through
    cell interiors, with parities chosen so crossing diagonals meet at a node. A fraction of
    local edges is removed (dead ends, blocks), never disconnecting the graph.
    """
    n = int(grid_size)
    if n < 3:
        raise ValueError(f"grid_size must be >= 3, got {grid_size}")
    r, c = np.divmod(np.arange(n * n), n)
    xy = np.stack([(c - (n - 1) / 2) * block_m, (r - (n - 1) / 2) * block_m], 1)
    xy = xy + rng.normal(0.0, node_jitter_m, xy.shape)
    node = np.arange(n * n).reshape(n, n)  # node[r, c]

    horiz = np.stack([node[:, :-1].ravel(), node[:, 1:].ravel()], 1)
    vert = np.stack([node[:-1, :].ravel(), node[1:, :].ravel()], 1)
    edges = np.concatenate([horiz, vert])
    kind = np.zeros(len(edges), dtype=np.int8)
    is_h = np.r_[np.ones(len(horiz), bool), np.zeros(len(vert), bool)]
    row_of = r[edges[:, 0]]
    col_of = c[edges[:, 0]]

    # Arterials on interior lines, spread out: alternate rows and columns.
    lines = rng.permutation(np.arange(1, n - 1))
    n_rows = (n_arterials + 1) // 2
    art_rows, art_cols = lines[:n_rows], lines[n_rows:n_arterials]
    kind[is_h & np.isin(row_of, art_rows)] = ARTERIAL
    kind[~is_h & np.isin(col_of, art_cols)] = ARTERIAL

    # Diagonals: c - r = a (slope +1) or c + r = b (slope -1), a and b even so they meet at nodes.
    diag = []
    for k in range(n_diagonals):
        half = max(n // 3, 1)
        if k % 2 == 0:
            a = 2 * int(rng.integers(-half // 2, half // 2 + 1))
            rr = np.arange(n - 1)
            ok = (rr + a >= 0) & (rr + a + 1 <= n - 1)
            rr = rr[ok]
            diag.append(np.stack([node[rr, rr + a], node[rr + 1, rr + a + 1]], 1))
        else:
            b = 2 * int(rng.integers((n - 1 - half) // 2, (n - 1 + half) // 2 + 1))
            rr = np.arange(n - 1)
            ok = (b - rr - 1 >= 0) & (b - rr <= n - 1)
            rr = rr[ok]
            diag.append(np.stack([node[rr, b - rr], node[rr + 1, b - rr - 1]], 1))
    if diag:
        d = np.unique(np.sort(np.concatenate(diag), axis=1), axis=0)
        edges = np.concatenate([edges, d])
        kind = np.concatenate([kind, np.full(len(d), DIAGONAL, np.int8)])

    # Remove some local edges, one at a time, skipping any removal that would disconnect the city.
    keep = np.ones(len(edges), bool)
    n_remove = int(round(removed_edge_frac * (kind == LOCAL).sum()))
    for e in rng.permutation(np.flatnonzero(kind == LOCAL)):
        if n_remove == 0:
            break
        keep[e] = False
        u, v = edges[keep, 0], edges[keep, 1]
        g = csr_matrix((np.ones(len(u)), (u, v)), shape=(n * n, n * n))
        if connected_components(g, directed=False)[0] == 1:
            n_remove -= 1
        else:
            keep[e] = True
    edges, kind = edges[keep], kind[keep]

    # Traffic lights: most intersections touching a main road, a few local ones.
    main = np.zeros(n * n, bool)
    main[edges[kind != LOCAL].ravel()] = True
    degree = np.bincount(edges.ravel(), minlength=n * n)
    p_signal = np.where(main, 0.7, 0.12) * (degree >= 3)
    signal = rng.random(n * n) < p_signal
    return RoadNetwork(xy, edges, kind, SPEED_LIMIT_MPS[kind], signal)
