"""Random views of labelled segments, re-drawn every epoch (issue 15, lever 5).

A transport-mode classifier trained on the same ~1,000 whole segments every epoch sees each one
at one length and one sampling rate; test segments come at others. ``SegmentAugment.view``
returns one random view of every segment, deterministic per ``(seed, epoch)``:

    crop    a contiguous sub-segment of a random share of its points (>= ``min_crop``)
    thin    each point of the crop kept with a random per-segment rate (>= ``min_keep``): a
            coarser, jittered sampling rate (first and last point of the crop always kept)
    rotate  optionally, the segment turned about its centroid by up to ``max_rotate_deg`` (and
            mirrored with probability 0.5 when ``reflect``) in a local flat frame: speeds,
            accelerations and turn angles stay as they were, only headings change

Each segment is augmented with probability ``prob`` (else kept whole), so the model still sees
whole segments, which is what it reads at test time. Rows keep all their columns (``label``
too); a view never drops a segment and keeps at least ``min(min_points, n)`` of its n points.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl


@dataclass
class SegmentAugment:
    """Per-epoch crop / thinning / rotation of segments (see the module docstring)."""

    prob: float = 0.8  # share of segments augmented in a view (the rest stay whole)
    min_crop: float = 0.5  # shortest crop, as a share of the segment's points
    min_keep: float = 0.5  # lowest thinning keep rate (1.0 = no thinning)
    max_rotate_deg: float = 0.0  # 0 = no rotation
    reflect: bool = False  # mirror half of the augmented segments (with rotation's frame)
    min_points: int = 10  # a view keeps at least this many points (or the whole segment)

    def __post_init__(self) -> None:
        for name in ("prob", "min_crop", "min_keep"):
            v = getattr(self, name)
            if not 0.0 <= v <= 1.0:
                raise ValueError(f"SegmentAugment.{name} must be in [0, 1], got {v!r}")
        if self.min_points < 2:
            raise ValueError(f"SegmentAugment.min_points must be >= 2, got {self.min_points}")

    def view(self, segments: pl.DataFrame, seed: int, epoch: int) -> pl.DataFrame:
        """One random view of every segment, sorted by (traj_id, t); the same for the same
        ``(seed, epoch)``."""
        df = segments.sort(["traj_id", "t"], maintain_order=True)
        if len(df) == 0:
            return df
        rng = np.random.default_rng([seed, epoch, 0x5E6])
        ids = df["traj_id"]
        starts = np.flatnonzero((ids != ids.shift(1)).fill_null(True).to_numpy())
        lens = np.diff(np.append(starts, len(df)))
        n = len(starts)
        hit = rng.random(n) < self.prob  # (S,) segments augmented this epoch
        floor = np.minimum(self.min_points, lens)  # (S,) fewest points a view keeps
        share = rng.uniform(self.min_crop, 1.0, n)
        crop = np.where(hit, np.clip(np.rint(share * lens).astype(np.int64), floor, lens), lens)
        first = np.floor(rng.random(n) * (lens - crop + 1)).astype(np.int64)  # crop start
        keep_rate = np.where(hit, rng.uniform(self.min_keep, 1.0, n), 1.0)
        # per point of each crop: keep with the segment's rate; ends always kept
        seg = np.repeat(np.arange(n), crop)  # (P,) segment of each cropped point
        j = np.arange(crop.sum()) - np.repeat(np.cumsum(crop) - crop, crop)  # index in crop
        keep = (rng.random(len(seg)) < keep_rate[seg]) | (j == 0) | (j == crop[seg] - 1)
        too_few = np.bincount(seg[keep], minlength=n) < floor  # thinning went below the floor
        keep |= too_few[seg]
        rows = (starts[seg] + first[seg] + j)[keep]
        out = df[rows]
        if self.max_rotate_deg > 0 or self.reflect:
            out = self._rotate(out, hit, rng)
        return out

    def _rotate(self, df: pl.DataFrame, hit: np.ndarray, rng: np.random.Generator) -> pl.DataFrame:
        """Turn (and maybe mirror) each augmented segment about its centroid, local flat frame."""
        n = len(hit)
        angle = np.radians(rng.uniform(-self.max_rotate_deg, self.max_rotate_deg, n)) * hit
        mirror = np.where(hit & self.reflect & (rng.random(n) < 0.5), -1.0, 1.0)
        ids = df["traj_id"]
        seg = np.cumsum((ids != ids.shift(1)).fill_null(True).to_numpy()) - 1  # (P,)
        lat, lon = df["lat"].to_numpy(), df["lon"].to_numpy()
        cnt = np.bincount(seg, minlength=n)
        lat0 = np.bincount(seg, lat, minlength=n) / cnt
        lon0 = np.bincount(seg, lon, minlength=n) / cnt
        k = np.cos(np.radians(lat0))[seg]  # metres per degree of lon / of lat
        x = (lon - lon0[seg]) * k * mirror[seg]  # (P,) east, lat-degree units
        y = lat - lat0[seg]
        c, s = np.cos(angle)[seg], np.sin(angle)[seg]
        return df.with_columns(
            pl.Series("lat", lat0[seg] + s * x + c * y),
            pl.Series("lon", lon0[seg] + (c * x - s * y) / k),
        )
