"""Result times written back as the input wrote them (out of times.py, review35): how an ISO
text time column was written (``text_style``: separator, zone suffix, each trajectory's UTC
offset and where a daylight-saving change moves it, fix32) and Unix seconds as that text again
(``times_as_text``), so a result joins back on the input's own time column."""

from __future__ import annotations

import polars as pl

from trajlm.data.readers._java_dates import java_js_as_offsets

# an ISO time's zone suffix, right after its clock (`23-Sep-2026` ends in no offset: session 29)
# (`+03`, ISO 8601's hours alone: badin40 202, answered in Z, fix40b)
_ZONE = r"\d:\d\d(?::\d\d(?:[.,]\d+)?)?\s?(Z|[+-]\d{2}(?::?\d{2})?)$"


def text_style(s: pl.Series, traj: pl.Series, t: pl.Series) -> dict:
    """How ISO text times `s` were written, so results can be written the same way
    (``times_as_text``): the date/time separator, the zone suffix ("Z", "offset" +HH:MM or
    "none"), each trajectory's UTC offset (s) at its last point and, for a trajectory whose
    offset changes (daylight saving), where each offset starts ("runs": each row is written
    on the offset of its time, fix32)."""
    s = java_js_as_offsets(s.cast(pl.Utf8).str.strip_chars())
    first = s.drop_nulls().head(1).to_list()
    sep = " " if first and len(first[0]) > 10 and first[0][10] == " " else "T"
    suf = s.str.extract(_ZONE, 1)
    numeric = suf.is_not_null() & (suf != "Z")
    kind = "offset" if numeric.any() else ("Z" if suf.is_not_null().any() else "none")
    digits = suf.str.replace_all(":", "").str.slice(1)
    sign = pl.when(suf.str.starts_with("-")).then(-1).otherwise(1)
    off = pl.DataFrame({"traj": traj.cast(pl.Utf8), "t": t, "suf": suf, "d": digits}).select(
        "traj", "t", off=pl.when(pl.col("suf").is_null() | (pl.col("suf") == "Z")).then(0)
        .otherwise(sign * (pl.col("d").str.slice(0, 2).cast(pl.Int64, strict=False) * 3600
                           + pl.col("d").str.slice(2, 2).cast(pl.Int64, strict=False)
                           .fill_null(0) * 60))
        .fill_null(0))  # fmt: skip
    last = off.sort("t").group_by("traj").agg(pl.col("off").last())
    style = {"sep": sep, "zone": kind, "offsets": dict(zip(last["traj"], last["off"], strict=True))}
    if runs := _offset_runs(off):
        style["runs"] = runs
    return style


def _offset_runs(off: pl.DataFrame) -> dict | None:
    """Where a trajectory's offset changes (a phone across a daylight-saving change: -05:00,
    then -04:00): the first time of each offset run of such trajectories ({"traj", "t", "off"}
    lists), so each result row is written on the offset of its time (fix32: every row came back
    on the last fix's offset, and a join on the text column missed). None where none changes."""
    off = off.filter(pl.col("t").is_not_null()).sort("traj", "t")
    starts = off.filter(
        (pl.col("off") != pl.col("off").shift(1).over("traj")).fill_null(True)
    )  # the first row of each run
    changing = starts.group_by("traj").len().filter(pl.col("len") > 1)["traj"]
    if changing.is_empty():
        return None
    # is_in(Series) is deprecated in polars, a warning said to users (badin34)
    starts = starts.filter(pl.col("traj").is_in(changing.implode()))
    return {"traj": starts["traj"].to_list(), "t": starts["t"].cast(pl.Float64).to_list(),
            "off": starts["off"].to_list()}  # fmt: skip


def row_offsets(t: pl.Series, traj: pl.Series, style: dict) -> pl.Series:
    """Each row's UTC offset (s): its trajectory's offset at its time where the offset changed
    within the trajectory (the run it falls in; before the first fix, the first fix's), else
    the trajectory's one offset."""
    off = traj.cast(pl.Utf8).replace_strict(style["offsets"], default=0, return_dtype=pl.Int64)
    if not (runs := style.get("runs")):
        return off
    table = pl.DataFrame(runs, schema={"traj": pl.Utf8, "t": pl.Float64, "off": pl.Int64})
    table = table.sort("t")
    at = t.cast(pl.Float64).fill_null(float("-inf"))  # no time: the trajectory's first offset
    rows = pl.DataFrame({"traj": traj.cast(pl.Utf8), "t": at, "last": off})
    rows = rows.with_row_index("row").sort("t")  # join_asof wants t sorted (nulls first)
    got = (
        rows.join_asof(table, on="t", by="traj", strategy="backward", check_sortedness=False)
        .join_asof(
            table.rename({"off": "first"}),
            on="t",
            by="traj",
            strategy="forward",
            check_sortedness=False,
        )  # both sorted by t above
        .sort("row")
    )
    return got.select(pl.coalesce("off", "first", "last"))["off"]


def times_as_text(t: pl.Series, traj: pl.Series, style: dict) -> pl.Series:
    """Unix seconds `t` as ISO text written like the input (``text_style``): each row's
    local time at its trajectory's offset at that time, with the input's separator and zone suffix."""
    off = row_offsets(t, traj, style)
    frac = t.dtype.is_float() and bool((t.cast(pl.Float64) % 1 != 0).any())
    if frac:  # sub-second times (data/coerce.py keeps them): written to the millisecond
        local = pl.from_epoch(((t + off) * 1e6).round().cast(pl.Int64), time_unit="us")
    else:
        local = pl.from_epoch(t.cast(pl.Int64) + off, time_unit="s")
    text = local.dt.strftime(f"%Y-%m-%d{style['sep']}%H:%M:%S" + ("%.3f" if frac else ""))
    if style["zone"] == "Z":
        return text + "Z"
    if style["zone"] == "none":
        return text
    a = off.abs()
    hh = (a // 3600).cast(pl.Utf8).str.zfill(2)
    mm = (a % 3600 // 60).cast(pl.Utf8).str.zfill(2)
    sign = pl.Series(["-" if o < 0 else "+" for o in off.to_list()])
    return text + sign + hh + ":" + mm
