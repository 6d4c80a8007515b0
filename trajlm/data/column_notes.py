"""What the readers and the frame route say about columns they do not read as one of the four
fields (split from column_names.py, fix36): the columns closest to a name that is missing (for
an error's suggestion), a trip log's start / end pairs (one row per trip, not a track), and
id-named columns of fractional numbers (a course, not an id). The names of the fields
themselves, and how a column is matched to one, stay in column_names.py."""

from __future__ import annotations

import re

from trajlm.data.column_names import column_words, find_columns, normalised

# Words that hint at a field inside a longer column name ("ts_ms", "ping_time", "Courier ID"):
# used only to suggest columns in errors, never to guess one silently.
HINTS = {
    "traj_id": ("id", "traj", "trip", "track", "user", "driver", "courier", "vehicle", "vessel",
                "taxi", "ship", "car", "bus", "device", "animal", "person", "voyage", "route"),
    "t": ("t", "time", "ts", "date", "timestamp", "datetime", "epoch", "utc", "when", "frame",
          "seen"),  # WiGLE's `FirstSeen` (heldout37b)
    "lat": ("lat", "latitude", "y", "northing"),
    "lon": ("lon", "lng", "long", "longitude", "x", "easting"),
}  # fmt: skip


def closest(name: str, field: str | None, columns: list[str], n: int = 2) -> list[str]:
    """Up to `n` columns that may be the one meant by `name` (a missing column), best first:
    spelled alike (difflib), then containing a word that hints at `field` (HINTS)."""
    import difflib

    by_norm = {normalised(c): c for c in columns}
    out = [by_norm[m] for m in difflib.get_close_matches(normalised(name), list(by_norm), n, 0.6)]
    words = set(HINTS.get(field or "", ()))
    for c in columns:
        if c not in out and words & {*re.split(r"_+", normalised(c)), *column_words(c)}:
            out.append(c)
    return out[:n]


# newuser31: a bike-share trip log (Divvy's `start_lat` / `end_lat`) is one row per trip, no
# path: ingest asked which latitude to read, as if one column were the track
_TRIP_ENDS = (("start", "end"), ("started", "ended"), ("origin", "destination"), ("from", "to"),
              ("pickup", "dropoff"))  # fmt: skip


def trip_log_words(found: list[str]) -> str:
    """Words for a choice between a trip's start and end columns ('' for any other pair)."""
    first = {normalised(c).split("_")[0] for c in found}
    if len(found) != 2 or not any(set(pair) == first for pair in _TRIP_ENDS):
        return ""
    return (
        " (a trip log: one row per trip, its start and end, no path between: `trajlm "
        "travel-time --input FILE --model M` (Python: model.travel_time(origins, destinations, "
        "depart=...)) times such rows; tracks need one row per fix)"
    )


# a column counting trips between a row's two places: the rows are flows, an OD matrix's cells
FLOW_COUNTS = {"trips", "trip_count", "n_trips", "num_trips", "number_of_trips", "count",
               "flow", "flows", "volume", "demand", "journeys", "n", "viajes", "fahrten"}  # fmt: skip


def trip_log(have: list[str]) -> str | None:
    """What a header of a trip log is (heldout36: Citi Bike's `start_lat` / `end_lat` /
    `start_lng` / `end_lng`, one row per ride: its two ends, no path), said instead of asking
    which latitude to read or which column is the time; None when a plain lat / lon pair is
    there or the positions are not a start / end pair."""
    lat, lon = find_columns("lat", have), find_columns("lon", have)
    if not (trip_log_words(lat) and trip_log_words(lon)):
        return None
    if counts := [c for c in have if normalised(c) in FLOW_COUNTS]:
        return (  # heldout37: an OD matrix was told "one row per trip"
            f"an origin-destination matrix: flows between places ({lat[0]!r} / {lon[0]!r} and "
            f"{lat[1]!r} / {lon[1]!r}) counted in {counts[0]!r}, no mover's path, so not "
            "trajectories; a trajectory needs one row per fix (a position and its time)"
        )
    return (
        f"a trip log: one row per trip with only its two ends ({lat[0]!r} / {lon[0]!r} and "
        f"{lat[1]!r} / {lon[1]!r}), no path between, so not trajectories; `trajlm travel-time "
        "--input FILE --model M` (Python: model.travel_time(origins, destinations, depart=...)) "
        "times such rows; a trajectory needs one row per fix (a position and its time)"
    )


def fractional_numbers(values: list[str]) -> bool:
    """Whether every value is a number and one has a fraction (`12.5`): a course or a
    measurement, no mover's id (text or a whole number, `12.0` included; heldout33: gpsd's
    `track`, its course in degrees, was read as the trajectory id)."""
    number = re.compile(r"[+-]?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?")
    if not all(number.fullmatch(v) for v in values):
        return False
    return any(float(v) != int(float(v)) for v in values)


def fraction_note(where: str, columns: list[str], option: str) -> str:
    """The line that says id-named columns of fractional numbers were not read as the id."""
    return (
        f"{where}: {columns} named like an id but holding numbers with a fraction (a course in "
        f"degrees?) not read as the trajectory id; {option} {columns[0]} reads it as one"
    )
