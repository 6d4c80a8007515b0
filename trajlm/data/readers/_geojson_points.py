"""A GeoJSON FeatureCollection of Point features (one fix per feature, as trackintel's
positionfixes or a GIS export write them): a point table, read like a CSV.

Each feature's `geometry.coordinates` is [lon, lat]; its properties give the trajectory and the
time. Those two properties are the ones named in the column mapping (--traj-col / --time-col,
`ColumnMap(traj_id=..., t=...)`), else recognised by name as in a CSV header
(trajlm.data.column_names; for the trajectory also user / person, and never a property that is
different in every feature, such as a per-fix `id`). traj_id = "<file stem>/<value>". Times are
parsed as CSV times (ISO-8601 text or Unix seconds; a mapping's time_format, utc_offset_s and tz
apply). When no property can be told, the whole file is refused with one line naming the
properties (skipping rows would not help: every feature is alike).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import polars as pl

from trajlm.data.column_names import TIERS, by_ending, candidates
from trajlm.data.readers._common import T_RAW, ColumnMap, exact_time, parse_time
from trajlm.data.schema import TrajlmInputError

_TRAJ = (*TIERS["traj_id"], ("user", "person", "individual", "name", "device"))
_HINT = "map them with --traj-col / --time-col (Python: columns=ColumnMap(traj_id=..., t=...))"


def is_point_collection(feats: list) -> bool:
    """Every feature is a GeoJSON Feature with a Point geometry and no temporalGeometry."""
    return bool(feats) and all(
        isinstance(f, dict)
        and "temporalGeometry" not in f
        and isinstance(f.get("geometry"), dict)
        and f["geometry"].get("type") == "Point"
        for f in feats
    )


def _pick(
    field: str, given: str | None, tiers: tuple, props: list[dict], have: list[str], path: Path
) -> str:
    what = {"traj_id": "names the trajectory", "t": "holds the time"}[field]
    n = len(props)
    if given is not None:
        if given not in have:
            raise TrajlmInputError(
                f"GeoJSON Point features: no property {given!r}; the properties are {have}",
                path=path, field="features[].properties", hint=_HINT,
            )  # fmt: skip
        return given
    keep = have
    if field == "traj_id":  # a property different in every feature is a fix id, not a track
        keep = [k for k in have if len({str(p.get(k)) for p in props}) < n or n == 1]
    found = candidates(tiers, keep) or by_ending(field, keep)  # `bike_id` as in a CSV (formats21)
    if len(found) != 1:
        why = f"several properties could be {field}: {found}" if found else f"no property {what}"
        raise TrajlmInputError(
            f"GeoJSON Point features (one fix each, {n:,} in the file): {why}; the properties "
            f"are {have}",
            path=path, field="features[].properties", hint=_HINT,
        )  # fmt: skip
    return found[0]


def point_table(
    feats: list, path: Path, file: int, cm: ColumnMap | None
) -> tuple[pl.DataFrame, dict]:
    """(points with traj_id, t, lat, lon, _t_ms, _t_raw, _file, _line; error field names)."""
    cm = cm or ColumnMap()
    default = ColumnMap()
    props = [f.get("properties") or {} for f in feats]
    have = list(dict.fromkeys(k for p in props for k in p))
    traj = _pick("traj_id", None if cm.traj_id == default.traj_id else cm.traj_id, _TRAJ, props,
                 have, path)  # fmt: skip
    time = _pick("t", None if cm.t == default.t else cm.t, TIERS["t"], props, have, path)
    coords = [f["geometry"].get("coordinates") for f in feats]
    ok = [isinstance(c, list) and len(c) >= 2 for c in coords]

    def num(v: object) -> float | None:
        return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None

    df = pl.DataFrame(
        {
            "_tid": [None if p.get(traj) is None else str(p.get(traj)) for p in props],
            "_time": [None if p.get(time) is None else str(p.get(time)) for p in props],
            "lon": [num(c[0]) if k else None for c, k in zip(coords, ok, strict=True)],
            "lat": [num(c[1]) if k else None for c, k in zip(coords, ok, strict=True)],
        },
        schema={"_tid": pl.Utf8, "_time": pl.Utf8, "lon": pl.Float64, "lat": pl.Float64},
    )
    time_format = cm.time_format
    if time_format is None:  # epoch ms / us / ns told by their size (session 19), said
        from trajlm.data.readers._epoch_size import WORDS, unit_by_size

        unit = unit_by_size(df["_time"].to_list())
        if unit not in (None, "unix"):
            time_format = unit
            warnings.warn(
                f"{path.name}: times in properties.{time} are Unix {WORDS[unit]} by their size "
                "(1990-2100 in seconds, ms, us and ns do not overlap); read as such",
                stacklevel=2,
            )
    t_ms = parse_time("_time", time_format, cm.utc_offset_s, unit="ms", tz=cm.tz)
    out = df.select(
        pl.when(pl.col("_tid").is_not_null())
        .then(pl.lit(f"{path.stem}/") + pl.col("_tid"))
        .alias("traj_id"),
        *exact_time(t_ms),
        "lat",
        "lon",
        pl.col("_time").alias(T_RAW),
        _file=pl.lit(file, dtype=pl.Int32),
        _line=pl.lit(None, dtype=pl.Int64),
    )
    fields = {"traj_id": f"properties.{traj}", "t": f"properties.{time}",
              "lat": "geometry.coordinates", "lon": "geometry.coordinates"}  # fmt: skip
    return out, fields


def point_columns(paths: list, cm: ColumnMap | None) -> dict[str, str] | None:
    """{"traj_id": property, "t": property} read from the first file when it is a collection of
    Point features (None otherwise, or when the reader will say what is wrong with it); {} for
    Google location history (_json_tracks.py) and an API's position records (_json_records.py:
    heldout25's pilot boats, six days of jobs per boat read as one track each): points too, so
    ingest cleans them like a CSV (split at time gaps), not one trajectory per Feature."""
    import gzip
    import json

    from trajlm.data.readers._arrow_tables import json_values
    from trajlm.data.readers._event_stream import event_records, is_event_stream
    from trajlm.data.readers._json_records import record_tracks
    from trajlm.data.readers._json_reshape import reshaped
    from trajlm.data.readers._json_tables import table_records
    from trajlm.data.readers._json_tracks import overland_features, tracks

    first = _first_json(Path(paths[0]))
    if first is None:
        return None
    try:
        raw = first.read_bytes()
        if is_event_stream(first):  # Server-Sent Events (heldout39): their data's records
            doc = event_records(raw.decode("utf-8", errors="replace"))[0]
        else:  # a DynamoDB export's data file: gzipped JSON lines (heldout39)
            doc = json_values(gzip.decompress(raw)) if raw[:2] == b"\x1f\x8b" else json.loads(raw)
        if tracks(doc) is not None:
            return {}
        if not (isinstance(doc, dict) and "type" in doc):  # pandas / Esri / Fit tables too
            table = table_records(doc)  # (heldout35: 4 days of one phone were one trajectory)
            if record_tracks(doc if table is None else table) is not None:
                return {}  # an API's position records (a fleet's fixes): points too (heldout25)
            if (shaped := reshaped(doc)) is not doc and record_tracks(shaped) is not None:
                return {}  # DynamoDB, ThingsBoard, Firebase records (heldout39): points too
        feats = doc.get("features") if isinstance(doc, dict) else None
        feats = overland_features(doc) or feats
        if not isinstance(feats, list) or not is_point_collection(feats):
            return None
        df, fields = point_table(feats[:2000], first, 0, cm)
    except (ValueError, TrajlmInputError, RecursionError):  # not JSON / no usable property /
        return None  # nested past Python's limit (badin18): the reader says
    return {k: fields[k].removeprefix("properties.") for k in ("traj_id", "t")}


def _first_json(path: Path) -> Path | None:
    """`path` when a file; in a folder, its first JSON file (by name) holding something to read:
    a Google Takeout `All Data` folder's step counts and a Strava `activities.json` are passed
    over, so a folder of record tables is cleaned like one (heldout35: four days of one phone,
    eight trucks' two days, each one trajectory)."""
    import json

    from trajlm.data.readers._export_folders import export_data_files
    from trajlm.data.readers._json_tables import fit_without_positions, strava_summaries

    if path.is_file():
        return path
    if not path.is_dir():
        return None
    if data := export_data_files(path):  # a DynamoDB export: its data, not its manifests
        return data[0]
    files = sorted(p for p in path.rglob("*") if p.suffix.lower() in (".json", ".geojson"))
    for f in files[:10]:
        try:
            doc = json.loads(f.read_bytes())
        except (OSError, ValueError, RecursionError):
            return None  # the reader says what is wrong with it
        if not (fit_without_positions(doc) or strava_summaries(doc)):
            return f
    return None
