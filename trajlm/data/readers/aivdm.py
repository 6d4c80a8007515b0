"""Raw AIS radio sentences (format `aivdm`: `!AIVDM` / `!AIVDO` NMEA lines in `.nmea`, `.txt`,
`.ais`, `.log`, also `.gz`), decoded with `pyais` (`pip install 'trajlm[formats]'`).

A vessel (traj_id = its MMSI) gets one point per position report: types 1, 2, 3 (class A), 18,
19 (class B) and 27 (long range); multi-part sentences are joined by their sequence id first.
Static data (type 5, 24) and other types are skipped without being counted, like NMEA's GGA.

AIS messages carry no date (only the second of the minute), so the time of each report is the
receiver's: an NMEA 4.10 tag block `\\c:UNIX_SECONDS*hh\\` before the sentence (receiver networks,
Kystverket, AISHub), or a Unix / ISO-8601 time as the line's first field (`1700000000,!AIVDM...`,
`2026-11-02T09:00:00Z !AIVDM...`, logger dumps). A file without any time is one error; a
position report without one is `missing_time`. A sentence whose `*hh` checksum does not match is
`bad_checksum`, an undecodable payload or an incomplete multi-part message `malformed_row`; lat
91 / lon 181 (not available) is `no_fix`: all counted in both modes except malformed rows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from trajlm.data.readers._common import Ctx
from trajlm.data.readers.gpx import points_frame
from trajlm.data.readers.gz import iter_text_lines, missing_library, open_bytes
from trajlm.data.schema import TrajlmInputError, conform

POSITION_TYPES = (1, 2, 3, 18, 19, 27)
# Payload bits up to the end of the latitude field, per position type (ITU-R M.1371): a shorter
# (truncated) payload would decode to a wrong or missing place, so it is a malformed row.
_LAT_END_BITS = {1: 116, 2: 116, 3: 116, 18: 112, 19: 112, 27: 79}
_SENTENCE = re.compile(r"!(?:[A-Z]{2})VD[MO],")
_TAG_TIME = re.compile(r"(?:^|,)c:(\d{9,13})(?:[,*]|$)")


def looks_like_aivdm(text: str) -> bool:
    """True when the first lines of a text file hold !AIVDM / !AIVDO sentences."""
    lines = [ln for ln in text.splitlines()[:20] if ln.strip()]
    return bool(lines) and sum(bool(_SENTENCE.search(ln)) for ln in lines) * 2 >= len(lines)


def _checksum_ok(sentence: str) -> bool:
    body, star, cs = sentence[1:].partition("*")
    x = 0
    for ch in body:
        x ^= ord(ch)
    return not star or cs[:2].upper() == f"{x:02X}"


def _line_time(prefix: str) -> int | None:
    """Unix seconds of a tag block's c: field or of a leading Unix / ISO time; else None."""
    if prefix.startswith("\\"):
        m = _TAG_TIME.search(prefix.strip("\\").split("*")[0])
        if m is None:
            return None
        v = int(m[1])
        return v // 1000 if v > 10**11 else v  # some receivers write milliseconds
    first = prefix.strip().rstrip(",;").strip()
    if not first:
        return None
    try:
        v = float(first)
        return int(v // 1000 if v > 10**11 else v)
    except ValueError:
        pass
    try:
        t = dt.datetime.fromisoformat(first.replace("Z", "+00:00"))
    except ValueError:
        return None
    return int((t if t.tzinfo else t.replace(tzinfo=dt.UTC)).timestamp())


def iter_aivdm(paths: list[Path], ctx: Ctx) -> Iterator[pl.DataFrame]:
    """One canonical chunk per file (a vessel in several files: joined by `regroup`)."""
    try:
        from pyais import decode
        from pyais.exceptions import AISBaseException
    except ImportError:
        raise missing_library("raw AIS sentences (!AIVDM)", "pyais") from None
    for path in paths:
        file = ctx.add_path(path)
        cols: dict[str, list] = {k: [] for k in ("traj_id", "lat", "lon", "time", "ele", "_line")}
        parts: dict[str, tuple[int, int | None, list[str]]] = {}  # seq id -> (line, time, parts)
        n_sent = n_timed = 0
        with open_bytes(path, ctx.limits) as f:
            for lineno, line in iter_text_lines(f, path, ctx.limits.max_line_bytes):
                m = _SENTENCE.search(line)
                if m is None:
                    continue
                n_sent += 1
                sentence = line[m.start() :].split()[0]
                t = _line_time(line[: m.start()])
                n_timed += t is not None
                if not _checksum_ok(sentence):
                    ctx.report.rows_in += 1
                    ctx.report.drop("bad_checksum", 1)
                    continue
                p = sentence.split(",")
                if len(p) < 7 or not p[1].isdigit() or not p[2].isdigit():
                    _malformed(ctx, file, lineno, sentence)
                    continue
                count, num, seq = int(p[1]), int(p[2]), p[3] + p[4]
                if count > 1:
                    if num == 1:
                        if seq in parts:  # the previous message with this id never completed
                            _malformed(ctx, file, parts[seq][0], "incomplete multi-part message")
                        parts[seq] = (lineno, t, [sentence])
                        continue
                    if seq not in parts or len(parts[seq][2]) != num - 1:
                        _malformed(ctx, file, lineno, "multi-part message out of order")
                        parts.pop(seq, None)
                        continue
                    parts[seq][2].append(sentence)
                    if num < count:
                        continue
                    first, t, sentences = parts.pop(seq)
                else:
                    first, sentences = lineno, [sentence]
                try:
                    msg = decode(*sentences).asdict()
                except (AISBaseException, ValueError, IndexError, KeyError) as e:
                    _malformed(ctx, file, first, f"undecodable AIS payload ({type(e).__name__})")
                    continue
                if msg.get("msg_type") not in POSITION_TYPES:
                    continue
                if _bits(sentences) < _LAT_END_BITS[msg["msg_type"]]:
                    _malformed(ctx, file, first, f"truncated type {msg['msg_type']} payload")
                    continue
                cols["traj_id"].append(str(msg.get("mmsi")))
                cols["lat"].append(_num(msg.get("lat")))
                cols["lon"].append(_num(msg.get("lon")))
                cols["time"].append(
                    None
                    if t is None
                    else dt.datetime.fromtimestamp(t, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                )
                cols["ele"].append(None)
                cols["_line"].append(first)
        for first, _, _ in parts.values():
            _malformed(ctx, file, first, "incomplete multi-part message")
        if n_sent == 0:
            raise TrajlmInputError("no !AIVDM / !AIVDO sentences", path=path,
                                   hint="skipping cannot help (the whole file)")  # fmt: skip
        if n_timed == 0:
            raise TrajlmInputError(
                f"{n_sent} AIS sentences but no receiver time: AIS messages carry only the second "
                "of the minute, not the date",
                path=path,
                hint="log with NMEA 4.10 tag blocks (\\c:UNIX_SECONDS*hh\\!AIVDM...) or a time as "
                "each line's first field (1700000000,!AIVDM...)",
            )
        out = points_frame(cols, file, ctx, no_time_msg="an AIS sentence has no receiver time")
        if len(out):
            yield conform(out)


def _bits(sentences: list[str]) -> int:
    """Payload bits of a (multi-part) message: 6 per character less the last part's fill bits."""
    fields = [x.split("*")[0].split(",") for x in sentences]
    fill = fields[-1][6] if len(fields[-1]) > 6 and fields[-1][6].isdigit() else "0"
    return sum(len(f[5]) for f in fields) * 6 - int(fill)


def _num(v: object) -> str | None:
    return repr(float(v)) if isinstance(v, int | float) else None


def _malformed(ctx: Ctx, file: int, lineno: int, what: str) -> None:
    if ctx.on_error == "raise":
        raise ctx.error(f"malformed AIS sentence: {what[:80]!r}", file, lineno, None)
    ctx.report.rows_in += 1
    ctx.report.drop("malformed_row", 1)
