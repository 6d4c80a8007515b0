"""What a model was trained on, recorded by its Trainer (``compute_coverage``) and merged
over fine-tunes (``merge_coverage``); the warnings that read it are in trajlm/model/coverage.py
(which re-exports both)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import polars as pl

from trajlm.data.features import EARTH_RADIUS_M, NormStats
from trajlm.data.longitude import arcs_extent, lon_extent
from trajlm.model.coverage_lanes import MAX_POINTS, lane_spread_m
from trajlm.model.coverage_regions import RegionBoxes, merge_regions

PERCENTILES = (1, 5, 50, 95, 99)
_MAX_SAMPLES = 1_000_000  # dt / speed values kept for the percentiles


def hour_weekday(t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unix seconds -> (hour of day 0-23, weekday 0-6 with Monday = 0), UTC."""
    t = np.asarray(t, dtype=np.int64)
    return (t % 86400) // 3600, (t // 86400 + 3) % 7  # Unix day 0 was a Thursday


def _steps(df: pl.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(dt seconds, speed m/s) between consecutive points of the same trajectory."""
    same = (df["traj_id"] == df["traj_id"].shift(1)).fill_null(False).to_numpy()[1:]
    t = df["t"].to_numpy().astype(np.float64)
    lat, lon = np.radians(df["lat"].to_numpy()), np.radians(df["lon"].to_numpy())
    dt = np.diff(t)[same]
    dlat, dlon = np.diff(lat)[same], np.diff(lon)[same]
    a = (
        np.sin(dlat / 2) ** 2
        + np.cos(lat[1:][same]) * np.cos(lat[:-1][same]) * np.sin(dlon / 2) ** 2
    )
    dist = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0, 1)))
    ok = dt > 0
    return dt[ok], dist[ok] / dt[ok]


def _traj_median_speeds(df: pl.DataFrame, window: int | None = None) -> np.ndarray:
    """Median step speed (m/s) of each trajectory of df with at least one step; with
    ``window``, of each run of ``window`` consecutive points of a trajectory instead (the
    pieces the model reads: a query's history is judged against these, vessel30)."""
    same = (df["traj_id"] == df["traj_id"].shift(1)).fill_null(False).to_numpy()
    ids = df["traj_id"].to_numpy()
    if window is not None:  # one id per window: the points' index in their trajectory // window
        piece = df.select(pl.int_range(pl.len()).over("traj_id") // window)[:, 0].to_numpy()
        same &= np.r_[False, piece[1:] == piece[:-1]]
        ids = np.cumsum(~same)  # a new id at each trajectory's or window's first point
    t = df["t"].to_numpy().astype(np.float64)
    lat, lon = np.radians(df["lat"].to_numpy()), np.radians(df["lon"].to_numpy())
    a = (
        np.sin(np.diff(lat) / 2) ** 2
        + np.cos(lat[1:]) * np.cos(lat[:-1]) * np.sin(np.diff(lon) / 2) ** 2
    )
    dist = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0, 1)))
    dt = np.diff(t)
    ok = same[1:] & (dt > 0)
    if not ok.any():
        return np.zeros(0)
    steps = pl.DataFrame({"id": ids[1:][ok], "v": dist[ok] / dt[ok]})
    return steps.group_by("id").agg(pl.col("v").median())["v"].to_numpy()


def _pct(x: np.ndarray) -> dict[str, float] | None:
    if len(x) == 0:
        return None
    return {
        f"p{p}": float(v) for p, v in zip(PERCENTILES, np.percentile(x, PERCENTILES), strict=True)
    }


def compute_coverage(
    store: str | Path,
    stats: NormStats | None = None,
    split: str = "train",
    window: int | None = None,
) -> dict:
    """Coverage of one split of a store, streamed one row group at a time. ``window`` (the
    model's max_len) also records ``window_speed_mps``: the median speeds of windows of that
    many points, what the coverage warning compares a query's last ``history`` points with.

    Positions are also boxed in metres in the plane of ``stats`` (the model's), so the model
    can test its own inputs against the box without projecting.
    """
    from trajlm.data.local_plane import store_crs
    from trajlm.data.store import iter_store_batches, load_manifest, load_stats
    from trajlm.data.store_label import store_label

    stats = stats or load_stats(store)
    proj = stats.projection
    hours, days = np.zeros(24, np.int64), np.zeros(7, np.int64)
    lo, hi = np.full(2, np.inf), np.full(2, -np.inf)  # lat, lon
    t_lo, t_hi, n = math.inf, -math.inf, 0
    dts, speeds, traj, traj_speeds, window_speeds = [], [], set(), [], []
    n_samples, boxes = 0, RegionBoxes()
    lanes: list[pl.DataFrame] = []  # fixes for the lane spacing (coverage_lanes.py)
    n_lanes = 0
    for batch in iter_store_batches(store, split, columns=["traj_id", "t", "lat", "lon"]):
        if len(batch) == 0:
            continue
        t, lat, lon = batch["t"].to_numpy(), batch["lat"].to_numpy(), batch["lon"].to_numpy()
        h, d = hour_weekday(t)
        hours += np.bincount(h, minlength=24)
        days += np.bincount(d, minlength=7)
        lo = np.minimum(lo, [lat.min(), lon.min()])
        hi = np.maximum(hi, [lat.max(), lon.max()])
        boxes.add(lat, lon)
        t_lo, t_hi, n = min(t_lo, int(t.min())), max(t_hi, int(t.max())), n + len(batch)
        traj.update(batch["traj_id"].unique().to_list())
        if n_lanes < 4 * MAX_POINTS:  # the first row groups; lane_spread_m samples them
            lanes.append(batch.select("traj_id", "lat", "lon"))
            n_lanes += len(batch)
        if n_samples < _MAX_SAMPLES:  # a row group may cut a trajectory: one step lost, no harm
            dt, v = _steps(batch)
            traj_speeds.append(_traj_median_speeds(batch))
            if window is not None:
                window_speeds.append(_traj_median_speeds(batch, window))
            dts.append(dt)
            speeds.append(v)
            n_samples += len(dt)
    if n == 0:
        raise ValueError(f"{store}: the {split} split is empty; no coverage to record")
    # the lon range the short way round: a Pacific fleet's box crosses the antimeridian
    # (west > east) instead of spanning the globe (ships24); each region's ends are fixes
    ends = np.asarray(boxes.regions(), np.float64).reshape(-1, 4)[:, [1, 3]]
    lo[1], hi[1] = lon_extent(ends.reshape(-1))
    corners_x, corners_y = proj.forward(np.array([lo[0], hi[0]]), np.array([lo[1], hi[1]]))
    manifest = load_manifest(store)
    return {
        "n_points": int(n),
        "n_trajectories": len(traj),
        "sources": [Path(s).name for s in manifest.get("sources", [])],
        "store": store_label(store),  # no path of a frame's store that fit removes
        "split_by": manifest.get("split_by", "time"),
        "bbox": {"min_lat": lo[0], "min_lon": lo[1], "max_lat": hi[0], "max_lon": hi[1]},
        "xy_box_m": [corners_x[0], corners_y[0], corners_x[1], corners_y[1]],
        "time_span_unix": [t_lo, t_hi],
        "hour_hist": hours.tolist(),
        "weekday_hist": days.tolist(),
        "dt_s": _pct(np.concatenate(dts)),
        "speed_mps": _pct(np.concatenate(speeds)),
        # each train trajectory's median step speed: what the coverage gate (model/scale.py)
        # compares a history's median speed with
        "traj_speed_mps": _pct(np.concatenate(traj_speeds)),
        # and of windows of the model's max_len points (vessel30: a fleet's whole tracks
        # include their berth stays, its last 64 fixes at sea do not: the warning fired on 16
        # of a run's own 40 vessels); absent without ``window`` (and in older records)
        **({"window_speed_mps": _pct(np.concatenate(window_speeds))} if window else {}),
        "clock_shift_prob": 0.0,  # set by the Trainer when it shifts clocks (all hours seen)
        "regions": boxes.regions(),  # the position check's boxes (coverage_regions.py)
        # how far apart the trajectories' own lanes lie: the position margin of a fleet whose
        # movers keep lanes tens of km apart (coverage_lanes.py, irreg25)
        "lane_spread_m": _lane_spread(lanes),
        # a `--crs local` store: x / y metres on a plane, its lat / lon the stand-in's; inputs
        # in degrees are refused against it (badfix37: they got a coverage note naming the
        # stand-in's "lat 1.000..1.001"). Absent for degrees (trajlm-small's config unchanged)
        **({"crs": "local"} if store_crs(store) == "local" else {}),
    }


def _lane_spread(parts: list[pl.DataFrame]) -> dict[str, float] | None:
    fixes = pl.concat(parts)
    return lane_spread_m(fixes["traj_id"].to_numpy(), fixes["lat"].to_numpy(),
                         fixes["lon"].to_numpy())  # fmt: skip


def merge_coverage(old: dict, new: dict) -> dict:
    """Coverage of training on both records' data (same model plane): histograms summed,
    boxes joined (the gate's union box) and listed (``regions``: the position check's),
    sources listed once; percentiles are the newer data's."""
    b0, b1 = old["bbox"], new["bbox"]
    x0, x1 = old["xy_box_m"], new["xy_box_m"]
    return {
        **new,
        "n_points": old["n_points"] + new["n_points"],
        "n_trajectories": old["n_trajectories"] + new["n_trajectories"],
        "sources": list(dict.fromkeys([*old.get("sources", []), *new.get("sources", [])])),
        "bbox": {
            **{k: (min if k.startswith("min") else max)(b0[k], b1[k]) for k in b1},
            **dict(
                zip(
                    ("min_lon", "max_lon"),
                    arcs_extent(
                        np.array([b0["min_lon"], b1["min_lon"]]),
                        np.array([b0["max_lon"], b1["max_lon"]]),
                    ),
                    strict=True,
                )
            ),
        },  # fmt: skip
        "xy_box_m": [min(x0[0], x1[0]), min(x0[1], x1[1]), max(x0[2], x1[2]), max(x0[3], x1[3])],
        "time_span_unix": [
            min(old["time_span_unix"][0], new["time_span_unix"][0]),
            max(old["time_span_unix"][1], new["time_span_unix"][1]),
        ],
        "hour_hist": (np.add(old["hour_hist"], new["hour_hist"])).tolist(),
        "weekday_hist": (np.add(old["weekday_hist"], new["weekday_hist"])).tolist(),
        "clock_shift_prob": max(old.get("clock_shift_prob", 0.0), new["clock_shift_prob"]),
        "regions": merge_regions(old, new),
    }
