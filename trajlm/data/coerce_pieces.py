"""A frame keyed by a vehicle (or with no id at all) -> trajectories cut at time gaps, as
``trajlm data ingest`` cuts files (session 21, frames21).

Fleet, phone and collar tables arrive as days of fixes per vehicle / user / device, with
overnight gaps and parked hours. A column named as a *trip* (``traj_id``, ``trip_id``,
``track``, ... ``column_names.TRAJ``'s first three tiers) or given with ``traj_col=`` is read as
today: one trajectory per value. A column named as a *mover* (``vehicle_id``, ``user_id``,
``mmsi``, ``collar_id``, a name ending in ``_id``, ...) is cut where the fixes stop for longer
than the default preset's gap (``clean.PRESETS["default"]``: 30 min, or 3x a track's median
interval for sparser tracks: ``GapSplitter``, the rule ingest uses), and a frame with no id
column is one mover's fixes cut the same way. Results keep the caller's id column with the
caller's values and add ``piece`` (0, 1, ... in time order within each id), so they join back
on (id, piece); one warning per call names the column, the count of pieces and
``split_gaps=False``. Nothing changes for a mover whose fixes have no such gap.

Which column names the movers (and a frame without one): coerce_ids.py (split out by review38b,
its names re-exported here).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np
import polars as pl

from trajlm.data.clean_split import DEFAULT_MAX_GAP_S, GAP_INTERVALS
from trajlm.data.coerce_ids import (  # noqa: F401  (re-exported: imported from here before review38b)
    NO_ID,
    PIECE,
    TRIP_NAMES,
    id_like,
    is_mover,
    is_row_key,
    no_id_frame,
    past_row_key,
)
from trajlm.data.column_names import normalised
from trajlm.data.pieces_said import CUTS
from trajlm.data.pieces_said import joined_cut_lines as joined_cut_lines  # importable here too
from trajlm.data.pieces_said import retold as retold
from trajlm.data.pieces_said import retold_at_caller as retold_at_caller
from trajlm.data.pieces_said import said_again as said_again
from trajlm.data.schema import SOURCE_ID, TrajlmInputError
from trajlm.errors import warn_at_caller

_OWN_SOURCE = "__trajlm_own_source"


def gap_rule(split_gaps: Any) -> tuple[float, float | None]:
    """(max_gap_s, per_interval) of ``split_gaps``: True = ingest's default preset; a number of
    seconds = that gap alone (as ``trajlm data ingest --max-gap-s``); "auto" (the API's
    default) as True, for a column named as a mover only."""
    if split_gaps is True or split_gaps == "auto":  # = clean.PRESETS["default"]'s rule
        return float(DEFAULT_MAX_GAP_S), GAP_INTERVALS
    seconds = _seconds(split_gaps)
    if seconds is None or not seconds > 0:  # NaN fails here too (was: read as no cut)
        raise TrajlmInputError(
            f"split_gaps={split_gaps!r}: give True (cut every id's fixes at gaps as ingest "
            "does), False (one trajectory per id) or a gap in seconds > 0 (a number or a "
            "timedelta; inf: no cut)",
            field="split_gaps",
        )
    return seconds, None


def _seconds(value: Any) -> float | None:
    """``value`` as seconds: a Python / NumPy number (np.int64 was refused), a timedelta
    (``pd.Timedelta("20min")``, ``np.timedelta64``); None for anything else (bools too)."""
    if isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, timedelta):  # pd.Timedelta is one
        return value.total_seconds()
    if isinstance(value, np.timedelta64):
        return float(value / np.timedelta64(1, "s"))
    if isinstance(value, int | float | np.integer | np.floating):
        return float(value)
    return None


def cut_pieces(table: pl.DataFrame, layout: Any, split_gaps: Any, source: str) -> pl.DataFrame:
    """``table`` (canonical, sorted by traj_id, t) cut at ingest's gap rule; the layout learns
    the pieces (``layout.pieces``: traj_id, the caller's id as text, piece) so results carry
    the caller's id and ``piece``. Unchanged (and nothing said) when no mover has a gap."""
    from trajlm.data.clean_split import GapSplitter

    max_gap, per_interval = gap_rule(split_gaps)
    had_source = SOURCE_ID in table.columns  # the caller's own column rides along unchanged
    src = table.rename({SOURCE_ID: _OWN_SOURCE}) if had_source else table
    cut, report = GapSplitter(max_gap, per_interval).apply(src)
    n_cuts = report.repaired.get("gap_splits", 0)
    one_mover = layout.traj_col == NO_ID
    if n_cuts == 0 and not one_mover:
        return table
    pieces = (
        cut.select("traj_id", SOURCE_ID)
        .unique("traj_id", maintain_order=True)
        .with_columns(pl.col("traj_id").str.extract(r"_(\d+)$").cast(pl.Int64).alias(PIECE))
    )
    if one_mover:  # the results' id column is `piece` itself: 0, 1, ... (warnings say so too)
        layout.traj_col, layout.traj_dtype = PIECE, pl.Int64
        layout.pandas_ids = None
        cut = cut.with_columns(pl.col("traj_id").str.extract(r"_(\d+)$"))
        pieces = pieces.with_columns(pl.col(PIECE).cast(pl.Utf8).alias("traj_id"))
    layout.pieces = pieces
    _frac_to_pieces(layout, cut)
    n_ids = pieces[SOURCE_ID].n_unique()
    _say(layout, n_ids, len(pieces), n_cuts, max_gap, per_interval, source, split_gaps == "auto")
    out = cut.drop(SOURCE_ID)
    return out.rename({_OWN_SOURCE: SOURCE_ID}) if had_source else out


def _frac_to_pieces(layout: Any, cut: pl.DataFrame) -> None:
    """``layout.frac`` (sub-second parts by the caller's traj_id and t) keyed by the piece ids
    instead, so the answers of a cut frame keep their exact times (they came back floored to
    the second; httppieces21)."""
    frac = getattr(layout, "frac", None)
    if frac is None:
        return
    ids = cut.select(pl.col(SOURCE_ID).cast(pl.Utf8).alias("__own"), "t",
                     pl.col("traj_id").alias("__piece_id")).unique(["__own", "t"])  # fmt: skip
    own = frac.with_columns(pl.col("traj_id").cast(pl.Utf8).alias("__own"))
    joined = own.join(ids, on=["__own", "t"], how="left", maintain_order="left")
    layout.frac = joined.with_columns(
        pl.coalesce("__piece_id", pl.col("traj_id").cast(pl.Utf8)).alias("traj_id")
    ).drop("__own", "__piece_id")


def _say(layout: Any, n_ids: int, n_pieces: int, n_cuts: int, max_gap: float,
         per_interval: float | None, source: str, auto: bool) -> None:  # fmt: skip
    rule = f"gaps over {max_gap / 60:g} min"
    if per_interval:
        rule += f" (over {per_interval:g}x a track's median interval where that is longer)"
    if layout.traj_col == PIECE:
        head = "no column names the trajectory: the frame is read as one mover's fixes"
        tail = (
            f"results carry a {PIECE!r} column (0, 1, ... in time order). Several vehicles in "
            "one frame need their id column: traj_col=...; split_gaps=False refuses a frame "
            "without one"
        )
        what = "1 mover"
    else:
        col = layout.traj_col
        head = f"{col!r} is read as movers (vehicles, users, devices), not trips"
        tail = (
            f"results carry {col!r} as given and a {PIECE!r} column (0, 1, ... in time order "
            f"within each {col}): join on ({col!r}, {PIECE!r}). split_gaps=False reads each "
            f"{col} as one trajectory"
            + (f"; traj_col={col!r} too" if auto else "")
            + f". predict(latest=True): one answer per {col}, from its latest piece"
        )
        what = f"{n_ids} {col} value(s)"
    made = f"{n_pieces} trajectories ({n_cuts} cut(s))" if n_cuts else "1 trajectory (no cut)"
    warn_at_caller(f"{source}: {head}, cut at {rule}, {CUTS}{what} -> {made}; {tail}")


_RANK = "__trajlm_piece_rank"


def piece_rank(pieces: pl.DataFrame) -> pl.DataFrame:
    """(traj_id, rank) of ``layout.pieces``: each piece's place when the pieces are listed by
    the caller's id (as text) and, within one id, in time order: ``VAN-01_2`` before
    ``VAN-01_10``, which sort the other way as text (session 23, tidy23)."""
    return pieces.sort([SOURCE_ID, PIECE]).select(
        pl.col("traj_id"), pl.int_range(pl.len(), dtype=pl.Int64).alias(_RANK)
    )


def piece_order(ids: pl.Series, layout: Any) -> np.ndarray | None:
    """Positions that put ``ids`` (piece names in the text order of the canonical table's ids,
    as the task models' arrays come) in piece order (``piece_rank``): ``array[order]``. None
    when nothing was cut (the arrays stay in the ids' text order)."""
    pieces = getattr(layout, "pieces", None)
    if pieces is None:
        return None
    named = pl.DataFrame({"traj_id": ids.cast(pl.Utf8)})
    rank = named.join(piece_rank(pieces), on="traj_id", how="left", maintain_order="left")[_RANK]
    return np.argsort(rank.fill_null(len(pieces)).to_numpy(), kind="stable")


def in_piece_order(out: pl.DataFrame, pieces: pl.DataFrame) -> pl.DataFrame:
    """``out`` (keyed by piece names) with its rows in piece order (``piece_rank``) when they
    come in the text order of those names, as every answer by trajectory comes; a stable sort,
    so each piece's rows keep their order. A result in another order (highest score first)
    comes back unchanged."""
    if not out["traj_id"].cast(pl.Utf8).is_sorted():
        return out
    ranked = out.join(piece_rank(pieces), on="traj_id", how="left", maintain_order="left")
    return ranked.sort(_RANK, nulls_last=True, maintain_order=True).drop(_RANK)


def pieces_back(out: pl.DataFrame, layout: Any, ranked: bool = False) -> pl.DataFrame:
    """A result keyed by piece ids (``VAN-01_1``) with the caller's id back in ``traj_id`` and
    a ``piece`` column after it, its rows in piece order (``in_piece_order``: ``VAN-01_2``
    before ``VAN-01_10``) unless ``ranked`` (rows in an order of their own, such as highest
    score first); unchanged when nothing was cut."""
    pieces = getattr(layout, "pieces", None)
    if pieces is None or "traj_id" not in out.columns:
        return out
    out = out if ranked else in_piece_order(out, pieces)
    cols = out.columns
    name = PIECE if PIECE not in cols else f"{PIECE}_"
    pairs = pieces.rename({SOURCE_ID: "__source", PIECE: "__piece"})
    joined = out.join(pairs, on="traj_id", how="left", maintain_order="left")
    if layout.traj_col == PIECE:  # no id column: the piece number is the id
        return joined.with_columns(pl.col("__piece").cast(pl.Utf8).alias("traj_id")).select(cols)
    joined = joined.with_columns(pl.col("__source").alias("traj_id"), pl.col("__piece").alias(name))
    at = cols.index("traj_id") + 1
    return joined.select(cols[:at] + [name] + cols[at:])


def latest_pieces(df: pl.DataFrame, layout: Any) -> pl.DataFrame:
    """``df`` (canonical) with only each mover's latest piece (the highest ``piece`` of each
    caller id; ``predict(latest=True)``, `trajlm predict --latest`: "every vehicle, 10
    minutes ahead" is one answer per vehicle, from where it is now; session 27, newuser27).
    Nothing cut but a mover column beside the trip id (rides keyed by ``ride_id`` with a
    ``scooter_id``; newuser29: ``latest=True`` answered every ride): each mover's trip that
    ends last. Unchanged when neither (each trajectory is its own latest)."""
    pieces = getattr(layout, "pieces", None)
    if df.height == 0:
        return df
    if pieces is None:
        return latest_trips(df)
    last = pieces.filter(pl.col(PIECE) == pl.col(PIECE).max().over(SOURCE_ID))["traj_id"]
    return df.filter(pl.col("traj_id").is_in(last.implode()))


def mover_column(columns: list[str]) -> str | None:
    """The first column of ``columns`` named as a vehicle / user / device id (the names ingest
    keeps as the owner: readers/owner_columns.OWNER_NAMES), None without one."""
    from trajlm.data.readers.owner_columns import OWNER_NAMES

    by_name = {normalised(str(c)): c for c in reversed(columns) if c != "traj_id"}
    return next((by_name[n] for n in OWNER_NAMES if n in by_name), None)


def latest_trips(df: pl.DataFrame) -> pl.DataFrame:
    """``df`` (canonical, one trajectory per trip) with only the trip of each mover (its
    ``mover_column``; a trip without one: its source id, else itself) that ends last; unchanged
    without a mover column."""
    mover = mover_column(df.columns)
    if mover is None:
        return df
    # a trip without an owner is its own mover (newuser33: a store whose later days had none
    # answered one trip for all of them: the null owners were read as one vehicle)
    own = [pl.col(mover).cast(pl.Utf8)]
    own += [pl.col(SOURCE_ID).cast(pl.Utf8)] if SOURCE_ID in df.columns else []
    key = pl.coalesce(*own, pl.col("traj_id").cast(pl.Utf8)).alias("_mover")
    ends = df.group_by("traj_id").agg(key.first(), pl.col("t").max())
    # trips ending on the same second: the last by trip id, on every call (evalapi35: the
    # groups' order decided before, and it changed from call to call)
    last = ends.sort("t", "traj_id").group_by("_mover", maintain_order=True).last()["traj_id"]
    return df.filter(pl.col("traj_id").is_in(last.implode()))


def mover_owners(df: pl.DataFrame) -> pl.DataFrame | None:
    """(traj_id, the mover column) of a canonical table with a mover column beside its trip id
    (``mover_column``: a bus's ``VehicleRef`` beside its journey), None without one: the
    owner ``predict(latest=True)`` answers keep (fix31; newuser31 #12: a dashboard joined it
    back by hand)."""
    mover = mover_column(df.columns)
    if mover is None or df.height == 0:
        return None
    from trajlm.data.owner_mix import say_mixed_owners

    say_mixed_owners(df, mover)  # a journey naming two VehicleRefs: said (badfix32)
    return df.group_by("traj_id", maintain_order=True).agg(pl.col(mover).first())


def with_owners(out: pl.DataFrame, owners: pl.DataFrame | None) -> pl.DataFrame:
    """``out`` (canonical answer keyed by ``traj_id``) with ``owners``' mover column next to
    ``traj_id``; unchanged without owners or where ``out`` already holds that column."""
    if owners is None or owners.columns[1] in out.columns or "traj_id" not in out.columns:
        return out
    joined = out.join(owners, on="traj_id", how="left", maintain_order="left")
    at = out.columns.index("traj_id") + 1
    return joined.select([*out.columns[:at], owners.columns[1], *out.columns[at:]])
