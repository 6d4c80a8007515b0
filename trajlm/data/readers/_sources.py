"""The byte streams the text readers read: files found under folders, plain / `.gz` files and
`.zip` members, each with its own opener (split from _lines.py in session 17, bigin17; the
names are still importable from there)."""

from __future__ import annotations

import functools
import gzip
import zipfile
from collections.abc import Callable, Iterator, Sequence
from fnmatch import fnmatch
from pathlib import Path
from typing import IO

from trajlm.data.readers._common import ReadLimits
from trajlm.data.readers._encoding import utf8_opener
from trajlm.data.schema import TrajlmInputError

# Zip members up to one read block (_lines.BLOCK_BYTES) are not ratio-checked: a small
# member cannot hold a memory bomb, and tiny text compresses far past 200x.
RATIO_FROM_BYTES = 8 << 20


def rglob_follow(folder: Path, pattern: str) -> list[Path]:
    """Files under `folder` matching `pattern`, sorted, searched recursively *through* linked
    folders (Path.rglob does not enter a symlinked subfolder: a data root of links would
    read empty); each real folder is visited once, so a link loop ends. Names match in any
    case (`*.csv` finds `A.CSV`)."""
    import fnmatch
    import os

    seen: set[str] = set()
    out: list[Path] = []
    for d, dirs, files in os.walk(folder, followlinks=True):
        real = os.path.realpath(d)
        if real in seen:
            dirs[:] = []
            continue
        seen.add(real)
        dirs.sort()
        # case-insensitive on every system (a Windows export's TRACK.CSV, *.PLT)
        out.extend(Path(d) / f for f in files if fnmatch.fnmatch(f.lower(), pattern.lower()))
    return sorted(out)


def expand_paths(paths: str | Path | Sequence[str | Path], pattern: str) -> list[Path]:
    """Files named by `paths`; directories are searched recursively for `pattern`."""
    if isinstance(paths, str | Path):
        paths = [paths]
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = rglob_follow(p, pattern)
            if not found:
                raise TrajlmInputError(f"no {pattern} files under directory", path=p)
            out.extend(found)
        elif p.is_file():
            out.append(p)
        else:
            raise TrajlmInputError("no such file or directory", path=p)
    return out


def iter_sources(
    path: Path, members: str = "*", limits: ReadLimits | None = None
) -> Iterator[tuple[Path, Callable[[], IO[bytes]]]]:
    """(display path, opener) of a plain or `.gz` file, or of each `.zip` member matching
    `members`.

    Zip members are opened one at a time and streamed (never extracted or loaded whole); the
    display path `archive.zip/dir/member.csv` is what errors name, its stem the member's stem.
    Before a member is opened, its declared size (which zipfile enforces while reading) is
    checked against limits.max_zip_member_bytes and, for members above 8 MiB, its compression
    ratio against limits.max_zip_ratio (a "zip bomb" expands ~1000x).
    """
    limits = limits or ReadLimits.from_env()
    if path.suffix.lower() == ".gz":  # a gzip-compressed file, decompressed as it streams
        yield path, functools.partial(gzip.open, path, "rb")
        return
    if path.suffix.lower() != ".zip":  # UTF-16 (Excel's Unicode Text) read as UTF-8
        yield path, utf8_opener(functools.partial(open, path, "rb"))
        return
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        raise TrajlmInputError(f"not a readable zip file ({e})", path=path) from None
    with zf:
        names = [
            i.filename for i in zf.infolist() if not i.is_dir() and fnmatch(i.filename, members)
        ]
        if not names:
            some = [i.filename for i in zf.infolist()][:5]
            raise TrajlmInputError(
                f"no zip member matches {members!r} (members include {some})",
                path=path,
                hint="choose members with ColumnMap(zip_members=...) (--zip-members on the CLI)",
            )
        for name in names:
            check_member(zf.getinfo(name), path / name, limits)
            yield path / name, functools.partial(zf.open, name)


def check_member(info: zipfile.ZipInfo, shown: Path, limits: ReadLimits) -> None:
    hint = "if the member is genuine, raise the limit: ReadLimits({}=...) or {}"
    if info.file_size > limits.max_zip_member_bytes:
        raise TrajlmInputError(
            f"zip member expands to {info.file_size:,} bytes, more than the limit of "
            f"{limits.max_zip_member_bytes:,} (max_zip_member_bytes)",
            path=shown,
            hint=hint.format("max_zip_member_bytes", "TRAJLM_MAX_ZIP_MEMBER_BYTES"),
        )
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > RATIO_FROM_BYTES and ratio > limits.max_zip_ratio:
        raise TrajlmInputError(
            f"zip member expands {ratio:,.0f}x ({info.compress_size:,} -> {info.file_size:,} "
            f"bytes), more than the limit of {limits.max_zip_ratio:g}x (max_zip_ratio): a zip "
            "bomb or a degenerate file",
            path=shown,
            hint=hint.format("max_zip_ratio", "TRAJLM_MAX_ZIP_RATIO"),
        )


def byte_copies(files: list[Path]) -> tuple[list[Path], list[Path]]:
    """(files to read, byte copies left out): of files with identical bytes (a backup, a
    browser's `walk (1).gpx`, one path given twice) the one with the shortest name is read
    (ties: the first in order), the others are copies, counted by the caller as
    `duplicate_file`. Sizes are compared first, so only files of equal size are hashed."""
    import hashlib
    import os

    by_size: dict[int, list[Path]] = {}
    for f in files:
        try:
            by_size.setdefault(os.path.getsize(f), []).append(f)
        except OSError:  # the reader names it
            by_size.setdefault(-1 - len(by_size), []).append(f)
    left_out: set[int] = set()
    for size, group in by_size.items():
        if size < 0 or len(group) < 2:
            continue
        by_digest: dict[bytes, list[Path]] = {}
        for f in group:
            h = hashlib.sha256()
            with open(f, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    h.update(block)
            by_digest.setdefault(h.digest(), []).append(f)
        for same in by_digest.values():
            keep = min(same, key=lambda f: (len(f.name), files.index(f)))
            left_out.update(id(f) for f in same if f is not keep)
    kept = [f for f in files if id(f) not in left_out]
    return kept, [f for f in files if id(f) in left_out]
