"""Reading raw text for the readers: line blocks (CSV headers and field splitting: _fields.py;
paths and zip members: _sources.py; both re-exported here).

Lines become a frame `raw` with `_file` / `_line` bookkeeping (see _common.py for why), and
`split_fields` parses them into string columns, vectorized, falling back to a per-line check
only on the error path.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO

import numpy as np
import polars as pl

from trajlm.data.readers._common import Ctx
from trajlm.data.readers._fields import header_names as header_names  # re-exported
from trajlm.data.readers._fields import sniff_sep as sniff_sep
from trajlm.data.readers._fields import split_fields as split_fields
from trajlm.data.readers._sources import check_member as check_member  # re-exported
from trajlm.data.readers._sources import expand_paths as expand_paths
from trajlm.data.readers._sources import iter_sources as iter_sources
from trajlm.data.readers._sources import rglob_follow as rglob_follow
from trajlm.data.readers._truncation import TRUNCATED
from trajlm.data.schema import TrajlmInputError

BLOCK_BYTES = 8 << 20  # bytes read at a time; memory is bounded by this plus the longest line
COMMENT_LINES = 64  # leading `#` comment lines looked through for the header (comment_lines)


def iter_line_blocks(
    path: Path,
    max_lines: int,
    skip: int = 0,
    opener: Callable[[], IO[bytes]] | None = None,
    max_line_bytes: int | None = None,
) -> Iterator[tuple[bytes, int]]:
    """Yield (bytes of up to max_lines whole lines, 1-based number of the first line).

    Memory stays at one read block plus the longest line, whatever the file size; the first
    `skip` lines (headers) are not yielded. Newlines are found with NumPy, not a Python loop.
    `opener` (e.g. from `iter_sources`) replaces `open(path, "rb")`, for zip members.
    A last line without a newline is yielded alone and as it is (no newline added), so that
    `lines_frame` can mark it as possibly truncated. A line longer than max_line_bytes raises
    TrajlmInputError before more of it is read.
    """
    buf, line_no = b"", 1
    with opener() if opener else open(path, "rb") as f:
        while True:
            more = f.read(BLOCK_BYTES)
            buf += more
            nl = np.flatnonzero(np.frombuffer(buf, np.uint8) == 10)
            if max_line_bytes is not None:
                check_line_lengths(len(buf), nl, line_no, max_line_bytes, path)
            start, i = 0, 0
            while i < len(nl):
                j = min(i + max_lines, len(nl))
                if line_no < skip + 1:  # still inside the header: drop whole lines
                    j = min(i + (skip + 1 - line_no), len(nl))
                end = int(nl[j - 1]) + 1
                if line_no > skip:
                    yield buf[start:end], line_no
                line_no += j - i
                start, i = end, j
            buf = buf[start:]
            if not more:
                if buf and line_no > skip:
                    yield buf, line_no  # the last line, without a newline
                return


def check_line_lengths(
    n_bytes: int, nl: np.ndarray, line0: int, max_line_bytes: int, path: Path
) -> None:
    """Raise on the first line of a buffer (complete or not) longer than max_line_bytes."""
    ends = np.append(nl, n_bytes)  # the last entry: the unfinished line (may be empty)
    lengths = ends - np.r_[0, nl + 1]
    long = np.flatnonzero(lengths > max_line_bytes)
    if len(long):
        raise line_too_long(path, line0 + int(long[0]), max_line_bytes)


def line_too_long(path: Path, line: int | None, max_line_bytes: int) -> TrajlmInputError:
    return TrajlmInputError(
        f"line is longer than {max_line_bytes:,} bytes (limit max_line_bytes): not a text "
        "file of this format, or a damaged one",
        path=path,
        line=line,
        hint="if such lines are real, raise the limit: ReadLimits(max_line_bytes=...) or the "
        "TRAJLM_MAX_LINE_BYTES environment variable",
    )


def first_line(opener: Callable[[], IO[bytes]], path: Path, max_line_bytes: int) -> bytes:
    """The first line of a file (its header), reading at most max_line_bytes + 1 bytes."""
    with opener() as f:
        line = f.readline(max_line_bytes + 1)
    if len(line) > max_line_bytes:
        raise line_too_long(path, 1, max_line_bytes)
    return line


def comment_lines(lines: Sequence[bytes]) -> int:
    """How many leading `#` comment lines (`# exported by ...`) come before the header, given
    the first lines of a file; 0 when there are none or when the first `#` line is itself the
    header (the Danish AIS `# Timestamp,Type of mobile,...`): a comment splits into another
    number of fields than the first line after the comments."""
    k = 0
    while k < len(lines) and lines[k].lstrip(b"\xef\xbb\xbf").startswith(b"#"):
        k += 1
    if k == 0:
        return preamble_lines(lines)
    if k == len(lines) or not lines[k].strip():
        return 0
    sep = _sep_of(lines[k])
    n = _n_fields(lines[k], sep)
    if n < 2:
        return 0
    return next((i for i in range(k) if _n_fields(lines[i], sep) == n), k)


# title lines looked through for the header (preamble_lines); a data logger's key / value
# preamble (MoTeC i2's CSV: Format, Venue, Vehicle, ..., Duration, then a blank line) runs to ~14
PREAMBLE_LINES = 60  # (was 24: badin27's 25-line preamble; COMMENT_LINES are read, 4 kept below)
# a key / value line's last field when it is the value's unit (`"Sample Rate","10","Hz"`)
_UNIT_FIELD = re.compile(r"[A-Za-z%°/]{1,4}")


def preamble_lines(lines: Sequence[bytes]) -> int:
    """How many title lines without `#` (`City AVL export`, `Generated 2026-12-22 08:00 by
    FleetView`) come before the header (session 25: a plough fleet's export was refused as a
    one-column table named after its title): the first line that splits into 3+ fields, as the
    two non-blank lines after it do, with every line above it splitting into at most half as
    many; else 0. (heldout27: a MoTeC export's key / value preamble, its units row and a blank
    line under the header.)"""
    settings = next((k for k, line in enumerate(lines) if not _settings_line(line)), 0)
    if settings and lines[settings].strip():
        return settings  # `WigleWifi-1.4,appRelease=2.68,model=Pixel 7,...` (heldout37b)
    if not lines or _n_fields(lines[0], _sep_of(lines[0])) >= 3:
        return 0  # the first line is a header by its own separator (`Object;Date;...;24,1`)
    for k in range(1, min(PREAMBLE_LINES, len(lines) - 3) + 1):
        sep = _sep_of(lines[k])
        n = _n_fields(lines[k], sep)
        after = [j for j in range(k + 1, len(lines)) if lines[j].strip()][:2]
        if n < 3 or len(after) < 2 or any(_n_fields(lines[j], sep) != n for j in after):
            continue
        # (key / value lines may carry a unit: `"Sample Rate","10","Hz"`, also above 4 columns)
        most = max(n // 2, min(3, n - 2))
        return k if all(_kv_fields(lines[i], sep) <= most for i in range(k)) else 0
    return 0


_SETTING = re.compile(r"\s*[A-Za-z][\w .-]{0,40}=")


def _settings_line(line: bytes) -> bool:
    """A line of `name=value` fields, most of them so (an app's or device's settings written
    above the header, in as many fields as the header has: WiGLE's `appRelease=2.68,model=...`),
    never a header nor a data row."""
    text = line.decode("utf-8", errors="replace").lstrip("\ufeff").rstrip("\r\n")
    try:
        fields = next(csv.reader([text], delimiter=_sep_of(line)))
    except (csv.Error, StopIteration):
        return False
    return len(fields) >= 2 and sum(bool(_SETTING.match(f)) for f in fields) * 2 > len(fields)


def _kv_fields(line: bytes, sep: str) -> int:
    """A preamble line's fields, a key / value line's unit not counted (badin27: a MoTeC log of
    4 columns under `"Sample Rate","10","Hz"` was read as the 2-column table of its first line)."""
    text = line.decode("utf-8", errors="replace").lstrip("\ufeff").rstrip("\r\n")
    try:
        fields = next(csv.reader([text], delimiter=sep))
    except (csv.Error, StopIteration):
        return 0
    unit = len(fields) == 3 and _UNIT_FIELD.fullmatch(fields[2].strip()) is not None
    return len(fields) - unit


def _sep_of(line: bytes) -> str:
    return sniff_sep(line.decode("utf-8", errors="replace")) or ","


def _n_fields(line: bytes, sep: str) -> int:
    text = line.decode("utf-8", errors="replace").lstrip("\ufeff").rstrip("\r\n")
    try:
        return len(next(csv.reader([text], delimiter=sep)))
    except (csv.Error, StopIteration):
        return 0


def maybe_title(line: bytes) -> bool:
    """Whether a first line may be a title above the header (`#` comment, or < 3 fields): only
    then are the next lines read to find the header (comment_lines)."""
    return line.lstrip(b"\xef\xbb\xbf").startswith(b"#") or (
        bool(line.strip()) and (_n_fields(line, _sep_of(line)) < 3 or _settings_line(line))
    )


def header_line(path: Path | None) -> int:
    """The 1-based line of a plain text table's header: past its `#` comment or title lines
    (session 26: errors about the header of a file with two title lines said "line 1"); 1 for
    anything else (a zip member, a .gz, an unreadable file)."""
    if path is None or not path.is_file() or path.suffix.lower() in (".gz", ".zip"):
        return 1
    try:
        with open(path, "rb") as f:
            first = f.readline(1 << 20)
            if not maybe_title(first):
                return 1
            lines = [first] + [f.readline(1 << 20) for _ in range(COMMENT_LINES)]
    except OSError:
        return 1
    return comment_lines(lines) + 1


def after_comments(
    opener: Callable[[], IO[bytes]], first: bytes, max_line_bytes: int
) -> tuple[bytes, int]:
    """(the header line, lines to skip to the first row) of a file whose first line is `first`:
    past its leading `#` comment lines or title lines (`comment_lines`), if any."""
    if not maybe_title(first):
        return first, 1
    with opener() as f:
        lines = [f.readline(max_line_bytes + 1) for _ in range(COMMENT_LINES + 1)]
    k = comment_lines(lines)
    return lines[k], k + 1


def _decode_lines(data: bytes, file: int, line0: int, ctx: Ctx) -> tuple[str, bool | None]:
    """A block that is not UTF-8 as a whole: each line as UTF-8, else as Windows-1252 (Excel's
    'CSV' in Western Europe and the Americas: `José`, `Peña`; counted in `repaired` as
    `cp1252_lines`), else an encoding error (raised, or its lines marked for dropping: True)."""
    out, bad, cp = [], None, 0
    for n, raw in enumerate(data.split(b"\n")):
        try:
            out.append(raw.decode("utf-8"))
            continue
        except UnicodeDecodeError as e:
            err = e
        try:
            out.append(raw.decode("cp1252"))
            cp += 1
        except UnicodeDecodeError:
            if ctx.on_error == "raise":
                raise ctx.error(
                    f"bytes are not valid UTF-8 nor Windows-1252 text (byte "
                    f"{raw[err.start]:#04x}); re-encode the file as UTF-8",
                    file,
                    line0 + n,
                    None,
                ) from None
            out.append(raw.decode("utf-8", errors="replace"))
            bad = True
    if cp:
        ctx.report.repair("cp1252_lines", cp)
    return "\n".join(out), bad


def lines_frame(parts: Sequence[tuple[int, bytes, int]], ctx: Ctx) -> pl.DataFrame:
    """Decode blocks of whole lines into a frame `raw: str, _file: int32, _line: int64, _open`.

    parts: (file index, bytes, first line number). Lines that are not UTF-8 raise or are
    counted as `encoding_error`, lines with NUL bytes (zero-filled or binary damage) as
    `nul_bytes`; blank lines are not records and are dropped. A part that does not end with a
    newline ends at the end of its file: its last line gets `_open` = True, because a file cut
    short (an interrupted copy) ends that way and `split_fields` then checks that line.
    """
    raws: list[str] = []
    files, lines, opens = [], [], []
    for file, data, line0 in parts:
        data = _cut_char(file, data, line0, ctx)
        try:
            text = data.decode("utf-8")
            bad = None
        except UnicodeDecodeError:
            text, bad = _decode_lines(data, file, line0, ctx)
        if text.startswith("\ufeff"):
            text = text[1:]  # byte-order mark (AIS export)
        split = text.split("\n")
        if split and split[-1] == "":
            split.pop()
        if bad:
            keep = np.array(["\ufffd" not in s for s in split], dtype=bool)
            ctx.report.rows_in += int((~keep).sum())
            ctx.report.drop("encoding_error", int((~keep).sum()))
        else:
            keep = np.ones(len(split), dtype=bool)
        idx = np.flatnonzero(keep)
        raws.extend([split[k] for k in idx] if bad else split)
        files.append(np.full(len(idx), file, dtype=np.int32))
        lines.append(line0 + idx.astype(np.int64))
        is_open = np.zeros(len(idx), dtype=bool)
        if len(idx) and idx[-1] == len(split) - 1 and not data.endswith((b"\n", b"\r")):
            is_open[-1] = True
        opens.append(is_open)
    df = pl.DataFrame(
        {
            "raw": pl.Series(raws, dtype=pl.Utf8).str.strip_suffix("\r"),
            "_file": np.concatenate(files) if files else np.zeros(0, np.int32),
            "_line": np.concatenate(lines) if lines else np.zeros(0, np.int64),
            "_open": np.concatenate(opens) if opens else np.zeros(0, bool),
        }
    )
    df = df.filter(pl.col("raw").str.strip_chars().str.len_bytes() > 0)
    nul = pl.col("raw").str.contains("\x00", literal=True)
    n_nul = int(df.select(nul.sum()).item() or 0)
    if n_nul:
        if ctx.on_error == "raise":
            first = df.filter(nul).row(0, named=True)
            raise ctx.error(
                "line contains NUL bytes (a zero-filled or binary file, or a damaged copy)",
                first["_file"],
                first["_line"],
                None,
            )
        ctx.report.rows_in += n_nul
        ctx.report.drop("nul_bytes", n_nul)
        df = df.filter(~nul)
    return df


def _cut_char(file: int, data: bytes, line0: int, ctx: Ctx) -> bytes:
    """A part that ends, without a newline, inside a multi-byte UTF-8 character was cut there:
    its last line is `truncated_last_row` (raised, or counted and removed), not an encoding
    error."""
    if not data or data.endswith((b"\n", b"\r")):
        return data
    start = data.rfind(b"\n") + 1
    try:
        data[start:].decode("utf-8")
        return data
    except UnicodeDecodeError as e:
        if e.reason != "unexpected end of data" or e.end != len(data) - start:
            return data  # a bad byte, not a cut: lines_frame reports it
    line = line0 + data[:start].count(b"\n")
    if ctx.on_error == "raise":
        raise ctx.error(
            f"the file ends without a newline inside a UTF-8 character of this line "
            f"({TRUNCATED}); the file looks truncated",
            file,
            line,
            None,
        )
    ctx.report.rows_in += 1
    ctx.report.drop(TRUNCATED, 1)
    return data[:start]
