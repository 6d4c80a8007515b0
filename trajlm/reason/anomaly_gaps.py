""" "Went dark": reporting gaps while under way, between the pieces of one trajectory.

Ingest's gap split (``--max-gap-s``, 30 min by default) cuts a track at a silence, so the
silence itself belongs to no trajectory and no per-trajectory score can see it: a ship that
switches its AIS off for an hour between two ordinary stretches scores as two ordinary
trajectories. The pieces share ``source_traj_id`` (the id before the split); this module
pairs each piece with the next one of the same source and reports the gap between them when
the mover was under way: moving at ``moving_mps`` or more just before it went silent, or over
the gap itself (it reappeared far from where it fell silent).

    gaps = dark_gaps(points)     # one row per gap: traj_id (the piece that went dark),
                                 # next_traj_id, gap_start_t, gap_end_t, gap_s, distance_m,
                                 # implied_speed_mps, speed_before_mps, lat, lon, explanation

Stores written before ``source_traj_id`` existed name their pieces ``{id}_{k}`` (the gap
splitter's ids): when every id has that form and the pieces of each prefix follow each other in
time in the order of k, the part before the last ``_`` is the source.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from trajlm.data.geometry import haversine
from trajlm.data.schema import SOURCE_ID

INNER_GAP_S = 1800.0  # a silence inside one trajectory this long is a gap (ingest's split)
MOVING_MPS = 1.0  # ~2 kn / 3.6 km/h: under way, not drifting at anchor or parked with jitter
KNOT_MPS = 1852.0 / 3600.0
GAP_COLUMNS = {"traj_id": pl.Utf8, "next_traj_id": pl.Utf8, "source_traj_id": pl.Utf8,
               "gap_start_t": pl.Int64, "gap_end_t": pl.Int64, "gap_s": pl.Float64,
               "distance_m": pl.Float64, "implied_speed_mps": pl.Float64,
               "speed_before_mps": pl.Float64, "lat": pl.Float64, "lon": pl.Float64,
               "explanation": pl.Utf8}  # fmt: skip


def source_ids(points: pl.DataFrame) -> pl.Series | None:
    """Each row's source id: column SOURCE_ID, else the ``{id}_{k}`` prefix when every id has
    that form (pieces of an older store); None when neither."""
    if SOURCE_ID in points.columns:
        return points[SOURCE_ID].cast(pl.Utf8)
    ids = points["traj_id"].cast(pl.Utf8)
    if not len(ids) or not ids.str.contains(r"^.+_\d+$").all():
        return None
    src = ids.str.replace(r"_\d+$", "")
    # gap-split pieces follow each other in time in the order of k; ids such as "bus_12" of
    # trajectories that overlap in time are not pieces of one track
    span = pl.DataFrame({"src": src, "k": ids.str.extract(r"_(\d+)$").cast(pl.Int64),
                         "t": points["t"]}).group_by("src", "k").agg(
        pl.col("t").min().alias("t0"), pl.col("t").max().alias("t1")).sort("src", "k")  # fmt: skip
    same = span["src"] == span["src"].shift(1)
    ordered = (span["t0"] > span["t1"].shift(1)) | ~same.fill_null(False)
    return src if ordered.fill_null(True).all() else None


def _speed(kmh_mps: float) -> str:
    return f"{3.6 * kmh_mps:.0f} km/h, {kmh_mps / KNOT_MPS:.1f} kn"


def _sentence(gap_s: float, dist: float, v_gap: float, v_before: float, when: str,
              nxt: str, own: str) -> str:  # fmt: skip
    from trajlm.reason.explain import distance_text, duration_text

    as_ = f" as {nxt!r}" if nxt != own else ""
    return (
        f"went dark {duration_text(gap_s)} from {when} while under way at {_speed(v_before)}: "
        f"reappeared {distance_text(dist)} away{as_}, {_speed(v_gap)} implied over the gap"
    )


def _inner_pairs(df: pl.DataFrame, min_gap_s: float) -> pl.DataFrame:
    """Silences of at least ``min_gap_s`` inside one trajectory (a CSV scored as it is, a store
    written with a longer --max-gap-s) as the (piece, next piece) pairs dark_gaps reads: the
    fix before the silence ends the piece (the point 3 steps before it: the speed before),
    the fix after it starts the next. ``df`` sorted by traj_id, t, with ``_src``."""
    ids, t = df["traj_id"].to_numpy(), df["t"].to_numpy()
    lat, lon = df["lat"].to_numpy(), df["lon"].to_numpy()
    rows = np.arange(len(df))
    new = np.r_[True, ids[1:] != ids[:-1]] if len(df) else np.zeros(0, bool)
    first = np.maximum.accumulate(np.where(new, rows, 0)) if len(df) else rows
    i = np.flatnonzero(~new & (np.diff(t, prepend=t[:1]) >= min_gap_s))
    a, b = i - 1, np.maximum(i - 4, first[i])
    return pl.DataFrame({
        "traj_id": ids[a], "_src": df["_src"].to_numpy()[a], "t1": t[a], "lat1": lat[a],
        "lon1": lon[a], "tb": t[b], "latb": lat[b], "lonb": lon[b], "next_traj_id": ids[i],
        "t_next": t[i], "lat_next": lat[i], "lon_next": lon[i],
    })  # fmt: skip


def dark_gaps(
    points: pl.DataFrame,
    moving_mps: float = MOVING_MPS,
    min_gap_s: float = 0.0,
    tz: str | None = None,
    inner_gap_s: float = INNER_GAP_S,
    local: bool = False,
) -> pl.DataFrame:
    """The reporting gaps between consecutive pieces of one source trajectory while under way
    (``moving_mps`` just before the gap, over its last 3 steps, or over the gap itself),
    at least ``min_gap_s`` long, and the silences of at least ``inner_gap_s`` inside one
    trajectory (session 18: a CSV is scored unsplit); columns GAP_COLUMNS, longest gap first. ``points``: canonical
    table (traj_id, t, lat, lon[, source_traj_id]); clock times in ``tz`` (UTC when None);
    ``local``: lat / lon are a `--crs local` plane's, the sentences say x / y metres (local37)."""
    from trajlm.reason.explain import when_where

    src = source_ids(points)
    if len(points) == 0:
        return pl.DataFrame(schema=GAP_COLUMNS)
    if src is None:  # no pieces to pair: each trajectory is its own source (silences inside)
        src = points["traj_id"].cast(pl.Utf8)
    df = points.select("traj_id", "t", "lat", "lon").with_columns(src.alias("_src"))
    df = df.with_columns(pl.col("traj_id").cast(pl.Utf8)).sort(["traj_id", "t"])
    # per piece: first / last point, and the point 3 steps before its last (speed before)
    per = df.group_by("traj_id", maintain_order=True).agg(
        pl.col("_src").first(),
        pl.col("t").first().alias("t0"), pl.col("lat").first().alias("lat0"),
        pl.col("lon").first().alias("lon0"),
        pl.col("t").last().alias("t1"), pl.col("lat").last().alias("lat1"),
        pl.col("lon").last().alias("lon1"),
        pl.col("t").tail(4).first().alias("tb"), pl.col("lat").tail(4).first().alias("latb"),
        pl.col("lon").tail(4).first().alias("lonb"),
    ).sort(["_src", "t0"])  # fmt: skip
    same = per["_src"] == per["_src"].shift(-1)
    nxt = per.shift(-1)
    pair = per.with_columns(
        next_traj_id=nxt["traj_id"], t_next=nxt["t0"], lat_next=nxt["lat0"], lon_next=nxt["lon0"]
    ).filter(same.fill_null(False))
    inner = _inner_pairs(df, inner_gap_s)
    pair = pl.concat([pair.select(inner.columns), inner.cast(pair.select(inner.columns).schema)])
    if len(pair) == 0:
        return pl.DataFrame(schema=GAP_COLUMNS)
    g = {c: pair[c].to_numpy() for c in pair.columns}
    gap_s = (g["t_next"] - g["t1"]).astype(np.float64)
    dist = haversine(g["lat1"], g["lon1"], g["lat_next"], g["lon_next"])
    v_gap = dist / np.maximum(gap_s, 1.0)
    d_before = haversine(g["latb"], g["lonb"], g["lat1"], g["lon1"])
    dt_before = (g["t1"] - g["tb"]).astype(np.float64)
    v_before = np.where(dt_before > 0, d_before / np.maximum(dt_before, 1.0), 0.0)
    keep = ((v_before >= moving_mps) | (v_gap >= moving_mps)) & (gap_s >= min_gap_s) & (gap_s > 0)
    rows = np.flatnonzero(keep)
    text = [
        _sentence(
            gap_s[i],
            dist[i],
            v_gap[i],
            v_before[i],
            when_where(tz, int(g["t1"][i]), float(g["lat1"][i]), float(g["lon1"][i]), local),
            str(g["next_traj_id"][i]),
            str(g["traj_id"][i]),
        )  # fmt: skip
        for i in rows
    ]
    out = pl.DataFrame(
        {
            "traj_id": g["traj_id"][rows], "next_traj_id": g["next_traj_id"][rows],
            "source_traj_id": g["_src"][rows], "gap_start_t": g["t1"][rows],
            "gap_end_t": g["t_next"][rows], "gap_s": gap_s[rows], "distance_m": dist[rows],
            "implied_speed_mps": v_gap[rows], "speed_before_mps": v_before[rows],
            "lat": g["lat1"][rows], "lon": g["lon1"][rows], "explanation": text,
        },
        schema=GAP_COLUMNS,
    )  # fmt: skip
    return out.sort("gap_s", "traj_id", descending=[True, False])  # ties: by id, every call


def with_dark_gaps(out: pl.DataFrame, points: pl.DataFrame, explain: bool, tz: str | None,
                   local: bool = False) -> pl.DataFrame:  # fmt: skip
    """``out`` plus ``dark_gap_s`` (the reporting gap while under way after the trajectory,
    before the next piece of the same source: anomaly_gaps.dark_gaps; null: none). With
    ``explain`` a trajectory the model does not flag that went dark is of kind "went_dark"
    with the gap's sentence; a flagged one keeps its kind and the sentence is added. ``local``:
    places said in x / y metres (a `--crs local` plane)."""
    gaps = dark_gaps(points, tz=tz, local=local).unique(
        "traj_id", keep="first", maintain_order=True
    )
    out = out.join(gaps.select("traj_id", dark_gap_s="gap_s", _dark="explanation"),
                   on="traj_id", how="left", maintain_order="left")  # fmt: skip
    if explain:
        dark = pl.col("_dark").is_not_null()
        quiet = dark & ~pl.col("is_anomaly")
        out = out.with_columns(
            kind=pl.when(quiet).then(pl.lit("went_dark")).otherwise(pl.col("kind")),
            explanation=pl.when(quiet).then(pl.col("_dark"))
            .when(dark).then(pl.concat_str(pl.col("explanation"), pl.lit("; then "),
                                           pl.col("_dark")))
            .otherwise(pl.col("explanation")),
        )  # fmt: skip
    return out.drop("_dark")
