"""Shared machinery of the readers: line blocks, field splitting, time parsing, row checks.

Every reader turns raw records into a frame of typed columns plus two bookkeeping columns,
`_file` (index into the list of paths) and `_line` (1-based physical line, or row number for
Parquet), then hands it to `check_rows`, which drops (and counts) or raises on the rows that
cannot become canonical points. Keeping `_file`/`_line` until the end is what lets an error say
"boat-positions.csv line 812 field latitude: ...".

Counting convention (`DropReport.rows_in`): one unit per input record. For point-per-line
formats that is one line = one point. Records that carry several points (a Porto trip) count
their points; records that yield no point at all (a malformed line, an unparseable or empty
POLYLINE, a garbage labels.txt line) count as one unit each, so `rows_in == len(df) + total`.
Blank lines are not records and are ignored.
"""

from __future__ import annotations

import csv
import functools
import io
import sys
import time
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path
from typing import IO

import numpy as np
import polars as pl

from trajlm.data.schema import MIN_T, DropReport, OnError, TrajlmInputError

HINT_SKIP = 'use on_error="skip" (--on-error skip on the CLI) to drop and count such rows'
# A fix more than this far in the future is a clock or parsing error, not data.
FUTURE_TOLERANCE_S = 86_400
BLOCK_BYTES = 8 << 20


# Parts that `ColumnMap.t_parts` may name, in order, with their zero-padded width and default.
T_PARTS = {"year": (4, None), "month": (2, None), "day": (2, None), "hour": (2, "0"),
           "minute": (2, "0"), "second": (2, "0")}  # fmt: skip
WGS84 = ("EPSG:4326", "WGS84", "CRS84")
ELAPSED_FORMATS = ("elapsed_s", "elapsed_h")


@dataclass
class ColumnMap:
    """How the columns of a generic CSV/Parquet file map to the canonical table.

    time_format: None (auto: Unix seconds if numeric, else ISO-8601), "unix", "unix_ms", "iso",
    or a strptime format such as "%d/%m/%Y %H:%M" ("%Y%j" = year + day of year). Times without
    an offset are local times `utc_offset_s` seconds ahead of UTC (T-Drive: 8 * 3600);
    t_utc = t_local - utc_offset_s. "elapsed_s" / "elapsed_h" declare times relative to each
    trajectory's start: such files are refused (canonical t is absolute), with a message.
    traj_id=None makes each file (or zip member) one trajectory named after its stem;
    traj_id_per_file=True prefixes the id with the file stem ("<stem>/<id>") when ids restart
    in every file (trackintel user_id).
    extra maps output column -> input column (e.g. {"vehicle_id": "ID"}), kept as-is.

    Backwards-compatible extensions (defaults keep the plain behaviour):
    t_parts: time built from several integer columns instead of `t`, e.g. {"year": "Year",
        "month": "Month", "day": "Day", "hour": "Hour"} (hour/minute/second default to 0);
        impossible dates (Feb 30) are unparseable times (malformed_row).
    coord_sources: {name: (lat_col, lon_col)} in priority order, for files that carry several
        position sources of which any subset may be present (icebergs: one pair per sensor).
        Per row the first present pair with a fix wins; its name goes to column `coord_source`.
    no_fix: a coordinate value meaning "no fix" when lat and lon both equal it (icebergs: 0).
        Such rows are dropped and counted as `no_fix` in both on_error modes (a documented
        "no data" marker, not an error), like Porto's MISSING_DATA.
    min_t: earliest plausible time (default None = 1990-01-01, no civil GPS before); set it for
        historical non-GPS records (hurricanes since 1944, icebergs since 1978). Earlier rows
        are `timestamp_before_min_t`.
    crs: coordinate reference system of lat/lon. Only WGS84 degrees ("EPSG:4326") can become
        canonical; anything else is refused with a message (trajlm does not reproject).
    zip_members: glob for the members read from a `.zip` input (matched on the member path).
    """

    traj_id: str | None = "traj_id"
    t: str = "t"
    lat: str = "lat"
    lon: str = "lon"
    time_format: str | None = None
    utc_offset_s: int = 0
    extra: dict[str, str] = field(default_factory=dict)
    sep: str = ","
    t_parts: dict[str, str] = field(default_factory=dict)
    coord_sources: dict[str, tuple[str, str]] = field(default_factory=dict)
    no_fix: float | None = None
    min_t: int | None = None
    crs: str = "EPSG:4326"
    traj_id_per_file: bool = False
    zip_members: str = "*.csv"

    def refusal(self) -> str | None:
        """Why rows under this mapping cannot become canonical points (None: they can)."""
        why = []
        if self.time_format in ELAPSED_FORMATS:
            unit = "hours" if self.time_format == "elapsed_h" else "seconds"
            why.append(
                f"times are {unit} elapsed since each trajectory's start (time_format="
                f"{self.time_format!r}), but canonical t is absolute UTC: an absolute start "
                "time per trajectory is needed and the data do not carry one"
            )
        if not any(w.lower() in self.crs.lower() for w in WGS84):
            why.append(
                f"coordinates are in {self.crs!r}, not WGS84 degrees: they must be reprojected "
                "to EPSG:4326 first (trajlm does not reproject)"
            )
        return "; ".join(why) or None

    def time_columns(self) -> list[str]:
        if self.t_parts:
            unknown = set(self.t_parts) - set(T_PARTS)
            if unknown:
                raise ValueError(f"t_parts keys must be among {list(T_PARTS)}, got {unknown}")
            return list(self.t_parts.values())
        return [self.t]

    def time_field(self) -> str:
        """The input field(s) of time, for error messages."""
        return "/".join(self.time_columns())


@dataclass
class Ctx:
    """Per-read state: the files seen so far, the error policy and the running report."""

    on_error: OnError
    report: DropReport = field(default_factory=DropReport)
    paths: list[Path] = field(default_factory=list)
    now_s: int = field(default_factory=lambda: int(time.time()))
    min_t: int = MIN_T

    def __post_init__(self) -> None:
        if self.on_error not in ("raise", "skip"):
            raise ValueError(f'on_error must be "raise" or "skip", got {self.on_error!r}')

    def add_path(self, path: Path) -> int:
        self.paths.append(Path(path))
        return len(self.paths) - 1

    def error(self, msg: str, file: int, line: int | None, fld: str | None) -> TrajlmInputError:
        return TrajlmInputError(msg, path=self.paths[file], line=line, field=fld, hint=HINT_SKIP)


def expand_paths(paths: str | Path | Sequence[str | Path], pattern: str) -> list[Path]:
    """Files named by `paths`; directories are searched recursively for `pattern`."""
    if isinstance(paths, str | Path):
        paths = [paths]
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(p.rglob(pattern))
            if not found:
                raise TrajlmInputError(f"no {pattern} files under directory", path=p)
            out.extend(found)
        elif p.is_file():
            out.append(p)
        else:
            raise TrajlmInputError("no such file or directory", path=p)
    return out


def iter_sources(path: Path, members: str = "*") -> Iterator[tuple[Path, Callable[[], IO[bytes]]]]:
    """(display path, opener) of a plain file, or of each `.zip` member matching `members`.

    Zip members are opened one at a time and streamed (never extracted or loaded whole); the
    display path `archive.zip/dir/member.csv` is what errors name, its stem the member's stem.
    """
    if path.suffix.lower() != ".zip":
        yield path, functools.partial(open, path, "rb")
        return
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        raise TrajlmInputError(f"not a readable zip file ({e})", path=path) from None
    with zf:
        names = [
            i.filename for i in zf.infolist() if not i.is_dir() and fnmatch(i.filename, members)
        ]
        if not names:
            some = [i.filename for i in zf.infolist()][:5]
            raise TrajlmInputError(
                f"no zip member matches {members!r} (members include {some})",
                path=path,
                hint="choose members with ColumnMap(zip_members=...) (--zip-members on the CLI)",
            )
        for name in names:
            yield path / name, functools.partial(zf.open, name)


def iter_line_blocks(
    path: Path, max_lines: int, skip: int = 0, opener: Callable[[], IO[bytes]] | None = None
) -> Iterator[tuple[bytes, int]]:
    """Yield (bytes of up to max_lines whole lines, 1-based number of the first line).

    Memory stays at one read block plus the longest line, whatever the file size; the first
    `skip` lines (headers) are not yielded. Newlines are found with NumPy, not a Python loop.
    `opener` (e.g. from `iter_sources`) replaces `open(path, "rb")`, for zip members.
    """
    buf, line_no = b"", 1
    with opener() if opener else open(path, "rb") as f:
        while True:
            more = f.read(BLOCK_BYTES)
            buf += more
            nl = np.flatnonzero(np.frombuffer(buf, np.uint8) == 10)
            if not more and buf and (len(nl) == 0 or nl[-1] != len(buf) - 1):
                buf += b"\n"  # last line without newline
                nl = np.append(nl, len(buf) - 1)
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
                return


def lines_frame(parts: Sequence[tuple[int, bytes, int]], ctx: Ctx) -> pl.DataFrame:
    """Decode blocks of whole lines into a frame `raw: str, _file: int32, _line: int64`.

    parts: (file index, bytes, first line number). Lines that are not UTF-8 raise or are
    counted as `encoding_error`; blank lines are not records and are dropped.
    """
    raws: list[str] = []
    files, lines = [], []
    for file, data, line0 in parts:
        try:
            text = data.decode("utf-8")
            bad = None
        except UnicodeDecodeError as e:
            bad_line = line0 + data[: e.start].count(b"\n")
            if ctx.on_error == "raise":
                raise ctx.error(
                    f"bytes are not valid UTF-8 (byte {data[e.start]:#04x}); re-encode the "
                    "file as UTF-8",
                    file,
                    bad_line,
                    None,
                ) from None
            text = data.decode("utf-8", errors="replace")
            bad = True
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
    df = pl.DataFrame(
        {
            "raw": pl.Series(raws, dtype=pl.Utf8).str.strip_suffix("\r"),
            "_file": np.concatenate(files) if files else np.zeros(0, np.int32),
            "_line": np.concatenate(lines) if lines else np.zeros(0, np.int64),
        }
    )
    return df.filter(pl.col("raw").str.strip_chars().str.len_bytes() > 0)


def header_names(line: str, sep: str) -> list[str]:
    """Column names of a CSV header line (quotes and a byte-order mark removed)."""
    import csv

    names = next(csv.reader([line.lstrip("\ufeff").rstrip("\r\n")], delimiter=sep))
    return [n.strip() for n in names]


def split_fields(
    raw: pl.DataFrame, names: list[str], sep: str, ctx: Ctx, reason: str = "malformed_row"
) -> pl.DataFrame:
    """Parse a `lines_frame` into string columns `names` (+ `_file`, `_line`).

    Lines with the wrong number of fields (counted outside double quotes) raise or count as
    `reason` (default `malformed_row`); each counts one unit in rows_in.
    """
    # Remove quoted runs, then count separators: vectorized field count that respects quotes.
    quoted = bool(raw.select(pl.col("raw").str.contains('"', literal=True).any()).item())
    unquoted = pl.col("raw").str.replace_all(r'"[^"]*"', "") if quoted else pl.col("raw")
    n_fields = unquoted.str.count_matches(sep, literal=True) + 1
    ok = (n_fields == len(names)) & ~unquoted.str.contains('"', literal=True)
    raw = raw.with_columns(_ok=ok, _n=n_fields)
    if quoted and not _parses(raw.filter(pl.col("_ok")), names, sep):
        # A quote inside a field (`a"b"c`) passes the count but breaks the CSV parser: find
        # such lines one by one (only on this error path, so clean files stay vectorized).
        strict = [_strict_csv_ok(line, sep, len(names)) for line in raw["raw"]]
        raw = raw.with_columns(_ok=pl.col("_ok") & pl.Series(strict, dtype=pl.Boolean))
    bad = raw.filter(~pl.col("_ok"))
    if len(bad):
        if ctx.on_error == "raise":
            first = bad.sort(["_file", "_line"]).row(0, named=True)
            raise ctx.error(
                f"expected {len(names)} fields ({sep.join(names)}), found {first['_n']} "
                f"(or an unbalanced quote): {first['raw'][:80]!r}",
                first["_file"],
                first["_line"],
                None,
            )
        ctx.report.rows_in += len(bad)
        ctx.report.drop(reason, len(bad))
        raw = raw.filter(pl.col("_ok"))
    if len(raw) == 0:
        return pl.DataFrame(
            schema={**dict.fromkeys(names, pl.Utf8), "_file": pl.Int32, "_line": pl.Int64}
        )
    parsed = _read_lines(raw, names, sep)
    if len(parsed) != len(raw):  # quoting we did not anticipate; never misalign silently
        raise TrajlmInputError(
            f"CSV parser found {len(parsed)} records in {len(raw)} lines (multi-line quoted "
            "fields are not supported)",
            path=ctx.paths[int(raw["_file"][0])],
            line=int(raw["_line"][0]),
        )
    return parsed.with_columns(raw["_file"], raw["_line"])


csv.field_size_limit(sys.maxsize)  # a 10 MB POLYLINE is one legitimate field


def _read_lines(raw: pl.DataFrame, names: list[str], sep: str) -> pl.DataFrame:
    text = raw["raw"].str.join("\n").item() + "\n"
    return pl.read_csv(io.BytesIO(text.encode()), has_header=False, new_columns=names,
                       separator=sep, infer_schema=False, quote_char='"')  # fmt: skip


def _parses(raw: pl.DataFrame, names: list[str], sep: str) -> bool:
    if len(raw) == 0:
        return True
    try:
        _read_lines(raw, names, sep)
    except pl.exceptions.ComputeError:
        return False
    return True


def _strict_csv_ok(line: str, sep: str, n_fields: int) -> bool:
    """Whether one line is valid CSV with `n_fields` fields (error path only)."""
    try:
        rows = list(csv.reader([line], delimiter=sep, strict=True))
    except csv.Error:
        return False
    return len(rows) == 1 and len(rows[0]) == n_fields


def parse_float(col: str) -> pl.Expr:
    return pl.col(col).str.strip_chars().cast(pl.Float64, strict=False)


def parse_time(col: str | pl.Expr, time_format: str | None, utc_offset_s: int = 0) -> pl.Expr:
    """String column -> Int64 Unix seconds (UTC); null where it cannot be parsed.

    Fractional seconds are floored. Times with an explicit offset (Z, +02:00, +00) use it;
    naive times are local times `utc_offset_s` ahead of UTC.
    """
    s = (pl.col(col) if isinstance(col, str) else col).str.strip_chars()
    num = s.cast(pl.Float64, strict=False)
    if time_format == "unix":
        return num.floor().cast(pl.Int64, strict=False)
    if time_format == "unix_ms":
        return (num / 1000).floor().cast(pl.Int64, strict=False)
    if time_format in (None, "iso"):
        iso = s.str.replace(r"[Zz]$", "+00:00").str.replace(r"^(\d{4}-\d\d-\d\d)[ T]", "${1}T")
        aware = iso.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f%#z", strict=False)
        naive = iso.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f", strict=False)
        aware_hm = iso.str.to_datetime("%Y-%m-%dT%H:%M%#z", strict=False)
        naive_hm = iso.str.to_datetime("%Y-%m-%dT%H:%M", strict=False)
        date = s.str.to_datetime("%Y-%m-%d", strict=False)
        out = pl.coalesce(
            aware.dt.epoch("s"),
            naive.dt.epoch("s") - utc_offset_s,
            aware_hm.dt.epoch("s"),
            naive_hm.dt.epoch("s") - utc_offset_s,
            date.dt.epoch("s") - utc_offset_s,
        )
        if time_format is None:  # auto: numbers are Unix seconds
            out = pl.coalesce(num.floor().cast(pl.Int64, strict=False), out)
        return out
    parsed = s.str.to_datetime(time_format, strict=False)
    if "%z" in time_format or "%#z" in time_format or "%:z" in time_format:
        return parsed.dt.epoch("s")
    return parsed.dt.epoch("s") - utc_offset_s


def parse_time_parts(parts: dict[str, str], utc_offset_s: int = 0) -> pl.Expr:
    """Integer columns {part: column} (see T_PARTS) -> Int64 Unix seconds; null if impossible.

    The parts are zero-padded into "YYYY-MM-DD HH:MM:SS" and parsed strictly, so Feb 30, month
    13 or hour 24 give null (an unparseable time), never a silently rolled-over date.
    """
    pieces = []
    for name, (width, default) in T_PARTS.items():
        if name in parts:
            v = pl.col(parts[name]).cast(pl.Utf8).str.strip_chars().cast(pl.Int64, strict=False)
            v = pl.when(v >= 0).then(v.cast(pl.Utf8).str.zfill(width))
        elif default is None:
            raise ValueError(f"t_parts needs {name!r} (year, month and day are required)")
        else:
            v = pl.lit(default.zfill(width))
        pieces.append(v)
    y, mo, d, h, mi, sec = pieces
    text = pl.concat_str([y, pl.lit("-"), mo, pl.lit("-"), d, pl.lit(" "), h, pl.lit(":"), mi,
                          pl.lit(":"), sec])  # fmt: skip
    return text.str.to_datetime("%Y-%m-%d %H:%M:%S", strict=False).dt.epoch("s") - utc_offset_s


def check_rows(df: pl.DataFrame, ctx: Ctx, fields: dict[str, str] | None = None) -> pl.DataFrame:
    """Drop (skip) or raise on rows that cannot be canonical points; count them by reason.

    `df` has typed traj_id, t, lat, lon (nulls where parsing failed) and `_file`, `_line`.
    fields: canonical column -> input field name, for error messages. Adds len(df) to rows_in.
    A file whose coordinates look swapped or projected raises in both modes: that is a column
    mapping problem, and skipping would drop every row.
    """
    fields = {"traj_id": "traj_id", "t": "t", "lat": "lat", "lon": "lon", **(fields or {})}
    ctx.report.rows_in += len(df)
    if len(df) == 0:
        return df
    _check_swapped(df, ctx, fields)
    lat, lon, t = pl.col("lat"), pl.col("lon"), pl.col("t")
    if ctx.min_t == MIN_T:
        early_reason, early_msg = "timestamp_before_1990", "time before 1990-01-01 (no civil GPS)"
    else:
        early_reason, early_msg = "timestamp_before_min_t", f"time before min_t={ctx.min_t}"
    checks = [  # (reason, canonical field, condition, message)
        ("malformed_row", "traj_id", pl.col("traj_id").is_null(), "missing trajectory id"),
        ("malformed_row", "t", t.is_null(), "time is missing or not parseable"),
        ("malformed_row", "lat", lat.is_null(), "latitude is missing or not a number"),
        ("malformed_row", "lon", lon.is_null(), "longitude is missing or not a number"),
        ("nan_coordinate", "lat", ~lat.is_finite(), "latitude is NaN or infinite"),
        ("nan_coordinate", "lon", ~lon.is_finite(), "longitude is NaN or infinite"),
        ("out_of_range", "lat", lat.abs() > 90, "latitude outside [-90, 90]"),
        ("out_of_range", "lon", lon.abs() > 180, "longitude outside [-180, 180]"),
        (early_reason, "t", t < ctx.min_t, early_msg),
        ("timestamp_in_future", "t", t > ctx.now_s + FUTURE_TOLERANCE_S, "time in the future"),
    ]
    code = pl.lit(None, dtype=pl.Int32)
    for k, (_, _, cond, _) in reversed(list(enumerate(checks))):
        code = pl.when(cond.fill_null(False)).then(pl.lit(k, dtype=pl.Int32)).otherwise(code)
    df = df.with_columns(_bad=code)
    bad = df.filter(pl.col("_bad").is_not_null())
    if len(bad) == 0:
        return df.drop("_bad")
    if ctx.on_error == "raise":
        first = bad.sort(["_file", "_line"]).row(0, named=True)
        reason, fld, _, msg = checks[first["_bad"]]
        value = first.get(fld)
        raise ctx.error(
            f"{msg} ({reason}; value {value!r})", first["_file"], first["_line"], fields[fld]
        )
    for k, n in bad.group_by("_bad").len().iter_rows():
        ctx.report.drop(checks[k][0], n)
    return df.filter(pl.col("_bad").is_null()).drop("_bad")


def _check_swapped(df: pl.DataFrame, ctx: Ctx, fields: dict[str, str]) -> None:
    ok = df.filter(pl.col("lat").is_finite() & pl.col("lon").is_finite())
    if len(ok) == 0:
        return
    lat, lon = ok["lat"].abs(), ok["lon"].abs()
    file = int(df["_file"][0])
    if ((lat > 90).mean() > 0.5) and (lon <= 90).all() and (lat <= 180).all():
        raise TrajlmInputError(
            f"{int((lat > 90).sum())} of {len(ok)} latitudes are outside [-90, 90] while every "
            "longitude is inside: the latitude and longitude columns look swapped",
            path=ctx.paths[file],
            field=fields["lat"],
            hint=f"map them the other way: columns=ColumnMap(lat={fields['lon']!r}, "
            f"lon={fields['lat']!r})",
        )
    if ((lat > 180) | (lon > 360)).mean() > 0.5:
        raise TrajlmInputError(
            f"most coordinates are far outside degree ranges (e.g. lat={ok['lat'][0]}, "
            f"lon={ok['lon'][0]}): they look projected (metres), not WGS84 degrees",
            path=ctx.paths[file],
            field=fields["lat"],
            hint="reproject to EPSG:4326 before reading",
        )


def finalize(df: pl.DataFrame) -> pl.DataFrame:
    """Drop bookkeeping columns; the caller conforms (casts, sorts)."""
    return df.drop([c for c in ("_file", "_line") if c in df.columns])


def hold_back(df: pl.DataFrame, carry: pl.DataFrame | None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split a chunk (rows in file order) into (complete trajectories, trailing trajectory).

    The trailing trajectory may continue in the next chunk, so it is carried over; this gives
    whole trajectories per chunk when the file groups rows by trajectory (all shared data do).
    """
    if carry is not None and len(carry):
        df = pl.concat([carry, df], how="diagonal_relaxed")
    if len(df) == 0:
        return df, df
    last = df["traj_id"][-1]
    tail = pl.col("traj_id") == last
    return df.filter(~tail), df.filter(tail)
