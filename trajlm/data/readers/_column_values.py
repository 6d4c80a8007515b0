"""What a file says about one candidate column, for `detect.resolve_columns` (split from
detect.py, fix36): a Columbus logger's header, a zone named in a time column's header or the
report's title line, an id-named column whose sampled values are a row key or fractional
numbers (a course), and another id-like column beside an owner's id (said)."""

from __future__ import annotations

import warnings
from pathlib import Path

from trajlm.data.column_names import by_ending, normalised
from trajlm.data.column_notes import fractional_numbers
from trajlm.data.readers._preamble_origin import title_zone
from trajlm.data.readers.layouts import id_sample
from trajlm.data.readers.owner_columns import OWNER_NAMES, VEHICLE_IDS
from trajlm.data.schema import TrajlmInputError
from trajlm.data.zone_names import ZONE_SAID, header_zone, offset_words

# Columbus V-900 / V-1000 CSV (session 20: was "before 1990, value 10000"): `DATE` YYMMDD and
# `TIME` HHMMSS in UTC, told by the logger's header (YYMMDD vs NMEA's DDMMYY: not by values)
COLUMBUS = {"t_date": "DATE", "t": "TIME", "time_format": "%y%m%d %H%M%S"}


def columbus(have: list[str]) -> bool:
    """A Columbus GPS logger's CSV header (INDEX, TAG, DATE, TIME, LATITUDE N/S, ...)."""
    names = {c.strip().strip("\x00").upper() for c in have}
    return {"INDEX", "TAG", "DATE", "TIME", "LATITUDE N/S", "LONGITUDE E/W"} <= names


def zone_in_header(path: Path, tcol: str) -> dict[str, object]:
    """{utc_offset_s, ZONE_SAID} for a time column whose header names a zone (`time (PDT)`,
    `Zeit (UTC+2)`), else whose report's title line ends in one (`_preamble_origin.title_zone`);
    {} for none or UTC; an ambiguous one (IST, CST) is refused."""
    hz, where, from_title = header_zone(tcol), f"the time column {tcol!r}", False
    if hz is None and (title := title_zone(path)) is not None:  # the report's title line
        hz, where = title[1], f"the title line {title[0][:80]!r} above the header"
        from_title = True
    if hz is None or hz.offset_s == 0:
        return {}
    if hz.offset_s is None:
        raise TrajlmInputError(
            f"{where} names the zone {hz.zone!r}, which may be {hz.meanings}",
            path=path,
            field=tcol,
            hint="give the zone: --tz NAME (an IANA name such as Asia/Kolkata) or --utc-offset "
            "HOURS (Python: ColumnMap(tz=...) / ColumnMap(utc_offset_s=...))",
        )
    said = f"{tcol!r} read as {hz.zone} = {offset_words(hz.offset_s)}"
    said += f" ({where})" if from_title else ""
    said += " (a fixed offset"
    said += "; --tz NAME for a zone that changes at DST, --utc-offset HOURS for another)"
    return {"utc_offset_s": hz.offset_s, ZONE_SAID: said}


def is_row_key(path: Path, format: str, sep: str, column: str) -> bool:
    """Whether a last-resort id column (`uuid`) holds a different value on every sampled row:
    a row key, no trajectory (column_names.find_columns)."""
    values = id_sample(path, format, sep, column) or []
    return len(set(values)) == len(values)


def is_fractional(path: Path, format: str, sep: str, column: str) -> bool:
    """Whether an id-named column holds numbers with a fraction on the sampled rows (a
    course in degrees, a measurement): no mover's id, which is text or a whole number."""
    values = [str(v).strip() for v in id_sample(path, format, sep, column) or [] if v is not None]
    values = [v for v in values if v]
    return bool(values) and fractional_numbers(values)


def say_other_ids(path: Path, chosen: str, have: list[str]) -> None:
    """Say it when the id is read from an owner's column (`driver_id`) while another column
    ends like an id (`cab_id`): the trajectories may be the cabs (badin20: two cabs driven by
    one driver were read as one trajectory without a word)."""
    other = [
        c
        for c in by_ending("traj_id", have)
        if c != chosen and (normalised(c) not in OWNER_NAMES or normalised(c) in VEHICLE_IDS)
    ]  # (a `cab_id` beside `driver_id` is still said: it is kept as the owner only since cols23)
    if other:
        warnings.warn(
            f"{path.name}: trajectories by {chosen!r}; {other} also end like an id: if each of "
            f"those is a trajectory, choose it with --traj-col (Python: "
            f"columns=ColumnMap(traj_id={other[0]!r}))",
            stacklevel=4,
        )
