"""Which paths are GIS vector files for gis_files.py to read (GeoPackage, shapefile also zipped
or in a folder, FlatGeobuf, GeoJSON in a projected CRS, KML whose times are fields), and the
CRS of a CSV's `.prj` sidecar (split out of gis_files.py in session 21, leftovers21)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from trajlm.data.schema import TrajlmInputError

SUFFIXES = (".gpkg", ".shp", ".fgb")
_GEOJSON = (".geojson", ".json")
_WGS84 = re.compile(r"(CRS84|EPSG::?4326|EPSG:4326)\b", re.IGNORECASE)


def _projected_geojson(path: Path) -> bool:
    """A GeoJSON whose `"crs"` member names another CRS than WGS 84 lon/lat (GeoPandas'
    `to_file` of a projected frame)."""
    try:
        with path.open("rb") as f:
            head = f.read(4096).decode("utf-8", errors="replace")
    except OSError:
        return False
    m = re.search(r'"crs"\s*:\s*\{[^{}]*\{\s*"name"\s*:\s*"([^"]+)"', head)
    points = re.search(r'"type"\s*:\s*"Point"', head)  # LineStrings: mfjson names the CRS
    if not (bool(m) and bool(points) and not _WGS84.search(m.group(1))):
        return False
    try:  # a name pyproj does not know is mfjson's line (names it), not "look projected"
        import pyproj

        pyproj.CRS.from_user_input(m.group(1))
    except ImportError:
        pass
    except Exception:
        return False
    return True


def _shp_zip(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as z:
            names = [n.lower() for n in z.namelist()]
    except (OSError, zipfile.BadZipFile):
        return False
    return any(n.endswith(".shp") for n in names) and not any(
        n.endswith((".csv", ".gpx", ".fit", ".tcx", ".kml")) for n in names
    )


def gis_members(path: Path) -> list[Path]:
    """The GIS files a path stands for: itself (a `.gpkg` / `.shp` / `.fgb`, a zipped
    shapefile, a GeoJSON in a projected CRS), a folder's (when it holds GIS files and no
    other data), else []."""
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES)
        data = (".csv", ".gpx", ".parquet", ".json", ".geojson", ".plt", ".fit", ".tcx", ".kml")
        others = any(p.suffix.lower() in data for p in path.rglob("*"))
        return [] if others else files
    suffix = path.suffix.lower()
    if not path.is_file():
        return []
    if suffix in SUFFIXES:
        return [path]
    if suffix == ".zip" and _shp_zip(path):
        return [path]
    if suffix in _GEOJSON and _projected_geojson(path):
        return [path]
    if suffix == ".kml" and kml_fields_only(path):
        return [path]
    return []


def kml_fields_only(path: Path) -> bool:
    """A KML of Point placemarks whose times are ExtendedData fields (ogr2ogr / GeoPandas
    `to_file(driver="KML")`, QGIS), with no <when> / <TimeStamp> the KML reader reads."""
    try:
        with path.open("rb") as f:
            head = f.read(1 << 16)
    except OSError:
        return False
    timed = b"<when>" in head or b"<TimeStamp" in head or b":when>" in head
    return not timed and b"<ExtendedData" in head and b"<Point" in head


def prj_crs(paths: list[Path]) -> str | None:
    """The CRS of the `.prj` sidecars beside CSV files (`cabs.csv` + `cabs.prj`: GeoPandas /
    QGIS users keep the shapefile habit), as `EPSG:NNNN` (or the WKT), when every CSV that has one
    says the same; None without sidecars or pyproj. Two different ones: one line."""
    files = [p for p in paths if p.is_file() and p.suffix.lower() in (".csv", ".tsv", ".txt")]
    found = {}
    for p in files:
        prj = next((s for s in (p.with_suffix(".prj"), p.with_suffix(".PRJ")) if s.is_file()), None)
        if prj is None:
            continue
        try:
            from pyproj import CRS

            crs = CRS.from_user_input(prj.read_text(errors="replace"))
        except ImportError:
            return None  # the range check names --crs
        except Exception as e:  # pyproj's CRSError of a damaged .prj
            raise TrajlmInputError(f"not a readable CRS ({str(e)[:160]})", path=prj) from None
        epsg = crs.to_epsg(min_confidence=70)
        found[p] = f"EPSG:{epsg}" if epsg else crs.to_wkt()
    if len(set(found.values())) > 1:
        raise TrajlmInputError(
            f"the .prj files beside the CSVs name {len(set(found.values()))} CRSs; ingest them "
            "apart, each with its --crs",
            path=next(iter(found)),
        )
    return next(iter(found.values()), None)
