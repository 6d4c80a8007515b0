"""gzip-compressed inputs of every format (`track.gpx.gz`, `ride.fit.gz`, a Strava export's
`activities/*.tcx.gz`): `open_bytes` decompresses as the reader streams, capped at
`ReadLimits.max_zip_member_bytes` (a gzip bomb stops there, in both on_error modes), and a
damaged or truncated gzip is one TrajlmInputError naming the file. `inner(path)` is the name
without `.gz` (its suffix picks the reader, its stem the trajectory ids).
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from trajlm.data.readers._common import ReadLimits
from trajlm.data.schema import TrajlmInputError


def inner(path: Path) -> Path:
    """`a/ride.fit.gz` -> `a/ride.fit`; other paths unchanged."""
    return path.with_suffix("") if path.suffix.lower() == ".gz" else path


def stem(path: Path) -> str:
    """The stem trajectory ids start with: `ride` for `ride.fit` and `ride.fit.gz`."""
    return inner(path).stem


class _Capped(io.RawIOBase):
    """A gzip stream that raises TrajlmInputError past `cap` bytes or on damaged data."""

    def __init__(self, path: Path, cap: int) -> None:
        self.path, self.cap, self.n = path, cap, 0
        self.gz = gzip.open(path, "rb")

    def readable(self) -> bool:
        return True

    def readinto(self, buf) -> int:  # type: ignore[no-untyped-def]
        try:
            data = self.gz.read(len(buf))
        except (gzip.BadGzipFile, EOFError, zlib.error, OSError) as e:
            raise TrajlmInputError(
                f"damaged or truncated gzip file ({e or type(e).__name__})",
                path=self.path,
                hint="skipping cannot help (the stream stops there); download it again",
            ) from None
        self.n += len(data)
        if self.n > self.cap:
            raise TrajlmInputError(
                f"gzip file expands to more than {self.cap:,} bytes (max_zip_member_bytes): a "
                "gzip bomb or a very large file",
                path=self.path,
                hint="if the file is genuine, raise the limit: ReadLimits(max_zip_member_bytes=..."
                ") or TRAJLM_MAX_ZIP_MEMBER_BYTES",
            )
        buf[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self.gz.close()
        super().close()


def open_bytes(path: Path, limits: ReadLimits | None = None) -> IO[bytes]:
    """A binary file object of `path`, decompressed when it ends in `.gz`."""
    if path.suffix.lower() != ".gz":
        return open(path, "rb")
    cap = (limits or ReadLimits.from_env()).max_zip_member_bytes
    return io.BufferedReader(_Capped(path, cap), buffer_size=1 << 20)


def read_bytes(path: Path, limits: ReadLimits | None = None) -> bytes:
    """The whole (decompressed) content of `path`."""
    with open_bytes(path, limits) as f:
        return f.read()


GZIP_MAGIC = b"\x1f\x8b"


def read_packed_or_plain(path: Path, limits: ReadLimits | None = None) -> bytes:
    """The whole content of `path`, decompressed (capped as `open_bytes`) when it ends in `.gz`
    or starts with gzip's magic bytes under another name: readsb / tar1090 write ADS-B
    `trace_full_<icao>.json` gzipped, and a copy keeps the `.json` name (heldout33b: "not valid
    JSON ('utf-8' codec can't decode byte 0x8b ...)")."""
    with open(path, "rb") as f:
        packed = f.read(len(GZIP_MAGIC)) == GZIP_MAGIC
    if not packed:
        return path.read_bytes()
    cap = (limits or ReadLimits.from_env()).max_zip_member_bytes
    with io.BufferedReader(_Capped(path, cap), buffer_size=1 << 20) as f:
        return f.read()


def missing_library(what: str, module: str) -> TrajlmInputError:
    """One line for an optional reader whose library is not installed."""
    return TrajlmInputError(
        f"reading {what} needs the {module} package, which is not installed",
        hint="pip install 'trajlm[formats]'",
    )


def iter_text_lines(f: IO[bytes], path: Path, max_bytes: int) -> Iterator[tuple[int, str]]:
    """(line number, text) of a binary stream, ASCII / UTF-8 with bad bytes replaced; a line
    longer than max_bytes (ReadLimits.max_line_bytes) is one error, never read whole."""
    lineno = 0
    while True:
        raw = f.readline(max_bytes + 1)
        if not raw:
            return
        lineno += 1
        if len(raw) > max_bytes and not raw.endswith(b"\n"):
            raise TrajlmInputError(
                f"a line longer than {max_bytes:,} bytes (max_line_bytes): not a text log",
                path=path,
                line=lineno,
            )
        yield lineno, raw.decode("utf-8", errors="replace").strip()


def activity_types(files: list[Path]) -> dict[str, str]:
    """{file stem: activity type} from the `activities.csv` of a Strava bulk export (beside or
    above the files: columns `Activity Type` and `Filename`, e.g. `activities/123.fit.gz`); {}
    when there is none or it has other columns."""
    import csv

    out: dict[str, str] = {}
    for index in sorted({d / "activities.csv" for f in files for d in (f.parent, f.parent.parent)}):
        if not index.is_file():
            continue
        try:
            with open(index, encoding="utf-8-sig", errors="replace", newline="") as fh:
                for row in csv.DictReader(fh):
                    name, kind = row.get("Filename"), row.get("Activity Type")
                    if name and kind:
                        out[stem(Path(name))] = kind.strip()
        except csv.Error:
            continue
    return out


# bzip2 / xz / lzma / Zstandard files of any format (heldout33: a portal's `taxi_pings.csv.bz2`
# was "cannot tell the format"; heldout34: NOAA's daily AIS `AIS_2024_01_05.csv.zst` likewise):
# unpacked whole into the read's temporary folder (spreadsheet.sheets_as_csv), capped like a
# gzip, then read by the name without the suffix
UNPACKED = (".bz2", ".xz", ".lzma", ".zst", ".zstd")
_CODECS = {".bz2": "bzip2", ".zst": "zstd", ".zstd": "zstd"}  # the rest: xz / lzma


def unpack(path: Path, into: Path, limits: ReadLimits | None = None) -> Path:
    """`a/pings.csv.bz2` decompressed to `into/pings.csv` (the path returned); a damaged file or
    one past `max_zip_member_bytes` is one TrajlmInputError naming `path`."""
    import lzma

    cap = (limits or ReadLimits.from_env()).max_zip_member_bytes
    out = into / path.with_suffix("").name
    codec = _CODECS.get(path.suffix.lower(), "xz")
    n = 0
    try:
        with _packed_reader(path, codec) as src, out.open("wb") as dst:
            while block := src.read(1 << 20):
                n += len(block)
                if n > cap:
                    raise TrajlmInputError(
                        f"{codec} file expands to more than {cap:,} bytes (max_zip_member_bytes)",
                        path=path,
                        hint="if the file is genuine, raise the limit: TRAJLM_MAX_ZIP_MEMBER_BYTES",
                    )
                dst.write(block)
    except (OSError, EOFError, lzma.LZMAError, ValueError) as e:
        raise TrajlmInputError(
            f"damaged or truncated {codec} file ({e or type(e).__name__})",
            path=path,
            hint="download it again",
        ) from None
    return out


def _packed_reader(path: Path, codec: str) -> IO[bytes]:
    """A binary stream of `path`'s unpacked bytes (Zstandard through pyarrow, already a
    dependency: no `zstandard` package needed)."""
    import bz2
    import lzma

    if codec == "zstd":
        import pyarrow as pa

        return pa.input_stream(str(path), compression="zstd")  # type: ignore[return-value]
    return (bz2.open if codec == "bzip2" else lzma.open)(path, "rb")  # type: ignore[return-value]


# tar archives (heldout34: an operator's nightly `tar czf` of day folders was "cannot tell the
# format"): their regular files extracted into the read's temporary folder, then read as the
# folder they unpack to; links, devices and names leaving the folder are not extracted
TARS = (".tar", ".tgz", ".tar.gz", ".tbz2", ".tar.bz2", ".txz", ".tar.xz", ".tar.zst")


def is_tar(path: Path) -> bool:
    """Whether `path` is a file named as a tar archive (plain or packed)."""
    return path.is_file() and path.name.lower().endswith(TARS)


def untar(path: Path, into: Path, limits: ReadLimits | None = None) -> Path:
    """`a/dump.tgz`'s regular files extracted under `into/dump.tgz/` (the path returned); a
    archive expanding past `max_zip_member_bytes` (its members together, as one unpacked file
    is capped), or a damaged archive is one TrajlmInputError naming `path`."""
    import tarfile

    lim = limits or ReadLimits.from_env()
    root = into / path.name
    root.mkdir(parents=True)
    total = 0
    low = path.name.lower()
    skipped: list[str] = []  # links, absolute paths, '..' members: not extracted
    nested: list[str] = []  # archives inside: not unpacked again
    twice: list[str] = []  # a name stored twice: the last copy wins, as `tar xf` does
    seen: set[str] = set()
    try:
        if low.endswith(".tar.zst"):
            stream, mode = _packed_reader(path, "zstd"), "r|"
        else:
            stream, mode = path.open("rb"), "r|*"
        with stream, tarfile.open(fileobj=stream, mode=mode) as tar:
            for m in tar:
                parts = Path(m.name).parts
                if not m.isfile() or m.name.startswith("/") or ".." in parts:
                    if not m.isdir():  # a user's data file under ../ was dropped unsaid
                        skipped.append(m.name)
                    continue
                if m.name.lower().endswith(TARS):
                    nested.append(m.name)
                if m.name in seen:
                    twice.append(m.name)
                seen.add(m.name)
                total += m.size
                if total > lim.max_zip_member_bytes:
                    raise TrajlmInputError(
                        f"tar archive expands to more than {lim.max_zip_member_bytes:,} bytes "
                        f"(max_zip_member_bytes; at member {m.name!r})",
                        path=path,
                        hint="if the archive is genuine, raise the limit: "
                        "TRAJLM_MAX_ZIP_MEMBER_BYTES",
                    )
                target = root.joinpath(*parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                src = tar.extractfile(m)
                if src is not None:
                    with src, target.open("wb") as dst:
                        while block := src.read(1 << 20):
                            dst.write(block)
    except (OSError, EOFError, tarfile.TarError, ValueError) as e:
        raise TrajlmInputError(
            f"damaged or truncated tar archive ({e or type(e).__name__})",
            path=path,
            hint="download it again, or unpack it (tar xf) and give the folder",
        ) from None
    _say_members(path, skipped, nested, twice)
    return root


def _say_members(path: Path, skipped: list[str], nested: list[str], twice: list[str]) -> None:
    """One warning per kind of member untar read otherwise than `tar xf` would (badin34b:
    each was left out unsaid)."""
    import warnings

    def some(names: list[str]) -> str:
        return ", ".join(map(repr, names[:3])) + (
            f" and {len(names) - 3} more" if len(names) > 3 else ""
        )

    if skipped:
        warnings.warn(f"{path.name}: {len(skipped)} member(s) not read: links, and paths outside "
                      f"the archive (absolute or with '..'): {some(skipped)}", stacklevel=3)  # fmt: skip
    if nested:
        warnings.warn(f"{path.name}: {len(nested)} archive(s) inside the archive not unpacked: "
                      f"{some(nested)}; unpack them (tar xf) and give the folder", stacklevel=3)  # fmt: skip
    if twice:
        warnings.warn(f"{path.name}: {len(twice)} member name(s) stored twice, the last copy "
                      f"read (as tar xf keeps): {some(twice)}", stacklevel=3)  # fmt: skip


# a data lake's row files, converted to Parquet in a folder's mirror (heldout36: a Hive
# table's `dt=2026-11-03/part-00000.orc` parts; a single file is converted by _arrow_tables)
LAKE_FILES = (".orc", ".avro")


def has_packed(folder: Path) -> bool:
    """Whether a file under `folder` ends in `.bz2` / `.xz` / `.lzma` (or is an ORC / Avro
    part: LAKE_FILES) (one walk)."""
    return folder.is_dir() and any(
        p.suffix.lower() in UNPACKED + LAKE_FILES and p.is_file() for p in folder.rglob("*")
    )


def unpack_folder(
    folder: Path,
    into: Path,
    limits: ReadLimits | None = None,
    unpacked: dict | None = None,
    convert: Callable[[Path, Path], None] | None = None,
) -> Path:
    """`folder` mirrored at `into/<folder name>` (the path returned): each `.bz2` / `.xz` file
    unpacked (an ORC / Avro part written as Parquet by `convert(part, out)`: _arrow_tables's
    as_parquet, passed in so gz imports no table reader) beside its relatives, every other file linked, so a portal's folder of daily
    `pings-2026-01-19.csv.bz2` reads as a folder of CSVs. `unpacked`: filled with {unpacked
    file: the packed file}, so errors name the user's file."""
    root = into / folder.name
    for p in sorted(folder.rglob("*")):
        if not p.is_file():
            continue
        at = root / p.relative_to(folder).parent
        at.mkdir(parents=True, exist_ok=True)
        if p.suffix.lower() in UNPACKED or (convert and p.suffix.lower() in LAKE_FILES):
            if p.suffix.lower() in LAKE_FILES and convert:
                out = at / f"{p.stem}.parquet"
                convert(p, out)
            else:
                out = unpack(p, at, limits)
            if unpacked is not None:
                unpacked[out] = p
        else:
            (at / p.name).symlink_to(p.resolve())
    return root
