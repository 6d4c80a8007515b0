"""A mover whose history ends in a stay is held there by ``TrajLM.predict`` (session 32,
newuser32); fixes the device itself marks as poor are left out of the history.

Why: a smartphone study's participant at home or at work reports a fix every 5 min, each 10-80 m
off indoors. Read as movement, that jitter is a velocity: trajlm-small (its coverage gate falling
back toward constant velocity at 300-s sampling) predicted such a phone to walk ~100 m away over
the next 25 min, 92.5 m mean error on 120 stay windows where holding the history's median was
30.9 m (scripts/newuser32/stays_predict.py). What a mobility researcher expects for "where is P07
now / in 10 minutes" is where P07 is staying. A stay is what ``trajlm data ingest
--split-at-stops`` cuts at (data/clean_split.py: within ``STOP_RADIUS_M`` for at least
``STOP_MIN_S``, each fix allowed its own stated accuracy): a history whose last fixes are such a
stay is answered at the stay's median position, ``std_m`` its fixes' own spread, ``engine``
"stay" where the answer names engines. A car at a red light or a bus at a stop is no stay (10
min), and a history of 20 fixes at 15 s (PROTOCOL's windows) spans under 10 min, so the published
evaluations never meet the rule. ``predict(hold_stays=False)`` gives the engine's own rollout.

A fix whose ``accuracy_m`` (a phone's ``accuracy`` / ``horizontalAccuracy``) says it is more than
200 m off (a cell-tower fix) is dropped from the history, as ingest and ``trajlm.clean`` drop it,
and counted in one warning: a 1.5-km cell-tower last fix was the rollout's origin.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import polars as pl

from trajlm.data.clean_accuracy import DEFAULT_MAX_ACCURACY_M, DropInaccurate
from trajlm.data.clean_split import STOP_MIN_S, STOP_RADIUS_M, stop_rows
from trajlm.errors import StayAheadWarning, StayWarning, TrajlmInputError, warn_at_caller

STD_FLOOR_M = 5.0  # a stay's spread is never taken below a good GPS fix's error
# radius / the stay's spread (its fixes' per-axis RMS about the median) that held 50 / 90 / 95 %
# of the next 5 fixes, and std_m = spread x STD_SCALE (a Gaussian sigma matched at 2 std_m, as
# every engine's): measured on seed 33 of newuser32's study, checked on 34 / 35 (stays32,
# scripts/stays32/stay_radii.py). The Gaussian's 1.18 / 2.15 / 2.45 held 58 / 85 / 89-90 %: the
# median's own error and the jitter's heavy tail (10-80 m fixes) beside a stay's spread.
STAY_RADIUS_FACTORS = {50: 1.01, 90: 2.54, 95: 3.15}
STD_SCALE = 1.14
STAY_MEASURED_S = 25 * 60  # those circles' truth: the next 5 fixes at 5 min (stays32)
OFF_SWITCH = "TrajLM.predict(hold_stays=False)"  # the way off, as the API's user writes it
M_PER_DEG = 111_320.0  # metres per degree of latitude (eval/recover_spread.py's)
# A mover whose median step speed inside the "stay" is at least this keeps moving inside the
# 100-m circle (newuser36: a footballer runs ~3 m/s for a whole half within 100 m of the centre
# spot and every player was held still); a staying device's jitter reads well under it
MOVING_INSIDE_MPS = 2.0
_RADIUS = re.compile(r"^r(\d+(?:\.\d+)?)_m$")


def drop_poor_fixes(df: pl.DataFrame, said: str = "predict") -> pl.DataFrame:
    """``df`` without the fixes whose stated accuracy is over 200 m or negative (none without such
    a column), their count said in one warning; every fix so left out: one line (badin33: a
    ValueError "no input points to predict from", an HTTP 500)."""
    out, report = DropInaccurate(DEFAULT_MAX_ACCURACY_M).apply(df)
    over, negative = (report.dropped.get(k, 0) for k in ("low_accuracy", "negative_accuracy"))
    parts = [f"{over:,} fix(es) whose accuracy column says over {DEFAULT_MAX_ACCURACY_M:.0f} m"
             ] if over else []  # fmt: skip
    if negative:  # a negative accuracy marks an invalid fix (iOS): left out, as ingest does
        parts.append(f"{negative:,} fix(es) with a negative accuracy (an invalid fix)")
    if parts and out.height == 0:
        raise TrajlmInputError(
            f"{said}: every fix was left out: {' and '.join(parts)} (cell-tower or invalid "
            "fixes, as `trajlm data ingest` and trajlm.clean drop them); nothing is left to "
            "answer from",
            field="accuracy",
            hint="drop or rename the accuracy column if its values are not metres of error",
        )
    if parts:
        warn_at_caller(
            f"{said}: {' and '.join(parts)} left out (cell-tower fixes, as "
            "`trajlm data ingest` and trajlm.clean drop them)"
        )
    return out


def _seconds(t: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """Times as Unix seconds: the server's shared pass holds ISO times as datetimes (fix33:
    its stays were held by the pass but never said, the stay rule read no minutes in them)."""
    return t.dt.epoch("us") / 1e6 if dtype.is_temporal() else t.cast(pl.Float64)


def stays_at_end(history: pl.DataFrame) -> pl.DataFrame:
    """One row per trajectory of ``history`` (traj_id, t, lat, lon[, accuracy]) whose last fixes
    are a stay: traj_id, lat, lon (the stay's median), spread_m (its fixes' RMS spread about
    the median, per axis, at least ``STD_FLOOR_M``)."""
    empty = pl.DataFrame(schema={"traj_id": history.schema.get("traj_id", pl.Utf8),
                                 "lat": pl.Float64, "lon": pl.Float64, "spread_m": pl.Float64})  # fmt: skip
    if history.height < 2:
        return empty
    if "t" in history.columns and history.schema["t"].is_temporal():
        history = history.with_columns(_seconds(pl.col("t"), history.schema["t"]))
    h = history.sort("traj_id", "t", maintain_order=True).unique(
        ["traj_id", "t"], keep="first", maintain_order=True
    )
    lo, hi = stop_rows(h, STOP_RADIUS_M, STOP_MIN_S, drift_mps=None)
    last = np.r_[(h["traj_id"][1:] != h["traj_id"][:-1]).to_numpy(), True]
    at_end = last[hi]
    rows = []
    lat, lon = h["lat"].to_numpy(), h["lon"].to_numpy()
    t = h["t"].cast(pl.Float64).to_numpy()
    for a, b in zip(lo[at_end], hi[at_end], strict=True):
        if _moving_inside(lat[a : b + 1], lon[a : b + 1], t[a : b + 1]):
            continue
        la, lo_ = float(np.median(lat[a : b + 1])), float(np.median(lon[a : b + 1]))
        dy = (lat[a : b + 1] - la) * M_PER_DEG
        dx = (lon[a : b + 1] - lo_) * M_PER_DEG * math.cos(math.radians(la))
        std = max(float(np.sqrt(np.mean(dx**2 + dy**2) / 2)), STD_FLOOR_M)
        rows.append((h["traj_id"][int(b)], la, lo_, std))
    if not rows:
        return empty
    return pl.DataFrame(rows, schema=empty.schema, orient="row")


def _moving_inside(lat: np.ndarray, lon: np.ndarray, t: np.ndarray) -> bool:
    """True when the median step speed over these fixes is MOVING_INSIDE_MPS or more."""
    if len(t) < 3:
        return False
    dy = np.diff(lat) * M_PER_DEG
    dx = np.diff(lon) * M_PER_DEG * math.cos(math.radians(float(np.median(lat))))
    dt = np.diff(t)
    ok = dt > 0
    if not ok.any():
        return False
    return float(np.median(np.hypot(dx, dy)[ok] / dt[ok])) >= MOVING_INSIDE_MPS


def held_at_stays(out: pl.DataFrame, history: pl.DataFrame) -> tuple[pl.DataFrame, list]:
    """``out`` (a canonical answer: traj_id, lat, lon[, std_m, r{level}_m, engine]) with every
    trajectory whose ``history`` ends in a stay answered at the stay (module doc), and the ids
    so held, without a word: ``hold_stays`` says them; the server says them per request."""
    stays = stays_at_end(history).with_columns(std_m=pl.col("spread_m") * STD_SCALE)
    if stays.height == 0 or out.height == 0:
        return out, []
    stays = stays.with_columns(pl.col("traj_id").cast(out.schema["traj_id"]))
    # only the stays answered are held and said (a history's mover without an answer row is not)
    stays = stays.filter(pl.col("traj_id").is_in(out["traj_id"].implode()))
    held = out["traj_id"].is_in(stays["traj_id"].implode())
    if not held.any():
        return out, []
    j = out.join(stays, on="traj_id", how="left", suffix="_stay", maintain_order="left")
    new = {
        c: pl.when(held).then(pl.col(f"{c}_stay")).otherwise(pl.col(c))
        for c in ("lat", "lon", "std_m")
        if c in out.columns
    }
    for c in out.columns:  # radii: the circles that held that share of stays' next fixes
        if m := _RADIUS.match(c):
            k = STAY_RADIUS_FACTORS[int(float(m.group(1)))]
            new[c] = pl.when(held).then(pl.col("spread_m") * k).otherwise(pl.col(c))
    if "engine" in out.columns:
        new["engine"] = pl.when(held).then(pl.lit("stay")).otherwise(pl.col("engine"))
    j = j.with_columns(**{c: e.cast(out.schema[c]) for c, e in new.items()})
    return j.select(out.columns), stays["traj_id"].to_list()


def stay_line(ids: list, said: Callable[[Any], str] = repr, off: str = OFF_SWITCH) -> str:
    """The one line saying that the trajectories ``ids`` were held at their stays; ``off``: the
    switch that gives the rollout on the caller's surface (the API's keyword, the CLI's option,
    the HTTP field)."""
    shown = "; ".join(str(said(i)) for i in ids[:3])
    shown += f" and {len(ids) - 3} more" if len(ids) > 3 else ""
    return (
        f"predict: {len(ids)} trajectory(ies) end in a stay ({shown}: within {STOP_RADIUS_M:.0f} m, "
        f"each fix allowed its stated accuracy, for {STOP_MIN_S / 60:.0f}+ min, as `trajlm data "
        "ingest --split-at-stops` finds stops): held at the stay's median position, std_m and "
        f"radii from its fixes' spread; {off} gives the rollout"
    )


def hold_stays(out: pl.DataFrame, history: pl.DataFrame, said: Callable[[Any], str] = repr,
               off: str = OFF_SWITCH) -> pl.DataFrame:  # fmt: skip
    """``out`` with every trajectory whose history ends in a stay held there
    (``held_at_stays``), said in one warning (``stay_line``; ``said``: how an id is written,
    api_checks.id_said). TrajLM.predict, SelectorTrajLM.predict and `trajlm predict`'s plain
    checkpoint path all answer through it."""
    out, ids = held_at_stays(out, history)
    for category, line in stay_lines(out, history, ids, said, off):
        warn_at_caller(line, category)
    return out


def stay_lines(
    out: pl.DataFrame,
    history: pl.DataFrame,
    ids: list,
    said: Callable[[Any], str] = repr,
    off: str = OFF_SWITCH,
) -> list[tuple[type[StayWarning], str]]:
    """What every surface says of the trajectories ``ids`` held in ``out``, each line with its
    warning class: the stay line (StayWarning), and where one is answered further ahead than a
    stay's circles were measured, that line too (StayAheadWarning; badin33: 2 h ahead answered
    with the 5.7-m circle, unsaid; fix33: said by TrajLM.predict only, not by the server's
    shared pass). The server tells the lines apart by their class (serve/stays.py)."""
    if not ids:
        return []
    lines: list[tuple[type[StayWarning], str]] = [(StayWarning, stay_line(ids, said, off))]
    if (ahead := _held_ahead_s(out, history, ids)) > STAY_MEASURED_S:
        ahead_line = (
            f"predict: a stay held {ahead / 3600:.1f} h after the last fix; its std_m and radii "
            f"were measured on the next {STAY_MEASURED_S / 60:.0f} min of movers still staying "
            "(stays32): further ahead the mover may have left, and they understate the error; "
            f"{off} gives the engine's own answer"
        )
        lines.append((StayAheadWarning, ahead_line))
    return lines


def _held_ahead_s(out: pl.DataFrame, history: pl.DataFrame, ids: list) -> float:
    """The furthest time ahead of its last fix at which a held trajectory is answered (s)."""
    if "t" not in out.columns or "t" not in history.columns:
        return 0.0
    out = out.with_columns(_seconds(pl.col("t"), out.schema["t"]))
    history = history.with_columns(_seconds(pl.col("t"), history.schema["t"]))
    last = history.group_by("traj_id").agg(pl.col("t").max().alias("_last"))
    last = last.with_columns(pl.col("traj_id").cast(out.schema["traj_id"]))
    held = out.filter(
        pl.col("traj_id").is_in(pl.Series(ids, dtype=out.schema["traj_id"]).implode())
    )
    ahead = held.join(last, on="traj_id").select((pl.col("t") - pl.col("_last")).max()).item()
    return float(ahead or 0.0)


__all__ = [
    "OFF_SWITCH",
    "STAY_RADIUS_FACTORS",
    "drop_poor_fixes",
    "held_at_stays",
    "hold_stays",
    "stay_line",
    "stay_lines",
    "stays_at_end",
]
