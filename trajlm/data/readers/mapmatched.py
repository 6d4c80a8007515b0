"""Porto map-matched trajectories (RNTrajRec toy set): `Porto/{train,valid}/*_{input,output}.txt`.

Blocks of lines `unix_ts lat lon edge_id` (space separated; UTC seconds, WGS84 degrees, OSM
road edge id) delimited by a line `-N` (trajectory number N, unique within the file). In the
shared files the `-N` line *closes* its block (the file ends with `-100`; SOURCE.md says
"starts"); a file whose first line is a marker is read the other way (marker opens the block).
`*_input.txt` = raw 15 s GPS, `*_output.txt` = the map-matched positions; in train/valid both
carry the same timestamps and the same edge ids (verified on all 10,457 points), so reading
`_input` gives the raw fixes with the map-matched edge as `segment_id` (Int64) without a join.
A directory is searched for `*_input.txt`; pass `_output` files explicitly to read the matched
positions. traj_id = "<file stem>/<N>", e.g. "train_input/7".

Counting: one unit per point line. Point lines without 4 fields are `malformed_row`; points
after the last closing marker (a truncated file) are `unterminated_trajectory`; the points of a
block whose `-N` an earlier marker of the file already used are `duplicate_traj_id` (raise mode:
an error naming both lines). A trajectory that crosses a chunk boundary keeps its id.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl

from trajlm.data.readers._common import (
    Ctx,
    check_rows,
    count_resorted,
    finalize,
    hold_back,
    parse_float,
)
from trajlm.data.readers._lines import iter_line_blocks, line_too_long, lines_frame, split_fields
from trajlm.data.schema import conform

FIELDS = ["ts", "lat", "lon", "edge_id"]
_MARKER = r"^-\d+$"


def _first_line(path: Path, max_line_bytes: int) -> str:
    with open(path, "rb") as f:
        while line := f.readline(max_line_bytes + 1):
            if len(line) > max_line_bytes:
                raise line_too_long(path, None, max_line_bytes)
            if line.strip():
                return line.decode("utf-8", errors="replace").strip()
    return ""


def iter_mapmatched(paths: list[Path], ctx: Ctx, chunk_rows: int) -> Iterator[pl.DataFrame]:
    """Stream canonical chunks of whole trajectories, one file after another."""
    for path in paths:
        file = ctx.add_path(path)
        first = _first_line(path, ctx.limits.max_line_bytes)
        if not first:
            if ctx.on_error == "raise":
                raise ctx.error("file is empty", file, None, None)
            ctx.report.rows_in += 1
            ctx.report.drop("empty_file", 1)
            continue
        opens = bool(pl.Series([first]).str.contains(_MARKER)[0])
        pending: pl.DataFrame | None = None  # lines not yet assigned to a trajectory
        carry: pl.DataFrame | None = None  # last parsed trajectory (marker-opens mode)
        current: tuple[str, int] | None = None  # opens mode: (N, marker line) still open
        markers: dict[str, int] = {}  # N -> line of its marker, to refuse a repeated N
        blocks = iter_line_blocks(path, chunk_rows, 0, None, ctx.limits.max_line_bytes)
        for data, line0 in blocks:
            raw = lines_frame([(file, data, line0)], ctx)
            raw = raw.with_columns(pl.col("raw").str.strip_chars().str.replace_all(r"\s+", " "))
            if pending is not None:
                raw = pl.concat([pending, raw])
            marker = pl.col("raw").str.contains(_MARKER)
            num = pl.when(marker).then(pl.col("raw").str.strip_prefix("-"))
            at = pl.when(marker).then(pl.col("_line"))  # the marker's line identifies a block
            fill = "forward" if opens else "backward"
            raw = raw.with_columns(_n=num.fill_null(strategy=fill), _m=at.fill_null(strategy=fill))
            if opens and current is not None:  # lines before the block's first marker
                raw = raw.with_columns(
                    pl.col("_n").fill_null(current[0]), pl.col("_m").fill_null(current[1])
                )
            if opens:
                pending = None
                if raw["_n"].drop_nulls().len():
                    current = (raw["_n"].drop_nulls()[-1], raw["_m"].drop_nulls()[-1])
            else:  # rows after the block's last marker wait for their closing marker
                pending = raw.filter(pl.col("_n").is_null()).drop("_n", "_m")
                raw = raw.filter(pl.col("_n").is_not_null())
            raw = _drop_repeated(raw.filter(~marker), raw.filter(marker), markers, ctx)
            pts = _points(raw.drop("_m"), path.stem, ctx)
            if opens:
                done, carry = hold_back(pts, carry)
            else:
                done = pts
            if len(done):
                yield conform(done)
        if carry is not None and len(carry):
            yield conform(carry)
        if pending is not None and len(pending):
            if ctx.on_error == "raise":
                raise ctx.error(
                    f"{len(pending)} point line(s) after the last '-N' marker (truncated file?)",
                    file,
                    int(pending["_line"][0]),
                    None,
                )
            ctx.report.rows_in += len(pending)
            ctx.report.drop("unterminated_trajectory", len(pending))


def _drop_repeated(
    points: pl.DataFrame, marks: pl.DataFrame, seen: dict[str, int], ctx: Ctx
) -> pl.DataFrame:
    """Refuse a `-N` marker used twice in a file: its block would merge with the first one's
    trajectory. Raise, or count the later block's points as `duplicate_traj_id`."""
    repeated = []
    for n, line in marks.select("_n", "_line").iter_rows():
        first = seen.setdefault(n, line)
        if first != line:
            if ctx.on_error == "raise":
                raise ctx.error(
                    f"trajectory marker -{n} was already used at line {first}: two blocks would "
                    "merge into one trajectory (duplicate_traj_id)",
                    int(marks["_file"][0]),
                    line,
                    None,
                )
            repeated.append(line)
    if not repeated:
        return points
    dup = pl.col("_m").is_in(pl.Series(repeated, dtype=pl.Int64).implode())
    n_dup = int(points.select(dup.sum()).item())
    ctx.report.rows_in += n_dup
    ctx.report.drop("duplicate_traj_id", n_dup)
    return points.filter(~dup)


def _points(raw: pl.DataFrame, stem: str, ctx: Ctx) -> pl.DataFrame:
    ids = raw.select("_n", "_line")
    parsed = split_fields(raw.drop("_n"), FIELDS, " ", ctx)
    parsed = parsed.join(ids, on="_line", how="left", maintain_order="left")
    pts = parsed.select(
        pl.concat_str([pl.lit(stem + "/"), pl.col("_n")]).alias("traj_id"),
        pl.col("ts").str.strip_chars().cast(pl.Int64, strict=False).alias("t"),
        parse_float("lat").alias("lat"),
        parse_float("lon").alias("lon"),
        pl.col("edge_id").str.strip_chars().cast(pl.Int64, strict=False).alias("segment_id"),
        "_file",
        "_line",
    )
    fields = {"traj_id": "-N marker", "t": "unix_ts", "lat": "lat", "lon": "lon"}
    pts = check_rows(pts, ctx, fields)
    count_resorted(pts, ctx, across_chunks=True)
    return finalize(pts)
