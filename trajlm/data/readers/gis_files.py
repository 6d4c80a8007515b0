"""GIS vector files as GeoPandas / QGIS / ogr2ogr write them (session 20): GeoPackage (`.gpkg`,
several layers), ESRI shapefiles (`.shp` with its `.dbf` / `.prj` / `.cpg`, a folder of them, or
a `.zip` of one), FlatGeobuf (`.fgb`) and GeoJSON in a projected CRS (GeoPandas writes the
`"crs"` member). The point layer with a time field is read with pyogrio (the `geo` extra:
`pip install 'trajlm[geo]'`; without it one line says so), reprojected to WGS 84 when its CRS is
another, and written as a temporary Parquet table (`lat`, `lon` and the layer's fields) that is
read as any Parquet table: the same column detection, options and checks.

* Layers: the point layers that have a time (a datetime field, a field named like a time, or a
  date field beside a time-of-day text field). One such layer is read; several are one line
  naming them, except ogr2ogr's GPX conversion, whose `track_points` layer is the track
  (`waypoints` are places). Lines / polygons only, or points without times: one line saying so.
* Shapefiles keep dates without times (a DBF `D` field) and cut names to 10 characters; a date
  field beside a text field of times of day (`recorded_d` + `recorded_t` = "09:00:10") is read
  as one time, said. GDAL writes GeoPandas datetimes to shapefiles as text
  (`2026/03/08 18:00:00+00`), which the time parser reads.
* ogr2ogr's GPX track points (`track_fid`, `track_seg_id`): one trajectory per segment, as the
  GPX reader reads a `<trkseg>`.
* The layer is read in batches of BATCH features (pyogrio's skip / max features; formats21:
  it was read whole, so a file was bounded by memory) and written to the Parquet table batch
  by batch; the fields kept and the time fields are decided on the first batch.
* `layer` (CLI `--layer`, ColumnMap.layer; formats21): that layer, when several have times.

Which paths are GIS files (`gis_members`) and a CSV's `.prj` sidecar (`prj_crs`):
_gis_detect.py (session 21), re-exported here.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from pathlib import Path
from typing import Any

from trajlm.data.readers._gis_detect import (  # noqa: F401  (re-exported)
    SUFFIXES,
    gis_members,
    kml_fields_only,
    prj_crs,
)
from trajlm.data.schema import TrajlmInputError

SAMPLE = 1000  # features of each point layer read to tell which one has times
BATCH = 200_000  # features read and written at a time
_TIME_OF_DAY = re.compile(r"\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?")
# dates as text (GDAL writes GeoPandas datetimes to a shapefile's DBF as `2026/03/08 18:00:00+00`)
_DATE_TEXT = re.compile(r"\s*(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4})[ T]\d")
_HINT = "pip install 'trajlm[geo]' (geopandas, pyogrio), or export the layer as CSV / GeoJSON in EPSG:4326"


def _time_fields(df: Any) -> tuple[list[str], tuple[str, str] | None]:
    """(datetime fields or fields named like a time, (date field, time-of-day field) or None)."""
    import pandas as pd

    from trajlm.data.column_names import TIERS, by_ending, candidates

    cols = [c for c in df.columns if c != "geometry"]
    dated = [c for c in cols if pd.api.types.is_datetime64_any_dtype(df[c])]
    named = candidates(TIERS["t"], cols) or by_ending("t", cols)
    days = [c for c in dated if (df[c].dropna().dt.normalize() == df[c].dropna()).all()]
    text = {
        c: v.head(200)
        for c in cols
        if (df[c].dtype == object or pd.api.types.is_string_dtype(df[c]))
        and len(v := df[c].dropna().astype(str)) > 0
    }
    clock = [c for c, v in text.items() if v.str.fullmatch(_TIME_OF_DAY.pattern).all()]
    written = [c for c, v in text.items() if v.str.match(_DATE_TEXT.pattern).all()]
    pair = (days[0], clock[0]) if len(days) == 1 and len(clock) == 1 else None
    times = [c for c in dict.fromkeys([*named, *dated, *written]) if c not in days or pair is None]
    return times, pair


def _source(path: Path) -> Any:
    """What GDAL opens for `path`: a zip whose shapefiles all sit in one subfolder
    (`export/tracks/x.shp`) is opened at that folder (GDAL looks at the zip's root only)."""
    if path.suffix.lower() != ".zip":
        return path
    try:
        with zipfile.ZipFile(path) as z:
            dirs = {
                n.rsplit("/", 1)[0] if "/" in n else ""
                for n in z.namelist()
                if n.lower().endswith(".shp")
            }
    except (OSError, zipfile.BadZipFile):
        return path
    if len(dirs) == 1 and (sub := dirs.pop()):
        return f"/vsizip/{path.resolve().as_posix()}/{sub}"
    if len(dirs) > 1:  # GDAL would read the root's alone, or say "not recognized"
        raise TrajlmInputError(
            f"shapefiles in {len(dirs)} folders of the zip ({sorted(d or '.' for d in dirs)[:4]}); "
            "which one is the trajectory?",
            path=path,
            hint="zip the shapefile of the trajectory alone",
        )
    return path


def _layers(path: Path) -> list[tuple[str, str]]:
    import pyogrio

    try:
        with warnings.catch_warnings():  # "Measured (M) geometry types are not supported":
            warnings.simplefilter("ignore")  # M lines are read from the file (_gis_lines.py)
            return [(str(n), str(g)) for n, g in pyogrio.list_layers(_source(path))]
    except Exception as e:  # GDAL errors of a damaged or foreign file
        raise TrajlmInputError(f"not a readable GIS file ({str(e)[:200]})", path=path) from None


def _point_layer(path: Path, layer: str | None = None) -> tuple[str, Any]:
    """(layer name, GeoDataFrame) of the point layer with times (`layer`: that one), or one
    line saying why none."""
    import pyogrio

    layers = _layers(path)
    if layer is not None and layer not in {n for n, _ in layers}:
        raise TrajlmInputError(
            f"no layer {layer!r}; the layers are {[n for n, _ in layers]}",
            path=path,
            hint="choose one with --layer (Python: ColumnMap(layer=...))",
        )
    pointed = [n for n, g in layers if "point" in g.lower() or g == "Unknown"]
    if layer is not None:
        if layer not in pointed:
            kind = dict(layers)[layer]
            raise TrajlmInputError(
                f"layer {layer!r} holds {kind} geometries, not points: a trajectory needs a "
                "point per time",
                path=path,
            )
        pointed = [layer]
    found, untimed, empty = [], [], []
    src = _source(path)
    for name in pointed:  # a sample of each point layer tells which has times
        df = pyogrio.read_dataframe(src, layer=name, max_features=SAMPLE)
        kinds = df.geom_type[df.geometry.notna()]
        if len(df) == 0:  # an empty layer (QGIS / GeoPandas write its fields): said below
            empty.append(name)
        if len(kinds) == 0 or not kinds.isin(["Point", "MultiPoint"]).all():
            continue
        times, pair = _time_fields(df)
        (found if times or pair else untimed).append((name, df))
    if len(found) > 1 and "track_points" in {n for n, _ in found}:  # ogr2ogr's GPX layers
        found = [f for f in found if f[0] == "track_points"]
    if len(found) == 1:
        return found[0]  # (name, its first SAMPLE features); read in batches by _batches
    kinds = ", ".join(f"{n!r} ({g})" for n, g in layers)
    if found:
        raise TrajlmInputError(
            f"{len(found)} point layers have times: {[n for n, _ in found]}; which one is the "
            "trajectory?",
            path=path,
            hint=f"choose one with --layer {found[0][0]} (Python: ColumnMap(layer="
            f"{found[0][0]!r}))",
        )
    if untimed:
        name, df = untimed[0]
        fields = [c for c in df.columns if c != "geometry"]
        if path.suffix.lower() == ".shp" and not any(
            path.with_suffix(s).is_file() for s in (".dbf", ".DBF")
        ):
            raise TrajlmInputError(
                f"{path.with_suffix('.dbf').name} (the shapefile's fields, times among them) "
                "is not beside it: copy all the shapefile's files (.shp, .shx, .dbf, .prj)",
                path=path,
            )
        raise TrajlmInputError(
            f"layer {name!r} has points but no time field (fields: {fields[:12]}); a trajectory "
            "needs a time per point",
            path=path,
        )
    if empty:
        raise TrajlmInputError(
            f"no features: {'the layer' if len(layers) == 1 else 'the point layer(s)'} "
            f"{empty} {'is' if len(empty) == 1 else 'are'} empty (layers: {kinds}); nothing to "
            "read",
            path=path,
        )
    raise TrajlmInputError(
        f"no point layer with times (layers: {kinds}); lines and polygons have no time per "
        "vertex, so no trajectory",
        path=path,
    )


def _batches(path: Path, layer: str | None) -> Any:
    """The chosen point layer of `path` in GeoDataFrames of up to BATCH features."""
    import pyogrio

    name, _ = _point_layer(path, layer)
    src, done = _source(path), 0
    while True:
        df = pyogrio.read_dataframe(src, layer=name, skip_features=done, max_features=BATCH)
        many = df.geometry.count_geometries() > 1
        if many.any():  # a MultiPoint of several points with one time: which is where?
            k = int(many.to_numpy().argmax())
            raise TrajlmInputError(
                f"layer {name!r}: feature {done + k} is a MultiPoint of "
                f"{int(df.geometry.count_geometries().iloc[k])} points with one time; a "
                "trajectory needs one point per time (explode the layer first: "
                "gdf.explode(), if its points share that time)",
                path=path,
            )
        if len(df) or not done:
            yield df
        if len(df) < BATCH:
            return
        done += len(df)


_KML_ROW = ("id", "description", "begin", "end", "altitudeMode", "tessellate", "extrude",
            "visibility", "drawOrder", "icon")  # fmt: skip


def _to_wgs84(df: Any, path: Path, say: bool = True) -> Any:
    if df.crs is None or df.crs.equals("EPSG:4326"):
        return df  # no CRS: x / y as lon / lat, so the range check names --crs
    said = df.crs.to_string()
    out = df.to_crs(4326)
    if df.crs.is_projected:  # a `.prj` that says metres beside degrees (session 20, badin20)
        from trajlm.data.readers._crs_check import check_not_degrees

        xy, ll = df.geometry.representative_point(), out.geometry.representative_point()
        try:
            check_not_degrees(xy.y, xy.x, ll.y, ll.x, df.crs.to_string(), option="the file's CRS")
        except TrajlmInputError as e:
            raise TrajlmInputError(
                str(e)[: -len(e.hint) - 2] if e.hint else str(e),
                path=path,
                hint="the .prj / CRS of the file does not match its coordinates: fix or delete "
                "the .prj (no CRS: x / y are read as lon / lat)",
            ) from None
    if say:
        warnings.warn(f"{path.name}: coordinates in {said} reprojected to WGS 84", stacklevel=2)
    return out


def _frames(path: Path, layer: str | None = None) -> Any:
    """The point layer of `path` as pandas frames (one per batch) with `lat` / `lon` (WGS 84)
    and its fields; the fields kept and the time fields are those of the first batch."""
    from trajlm.data.readers._gis_lines import line_layer, line_points

    if (lines := line_layer(path, _layers(path), layer)) is not None:  # no point layer
        yield line_points(path, _source(path), lines)  # LineString M, 2-vertex steps
        return
    plan: dict[str, Any] = {}
    for k, df in enumerate(_batches(path, layer)):
        yield _frame(df, path, plan, first=k == 0)


def _frame(df: Any, path: Path, plan: dict[str, Any], first: bool) -> Any:
    """One batch of the point layer as a pandas frame (`plan`: decided on the first batch)."""
    import pandas as pd

    from trajlm.data.column_names import TIERS, by_ending, candidates

    df = _to_wgs84(df, path, say=first)
    if path.suffix.lower() == ".kml":  # OGR's KML fields: the placemark id is a row key
        df = df.drop(columns=[c for c in _KML_ROW if c in df.columns])
    if first:
        plan["keep"] = [c for c in df.columns if c == "geometry" or df[c].notna().any()]
        plan["times"], plan["pair"] = _time_fields(df[plan["keep"]])
    df = df.reindex(columns=plan["keep"])  # empty fields (of the first batch) left out
    times, pair = plan["times"], plan["pair"]
    out = pd.DataFrame(df.drop(columns="geometry"))
    if (
        len(times) == 1
        and pair is None
        and not candidates(TIERS["t"], list(out.columns))
        and not by_ending("t", list(out.columns))
    ):
        out = out.rename(columns={times[0]: "time"})  # a datetime field under another name
        if first:
            warnings.warn(f"{path.name}: times from the field {times[0]!r}", stacklevel=2)
    for c in ("lat", "lon"):  # fields of those names make room for the geometry's
        if c in out.columns:
            out = out.rename(columns={c: f"{c}_field"})
    if pair is not None:
        day, clock = pair
        name = "datetime" if "datetime" not in out.columns else f"{day}_{clock}"
        out[name] = out[day] + pd.to_timedelta(out[clock].astype(str))
        out = out.drop(columns=[day, clock])
        if first:
            warnings.warn(
                f"{path.name}: times from the date field {day!r} and the time-of-day field "
                f"{clock!r}, read as one time",
                stacklevel=2,
            )
    if {"track_fid", "track_seg_id"} <= set(out.columns) and "traj_id" not in out.columns:
        out.insert(0, "traj_id", [f"{path.stem}/{a}/{b}" for a, b in zip(out.track_fid, out.track_seg_id, strict=True)])  # fmt: skip
    xy = df.geometry.representative_point()
    out["lat"], out["lon"] = xy.y.to_numpy(), xy.x.to_numpy()
    return out


def gis_as_parquet(path: Path, out: Path, layer: str | None = None) -> None:
    """Write the point layer of the GIS file `path` as Parquet at `out` (see the module)."""
    try:
        import geopandas  # noqa: F401
        import pyogrio  # noqa: F401
    except ImportError:
        raise TrajlmInputError(
            "reading GeoPackage / shapefile / FlatGeobuf / projected GeoJSON needs geopandas",
            path=path,
            hint=_HINT,
        ) from None
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer = None
    try:
        for frame in _frames(path, layer):
            if writer is None:
                table = pa.Table.from_pandas(frame, preserve_index=False)
                writer = pq.ParquetWriter(out, table.schema)
            else:
                table = pa.Table.from_pandas(frame, schema=writer.schema, preserve_index=False)
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()
