"""JSON API answers that are lists of position records (session 19), read by `mfjson` after the
layouts it knows by name (`_json_tracks.py`, `_json_services.py`):

  * Geotab `Get<LogRecord>`: [{"dateTime", "latitude", "longitude", "device": {"id"}}, ...];
  * Samsara `/fleet/vehicles/locations/history`: {"data": [{"id", "name", "locations": [{"time",
    "latitude", "longitude"}]}]}: the record lists inside objects with an id, one per vehicle;
  * FlightAware AeroAPI `/flights/{id}/track`: {"positions": [{"fa_flight_id", "timestamp",
    "latitude", "longitude"}]};
  * GTFS-realtime feeds saved as JSON (`MessageToJson`): {"entity": [{"vehicle": {"vehicle":
    {"id"}, "position": {"latitude", "longitude"}, "timestamp": "1772611200"}}]};
  * any list of objects whose (nested, dotted) keys name a latitude, a longitude and a time
    the way a CSV header would (`column_names`: one candidate each, else not read here).
    (Finding the record lists and their fields: _json_fields.py, split out by review38b.)

Each record's keys are flattened (`vehicle.position.latitude`) and matched with the CSV
column names. The trajectory is the record's id field (GTFS-rt: `vehicle.vehicle.id`), else
the id of the object holding the list (Samsara), else the file. Times are ISO-8601 text or
Unix numbers (also as text) whose unit is told by their size (`_epoch_size`). Returns tracks
as `_json_tracks.tracks` does: [(id or None, [[lon, lat], ...], [time, ...])], times as ISO
text or Unix milliseconds; None when no list of position records is found.
"""

from __future__ import annotations

import math
from typing import Any

from trajlm.data.column_names import (
    TIERS,
    by_ending,
    candidates,
)
from trajlm.data.readers._epoch_size import SCALES, WORDS, unit_by_size
from trajlm.data.readers._json_axes import record_axes
from trajlm.data.readers._json_fields import (  # noqa: F401  (MAX_DEPTH, pair_order: read here before)
    MAX_DEPTH,
    SAMPLE,
    flat_record,
    pair_order,
    record_fields,
    record_lists,
)
from trajlm.data.readers._json_point_text import geohash_note, mixed_point_kinds
from trajlm.data.readers._scaled_degrees import named_scale
from trajlm.errors import TrajlmInputError

Track = tuple[str | None, list[list[float]], list[Any]]


def _number(v: Any) -> float | None:
    """A Unix time given as a number or numeric text, else None (ISO text, objects)."""
    if isinstance(v, bool) or not isinstance(v, int | float | str):
        return None
    try:
        return float(v)
    except (ValueError, OverflowError):
        return None


def _times(values: list, key: str) -> list:
    """ISO text as it is; Unix numbers (or numeric text) as milliseconds, their unit told by
    the size of them all (NaN / infinite: missing). Numbers in two units (seconds and
    milliseconds in one list) are one line naming both; numbers that are a date in no unit
    (negative, elapsed counters) are read as seconds, so the time checks name their own value
    (badin19: seconds beside one ms value, a NaN or ISO text were read as ms, "before 1990,
    value 1772611")."""
    nums = {i: x for i, v in enumerate(values) if (x := _number(v)) is not None}
    if not nums:
        return values
    finite = {i: x for i, x in nums.items() if math.isfinite(x)}
    unit = unit_by_size(finite.values())
    if unit is None:
        each = {i: u for i, x in finite.items() if (u := unit_by_size([x])) is not None}
        if len(set(each.values())) > 1:
            (i, a), (j, b) = (
                next(iter(each.items())),
                next((j, u) for j, u in each.items() if u != next(iter(each.values()))),
            )
            raise TrajlmInputError(
                f"Unix times in two units: record {i}'s {values[i]!r} is a date in "
                f"{WORDS[a]}, record {j}'s {values[j]!r} in {WORDS[b]}",
                field=key,
                hint="write every time in one unit (or as ISO 8601 text)",
            )
        unit = next(iter(each.values()), "unix")
    per = SCALES[unit] / 1000
    out = list(values)
    for i, x in nums.items():
        out[i] = _ms(x / per) if math.isfinite(x) else None
    return out


def _ms(v: float) -> float:
    """Milliseconds from a division: a float epoch in seconds (1767261600.6) came out
    ...599.9998 and was floored to 599 ms (subsec39); within 1e-3 ms of a whole ms: that ms."""
    r = round(v)
    return float(r) if abs(v - r) < 1e-3 else v


def _coordinate(v: Any) -> Any:
    """A coordinate as a number: numeric text ("38.72", as some APIs quote them) read."""
    if isinstance(v, str):
        try:
            return float(v)
        except ValueError:
            return v
    return v


def radians(key: str) -> bool:
    """A coordinate key in radians: a Suunto SML sample (`Attributes.suunto/sml.Sample.Latitude`
    in the Suunto app's JSON export, as in `.sml` files) or a name ending in `_rad` / `radians`
    (session 20: were stored as degrees, 1.07 N instead of 61.5 N, without a word)."""
    low = key.lower()
    return "suunto/sml" in low or low.endswith(("_rad", "radians"))


def _degrees(coords: list[list[Any]], fields: dict[str, str]) -> list[list[Any]]:
    """[lon, lat] pairs in radians as degrees; a value beyond pi / 2 (latitude) or pi is one
    line (degrees written under a radians key)."""
    out = []
    for pair in coords:
        if not all(isinstance(v, int | float) and math.isfinite(v) for v in pair):
            out.append(pair)  # missing: left to the reader's checks
            continue
        for v, limit, key in (
            (pair[1], math.pi / 2, fields["lat"]),
            (pair[0], math.pi, fields["lon"]),
        ):
            if abs(v) > limit + 1e-9:
                raise TrajlmInputError(
                    f"{v!r} is not in radians (|value| <= {limit:.4f}); the key says radians "
                    "(Suunto's SML samples): degrees written under it?",
                    field=key,
                )
        out.append([math.degrees(pair[0]), math.degrees(pair[1])])
    return out


def record_tracks(doc: Any) -> list[Track] | None:
    """The trajectories of a JSON document holding lists of position records, or None."""
    found = []
    for records, owner in record_lists(doc):
        fields = record_fields(records)
        if fields is not None:
            if (key := mixed_point_kinds(records)) is not None:
                raise TrajlmInputError(
                    f"'{key}' holds [a, b] lists in some records and text in others: a list "
                    "reads as [lon, lat] (GeoJSON's order), text as \"lat,lon\", so which "
                    "number is the latitude differs between them; write every position one way",
                    field=key)  # fmt: skip
            found.append((records, owner, fields))
            geohash_note(records, fields["lat"])
    if not found:
        return None
    out: list[Track] = []
    owner_ids = len(found) > 1 or found[0][1] is not doc
    used: set[str] = set()
    for n, (records, owner, fields) in enumerate(found, 1):
        flat = [flat_record(r) for r in records if isinstance(r, dict)]
        parent = None
        if owner_ids and isinstance(owner, dict):
            own = candidates(
                TIERS["traj_id"], [k for k, v in owner.items() if not isinstance(v, list | dict)]
            )
            parent = str(owner[own[0]]) if len(own) == 1 else None
        if len(found) > 1 and parent is None:
            parent = _list_id(flat, fields)  # Home Assistant's `entity_id` (heldout37b)
        if len(found) > 1 and (parent is None or parent in used):
            # badin27: two race teams keyed by `name` only (no id) were one trajectory, half
            # its fixes dropped as repeated times: each list is its own mover, by its name
            name = owner.get("name") if isinstance(owner, dict) else None
            parent = name if isinstance(name, str) and name else (parent or "")
            parent = parent if parent and parent not in used else f"{parent}#{n}"
        used.add(str(parent))
        if fields["t"] == "seen_pos":
            flat, times = _seen(flat, owner, fields)
        else:
            times = _times([r.get(fields["t"]) for r in flat], fields["t"])
        if "traj_id" not in fields and (key := _jumping_key(flat, times, fields)) is not None:
            fields = {**fields, "traj_id": key}
        elif "traj_id" not in fields and not parent:  # several movers, nothing to tell (fix40)
            refuse_mixed_movers(flat, times, fields)
        fields = record_axes(flat, times, fields)  # a `[lat, lon]` point read [lon, lat] (fix39b)
        groups: dict[str | None, tuple[list, list]] = {}
        unlocked = no_lock_records(flat)
        for i, (r, t) in enumerate(zip(flat, times, strict=True)):
            tid = r.get(fields["traj_id"]) if "traj_id" in fields else None
            key = str(tid) if tid is not None else parent
            coords, ts = groups.setdefault(key, ([], []))
            if unlocked is not None and unlocked[i]:  # no GPS lock: no fix (dropped, counted)
                coords.append([None, None])
            else:
                coords.append([_coordinate(r.get(fields["lon"])), _coordinate(r.get(fields["lat"]))])  # fmt: skip
            ts.append(t)
        if (scale := _aishub_scale(doc)) is not None:  # AIS encoding: 1/10000 minute
            groups = {k: ([[_over(v, scale) for v in p] for p in c], t) for k, (c, t) in groups.items()}  # fmt: skip
        if _is_aishub(doc):  # 91 / 181: AIS "not available", no fix (was: the file refused)
            groups = {k: ([_available(p) for p in c], t) for k, (c, t) in groups.items()}
        scales = [named_scale(fields["lon"]), named_scale(fields["lat"])]
        if any(scales):  # `lat_e7`: integers of 1e-7 degrees, said by the name
            groups = {k: ([[_over(v, s or 1) for v, s in zip(p, scales, strict=True)] for p in c], t)
                      for k, (c, t) in groups.items()}  # fmt: skip
        if radians(fields["lat"]) or radians(fields["lon"]):
            groups = {k: (_degrees(c, fields), t) for k, (c, t) in groups.items()}
        out.extend((k, c, t) for k, (c, t) in groups.items())
    return out


def no_lock_records(flat: list[dict]) -> list[bool] | None:
    """Per record, True where its lock / fix-valid key says no GPS fix (a Particle tracker's
    `loc.lck` 0, a `fix` of "no fix"), by the tables' rules (outlier_flags); None without such
    a key. badin40: the JSON route read those records as fixes (the CSV route drops them)."""
    import polars as pl

    from trajlm.data.outlier_flags import invalid_fix_mask, no_lock_mask

    keys = sorted({k for r in flat for k in r})
    masks = [m for m in (invalid_fix_mask(keys), no_lock_mask(keys)) if m is not None]
    if not masks:
        return None
    used = sorted(set().union(*(m.meta.root_names() for m in masks)))
    table = pl.DataFrame({k: [None if r.get(k) is None else str(r.get(k)) for r in flat]
                          for k in used}, schema=dict.fromkeys(used, pl.Utf8))  # fmt: skip
    return table.select(pl.any_horizontal(masks).alias("m"))["m"].to_list()


def _list_id(flat: list[dict], fields: dict[str, str]) -> str | None:
    """The one value of the one key named like an id (by its ending) that every record of a
    list holds: the list's mover (Home Assistant's history, a list per `entity_id`)."""
    keys = (
        [k for k in by_ending("traj_id", list(flat[0])) if k not in fields.values()] if flat else []
    )
    one = [
        k for k in keys if len({str(r.get(k)) for r in flat}) == 1 and isinstance(flat[0][k], str)
    ]
    return str(flat[0][one[0]]) if len(one) == 1 else None


def refuse_mixed_movers(flat: list[dict], times: list, fields: dict[str, str]) -> None:
    """One line where records with no mover key read as several movers mixed (`_mixed_movers`:
    an MQTT log captured without `mosquitto_sub -v`, badin39)."""
    from trajlm.data.readers._mixed_movers import MIXED_HINT, mixed_movers, seconds_of

    n = min(len(flat), 5000)
    lat = [_number(_coordinate(r.get(fields["lat"]))) for r in flat[:n]]
    lon = [_number(_coordinate(r.get(fields["lon"]))) for r in flat[:n]]
    if why := mixed_movers(seconds_of(list(times[:n])), lat, lon):
        raise TrajlmInputError(why, hint=MIXED_HINT)


def _jumping_key(flat: list[dict], times: list, fields: dict[str, str]) -> str | None:
    """The key of records with no id key named whose values keep each mover's steps possible
    while the records' order jumps between movers (`_interleaved.py`: a frame of 20 scooters
    sorted by time, saved with `to_json`, was one scooter; heldout35), said in a warning."""
    import warnings

    import polars as pl

    from trajlm.data.readers._interleaved import jumping_id

    n = min(len(flat), 5000)
    keys = [k for k in dict.fromkeys(k for r in flat[:SAMPLE] for k in r)
            if k not in fields.values() and all(isinstance(r.get(k), str) for r in flat[:SAMPLE])]  # fmt: skip
    if not keys:
        return None
    if all(isinstance(t, int | float) for t in times[:n] if t is not None):
        ms = pl.Series([t for t in times[:n]], dtype=pl.Float64, strict=False)
    else:  # ISO text (`to_json(date_format="iso")`): its instants, for the steps' speeds only
        text = pl.Series([t if isinstance(t, str) else None for t in times[:n]], dtype=pl.Utf8)
        try:
            ms = text.str.to_datetime(strict=False, time_unit="ms").dt.epoch("ms").cast(pl.Float64)
        except Exception:  # mixed zones / forms: the reader's own checks read them
            return None
    df = pl.DataFrame(
        {"_t": ms,
         "_lat": [_number(_coordinate(r.get(fields["lat"]))) for r in flat[:n]],
         "_lon": [_number(_coordinate(r.get(fields["lon"]))) for r in flat[:n]],
         **{k: [None if r.get(k) is None else str(r.get(k)) for r in flat[:n]] for k in keys}},
        strict=False,
    )  # fmt: skip
    found = jumping_id(df, keys)
    if found is not None:
        warnings.warn(
            f"no key is named as the trajectory id, and the records jump between movers in "
            f"their order: read one trajectory per {found!r} value (each keeps its steps "
            "possible)",
            stacklevel=2,
        )
    return found


def _seen(flat: list[dict], owner: Any, fields: dict[str, str]) -> tuple[list[dict], list]:
    """readsb / tar1090 / dump1090 `aircraft.json`: a position is `seen_pos` seconds older than
    the poll's `now` (formats21: was refused). Aircraft without a position (Mode S only) are
    not positions, so not read."""
    now = _number(owner.get("now")) if isinstance(owner, dict) else None
    if now is None or not math.isfinite(now):
        raise TrajlmInputError(
            "aircraft records with `seen_pos` but no `now` beside them: the time of a position "
            "is `now` - `seen_pos`",
            field="now",
        )
    pos = [r for r in flat if r.get(fields["lat"]) is not None or r.get(fields["lon"]) is not None]
    ago = [_number(r.get("seen_pos")) for r in pos]
    # a position without `seen_pos` has no time: a fix of unknown age, counted as no_fix
    # (badin21: was the whole folder refused, "field timestamp: time is missing")
    pos = [r if s is not None else {**r, fields["lat"]: None, fields["lon"]: None} for r, s in zip(pos, ago, strict=True)]  # fmt: skip
    return pos, [(now - (s or 0.0)) * 1000.0 for s in ago]


def _aishub_scale(doc: Any) -> float | None:
    """AISHub's `format=0` answer ([{"FORMAT": "AIS", ...}, [records]]): coordinates in
    1/10000 minute (formats21), so divided by 600,000; None for any other document."""
    head = doc[0] if isinstance(doc, list) and doc and isinstance(doc[0], dict) else {}
    return 600_000.0 if str(head.get("FORMAT", "")).upper() == "AIS" else None


def _is_aishub(doc: Any) -> bool:
    """An AISHub answer ([{"ERROR": false, "FORMAT": ...}, [records]])."""
    head = doc[0] if isinstance(doc, list) and doc and isinstance(doc[0], dict) else {}
    return "FORMAT" in head or "ERROR" in head


def _available(pair: list[Any]) -> list[Any]:
    """[lon, lat] with AIS's "not available" (longitude 181, latitude 91) as no position."""
    lon, lat = pair
    if (isinstance(lat, int | float) and lat == 91) or (
        isinstance(lon, int | float) and lon == 181
    ):
        return [None, None]
    return pair


def _over(v: Any, scale: float) -> Any:
    return v / scale if isinstance(v, int | float) and not isinstance(v, bool) else v
