"""Which column of a frame names the movers: a trip name or a mover name (`is_mover`), a row
key passed over for a lower id that repeats (`past_row_key`), and a frame with no id column
read as one mover, by a nested (parent, id) pair, or refused naming the column that looks like
an id (`no_id_frame`, `id_like`).

Split from coerce_pieces.py by review38b (which re-exports every public name here); cutting the
movers' fixes at gaps and the pieces' order stay there."""

from __future__ import annotations

import re
from typing import Any

import polars as pl

from trajlm.data.column_names import TRAJ, find_columns, normalised
from trajlm.data.schema import LINE, TrajlmInputError
from trajlm.errors import warn_at_caller

PIECE = "piece"  # the result column naming a vehicle's piece (0, 1, ... in time order)
NO_ID = "__trajlm_one_mover"  # private id column of a frame without one


# names read as trips (one trajectory each), as before session 21
TRIP_NAMES = frozenset(TRAJ[0] + TRAJ[1] + ("id", "track", "trip"))


def is_mover(column: str, given: bool) -> bool:
    """True when ``column`` names a vehicle / user / device / animal rather than a trip (not
    when the caller gave it with ``traj_col=``)."""
    return not given and (column == NO_ID or normalised(str(column)) not in TRIP_NAMES)


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
    from trajlm.data.readers._json_fields import SEQUENCES, of_place

    if traj is None or len(df) < 2 or not is_row_key(df, traj):
        return traj
    tier = tier_of(TRAJ, traj)  # a place's id is no mover's (heldout40: Swarm's `venue.id`)
    others = [c for c in df.columns if isinstance(c, str) and c != traj and not of_place(c)]
    # heldout39: Mapillary's images by `pd.json_normalize`: past the image `id`, the capture
    # `sequence` (text), finer than the photographer's `creator.id`, as the JSON is read
    seq = [c for c in others if c.lower() in SEQUENCES and df.schema[c] == pl.Utf8
           and not is_row_key(df, c)]  # fmt: skip
    if seq:
        return seq[0]
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


def refuse_row_keys_on_one_track(out: pl.DataFrame, traj: str, cols: list[str]) -> None:
    """Refuse a frame read by an id found only by its `_id` ending (`req_id`) that differs on
    every row, when the rows are one time-ordered track (times rising row by row, consecutive
    fixes within 340 m/s of each other): each fix would be its own mover and no trajectory
    would be left (fix39, heldout39's leftover: a Particle frame became 486 one-point movers
    with warnings only; a `trajlm.clean` of such a frame kept 0 rows, unsaid). A frame of
    movers' last positions (scattered, or times not rising) is read as before."""
    import numpy as np

    from trajlm.data.column_names import by_ending, candidates

    n = len(out)
    if n < 3 or traj not in by_ending("traj_id", cols) or candidates(TRAJ, [traj]):
        return
    if out["traj_id"].n_unique() < n:
        return
    t = out["t"]
    t = t.dt.epoch("ms") / 1000 if t.dtype.is_temporal() else t.cast(pl.Float64, strict=False)
    dt = np.diff(t.to_numpy().astype(np.float64))
    if not (np.isfinite(dt).all() and (dt > 0).all()):
        return
    lat, lon = (np.radians(out[c].cast(pl.Float64).to_numpy()) for c in ("lat", "lon"))
    a = (np.sin(np.diff(lat) / 2) ** 2
         + np.cos(lat[:-1]) * np.cos(lat[1:]) * np.sin(np.diff(lon) / 2) ** 2)  # fmt: skip
    step_mps = 2 * 6_371_008.8 * np.arcsin(np.sqrt(np.clip(a, 0, 1))) / dt
    if not np.median(step_mps) < 340.0:  # clean_common.IMPOSSIBLE_SPEED_MPS: scattered movers
        return
    raise TrajlmInputError(
        f"{traj!r} differs on every row ({n:,} rows), yet the rows are one track in time order: "
        "read by it, each fix would be a mover of its own and no trajectory would be left",
        field="traj_col",
        hint=f"traj_col=NAME names the column of the mover (trajectory); without one, drop "
        f"{traj!r} (df.drop(columns=[{traj!r}])) to read the rows as one mover's fixes; "
        f"traj_col={traj!r} keeps a mover per row",
    )
