"""Is each mover parked now? (session 34, dispatch34)

    now = trajlm.parked(live)                      # one row per mover, at its latest fix
    then = trajlm.parked(live, at="2026-12-07 09:30Z", stop_minutes=2, radius_m=50)

A dispatcher's "is van 12 parked now, since when, where?" (dispatch33 #9: the only way was
``places(stop_minutes=2)`` and reading whether a place's last departure was the van's last fix).

The rule (written before it was scored, docs/api.md "Session 34 (dispatch34)"): a mover is
*parked* at its last fix (at or before ``at``) when its fixes of the last ``stop_minutes`` or
more all fit a box whose diagonal is ``radius_m``, each fix allowed its own stated accuracy (as
``trajlm data ingest --split-at-stops`` and ``trajlm.places`` find stays: within 100 m there,
``radius_m`` here), and that still stretch holds at least two fixes. The still stretch is
followed back from the last fix as far as the box holds: its first fix is ``since``, its fixes'
median the position. Nothing here is a model: a van at a red light for a minute is not parked
(under ``stop_minutes``), a van that arrived 30 s ago is not parked yet either.

How sure: ``fixes`` (how many fixes say it, a sparse feed's two fixes 12 min apart say less
than a van's 40), ``max_gap_s`` (the longest silence inside the still stretch: it may have left
and come back), ``spread_m`` (its fixes' farthest from the centre), ``age_s`` and ``stale``
(the last fix is over ``stale_minutes`` before ``at``, or before the feed's newest fix: the
answer is as of a fix that old). Fixes over 200 m stated accuracy are left out, as ingest does.

As a detector of "stays put" the rule lost to the plain speed of the last two fixes (under
1 m/s) on recall on every feed scored (Athens buses and trucks 0.28 vs 0.71; the generator's
vans 0.44 vs 0.82, precision worse too): a negative result (docs/api.md "Session 34
(dispatch34)", scripts/dispatch34/parked_score.py). It says nothing for a stay's first
``stop_minutes`` by construction; on the one large real road feed it was the more precise
(0.45 vs 0.34: lights and queues read as stops by the speed). ``speed_mps`` is in every row
for "standing this moment".
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any

import numpy as np
import polars as pl

from trajlm.data.clean_accuracy import DEFAULT_MAX_ACCURACY_M, DropInaccurate
from trajlm.data.clean_split import fix_error_m
from trajlm.data.geometry import EARTH_RADIUS_M, haversine
from trajlm.data.places import by_mover, check_radius, check_stop_minutes
from trajlm.errors import TrajlmInputError, warn_at_caller

PARKED_MINUTES = 2.0  # a van's 2-8 min deliveries; a red light or a bus stop is shorter
PARKED_RADIUS_M = 50.0  # box diagonal: 4-15 m GPS noise, a van moving 2 m/s leaves it in 25 s
STALE_MINUTES = 5.0  # a feed reporting every 10-30 s: 10+ reports missed
PARKED_COLUMNS = ("parked", "since", "still_s", "lat", "lon", "spread_m", "fixes", "max_gap_s",
                  "speed_mps", "last_fix", "age_s", "stale")  # fmt: skip
MAX_UNIX_S = 95_617_584_000  # 5000-01-01: a larger number is milliseconds (or worse)


def at_seconds(at: Any, field: str = "at") -> float | None:
    """``at`` as Unix seconds: a number (Unix s), ISO text, a datetime / pandas Timestamp /
    numpy datetime64 (naive: UTC); None stays None; anything else one line naming ``field``."""
    if at is None:
        return None
    if isinstance(at, bool | np.bool_):
        raise TrajlmInputError(f"give a time, got {at!r}", field=field)
    if isinstance(at, Real):
        if not math.isfinite(at):
            raise TrajlmInputError(f"give a finite time, got {at!r}", field=field)
        if abs(at) > MAX_UNIX_S:  # milliseconds: year 58133 (its ISO line raised ValueError)
            raise TrajlmInputError(
                f"{at!r} is no Unix seconds (past the year 5000); milliseconds? give "
                f"{at / 1000:.0f}",
                field=field,
            )  # fmt: skip
        return float(at)
    import pandas as pd

    try:
        ts = pd.Timestamp(at)
    except (TypeError, ValueError):
        ts = None
    if ts is None or ts is pd.NaT:
        raise TrajlmInputError(
            f"{at!r} is not a time (give ISO text such as 2026-12-07T09:30:00Z, a "
            "datetime or Unix seconds)",
            field=field,
        )
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts
    return ts.value / 1e9


def _positive_minutes(value: Any, field: str) -> float:
    if isinstance(value, bool | np.bool_) or not isinstance(value, Real) or not value > 0 \
            or not math.isfinite(value):  # fmt: skip
        raise TrajlmInputError(f"{field} must be a positive number of minutes, got {value!r}",
                               field=field)  # fmt: skip
    return float(value) * 60.0


def _still_start(x: np.ndarray, y: np.ndarray, acc: np.ndarray, radius_m: float) -> int:
    """Index of the first fix of the still stretch ending at the last fix: the earliest k
    whose fixes k..end, each moved by at most its accuracy, fit a box of diagonal radius_m."""
    xs, ys, a = x[::-1], y[::-1], acc[::-1]
    xmin = np.minimum.accumulate(xs + a)  # the box's far sides as clean_split.stop_rows reads
    xmax = np.maximum.accumulate(xs - a)
    ymin = np.minimum.accumulate(ys + a)
    ymax = np.maximum.accumulate(ys - a)
    ext = np.hypot(np.maximum(xmax - xmin, 0.0), np.maximum(ymax - ymin, 0.0))
    out = np.flatnonzero(ext > radius_m)
    n = len(x)
    return 0 if len(out) == 0 else n - int(out[0])


def parked_table(table: pl.DataFrame, at_s: float | None, stop_s: float, radius_m: float,
                 stale_s: float) -> pl.DataFrame:  # fmt: skip
    """One row per mover of a canonical table (traj_id, t, lat, lon[, accuracy]) with a fix at
    or before ``at_s`` (None: every fix): traj_id and PARKED_COLUMNS (times as Unix s)."""
    h = DropInaccurate(DEFAULT_MAX_ACCURACY_M).apply(table)[0]
    h = h.filter(pl.col("lat").is_not_null() & pl.col("lon").is_not_null())
    if at_s is not None:
        h = h.filter(pl.col("t") <= at_s)
    h = h.sort("traj_id", "t").unique(["traj_id", "t"], keep="first", maintain_order=True)
    now = at_s if at_s is not None else (float(h["t"].max()) if h.height else 0.0)
    acc_all = np.broadcast_to(np.asarray(fix_error_m(h), dtype=np.float64), (h.height,))
    rows = []
    ids = h["traj_id"]
    bounds = np.flatnonzero(np.r_[True, (ids[1:] != ids[:-1]).to_numpy(), True]) if h.height \
        else np.zeros(1, np.int64)  # fmt: skip
    t_all, lat_all, lon_all = (h[c].to_numpy().astype(np.float64) for c in ("t", "lat", "lon"))
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        t, lat, lon, acc = t_all[a:b], lat_all[a:b], lon_all[a:b], acc_all[a:b]
        y = np.radians(lat - lat[-1]) * EARTH_RADIUS_M
        x = np.radians((lon - lon[-1] + 180.0) % 360.0 - 180.0) * EARTH_RADIUS_M
        x = x * math.cos(math.radians(lat[-1]))
        k = _still_start(x, y, acc, radius_m)
        still_s = float(t[-1] - t[k])
        parked = b - a - k >= 2 and still_s >= stop_s
        if parked:
            # the median of the longitudes around the last fix's: across 180 deg a plain median
            # of 179.9999 and -179.9999 was 0 (a position half the earth away)
            c_lat = float(np.median(lat[k:]))
            c_lon = float((lon[-1] + np.median((lon[k:] - lon[-1] + 180.0) % 360.0 - 180.0)
                           + 180.0) % 360.0 - 180.0)  # fmt: skip
            spread = float(haversine(lat[k:], lon[k:], c_lat, c_lon).max())
            gap = float(np.diff(t[k:]).max())
        else:
            c_lat, c_lon, spread = float(lat[-1]), float(lon[-1]), float("nan")
            gap = float(np.diff(t[k:]).max()) if b - a - k >= 2 else float("nan")
        age = max(now - float(t[-1]), 0.0)
        speed = float(haversine(lat[-2], lon[-2], lat[-1], lon[-1]) / (t[-1] - t[-2])) \
            if b - a >= 2 else float("nan")  # fmt: skip
        rows.append((ids[int(a)], parked, float(t[k]) if parked else None, still_s, c_lat,
                     c_lon, spread, int(b - a - k), gap, speed, float(t[-1]), age,
                     age > stale_s))  # fmt: skip
    schema = {"traj_id": h.schema["traj_id"], "parked": pl.Boolean, "since": pl.Float64,
              "still_s": pl.Float64, "lat": pl.Float64, "lon": pl.Float64,
              "spread_m": pl.Float64, "fixes": pl.Int64, "max_gap_s": pl.Float64,
              "speed_mps": pl.Float64, "last_fix": pl.Float64, "age_s": pl.Float64, "stale": pl.Boolean}  # fmt: skip
    return pl.DataFrame(rows, schema=schema, orient="row")


class BeforeEveryFix(TrajlmInputError):
    """``at`` earlier than every fix: the caller's time is at fault, not the data (`trajlm
    parked` says it as --at's). ``first``: the data's first fix, ISO 8601 (review35: the CLI
    cut it out of the message's text)."""

    def __init__(self, at: Any, first: str) -> None:
        super().__init__(f"trajlm.parked: no fix at or before at={at!r} (the data's first fix "
                         f"is {first})", field="at")  # fmt: skip
        self.first = first


def parked(df: Any, *, at: Any = None, stop_minutes: float = PARKED_MINUTES,
           radius_m: float = PARKED_RADIUS_M, stale_minutes: float = STALE_MINUTES,
           **columns: Any) -> Any:  # fmt: skip
    """Whether each mover is parked at its latest fix (module doc has the rule): one row per
    mover, in the caller's kind and names: its id column, ``parked``, ``since`` (the first fix
    of the still stretch; null when not parked), ``still_s`` (how long its last fixes have
    stayed within the box, parked or not), ``lat`` / ``lon`` (the parked position: the still
    fixes' median; else the last fix), ``spread_m`` (the still fixes' farthest from it),
    ``fixes`` (in the still stretch), ``max_gap_s`` (its longest silence), ``speed_mps`` (from
    its last two fixes: "standing this moment", before ``stop_minutes`` have passed), ``last_fix``,
    ``age_s`` (``at``, or the feed's newest fix, minus the last fix) and ``stale`` (age over
    ``stale_minutes``; said in one warning). Lower recall than the last two fixes' speed on
    every feed scored (module doc): read ``speed_mps`` beside it.

    ``at``: answer as of this time (fixes after it unread; ISO text, a datetime or Unix s).
    ``stop_minutes`` (default 2): how long it must have stood; ``radius_m`` (default 50): the
    box's diagonal. ``columns``: the column keywords ``trajlm.clean`` takes."""
    from trajlm._arguments import COLUMN_KEYWORDS, check_keywords
    from trajlm.data.coerce import coerce
    from trajlm.data.coerce_out import from_canonical
    from trajlm.data.local_plane import refuse_plane_layout

    check_keywords("trajlm.parked", columns, COLUMN_KEYWORDS)
    stop_s = check_stop_minutes(stop_minutes)
    radius = check_radius(radius_m)
    stale_s = _positive_minutes(stale_minutes, "stale_minutes")
    at_s = at_seconds(at)
    table, layout = coerce(df, validate=False, **{"split_gaps": False, **columns})
    refuse_plane_layout(table, layout)  # metres read as degrees: refused (local37)
    table, layout = by_mover(table, layout, columns, "trajlm.parked")
    out = parked_table(table, at_s, stop_s, radius, stale_s)
    if out.height == 0 and at_s is not None and table.height:
        raise BeforeEveryFix(at, _iso(float(table["t"].min())))
    if out.height == 0:
        raise TrajlmInputError(
            "trajlm.parked: no fix with a position to answer from" + _inaccurate_note(table),
            field="at" if at_s is not None else "data",
        )
    if at_s is not None and (n := table["traj_id"].n_unique() - out.height):
        warn_at_caller(f"trajlm.parked: {n:,} mover(s) have no fix at or before {_iso(at_s)}: "
                       "they get no row")  # fmt: skip
    if (stale := out.filter("stale")).height:
        warn_at_caller(stale_line(stale, stale_s, at_s))
    return from_canonical(out, layout=layout, times=("since", "last_fix"))


def stale_line(stale: pl.DataFrame, stale_s: float, at_s: float | None) -> str:
    """One line naming the movers whose last fix is older than ``stale_s``."""
    shown = ", ".join(f"{i!s} ({a / 60:.0f} min)" for i, a in stale.select("traj_id", "age_s")
                      .head(3).iter_rows())  # fmt: skip
    more = f" and {stale.height - 3} more" if stale.height > 3 else ""
    when = f"at {_iso(at_s)}" if at_s is not None else "the feed's newest fix"
    return (f"trajlm.parked: {stale.height:,} mover(s) last reported over {stale_s / 60:g} min "
            f"before {when} ({shown}{more}): their answer is as of that fix (stale)")  # fmt: skip


def _inaccurate_note(table: pl.DataFrame) -> str:
    """Why no fix was left where the accuracy filter took every one (the line said only
    "no fix with a position"; badin34b)."""
    if table.height == 0 or DropInaccurate(DEFAULT_MAX_ACCURACY_M).apply(table)[0].height:
        return ""
    return (f": every fix's stated accuracy is over {DEFAULT_MAX_ACCURACY_M:g} m (its accuracy "
            "column), and such fixes are not read")  # fmt: skip


def _iso(s: float) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(s, tz=dt.UTC).isoformat().replace("+00:00", "Z")


__all__ = ["PARKED_MINUTES", "PARKED_RADIUS_M", "STALE_MINUTES", "at_seconds", "parked",
           "parked_table"]  # fmt: skip
