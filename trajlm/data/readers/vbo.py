"""Racelogic VBOX files (`.vbo`, heldout39): the text a VBOX data logger (VBOX 3i, VBOX Sport,
Video VBOX) writes, and Circuit Tools / VBOX Test Suite export. Was "cannot tell the format from
the name".

Layout: `File created on DD/MM/YYYY @ HH:MM:SS` (the day; `at` in some versions), then
sections `[header]` (channel names with units), `[comments]`, `[column names]` (one line of
short names, space-separated) and `[data]` (a row per sample, space-separated). Read as a CSV
(`time`, `lat`, `lon`, the other columns as named) before the CSV reader:

  * `lat` / `long` are in MINUTES of arc, and `long` is positive WEST (`+00060.19512` is
    1.0033 W): written as degrees east, so a track is neither 60x off nor mirrored;
  * `time` is `HHMMSS.SS` UTC of the day the header names (a time earlier than the one before
    is the next day); without that header line, one line says the day is unknown;
  * `velocity` (km/h) is written as `speed_kmh`, `heading` as `heading_deg`, `height` as
    `altitude_m`.

The file is one trajectory (the CSV reader names it after the file).
"""

from __future__ import annotations

import csv
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from trajlm.data.schema import TrajlmInputError

_CREATED = re.compile(
    r"File created on (\d{1,2})/(\d{1,2})/(\d{4})\s*(?:@|at)?\s*(\d{1,2}):(\d{2})"
)
_RENAMED = {"velocity": "speed_kmh", "heading": "heading_deg", "height": "altitude_m"}


def is_vbo(path: Path) -> bool:
    """A VBOX file: `.vbo` (or `.txt` / no suffix, as copied or renamed) whose first lines
    hold `[column names]` naming `lat` and `long`; a `.vbo` with VBOX's `File created on` line
    or `[header]` / `[data]` sections too, so that one whose column names are lost or renamed
    is told so by vbo_as_csv (badin40: was "cannot tell the format from the name")."""
    if not path.is_file() or path.suffix.lower() not in (".vbo", ".txt", ""):
        return False
    try:
        with path.open("rb") as f:
            head = f.read(1 << 15).decode("latin-1").lower()
    except OSError:
        return False
    if path.suffix.lower() == ".vbo" and (
        "file created on" in head or ("[header]" in head and "[data]" in head)
    ):
        return True
    if "[column names]" not in head:
        return False
    names = head.split("[column names]", 1)[1].strip().splitlines()
    return bool(names) and {"lat", "long"} <= set(names[0].split())


def _minutes(text: str) -> float | None:
    try:
        return float(text) / 60.0
    except ValueError:
        return None


def vbo_as_csv(path: Path, out: Path) -> list[int | None]:
    """Write the samples of the VBOX file `path` as a CSV at `out`; the line of `path` each CSV
    line comes from (None: the header)."""
    lines = path.read_text(encoding="latin-1").splitlines()
    created = next((m for x in lines[:20] if (m := _CREATED.search(x))), None)
    if created is None:
        raise TrajlmInputError(
            "a VBOX file without its `File created on DD/MM/YYYY` line: its times are times of "
            "day only (HHMMSS.SS), so the day is unknown",
            path=path,
            line=1,
            hint="put the line back at the top (`File created on 05/12/2026 @ 14:03:22`)",
        )
    d, mo, y, hh, mm = (int(g) for g in created.groups())
    try:
        start = datetime(y, mo, d, hh, mm, tzinfo=UTC)
    except ValueError as e:  # `32/13/2026` (badin40: "month must be in 1..12", no file named)
        at_line = next(k for k, x in enumerate(lines[:20], 1) if _CREATED.search(x))
        raise TrajlmInputError(
            f"its `File created on` line holds no date ({created[0].strip()!r}: {e})",
            path=path, line=at_line, hint="write it as DD/MM/YYYY @ HH:MM:SS, the day the file "
            "was logged") from None  # fmt: skip
    section, names, at = "", [], [None]
    day = datetime(y, mo, d, tzinfo=UTC)
    last = None
    with out.open("w", newline="", encoding="utf-8") as dst:
        w = csv.writer(dst, lineterminator="\n")
        for k, line in enumerate(lines, start=1):
            text = line.strip()
            if text.startswith("[") and text.endswith("]"):
                section = text[1:-1].lower()
                continue
            if not text:
                continue
            if section == "column names" and not names:
                names = text.split()
                if "time" not in names or "lat" not in names or "long" not in names:
                    raise TrajlmInputError(
                        f"a VBOX file whose [column names] lack time, lat or long: {text[:80]!r}",
                        path=path, line=k)  # fmt: skip
                rest = [n for n in names if n not in ("time", "lat", "long")]
                w.writerow(["time", "lat", "lon", *(_RENAMED.get(n, n) for n in rest)])
                continue
            if section != "data" or not names:
                continue
            row = dict(zip(names, text.split(), strict=False))
            hms = row.get("time", "")
            try:
                of_day = timedelta(
                    hours=int(hms[:2]), minutes=int(hms[2:4]), seconds=float(hms[4:])
                )
            except ValueError:
                of_day = None
            if of_day is not None and last is None and of_day - (start - day) > timedelta(hours=12):
                day -= timedelta(days=1)  # logged before midnight UTC, the file named after it
            if of_day is not None and last is not None and of_day < last - timedelta(hours=12):
                day += timedelta(days=1)  # past midnight UTC
            last = of_day if of_day is not None else last
            t = (day + of_day).isoformat(timespec="milliseconds") if of_day is not None else ""
            lat, lon = _minutes(row.get("lat", "")), _minutes(row.get("long", ""))
            w.writerow([t, "" if lat is None else f"{lat:.8f}", "" if lon is None else f"{-lon:.8f}",
                        *(row.get(n, "") for n in rest)])  # fmt: skip
            at.append(k)
    if not names:
        raise TrajlmInputError("a VBOX file with no [column names] section (the line of "
                               "short channel names, `sats time lat long ...`, above [data])",
                               path=path)  # fmt: skip
    return at
