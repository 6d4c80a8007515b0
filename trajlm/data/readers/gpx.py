"""GPX 1.0/1.1 reader: one trajectory per `<trkseg>`, traj_id = "<file stem>/<trk>/<seg>" (0-based).

Each `<trkpt lat lon>` needs a `<time>` (ISO-8601 with Z or an offset; without an offset it is
taken as UTC, as the GPX schema requires); fractional seconds are floored. `<ele>` becomes
`elevation_m`; sensor extensions (heart rate, cadence, power, speed, temperature) their own
columns (`_sensors.py`). Waypoints (`wpt`) are ignored; a file without `<trkpt>` whose route
points (`<rtept>`) all carry a `<time>` (OruxMaps and other apps record timed routes) is read as
one trajectory per `<rte>` (`<stem>/rte<k>`); untimed routes (planned tours) are not read. A file
with neither whose waypoints are a timed log (inReach / SPOT: `timed_log`) is one trajectory
`<stem>/wpt`, said in a warning. A file none of whose points has a time is one line (a planned
route), without the skip hint.

The file is fed to the expat parser in 1 MiB blocks (streaming, like ElementTree.iterparse, but
expat also reports the line of every point for error messages). Drop reasons: `missing_time`
(trkpt without <time>), `truncated_xml` (malformed or truncated XML: the points closed before the
error are kept and the rest of the file counts as one unit), `duplicate_traj_id` (the points of a
file whose stem an earlier file of the read already has: its ids would merge with that file's),
plus the common ones.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from xml.parsers import expat

import polars as pl

from trajlm.data.readers._common import (
    Ctx,
    check_rows,
    claim_stem,
    count_resorted,
    exact_time,
    finalize,
    parse_float,
    parse_time,
)
from trajlm.data.readers._sensors import XML_NAMES, empty_columns, sensor_exprs, without_empty
from trajlm.data.readers.gz import open_bytes, stem
from trajlm.data.schema import TrajlmInputError, conform

BLOCK_BYTES = 1 << 20


class _Collector:
    """expat callbacks that append one row per closed <trkpt> (the only per-point Python work)."""

    def __init__(self, stem: str, parser: expat.XMLParserType) -> None:
        self.stem, self.parser = stem, parser
        self.trk, self.seg, self.rte = -1, -1, -1
        self.cols: dict[str, list] = {
            k: [] for k in ("traj_id", "lat", "lon", "time", "ele", "_line")
        } | empty_columns()
        self.point: dict | None = None
        self.text: list[str] | None = None
        self.field = ""  # the point's field the text belongs to
        self.done = 0  # rows that belong to closed segments
        self.route: list[dict] = []  # <rtept>s, read when the file has no <trkpt>
        self.wpts: list[dict] = []  # <wpt>s, read when they are a timed log (timed_log)

    def start(self, name: str, attrs: dict[str, str]) -> None:
        tag = name.rsplit(" ", 1)[-1]
        if tag == "trk":
            self.trk, self.seg = self.trk + 1, -1
        elif tag == "trkseg":
            self.seg += 1
        elif tag == "rte":
            self.rte += 1
        elif tag in ("trkpt", "rtept", "wpt"):
            tid = (f"{self.stem}/{max(self.trk, 0)}/{max(self.seg, 0)}" if tag == "trkpt"
                   else f"{self.stem}/rte{max(self.rte, 0)}" if tag == "rtept"
                   else f"{self.stem}/wpt")  # fmt: skip
            self.point = {
                "traj_id": tid,
                "lat": attrs.get("lat"),
                "lon": attrs.get("lon"),
                "time": None,
                "ele": None,
                "_line": self.parser.CurrentLineNumber,
            } | dict.fromkeys(empty_columns())
        elif self.point is not None and (tag in ("time", "ele") or tag.lower() in XML_NAMES):
            self.text, self.field = [], tag if tag in ("time", "ele") else XML_NAMES[tag.lower()]

    def chars(self, data: str) -> None:
        if self.text is not None:
            self.text.append(data)

    def end(self, name: str) -> None:
        tag = name.rsplit(" ", 1)[-1]
        if self.point is not None and self.text is not None and self.field:
            self.point[self.field] = "".join(self.text).strip() or None
            self.text, self.field = None, ""
        elif tag == "trkpt" and self.point is not None:
            for k, v in self.point.items():
                self.cols[k].append(v)
            self.point = None
        elif tag == "rtept" and self.point is not None:
            self.route.append(self.point)
            self.point = None
        elif tag == "wpt" and self.point is not None:
            self.wpts.append(self.point)
            self.point = None
        elif tag == "trkseg":
            self.done = len(self.cols["_line"])

    def take(self, n: int) -> dict[str, list]:
        out = {k: v[:n] for k, v in self.cols.items()}
        self.cols = {k: v[n:] for k, v in self.cols.items()}
        self.done -= n
        return out


def points_frame(
    cols: dict[str, list],
    file: int,
    ctx: Ctx,
    no_time_msg: str = "<trkpt> has no <time>",
    whole: bool = False,
) -> pl.DataFrame:
    """Check and parse collected points; `whole`: they are the file's first (all of them
    without a time is then one line about the file, no skip hint)."""
    cols = without_empty(cols)
    df = pl.DataFrame(cols, schema={k: pl.Int64 if k == "_line" else pl.Utf8 for k in cols})
    df = df.with_columns(_file=pl.lit(file, dtype=pl.Int32))
    no_time = df.filter(pl.col("time").is_null())
    if len(no_time):
        if ctx.on_error == "raise" and whole and len(no_time) == len(df):  # skipping cannot help
            raise TrajlmInputError(
                f"none of its {len(df)} points has a <time>: a planned route or a drawn track "
                "(Komoot, route planners, gpx.studio), not a recording",
                path=ctx.paths[file],
                hint="trajlm reads trajectories, a time per point; record the trip, or export "
                "the recorded activity rather than the planned tour",
            )
        if ctx.on_error == "raise":
            raise ctx.error(no_time_msg, file, no_time["_line"][0], "time")
        ctx.report.rows_in += len(no_time)
        ctx.report.drop("missing_time", len(no_time))
        df = df.filter(pl.col("time").is_not_null())
    pts = df.select(
        "traj_id",
        *exact_time(parse_time("time", "iso", unit="ms")),
        parse_float("lat").alias("lat"),
        parse_float("lon").alias("lon"),
        parse_float("ele").alias("elevation_m"),
        *sensor_exprs(df.columns),
        "_file",
        "_line",
    )
    fields = {"traj_id": "trkseg", "t": "time", "lat": "lat", "lon": "lon"}
    pts = check_rows(pts, ctx, fields)
    count_resorted(pts, ctx)
    return finalize(pts)


def timed_log(wpts: list[dict]) -> bool:
    """<wpt>s that are a position log (Garmin inReach / SPOT exports: no <trk>, a waypoint per
    message): at least 3, every one with a time, times increasing in file order, a median step
    under 6 h. Waypoints of places (geocaches: the date each was hidden, in no order) are not."""
    if len(wpts) < 3 or not all(p["time"] for p in wpts):
        return False
    t = pl.Series([p["time"] for p in wpts]).str.to_datetime(strict=False, time_zone="UTC")
    if t.null_count():
        return False
    steps = t.diff().drop_nulls().dt.total_seconds()
    return bool((steps > 0).all() and steps.median() < 6 * 3600)


def file_points(
    cols: dict[str, list], file: int, ctx: Ctx, no_time_msg: str, unique: bool = True
) -> Iterator[pl.DataFrame]:
    """One file's collected points as (at most) one canonical chunk: ``points_frame`` of them; a file
    whose stem another file already claimed (``unique`` False) is dropped as
    ``duplicate_traj_id`` instead, and an empty one yields nothing."""
    out = points_frame(cols, file, ctx, no_time_msg=no_time_msg)
    if not unique:
        ctx.report.drop("duplicate_traj_id", len(out))
    elif len(out):
        yield conform(out)


def iter_gpx(paths: list[Path], ctx: Ctx, chunk_rows: int) -> Iterator[pl.DataFrame]:
    """Stream canonical chunks of whole track segments (about chunk_rows points each)."""
    stems: dict[str, Path] = {}
    for path in paths:
        file = ctx.add_path(path)
        unique = claim_stem(ctx, file, stems)
        parser = expat.ParserCreate(namespace_separator=" ")
        col = _Collector(stem(path), parser)
        parser.StartElementHandler, parser.EndElementHandler = col.start, col.end
        parser.CharacterDataHandler = col.chars
        rows_before = ctx.report.rows_in
        with open_bytes(path, ctx.limits) as f:
            first = True
            while True:
                block = f.read(BLOCK_BYTES)
                if first:  # blank lines / spaces before <?xml (Strava's exports): not XML errors
                    block, first = block.lstrip(b" \t\r\n"), False
                try:
                    parser.Parse(block, not block)
                except expat.ExpatError as e:
                    if ctx.on_error == "raise":
                        raise ctx.error(
                            f"XML is malformed or truncated ({expat.ErrorString(e.code)}, "
                            f"column {e.offset})",
                            file,
                            e.lineno,
                            None,
                        ) from None
                    ctx.report.rows_in += 1
                    ctx.report.drop("truncated_xml", 1)
                    col.done = len(col.cols["_line"])  # keep every closed trkpt
                    block = b""
                if col.done >= chunk_rows or (not block and col.done):
                    whole = ctx.report.rows_in == rows_before
                    out = points_frame(col.take(col.done), file, ctx, whole=whole)
                    if not unique:
                        ctx.report.drop("duplicate_traj_id", len(out))
                    elif len(out):
                        yield conform(out)
                if not block:
                    break
        timed = col.route and all(p["time"] for p in col.route)
        if ctx.report.rows_in == rows_before and timed and unique:  # a timed route, no track
            route = {k: [p[k] for p in col.route] for k in col.route[0]}
            yield from file_points(route, file, ctx, "an <rtept> has no <time>")
        elif ctx.report.rows_in == rows_before and unique and timed_log(col.wpts):
            warnings.warn(
                f"{path.name}: no track; its {len(col.wpts)} <wpt> waypoints have times in "
                "order (a tracker's log: inReach, SPOT) and are read as one trajectory",
                stacklevel=2,
            )
            log = {k: [p[k] for p in col.wpts] for k in col.wpts[0]}
            yield from file_points(log, file, ctx, "a <wpt> has no <time>")
        elif ctx.report.rows_in == rows_before:
            if ctx.on_error == "raise":  # the whole file: skipping cannot help
                raise TrajlmInputError(
                    "no <trkpt> points, and no <rte> whose every <rtept> has a <time> (untimed "
                    "routes and waypoints <wpt> are not trajectories)",
                    path=path,
                    hint="a GPX trajectory is a <trk> of <trkpt> with <time>",
                )
            ctx.report.rows_in += 1
            ctx.report.drop("empty_file", 1)
