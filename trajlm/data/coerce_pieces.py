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
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import numpy as np
import polars as pl

from trajlm.data.clean_split import DEFAULT_MAX_GAP_S, GAP_INTERVALS
from trajlm.data.column_names import TRAJ, find_columns, normalised
from trajlm.data.pieces_said import CUTS
from trajlm.data.pieces_said import joined_cut_lines as joined_cut_lines  # importable here too
from trajlm.data.pieces_said import retold as retold
from trajlm.data.pieces_said import retold_at_caller as retold_at_caller
from trajlm.data.pieces_said import said_again as said_again
from trajlm.data.schema import LINE, SOURCE_ID, TrajlmInputError
from trajlm.errors import warn_at_caller

PIECE = "piece"  # the result column naming a vehicle's piece (0, 1, ... in time order)
NO_ID = "__trajlm_one_mover"  # private id column of a frame without one
_OWN_SOURCE = "__trajlm_own_source"
# names read as trips (one trajectory each), as before session 21
TRIP_NAMES = frozenset(TRAJ[0] + TRAJ[1] + ("id", "track", "trip"))


def is_mover(column: str, given: bool) -> bool:
    """True when ``column`` names a vehicle / user / device / animal rather than a trip (not
    when the caller gave it with ``traj_col=``)."""
    return not given and (column == NO_ID or normalised(str(column)) not in TRIP_NAMES)


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


def is_row_key(df: pl.DataFrame, column: str) -> bool:
    """Whether a last-resort id column (`uuid`) holds a different value on every row: a row
    key, no trajectory (column_names.find_columns, as files are read)."""
    return df[column].n_unique() == len(df)


def past_row_key(df: pl.DataFrame, traj: str | None) -> str | None:
    """The id column a frame is read by: ``traj``, unless it differs on every row and a lower
    tier of id names has a column that repeats (Traccar's `id` beside `deviceid`), as files are
    read (readers/layouts.row_key_fallback). heldout30: a `tc_positions` frame was read by `id`,
    2,157 movers of one point each, with warnings only; leftover31: any length, not 100+ rows
    only (a lower id that repeats is a mover with several fixes, however short the frame)."""
    from trajlm.data.column_names import TRAJ, by_ending, candidates, one_trip, tier_of

    if traj is None or len(df) < 2 or not is_row_key(df, traj):
        return traj
    tier = tier_of(TRAJ, traj)
    others = [c for c in df.columns if isinstance(c, str) and c != traj]
    lower = candidates(TRAJ[tier + 1 :], others) if tier is not None else []
    if not lower:  # heldout38: TeslaMate's `id` beside `car_id` / `drive_id`, as files are read
        ended = one_trip(by_ending("traj_id", others))
        lower = ended if len(ended) == 1 else []
    return lower[0] if lower and not is_row_key(df, lower[0]) else traj


def no_id_frame(df: pl.DataFrame, split_gaps: Any) -> tuple[pl.DataFrame, str | None]:
    """(``df``, None) when it has an id column or the caller keeps the refusal of a frame
    without one (``split_gaps=False``); else (``df`` with a private id column, its name): one
    mover's fixes. A text column that looks like an id (2+ values, each on many rows) is named
    in a refusal instead: several movers read as one would zig-zag between them."""
    names = [c for c in df.columns if isinstance(c, str) and c != LINE]
    # an OData / JSON-LD annotation (SensorThings' `@iot.id`) on every row: the record's own
    # key, no mover (as the JSON reader skips it: _json_records._id_key; fix34b)
    ids = [c for c in names if not (c.startswith("@") and is_row_key(df, c))]
    if NO_ID in df.columns or find_columns("traj_id", ids, lambda c: is_row_key(df, c)):
        return df, None  # an id column by its name: files' rule (leftovers21)
    if split_gaps is False or split_gaps is None:  # the refusal, unless the id is a pair
        pair = _nested_pair(df, [c for c in names if id_like(df, c)])
        return _pair_column(df, *pair) if pair else (df, None)
    if PIECE in names:  # one mover's pieces as trajlm.clean / a result gave them back: the id
        return df, PIECE  # (heldout26: cut again, `recover` failed "column 'piece' is duplicate")
    found = [c for c in names if id_like(df, c)]
    found = [c for c in found if not _seen_at_one_fix(df, c)]  # WiGLE's `SSID` (fix37c)
    found.sort(key=lambda c: not _ID_NAME.search(c))  # `Unit #`, `Truck No.` first (heldout25)
    if found and (pair := _nested_pair(df, found)):
        return _pair_column(df, *pair)
    if found:
        c, n = found[0], df[found[0]].n_unique()
        also = f" (or {', '.join(map(repr, found[1:3]))})" if len(found) > 1 else ""
        raise TrajlmInputError(
            f"no column is named as the trajectory, and {c!r} holds {n} values "
            f"(e.g. {df[c].drop_nulls().unique(maintain_order=True).head(2).to_list()})",
            field="traj_col",
            hint=f"if it names trips or vehicles: traj_col={c!r}{also}",
        )
    return df.with_columns(pl.lit("0").alias(NO_ID)), NO_ID


def _seen_at_one_fix(df: pl.DataFrame, c: str) -> bool:
    """Whether ``c`` names things observed rather than the observer, by the frame's position
    and time columns (fix37c: a WiGLE log in pandas was refused offering the networks' `SSID`
    / `MAC` as the mover; data/observed_columns holds the rule HTTP rows share)."""
    from trajlm.data.observed_columns import seen_at_one_fix

    lat, lon = find_columns("lat", df.columns), find_columns("lon", df.columns)
    if not lat or not lon:
        return False
    times = find_columns("t", df.columns) + [
        k for k, d in df.schema.items() if isinstance(d, pl.Datetime)
    ]
    return seen_at_one_fix(df, c, list(dict.fromkeys([lat[0], lon[0], *times])))


def _pair_column(df: pl.DataFrame, p: str, c: str) -> tuple[pl.DataFrame, str]:
    """``df`` with the mover as the pair: column ``'p/c'`` of ids ``'1000/1'``, as a file with
    the same columns is read (readers/layouts.nested_id; fix34: a frame was told the pair, the
    file read as it), said in one line. `persid` 1, 2, 3 again in every `hhid`: neither alone
    is a mover (either would read several people as one)."""
    name = f"{p}/{c}"
    pair = pl.concat_str(pl.col(p).cast(pl.Utf8), pl.col(c).cast(pl.Utf8), separator="/")
    warn_at_caller(
        f"no column is named as the trajectory, and {c!r} numbers the movers again inside each "
        f"{p!r} (its values recur under other {p!r} values): the mover is the pair, read as "
        f"ids like {df.select(pair.first()).item()!r} in column {name!r} (as `trajlm data "
        f"ingest` reads a file with these columns); traj_col= names another"
    )
    return df.with_columns(pair.alias(name)), name


def _nested_pair(df: pl.DataFrame, found: list[str]) -> tuple[str, str] | None:
    """(parent, id) of two id-like columns where one numbers movers again inside the other,
    by the frame's only datetime column (readers/layouts.nested_parent, as files are read)."""
    from trajlm.data.readers.layouts import nested_parent

    dated = [c for c, d in df.schema.items() if isinstance(d, pl.Datetime)]
    if len(dated) != 1:
        return None
    for c in found:
        if (p := nested_parent(df, c, [q for q in found if q != c], dated[0])) is not None:
            return p, c
    return None


# a name that says "number of" / "id" at its end: `Unit #`, `Vehicle No.`, `Truck Nr`, `TagID`
_ID_NAME = re.compile(r"(#|\bno\.?|\bnr\.?|id)\s*$", re.IGNORECASE)


def id_like(df: pl.DataFrame, c: str) -> bool:
    """A column that may hold movers: text with 2+ values, each on many rows; or whole numbers
    so, under a name ending like an id (heldout25: a plough's numeric `Unit #` was passed over
    and its `Blade` DOWN / UP named instead)."""
    text = df[c].dtype in (pl.Utf8, pl.Categorical, pl.Enum)
    if not (text or (df[c].dtype.is_integer() and _ID_NAME.search(c))):
        return False
    if not 2 <= df[c].n_unique() <= max(2, len(df) // 10):
        return False
    return not (text and _is_parameters(df[c]))


# a list of two or more `name:value` pairs: a tracker's parameters (Wialon's `in1:0,,SATS:12`,
# Teltonika's `io239:1,io240:0`), no mover's name
_PARAMETERS = re.compile(r"^[^,]*\b[A-Za-z_]\w*[:=][^,]*,.*\b[A-Za-z_]\w*[:=]")


def _is_parameters(values: pl.Series) -> bool:
    """Whether every value of a text column is a list of `name:value` pairs (apipath32: a
    Wialon `.wln` read with pandas' header=None was refused offering its parameters' column
    '7', `in1:0,,SATS:12,gsm:4`, as the trajectory)."""
    text = values.cast(pl.Utf8).drop_nulls()
    return text.len() > 0 and bool(text.str.contains(_PARAMETERS.pattern).all())


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
