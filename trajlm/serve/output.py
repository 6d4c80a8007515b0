"""Answers: points rendered in the request's format, on the request's clock.

``render_points`` writes point rows as table rows, GeoJSON or MF-JSON (moved here from
formats.py in session 14). The clock: the request's own UTC offset (session 14).

Before session 14 every answer's ``time`` was UTC (``...Z``) whatever the request's times said,
so a dashboard sending ``2026-11-05T08:01:38+11:00`` got ``2026-11-04T21:01:48Z`` back (the
Python API answers in the caller's zone). Now, when every ISO time of a request's trajectories
carries one and the same UTC offset (``+11:00``, ``-05:00``), the answer's times carry it too:
the same instants, on the caller's clock. Since session 32 (fix32), a request whose times all
carry a zone but not one offset (two phones on -04:00 and +01:00, a daylight-saving change)
answers each trajectory on its own offset at the answer's time. ``Z``, naive ISO times, Unix
seconds and MF-JSON milliseconds answer in UTC, as before. ``t`` stays Unix seconds.
"""

from __future__ import annotations

import json
import math
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import numpy as np
import polars as pl

from trajlm.serve.echo import id_out, ids_out, t_out
from trajlm.serve.plane import answer_plane, plane_keys

TABLE, GEOJSON, MFJSON = "table", "geojson", "mfjson"
# a table row's other keys (JSON), carried through /recover and /validity to the answer's rows
EXTRA = "__extra"

# the offset (seconds east of UTC) of this request's times, or None: UTC (one per request task)
OFFSET: ContextVar[int | None] = ContextVar("answer_utc_offset", default=None)
# an ISO 8601 offset at the end of the string, after its clock: `+03:00`, `+0300` and `+03`,
# the hours alone (badin40 202: answered in Z; fix40b); a date's `-03` is no offset
_TAIL = r"\d:\d\d(?::\d\d(?:[.,]\d+)?)?\s?([+-])(\d{2})(?::?(\d{2}))?$"


def common_offset(strings: pl.Series) -> int | None:
    """The UTC offset in seconds every string ends with, if they all carry the same non-zero
    one; else None (UTC)."""
    parts = strings.str.strip_chars().str.extract_groups(_TAIL)
    if parts.struct.field("1").null_count() or len(strings) == 0:
        return None
    uniq = parts.unique()
    if len(uniq) != 1:
        return None
    sign, hh, mm = uniq.to_list()[0].values()
    secs = (int(hh) * 3600 + int(mm or 0) * 60) * (1 if sign == "+" else -1)
    return secs or None


def set_offset(strings: pl.Series | None, ids: Any = None, secs: np.ndarray | None = None) -> None:
    """Record the request's offset (None: numbers, or no common offset). With each time's
    trajectory ``ids`` and Unix ``secs``, times that all carry a zone but not one offset (P05
    on -04:00 and P07 on +01:00 in one request, or a daylight-saving change) record each
    trajectory's offsets (``times.text_style``): each answer row is written on its own
    trajectory's offset at its time, as the Python API writes them (fix32; they were UTC)."""
    off = None if strings is None else common_offset(strings)
    if off is None and strings is not None and ids is not None and secs is not None:
        from trajlm.data.time_text import text_style

        zoned = strings.str.strip_chars().str.contains(
            r"(Z|\d:\d\d[.,\d:]*\s?[+-]\d{2}(:?\d{2})?)$"
        )
        if len(strings) and zoned.all():
            style = text_style(strings, pl.Series(ids, dtype=pl.Utf8), pl.Series(secs))
            off = style if any(style["offsets"].values()) or "runs" in style else None
    OFFSET.set(off)


def answer_offsets(traj: pl.Series, t: list[float]) -> list[Any]:
    """Each answer row's UTC offset (s; None: UTC) on the request's clock: the request's one
    offset, or its trajectory's offset at the row's time where offsets differ (set_offset)."""
    off = OFFSET.get()
    if not isinstance(off, dict):
        return [off] * len(t)
    from trajlm.data.time_text import row_offsets

    secs = pl.Series(t, dtype=pl.Float64)
    return [o or None for o in row_offsets(secs, traj.cast(pl.Utf8), off).to_list()]


def iso(t: float, ms: bool = False, off: Any = "request") -> str | None:
    """Unix seconds as ISO 8601 on the request's clock (``Z`` for UTC), or on ``off`` (seconds
    east of UTC, None: UTC; ``answer_offsets``); ``ms``: with milliseconds (``t`` rounded to
    the millisecond), else the whole second ``t`` is in."""
    off = OFFSET.get() if off == "request" else off
    off = None if isinstance(off, dict) else off
    try:
        if t is None or not math.isfinite(t):
            return None
        tz = UTC if off is None else timezone(timedelta(seconds=off))
        whole, milli = divmod(round(t * 1000), 1000) if ms else (math.floor(t), 0)
        d = datetime.fromtimestamp(whole, tz) + timedelta(milliseconds=milli)
        text = d.isoformat(timespec="milliseconds" if ms else "seconds")
        return text.replace("+00:00", "Z") if off is None else text
    except (ValueError, OverflowError, OSError):  # beyond year 9999: no ISO form
        return None


def iso_on_clock(when: Any, traj_id: Any) -> str | None:
    """An answer's instant (datetime, or Unix seconds) as ISO 8601 with milliseconds on the
    request's clock for trajectory ``traj_id`` (its offset; ``Z`` where the request has none):
    /reach, /parked and /divert answered UTC while /predict answered the same request on its
    own offset (serve39: a Helsinki fleet read `last_fix` 3 h off its own `ts`)."""
    if when is None:
        return None
    if isinstance(when, datetime):
        when = (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()
    secs = float(when)
    off = answer_offsets(pl.Series([str(traj_id)]), [secs])[0]
    return iso(secs, ms=True, off=off)


def exact_seconds(t: pl.Series) -> np.ndarray:
    """A result's times as float Unix seconds, to the microsecond: datetimes (a model answers
    dated input with them), float seconds (sub-second input) or whole seconds."""
    if t.dtype.is_temporal():
        us = t.dt.epoch("us").to_numpy()
        return np.where(np.isnan(us.astype(np.float64)), np.nan, us / 1e6)
    return t.cast(pl.Float64).to_numpy()


def whole_and_ms(t: pl.Series) -> tuple[list[int | None], list[float], bool]:
    """(``t`` as whole Unix seconds, the exact seconds, whether any has a part below the
    second at millisecond precision): the answer's ``t`` and whether ``time`` needs ms."""
    exact = exact_seconds(t)
    with np.errstate(invalid="ignore"):
        milli = np.round(exact * 1000)
        sub = bool(np.nansum(milli % 1000 != 0)) if t.dtype != pl.Int64 else False
        whole = np.floor_divide(milli, 1000)
    ints = [None if not math.isfinite(w) else int(w) for w in whole.tolist()]
    return ints, exact.tolist(), sub


def floats(a: Any) -> list[float | None]:
    """A float array as a JSON list (NaN and inf become null: JSON has no NaN)."""
    a = np.asarray(a, dtype=np.float64)
    return [float(v) if math.isfinite(v) else None for v in a.tolist()]


def render_points(df: pl.DataFrame, fmt: str, extra: tuple[str, ...] = ()) -> Any:
    """Point rows (traj_id, t, lat, lon and `extra` columns) in the request's format: table rows,
    a GeoJSON FeatureCollection (a LineString per trajectory, per-vertex values as property
    lists) or MF-JSON (a MovingPoint per trajectory)."""
    whole, exact, ms = whole_and_ms(df["t"])
    whole = t_out(whole, exact)  # Unix seconds, or the request's unit (ms: echo)
    df = answer_plane(df)  # "crs": "local": x / y metres back (local37)
    if fmt == TABLE:
        ykey, xkey = plane_keys()
        cols = {c: df[c].to_list() for c in ("traj_id", *extra)}
        cols["traj_id"] = ids_out(cols["traj_id"])  # integers sent: integers back
        lat, lon = floats(df["lat"]), floats(df["lon"])
        fl = {c: floats(df[c]) for c in extra if df[c].dtype.is_float()}
        offs = answer_offsets(df["traj_id"], exact)
        rows = [{"traj_id": cols["traj_id"][i], "t": whole[i], "time": iso(exact[i], ms, offs[i]),
                 ykey: lat[i], xkey: lon[i],
                 **{c: (fl[c][i] if c in fl else cols[c][i]) for c in extra}}
                for i in range(len(df))]  # fmt: skip
        if EXTRA in df.columns:  # the caller's own keys, after the answer's (never over them)
            for row, x in zip(rows, df[EXTRA].to_list(), strict=True):
                row |= {k: v for k, v in json.loads(x).items() if k not in row} if x else {}
        return rows
    feats = []
    # `t` exact below the second since session 20 (floats there; whole values stay integers)
    kind = pl.Int64 if all(v is None or isinstance(v, int) for v in whole) else pl.Float64
    df = df.with_columns(__whole=pl.Series(whole, dtype=kind),
                         __exact=pl.Series(exact, dtype=pl.Float64))  # fmt: skip
    # a vehicle's pieces (session 21, httppieces21): one feature each, `piece` a property
    piece = "piece" in extra
    keys = ["traj_id", "piece"] if piece else ["traj_id"]
    for key, g in df.group_by(keys, maintain_order=True):
        coords = [list(p) for p in zip(floats(g["lon"]), floats(g["lat"]), strict=True)]
        at = g["__exact"].to_list()
        times = [iso(t, ms, o) for t, o in zip(at, answer_offsets(g["traj_id"], at), strict=True)]
        vals = {c: floats(g[c]) if g[c].dtype.is_float() else g[c].to_list() for c in extra
                if c != "piece"}  # fmt: skip
        props = {"traj_id": id_out(key[0]), **({"piece": key[1]} if piece else {}), **vals}
        tid = props["traj_id"] if not piece else str(key[1]) if key[0] is None else \
            f"{key[0]}_{key[1]}"  # as the API names pieces (one mover's: "0", "1", ...)  # fmt: skip
        if fmt == MFJSON:
            tg = {"type": "MovingPoint", "coordinates": coords, "datetimes": times,
                  "interpolation": "Linear"}  # fmt: skip
            feats.append({"type": "Feature", "id": tid, "temporalGeometry": tg,
                          "properties": props})  # fmt: skip
        else:
            kind = "LineString" if len(coords) >= 2 else "MultiPoint"
            props |= {"times": times, "t": g["__whole"].to_list()}
            feats.append({"type": "Feature", "id": tid, "geometry": {"type": kind,
                          "coordinates": coords}, "properties": props})  # fmt: skip
    return {"type": "FeatureCollection", "features": feats}
