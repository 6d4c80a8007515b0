"""A user's own frame for ``trajlm.ask``: its column names, and what reading it dropped.

Session 16 (set 14): ``trajlm.ask(question, frame)`` took only frames whose columns had the
common names (``trip_id``, ``timestamp``, ``latitude``); a frame with ``journey`` /
``heure_locale`` / ``lat_deg`` was "no traj_id column" with no way to say which is which, and
a ``mode`` or ``mmsi`` column was not read as the label / vehicle (``data ingest`` reads them).
``columns=`` names them as ``data ingest --traj-col / --time-col / --lat-col / --lon-col /
--label-col / --vehicle-col`` do; without it the label and vehicle columns are detected by
ingest's own names.
"""

from __future__ import annotations

from typing import Any

from trajlm.errors import TrajlmInputError

# columns= keys: the canonical name -> coerce's argument (None: renamed in the frame)
KEYS = {"traj_id": "traj_col", "t": "time_col", "lat": "lat_col", "lon": "lon_col",
        "label": None, "vehicle_id": None, "user_id": None}  # fmt: skip


def _names(frame: Any) -> list[str] | None:
    cols = getattr(frame, "columns", None)
    return [str(c) for c in cols] if cols is not None else None


def _rename(frame: Any, mapping: dict[str, str]) -> Any:
    if not mapping:
        return frame
    if type(frame).__module__.split(".")[0] == "polars":
        return frame.rename(mapping)
    return frame.rename(columns=mapping)


def _copy(frame: Any, copies: dict[str, str]) -> Any:
    if type(frame).__module__.split(".")[0] == "polars":
        import polars as pl

        return frame.with_columns(*(pl.col(a).alias(b) for a, b in copies.items()))
    return frame.assign(**{b: frame[a] for a, b in copies.items()})


def _vessel_names(frame: Any, col: str) -> Any:
    """The frame with ``label`` the names of the AIS ship type codes in ``col`` (80 -> "tanker"), as ingest keeps
    them (``data.kind_columns``)."""
    import polars as pl

    from trajlm.data.kind_columns import name_vessel_types

    polars = type(frame).__module__.split(".")[0] == "polars"
    raw = frame[col] if polars else pl.Series(col, list(frame[col]), strict=False)
    names = name_vessel_types(pl.DataFrame({"label": raw}))["label"]
    if polars:
        return frame.with_columns(names)
    return frame.assign(label=names.to_list())


def own_columns(frame: Any, columns: dict | None) -> tuple[Any, dict[str, str]]:
    """(the frame with its label / vehicle columns named as a plan reads them, coerce's column
    arguments). ``columns`` maps canonical names (KEYS) to the frame's own."""
    from trajlm.data.column_names import normalised
    from trajlm.data.ingest import LABEL_NAMES
    from trajlm.data.kind_columns import KIND_NAMES, is_vessel_type
    from trajlm.data.readers.detect import OWNER_NAMES, USER_NAMES

    have = _names(frame)
    kind = False
    given: dict[str, str] = {}
    rename: dict[str, str] = {}
    for key, col in (columns or {}).items():
        if key not in KEYS:
            raise TrajlmInputError(f"columns={{{key!r}: ...}}: not a column ask reads; give "
                                   f"{', '.join(KEYS)}", field=str(key))  # fmt: skip
        if have is not None and col not in have:
            raise TrajlmInputError(f"columns={{{key!r}: {col!r}}}: no such column; the frame "
                                   f"has {have}", field=str(col))  # fmt: skip
        if KEYS[key]:
            given[KEYS[key]] = col
        elif col != key:
            rename[col] = key
    # one column in two roles ("traj_id" and "vehicle_id": a collar's animal; session 20 it was "not a column"):
    # the role coerce reads keeps it, the renamed role gets a copy
    copies = {col: rename.pop(col) for col in list(rename) if col in given.values()}
    if copies and have is not None:
        frame, have = _copy(frame, copies), have + list(copies.values())
    if have is None:
        return frame, given
    used = set(given.values()) | set(rename)
    free = {normalised(c): c for c in reversed(have) if c not in used}
    if "label" not in have and "label" not in rename.values():
        if col := next((free[n] for n in LABEL_NAMES if n in free), None):
            rename[col] = "label"  # a "mode" / "activity" column: the label, as ingest reads it
        elif col := next((free[n] for n in KIND_NAMES if n in free), None):
            kind = True  # an AIS ship type, a Movebank species (labels22)
            if is_vessel_type(col):  # the codes' names as the label, the column kept
                frame = _vessel_names(frame, col)
            else:
                rename[col] = "label"
    if not {"vehicle_id", "user_id"} & (set(have) | set(rename.values())):
        if col := next((free[n] for n in OWNER_NAMES if n in free), None):
            rename[col] = "user_id" if normalised(col) in USER_NAMES else "vehicle_id"
            if "traj_col" not in given:  # the trips as ingest reads them, before the rename
                given.update(_trips_beside(have, col))
    if kind and not {"vehicle_id", "user_id"} & set(have):
        frame, owner = _kind_owner(frame, free, given.get("traj_col"), rename)
        if (
            owner is not None and "traj_col" not in given
        ):  # the MMSI is the trip id, as before; its copy the vehicle
            given["traj_col"] = owner
    return _rename(frame, rename), given


def _trips_beside(have: list[str], owner: str) -> dict[str, str]:
    """{"traj_col": the trip column} where the frame's names give one beside ``owner``.
    newuser31: a SIRI-VM frame's `VehicleRef` renamed `vehicle_id` matched the id names
    exactly, so it beat `DatedVehicleJourneyRef` (matched only without underscores): ask read
    each bus as one trip (a median trip of 347 min, not 37), where ingest reads journeys."""
    from trajlm.data.column_names import TRAJ, find_columns, normalised

    trip = find_columns("traj_id", [c for c in have if isinstance(c, str)])
    names = {n.replace("_", "") for n in (*TRAJ[0], *TRAJ[1])}  # trip names, never a row key
    if len(trip) != 1 or trip[0] == owner or normalised(trip[0]).replace("_", "") not in names:
        return {}
    return {"traj_col": trip[0]}


def _kind_owner(
    frame: Any, free: dict[str, str], traj_col: str | None, rename: dict[str, str]
) -> Any:
    """A frame of vessels or animals: its MMSI / animal id column copied as ``vehicle_id``, also when it is the trip
    id ("how many tankers", "how many red deer" count movers, as the store ingest writes does; labels22)."""
    from trajlm.data.column_names import normalised
    from trajlm.data.kind_columns import ANIMAL_IDS
    from trajlm.data.readers.detect import OWNER_NAMES

    names = (*OWNER_NAMES, *ANIMAL_IDS)
    col = next((c for c, role in rename.items() if role in ("vehicle_id", "user_id")), None)
    if (
        col is not None
    ):  # read as the trip id before (the only id column): kept so, copied as the vehicle
        rename.pop(col)
        return _copy(frame, {col: "vehicle_id"}), col
    col = next((free[n] for n in names if n in free), None)
    if col is None and traj_col is not None and normalised(traj_col) in names:
        col = traj_col
    return (frame, None) if col is None else (_copy(frame, {col: "vehicle_id"}), None)


def nonexistent_note(n: int, tz: str) -> str:
    """What reading a frame's naive times in ``tz`` dropped, in ingest's words."""
    return (f"{n:,} row{'s' * (n != 1)} dropped: nonexistent_local_time (local times that do "
            f"not exist in {tz}: the clocks went forward over them)")  # fmt: skip


def read_time_format(frame: Any, given: dict[str, str], time_format: str | None) -> Any:
    """The frame with its time column read by ``time_format`` (``data ingest --time-format``'s
    values: a strptime pattern such as '%d/%m/%Y %H:%M:%S', or iso / unix / unix_ms / unix_us /
    unix_ns) into datetimes (naive unless the pattern has %z; ``tz=`` then places them), so a
    frame of day-first text need not be parsed by hand (session 18). A value the format does not
    read is one line naming the column, the format and the value."""
    if time_format in (None, "iso"):  # ISO text is read as it is
        return frame
    if not isinstance(time_format, str):  # (badin18: a TypeError traceback before)
        raise TrajlmInputError(f"time_format must be text such as 'unix_ms' or '%d/%m/%Y "
                               f"%H:%M:%S', got {time_format!r}", field="time_format")  # fmt: skip
    import polars as pl

    from trajlm.data.column_names import TIME, candidates
    from trajlm.data.readers._times import parse_time

    have = _names(frame) or []
    col = given.get("time_col") or next(iter(candidates(TIME, have)), None)
    if col is None:
        raise TrajlmInputError("time_format= needs the time column: name it with columns={'t': "
                               f"...}} (the frame has {have})", field="time_format")  # fmt: skip
    polars = type(frame).__module__.split(".")[0] == "polars"
    raw = (frame[col] if polars else pl.from_pandas(frame[col])).cast(pl.Utf8)
    secs = pl.DataFrame({"s": raw}).select(parse_time("s", time_format).alias("s"))["s"]
    bad = raw.filter(secs.is_null() & raw.is_not_null())
    if len(bad):
        raise TrajlmInputError(f"time_format={time_format!r} does not read {bad[0]!r} "
                               f"({len(bad):,} value{'s' * (len(bad) != 1)} like it)", field=col)  # fmt: skip
    when = pl.from_epoch(secs, time_unit="s")
    if time_format.startswith("unix") or any(z in time_format for z in ("%z", "%#z", "%:z")):
        when = when.dt.replace_time_zone("UTC")
    if polars:
        return frame.with_columns(when.alias(col))
    return frame.assign(**{col: when.to_pandas().to_numpy() if when.dtype.time_zone is None
                           else when.to_pandas()})  # fmt: skip


def trips_words(col: str | None) -> str:
    """The sentence of the cut's warning (coerce_pieces.retold) for ``trajlm.ask``: the
    questions' trips are the pieces (session 22, pieces22)."""
    if col is None:
        return "the questions' trips are these pieces, named '0', '1', ... in time order."
    return (f"the questions' trips are these pieces, named '<{col}>_0', '<{col}>_1', ... in "
            f"time order; the {col} itself is the vehicle / user of questions per vehicle.")  # fmt: skip


def with_mover(points: Any, layout: Any) -> Any:
    """Canonical points of a frame whose mover's fixes were cut into trips (``layout.pieces``:
    ``VAN-01_0``, ...) with the mover kept as ``vehicle_id`` (``user_id`` for a user's name,
    as ingest's ``--vehicle-col`` keeps it), so questions per vehicle still read it; points
    unchanged otherwise."""
    import polars as pl

    from trajlm.data.coerce_pieces import PIECE
    from trajlm.data.column_names import normalised
    from trajlm.data.readers.detect import USER_NAMES
    from trajlm.data.schema import SOURCE_ID

    pieces = getattr(layout, "pieces", None)
    movers = {"vehicle_id", "user_id"}
    if pieces is None and str(layout.traj_col) in movers and not movers & set(points.columns):
        # a mover column with no gap to cut: each mover is one trip, and still the mover (set 23: "how many
        # participants are in the study" was "this data has no vehicle column")
        return points.with_columns(pl.col("traj_id").cast(pl.Utf8).alias(str(layout.traj_col)))
    if (
        pieces is None
        or layout.traj_col == PIECE
        or {"vehicle_id", "user_id"} & set(points.columns)
    ):
        return points
    name = "user_id" if normalised(str(layout.traj_col)) in USER_NAMES else "vehicle_id"
    owner = pieces.select("traj_id", pl.col(SOURCE_ID).cast(pl.Utf8).alias(name))
    return points.join(owner, on="traj_id", how="left", maintain_order="left")


def cut_at_label_changes(points: Any, layout: Any) -> tuple[Any, int]:
    """A frame keyed by its movers (``participant_id``, a vehicle's id; ``layout.pieces``: cut at gaps) whose
    label changes along a mover's fixes is cut where it changes: each run of one label is one trip, the mover
    kept (set 33: a phone app's rows, ``participant_id`` / ``activity`` walk, stay, bus, ..., posted to HTTP
    /ask were one trip a participant with its most common label: "how many km did P03 walk" was 0.0 km, "how
    many trips did P01 make" 1). A frame with a trip column keeps its trips (a trip's mode is its most common
    label). Returns the points and how many trips were added (0: unchanged)."""
    import polars as pl

    from trajlm.data.column_names import normalised
    from trajlm.data.readers.owner_columns import OWNER_NAMES

    movers = {"vehicle_id", "user_id"} & set(points.columns)
    keyed = (
        getattr(layout, "pieces", None) is not None
        or normalised(str(layout.traj_col)) in OWNER_NAMES
    )
    if "label" not in points.columns or not movers or not keyed:
        return points, 0
    label = pl.col("label").cast(pl.Utf8).fill_null("")
    change = (label != label.shift(1).over("traj_id")).fill_null(False)
    run = change.cast(pl.Int32).cum_sum().over("traj_id")
    cut = points.with_columns(run.alias("_run"))
    added = (
        int(cut.select(pl.struct("traj_id", "_run").n_unique()).item())
        - points["traj_id"].n_unique()
    )
    if added == 0:
        return points, 0
    name = pl.col("traj_id").cast(pl.Utf8) + "_" + pl.col("_run").cast(pl.Utf8)
    return cut.with_columns(name.alias("traj_id")).drop("_run"), added
