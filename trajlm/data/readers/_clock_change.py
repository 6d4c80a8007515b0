"""Local times around a clock change (split from _times.py, review29): a naive time read in a DST
zone (`--tz`) may fall in the repeated autumn hour (two instants) or the missing spring hour (none).
The readers add the bookkeeping columns `local_time_columns` makes, and `resolve_local` reads the
repeated hour in file order and names (or counts) a time that does not exist."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl

from trajlm.data.readers._times import T_MS, T_RAW

# Bookkeeping columns of times read in a DST zone (`tz`), dropped by `resolve_local`: the later
# reading of a time in a repeated (autumn) hour, and the wall clock (read as UTC, ms) of a time
# that does not exist in the zone (the spring-forward gap).
T_LATE, T_GAP = "_t_late", "_t_gap"
ZONE_OF_ROW = "_row_zone"  # the IANA zone a row was read in, with a zone per row (_row_zones.py)


def local_time_columns(read: Callable[[str, str], pl.Expr], tz: str) -> list[pl.Expr]:
    """[T_LATE, T_GAP] for a time in ms read by `read(zone, ambiguous)` (parse_time & co.)."""
    early = read(tz, "earliest")
    wall = read("UTC", "earliest")
    return [read(tz, "latest").alias(T_LATE),
            pl.when(early.is_null()).then(wall).alias(T_GAP)]  # fmt: skip


def dst_change(wall_ms: int, tz: str) -> str:
    """Words for the clock change around a nonexistent wall time: 'clocks went forward from
    01:00 to 02:00 on 2021-03-28 (WET, UTC+00:00 -> WEST, UTC+01:00)'."""
    zone = ZoneInfo(tz)
    wall = wall_ms // 1000
    at = lambda u: dt.datetime.fromtimestamp(u, zone)  # noqa: E731
    lo, hi = wall - 14 * 3600, wall + 14 * 3600  # the change lies between (offsets <= 14 h)
    if at(lo).utcoffset() == at(hi).utcoffset():
        return "a clock change of the zone"
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if at(mid).utcoffset() == at(lo).utcoffset() else (lo, mid)
    before, after = at(hi - 1), at(hi)
    off = lambda d: f"{d.tzname()}, UTC{d.strftime('%z')[:3]}:{d.strftime('%z')[3:]}"  # noqa: E731
    start = before + dt.timedelta(seconds=1)
    start = start.replace(tzinfo=None)
    end = start + (after.utcoffset() - before.utcoffset())
    return (f"clocks went forward from {start:%H:%M} to {end:%H:%M} on {start:%Y-%m-%d} "
            f"({off(before)} -> {off(after)})")  # fmt: skip


def resolve_local(df: pl.DataFrame, ctx: Any, tz: str | None, field: str) -> pl.DataFrame:
    """Times read in zone `tz` (frames with T_LATE / T_GAP; others pass as they are); `ctx` is
        the read's _common.Ctx (or any object with its report / on_error: coerce_tz's).

        A local time that does not exist (the spring-forward hour) is `nonexistent_local_time`: an
        error naming the zone and the clock change, or dropped and counted (skip). A time of the
        repeated autumn hour is read as the earlier instant unless, within its trajectory in file
        order, it follows a later time of the same run of repeated-hour times: from there on the run
        is the second pass, read as the later instant, so that times stay increasing. Counted as
        repaired `ambiguous_local_time_as_earlier` / `_as_later`. A pass through the hour split
    across reader chunks reads on as it started (ctx.dst_tail: each trajectory's last row)."""
    if T_GAP not in df.columns:
        return df
    gap = pl.col(T_GAP).is_not_null()
    if n_gap := int(df.select(gap.sum()).item()):
        first = df.filter(gap).sort("_file", "_line").row(0, named=True)
        wall = dt.datetime.fromtimestamp(first[T_GAP] // 1000, dt.UTC).replace(tzinfo=None)
        value = first.get(T_RAW) or f"{wall:%Y-%m-%d %H:%M:%S}"
        tz = first.get(ZONE_OF_ROW) or tz  # each row's own zone (_row_zones.py)
        err = ctx.error(f"local time {value!r} does not exist in {tz}: "
                        f"{dst_change(first[T_GAP], tz or 'UTC')} (nonexistent_local_time)",
                        first["_file"], first["_line"], field)  # fmt: skip
        if ctx.on_error == "raise":
            raise err
        if ctx.report.first_problem is None:
            ctx.report.first_problem = str(err).split("; use on_error=")[0]
        ctx.report.rows_in += n_gap
        ctx.report.drop("nonexistent_local_time", n_gap)
        df = df.filter(~gap)
    amb = (pl.col(T_LATE) != pl.col(T_MS)).fill_null(False)
    tail = getattr(ctx, "dst_tail", None)
    if df.select(amb.sum()).item() or tail is not None:
        keys = ["_file", "traj_id"] if "_file" in df.columns else ["traj_id"]
        if tail is not None:  # the previous chunk's last row of each trajectory
            df = df.join(tail, on=keys, how="left", maintain_order="left")
        else:
            df = df.with_columns(_p_amb=pl.lit(None, pl.Boolean), _p_ms=pl.lit(None, pl.Int64),
                                 _p_late=pl.lit(None, pl.Boolean))  # fmt: skip
        prev_amb = amb.shift(1).over("traj_id").fill_null(pl.col("_p_amb")).fill_null(False)
        prev_ms = pl.col(T_MS).shift(1).over("traj_id").fill_null(pl.col("_p_ms"))
        back = amb & prev_amb & (pl.col(T_MS) < prev_ms).fill_null(False)
        df = df.with_columns(_amb=amb, _back=back, _run=(~amb).cum_sum().over("traj_id"))
        go_on = (
            (pl.col("_run") == 0)
            & pl.col("_p_amb").fill_null(False)
            & pl.col("_p_late").fill_null(False)
        )
        later = (pl.col("_back").cast(pl.Int8).cum_max().over("traj_id", "_run") == 1) | go_on
        df = df.with_columns(_late=later)
        ctx.dst_tail = df.group_by(keys, maintain_order=True).agg(
            pl.col("_amb").last().alias("_p_amb"), pl.col(T_MS).last().alias("_p_ms"),
            pl.col("_late").last().alias("_p_late"),
        )  # fmt: skip
        later = pl.col("_late")
        n_late = int(df.select(later.sum()).item())
        ctx.report.repair("ambiguous_local_time_as_earlier", int(df["_amb"].sum()) - n_late)
        ctx.report.repair("ambiguous_local_time_as_later", n_late)
        ms = pl.when(later).then(pl.col(T_LATE)).otherwise(pl.col(T_MS))
        df = df.with_columns(ms.alias(T_MS)).with_columns((pl.col(T_MS) // 1000).alias("t"))
        df = df.drop("_amb", "_back", "_run", "_late", "_p_amb", "_p_ms", "_p_late")
    return df.drop(T_LATE, T_GAP, ZONE_OF_ROW, strict=False)
