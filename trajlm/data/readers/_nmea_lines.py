"""NMEA sentences behind a logger's prefix (session 40, heldout40): a BlackVue dashcam's `.gps`
files write `[1764943402000]$GPRMC,...` (the camera's Unix ms, then the sentence); other loggers
put their own clock or a serial port's name first. Such a file was "no file trajlm reads"; it
is NMEA by its content, and each line is read from its `$`."""

from __future__ import annotations

import re
from pathlib import Path

from trajlm.data.readers._file_io import head_lines

# a sentence: `$` + talker (2 letters) + type (3), fields, an optional `*hh` checksum
_SENTENCE = re.compile(r"\$[A-Z]{2}[A-Z]{3},[^$]*$")
# what may come before it on a line: a bracketed / plain clock or counter, a port's name
_PREFIX = re.compile(r"^(?:\[[^\]]{1,40}\]|[\w:.\- ]{1,40}?)\s*(?=\$)")
SUFFIXES = (".gps", ".txt", ".log", "")  # names a logger writes NMEA under (BlackVue: .gps)
HEAD_BYTES = 4096


def sentence(line: str) -> str:
    """``line`` from its `$` when a logger's prefix comes before the sentence; else as it is."""
    if line.startswith("$") or "$" not in line:
        return line
    m = _PREFIX.match(line)
    return line[m.end() :] if m is not None and _SENTENCE.match(line[m.end() :]) else line


def is_prefixed_nmea(path: Path) -> bool:
    """A text file under a logger's name whose first lines are NMEA sentences with a prefix
    before each, RMC among them (a plain `.nmea` log is read by its name)."""
    if path.suffix.lower() not in SUFFIXES or not path.is_file():
        return False
    lines = head_lines(path, HEAD_BYTES, 40)
    said = [sentence(x) for x in lines]
    nmea = [s for s in said if _SENTENCE.match(s)]
    return (
        len(lines) >= 2
        and len(nmea) == len(lines)
        and any(s[3:6] == "RMC" for s in nmea)
        and any(not x.startswith("$") for x in lines)
    )


def nmea_files(folder: Path) -> list[Path]:
    """A folder's `.gps` files of prefixed NMEA (BlackVue's `Record/`) where it holds no
    `.nmea` / `.nma` log; [] otherwise (a file, or the folder's `*.nm*` logs read as before)."""
    from trajlm.data.readers._lines import rglob_follow

    if not folder.is_dir() or rglob_follow(folder, "*.nm*"):
        return []
    return [f for f in rglob_follow(folder, "*.gps") if is_prefixed_nmea(f)]
