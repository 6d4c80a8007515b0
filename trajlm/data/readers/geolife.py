"""GeoLife v1.3 reader: `Data/<user>/Trajectory/*.plt` plus the user's `labels.txt`.

.plt: 6 header lines, then `lat, lon, 0, altitude_ft (-777 = invalid), days since 1899-12-30,
YYYY-MM-DD, HH:MM:SS` (GMT = UTC; the date/time fields are used, the fractional day is ignored).
Output: traj_id = "<user>/<file stem>", user_id = "<user>", altitude_m (null when -777), and
`label` = transport mode of the labels.txt interval [start, end] (GMT, inclusive) that contains
the point, null outside every interval. With overlapping intervals the one that started last
wins. Paths may be the `Data/` root, user folders, `Trajectory/` folders or single .plt files.

All files of a user (up to ~chunk_rows points) are parsed in one vectorized pass; each streamed
chunk holds whole files, so a trajectory never spans two chunks. Garbage lines in labels.txt
raise, or are counted as `labels_malformed_row` (one unit each in rows_in). Two files that map to
the same traj_id (same user folder name and stem under different roots) raise, or the later
one's points are counted as `duplicate_traj_id`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl

from trajlm.data.readers._common import Ctx, check_rows, finalize, parse_float, parse_time
from trajlm.data.readers._lines import lines_frame, split_fields
from trajlm.data.schema import conform

PLT_HEADER_LINES = 6
PLT_FIELDS = ["lat", "lon", "zero", "altitude_ft", "days", "date", "time"]
LABEL_FIELDS = ["start", "end", "mode"]
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
    return df.filter(~bad).select("start", "end", "label").sort("start")


def join_labels(pts: pl.DataFrame, labels: pl.DataFrame | None) -> pl.DataFrame:
    """Per-point label by time interval (vectorized as-of join on interval start)."""
    if labels is None or len(labels) == 0:
        return pts.with_columns(label=pl.lit(None, dtype=pl.Utf8))
    j = pts.sort("t").join_asof(labels, left_on="t", right_on="start", strategy="backward")
    inside = pl.col("t") <= pl.col("end")
    return j.with_columns(label=pl.when(inside).then(pl.col("label"))).drop(["start", "end"])


def _parse_files(
    files: list[tuple[Path, str, bytes]], labels: pl.DataFrame | None, ctx: Ctx
) -> pl.DataFrame:
    """Parse the bodies of several .plt files of one user in one pass."""
    parts, ids = [], []
    for path, user, body in files:
        file = ctx.add_path(path)
        parts.append((file, body, PLT_HEADER_LINES + 1))
        ids.append((file, f"{user}/{path.stem}", user))
    raw = split_fields(lines_frame(parts, ctx), PLT_FIELDS, ",", ctx)
    id_map = pl.DataFrame(ids, schema=["_file", "traj_id", "user_id"], orient="row")
    alt = parse_float("altitude_ft")
    pts = raw.join(id_map.with_columns(pl.col("_file").cast(pl.Int32)), on="_file").select(
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
    return finalize(join_labels(check_rows(pts, ctx, fields), labels))


def iter_geolife(paths: list[Path], ctx: Ctx, chunk_rows: int) -> Iterator[pl.DataFrame]:
    """Stream canonical chunks of whole .plt files, about chunk_rows points each, user by user."""
    by_user: dict[Path, list[Path]] = {}
    for p in paths:
        by_user.setdefault(user_dir(p), []).append(p)
    seen: dict[str, Path] = {}  # traj_id -> file, to refuse merging two files into one id
    for udir, plts in by_user.items():
        lab_path = udir / "labels.txt"
        labels = read_labels(lab_path, ctx) if lab_path.is_file() else None
        batch: list[tuple[Path, str, bytes]] = []
        n_lines = 0
        for plt in plts:
            parts = plt.read_bytes().split(b"\n", PLT_HEADER_LINES)
            body = parts[PLT_HEADER_LINES] if len(parts) > PLT_HEADER_LINES else b""
            if not body.strip():
                file = ctx.add_path(plt)
                if ctx.on_error == "raise":
                    raise ctx.error(
                        f"no points after the {PLT_HEADER_LINES} header lines", file, None, None
                    )
                ctx.report.rows_in += 1
                ctx.report.drop("empty_file", 1)
                continue
            traj_id = f"{udir.name}/{plt.stem}"
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
            batch.append((plt, udir.name, body))
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
