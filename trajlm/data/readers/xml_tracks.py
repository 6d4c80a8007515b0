"""KML / KMZ and Garmin TCX readers (formats `kml`, `tcx`; stdlib ElementTree, whole file).

KML (Google Earth, My Tracks, phone loggers; OGC KML 2.2): every `gx:Track` (also inside a
`gx:MultiTrack`) is one trajectory, its `<when>` times paired in order with its `<gx:coord>`
"lon lat [alt]" positions; Placemarks holding a `<Point>` and a `<TimeStamp><when>` form one
more trajectory (`<file stem>/points`), one per Folder when they sit in several (`<file
stem>/<folder name>`: a Garmin inReach MapShare export's Folder per device). traj_id = `<file stem>/<k>` (k = the track's index in the
file). A KMZ is read through its `doc.kml` (else its first `.kml` member). Geometry without times (LineString,
Polygon, Points without TimeStamp) is not a trajectory: a file with nothing timed is one error in
both modes (skipping could not help).

TCX (Garmin Training Center, Strava / Garmin Connect / Polar exports): one trajectory per
`<Activity>` (traj_id = `<file stem>/<k>`), one point per `<Trackpoint>` with `<Time>` and
`<Position><LatitudeDegrees>/<LongitudeDegrees>`; Trackpoints without a Position (pauses,
indoor) are `no_fix`, counted in both modes. `AltitudeMeters` becomes `elevation_m`; heart rate,
cadence, ActivityExtension speed and watts their own columns (`_sensors.py`); the Activity's
`Sport` attribute (Running, Biking, Other) the `label`.

Suunto SML (format `sml`, session 18): one trajectory per file from its positioned `<Sample>`s
(`<UTC>`, `<Latitude>` / `<Longitude>` in radians, `<GPSAltitude>`).
"""

from __future__ import annotations

import math
import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree as ET

import polars as pl

from trajlm.data.readers._common import Ctx, claim_stem
from trajlm.data.readers._lines import check_member
from trajlm.data.readers._sensors import XML_NAMES, empty_columns
from trajlm.data.readers.gpx import file_points
from trajlm.data.readers.gz import read_bytes, stem
from trajlm.data.schema import TrajlmInputError


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text(el: ET.Element | None) -> str | None:
    return el.text.strip() if el is not None and el.text else None


def _child(el: ET.Element, name: str) -> ET.Element | None:
    return next((c for c in el if _local(c.tag) == name), None)


def _load(path: Path, ctx: Ctx) -> ET.Element:
    try:
        if path.suffix.lower() == ".kmz":
            with zipfile.ZipFile(path) as z:
                kml = [i for i in z.infolist() if i.filename.lower().endswith(".kml")]
                if not kml:
                    raise TrajlmInputError("KMZ archive without a .kml member", path=path)
                kml.sort(key=lambda i: i.filename.lower() != "doc.kml")  # the KMZ's main file
                # a zip bomb: declared size and compression ratio, as for zipped CSVs
                check_member(kml[0], path / kml[0].filename, ctx.limits)
                return ET.fromstring(z.read(kml[0]))
        # blank lines / spaces before <?xml: every Strava TCX starts with ten spaces
        return ET.fromstring(read_bytes(path, ctx.limits).lstrip(b" \t\r\n"))
    except (ET.ParseError, zipfile.BadZipFile) as e:
        raise TrajlmInputError(f"not readable XML / KMZ ({e})", path=path) from None
    except RecursionError:
        raise TrajlmInputError("XML nested too deep to read", path=path) from None


def _sensor_arrays(track: ET.Element, n: int) -> dict[str, list]:
    """A gx:Track's ExtendedData `gx:SimpleArrayData name="heartrate"` (cadence, power,
    temperature: _sensors.XML_NAMES) of one value per <when>, by sensor column (session 17)."""
    out = {}
    for arr in (e for e in track.iter() if _local(e.tag) == "SimpleArrayData"):
        name = XML_NAMES.get((arr.get("name") or "").lower().replace("_", "").replace(" ", ""))
        values = [_text(v) for v in arr if _local(v.tag) == "value"]
        if name and len(values) == n and name not in out:
            out[name] = values
    return out


def _kml_points(root: ET.Element, stem: str, path: Path, ctx: Ctx) -> dict[str, list]:
    cols: dict[str, list] = {k: [] for k in ("traj_id", "lat", "lon", "time", "ele", "_line")}
    cols |= empty_columns()

    def add(tid: str, when: str | None, coord: str | None, values: dict | None = None) -> None:
        for c in empty_columns():
            cols[c].append((values or {}).get(c))
        parts = (coord or "").replace(",", " ").split()
        cols["traj_id"].append(tid)
        cols["lon"].append(parts[0] if len(parts) > 0 else None)
        cols["lat"].append(parts[1] if len(parts) > 1 else None)
        cols["ele"].append(parts[2] if len(parts) > 2 else None)
        cols["time"].append(when)
        cols["_line"].append(None)

    k = 0
    for el in root.iter():
        if _local(el.tag) != "Track":
            continue
        whens = [_text(c) for c in el if _local(c.tag) == "when"]
        coords = [_text(c) for c in el if _local(c.tag) == "coord"]
        if len(whens) != len(coords):  # which time goes with which place is unknown
            if ctx.on_error == "skip":  # the file's other tracks are still read (fuzz14)
                ctx.report.rows_in += max(len(whens), len(coords))
                ctx.report.drop("invalid_kml_track", max(len(whens), len(coords)))
                k += 1
                continue
            raise TrajlmInputError(
                f"gx:Track {k} has {len(whens)} <when> but {len(coords)} <gx:coord>",
                path=path,
                hint="use on_error='skip' (--on-error skip) to drop this track and read the rest",
            )
        arrays = _sensor_arrays(el, len(whens))
        for i, (w, c) in enumerate(zip(whens, coords, strict=True)):
            add(f"{stem}/{k}", w, c, {name: v[i] for name, v in arrays.items()})
        k += 1
    timed = [(pm, point, stamp) for pm in root.iter() if _local(pm.tag) == "Placemark"
             for point, stamp in [(_child(pm, "Point"), _child(pm, "TimeStamp"))]
             if point is not None and stamp is not None]  # fmt: skip
    folder = _point_folders([pm for pm, _, _ in timed], root)
    for pm, point, stamp in timed:
        tid = f"{stem}/{folder[pm]}" if folder else f"{stem}/points"
        add(tid, _text(_child(stamp, "when")), _text(_child(point, "coordinates")))
    return cols


def _point_folders(marks: list[ET.Element], root: ET.Element) -> dict[ET.Element, str]:
    """{Placemark: the name of its nearest Folder} when the timed Points sit in several Folders
    (a Garmin inReach MapShare KML: one Folder per device / person; heldout29's eight paddlers
    were read as one trajectory jumping between them), else {} (one trajectory of points)."""
    parent = {c: p for p in root.iter() for c in p}
    out: dict[ET.Element, str] = {}
    folders: dict[ET.Element, str] = {}
    named: dict[str, int] = {}  # Folders of one name are told apart (badin29: two paddlers
    for pm in marks:  # both "Anna" were one track, the second's fixes dropped as repeats)
        up = parent.get(pm)
        while up is not None and _local(up.tag) != "Folder":
            up = parent.get(up)
        if up is not None and up not in folders:
            name = _text(_child(up, "name")) or f"folder{len(folders)}"
            named[name] = named.get(name, 0) + 1
            folders[up] = name if named[name] == 1 else f"{name} ({named[name]})"
        out[pm] = folders.get(up, "points") if up is not None else "points"
    return out if len(set(out.values())) > 1 else {}


def _tcx_points(root: ET.Element, stem: str, path: Path, ctx: Ctx) -> dict[str, list]:
    del path, ctx  # the signature of _kml_points
    cols: dict[str, list] = {k: [] for k in ("traj_id", "lat", "lon", "time", "ele", "_line")}
    cols |= empty_columns() | {"label": []}
    acts = (el for el in root.iter() if _local(el.tag) in ("Activity", "Course"))  # Course: 17
    for k, act in enumerate(acts):
        for tp in (el for el in act.iter() if _local(el.tag) == "Trackpoint"):
            pos = _child(tp, "Position")
            values = dict.fromkeys(empty_columns())
            for el in tp.iter():
                name = _local(el.tag).lower()
                if name in XML_NAMES and el is not tp:
                    values[XML_NAMES[name]] = _text(
                        _child(el, "Value") if name == "heartratebpm" else el
                    )
            for c, v in values.items():
                cols[c].append(v)
            cols["label"].append(act.get("Sport"))
            cols["traj_id"].append(f"{stem}/{k}")
            cols["time"].append(_text(_child(tp, "Time")))
            cols["lat"].append(_text(_child(pos, "LatitudeDegrees")) if pos is not None else None)
            cols["lon"].append(_text(_child(pos, "LongitudeDegrees")) if pos is not None else None)
            cols["ele"].append(_text(_child(tp, "AltitudeMeters")))
            cols["_line"].append(None)
    return cols


def _sml_points(root: ET.Element, stem: str, path: Path, ctx: Ctx) -> dict[str, list]:
    """Suunto `.sml` (Movescount / Suunto DM exports): `<Sample>`s with `<UTC>` and
    `<Latitude>` / `<Longitude>` in radians; samples without a position (heart rate, pressure
    samples between fixes) are not position records and are left out. One trajectory a file."""
    del ctx
    cols: dict[str, list] = {k: [] for k in ("traj_id", "lat", "lon", "time", "ele", "_line")}
    cols |= empty_columns()
    for sample in (el for el in root.iter() if _local(el.tag) == "Sample"):
        lat, lon = _text(_child(sample, "Latitude")), _text(_child(sample, "Longitude"))
        if lat is None and lon is None:
            continue
        for c in empty_columns():
            cols[c].append(None)
        cols["traj_id"].append(stem)
        cols["time"].append(_text(_child(sample, "UTC")))
        _radians(lat, math.pi / 2, "Latitude", path)
        _radians(lon, math.pi, "Longitude", path)
        cols["lat"].append(_degrees(lat))
        cols["lon"].append(_degrees(lon))
        cols["ele"].append(_text(_child(sample, "GPSAltitude")))
        cols["_line"].append(None)
    return cols


def _radians(text: str | None, limit: float, tag: str, path: Path) -> None:
    """One line when an SML coordinate is beyond what radians can be (degrees written by a
    converter: 46.0 read as radians became 2,635 "degrees", said as projected; badin18)."""
    try:
        v = float(text) if text is not None else 0.0
    except ValueError:
        return  # not a number: the row check names it
    if math.isfinite(v) and abs(v) > limit + 1e-9:
        raise TrajlmInputError(
            f"<{tag}> {text} is not in radians (Suunto SML writes radians, |value| <= "
            f"{limit:.4f}); the file looks converted with degrees",
            path=path,
            field=tag,
            hint="export the move again from Suunto (SML / FIT), or as GPX",
        )


def _degrees(radians: str | None) -> str | None:
    try:
        return repr(math.degrees(float(radians))) if radians is not None else None
    except ValueError:
        return radians  # not a number: the row check names it


def iter_xml_tracks(paths: list[Path], ctx: Ctx, kind: str) -> Iterator[pl.DataFrame]:
    """One canonical chunk per file (`kind` "kml", "tcx" or "sml")."""
    stems: dict[str, Path] = {}
    for path in paths:
        file = ctx.add_path(path)
        unique = claim_stem(ctx, file, stems)
        root = _load(path, ctx)
        bad = ctx.report.dropped.get("invalid_kml_track", 0)
        points = {"kml": _kml_points, "sml": _sml_points}.get(kind, _tcx_points)
        cols = points(root, stem(path), path, ctx)
        if not cols["traj_id"] and ctx.report.dropped.get("invalid_kml_track", 0) > bad:
            continue  # every track unpaired: counted (skip mode)
        if not cols["traj_id"]:
            what = ("no timed points: a KML trajectory is a gx:Track (<when> + <gx:coord>) or "
                    "Point placemarks with a <TimeStamp>; a LineString / Polygon has no times"
                    if kind == "kml" else "no <Sample> with a <Latitude> / <Longitude>"
                    if kind == "sml" else "no <Trackpoint> in any <Activity> or <Course>")  # fmt: skip
            raise TrajlmInputError(
                what, path=path, hint="skipping cannot help (the whole file); export it as GPX"
            )
        no_time = ("a gx:Track <when> or Placemark <TimeStamp><when> is empty" if kind == "kml"
                   else "a <Sample> has no <UTC>" if kind == "sml"
                   else "a <Trackpoint> has no <Time>")  # fmt: skip
        yield from file_points(cols, file, ctx, no_time, unique)
