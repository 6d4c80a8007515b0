"""Sub-second times of a caller's frame (split from coerce.py, session 17): canonical ``t`` is
whole seconds, so the part below the second travels beside it (``FRAC``, float seconds; and
``FRAC_NS``, integer nanoseconds, for ns datetimes whose part below the microsecond a float
cannot hold at today's epochs) and is put back on results (coerce_out.exact_times)."""

from __future__ import annotations

import polars as pl

from trajlm.errors import warn_at_caller

FRAC = "__t_frac"  # coerce's own column while sub-second fixes are dropped
FRAC_NS = "__t_frac_ns"  # the same part in integer ns (ns datetimes below the microsecond)
T_NS = "__t_ns"  # a result's exact time in integer ns, beside its float ``t`` (coerce_out)


def sub_second_ns(s: pl.Series) -> pl.Series | None:
    """Int64 nanoseconds below the second of a ``Datetime("ns")`` series, or None for other
    types and when every value is a whole microsecond (then float seconds are exact enough:
    results stay as before)."""
    if not isinstance(s.dtype, pl.Datetime) or s.dtype.time_unit != "ns":
        return None
    ns = s.dt.epoch("ns")
    if not bool((ns % 1000 != 0).any()):
        return None
    return (ns - (ns // 1_000_000_000) * 1_000_000_000).fill_null(0).alias(FRAC_NS)


THINNED = "trajlm's time resolution is 1 s"  # the thinning line's words (cli_predict reads them)


def drop_sub_second_fixes(
    out: pl.DataFrame, exact: pl.Series, source: str
) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """Canonical t is whole seconds: of one trajectory's fixes that fall in one second but
    differ below it (1-10 Hz loggers, millisecond times; ``exact`` is the caller's time
    column), keep the earliest (in a trajectory's first / last second: the earliest with a
    position, where one has) and drop the others with one warning, as ingest does
    (``sub_second_fix``). Exact repeats stay for the duplicate-timestamp check. Returns the
    kept rows and the dropped ones (None when none): results that keep the caller's rows
    (recover) put those back (coerce_out.sub_second_rows_back)."""
    known = out["lat"].is_not_null() & out["lon"].is_not_null()
    key = pl.DataFrame({"traj_id": out["traj_id"], "t": out["t"], "exact": exact, "k": known})
    # the earliest fix; in a trajectory's first and last second, the earliest with a position
    # where one has (recover: a track that starts / ends with known fixes still does once
    # thinned, not "starts or ends with a missing position"; badin19). Every fix known
    # (predict) or a second inside the track (recover19's anchors): the earliest, as before
    key = key.with_columns(  # (a column first: a window inside another reads its group)
        end=(pl.col("t") == pl.col("t").min().over("traj_id"))
        | (pl.col("t") == pl.col("t").max().over("traj_id"))
    )
    first_known = pl.when(pl.col("k") & pl.col("end")).then("exact").min().over("traj_id", "t")
    first = pl.col("exact") == pl.coalesce(first_known, pl.col("exact").min().over("traj_id", "t"))
    later = (pl.col("t").is_not_null() & ~first).fill_null(False)
    drop = key.select(later).to_series()
    n = int(drop.sum())
    if n:
        warn_at_caller(
            f"{source}: {n} fix(es) less than a second after another of the same trajectory "
            f"dropped ({THINNED}; the earliest fix of each second is kept)"
        )
        return out.filter(~drop), out.filter(drop)
    return out, None
