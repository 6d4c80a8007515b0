"""Every data set present under a corpus's data root, not only the ones its spec names.

A spec with ``discover = true`` ([corpus], configs/pretrain.toml) also takes:

- **renamed files**: a source whose path is missing but whose folder (the path's first
  component) is there is read from that folder's files of its own format and file type
  (``porto/other.csv`` for ``porto/train.1k.csv``), with its own weight, columns and licence;
- **moved data sets**: a new top-level folder in a format only one data set has (porto,
  geolife, ais, tdrive, porto_mapmatched) is that listed source when it is missing (a renamed
  GeoLife folder is read as ``geolife``, with its weight and licence);
- **new data sets**: every other top-level folder or trajectory file under the root that no
  source names, that ``ignore`` does not list and whose format trajlm recognises
  (readers/detect.py: file names, CSV headers) becomes a source of its own, named after it,
  with weight ``discover_weight``, licence unknown and never redistributable (so
  ``--redistributable-only`` leaves it out).

Nothing is silent: each choice is a line of the build's log and an entry of corpus.json
(``found``). A spec without ``discover`` builds exactly what it lists, as before.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from trajlm.data.readers._lines import rglob_follow
from trajlm.data.readers.detect import _dir_format, _file_format

FOLDER_FORMATS = ("geolife", "porto_mapmatched", "gpx", "mfjson")  # read as a folder
# formats only one data set has (its own file layout or header): a moved copy is that data set
OWN_FORMATS = ("porto", "geolife", "ais", "tdrive", "porto_mapmatched")
DATA_SUFFIXES = (".csv", ".tsv", ".parquet", ".pq", ".gpx", ".plt", ".zip")
LICENCE = "unknown (found under the data root, not in the spec)"


def _top(path: str) -> str:
    return Path(path).parts[0]


def relocate(src, root: Path):
    """A source with missing paths -> the same source on the files of its format in its
    folder (a renamed file or subfolder), or None when there is nothing to relocate to."""
    if src.format == "synthetic" or all((root / p).exists() for p in src.path):
        return None
    folder = root / _top(src.path[0])
    if not folder.is_dir():
        return None
    if src.format in FOLDER_FORMATS:
        found = [folder] if _dir_format(folder) == src.format else []
    else:
        suffixes = {Path(p).suffix.lower() for p in src.path}
        found = sorted(
            f for f in rglob_follow(folder, "*")
            if f.suffix.lower() in suffixes and _file_format(f) == src.format
        )  # fmt: skip
    if not found:
        return None
    return dataclasses.replace(src, path=[str(f.relative_to(root)) for f in found])


def _name(entry: Path, taken: set[str]) -> str:
    stem = entry.name if entry.is_dir() else entry.stem
    name = "".join(c if c.isalnum() else "_" for c in stem.lower()).strip("_") or "data"
    name = name if name[0].isalpha() else f"d_{name}"
    while name in taken:
        name += "_found"
    return name


def discover(spec, root: Path, source_cls, log=print) -> list:
    """The new data sets under root (module docstring), as source_cls (CorpusSource)."""
    if not root.is_dir():
        return []
    named = {_top(p) for s in spec.sources for p in s.path} | set(spec.ignore)
    taken = {s.name for s in spec.sources}
    out = []
    for entry in sorted(root.iterdir()):
        if entry.name.startswith(".") or entry.name in named:
            continue
        if entry.is_dir():
            fmt = _dir_format(entry)
        elif entry.suffix.lower() in DATA_SUFFIXES:
            fmt = _file_format(entry)
        else:
            continue  # README.md, checksums, ...
        if fmt is None:
            log(f"corpus: {entry.name}: no file trajlm reads under it; left out")
            continue
        if entry.is_dir() and fmt not in FOLDER_FORMATS:
            suffixes = (".parquet", ".pq") if fmt == "parquet" else (".csv", ".tsv", ".zip")
            files = [f for f in rglob_follow(entry, "*") if f.suffix.lower() in suffixes]
            files = [f for f in files if _file_format(f) == fmt]
            paths = [str(f.relative_to(root)) for f in files]
        else:
            paths = [entry.name]
        name = _name(entry, taken)
        taken.add(name)
        src = source_cls(name=name, format=fmt, path=paths, weight=spec.discover_weight,
                           licence=LICENCE, redistributable=False)  # fmt: skip
        out.append(src)
    return out


def resolve_sources(spec, root: Path, source_cls, log=print) -> tuple[list, list[dict]]:
    """The spec's sources with renamed files relocated, plus the new data sets when
    ``spec.discover``; and the record of what was found (corpus.json ``found``)."""
    if not spec.discover:
        return list(spec.sources), []
    sources, found = [], []
    for src in spec.sources:
        moved = relocate(src, root)
        if moved is not None:
            log(f"corpus: {src.name}: {', '.join(src.path)} not found; reading "
                f"{', '.join(moved.path)} (format {src.format}, found in {_top(src.path[0])}/)")  # fmt: skip
            found.append({"name": src.name, "was": src.path, "path": moved.path})
            src = moved
        sources.append(src)
    missing = {i: s for i, s in enumerate(sources)
               if s.format != "synthetic" and not all((root / p).exists() for p in s.path)}  # fmt: skip
    for src in discover(spec, root, source_cls, log):
        same = [i for i, s in missing.items() if s.format == src.format]
        where = src.path[0].split("/")[0]
        if src.format in OWN_FORMATS and len(same) == 1:  # a moved folder: the listed source
            old = missing.pop(same[0])
            log(f"corpus: {old.name}: {', '.join(old.path)} not found; reading "
                f"{where} (format {src.format}, which only {old.name} has)")  # fmt: skip
            found.append({"name": old.name, "was": old.path, "path": src.path})
            sources[same[0]] = dataclasses.replace(old, path=src.path)
            continue
        log(f"corpus: found a data set the spec does not name: {where} -> source {src.name} "
            f"(format {src.format}, {len(src.path)} path(s), weight {src.weight:g}; list it in "
            "[corpus] ignore to leave it out, or give it a [[source]])")  # fmt: skip
        found.append({"name": src.name, "path": src.path, "format": src.format, "new": True})
        sources.append(src)
    return sources, found


# what a reader drops for a damaged file (not the cleaning's short trips, outliers, ...)
DAMAGE = ("nul_bytes", "empty_file", "unterminated_trajectory")
DAMAGE_WORDS = ("error", "malformed", "invalid", "truncated")


def source_notes(manifest: dict) -> str:
    """ ", N unreadable rows skipped (reasons)" for a source read with damage, else ""."""
    guessed = (manifest.get("reading") or {}).get("columns_guessed") or {}
    cols = ", ".join(f"{k} <- {v}" for k, v in guessed.items())
    note = f"; columns guessed from the header: {cols}" if cols else ""
    dropped = (manifest.get("drop_report") or {}).get("dropped") or {}
    bad = {k: v for k, v in dropped.items() if k in DAMAGE or any(w in k for w in DAMAGE_WORDS)}
    if not bad:
        return note
    what = ", ".join(f"{k} {v:,}" for k, v in sorted(bad.items()))
    return f"{note}; {sum(bad.values()):,} unreadable row(s) skipped ({what})"
