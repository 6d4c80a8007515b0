"""Trajectories as text, and back: what a language model reads.

Three encodings of one trajectory (``t`` Unix seconds, ``lat``/``lon`` degrees):

``fixed``    start time, then ``lat,lon,seconds since start`` per point, coordinates rounded to
             ``precision`` decimals (5: <= 0.56 m on each axis, <= 0.79 m). Reversible within that;
             times exact to the second (the resolution of all three encodings: parts of a second
             are dropped, rounded down, with one warning per call).
             ``2024-03-18T08:30:05Z | 41.15012,-8.61024,0 | 41.15020,-8.61000,15``
``delta``    the first point at 6 decimals, then ``+east,+north,+seconds`` per point in whole metres
             and seconds. The positions are rounded to the metre *before* differencing, so the
             rounding never accumulates: every decoded point is within 0.71 m (+ 0.06 m from the
             first point) of the original, however long the trip.
             ``2024-03-18T08:30:05Z 41.150120,-8.610240 | +21,+9,15 | +19,+12,15``
``semantic`` what a person would say: legs of constant compass direction (8 sectors) with length
             and mean speed, turns, stops. **Lossy**: decoding gives one point per leg end, with
             the direction snapped to the sector centre (up to 22.5 degrees off), the length to
             10 m and the speed to 1 km/h; use it for prompts, not storage.
             ``starts 41.15012,-8.61024 at 2024-03-18T08:30:05Z (Mon); heads north-east 420 m
             at 31 km/h; turns left; heads north 200 m at 25 km/h; stops 40 s; ends``

Times may be Unix seconds (integers or floats) or datetimes (any unit; tz-aware, or naive =
UTC), read as the rest of the API reads them (trajlm/data/times.py).
``to_text(df, encoding)`` encodes every trajectory of a table; ``from_text(text, encoding)``
decodes one; ``tokens_per_point`` counts what an encoding costs under a tokenizer.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import numpy as np
import polars as pl

from trajlm._arguments import COLUMN_KEYWORDS, check_keywords, with_gap_rule
from trajlm.data.coerce_pieces import pieces_back
from trajlm.data.features import LocalProjection
from trajlm.data.geometry import trajectory_offsets
from trajlm.data.times import time_column_seconds as _time_to_seconds
from trajlm.errors import TrajlmInputError, warn_at_caller

ENCODINGS = ("fixed", "delta", "semantic")
SECTORS = ("north", "north-east", "east", "south-east", "south", "south-west", "west", "north-west")
STOP_SPEED_MPS = 1.0  # a step slower than this is standing still (GPS jitter is ~0.5 m/s)
SEP = " | "
SUB_SECOND = ("times have parts of a second; the text keeps whole seconds (rounded down), so "
              "they do not come back exactly")  # fmt: skip


def _iso(t: int) -> str:
    return datetime.fromtimestamp(int(t), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _epoch(iso: str) -> int:
    return int(datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp())


def _seconds(t) -> np.ndarray:
    """Times as whole Unix seconds (Int64): integers as they are; floats and datetimes (any
    unit, tz-aware or naive = UTC) through the API's time reader, with one warning when they
    have parts of a second (the encodings' resolution is one second)."""
    s = t if isinstance(t, pl.Series) else pl.Series("t", np.asarray(t))
    if s.dtype.is_integer():
        return s.cast(pl.Int64).to_numpy()
    if isinstance(s.dtype, pl.Datetime):
        frac = (s.dt.nanosecond() != 0).any()
    else:
        frac = s.dtype.is_float() and (s != s.floor()).any()
    if frac:
        warn_at_caller(SUB_SECOND)
    return _time_to_seconds(pl.DataFrame({"t": s}), "t")[0].to_numpy()


def _check(encoding: str, precision: int = 5) -> None:
    if encoding not in ENCODINGS:
        raise TrajlmInputError(f"encoding must be one of {ENCODINGS}, got {encoding!r}")
    if isinstance(precision, bool) or not isinstance(precision, int | np.integer):
        raise TrajlmInputError(f"precision must be an int (decimals), got {precision!r}")
    if not 0 <= precision <= 9:
        raise TrajlmInputError(
            f"precision must be 0..9 decimals, got {precision}",
            hint="5 decimals are <= 0.56 m per axis; beyond 9 is float noise",
        )


def _refuse_missing(df: pl.DataFrame) -> None:
    """One line for the first missing (null / NaN) t, lat or lon: encoding it would write
    garbage (an int64 overflow in delta, 'nan' in fixed, an invented stop in semantic)."""
    for col in ("t", "lat", "lon"):
        s = df[col]
        bad = s.is_null() | (s.is_nan() if s.dtype.is_float() else False)
        if bad.any():
            row = int(bad.arg_max())
            raise TrajlmInputError(
                f"{col} is missing at row {row} of trajectory {df['traj_id'][row]!r} "
                f"({int(bad.sum())} row(s) in all)",
                field=col,
                hint="drop or recover those points first (TrajLM.recover fills gaps)",
            )


def _table(df: Any, cols: dict) -> tuple[pl.DataFrame, Any]:
    """(table, layout): a canonical Polars table (traj_id, t, lat, lon) as it is (layout
    None); any other frame the rest of the API takes (pandas, Polars with other names,
    GeoDataFrame, LazyFrame) through ``coerce`` (validated: missing or impossible values refused
    there), a vehicle's fixes cut into trips as TrajLM cuts them (session 22, pieces22)."""
    canonical = isinstance(df, pl.DataFrame) and {"traj_id", "t", "lat", "lon"} <= set(df.columns)
    if canonical and not cols:
        _refuse_missing(df)
        return df, None
    from trajlm.data.coerce import CARRIED, coerce

    table, layout = coerce(df, **with_gap_rule(cols))
    return table.drop(CARRIED, strict=False), layout


# ----------------------------------------------------------------------------- encode
def encode(
    t: np.ndarray, lat: np.ndarray, lon: np.ndarray, encoding: str = "fixed", precision: int = 5
) -> str:
    """One trajectory (points in time order) as text; see the module docstring."""
    _check(encoding, precision)
    t = _seconds(t)
    lat, lon = np.asarray(lat, dtype=np.float64), np.asarray(lon, dtype=np.float64)
    if len(t) == 0:
        raise TrajlmInputError("cannot encode an empty trajectory")
    if not (np.isfinite(lat).all() and np.isfinite(lon).all()):
        row = int(np.flatnonzero(~(np.isfinite(lat) & np.isfinite(lon)))[0])
        raise TrajlmInputError(
            f"a position is missing or not finite at point {row}",
            hint="drop or recover it first",
        )
    if encoding == "fixed":
        rel = t - t[0]
        pts = [
            f"{a:.{precision}f},{o:.{precision}f},{s}"
            for a, o, s in zip(lat, lon, rel, strict=True)
        ]
        return SEP.join([_iso(t[0]), *pts])
    if encoding == "delta":
        lat0, lon0 = round(float(lat[0]), 6), round(float(lon[0]), 6)
        x, y = LocalProjection(lat0, lon0).forward(lat, lon)
        qx, qy = np.rint(x).astype(np.int64), np.rint(y).astype(np.int64)
        dx, dy, dt = np.diff(qx), np.diff(qy), np.diff(t)
        steps = [f"{a:+d},{b:+d},{c:+d}" for a, b, c in zip(dx, dy, dt, strict=True)]
        return SEP.join([f"{_iso(t[0])} {lat0:.6f},{lon0:.6f}", *steps])
    return _semantic(t, lat, lon)


def _legs(t: np.ndarray, lat: np.ndarray, lon: np.ndarray):
    """Run-length legs of the steps: (kind, sector, metres, seconds) with kind 'stop'/'move'."""
    x, y = LocalProjection(float(lat[0]), float(lon[0])).forward(lat, lon)
    dx, dy, dt = np.diff(x), np.diff(y), np.diff(t).astype(np.float64)
    dist = np.hypot(dx, dy)
    moving = dist > STOP_SPEED_MPS * np.maximum(dt, 1.0)
    bearing = np.degrees(np.arctan2(dx, dy)) % 360.0  # clockwise from north
    code = np.where(moving, np.rint(bearing / 45.0).astype(np.int64) % 8, -1)  # -1 = stop
    if len(code) == 0:
        return []
    starts = np.flatnonzero(np.r_[True, code[1:] != code[:-1]])
    metres = np.add.reduceat(dist, starts)
    secs = np.add.reduceat(dt, starts)
    return [
        (int(code[s]), float(m), float(d)) for s, m, d in zip(starts, metres, secs, strict=True)
    ]


def _semantic(t: np.ndarray, lat: np.ndarray, lon: np.ndarray) -> str:
    day = datetime.fromtimestamp(int(t[0]), UTC).strftime("%a")
    parts = [f"starts {lat[0]:.5f},{lon[0]:.5f} at {_iso(t[0])} ({day})"]
    last_sector = None
    for sector, metres, secs in _legs(t, lat, lon):
        if sector < 0:
            parts.append(f"stops {int(secs)} s")
            continue
        if last_sector is not None and sector != last_sector:
            turn = (sector - last_sector) % 8
            parts.append(
                "turns around" if turn == 4 else "turns right" if turn < 4 else "turns left"
            )
        kmh = 3.6 * metres / max(secs, 1.0)
        parts.append(f"heads {SECTORS[sector]} {round(metres, -1):.0f} m at {kmh:.0f} km/h")
        last_sector = sector
    return "; ".join([*parts, "ends"])


def to_text(df: Any, encoding: str = "fixed", precision: int = 5, **cols: Any) -> pl.DataFrame:
    """Every trajectory of a table -> ``traj_id, n_points, text`` (a frame keyed by a vehicle /
    user / device is cut into trips as TrajLM cuts it: ``traj_id`` as given, then ``piece``;
    session 22). ``df``: a canonical table
    (sorted by traj_id, t; ``t`` Unix seconds or datetimes, module docstring) or any frame the
    rest of the API takes (``cols``: traj_col=, time_col=, lat_col=, lon_col=, crs= as in
    ``to_canonical``). A missing position or time is refused (one line), never encoded."""
    _check(encoding, precision)
    check_keywords("to_text", cols, COLUMN_KEYWORDS)
    df, layout = _table(df, cols)
    starts, lengths = trajectory_offsets(df)
    t = _seconds(df["t"])  # one warning for the table, not one per trajectory
    lat, lon = (df[c].to_numpy() for c in ("lat", "lon"))
    ids = df["traj_id"].gather(starts)
    texts = [
        encode(t[s : s + n], lat[s : s + n], lon[s : s + n], encoding, precision)
        for s, n in zip(starts, lengths, strict=True)
    ]
    out = pl.DataFrame({"traj_id": ids, "n_points": lengths.astype(np.int64), "text": texts})
    return out if layout is None else pieces_back(out, layout)  # traj_id as given, piece


# ----------------------------------------------------------------------------- decode
_NUM = r"[-+]?\d+(?:\.\d+)?"


def from_text(text: str, encoding: str = "fixed") -> pl.DataFrame:
    """Text from ``encode`` back to ``t, lat, lon`` (semantic: one row per leg end, lossy).
    A malformed text raises ``TrajlmInputError`` (a ``ValueError``) naming the part that did not parse."""
    _check(encoding)
    if encoding == "semantic":
        return _from_semantic(text)
    head, *rest = text.split(SEP)
    if encoding == "fixed":
        t0 = _epoch(head.strip())
        rows = [_floats(p, 3, i + 1) for i, p in enumerate(rest)]
        a = np.array(rows, dtype=np.float64).reshape(-1, 3)
        return _frame(t0 + a[:, 2].astype(np.int64), a[:, 0], a[:, 1])
    iso, origin = head.split(" ")
    lat0, lon0 = _floats(origin, 2, 0)
    steps = np.array([_floats(p, 3, i + 1) for i, p in enumerate(rest)]).reshape(-1, 3)
    cum = np.vstack([np.zeros((1, 3)), np.cumsum(steps, axis=0)])
    lat, lon = LocalProjection(lat0, lon0).inverse(cum[:, 0], cum[:, 1])
    lat[0], lon[0] = lat0, lon0  # exactly the written origin (the inverse rounds by 1e-15)
    return _frame(_epoch(iso) + cum[:, 2].astype(np.int64), lat, lon)


def _floats(part: str, n: int, index: int) -> list[float]:
    vals = part.strip().split(",")
    if len(vals) != n or not all(re.fullmatch(_NUM, v) for v in vals):
        raise TrajlmInputError(
            f"part {index} {part.strip()!r}: expected {n} comma-separated numbers"
        )
    return [float(v) for v in vals]


def _frame(t: np.ndarray, lat: np.ndarray, lon: np.ndarray) -> pl.DataFrame:
    return pl.DataFrame({"t": np.asarray(t, dtype=np.int64), "lat": lat, "lon": lon})


_START = re.compile(rf"starts ({_NUM}),({_NUM}) at (\S+Z)")
_HEADS = re.compile(rf"heads ([a-z-]+) ({_NUM}) m at ({_NUM}) km/h")
_STOPS = re.compile(r"stops (\d+) s")


def _from_semantic(text: str) -> pl.DataFrame:
    clauses = [c.strip() for c in text.split(";")]
    m = _START.fullmatch(clauses[0].split(" (")[0]) if clauses else None
    if m is None:
        raise TrajlmInputError(f"part 0 {clauses[0]!r}: expected 'starts LAT,LON at ISO-TIME'")
    lat0, lon0, t = float(m[1]), float(m[2]), _epoch(m[3])
    proj = LocalProjection(lat0, lon0)
    x = y = 0.0
    rows = [(t, 0.0, 0.0)]
    for i, clause in enumerate(clauses[1:], 1):
        if (h := _HEADS.fullmatch(clause)) is not None:
            if h[1] not in SECTORS:
                raise TrajlmInputError(f"part {i} {clause!r}: unknown direction {h[1]!r}")
            angle = np.radians(45.0 * SECTORS.index(h[1]))
            metres, kmh = float(h[2]), max(float(h[3]), 1.0)
            x, y = x + metres * np.sin(angle), y + metres * np.cos(angle)
            t += int(round(metres / (kmh / 3.6)))
            rows.append((t, x, y))
        elif (s := _STOPS.fullmatch(clause)) is not None:
            t += int(s[1])
            rows.append((t, x, y))
        elif clause not in ("turns left", "turns right", "turns around", "ends"):
            raise TrajlmInputError(f"part {i} {clause!r}: not a heads/stops/turns clause")
    a = np.array(rows, dtype=np.float64)
    lat, lon = proj.inverse(a[:, 1], a[:, 2])
    return _frame(a[:, 0].astype(np.int64), lat, lon)


# ----------------------------------------------------------------------------- cost
def tokens_per_point(df: pl.DataFrame, encoding: str, tokenizer, precision: int = 5) -> float:
    """Mean tokens per GPS point of ``df``'s trajectories in ``encoding`` under a Hugging Face
    tokenizer (special tokens not counted)."""
    texts = to_text(df, encoding, precision)
    ids = tokenizer(texts["text"].to_list(), add_special_tokens=False)["input_ids"]
    return sum(len(i) for i in ids) / max(int(texts["n_points"].sum()), 1)
