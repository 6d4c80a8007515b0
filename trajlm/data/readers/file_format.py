"""The reader format of one file from its name and first bytes (split from detect.py): CSV
headers of the documented layouts, raw AIS and OziExplorer by content, FIT / GTFS-rt saved
without a suffix by their header bytes, a zip of track files (archives.py) as `tracks`."""

from __future__ import annotations

import gzip
import re
import zlib
from pathlib import Path

from trajlm.data.column_notes import trip_log
from trajlm.data.readers._encoding import CJK_SNIFF_BYTES, legacy_cjk
from trajlm.data.readers._event_stream import is_event_stream
from trajlm.data.readers._lines import COMMENT_LINES, comment_lines, maybe_title, rglob_follow
from trajlm.data.readers._message_lines import message_kind
from trajlm.data.readers._nmea_lines import is_prefixed_nmea
from trajlm.data.readers.aprs import is_aprs_log
from trajlm.data.readers.archives import track_archive
from trajlm.data.readers.argo_index import is_argo_index
from trajlm.data.readers.vbo import is_vbo

_BY_SUFFIX = {".plt": "geolife", ".gpx": "gpx", ".parquet": "parquet", ".pq": "parquet",
              ".json": "mfjson", ".geojson": "mfjson", ".topojson": "mfjson", ".mfjson": "mfjson", ".rec": "mfjson", ".kml": "kml", ".kmz": "kml",
              ".tcx": "tcx", ".nmea": "nmea", ".nma": "nmea", ".fit": "fit", ".igc": "igc",
              ".pb": "gtfs_rt", ".geojsonl": "mfjson", ".geojsons": "mfjson", ".geojsonseq": "mfjson",
              ".feather": "parquet", ".arrow": "parquet", ".ipc": "parquet", ".arrows": "parquet", ".sml": "sml",
              ".orc": "parquet", ".avro": "parquet", ".npz": "parquet", ".npy": "parquet",
              ".msgpack": "parquet", ".mpk": "parquet", ".msgpk": "parquet"}  # fmt: skip
# (Arrow IPC tables, and JSON Lines other than GeoJSON Features, are converted to Parquet before
# they are read: _arrow_tables.py, spreadsheet.sheets_as_csv)
TABULAR_SUFFIXES = (".csv", ".tsv", ".txt", ".zip")
# Text suffixes whose content may be raw AIS (!AIVDM), sniffed before the name decides.
_AIS_TEXT = (".nmea", ".nma", ".txt", ".ais", ".log")
# Track files read one by one with their own reader when a folder mixes them (a Strava export).
TRACK_FORMATS = ("gpx", "tcx", "kml", "fit", "igc", "nmea", "ozi")
# Also read file by file in such a folder: GeoJSON tracks (.geojson only: an export's .json files
# are summaries, and a Records.json beside GPX files stays a mix to ingest on its own).
FOLDER_TRACK_FORMATS = (*TRACK_FORMATS, "mfjson")


SEP_LINE = re.compile(rb"sep=(.)\r?\n?")  # Excel's separator declaration before the header


def first_line(path: Path) -> str:
    try:
        with (gzip.open if path.suffix.lower() == ".gz" else open)(path, "rb") as f:
            head = f.readline(1 << 16)
            if SEP_LINE.fullmatch(head):  # Excel's `sep=,` line: the header is the next one
                head = f.readline(1 << 16)
            if maybe_title(head):  # comment or title lines before the header?
                lines = [head, *(f.readline(1 << 16) for _ in range(COMMENT_LINES))]
                head = lines[comment_lines(lines)]
            if head[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 (_encoding.py): its first line
                text = (head + f.read(1 << 16)).decode("utf-16", errors="replace")
                return text.lstrip("\ufeff").splitlines()[0] + "\n"
            try:
                return head.decode("utf-8")
            except UnicodeDecodeError:  # Windows-1252 (Excel's CSV: `Länge`), as _lines reads it
                pass
        with open(path, "rb") as f:  # an East Asian code page (heldout27), as _sources reads it
            codec = legacy_cjk(f.read(CJK_SNIFF_BYTES)) if path.suffix.lower() != ".gz" else None
        return head.decode(codec or "cp1252", errors="replace")
    except (gzip.BadGzipFile, EOFError, zlib.error):  # the reader names the damaged file
        return ""


def csv_format(path: Path) -> str:
    """porto / ais / tdrive by their documented headers, else the generic csv."""
    if path.suffix.lower() == ".zip":  # an export of track files (Strava, Garmin) or CSVs
        return "tracks" if track_archive(path) else "csv"
    names = {n.strip().strip('"').lstrip("\ufeff") for n in first_line(path).split(",")}
    if {"TRIP_ID", "POLYLINE"} <= names:
        return "porto"
    if "ais_pos_timestamp" in names:
        return "ais"
    if {"TaxiID", "TimeStamp", "Longitude", "Latitude"} <= names:
        return "tdrive"
    return "csv"


def _head(path: Path, n: int = 4096) -> bytes:
    """The first n (decompressed) bytes, b"" when unreadable (the reader says why)."""
    try:
        with (gzip.open if path.suffix.lower() == ".gz" else open)(path, "rb") as f:
            return f.read(n)
    except (OSError, EOFError, zlib.error):
        return b""


def file_format(path: Path) -> str | None:
    """The reader format of one file from its name (and content for raw AIS / FIT); None if unknown."""
    suffix = path.suffix.lower()
    inner = Path(path.stem).suffix.lower() if suffix == ".gz" else suffix
    if suffix in (".gpkg", ".shp", ".fgb") or (suffix == ".kml" and _kml_fields_only(path)):
        return "parquet"  # read as Parquet once converted (gis_files.py)
    if suffix in (".xml", ".log") and _converted_csv(path):  # SIRI-VM, ArduPilot text logs
        return "csv"
    if suffix == ".json" and is_mds(path):  # MDS trips pages: written as a CSV (mds.py)
        return "csv"
    if inner in _AIS_TEXT and not path.name.endswith("_input.txt"):
        from trajlm.data.readers.aivdm import looks_like_aivdm

        head = _head(path).decode("utf-8", errors="replace")
        if looks_like_aivdm(head):
            return "aivdm"
        from trajlm.data.readers.queclink import looks_like_queclink

        if looks_like_queclink(head):
            return "queclink"
    if suffix != ".gz" and message_kind(path):  # MQTT logs, line protocol (heldout38)
        return "parquet"
    if suffix != ".gz" and is_event_stream(path):  # `curl -N` of an event stream (heldout39)
        return "mfjson"
    if is_prefixed_nmea(path):  # `[Unix ms]$GPRMC...`: a BlackVue `.gps` (heldout40)
        return "nmea"
    if suffix != ".gz" and (is_aprs_log(path) or is_argo_index(path)):  # heldout40
        return "csv"  # written as a CSV first (aprs.py, argo_index.py)
    if suffix != ".gz" and is_vbo(path):  # Racelogic VBOX: written as a CSV (vbo.py, heldout39)
        return "csv"
    if inner == ".plt" and _head(path, 64).lstrip(b"\xef\xbb\xbf").startswith(b"OziExplorer Track"):
        return "ozi"
    if suffix == ".gz" and inner in (".jsonl", ".ndjson"):  # gzipped JSON Lines (session 19)
        from trajlm.data.readers._arrow_tables import feature_lines

        return "mfjson" if feature_lines(path) else "parquet"
    if suffix == ".gz":  # a gzip-compressed file: the format of the name without .gz
        if inner in TABULAR_SUFFIXES and inner != ".zip":  # CSV: by its header, streamed
            fmt = csv_format(path)
            return fmt if fmt in ("csv", "ais", "tdrive") else None
        fmt = _BY_SUFFIX.get(inner)
        if fmt is None and not inner and json_by_content(path):  # a Firehose S3 object (heldout37)
            return "mfjson"
        return fmt if fmt in (*TRACK_FORMATS, "gtfs_rt", "mfjson") else None
    if path.name.endswith("_input.txt"):
        return "porto_mapmatched"
    if suffix in _BY_SUFFIX:
        return _BY_SUFFIX[suffix]
    if suffix in (".jsonl", ".ndjson"):  # GeoJSON Features a line, else a table (as Parquet)
        from trajlm.data.readers._arrow_tables import feature_lines

        return "mfjson" if feature_lines(path) else "parquet"
    if suffix == ".txt" and json_by_content(path):  # JSON Lines saved as .txt (an MQTT log
        return "mfjson"  # captured without -v; fix40: read as a CSV of `{"ts": ...` columns)
    if suffix in TABULAR_SUFFIXES:
        return csv_format(path)
    head = _head(path, 16)
    if head[8:12] == b".FIT":  # a FIT file named without .fit (header signature)
        return "fit"
    # a GTFS-rt FeedMessage saved without a suffix (curl -o VehiclePositions URL): field 1
    # (header, short), whose field 1 is gtfs_realtime_version "1.0" / "2.0"
    if head[:1] == b"\x0a" and head[2:4] == b"\x0a\x03" and head[4:7] in (b"1.0", b"2.0"):
        return "gtfs_rt"
    if json_by_content(path):  # JSON under another name (Find My's `Items.data`; formats21)
        return "mfjson"
    return None


def json_by_content(path: Path) -> bool:
    """A file whose text starts like a JSON document (`{"` or `[` then `{` / `[`)."""
    try:
        head = _head(path, 256).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        return False
    return head.startswith(b'{"') or (head[:1] == b"[" and head[1:].lstrip()[:1] in (b"{", b"["))


def json_folder(folder: Path) -> list[Path]:
    """The files of a folder that holds JSON under other names only (a folder of Find My
    `Items.data` snapshots), else []."""
    files = [f for f in rglob_follow(folder, "*") if f.is_file() and not f.name.startswith(".")]
    return files if files and all(json_by_content(f) for f in files) else []


def _kml_fields_only(path: Path) -> bool:
    from trajlm.data.readers.gis_files import kml_fields_only as fields_only

    return fields_only(path)


def _converted_csv(path: Path) -> bool:
    from trajlm.data.readers.ardupilot import is_ardupilot_text
    from trajlm.data.readers.siri_vm import siri_files
    from trajlm.data.readers.sumo_fcd import is_sumo_fcd

    return bool(siri_files(path)) or is_ardupilot_text(path) or is_sumo_fcd(path)


def is_mds(path: Path) -> bool:
    """Whether ``path`` is an MDS trips page or a folder of them (read as a CSV: mds.py)."""
    from trajlm.data.readers.mds import mds_files

    return bool(mds_files(path))


def track_files(folder: Path) -> dict[Path, str]:
    """Track files under `folder` (GPX, TCX, KML, FIT, IGC, NMEA, also gzipped; GeoJSON) -> format."""
    out: dict[Path, str] = {}
    for p in rglob_follow(folder, "*"):
        low = p.name.lower()
        inner = Path(low[:-3]).suffix if low.endswith(".gz") else Path(low).suffix
        if inner in (".gpx", ".tcx", ".kml", ".kmz", ".fit", ".igc", ".nmea", ".nma", ".plt"):
            fmt = file_format(p)
            if fmt in TRACK_FORMATS:
                out[p] = fmt
        elif inner == ".geojson":
            out[p] = "mfjson"
    return out


def mixed_tracks(folder: Path) -> bool:
    """A folder whose track files need more than one reader or include gzipped ones (a Strava
    export's activities/: .gpx, .gpx.gz, .tcx.gz, .fit.gz): read file by file (`tracks`)."""
    files = track_files(folder)
    if len(set(files.values())) > 1 or any(p.suffix.lower() == ".gz" for p in files):
        return True
    # plain .gpx files beside a Strava `activities.csv`: `tracks` reads its activity types as
    # labels (gz.py), plain `gpx` lost them ("how many runs" counted every activity; ask21)
    dirs = {folder, *(p.parent for p in files), *(p.parent.parent for p in files)}
    return bool(files) and any((d / "activities.csv").is_file() for d in dirs)


SPREADSHEET = (".xlsx", ".xlsm", ".xls", ".ods", ".numbers")
SPREADSHEET_HINT = ("trajlm reads CSV: save the sheet as 'CSV UTF-8' (Excel: File > Save As), or in "
                    "Python pd.read_excel(path) then trajlm.to_canonical(df) / trajlm.clean(df)")  # fmt: skip


def binary_kind(head: bytes) -> str | None:
    """What a file that should be CSV text is, from its first bytes (None: text)."""
    if head.startswith(b"PK\x03\x04"):
        return "a zip container (an Excel .xlsx / OpenDocument workbook or a zip archive)"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "an old Excel .xls workbook (OLE2)"
    return None


def archives_in(folder: Path) -> list[Path]:
    """An unzipped export whose tracks are all in zips (Garmin's `UploadedFiles_*.zip` beside
    JSON summaries): those zips; [] for a file or a folder with track files of its own."""
    zips = rglob_follow(folder, "*.zip") if folder.is_dir() else []
    if not zips or track_files(folder):  # the zip glob first: most folders have none
        return []
    return [z for z in zips if track_archive(z)]


def not_point_table(have: list[str]) -> str | None:
    """What a header of a well-known non-trajectory table is (GTFS `shapes.txt`: a route's
    geometry, no times; `stops.txt`: places), said instead of "missing columns"; else None."""
    if what := trip_log(have):  # Citi Bike / Divvy rides (heldout36)
        return what
    names = {n.strip().lower() for n in have}
    if {"shape_id", "shape_pt_lat", "shape_pt_lon"} <= names:
        return ("a GTFS shapes.txt: the geometry of routes (shape_pt_sequence order), with no "
                "times, so not a trajectory; vehicle positions come from GTFS-realtime "
                "VehiclePositions (--format gtfs_rt) or an AVL log")  # fmt: skip
    if {"stop_id", "stop_lat", "stop_lon"} <= names:
        return "a GTFS stops.txt: places (stops), not positions over time, so not a trajectory"
    if {"agency_name", "agency_timezone"} <= names or {
        "trip_id",
        "arrival_time",
        "stop_id",
    } <= names:
        return (f"a GTFS schedule table ({'agency.txt' if 'agency_name' in names else 'stop_times.txt'}): "
                "timetables, not positions over time; vehicle positions come from "
                "GTFS-realtime VehiclePositions (--format gtfs_rt) or an AVL log")  # fmt: skip
    return None


_GTFS = {"stop_times.txt", "trips.txt", "stops.txt"}


def no_positions(path: Path) -> str | None:
    """What a well-known file that holds no positions is (formats21: said instead of "cannot
    tell the format"): a Polar `.hrm`, an Apple Health `export.xml`, a GTFS schedule zip."""
    import zipfile

    if path.is_dir():
        return _zarr(path)
    low = path.name.lower()
    if (said := not_opened(low)) is not None:
        return said
    if low.endswith(".hrm"):
        return ("a Polar HRM file: heart rate (speed, cadence) samples with no positions; "
                "Polar writes the GPS track as a .gpx of the same name beside it: ingest that")  # fmt: skip
    if low.endswith(".xml") and path.is_file():
        with path.open("rb") as f:
            head = f.read(4096)
        if b"<HealthData" in head or b"<ClinicalDocument" in head:
            return ("an Apple Health export.xml: records and workouts, no positions; the "
                    "routes are the GPX files in workout-routes/ beside it: ingest that folder "
                    "or the export.zip")  # fmt: skip
    if low.endswith(".zip") and path.is_file() and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            names = {Path(n).name.lower() for n in z.namelist()}
        if _GTFS <= names and not any(n.endswith((".csv", ".gpx", ".pb")) for n in names):
            return ("a GTFS schedule feed (stops, trips, timetables, route shapes): no vehicle "
                    "positions over time, so no trajectory; vehicle positions come from "
                    "GTFS-realtime VehiclePositions (--format gtfs_rt) or an AVL log")  # fmt: skip
    return None


def not_opened(name: str) -> str | None:
    """What a file trajlm does not open is, by its name (heldout37: "cannot tell the format
    from the name" with a list of formats none of which reads it): a Python pickle (unpickling
    runs code from the file, so it is never read)."""
    if name.endswith((".pkl", ".pickle", ".pkl.gz", ".pickle.gz")):
        return ("a Python pickle: loading one runs code from the file, so trajlm never opens "
                "it; if you wrote it yourself, load it in Python (df = pd.read_pickle(path)) "
                "and give the frame (TrajLM.predict(df), trajlm.clean(df)) or save it as "
                "Parquet (df.to_parquet('points.parquet')) to ingest")  # fmt: skip
    return None


def _zarr(folder: Path) -> str | None:
    """What a Zarr store is (heldout37: "no file trajlm reads under the folder"): v2 `.zgroup` /
    `.zarray`, v3 `zarr.json` at its top; no Zarr reader among trajlm's dependencies."""
    if not any((folder / n).is_file() for n in (".zgroup", ".zarray", "zarr.json")):
        return None
    return ("a Zarr store (chunked arrays): trajlm has no Zarr reader (none among its "
            "dependencies); `pip install zarr xarray`, then in Python df = "
            "xarray.open_zarr(path).to_dataframe().reset_index() and give the frame "
            "(TrajLM.predict(df)) or df.to_parquet('points.parquet') to ingest")  # fmt: skip
