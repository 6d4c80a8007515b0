"""Table rows of the HTTP API's requests: the keys a row is read by (the Python API's names
for the columns: time, timestamp, latitude, lng, trip_id, ...) and rows whose position keys
were left out (missing positions). Split from formats.py in session 14."""

from __future__ import annotations

import json
import math
from contextvars import ContextVar
from typing import Any

from trajlm.data.column_names import TIERS, by_ending, candidates, one_trip
from trajlm.errors import TrajlmInputError
from trajlm.serve import names


def is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def decimal_text(v: str) -> float | None:
    """The finite number a position's text spells ("65.013684", " -8.61 "), else None: a PHP or
    spreadsheet export sends numbers as text, and the Python API reads such a column (serve39);
    "41,15", "NaN", "inf" and "" stay refused."""
    text = v.strip()
    if not text or any(c not in "0123456789.+-eE" for c in text):
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def bad_field(message: str, field: str, hint: str | None = None) -> TrajlmInputError:
    return TrajlmInputError(message, field=field, hint=hint)


def js(value: Any) -> str:
    """A request value as its JSON text, shortened, for a refusal (a JSON client reads
    ``null`` and ``"41.15"``, not Python's ``None`` and ``'41.15'``; httpuser20)."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 80 else text[:72] + " ..."


def _canonical_row(r: dict, where: str, known: dict | None = None) -> tuple[dict, dict[str, str]]:
    """A row whose keys are named as the Python API names columns (trajlm.data.column_names:
    time, timestamp, latitude, lng, trip_id, ...) -> ({traj_id, t, lat, lon, ...}, the keys
    read for them: {canonical: the row's key}). ``known`` memoises the names by the row's keys:
    a feed's rows share their keys, and matching them against the tiers row by row was 90 % of
    a 20,000-row request's time, outside the model's timeout (serve40: 28 s under a 10-s one)."""
    keys = tuple(k for k in r if isinstance(k, str))
    named = known.get(keys) if known is not None else None
    if named is None:
        named = _names_for(keys)
        if known is not None:
            known[keys] = named
    if isinstance(named, tuple):  # (what, key, hint): missing or ambiguous
        what, key, hint = named
        raise bad_field(what, f"{where}.{key}", hint)
    return r | {key: r[k] for key, k in named.items()}, named


def _names_for(keys: tuple[str, ...]) -> dict[str, str] | tuple[str, str, str]:
    """The row keys read for traj_id, t, lat and lon ({canonical: key}), or (what, canonical,
    hint) when one is missing or ambiguous."""
    read: dict[str, str] = {}
    for key, tiers in TIERS.items():
        if key in keys:
            continue
        found = [c for c in _found(key, list(keys)) if c not in TIERS]
        if len(found) != 1:  # the first names the API reads (a list of ~50 buried the advice)
            every = [n for tier in tiers for n in tier]
            names = ", ".join(every[:6]) + (", ..." if len(every) > 6 else "")
            what = f"ambiguous ({found})" if found else "missing"
            return what, key, f"name it {key} (or one of: {names})"
        read[key] = found[0]
    return read


def _found(key: str, keys: list[str]) -> list[str]:
    """The row keys that may be ``key``: the tiers, then (an id only) a name ending like one,
    `van_id`, `unit_id`, as the Python API and `trajlm data ingest` find it (column_names
    .find_columns; newuser24: `van_id` rows were read as one mover, the key ignored)."""
    found = candidates(TIERS[key], keys)
    return found or (one_trip(by_ending(key, keys)) if key == "traj_id" else [])


def _gap_keys(rows: list) -> tuple[str, ...]:
    """The request's position keys (``lat``/``lon`` or its names for them) when some rows have
    them: a row without either is a missing position (null), as JavaScript's JSON.stringify
    writes ``{lat: undefined}``. None when no row names them (the parse says how to name them)."""
    names = {k for r in rows if isinstance(r, dict) for k in r if isinstance(k, str)}
    keys = []
    for key in ("lat", "lon"):
        found = [key] if key in names else candidates(TIERS[key], sorted(names))
        if len(found) != 1:
            return ()
        keys.append(found[0])
    return tuple(keys)


def _names_position(r: dict) -> bool:
    keys = [k for k in r if isinstance(k, str)]
    return bool(candidates(TIERS["lat"], keys) or candidates(TIERS["lon"], keys))


def extras_json(extra: dict[str, Any]) -> str:
    """A row's own keys as JSON text for the answer; NaN / Infinity (which the request parser
    accepts) become null: the answer is strict JSON (they were a 500; fuzz14)."""

    def finite(v: Any) -> Any:
        if isinstance(v, float) and not math.isfinite(v):
            return None
        if isinstance(v, dict):
            return {k: finite(x) for k, x in v.items()}
        return [finite(x) for x in v] if isinstance(v, list) else v

    return json.dumps(finite(extra))


# ------------------------------------------------------------------ a table of rows

# keys of table rows read without a word: the four fields and what answers add (valid input again)
OUTPUT_KEYS = {"time", "step", "std_m", "recovered", "valid", "reason_code", "reason", "score"}
# the row keys the last parse of this request ignored (a context variable: one per request task)
IGNORED: ContextVar[tuple[str, ...]] = ContextVar("ignored_row_keys", default=())
# table rows dropped as copies of an earlier row (same trajectory and time, position within
# REPEAT_DEG): AIS feeds carry each report once per receiver (session 15, maritime item 6)
REPEATS: ContextVar[tuple[int, str]] = ContextVar("repeated_rows", default=(0, ""))
REPEAT_DEG = 1e-4  # ~11 m: two receivers' copies of one report differ by rounding only
# the row key this request's table rows name their trajectory by (traj_id, vehicle_id, mmsi,
# ...; None: not table rows, or rows that disagree): serve/pieces.py cuts a mover's rows
ID_KEY: ContextVar[str | None] = ContextVar("row_id_key", default=None)
NO_ID = "(no id)"  # ID_KEY and traj_id of rows that name no trajectory: one mover's fixes


def _one_mover(rows: list, field: str) -> bool:
    """Whether no row names its trajectory (no traj_id key nor a name the API reads for it):
    then the rows are one mover's fixes, cut at gaps, as the Python API reads a frame without
    an id column (session 22, pieces22). A text key with a few values, each on many rows
    (``plate``), is refused as the API refuses it: several movers read as one would zig-zag."""
    if not rows or not all(isinstance(r, dict) for r in rows):
        return False
    keys = {k for r in rows for k in r if isinstance(k, str)}
    if "traj_id" in keys or _found("traj_id", sorted(keys)):
        return False
    named = {c for tiers in TIERS.values() for c in candidates(tiers, sorted(keys))}
    fix = _fix_keys(keys)
    for key in sorted(keys - named - set(TIERS)):
        values = {r[key] for r in rows if isinstance(r.get(key), str)}
        if 2 <= len(values) <= max(2, len(rows) // 10) and not _observed(rows, key, fix):
            raise bad_field(
                f"no key names the trajectory, and {key!r} holds {len(values)} values "
                f"(e.g. {js(sorted(values)[:2])})",
                f"{field}[0].traj_id",
                "if it names trips or vehicles, send it as traj_id (or vehicle_id: cut at gaps)",
            )
    return True


def _fix_keys(keys: set[str]) -> list[str]:
    """The rows' keys of one fix: position (both needed) and time (when named); [] without a
    position."""
    out = []
    for key in ("lat", "lon", "t"):
        found = [key] if key in keys else candidates(TIERS[key], sorted(keys))
        if found:
            out.append(found[0])
        elif key != "t":
            return []
    return out


def _observed(rows: list[dict], key: str, fix: list[str]) -> bool:
    """Whether ``key`` names things observed at one fix (a WiGLE body's `SSID` / `MAC`: a row
    per network each fix saw), by the rule frames are read by (data/observed_columns; fix37c):
    such a key is never offered as the mover (leftover38: HTTP rows had their own rule)."""
    if not fix:
        return False
    import polars as pl

    from trajlm.data.observed_columns import seen_at_one_fix

    def text(v: Any) -> str | None:
        return None if v is None else str(v)

    names = [*fix, key]
    frame = pl.DataFrame(
        {c: [text(r.get(c)) for r in rows] for c in names}, schema=dict.fromkeys(names, pl.Utf8)
    )
    return seen_at_one_fix(frame, key, fix)


def ignored_line() -> list[str]:
    """The answer's line about row keys this request's parse did not read (none: [])."""
    n, first = REPEATS.get()
    out = [f"{n} table row(s) repeat an earlier row of their trajectory (same time, position "
           f"within {REPEAT_DEG:g} deg; e.g. {first}): dropped, the first copy kept "
           "(receivers' duplicates)"] if n else []  # fmt: skip
    keys = IGNORED.get()
    if not keys:
        return out
    return out + [f"table rows carry keys the server does not read, ignored: {', '.join(keys[:8])}"
            f"{' ...' if len(keys) > 8 else ''} (it reads traj_id, t, lat, lon, or the API's "
            "names for them)"]  # fmt: skip


def rows_into_tracks(rows: list, tracks: Any, field: str) -> None:
    """Rows {traj_id, t, lat, lon} -> tracks (formats._Tracks; rows of one trajectory need not
    be adjacent). Split from formats.py in session 16."""
    groups: dict[Any, tuple[list, list, list]] = {}
    seen: dict[tuple[str, Any], tuple[float, float]] = {}  # (traj_id, t) -> its first position
    repeats, first_repeat = 0, ""
    kinds: dict[str, int] = {}  # traj_id value type -> first row with it
    ignored: set[str] = set()
    gap = _gap_keys(rows)
    id_keys: set[str] = set()
    one = _one_mover(rows, field)
    known: dict[tuple[str, ...], Any] = {}  # the names read, by a row's keys (serve40)
    sources: dict[str, set[str]] = {k: set() for k in TIERS}  # "keys": "request" (names.py)
    text_times: set[bool] = set()
    for i, r in enumerate(rows):
        if not isinstance(r, dict):
            raise bad_field("a row must be an object {traj_id, t, lat, lon}", f"{field}[{i}]")
        if one:
            r = r | {"traj_id": NO_ID}
        if gap and not any(k in r for k in gap) and not _names_position(r):
            r = r | dict.fromkeys(gap)  # position keys left out: a missing position
        if not all(k in r for k in TIERS):  # the API's names too (time, latitude, lng, ...)
            r, named = _canonical_row(r, f"{field}[{i}]", known)
            read = set(named.values())
        else:
            read, named = set(), {}
        id_keys.add(named.get("traj_id", "traj_id"))
        for key in TIERS:
            sources[key].add(named.get(key, key))
        text_times.add(isinstance(r["t"], str))
        other = [k for k in r if k not in TIERS and k not in OUTPUT_KEYS | read]
        if not tracks.keep_extra:
            ignored |= {str(k) for k in other}
        for key in ("lat", "lon"):
            if isinstance(r[key], str) and (value := decimal_text(r[key])) is not None:
                r = r | {key: value}  # "65.013684": as the Python API reads a text column
            if not is_number(r[key]) and r[key] is not None:
                own = named.get(key, key)  # the request's own key (`latitude`), not ours
                raise bad_field(f"{js(r[key])} is not a number", f"{field}[{i}].{own}",
                                "send a JSON number or its decimal text (65.0137 or "
                                '"65.0137": a point, no comma)')  # fmt: skip
        if not isinstance(r["traj_id"], str | int) or isinstance(r["traj_id"], bool):
            raise bad_field(
                f"{js(r['traj_id'])} is not a string or integer", f"{field}[{i}].traj_id"
            )
        if not (is_number(r["t"]) or isinstance(r["t"], str)):
            raise bad_field(
                f"{js(r['t'])} is not a time (ISO 8601 or Unix seconds)", f"{field}[{i}].t"
            )
        kinds.setdefault(type(r["traj_id"]).__name__, i)
        if len(kinds) > 1:  # 1 and "1" would silently be one trajectory (the Python API refuses)
            raise bad_field(
                f"traj_id mixes value types ({', '.join(sorted(kinds))}; first "
                f"{field}[{min(kinds.values())}] and {field}[{i}])",
                f"{field}[{i}].traj_id",
                "give one type for every traj_id (all strings or all integers)",
            )
        pos = (
            math.nan if r["lat"] is None else r["lat"],
            math.nan if r["lon"] is None else r["lon"],
        )
        was = seen.setdefault((str(r["traj_id"]), r["t"]), pos)
        if (
            was is not pos
            and abs(was[0] - pos[0]) <= REPEAT_DEG
            and abs(was[1] - pos[1]) <= REPEAT_DEG
        ):
            repeats, first_repeat = repeats + 1, first_repeat or f"{field}[{i}]"
            continue  # a second receiver's copy of a report (a different position is refused)
        c, t, x = groups.setdefault(str(r["traj_id"]), ([], [], []))
        x.append(
            extras_json({str(k): r[k] for k in other}) if other and tracks.keep_extra else None
        )
        c.append([math.nan if r["lon"] is None else r["lon"],
                  math.nan if r["lat"] is None else r["lat"]])  # fmt: skip
        t.append(r["t"])
    IGNORED.set(tuple(sorted(ignored)))
    names.record(sources, text_times, no_id=one)
    REPEATS.set((repeats, first_repeat))
    ID_KEY.set(NO_ID if one else next(iter(id_keys)) if len(id_keys) == 1 else None)
    if not groups:
        raise bad_field(
            "empty table (no rows)", field, "give each trajectory's points (2+ for a velocity)"
        )
    tracks.sent = (len(rows), len(groups))
    for tid, (c, t, x) in groups.items():
        shown = tid if len(tid) <= 40 else tid[:24] + "..."  # a 300-char id was said twice
        tracks.add(tid, c, t, f"{field}[traj_id={shown!r}]", extra=x)
    tracks.int_ids = set(kinds) == {"int"}  # JSON integers: answered as integers (echo)
    tracks.rows = True  # table rows: a trajectory's points in any order (formats.in_time_order)


def with_reported_speed(df: Any) -> Any:
    """``df`` with a reported-speed key of the rows' extras (SOG, sog_kn, speed_mps, ...:
    motion_columns.SPEED_NAMES) as its own Float64 column, so POST /validity judges a step the
    report agrees with as check_validity does on a table (session 17; extras ride as JSON)."""
    import polars as pl

    from trajlm.data.column_names import normalised
    from trajlm.data.motion_columns import SPEED_NAMES
    from trajlm.serve.output import EXTRA

    if EXTRA not in df.columns:
        return df
    rows = [json.loads(x) if x else {} for x in df[EXTRA].to_list()]
    keys = {normalised(k): k for r in rows for k in r}
    name = next((n for n in SPEED_NAMES if n in keys), None)
    if name is None or keys[name] in df.columns:
        return df
    key = keys[name]
    values = [r.get(key) for r in rows]
    speed = pl.Series(key, [float(v) if isinstance(v, int | float) else None for v in values],
                      dtype=pl.Float64)  # fmt: skip
    return df.with_columns(speed)


ROW = "__row"  # a request row's index through check_validity (which keeps the other columns)
UNCHECKED = ("not checked: less than a second after the fix before it (trajlm reads whole "
             "seconds; the earliest fix of each second is checked)")  # fmt: skip


def with_unchecked(df: Any, checked: Any) -> tuple[Any, list[str]]:
    """(``/validity`` points for every request row, the answer's line about the others):
    ``check_validity`` keeps one fix per whole second (10 Hz drones: 1 of 10); the others
    come back with ``valid`` null and reason code ``not_checked`` (session 18: before, their
    times were floored and 90 % of a clean 10 Hz track was "same timestamp as the previous
    point")."""
    import polars as pl

    if checked.height == df.height:
        return checked.drop(ROW), []
    n = df.height - checked.height
    line = (f"{n} fix(es) less than a second after another of the same trajectory not checked "
            "(valid null, reason_code not_checked): trajlm reads whole seconds and checks the "
            "earliest fix of each second")  # fmt: skip
    cols = ["valid", "reason_code", "reason", "score"]
    got = checked.select(ROW, *[c for c in ("piece",) if c in checked.columns], *cols)
    out = df.with_row_index(ROW).join(got, on=ROW, how="left", maintain_order="left")
    missing = pl.col("reason_code").is_null()
    out = out.with_columns(
        reason_code=pl.when(missing).then(pl.lit("not_checked")).otherwise("reason_code"),
        reason=pl.when(missing).then(pl.lit(UNCHECKED)).otherwise("reason"),
    )
    return out.drop(ROW), [line]
