"""The Argo GDAC's profile index files (session 40, heldout40): `ar_index_global_prof.txt`,
`argo_bio-profile_index.txt` and their `synthetic` twin, or rows grep'd out of them: `#`
comment lines, then `file,date,latitude,longitude,ocean,profiler_type,institution,...`, a row
per profile. Was "missing column(s) ['traj_id', 't']": the float is named only inside `file`
(`aoml/4902375/profiles/R4902375_001.nc`), and `date` sat beside `date_update` (the file's).

Read as a CSV (`time`, `device_id`, `lat`, `lon`, `cycle`, `data_mode`, ...) before the CSV
reader: the float's WMO number from the path (its folder under the DAC), `date` (YYYYMMDDHHMMSS,
UTC, the profile's) as the time, `date_update` left out. A profile without a date or a
position (an under-ice float's, not yet estimated) has no fix: a row without a position,
counted `no_fix` by the reader.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

from trajlm.data.readers._file_io import head_lines

_HEADER = ("file", "date", "latitude", "longitude", "ocean", "profiler_type", "institution")
# `<dac>/<wmo>/profiles/<mode><wmo>_<cycle>[D].nc` (B- and S- files: `BR`, `SD` before the wmo)
_PROFILE = re.compile(r"(?:^|/)(?P<wmo>\d{5,8})/profiles/(?P<mode>[A-Z]{1,2})\d+_(?P<cycle>\d+D?)\.nc$")  # fmt: skip
HEAD_BYTES = 8192


def _header_at(lines: list[str]) -> int | None:
    for k, line in enumerate(lines):
        if not line.startswith("#"):
            names = tuple(n.strip() for n in line.split(","))
            return k if names[: len(_HEADER)] == _HEADER else None
    return None


def is_argo_index(path: Path) -> bool:
    """An Argo profile index: `#` lines, then a header that starts `file,date,latitude,...`."""
    if not path.is_file() or path.suffix.lower() not in (".txt", ".csv", ""):
        return False
    return _header_at(head_lines(path, HEAD_BYTES, 40)) is not None


def _iso(date: str) -> str:
    d = date.strip()
    if not re.fullmatch(r"\d{14}", d):
        return ""
    return f"{d[:4]}-{d[4:6]}-{d[6:8]}T{d[8:10]}:{d[10:12]}:{d[12:14]}Z"


def argo_index_as_csv(path: Path, out: Path) -> list[int | None]:
    """Write the profiles of the Argo index `path` as a CSV at `out`; the line of `path` each
    CSV line comes from (None: the header)."""
    at: list[int | None] = [None]
    with (
        path.open(encoding="utf-8", errors="replace") as src,
        out.open("w", newline="", encoding="utf-8") as dst,
    ):
        w = csv.writer(dst, lineterminator="\n")
        w.writerow(["time", "device_id", "lat", "lon", "cycle", "data_mode", "ocean",
                    "profiler_type", "institution", "file"])  # fmt: skip
        header = False
        for k, row in enumerate(csv.reader(src), start=1):
            if not row or row[0].startswith("#"):
                continue
            if not header:
                header = True
                continue
            f, date, lat, lon, *rest = [*row, "", "", ""][: max(len(row), 7)]
            m = _PROFILE.search(f.strip())
            t = _iso(date)
            fixed = bool(t and lat.strip() and lon.strip())
            w.writerow([t, m["wmo"] if m else f.strip(), lat.strip() if fixed else "",
                        lon.strip() if fixed else "", m["cycle"] if m else "",
                        m["mode"] if m else "", *(x.strip() for x in rest[:3]), f.strip()])  # fmt: skip
            at.append(k)
    return at


def argo_frame(df: Any) -> tuple[Any, str] | None:
    """A Polars frame of an Argo index (`pd.read_csv(..., comment="#")` of it) with a
    `device_id` column of each profile's float, read from its `file` path, and a `time` of its
    `date` (YYYYMMDDHHMMSS, UTC; not `date_update`), and the id's name; None
    for any other frame (no id column told otherwise: the index's `institution` was offered)."""
    import polars as pl

    if tuple(df.columns[: len(_HEADER)]) != _HEADER or {"device_id", "time"} & set(df.columns):
        return None
    wmo = df["file"].cast(pl.Utf8).str.extract(_PROFILE.pattern, 1)
    if wmo.null_count() == len(wmo):
        return None
    when = df["date"].cast(pl.Utf8).str.strptime(pl.Datetime("us", "UTC"), "%Y%m%d%H%M%S", strict=False)  # fmt: skip
    return df.with_columns(wmo.alias("device_id"), when.alias("time")), "device_id"
