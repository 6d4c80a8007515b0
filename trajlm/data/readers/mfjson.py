"""OGC Moving Features JSON (MF-JSON) reader: MovingPoint trajectories.

Accepted documents (each file is loaded whole with `json`; MF-JSON files are small documents,
not point streams, so no streaming is attempted within a file, only across files):
  * a Feature with `temporalGeometry` {type: MovingPoint, coordinates: [[lon, lat(, z)], ...],
    datetimes: [...]} (MF-JSON "MovingPoint" encoding);
  * a Feature with a GeoJSON LineString/MultiPoint `geometry` and `properties.datetimes` (the
    MF-JSON "Trajectory" encoding, as MovingPandas writes it);
  * a FeatureCollection of such Features, or a bare MovingPoint object.
datetimes are ISO-8601 strings (Z or offset; naive = UTC) or numbers (Unix milliseconds, as
the MF-JSON spec allows). One trajectory per Feature: traj_id = "<file stem>" for a single
Feature without `id`, otherwise "<file stem>/<id or index in the collection>". Coordinates are
WGS84 lon/lat (the MF-JSON default CRS84); a `crs` naming anything else is refused. A third
coordinate (height) and temporalProperties are not read.

Counting: one unit per point; the points of a file whose stem an earlier file of the read already
has are `duplicate_traj_id` (their ids would merge with that file's; raise mode: an error); a Feature that yields no point (no usable temporal geometry,
coordinates and datetimes of different lengths) counts one unit, reason `invalid_mfjson`; a file
that is not valid JSON counts one unit, reason `invalid_json`. Bad points (time not parseable,
out-of-range coordinates) are handled as in every reader.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl

from trajlm.data.readers._arrow_tables import GEOJSON_LINES, JSON_LINES, json_lines, json_values
from trajlm.data.readers._common import (
    ColumnMap,
    Ctx,
    check_rows,
    claim_stem,
    count_resorted,
    exact_time,
    finalize,
    parse_time,
)
from trajlm.data.readers._event_stream import event_records, is_event_stream
from trajlm.data.readers._export_folders import export_manifest_note
from trajlm.data.readers._geojson_points import is_point_collection, point_table
from trajlm.data.readers._json_empty import (
    broken_json_text,
    empty_records,
    hollow_export,
    lone_branch,
    near_records,
    no_vehicles,
    null_locations,
    streams_without_start,
    values_apart,
)
from trajlm.data.readers._json_fields import records_time_key
from trajlm.data.readers._json_records import record_tracks
from trajlm.data.readers._json_reshape import reshaped
from trajlm.data.readers._json_tables import (
    fit_without_positions,
    strava_start,
    strava_streams,
    strava_summaries,
    table_records,
)
from trajlm.data.readers._json_tracks import (
    overland_features,
    rec_lines,
    split_multilines,
    tracks,
)
from trajlm.data.readers._json_zone import in_zone
from trajlm.data.readers._keyed_lists import merged
from trajlm.data.readers._mf_features import (
    BadFeature,
    MapMarker,
    NotWgs84,
    PointFeature,
    check_crs,
    crs_error,
    feature_track,
    mf_features,
)
from trajlm.data.readers._path_lists import one_fix, path_near_miss
from trajlm.data.readers._topojson import topology_features
from trajlm.data.readers.gz import read_packed_or_plain
from trajlm.data.schema import TrajlmInputError, conform

_WHOLE_FILE = (
    "not a trajectory JSON trajlm reads: MF-JSON, GeoJSON LineStrings with per-vertex times or "
    "Point features with a time property, Google location history (Records.json, Timeline), "
    "Overland, OwnTracks, ADS-B Exchange traces, Arc, Moves, Polar Flow sessions, Garmin Connect "
    "details, Komoot tours, OGC SensorThings locations, Strava streams beside activities.json, "
    "Google Fit location samples, Esri JSON point FeatureSets, pandas DataFrame.to_json; skipping "
    "cannot help (it is the whole document): convert it to CSV / GPX"
)


class _NoEventData(Exception):
    """An event stream none of whose events' data is a JSON object (raised in the JSON read's
    try block, told outside it)."""


def _num(v: Any) -> float | None:
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None


def _ms(v: Any) -> float | None:
    """Unix milliseconds, or None (a malformed_row) for NaN / inf / beyond int64 (1e20, 1e30)."""
    x = _num(v)
    return x if x is not None and math.isfinite(x) and abs(x) < 2.0**62 else None


def _frame(tid: str, coords: list, times: list, file: int) -> pl.DataFrame:
    ms = [_ms(t) for t in times]
    text = [t if isinstance(t, str) else None for t in times]
    df = pl.DataFrame(
        {
            "traj_id": [tid] * len(coords),
            "lon": [_num(c[0]) for c in coords],
            "lat": [_num(c[1]) for c in coords],
            "_ms": pl.Series(ms, dtype=pl.Float64),
            "_text": pl.Series(text, dtype=pl.Utf8),
        },
        schema_overrides={"lon": pl.Float64, "lat": pl.Float64},
    )
    t_ms = pl.coalesce(pl.col("_ms").floor().cast(pl.Int64), parse_time("_text", "iso", unit="ms"))
    return df.select(
        "traj_id",
        *exact_time(t_ms),
        "lat",
        "lon",
        _file=pl.lit(file, dtype=pl.Int32),
        _line=pl.lit(None, dtype=pl.Int64),
    )


def _skip_or_raise(ctx: Ctx, file: int, reason: str, msg: str, where: str | None) -> None:
    if ctx.on_error == "raise" and where == "$":  # the whole document: skipping cannot help
        raise TrajlmInputError(f"{msg}; {_WHOLE_FILE}", path=ctx.paths[file], field=where)
    if ctx.on_error == "raise":
        raise ctx.error(msg, file, None, where)
    ctx.report.rows_in += 1
    ctx.report.drop(reason, 1)


def _empty(ctx: Ctx, file: int, msg: str) -> None:
    """A file with nothing to read: one line naming it, or one counted `empty_file` unit."""
    if ctx.on_error == "raise":
        raise TrajlmInputError(msg, path=ctx.paths[file], hint="leave the file out, or "
                               'on_error="skip" (--on-error skip) counts it as empty_file')  # fmt: skip
    ctx.report.rows_in += 1
    ctx.report.drop("empty_file", 1)


def iter_mfjson(
    paths: list[Path], ctx: Ctx, chunk_rows: int, columns: ColumnMap | None = None
) -> Iterator[pl.DataFrame]:
    """One canonical chunk per file (each file is loaded whole). A FeatureCollection of Point
    features only is a point table (_geojson_points.py; `columns` names its properties)."""
    del chunk_rows  # a file is one JSON document: no finer streaming
    stems: dict[str, Path] = {}
    for path in paths:
        file = ctx.add_path(path)
        unique = claim_stem(ctx, file, stems)
        if (note := export_manifest_note(path)) is not None and ctx.on_error == "raise":
            raise ctx.error(note, file, None, None)  # badin40: "top level is not a JSON object"
        raw = read_packed_or_plain(path)  # `trace_full_*.json` gzipped by readsb, `.json.gz`
        if not raw.strip():
            _empty(ctx, file, "file is empty (no JSON document in it)")
            continue
        try:
            if path.suffix.lower() in (*GEOJSON_LINES, *JSON_LINES):  # a Feature a line
                doc = {"type": "FeatureCollection", "features": json_lines(raw.decode())}
            elif path.suffix.lower() == ".rec":
                doc = rec_lines(raw.decode())
            elif is_event_stream(path):  # Server-Sent Events saved by curl (heldout39)
                doc, n_bad = event_records(raw.decode("utf-8", errors="replace"))
                ctx.report.rows_in += n_bad
                ctx.report.drop("no_fix", n_bad)
                if not doc and ctx.on_error == "raise":  # badin40: "$ is an empty list"
                    raise _NoEventData(n_bad)
            else:
                doc = json_values(raw)
        except _NoEventData as e:
            if not e.args[0]:  # `:ok` / `event:` lines only (fix40b; was "missing column(s)")
                raise ctx.error("a saved event stream (Server-Sent Events) with no `data:` line: "
                                "no event to read; was it saved before any event came (`curl "
                                "-N` stopped too soon)?", file, None, None) from None  # fmt: skip
            raise ctx.error(f"a saved event stream whose {e.args[0]} event(s) carry data that "
                            "is no JSON object: nothing to read (each event's `data:` line "
                            "holds one JSON object)", file, None, None) from None  # fmt: skip
        except (ValueError, RecursionError) as e:  # JSONDecodeError, UnicodeDecodeError, a
            # 5000-digit number (int max str digits), arrays nested 100k deep
            if isinstance(e, RecursionError):
                e = ValueError("nested too deep")
            line = getattr(e, "lineno", None)
            if ctx.on_error == "raise":
                raise ctx.error(f"not valid JSON ({e})", file, line, None) from None
            ctx.report.rows_in += 1
            ctx.report.drop("invalid_json", 1)
            continue
        try:
            other = tracks(doc)
        except TrajlmInputError as e:  # a service file's error (Polar offset, ADS-B rows)
            if e.path is not None:
                raise
            raise TrajlmInputError(str(e), path=path) from None
        if other is not None:  # Google location history (_json_tracks.py)
            yield from _other(
                in_zone(_from_origin(other, columns), columns), path, file, ctx, unique
            )
            continue
        try:
            topo = topology_features(doc)  # TopoJSON's arcs decoded (heldout36)
        except TrajlmInputError as e:
            text = str(e.args[0]).removeprefix(f"field {e.field}: ")
            raise TrajlmInputError(text, path=path, field=e.field) from None
        if (feats := overland_features(doc) if topo is None else topo) is not None:
            doc = {"type": "FeatureCollection", "features": feats}
        if not (isinstance(doc, dict) and "type" in doc):  # not GeoJSON: an API's answer?
            if strava_summaries(doc) and len(paths) > 1:  # the starts of streams beside it
                ctx.report.rows_in += 1
                ctx.report.drop("empty_file", 1)
                continue
            if streams_without_start(doc) and (start := strava_start(path, paths)) is not None:
                if (streams := strava_streams(doc, start)) is not None:
                    yield from _other(streams, path, file, ctx, unique)
                    continue
            if (why := fit_without_positions(doc)) is not None:
                if len(paths) > 1:  # a Takeout `All Data` folder: its step / heart files
                    ctx.report.rows_in += 1
                    ctx.report.drop("empty_file", 1)
                else:
                    _empty(ctx, file, why)
                continue
            try:  # pandas' to_json orients, Esri JSON, Google Fit points: records (heldout35)
                records, read_from = _records(doc), doc  # (_json_records.py)
                if records is None and (keyed := merged(doc)) is not doc:
                    records, read_from = _records(keyed), keyed  # Endomondo's (heldout36)
                if records is None and (shaped := reshaped(doc)) is not doc:
                    if (apart := values_apart(shaped)) is not None:  # badin40
                        raise TrajlmInputError(apart, field="$")
                    records, read_from = _records(shaped), shaped  # DynamoDB, ThingsBoard,
                    # Firebase (heldout39)
            except TrajlmInputError as e:  # times in two units (badin19)
                text = str(e.args[0]).removeprefix(f"field {e.field}: ")
                raise TrajlmInputError(text, path=path, field=e.field) from None
            if records is not None:  # a bad time names the records' own key (fix40b)
                records = in_zone(records, columns)  # naive text on --tz's clock (heldout40)
                table = table_records(read_from)
                time_key = records_time_key(read_from if table is None else table)
                yield from _other(records, path, file, ctx, unique, own_ids=True,
                                  time_key=time_key)  # fmt: skip
                continue
            if n_null := null_locations(doc):  # Find My items without a fix (badin21)
                ctx.report.rows_in += n_null
                ctx.report.drop("no_fix", n_null)
                continue
            if no_vehicles(doc):  # a GTFS-rt poll while no vehicle reports: nothing to read
                ctx.report.rows_in += 1
                ctx.report.drop("empty_file", 1)
                continue
            keyed = merged(doc)  # Endomondo's one-key objects: said as their records (badfix37:
            # points without a longitude, or none, were "top level is not a JSON object")
            why = empty_records(doc) or empty_records(keyed) or hollow_export(doc)  # (fix40b)
            if why is not None:  # `[]` (badin19)
                _empty(ctx, file, why)
                continue
            near = near_records(doc) or (near_records(keyed) if keyed is not doc else None)
            near = near or path_near_miss(doc) or one_fix(doc) or lone_branch(doc)  # (badin38)
            if near is None and (shaped := reshaped(doc)) is not doc:  # DynamoDB (fix40b)
                near = near_records(shaped)
            near = near or broken_json_text(doc)  # (fix40b)
            if (why := streams_without_start(doc) or near) is not None:
                _skip_or_raise(ctx, file, "invalid_mfjson", why, "$")  # near: no / two latitudes
                continue
        try:
            if isinstance(doc, dict):
                check_crs(doc, "$")
            feats = mf_features(doc)
        except NotWgs84 as e:
            raise crs_error(e, path) from None
        except BadFeature as e:
            _skip_or_raise(ctx, file, "invalid_mfjson", e.args[0], e.args[1])
            continue
        if not feats:
            _empty(ctx, file, "the FeatureCollection has no features (no points in the file)")
            continue
        if is_point_collection([f for _, f, _ in feats]):
            df, fields = point_table([f for _, f, _ in feats], path, file, columns)
            yield from _finish(df, fields, ctx, unique)
            continue
        feats = split_multilines(feats)  # a MultiLineString: one trajectory per line
        single = len(feats) == 1 and feats[0][0] is None
        parts = []
        for fid, feat, where in feats:
            try:
                coords, times = feature_track(feat, where)
            except NotWgs84 as e:
                raise crs_error(e, path) from None
            except MapMarker:  # no fix: counted, never an error (a track map's markers)
                ctx.report.rows_in += 1
                ctx.report.drop("map_marker", 1)
                continue
            except BadFeature as e:
                reason = (
                    "geojson_point_feature" if isinstance(e, PointFeature) else "invalid_mfjson"
                )
                _skip_or_raise(ctx, file, reason, e.args[0], e.args[1])
                continue
            if not coords:
                _skip_or_raise(ctx, file, "invalid_mfjson", "empty trajectory", where)
                continue
            tid = path.stem if single else f"{path.stem}/{fid}"
            parts.append(_frame(tid, coords, times, file))
        if not parts:
            continue
        fields = {"traj_id": "id", "t": "datetimes", "lat": "coordinates", "lon": "coordinates"}
        yield from _finish(pl.concat(parts), fields, ctx, unique)


def _records(doc: Any) -> list | None:
    """A document's tracks as record tables (pandas' orients and Esri JSON first made records)."""
    table = table_records(doc)
    return record_tracks(doc if table is None else table)


def _other(
    tracks: list, path: Path, file: int, ctx: Ctx, unique: bool, own_ids: bool = False,
    time_key: str | None = None,
) -> Iterator[pl.DataFrame]:  # fmt: skip
    """A file's trajectories read by `_json_tracks` / `_json_services` / `_json_records`
    (`own_ids`: a record's id names its trajectory across files, like a CSV's id column: a
    folder of GTFS-rt snapshots holds each vehicle once; the stem only when it has none)."""
    if own_ids:  # API records without a position (AIS 91 / 181, Find My's null location, a
        # tar1090 position without `seen_pos`) are no_fix even when the whole poll is (badin21)
        tracks, n_none = _fixed(tracks)
        if n_none:
            ctx.report.rows_in += n_none
            ctx.report.drop("no_fix", n_none)
            if not tracks:
                return
    parts = [_frame(path.stem if tid is None else tid if own_ids else f"{path.stem}/{tid}",
                    c, t, file) for tid, c, t in tracks if c]  # fmt: skip
    if not parts:
        _skip_or_raise(ctx, file, "invalid_mfjson", "no timed points", "$")
        return
    fields = {"traj_id": "<file stem>", "t": time_key or "timestamp", "lat": "latitude",
              "lon": "longitude"}  # fmt: skip
    yield from _finish(pl.concat(parts), fields, ctx, unique)


def _from_origin(tracks: list, columns: ColumnMap | None) -> list:
    """Tracks whose number times count from a start with no date (deck.gl's seconds from the
    animation's start, read as ms after 1970) moved to `--time-origin` (heldout37b: refused
    naming it, which the JSON route then ignored)."""
    origin = columns.origin_s() if columns is not None else None
    if origin is None and columns is not None and columns.time_origin is not None:
        raise TrajlmInputError(
            columns.option_error() or f"time origin {columns.time_origin!r} is not a time",
            field="time_origin",
        )  # badin38: was dropped
    if origin is None:
        return tracks
    before_1990 = 6.3e11  # ms
    return [(tid, c, [t + origin * 1000.0 if type(t) in (int, float) and t < before_1990 else t
                      for t in ts]) for tid, c, ts in tracks]  # fmt: skip


def _fixed(tracks: list) -> tuple[list, int]:
    """(the tracks without their points that have neither coordinate, how many those were)."""
    out, n = [], 0
    for tid, c, t in tracks:
        keep = [i for i, p in enumerate(c) if not (p[0] is None and p[1] is None)]
        n += len(c) - len(keep)
        if keep:
            out.append((tid, [c[i] for i in keep], [t[i] for i in keep]))
    return out, n


def _finish(df: pl.DataFrame, fields: dict, ctx: Ctx, unique: bool) -> Iterator[pl.DataFrame]:
    """Check, count and hand out one file's points (`unique`: its stem was not seen before)."""
    out = check_rows(df, ctx, fields)
    count_resorted(out, ctx)
    out = finalize(out)
    if not unique:
        ctx.report.drop("duplicate_traj_id", len(out))
    elif len(out):
        yield conform(out)
