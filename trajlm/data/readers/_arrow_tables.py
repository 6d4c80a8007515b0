"""Point tables in Arrow IPC (`.feather`, `.arrow`, `.ipc`) and JSON Lines (`.jsonl`, `.ndjson`:
one flat JSON object per line, Kafka / API dumps) (session 18): streamed into a temporary Parquet
file (Polars `sink_parquet`, memory bounded) and read as any Parquet table: the same column
detection, options and checks. JSON Lines whose objects are GeoJSON Features are left to the
`mfjson` reader (a point table of Point features, `_geojson_points.py`)."""

from __future__ import annotations

import json
from pathlib import Path

from trajlm.data.schema import TrajlmInputError

ARROW = (".feather", ".arrow", ".ipc")
JSON_LINES = (".jsonl", ".ndjson")
# GeoJSON text sequences (RFC 8142, a RS byte before each Feature) and GeoJSON Lines
GEOJSON_LINES = (".geojsonl", ".geojsons", ".geojsonseq")


def feature_lines(path: Path) -> bool:
    """A JSON Lines file whose first object is a GeoJSON Feature (read by `mfjson`)."""
    try:
        with path.open("rb") as f:
            for raw in f:
                line = raw.strip().lstrip(b"\x1e")
                if line:
                    doc = json.loads(line)
                    return isinstance(doc, dict) and doc.get("type") == "Feature"
    except (OSError, ValueError):
        return False  # the conversion names what is wrong
    return False


def converts(path: Path) -> bool:
    """Whether `path` is a table `as_parquet` converts."""
    suffix = path.suffix.lower()
    return path.is_file() and (
        suffix in ARROW or (suffix in JSON_LINES and not feature_lines(path))
    )


def as_parquet(path: Path, out: Path) -> None:
    """Write the table in `path` (Arrow IPC or JSON Lines) as Parquet at `out`."""
    import polars as pl

    arrow = path.suffix.lower() in ARROW
    try:
        frame = pl.scan_ipc(path) if arrow else pl.scan_ndjson(path, infer_schema_length=1000)
        frame.sink_parquet(out)
    except Exception as e:  # Polars / Arrow errors of a damaged or foreign file
        what = "an Arrow IPC (Feather) file" if arrow else "JSON Lines (one JSON object a line)"
        first = str(e).strip().splitlines()[0][:200] if str(e).strip() else type(e).__name__
        line = None if arrow else _first_bad_line(path)
        if line is not None:
            first = f"{line[1]}"
        raise TrajlmInputError(
            f"not readable as {what} ({first})", path=path, line=line and line[0]
        ) from None


def _first_bad_line(path: Path) -> tuple[int, str] | None:
    """(line number, why) of the first line of a JSON Lines file that is not a JSON object."""
    with path.open("rb") as f:
        for n, raw in enumerate(f, 1):
            if not raw.strip():
                continue
            try:
                doc = json.loads(raw)
            except ValueError as e:
                return n, f"not JSON: {e}"
            if not isinstance(doc, dict):
                return n, f"a JSON {type(doc).__name__}, not an object"
    return None


def json_lines(text: str) -> list:
    """The JSON values of a JSON Lines / GeoJSON text sequence (a RS byte before each allowed);
    a line that is not JSON raises ValueError with its line number (`lineno`)."""
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip().lstrip("\x1e")
        if not line:
            continue
        try:
            out.append(json.loads(line))
        except ValueError as e:
            err = ValueError(f"line {n}: {e}")
            err.lineno = n  # type: ignore[attr-defined]
            raise err from None
    return out
