"""Physical validity of trajectories: each point passes or fails with a reason code and a reason.

Checks, in priority order (a point carries the first one it fails):

    code  name             fails when (step = this point and the previous one of its trajectory)
    1     missing          the point has no position
    2     time_backwards   its time is before the previous point's (in the caller's row order)
    3     duplicate_time   its time equals the previous point's
    4     teleport         the step is >= teleport_min_m long AND faster than teleport_factor x
                           the mode's speed limit (a jump no vehicle of that mode makes); a
                           single outlier's jump back is not a second one: the point after it
                           is judged by the step from the point before the outlier
    5     speed            the step is faster than the mode's speed limit
    6     acceleration     |speed change| / time between the two steps' mid-times is above the
                           mode's limit (both steps must be clean: a teleport is not also a jerk)
    7     off_road         (with a RoadGraph) farther than off_road_m from every road
    8     reported_speed   the step is far faster than the reported speed (SOG) at both ends: a
                           position glitch even under the mode's limit (checked after speed)
    9     frozen           the position barely moves while the reports at both ends say the
                           mover is under way (a frozen transponder; checked after the time
                           errors); the point after the frozen stretch is measured from its start

With a reported speed column (AIS SOG; session 17, trajlm/reason/validity_sog.py) a step that
agrees with the report at either end fails neither teleport nor speed.

Dense reports (a 2-s AIS feed): GPS noise over a 2-s step reads as m/s of speed and m/s^2 of
acceleration, so a step shorter than a baseline (ValidityConfig.baselines: >= 5 s, longer
for a low limit) fails speed / acceleration only when the point also fails measured back to
a point at least a baseline earlier; sampling at or above the baseline reads as before.
Limits and thresholds: trajlm/reason/validity_limits.py. Vessels' speeds are said in knots too.

Everything is vectorized over points (NumPy on flat arrays with a trajectory number per point);
`check_arrays` is the core the frame API (`check_validity`) and the batch checker of sampled
continuations (`trajlm.reason.regenerate`) share. Per point: `score` = min(1, limit / value)
of the worst check (1 = valid, 0.5 = twice a limit, 0 = missing or a time error).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import polars as pl

from trajlm.data.features import LocalProjection, median_lon
from trajlm.errors import TrajlmInputError, UserError
from trajlm.reason.validity_arrays import check_arrays  # (also re-exported)
from trajlm.reason.validity_limits import (  # noqa: F401  (re-exported)
    ALIASES,
    DEFAULT_LIMITS,
    LIMITS_FORM,
    ModeLimits,
    ValidityConfig,
    limit_mode,
)
from trajlm.reason.validity_sog import reported_speed
from trajlm.reason.validity_text import (  # noqa: F401  (re-exported)
    ACCEL,
    BACKWARDS,
    CODES,
    DUPLICATE,
    FROZEN,
    KNOT_MPS,
    KNOTS_MODES,
    MISSING,
    OFF_ROAD,
    OK,
    OUT_OF_RANGE,
    SOG,
    SPEED,
    TELEPORT,
    reason_texts,
)


def off_road_distance(network: Any, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Metres from each point to the nearest road piece of a `trajlm.roads.RoadGraph` (NaN for a
    missing point); one STRtree query for all points."""
    import shapely

    lat, lon = np.asarray(lat, np.float64), np.asarray(lon, np.float64)
    out = np.full(len(lat), np.nan)
    ok = np.isfinite(lat) & np.isfinite(lon)
    if not ok.any():
        return out
    x, y = network.projection.forward(lat[ok], lon[ok])
    tree, _ = network.segment_index()
    pts = shapely.points(np.stack([x, y], 1))
    (pi, _si), dist = tree.query_nearest(pts, return_distance=True, all_matches=False)
    d = np.full(ok.sum(), np.nan)
    d[pi] = dist
    out[ok] = d
    return out


def summarize(points: pl.DataFrame) -> pl.DataFrame:
    """Per trajectory: n_points, n_invalid, valid (no failed point), score (the worst point's),
    valid_frac, and the first failed point's reason_code / reason."""
    return points.group_by("traj_id", maintain_order=True).agg(
        pl.len().alias("n_points"),
        (~pl.col("valid")).sum().alias("n_invalid"),
        pl.col("valid").all().alias("valid"),
        pl.col("score").min().alias("score"),
        pl.col("valid").mean().alias("valid_frac"),
        pl.col("reason_code").filter(~pl.col("valid")).first().fill_null("ok"),
        pl.col("reason").filter(~pl.col("valid")).first().fill_null(""),
    )


ROW = "__validity_row"


def check_frame(
    df: pl.DataFrame,
    mode: str | None = None,
    network: Any = None,
    config: ValidityConfig | None = None,
) -> pl.DataFrame:
    """Canonical table (traj_id, t, lat, lon, [label / mode], in the caller's row order within
    each trajectory) -> the same rows + valid, reason_code, reason, score, speed_mps.

    `mode`: one mode for every point; None reads a `mode` or `label` column (an unknown label
    reads as "any"), else "any"."""
    cfg = config or ValidityConfig()
    if mode is not None:
        modes = np.full(len(df), cfg.canonical_mode(mode), dtype=object)
    else:
        col = next((c for c in ("mode", "label") if c in df.columns), None)
        raw = (
            df[col].cast(pl.Utf8).fill_null("any") if col else pl.repeat("any", len(df), eager=True)
        )
        uniq = raw.unique().to_list()
        lut = {u: cfg.canonical_mode(u, strict=False) for u in uniq}
        modes = raw.replace_strict(lut, return_dtype=pl.Utf8).to_numpy().astype(object)
    lat = df["lat"].cast(pl.Float64).fill_null(np.nan).to_numpy()
    lon = df["lon"].cast(pl.Float64).fill_null(np.nan).to_numpy()
    # a coordinate off the globe (longitude 500) is no position: judged as missing, so its
    # neighbours are not a 12,000-km "teleport", then said as out of range (errnames18's finding)
    with np.errstate(invalid="ignore"):
        bad_lat, bad_lon = np.abs(lat) > 90, np.abs(lon) > 180
    outside, said = bad_lat | bad_lon, np.where(bad_lat, lat, lon)
    lat, lon = np.where(outside, np.nan, lat), np.where(outside, np.nan, lon)
    finite = np.isfinite(lat) & np.isfinite(lon)
    proj = network.projection if network is not None else LocalProjection(
        float(np.median(lat[finite])) if finite.any() else 0.0,
        median_lon(lon[finite]) if finite.any() else 0.0,
    )  # fmt: skip
    x, y = proj.forward(lat, lon)
    ids = df["traj_id"]
    traj = ((ids != ids.shift(1)).fill_null(True).cum_sum()).to_numpy()
    max_speed, max_accel = cfg.limits_of(modes)
    road = off_road_distance(network, lat, lon) if network is not None else None
    r = check_arrays(traj, df["t"].cast(pl.Float64).to_numpy(), x, y, max_speed, max_accel,
                     cfg, road, reported_speed(df))  # fmt: skip
    r["code"][outside], r["value"][outside] = OUT_OF_RANGE, said[outside]
    r["limit"][outside] = np.where(bad_lat, 90, 180)[outside]
    said = (r["reported"], r["reported_before"]) if "reported" in r else None
    reasons = reason_texts(r["code"], r["value"], r["limit"], r["speed_mps"], modes, cfg, said)
    return df.with_columns(
        valid=pl.Series(r["code"] == OK),
        reason_code=pl.Series(np.asarray(CODES)[r["code"]]),
        reason=pl.Series(reasons, dtype=pl.Utf8),
        score=pl.Series(r["score"]),
        speed_mps=pl.Series(r["speed_mps"]).fill_nan(None),
    )


def check_validity(
    data: Any,
    mode: str | None = None,
    network: Any = None,
    *,
    per: str = "point",
    config: ValidityConfig | None = None,
    limits: dict[str, Any] | None = None,
    **cols: Any,
) -> Any:
    """Check a frame of trajectories (Polars, pandas, GeoPandas, MovingPandas; columns
    detected like ``TrajLM.predict``), or a file's path (read as ``trajlm data ingest`` reads
    it: a Polars frame back, in the reader's order), and return, in the caller's kind, one row per point
    (``per="point"``: valid, reason_code, reason, score, speed_mps) or per trajectory
    (``per="trajectory"``: n_points, n_invalid, valid, score, valid_frac, reason_code, reason).

    Rows keep the caller's order within each trajectory, so a time going backwards is seen
    (the model-input checks would refuse such a frame; this one reports it).
    """
    from trajlm._arguments import with_gap_rule
    from trajlm.data.coerce import coerce, kind_of
    from trajlm.data.coerce_names import relabel
    from trajlm.data.coerce_out import from_canonical
    from trajlm.data.coerce_path import is_path
    from trajlm.data.local_plane import refuse_plane_layout

    if per not in ("point", "trajectory"):
        raise UserError(f"per must be 'point' or 'trajectory', got {per!r}")
    if config is not None and not isinstance(config, ValidityConfig):  # before: AttributeError
        raise UserError(
            f"config must be a ValidityConfig, got {type(config).__name__}",
            hint="limits={'bike': {'max_speed_mps': 10}} changes a mode's limits",
        )
    network = _road_network(network)
    cfg = config or ValidityConfig()
    if limits is not None and not isinstance(limits, dict):
        raise UserError(f"limits must be a dict, got {type(limits).__name__}", hint=LIMITS_FORM)
    if limits:
        cfg = replace(cfg, limits={**cfg.limits, **limits})
    cfg.table()  # bad limits: one line now, not only where a point reaches them
    # a file's path is read as ingest reads it, by coerce (apipath32: it was refused here)
    kind = "path" if is_path(data) else kind_of(data)
    tagged = data
    if kind == "polars":
        tagged = (data.collect() if isinstance(data, pl.LazyFrame) else data).with_row_index(ROW)
    elif kind in ("pandas", "geopandas"):
        tagged = data.copy(deep=False)
        tagged[ROW] = np.arange(len(data))
    df, layout = coerce(tagged, validate=False, source="validity input", **with_gap_rule(cols))
    refuse_plane_layout(df, layout)  # every step a "teleport": metres read as degrees (local37)
    if len(df) == 0:
        raise UserError("validity input: no points")
    with relabel(layout):  # in the caller's column names (errnames18)
        _check_ids(df)
    if ROW in df.columns:  # back to the caller's row order within each trajectory
        df = df.sort(["traj_id", ROW], maintain_order=True)
    out = check_frame(df, mode, network, cfg)
    if per == "trajectory":
        return from_canonical(summarize(out), layout=layout)
    if ROW in out.columns:
        out = out.sort(ROW).drop(ROW)
    result = from_canonical(out, layout=layout)
    if kind in ("pandas", "geopandas") and len(result) == len(data):  # one row per point, in
        result.index = data.index  # the caller's order: on the caller's index (newuser26)
    return result


def _road_network(network: Any) -> Any:
    """``network`` as a RoadGraph: a file's path read as ``TrajLM.match`` reads it (before:
    "'PosixPath' object has no attribute 'projection'", badin35); anything else one line."""
    from trajlm.roads import RoadGraph
    from trajlm.roads.network import check_network, read_network_once

    if network is None or isinstance(network, RoadGraph):
        return network
    check_network(network)  # a path from here on
    return read_network_once(network)  # read once while the file is unchanged (leftover36)


def _check_ids(df: pl.DataFrame) -> None:
    """A point without a trajectory id belongs to no trajectory: refused in one line (it split
    its trajectory in two, each side judged alone, and was reported valid; errnames18)."""
    missing = df["traj_id"].is_null()
    if missing.any():
        row = int(df[ROW][int(missing.arg_max())]) if ROW in df.columns else None
        at = f" (first at row {row})" if row is not None else ""
        raise TrajlmInputError(
            f"missing value (null or NaN) in {int(missing.sum())} row(s){at}",
            path="validity input",
            field="traj_id",
            hint="give every point its trajectory's id, or drop those rows",
        )
