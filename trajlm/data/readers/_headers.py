"""A tabular file's header as the column detection reads it (csv / parquet; split out of
detect.py in session 20, badin20)."""

from __future__ import annotations

from pathlib import Path

from trajlm.data.readers._encoding import SNIFF_BYTES, is_binary
from trajlm.data.readers._geoparquet import geometry_source
from trajlm.data.readers._lines import header_names
from trajlm.data.readers.file_format import _first_line
from trajlm.data.schema import TrajlmInputError


def _header(path: Path, format: str, sep: str) -> list[str] | None:
    if format == "parquet":
        import pyarrow.parquet as pq

        try:
            return list(pq.ParquetFile(path).schema_arrow.names)
        except Exception:  # the reader says what is wrong with the file
            return None
    if path.suffix.lower() == ".zip":
        return None  # members may differ; the reader checks each
    line = _first_line(path)
    try:
        return header_names(line, sep, path) if line.strip() else None
    except TrajlmInputError:
        if path.suffix.lower() != ".gz" and _binary_file(path):
            return None  # random bytes named .csv: the reader says "binary", naming the file
        raise


def _binary_file(path: Path) -> bool:
    with open(path, "rb") as f:
        return is_binary(f.read(SNIFF_BYTES))


def _geometry(path: Path) -> tuple[str, str] | None:
    import pyarrow.parquet as pq

    try:
        return geometry_source(pq.ParquetFile(path).schema_arrow, path)
    except Exception:  # the reader says what is wrong with the file
        return None
