"""Where a model was trained, as a list of boxes rather than one: the tight box of the train
points in each occupied 1-degree cell (``regions`` in the coverage record, [min_lat, min_lon,
max_lat, max_lon] each). A fine-tune appends its store's boxes to the pretrained model's, so
a model pretrained on Porto and fine-tuned on Melbourne is not "trained" on everything
between them (one union box from Porto to Melbourne would let no position check fire).
A record without ``regions`` (checkpoints written before) is its one ``bbox``."""

from __future__ import annotations

import numpy as np
import polars as pl

from trajlm.data.features import EARTH_RADIUS_M
from trajlm.data.longitude import lon_outside

REGION_CELL_DEG = 1.0  # the cells the train points are boxed in


class RegionBoxes:
    """Accumulates the tight box of the points in each occupied cell, batch by batch."""

    def __init__(self) -> None:
        self.boxes: dict[int, list[float]] = {}

    def add(self, lat: np.ndarray, lon: np.ndarray) -> None:
        cell = ((np.floor(lat / REGION_CELL_DEG) + 1000) * 10_000
                + np.floor(lon / REGION_CELL_DEG) + 1000).astype(np.int64)  # fmt: skip
        g = (pl.DataFrame({"c": cell, "lat": lat, "lon": lon}).group_by("c")
             .agg(pl.col("lat").min().alias("a"), pl.col("lon").min().alias("b"),
                  pl.col("lat").max().alias("c2"), pl.col("lon").max().alias("d")))  # fmt: skip
        for c, a, b, c2, d in g.iter_rows():
            old = self.boxes.get(c)
            self.boxes[c] = [a, b, c2, d] if old is None else [
                min(old[0], a), min(old[1], b), max(old[2], c2), max(old[3], d)]  # fmt: skip

    def regions(self) -> list[list[float]]:
        return [[float(v) for v in self.boxes[c]] for c in sorted(self.boxes)]


def regions_of(coverage: dict) -> list[list[float]]:
    """The record's boxes; its one ``bbox`` when it predates ``regions``."""
    if coverage.get("regions"):
        return [[float(v) for v in r] for r in coverage["regions"]]
    b = coverage["bbox"]
    return [[float(b[k]) for k in ("min_lat", "min_lon", "max_lat", "max_lon")]]


def merge_regions(old: dict, new: dict) -> list[list[float]]:
    """Both records' boxes, each once (the pretrained model's first)."""
    seen = dict.fromkeys(tuple(r) for r in [*regions_of(old), *regions_of(new)])
    return [list(r) for r in seen]


def region_distance_m(coverage: dict, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Great-circle-ish distance (m) of each point to the nearest training box (0 inside)."""
    boxes = np.asarray(regions_of(coverage), np.float64)  # (R, 4)
    lat, lon = np.asarray(lat, np.float64), np.asarray(lon, np.float64)
    out = np.full(len(lat), np.inf)
    step = max(1, 2_000_000 // len(boxes))  # (step, R) distances at a time
    for a in range(0, len(lat), step):
        la, lo = lat[a : a + step, None], lon[a : a + step, None]
        clat = np.clip(la, boxes[:, 0], boxes[:, 2])
        dy = np.radians(la - clat) * EARTH_RADIUS_M
        # the short way round: 179.99 E is 2 km from a box at 179.99 W, not 40,000 km (ships24;
        # a box with min_lon > max_lon crosses the antimeridian)
        dlon = lon_outside(lo, boxes[:, 1], boxes[:, 3])
        dx = np.radians(dlon) * EARTH_RADIUS_M * np.cos(np.radians(la))
        out[a : a + len(la)] = np.hypot(dx, dy).min(1)
    return out
