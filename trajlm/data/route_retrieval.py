"""Route retrieval for recovery (issue 15; docs/recovery-retrieval.md).

For a gap between two visible points A (time tA) and B (time tB), the splines only know A, B
and the points around them; what they lack is the ROAD. Taxis that went from near A to near B
in a plausible time drove the streets this one most likely drove, so ``RouteLibrary`` finds
TRAIN trajectory pieces that pass within ``radius_m`` of A and later within ``radius_m`` of B
(a ``scipy.spatial.cKDTree`` over every library point), with an elapsed time plausible for
tB - tA, and ``read_pieces`` warps each piece so that its ends sit exactly on A and B (the
end offsets blended linearly along the piece) and reads it at the hidden times, by fraction
of elapsed time or by fraction of arc length.

The library must hold TRAIN points only (the caller's job: build it from the train split);
``exclude`` leaves a query's own trajectory out, which TRAIN queries need (a val / test trip
is not in the library). Arrays are metres in the store's projection, rows sorted by
(trajectory, time).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree


@dataclass
class Pieces:
    """Up to M retrieved pieces for each of G gaps: library row of the piece's start / end
    (G, M) int64 (-1 where fewer were found), distance of those rows from A / B (G, M) metres,
    elapsed-time ratio piece / gap (G, M), source trajectory key (G, M), score (G, M)."""

    start: np.ndarray
    end: np.ndarray
    d_a: np.ndarray
    d_b: np.ndarray
    ratio: np.ndarray
    source: np.ndarray
    score: np.ndarray

    @property
    def found(self) -> np.ndarray:
        """(G,) number of pieces per gap."""
        return (self.start >= 0).sum(1)


class RouteLibrary:
    """Train trajectory points with a spatial index; ``query`` returns pieces per gap.

    ``radius_m``: how far a piece's ends may lie from A and B; ``max_ratio``: the piece's
    elapsed time must lie within [dt / max_ratio - slack_s, dt * max_ratio + slack_s];
    pieces are ranked by d_A + d_B + ``speed_m_s`` * |elapsed - dt| (metres).
    ``reverse``: also take pieces that went from near B to near A and read them backwards
    (people walk a path both ways; cars on one-way streets do not, so off by default). A
    reversed piece has ``start > end`` in ``Pieces`` (start is still the row near A).
    """

    def __init__(
        self,
        radius_m: float = 100.0,
        max_ratio: float = 2.0,
        slack_s: float = 30.0,
        speed_m_s: float = 2.0,
        max_pieces: int = 16,
        reverse: bool = False,
    ) -> None:
        if not (radius_m > 0 and max_ratio >= 1 and max_pieces >= 1):
            raise ValueError(f"need radius_m > 0, max_ratio >= 1, max_pieces >= 1; got "
                             f"{radius_m}, {max_ratio}, {max_pieces}")  # fmt: skip
        self.radius_m, self.max_ratio, self.slack_s = radius_m, max_ratio, slack_s
        self.speed_m_s, self.max_pieces, self.reverse = speed_m_s, max_pieces, reverse

    def fit(self, xy: np.ndarray, t: np.ndarray, keys: np.ndarray) -> RouteLibrary:
        """xy (n, 2) metres, t (n,) seconds, keys (n,) int trajectory keys, sorted by (key, t)."""
        self.xy_ = np.asarray(xy, np.float64)
        self.t_ = np.asarray(t, np.float64)
        self.keys_ = np.asarray(keys, np.int64)
        if len(self.keys_) and (np.diff(self.keys_) < 0).any():
            raise ValueError("library rows must be sorted by trajectory key")
        ok = np.isfinite(self.xy_).all(1)
        self.rows_ = np.flatnonzero(ok)  # tree index -> library row
        self.tree_ = cKDTree(self.xy_[ok])
        return self

    def _near(self, p: np.ndarray, exclude: int | None) -> tuple[np.ndarray, np.ndarray]:
        """Library rows within the radius of p, one per trajectory (the nearest) -> rows, d."""
        rows = self.rows_[np.asarray(self.tree_.query_ball_point(p, self.radius_m), np.int64)]
        if exclude is not None:
            rows = rows[self.keys_[rows] != exclude]
        d = np.linalg.norm(self.xy_[rows] - p, axis=1)
        return rows, d

    def query(
        self, a: np.ndarray, ta: np.ndarray, b: np.ndarray, tb: np.ndarray,
        exclude: np.ndarray | None = None,
    ) -> Pieces:  # fmt: skip
        """Gaps a (G, 2), ta (G,), b (G, 2), tb (G,) -> Pieces (best ``max_pieces`` first).
        ``exclude`` (G,) trajectory key left out per gap (-1 or None: none)."""
        G, M = len(a), self.max_pieces
        out = Pieces(np.full((G, M), -1, np.int64), np.full((G, M), -1, np.int64),
                     *(np.full((G, M), np.nan) for _ in range(3)),
                     np.full((G, M), -1, np.int64), np.full((G, M), np.inf))  # fmt: skip
        n_keys = int(self.keys_.max()) + 1 if len(self.keys_) else 0
        a_row = np.full(n_keys, -1, np.int64)  # per trajectory: its row near A (reset per gap)
        a_d = np.full(n_keys, np.inf)
        for g in range(G):
            ex = None if exclude is None or exclude[g] < 0 else int(exclude[g])
            ra, da = self._near(a[g], ex)
            rb, db = self._near(b[g], ex)
            if not len(ra) or not len(rb):
                continue
            # per trajectory the row nearest A (rows sorted by distance, first kept)
            o = np.argsort(da, kind="stable")
            ka, first = np.unique(self.keys_[ra[o]], return_index=True)
            a_row[ka], a_d[ka] = ra[o][first], da[o][first]
            kb = self.keys_[rb]
            row_a = a_row[kb]
            ok = (row_a >= 0) & (rb > row_a)  # same trajectory, B reached after A
            if self.reverse:  # or B passed before A: the piece B -> A, read backwards
                ok |= (row_a >= 0) & (rb < row_a)
            if ok.any():
                rb_, db_, ra_ = rb[ok], db[ok], row_a[ok]
                dt = tb[g] - ta[g]
                el = np.abs(self.t_[rb_] - self.t_[ra_])
                ok2 = (el <= dt * self.max_ratio + self.slack_s) & (
                    el >= dt / self.max_ratio - self.slack_s) & (el > 0)  # fmt: skip
                rb_, db_, ra_, el = rb_[ok2], db_[ok2], ra_[ok2], el[ok2]
                score = a_d[self.keys_[ra_]] + db_ + self.speed_m_s * np.abs(el - dt)
                # one piece per trajectory: its best-scoring B row
                o = np.lexsort((score, self.keys_[rb_]))
                _, first = np.unique(self.keys_[rb_][o], return_index=True)
                best = o[first]
                best = best[np.argsort(score[best], kind="stable")][:M]
                m = len(best)
                out.start[g, :m], out.end[g, :m] = ra_[best], rb_[best]
                out.d_a[g, :m], out.d_b[g, :m] = a_d[self.keys_[ra_[best]]], db_[best]
                out.ratio[g, :m] = el[best] / max(dt, 1e-9)
                out.source[g, :m], out.score[g, :m] = self.keys_[ra_[best]], score[best]
            a_row[ka], a_d[ka] = -1, np.inf
        return out


def read_piece(
    xy: np.ndarray, t: np.ndarray, a: np.ndarray, b: np.ndarray, frac: np.ndarray,
    by: str = "time",
) -> np.ndarray:  # fmt: skip
    """One piece's points xy (m, 2) at times t (m,) warped so that its first point is ``a`` and
    its last ``b`` (each vertex moved by the end offsets blended by its fraction of elapsed
    time), read at fractions ``frac`` (h,) in [0, 1] of elapsed time (``by="time"``) or of arc
    length (``by="arc"``) -> (h, 2)."""
    xy, t = np.asarray(xy, np.float64), np.asarray(t, np.float64)
    span = t[-1] - t[0]
    w = (t - t[0]) / span if span > 0 else np.linspace(0.0, 1.0, len(t))
    warped = xy + (1 - w)[:, None] * (a - xy[0]) + w[:, None] * (b - xy[-1])
    if by == "time":
        u = w
    elif by == "arc":
        seg = np.r_[0.0, np.cumsum(np.linalg.norm(np.diff(warped, axis=0), axis=1))]
        u = seg / seg[-1] if seg[-1] > 0 else w
    else:
        raise ValueError(f"by must be 'time' or 'arc', got {by!r}")
    return np.stack([np.interp(frac, u, warped[:, 0]), np.interp(frac, u, warped[:, 1])], 1)


def read_pieces(
    lib: RouteLibrary, pieces: Pieces, a: np.ndarray, b: np.ndarray, gap: np.ndarray,
    frac: np.ndarray, by: str = "time",
) -> np.ndarray:  # fmt: skip
    """Every piece read at every hidden point: ``gap`` (H,) the gap of each hidden point,
    ``frac`` (H,) its fraction of the gap's elapsed time -> (H, M, 2), NaN where a gap has
    fewer than M pieces."""
    H, M = len(gap), pieces.start.shape[1]
    out = np.full((H, M, 2), np.nan)
    order = np.argsort(gap, kind="stable")
    bounds = np.flatnonzero(np.r_[True, np.diff(gap[order]) != 0, True])
    for i, j in zip(bounds[:-1], bounds[1:], strict=True):
        hs = order[i:j]
        g = gap[hs[0]]
        for m in range(M):
            s, e = pieces.start[g, m], pieces.end[g, m]
            if s < 0:
                break
            if s < e:
                xy, t = lib.xy_[s : e + 1], lib.t_[s : e + 1]
            else:  # a reversed piece (B -> A walked backwards): rows s, s-1, ..., e
                xy, t = lib.xy_[e : s + 1][::-1], -lib.t_[e : s + 1][::-1]
            out[hs, m] = read_piece(xy, t, a[g], b[g], frac[hs], by)
    return out
