"""Excel workbooks (`.xlsx`, `.xlsm`; session 17): the first worksheet is written as a CSV
(UTF-8, its rows = the sheet's rows, so "line N" is Excel's row N) into a temporary folder named
after the workbook, then read as any CSV: the same column detection, options and checks. Later sheets with the
first one's header (a sheet per vehicle) are written beside it as `<sheet>.csv` and read as a
folder, so a sheet without an id column is the trajectory of its sheet's name (session 25).
Needs openpyxl (the `formats` extra); without it, or for `.xls` / `.ods`, one line says to
save the sheet as CSV UTF-8. Errors name `book.xlsx!book.csv` (archives.member_error).

The same temporary folder takes the other files converted before the read (session 20): GIS
files as Parquet (`gis_files.py`: GeoPackage, shapefile, FlatGeobuf, projected GeoJSON, OGR
KML), and as CSV SBS-1 BaseStation lines (`sbs1.py`), SIRI-VM XML (`siri_vm.py`), ArduPilot
text logs (`ardupilot.py`) and FitCSVTool CSVs (`fit_csv.py`)."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from pathlib import Path

from trajlm.data.readers._arrow_tables import as_parquet, converts
from trajlm.data.readers._file_io import LineMap
from trajlm.data.readers._units_row import fold_units_row
from trajlm.data.readers.aligned_text import aligned_table_as_csv, is_aligned_table
from trajlm.data.readers.aprs import aprs_as_csv, is_aprs_log
from trajlm.data.readers.ardupilot import ardupilot_as_csv, is_ardupilot_text
from trajlm.data.readers.argo_index import argo_index_as_csv, is_argo_index
from trajlm.data.readers.device_logs import as_csv, log_files, say_unread_beside_logs
from trajlm.data.readers.fit_csv import fit_csv_as_csv, is_fit_csv
from trajlm.data.readers.gis_files import gis_as_parquet, gis_members
from trajlm.data.readers.gz import UNPACKED, has_packed, is_tar, unpack, unpack_folder, untar
from trajlm.data.readers.html_table import html_table_as_csv, is_html_table
from trajlm.data.readers.long_tables import (
    geohash_as_csv,
    is_geohash_table,
    is_long_table,
    long_table_as_csv,
)
from trajlm.data.readers.mds import mds_as_csv, mds_files
from trajlm.data.readers.mf_csv import is_mf_csv, mf_csv_as_csv
from trajlm.data.readers.pedestrian_files import (
    eth_ucy_as_csv,
    folder_as_csvs,
    is_eth_ucy,
    is_sdd,
    is_trajnetpp,
    pedestrian_folder,
    sdd_as_csv,
    trajnetpp_as_csv,
)
from trajlm.data.readers.pitch_feeds import (
    PITCH_KINDS,
    feed_files,
    has_ball,
    is_metrica,
    is_tracab,
    metrica_as_csv,
    tracab_as_csv,
)
from trajlm.data.readers.sbs1 import is_sbs1, sbs1_as_csv
from trajlm.data.readers.signalk import is_signalk, signalk_as_csv
from trajlm.data.readers.siri_vm import siri_as_csv, siri_files
from trajlm.data.readers.stacked_csv import is_stacked_csv, stacked_as_csv
from trajlm.data.readers.sumo_fcd import is_sumo_fcd, sumo_fcd_as_csv
from trajlm.data.readers.vbo import is_vbo, vbo_as_csv
from trajlm.data.readers.wide_pairs import is_wide_pairs, wide_pairs_as_csv
from trajlm.data.readers.wkt_lines import is_wkt_lines, wkt_lines_as_csv
from trajlm.data.schema import TrajlmInputError

WORKBOOKS = (".xlsx", ".xlsm")


def _cell(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, datetime):  # naive in the sheet: read as UTC unless --tz / --utc-offset
        return v.isoformat(sep="T")
    if isinstance(v, date | time):
        return v.isoformat()
    if isinstance(v, float):
        return repr(v)
    return str(v)


def _write_csv(book: Path, out: Path) -> dict[Path, Sequence[str]]:
    """The workbook's sheets of one table as CSVs (_same_header_sheets); for each CSV, the
    sheet row each of its lines is (`row 7`; several sheets: `sheet 'Van B' row 7`), or []
    where a cell holds a line break (CSV lines are not rows there)."""
    from trajlm.data.readers.file_format import SPREADSHEET_HINT

    try:
        import openpyxl
    except ImportError:
        raise TrajlmInputError(
            "reading an Excel workbook needs openpyxl (pip install openpyxl, or "
            "'trajlm[formats]')", path=book, hint=SPREADSHEET_HINT,
        ) from None  # fmt: skip
    try:
        wb = openpyxl.load_workbook(book, read_only=True, data_only=True)
    except Exception as e:  # zipfile / XML / openpyxl errors of a damaged or foreign file
        raise TrajlmInputError(
            f"not a readable Excel workbook ({e})", path=book, hint=SPREADSHEET_HINT
        ) from None
    where: dict[Path, Sequence[str]] = {}
    try:
        sheets = _same_header_sheets(wb.worksheets)
        for ws in sheets:  # one sheet: <stem>.csv; several: <sheet name>.csv each, beside it
            into = out if len(sheets) == 1 else out.with_name(f"{_safe_name(ws.title)}.csv")
            with into.open("w", newline="", encoding="utf-8") as f:
                w = csv.writer(f, lineterminator="\n")
                rows = (list(map(_cell, row)) for row in ws.iter_rows(values_only=True))
                header = next(rows, None)
                if header is None:
                    continue
                second = next(rows, None)
                folded = None if second is None else fold_units_row(header, second)
                w.writerow(folded or header)  # a units row under it folded in (_units_row)
                if second is not None and folded is None:
                    w.writerow(second)
                n, broken = 0, False  # iter_rows starts at row 1: CSV line k is row k
                for row in rows:
                    w.writerow(row)
                    n += 1
                    broken = broken or any("\n" in c or "\r" in c for c in row)
            sheet = f"sheet {ws.title!r} " if len(sheets) > 1 else ""
            lines = n + 1 + (second is not None and folded is None)
            where[into] = [] if broken else _SheetRows(sheet, lines, folded is not None)
    finally:
        wb.close()
    return where


class _SheetRows(LineMap):
    """CSV line k + 1 -> `row R` of a sheet (R = k + 1, one more past a folded units row),
    without a list as long as the sheet."""

    def __init__(self, sheet: str, lines: int, folded: bool) -> None:
        self.sheet, self.lines, self.folded = sheet, lines, folded

    def __len__(self) -> int:
        return self.lines

    def at(self, k: int) -> str:
        return f"{self.sheet}row {k + 1 + (self.folded and k >= 1)}"


def _header(ws: object) -> list[str]:
    """A worksheet's first row as text, trailing empty cells dropped ([] for an empty sheet)."""
    first = next(ws.iter_rows(max_row=1, values_only=True), ())  # type: ignore[attr-defined]
    cells = [_cell(v).strip() for v in first]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _same_header_sheets(worksheets: list) -> list:
    """The first sheet and every later one with its header (session 25: a fleet exported as
    one sheet per vehicle was read as its first vehicle only, the rest dropped without a word).
    Sheets with another header (a summary, notes) are not positions of the same table."""
    head = _header(worksheets[0])
    return [ws for k, ws in enumerate(worksheets) if k == 0 or (head and _header(ws) == head)]


def _safe_name(title: str) -> str:
    """A sheet name as a file name (Excel forbids / \\ ? * [ ] : already; a leading dot hides)."""
    return title.strip().lstrip(".") or "sheet"


def layer_of(columns: object) -> str | None:
    """The GIS layer asked for in a ColumnMap or a dict of its fields (None: not asked)."""
    return columns.get("layer") if isinstance(columns, dict) else getattr(columns, "layer", None)


def pitch_of(columns: object) -> tuple[float, float] | None:
    """The pitch size (length, width in metres) asked for in a ColumnMap or a dict of its
    fields (None: not asked; pitch_feeds' default); a bad size: ValueError naming the option."""
    from trajlm.data.readers.pitch_feeds import parse_pitch

    text = columns.get("pitch") if isinstance(columns, dict) else getattr(columns, "pitch", None)
    return parse_pitch(text)


def _unpacked(p: Path, folder: bool, tmp: tempfile.TemporaryDirectory, n: int) -> Path:
    """A `.bz2` / `.xz` file (or a folder holding them: mirrored) unpacked into `tmp` (gz.py);
    errors then name the user's packed file (`days/day1.csv.bz2 line 7`; fix33: they named
    `days!day1.csv`, a member of no archive), through `tmp.packed` (archives.member_error)."""
    packed = Path(tmp.name) / f"{n}.unpacked"
    packed.mkdir(parents=True)
    names: dict[Path, Path] = {}
    try:
        got = (unpack_folder(p, packed, unpacked=names, convert=as_parquet) if folder
               else unpack(p, packed))  # fmt: skip
    except BaseException:  # the folder removed now, not left to the garbage collector
        tmp.cleanup()
        raise
    names = names if folder else {got: p}
    tmp.packed = {**getattr(tmp, "packed", {}), **names}  # type: ignore[attr-defined]
    tmp.archives = {**getattr(tmp, "archives", {}), (got if folder else packed): p}  # type: ignore[attr-defined]
    return got


def _untarred(p: Path, tmp: tempfile.TemporaryDirectory, n: int) -> Path:
    """A tar archive's files extracted into `tmp` (gz.untar), the folder returned; errors about
    a member name it `dump.tgz!export/day/pings.csv line 7` (through `tmp.archives`)."""
    try:
        got = untar(p, Path(tmp.name) / f"{n}.untarred")
    except BaseException:  # the folder removed now, not left to the garbage collector
        tmp.cleanup()
        raise
    tmp.archives = {**getattr(tmp, "archives", {}), got: p}  # type: ignore[attr-defined]
    return got


def sheets_as_csv(
    paths: list[Path],
    format: str = "auto",
    layer: str | None = None,
    pitch: tuple[float, float] | None = None,
    on_error: str = "raise",
) -> tuple[list[Path], tempfile.TemporaryDirectory | None]:
    """`paths` with every workbook replaced by a CSV of its first sheet (named `<stem>.csv`,
    so a sheet without an id column is one trajectory named after the workbook; Arrow IPC and
    JSON Lines tables likewise as `<stem>.parquet`, _arrow_tables.py), and the
    temporary folder to remove after the read (None: no workbook). The folder's `archives`
    maps each CSV's folder to its workbook, and its `sources` a converted log's CSV to (the
    log, where each CSV line comes from in it), for error messages; its `kinds` each converted
    path to the kind of file read (`sqlite`, `ubx`, `xlsx`, `sbs1`, ...: ingest says it).
    `layer`: the layer of a multi-layer GIS file to read (ColumnMap.layer); `pitch`: a
    football pitch's length and width in metres for tracking feeds (pitch_feeds.py).
    `on_error`: "skip" leaves a feed's line cut short out, counted in the folder's `cut_lines`
    (`cut_lines`; "raise": refused)."""
    tmp, out = None, []
    cut: list[int] | None = [] if on_error == "skip" else None  # Metrica / TRACAB (fix40)
    balls: list[Path] = []  # the Metrica team file whose ball is kept (the others' left out)
    for p in map(Path, paths):
        user = p  # the file errors name (a .bz2 / .xz: unpacked first, then read as its inner name)
        if is_tar(p):  # a tar archive: the folder it unpacks to (gz.untar); errors `a.tgz!member`
            tmp = tmp or tempfile.TemporaryDirectory(prefix="trajlm-xlsx-")
            p = _untarred(p, tmp, len(out))
        folder = p.is_dir() and has_packed(p)  # a folder of them: mirrored, unpacked
        if (p.is_file() and p.suffix.lower() in UNPACKED) or folder:
            tmp = tmp or tempfile.TemporaryDirectory(prefix="trajlm-xlsx-")
            p = _unpacked(p, folder, tmp, len(out))
        book = p.is_file() and p.suffix.lower() in WORKBOOKS
        signalk = format == "auto" and is_signalk(p)  # Signal K deltas (signalk.py)
        table = format in ("auto", "parquet") and converts(p) and not signalk  # not with mfjson
        gis = gis_members(p) if format in ("auto", "parquet") else []  # (gis_files.py)
        text = format in ("auto", "csv")
        logs = log_files(p) if text else None  # .srt / .pos / XML 2003 / .db / .nc / .ods ...
        kind = None if gis or logs or not text else _text_kind(p, signalk)
        table = table and not kind  # a TrajNet++ .ndjson: its own converter (pedestrian_files)
        feeds = feed_files(p) if text and not (gis or logs) else []  # a match's team files
        peds = pedestrian_folder(p) if text and not (gis or logs) else []  # a scene per file
        siri = siri_files(p) if text and not kind else []  # SIRI-VM XML (siri_vm.py)
        mds = mds_files(p) if text and not (kind or siri) else []  # MDS trips pages (mds.py)
        if not (book or table or gis or siri or mds or kind or logs or feeds or peds):
            out.append(p)
            continue
        tmp = tmp or tempfile.TemporaryDirectory(prefix="trajlm-xlsx-")
        tmp.converted = True  # type: ignore[attr-defined]  # warnings name p (archives.py)
        into = Path(tmp.name) / f"{len(out)}" / p.name
        into.mkdir(parents=True)
        tmp.archives = {**getattr(tmp, "archives", {}), into: user}  # type: ignore[attr-defined]
        said = logs[0] if logs else kind or ("siri-vm" if siri else "mds" if mds else None)
        said = said or (feeds[0][0] if feeds else None)
        said = said or (peds[0][0] if peds else None)
        said = said or (gis[0].suffix if gis else p.suffix).lower().lstrip(".")  # xlsx, gpkg
        tmp.kinds = {**getattr(tmp, "kinds", {}), str(user): said}  # type: ignore[attr-defined]
        try:
            if gis:  # GeoPackage / shapefile / FlatGeobuf: the point layer as Parquet
                for k, g in enumerate(gis):
                    name = f"{g.stem}{'' if len(gis) == 1 else f'_{k}'}.parquet"
                    gis_as_parquet(g, into / name, layer)
                out.append(into if p.is_dir() else into / f"{gis[0].stem}.parquet")
                continue
            if logs:  # a folder of clips / days: a folder of CSVs, each file its trajectory
                if p.is_dir():
                    say_unread_beside_logs(p, logs[0], logs[1])
                for f in logs[1]:  # where each CSV line comes from in f, for errors
                    _sources(tmp, f, as_csv(logs[0], f, into / f"{f.stem}.csv"))
                several = len(list(into.glob("*.csv"))) > 1  # an .ods's sheet per vehicle
                out.append(into if p.is_dir() or several else into / f"{p.stem}.csv")
                continue
            if peds:  # ETH / UCY or TrajNet++ scenes (pedestrian_files.py): a folder of CSVs
                where = folder_as_csvs(p, peds, into)
                for csv_at, lines in where.items():
                    _sources(tmp, peds[list(where).index(csv_at)][1], {csv_at: lines})
                out.append(into)
                continue
            if feeds:  # Metrica's home and away files (pitch_feeds.py): a folder of CSVs
                for k, f in feeds:
                    at = _feed_as_csv(k, f, into / f"{f.stem}.csv", pitch, balls, cut)
                    _sources(tmp, f, {into / f"{f.stem}.csv": at})
                out.append(into)
                continue
            csv_at = into / f"{p.stem}.csv"  # errors name the source's own line (archives.py)
            if kind or siri or mds:
                sized = (pitch,) if kind in PITCH_KINDS else ()  # Metrica / TRACAB (sports37)
                converted = (_feed_as_csv(kind, p, csv_at, pitch, balls, cut) if sized
                             else _TEXT[kind](p, csv_at) if kind
                             else siri_as_csv(siri, csv_at) if siri else mds_as_csv(mds, csv_at))  # fmt: skip
                _sources(tmp, p, {csv_at: converted})
            elif book:  # errors name the sheet's row: `book.xlsx row 7`
                _sources(tmp, p, where := _write_csv(p, csv_at))
                if len(where) > 1:  # a sheet per mover: a folder of CSVs, each sheet's name its id
                    out.append(into)
                    continue
            else:  # Arrow IPC / JSON Lines: as Parquet (_arrow_tables.py)
                as_parquet(p, into / f"{p.stem}.parquet")
        except BaseException:  # the folder removed now, not left to the garbage collector
            tmp.cleanup()
            raise
        out.append(into / f"{p.stem}.{'parquet' if table or gis else 'csv'}")
    if tmp is not None:
        tmp.cut_lines = len(cut or [])  # type: ignore[attr-defined]
    return out, tmp


def cut_lines(sheets: tempfile.TemporaryDirectory | None) -> int:
    """The feeds' lines cut short and left out by `sheets_as_csv(on_error="skip")`."""
    return int(getattr(sheets, "cut_lines", 0))


# Text files written as a CSV before the read, in the order they are told apart; each converter
# returns where each CSV line comes from in the file (archives.member_error names it).
_TEXT: dict[str, Callable[..., Sequence[object]]] = {
    "metrica": metrica_as_csv,  # Metrica Sports' tracking CSV (pitch_feeds.py)
    "tracab": tracab_as_csv,  # TRACAB .dat frames (pitch_feeds.py)
    "eth-ucy": eth_ucy_as_csv,  # ETH / UCY `frame ped x y` (pedestrian_files.py)
    "trajnetpp": trajnetpp_as_csv,  # TrajNet++ scene / track JSON Lines (pedestrian_files.py)
    "sdd": sdd_as_csv,  # Stanford Drone Dataset annotations: told (pedestrian_files.py)
    "mf-csv": mf_csv_as_csv,  # OGC Moving Features CSV (mf_csv.py)
    "html-table": html_table_as_csv,  # a portal's HTML `.xls` (html_table.py)
    "aligned-text": aligned_table_as_csv,  # space-aligned columns (aligned_text.py)
    "geohash": geohash_as_csv,  # geohash cells' centres (long_tables.py)
    "wide-pairs": wide_pairs_as_csv,  # lat_<id> / lon_<id> per mover (wide_pairs.py)
    "long-table": long_table_as_csv,  # a row per field, InfluxDB's annotated CSV (long_tables.py)
    "signalk": signalk_as_csv,  # Signal K deltas (signalk.py)
    "wkt-lines": wkt_lines_as_csv,  # LINESTRING M rows (wkt_lines.py)
    "fitcsvtool": fit_csv_as_csv,  # FitCSVTool (fit_csv.py)
    "ardupilot": ardupilot_as_csv,  # DataFlash text (ardupilot.py)
    "sbs1": sbs1_as_csv,  # dump1090 port 30003 (sbs1.py)
    "sumo-fcd": sumo_fcd_as_csv,  # SUMO floating-car data XML (sumo_fcd.py)
    "vbo": vbo_as_csv,  # Racelogic VBOX (vbo.py)
    "aprs": aprs_as_csv,  # APRS packets heard, timed (aprs.py, heldout40)
    "argo-index": argo_index_as_csv,  # the Argo GDAC's profile index (argo_index.py)
    "stacked-csv": stacked_as_csv,  # ForeFlight's summary above the fixes (stacked_csv.py)
}
_IS_TEXT = {"metrica": is_metrica, "tracab": is_tracab, "eth-ucy": is_eth_ucy,
            "trajnetpp": is_trajnetpp, "sdd": is_sdd, "mf-csv": is_mf_csv, "html-table": is_html_table, "aligned-text": is_aligned_table,
            "geohash": is_geohash_table, "wide-pairs": is_wide_pairs, "long-table": is_long_table,
            "wkt-lines": is_wkt_lines, "fitcsvtool": is_fit_csv,
            "ardupilot": is_ardupilot_text, "sbs1": is_sbs1, "sumo-fcd": is_sumo_fcd,
            "vbo": is_vbo, "aprs": is_aprs_log, "argo-index": is_argo_index,
            "stacked-csv": is_stacked_csv}  # fmt: skip


def _feed_as_csv(
    kind: str,
    f: Path,
    out: Path,
    pitch: tuple[float, float] | None,
    balls: list[Path],
    cut: list[int] | None = None,
) -> Sequence[object]:
    """A Metrica / TRACAB feed converted; of Metrica's team files read together, only the first
    keeps the ball (each carries the same ball), ``balls`` holding that file. ``cut``: the
    lines cut short left out (None: refused)."""
    if kind != "metrica":
        return _TEXT[kind](f, out, pitch, cut=cut)
    at = metrica_as_csv(f, out, pitch, ball_from=balls[0] if balls else None, cut=cut)
    if not balls and has_ball(f):
        balls.append(f)
    return at


def _text_kind(p: Path, signalk: bool) -> str | None:
    """The first of `_TEXT`'s kinds that `p` is (Signal K: told apart by the caller)."""
    return next((k for k in _TEXT if (signalk if k == "signalk" else _IS_TEXT[k](p))), None)


def _sources(tmp: tempfile.TemporaryDirectory, source: Path, where: dict) -> None:
    """Keep, for errors, where each converted CSV's lines come from in `source`."""
    tmp.sources = {**getattr(tmp, "sources", {}), **{c: (source, w) for c, w in where.items()}}  # type: ignore[attr-defined]  # fmt: skip
