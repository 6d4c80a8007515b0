"""GeoLife v1.3 reader: `Data/<user>/Trajectory/*.plt` plus the user's `labels.txt`.

.plt: 6 header lines, then `lat, lon, 0, altitude_ft (-777 = invalid), days since 1899-12-30,
YYYY-MM-DD, HH:MM:SS` (GMT = UTC; the date/time fields are used, the fractional day is ignored).
Output: traj_id = "<user>/<file stem>", user_id = "<user>", altitude_m (null when -777), and
`label` = transport mode of the labels.txt interval [start, end] (GMT, inclusive) that contains
the point, null outside every interval. With overlapping intervals the one that started last
wins. Paths may be the `Data/` root, user folders, `Trajectory/` folders or single .plt files.

All files of a user (up to ~chunk_rows points) are parsed in one vectorized pass; each streamed
chunk holds whole files, so a trajectory never spans two chunks. Garbage lines in labels.txt
raise, or are counted as `labels_malformed_row` (one unit each in rows_in). A file whose points
(the bytes after its header) are those of a file already read is a copy (trackintel ships the
same GeoLife .plt under tests/data/geolife and geolife_long): read once, the copy's points
counted as `duplicate_file` in both on_error modes (keep_copies=True reads it as a file of its
own: PROTOCOL's 3,329-segment split counts users 081 and 125's 24 shared files twice). Two different files that map to the same
traj_id (same user folder name and stem under different roots) raise, or the later one's
points are counted as `duplicate_traj_id`: kept apart, a trimmed or edited copy of one
trajectory would sit twice in the store, once in train and once in test.

The header is recognised by content, not position: it is the run of lines at the top of the file
that match the known header lines (PLT_HEADER). Six is normal; a file with a header line
missing or added reads from the first line after the run, and the fix is counted in
`repaired["plt_header"]` (one per file) in both on_error modes, since no data is lost. A file
whose first line is neither a header line nor a data row is not a .plt: TrajlmInputError in
both modes (e.g. a Porto CSV read with format="geolife").
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import polars as pl

from trajlm.data.readers._common import (
    Ctx,
    check_rows,
    count_resorted,
    finalize,
    parse_float,
    parse_time,
)
from trajlm.data.readers._lines import check_line_lengths, lines_frame, split_fields
from trajlm.data.readers._regroup import check_points_per_traj
from trajlm.data.schema import TrajlmInputError, conform

PLT_HEADER_LINES = 6
# The six header lines of every GeoLife v1.3 .plt (all 18,670 files share them), by content.
PLT_HEADER = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"geolife trajectory",
        r"wgs ?84",
        r"altitude is in feet",
        r"reserved \d+",
        r"-?\d+,-?\d+,-?\d+,[^,]*,-?\d+,-?\d+,-?\d+,-?\d+",  # 0,2,255,My Track,0,0,2,8421376
        r"\d+",
    )
]
_STANDARD_HEADER = [b"Geolife trajectory", b"WGS 84", b"Altitude is in Feet", b"Reserved 3",
                    b"0,2,255,My Track,0,0,2,8421376", b"0"]  # fmt: skip
PLT_ROW = re.compile(r"\s*-?[\d.]+\s*,\s*-?[\d.]+\s*,.*,\s*\d{4}-\d\d?-\d\d?\s*,\s*[\d:]+\s*")
PLT_FIELDS = ["lat", "lon", "zero", "altitude_ft", "days", "date", "time"]
LABEL_FIELDS = ["start", "end", "mode"]
# Transportation modes of the GeoLife v1.3 user guide (labels.txt).
GEOLIFE_MODES = {"walk", "bike", "bus", "car", "taxi", "subway", "train", "airplane", "boat", "run",
                 "motorcycle"}  # fmt: skip
FEET_TO_M = 0.3048
INVALID_ALTITUDE_FT = -777.0


def user_dir(plt: Path) -> Path:
    """The user folder of a .plt file (`<user>/Trajectory/x.plt` or `<user>/x.plt`)."""
    return plt.parent.parent if plt.parent.name.lower() == "trajectory" else plt.parent


def read_labels(path: Path, ctx: Ctx) -> pl.DataFrame:
    """labels.txt -> `start, end (Int64 UTC s), label (str)`, sorted by start."""
    file = ctx.add_path(path)
    data = path.read_bytes()
    body = data.split(b"\n", 1)[1] if b"\n" in data else b""
    raw = split_fields(
        lines_frame([(file, body, 2)], ctx), LABEL_FIELDS, "\t", ctx, "labels_malformed_row"
    )
    fmt = "%Y/%m/%d %H:%M:%S"
    df = raw.select(
        parse_time("start", fmt).alias("start"),
        parse_time("end", fmt).alias("end"),
        pl.col("mode").str.strip_chars().alias("label"),
        "_file",
        "_line",
    )
    bad = pl.any_horizontal(pl.col("start", "end", "label").is_null())
    bad_rows = df.filter(bad)
    if len(bad_rows):
        if ctx.on_error == "raise":
            r = bad_rows.row(0, named=True)
            fld = next(k for k in ("start", "end", "label") if r[k] is None)
            raise ctx.error(
                "label interval is not `YYYY/MM/DD HH:MM:SS<TAB>YYYY/MM/DD HH:MM:SS<TAB>mode`",
                r["_file"],
                r["_line"],
                {"start": "Start Time", "end": "End Time", "label": "Transportation Mode"}[fld],
            )
        ctx.report.rows_in += len(bad_rows)
        ctx.report.drop("labels_malformed_row", len(bad_rows))
    df = _cut_mode(df.filter(~bad), body, ctx)
    return df.select("start", "end", "label").sort("start")


def _cut_mode(df: pl.DataFrame, body: bytes, ctx: Ctx) -> pl.DataFrame:
    """A labels.txt cut inside its last mode (`bus` -> `bu`): with no final newline, a last
    mode outside the GeoLife vocabulary is `truncated_last_row` (raised, or counted)."""
    if not body.strip() or body.endswith((b"\n", b"\r")) or len(df) == 0:
        return df
    last = df.row(len(df) - 1, named=True)
    if last["_line"] != 2 + body.count(b"\n") or last["label"].lower() in GEOLIFE_MODES:
        return df
    if ctx.on_error == "raise":
        raise ctx.error(
            f"the file ends without a newline and its last mode {last['label']!r} is not a "
            f"GeoLife mode ({', '.join(sorted(GEOLIFE_MODES))}): the file looks truncated "
            "(truncated_last_row)",
            last["_file"],
            last["_line"],
            "Transportation Mode",
        )
    ctx.report.rows_in += 1
    ctx.report.drop("truncated_last_row", 1)
    return df.head(len(df) - 1)


def join_labels(pts: pl.DataFrame, labels: pl.DataFrame | None) -> pl.DataFrame:
    """Per-point label by time interval (vectorized as-of join on interval start)."""
    if labels is None or len(labels) == 0:
        return pts.with_columns(label=pl.lit(None, dtype=pl.Utf8))
    j = pts.sort("t").join_asof(labels, left_on="t", right_on="start", strategy="backward")
    inside = pl.col("t") <= pl.col("end")
    return j.with_columns(label=pl.when(inside).then(pl.col("label"))).drop(["start", "end"])


def _check_body(plt: Path, body: bytes, line0: int, ctx: Ctx) -> None:
    """Resource limits on a .plt body: line length, points per trajectory (one file = one)."""
    nl = np.flatnonzero(np.frombuffer(body, np.uint8) == 10)
    check_line_lengths(len(body), nl, line0, ctx.limits.max_line_bytes, plt)
    if len(nl) > ctx.limits.max_points_per_traj:
        ctx.add_path(plt)
        check_points_per_traj(pl.DataFrame({"traj_id": [plt.stem], "len": [len(nl)]}), ctx)


def _parse_files(
    files: list[tuple[Path, str, bytes, int]], labels: pl.DataFrame | None, ctx: Ctx
) -> pl.DataFrame:
    """Parse the bodies of several .plt files of one user in one pass."""
    parts, ids = [], []
    for path, user, body, line0 in files:
        file = ctx.add_path(path)
        parts.append((file, body, line0))
        ids.append((file, f"{user}/{path.stem}", user))
    raw = split_fields(lines_frame(parts, ctx), PLT_FIELDS, ",", ctx, whole_files=True)
    id_map = pl.DataFrame(ids, schema=["_file", "traj_id", "user_id"], orient="row")
    alt = parse_float("altitude_ft")
    pts = raw.join(
        id_map.with_columns(pl.col("_file").cast(pl.Int32)), on="_file", maintain_order="left"
    ).select(
        "traj_id",
        parse_time(pl.concat_str("date", pl.lit(" "), "time"), "%Y-%m-%d %H:%M:%S").alias("t"),
        parse_float("lat").alias("lat"),
        parse_float("lon").alias("lon"),
        "user_id",
        pl.when(alt != INVALID_ALTITUDE_FT).then(alt * FEET_TO_M).alias("altitude_m"),
        "_file",
        "_line",
    )
    fields = {"traj_id": "<file>", "t": "date/time", "lat": "latitude", "lon": "longitude"}
    pts = check_rows(pts, ctx, fields)
    count_resorted(pts, ctx)
    return finalize(join_labels(pts, labels))


def split_header(data: bytes) -> tuple[int, bytes]:
    """(number of header lines at the top of a .plt, by content; the bytes after them)."""
    lines = data.split(b"\n", PLT_HEADER_LINES + 2)
    if [ln.rstrip(b"\r") for ln in lines[:PLT_HEADER_LINES]] == _STANDARD_HEADER:
        n = PLT_HEADER_LINES  # fast path: the standard header; a 7th header line still counts
        lines = lines[PLT_HEADER_LINES:]
    else:
        n = 0
    for line in lines[: PLT_HEADER_LINES + 2 - n]:
        text = line.decode("utf-8", errors="replace").lstrip("\ufeff").strip()
        if not any(p.fullmatch(text) for p in PLT_HEADER):
            break
        n += 1
    rest = data.split(b"\n", n)
    return n, rest[n] if len(rest) > n else b""


def _header(plt: Path, data: bytes, ctx: Ctx) -> tuple[int, bytes]:
    """Header lines and body of one .plt; counts a repaired header, refuses a non-.plt."""
    n, body = split_header(data)
    first = body.split(b"\n", 1)[0].decode("utf-8", errors="replace").lstrip("\ufeff").strip()
    if n == 0 and first and not PLT_ROW.fullmatch(first):
        raise TrajlmInputError(
            "not a GeoLife .plt file: the first line is neither the 'Geolife trajectory' "
            f"header nor a data row `lat,lon,0,altitude,days,date,time`: {first[:60]!r}",
            path=plt,
            line=1,
            hint="choose the --format that matches the file",
        )
    if n != PLT_HEADER_LINES and body.strip():
        ctx.report.repair("plt_header", 1)
    return n, body


def iter_geolife(paths: list[Path], ctx: Ctx, chunk_rows: int) -> Iterator[pl.DataFrame]:
    """Stream canonical chunks of whole .plt files, about chunk_rows points each, user by user."""
    by_user: dict[Path, list[Path]] = {}
    for p in paths:
        by_user.setdefault(user_dir(p), []).append(p)
    seen: dict[str, Path] = {}  # traj_id -> file, to refuse merging two files into one id
    bodies: set[bytes] = set()  # sha256 of the points of each file read: copies read once
    for udir, plts in by_user.items():
        lab_path = udir / "labels.txt"
        labels = read_labels(lab_path, ctx) if lab_path.is_file() else None
        batch: list[tuple[Path, str, bytes, int]] = []
        n_lines = 0
        for plt in plts:
            n_head, body = _header(plt, plt.read_bytes(), ctx)
            if not body.strip():
                file = ctx.add_path(plt)
                if ctx.on_error == "raise":
                    raise ctx.error(f"no points after the {n_head} header lines", file, None, None)
                ctx.report.rows_in += 1
                ctx.report.drop("empty_file", 1)
                continue
            _check_body(plt, body, n_head + 1, ctx)
            traj_id = f"{udir.name}/{plt.stem}"
            digest = hashlib.sha256(body).digest()
            if digest in bodies and not ctx.keep_copies:  # a copy of a file already read
                ctx.add_path(plt)
                n = len([ln for ln in body.split(b"\n") if ln.strip()])
                ctx.report.rows_in += n
                ctx.report.drop("duplicate_file", n)
                continue
            if traj_id in seen:
                file = ctx.add_path(plt)
                if ctx.on_error == "raise":
                    raise ctx.error(
                        f"traj_id {traj_id} was already read from {seen[traj_id]}; read the two "
                        "folders separately",
                        file,
                        None,
                        None,
                    )
                n = len([ln for ln in body.split(b"\n") if ln.strip()])
                ctx.report.rows_in += n
                ctx.report.drop("duplicate_traj_id", n)
                continue
            seen[traj_id] = plt
            bodies.add(digest)
            batch.append((plt, udir.name, body, n_head + 1))
            n_lines += body.count(b"\n")
            if n_lines >= chunk_rows:
                out = _parse_files(batch, labels, ctx)
                batch, n_lines = [], 0
                if len(out):
                    yield conform(out)
        if batch:
            out = _parse_files(batch, labels, ctx)
            if len(out):
                yield conform(out)
