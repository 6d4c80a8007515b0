"""Export archives of track files as downloaded (session 16): a Strava bulk export `.zip`
(`activities/*.gpx|.fit.gz|.tcx.gz` + `activities.csv`), Garmin Connect's export (FIT files in a
zip inside the zip: `DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_*.zip`), Apple Health's
`export.zip` (`workout-routes/*.gpx`).

A zip holding track files (GPX, TCX, KML/KMZ, FIT, IGC, NMEA, Ozi .plt, their .gz), directly or
in a zip member, is read as the folder it unpacks to (format `tracks`): its track members (and a
Strava `activities.csv`, for the activity types) are extracted into a temporary folder named
after the archive (`<tmp>/export.zip/activities/123.gpx`, so messages and ids name the member)
and removed when the read ends. Other members (JSON summaries, export.xml, CSVs of
settings) are not read. Each member passes the zip-bomb limits of zipped CSVs. A zip of CSVs is
unchanged (the CSV path, `--zip-members`)."""

from __future__ import annotations

import io
import shutil
import tempfile
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from trajlm.data.readers._common import ReadLimits
from trajlm.data.readers._lines import check_member
from trajlm.errors import TrajlmInputError

TRACK_SUFFIXES = (".gpx", ".tcx", ".kml", ".kmz", ".fit", ".igc", ".nmea", ".nma", ".plt")
MAX_DEPTH = 2  # a zip in a zip (Garmin); deeper nesting is not read


def _is_track(name: str) -> bool:
    low = name.lower()
    low = low[:-3] if low.endswith(".gz") else low
    return low.endswith(TRACK_SUFFIXES)


def _names(z: zipfile.ZipFile) -> list[str]:
    return [i.filename for i in z.infolist() if not i.is_dir()]


def track_archive(path: Path, depth: int = 0) -> bool:
    """True for a zip with track members (or a zip member that has them)."""
    try:
        with zipfile.ZipFile(path) as z:
            names = _names(z)
            if any(_is_track(n) for n in names):
                return True
            if depth + 1 >= MAX_DEPTH:
                return False
            for n in (n for n in names if n.lower().endswith(".zip")):
                info = z.getinfo(n)
                if info.file_size <= ReadLimits.from_env().max_zip_member_bytes:
                    with zipfile.ZipFile(io.BytesIO(z.read(n))) as inner:
                        if any(_is_track(m) for m in _names(inner)):
                            return True
    except (zipfile.BadZipFile, OSError, KeyError):
        return False
    return False


def _extract(z: zipfile.ZipFile, shown: Path, into: Path, limits: ReadLimits, depth: int) -> None:
    for info in z.infolist():
        name = info.filename
        parts = PurePosixPath(name).parts
        if info.is_dir() or ".." in parts or name.startswith("/"):
            continue
        low = name.lower()
        keep = _is_track(name) or PurePosixPath(low).name == "activities.csv"
        nested = low.endswith(".zip") and depth + 1 < MAX_DEPTH
        if not (keep or nested):
            continue
        check_member(info, shown / name, limits)
        if nested:
            with zipfile.ZipFile(io.BytesIO(z.read(info))) as inner:
                _extract(inner, shown / name, into / name, limits, depth + 1)
            continue
        target = into.joinpath(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        with z.open(info) as src, open(target, "wb") as dst:
            shutil.copyfileobj(src, dst)


def unpack(
    paths: list[Path], limits: ReadLimits
) -> tuple[list[Path], tempfile.TemporaryDirectory | None]:
    """`paths` with every track archive replaced by the folder of its extracted track members;
    the temporary directory to clean up (None when there was no archive)."""
    tmp, out = None, []
    for p in paths:
        if p.is_file() and p.suffix.lower() == ".zip" and track_archive(p):
            tmp = tmp or tempfile.TemporaryDirectory(prefix="trajlm-zip-")
            into = Path(tmp.name) / f"{len(out)}" / p.name
            into.mkdir(parents=True)
            tmp.archives = {**getattr(tmp, "archives", {}), into: p}  # type: ignore[attr-defined]
            with zipfile.ZipFile(p) as z:
                _extract(z, p, into, limits, 0)
            out.append(into)
        else:
            out.append(p)
    return out, tmp


def cleanup_after(chunks: Iterator, tmp: tempfile.TemporaryDirectory | None) -> Iterator:
    """Yield `chunks`, then remove the extracted members. An error about an extracted member
    names it as `archive.zip!member` (session 17), not by its temporary path."""
    try:
        it, end = iter(chunks), object()
        while True:
            with warnings_name_sources(tmp):  # a chunk's warnings name `s.xlsx`, not `s.csv`
                chunk = next(it, end)
            if chunk is end:
                return
            yield chunk
    except TrajlmInputError as e:
        raise member_error(e, tmp) from None
    finally:
        if tmp is not None:
            tmp.cleanup()


def member_error(e: TrajlmInputError, tmp: tempfile.TemporaryDirectory | None) -> TrajlmInputError:
    """`e` itself, or for an error about a file extracted into `tmp` (its `archives`: folder ->
    archive or workbook) the same error naming it `archive.zip!member`; for a converted file
    (sheets_as_csv) the user's file, with its own line where the conversion kept a map."""
    found = _in_archive(e.path, getattr(tmp, "archives", {}))
    if found is None:
        return e
    archive, member = found
    if packed := getattr(tmp, "packed", {}).get(Path(str(e.path))):  # a .bz2 / .xz unpacked
        said = f" line {e.line}" if e.line else ""  # the packed file's own text line
        return _renamed(e, packed, said, str(packed), e.line)
    if src := getattr(tmp, "sources", {}).get(Path(str(e.path))):
        log, lines = src  # a converted log (device_logs.as_csv): its own line, not the CSV's
        if not e.line or e.line <= len(lines):
            at = lines[e.line - 1] if e.line else None
            if isinstance(at, tuple):  # (file, line): one of a folder's files (SIRI-VM polls)
                log, at = at
            said = "" if at is None else f" line {at}" if isinstance(at, int) else f" {at}"
            return _renamed(e, log, said, str(log), at if isinstance(at, int) else None)
    if getattr(tmp, "converted", False) and _one_conversion(archive, member):
        # a converter that kept no line map (a cell holding a line break): the user's file,
        # and the line of it as converted (never the temporary CSV's name)
        said = f" (as CSV) line {e.line}" if e.line else ""
        return _renamed(e, archive, said, str(archive), None)
    said = f"!{member}" + (f" line {e.line}" if e.line else "")  # the whole member path
    return _renamed(e, archive, said, f"{archive}!{member}", e.line)


def _renamed(
    e: TrajlmInputError, file: Path, said: str, path: str, line: int | None
) -> TrajlmInputError:
    """`e` naming `parent/file{said}` (and its field) in place of the temporary file."""
    old = TrajlmInputError("", path=e.path, line=e.line, field=e.field)
    where = "/".join(file.parts[-2:]) + said + (f" field {e.field}" if e.field else "")
    err = TrajlmInputError(f"{where}: {str(e)[len(str(old)) :]}")
    err.path, err.line, err.field = path, line, e.field
    return err


def _one_conversion(source: Path, member: str) -> bool:
    """Whether `member` is the one CSV a non-workbook file was converted to (a workbook's sheet
    keeps `book.xlsx!book.csv`, its sheet named)."""
    return member == f"{source.stem}.csv" and source.suffix.lower() not in (".xlsx", ".xlsm")


def _in_archive(path: object, archives: dict[Path, Path]) -> tuple[Path, str] | None:
    """(archive, member path) for a path inside an extracted archive, else None."""
    if path is None:
        return None
    for into, archive in archives.items():
        try:
            member = Path(str(path)).relative_to(into)
        except ValueError:
            continue
        return archive, member.as_posix()
    return None


@contextmanager
def warnings_name_sources(tmp: tempfile.TemporaryDirectory | None) -> Iterator[None]:
    """Warnings inside the block that name a converted file's CSV (`s.csv: units row ...`) name
    the user's file instead (`s.xlsx: ...`; a sheet or member of its own: `s.ods!P2.csv`),
    re-emitted when the block ends. `tmp`: sheets_as_csv's folder (its `converted` set)."""
    if tmp is None or not getattr(tmp, "converted", False):
        yield
        return
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")  # every one caught; the caller's filters act below
        try:
            yield
        finally:
            shown = _source_names(tmp)
    for w in got:
        said = str(w.message)
        for csv, source in shown.items():
            said = said.replace(f"{csv}:", f"{source}:")
        warnings.warn_explicit(said, w.category, w.filename, w.lineno)


def _source_names(tmp: tempfile.TemporaryDirectory) -> dict[str, str]:
    """{converted file's name: the user's file it came from}, for warnings (file names only, as
    warnings say them)."""
    if (known := getattr(tmp, "shown", None)) is not None:
        return known
    shown: dict[str, str] = {}
    for into, source in getattr(tmp, "archives", {}).items():
        for f in sorted(into.rglob("*") if into.is_dir() else []):
            if f.name in shown or not f.is_file():
                continue
            if log := getattr(tmp, "sources", {}).get(f):
                shown[f.name] = log[0].name  # a converted log: the log, not its folder
            elif packed := getattr(tmp, "packed", {}).get(f):
                shown[f.name] = packed.name  # a .bz2 / .xz: the packed file (fix33)
            else:
                member = f.relative_to(into).as_posix()
                one = f.stem == source.stem and f.parent == into  # the one file it converts to
                shown[f.name] = source.name if one else f"{source.name}!{member}"
    tmp.shown = shown  # type: ignore[attr-defined]
    return shown
