"""A movement map: where tracks move, and in which heading, on a grid of local metres (geo30).

Built from tracks a caller is allowed to read (for GeoLife prediction: the train trips and
T-Drive, never the queries' own future), it scores a predicted path by how often tracks passed
each of its points in the path's own heading: a road or footpath taken in that direction scores
high, a building or the wrong lane of a one-way street low. It holds counts only (no points),
but it is derived from its tracks: a map built from licensed data is kept out of the repository.

- **Counts**: each pair of consecutive fixes of a track (gap and length under the caller's
  limits: a longer pair is a jump, not a path) is sampled every ``step_m`` metres; every sample
  adds 1 to (its cell, the pair's heading bin). Pairs under 1 m add no heading (a stop).
- **Smoothing**: a cell's count is the sum over its 3 x 3 neighbourhood (GPS noise is ~10 m,
  a cell 20 m: a path one cell off its road still finds it).
- **Score** of a point with a heading: log(1 + count in its bin + ``side`` x the two adjacent
  bins); a point without a heading (a step under ``still_m``): log(1 + all bins / n_dirs).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable

import numpy as np

_OFFSET = 1 << 30  # cell indices shifted positive before packing two into one int64


class MoveMap:
    """Heading-binned visit counts of tracks on a square grid (metres, x east, y north)."""

    def __init__(self, cell_m: float = 20.0, n_dirs: int = 8, step_m: float = 10.0,
                 side: float = 0.5, still_m: float = 2.0) -> None:  # fmt: skip
        finite = all(np.isfinite(x) for x in (cell_m, step_m, side, still_m))
        whole = float(n_dirs) == int(n_dirs)  # 8.7 headings is no grid (badin31: read as 8)
        if not finite or not whole or cell_m <= 0 or step_m <= 0 or n_dirs < 1 or side < 0 or still_m < 0:  # fmt: skip
            raise ValueError(
                f"MoveMap needs finite cell_m > 0, step_m > 0, side >= 0, still_m >= 0 and a whole "
                f"n_dirs >= 1; got "
                f"cell_m={cell_m}, step_m={step_m}, n_dirs={n_dirs}, side={side}, still_m={still_m}"
            )
        self.cell_m, self.n_dirs, self.step_m = float(cell_m), int(n_dirs), float(step_m)
        self.side, self.still_m = float(side), float(still_m)
        self.keys_ = np.zeros(0, np.int64)  # sorted packed cells
        self.counts_ = np.zeros((0, self.n_dirs))  # smoothed counts per cell and heading bin
        self.n_samples_ = 0

    # -------------------------------------------------------------------------- building
    def _cells(self, xy: np.ndarray) -> np.ndarray:
        ij = np.floor(np.asarray(xy, np.float64) / self.cell_m).astype(np.int64) + _OFFSET
        return (ij[..., 0] << 32) | ij[..., 1]

    def heading_bin(self, d: np.ndarray) -> np.ndarray:
        """(...) the heading bin of displacement vectors d (..., 2); bin 0 is centred on east."""
        ang = np.arctan2(d[..., 1], d[..., 0])
        width = 2 * np.pi / self.n_dirs
        return np.floor((ang + width / 2) / width).astype(np.int64) % self.n_dirs

    def fit(self, tracks: Iterable[tuple[np.ndarray, np.ndarray]], max_gap_s: float,
            max_step_m: float) -> MoveMap:  # fmt: skip
        """Count ``tracks``: (xy (n, 2) metres, t (n,) seconds) in time order, each a trip."""
        if not (max_gap_s > 0 and max_step_m > 0):  # NaN too: every pair would be dropped
            raise ValueError(f"MoveMap.fit needs max_gap_s > 0 and max_step_m > 0 (inf: no limit); "
                             f"got max_gap_s={max_gap_s}, max_step_m={max_step_m}")  # fmt: skip
        cells, dirs, pairs = [], [], 0
        for i, (xy, t) in enumerate(tracks):
            xy, t = np.asarray(xy, np.float64), np.asarray(t, np.float64)
            if xy.ndim != 2 or xy.shape[1] != 2 or t.shape != (len(xy),):
                raise ValueError(f"MoveMap.fit: track {i} has xy of shape {xy.shape} and t of shape "
                                 f"{t.shape}; give xy (n, 2) in metres and t (n,) in seconds")  # fmt: skip
            if len(xy) < 2:
                continue
            pairs += len(xy) - 1
            d = np.diff(xy, axis=0)
            length = np.hypot(d[:, 0], d[:, 1])
            ok = (np.diff(t) <= max_gap_s) & (length <= max_step_m) & (length >= 1.0)
            if not ok.any():
                continue
            a, d, length = xy[:-1][ok], d[ok], length[ok]
            n = np.ceil(length / self.step_m).astype(np.int64)  # samples per pair
            pair = np.repeat(np.arange(len(n)), n)
            frac = (np.arange(len(pair)) - np.repeat(np.cumsum(n) - n, n) + 0.5) / n[pair]
            cells.append(self._cells(a[pair] + frac[:, None] * d[pair]))
            dirs.append(self.heading_bin(d)[pair])
        if not cells:
            if pairs:  # e.g. degrees given for metres: every step under 1 m (badin31)
                warnings.warn(f"MoveMap.fit counted none of {pairs} pairs of fixes: each was under "
                              f"1 m, over max_step_m={max_step_m} m or max_gap_s={max_gap_s} s apart "
                              "(xy must be metres, t seconds); the map is empty", stacklevel=2)  # fmt: skip
            return self
        cell, hd = np.concatenate(cells), np.concatenate(dirs)
        self.n_samples_ = len(cell)
        keys, inv = np.unique(cell, return_inverse=True)
        raw = np.zeros((len(keys), self.n_dirs))
        np.add.at(raw, (inv, hd), 1.0)
        # 3 x 3 smoothing: every cell hands its counts to its 8 neighbours and itself
        shifts = [(di << 32) + dj for di in (-1, 0, 1) for dj in (-1, 0, 1)]
        spread = np.concatenate([keys + s for s in shifts])
        self.keys_, inv = np.unique(spread, return_inverse=True)
        self.counts_ = np.zeros((len(self.keys_), self.n_dirs))
        np.add.at(self.counts_, inv, np.tile(raw, (len(shifts), 1)))
        return self

    # -------------------------------------------------------------------------- reading
    def counts(self, xy: np.ndarray) -> np.ndarray:
        """(..., n_dirs) smoothed counts at points xy (..., 2); zeros off the map."""
        xy = np.asarray(xy, np.float64)
        key = self._cells(np.nan_to_num(xy, nan=0.0, posinf=0.0, neginf=0.0))
        flat = key.reshape(-1)
        pos = np.clip(np.searchsorted(self.keys_, flat), 0, max(len(self.keys_) - 1, 0))
        out = np.zeros((len(flat), self.n_dirs))
        if len(self.keys_):
            hit = self.keys_[pos] == flat
            out[hit] = self.counts_[pos[hit]]
        out[~np.isfinite(xy).all(-1).reshape(-1)] = 0.0  # a NaN point is off the map (badin31)
        return out.reshape(*key.shape, self.n_dirs)

    def point_score(self, xy: np.ndarray, step: np.ndarray) -> np.ndarray:
        """(...) the score of points xy (..., 2) reached by displacement ``step`` (..., 2)."""
        c = self.counts(xy)
        b = self.heading_bin(step)[..., None]
        pick = lambda o: np.take_along_axis(c, (b + o) % self.n_dirs, -1)[..., 0]  # noqa: E731
        head = pick(0) + self.side * (pick(-1) + pick(1))
        moving = np.hypot(step[..., 0], step[..., 1]) >= self.still_m
        return np.log1p(np.where(moving, head, c.sum(-1) / self.n_dirs))

    def path_score(self, last: np.ndarray, path: np.ndarray) -> np.ndarray:
        """(...) mean point score over a path's k steps: last (..., 2), path (..., k, 2)."""
        prev = np.concatenate([np.asarray(last, np.float64)[..., None, :], path[..., :-1, :]], -2)
        return self.point_score(path, path - prev).mean(-1)

    def coverage(self, xy: np.ndarray) -> np.ndarray:
        """(...) whether each point's cell has any count."""
        return self.counts(xy).sum(-1) > 0


__all__ = ["MoveMap"]
