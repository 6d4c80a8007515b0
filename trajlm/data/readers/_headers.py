"""A tabular file's header as the column detection reads it (csv / parquet; split out of
detect.py in session 20, badin20)."""

from __future__ import annotations

from pathlib import Path

from trajlm.data.readers._encoding import SNIFF_BYTES, is_binary
from trajlm.data.readers._geoparquet import geometry_source
from trajlm.data.readers._lines import header_line, header_names
from trajlm.data.readers.file_format import first_line
from trajlm.data.schema import TrajlmInputError


def read_header(path: Path, format: str, sep: str) -> list[str] | None:
    if format == "parquet":
        import pyarrow.parquet as pq

        try:
            return list(pq.ParquetFile(path).schema_arrow.names)
        except Exception:  # the reader says what is wrong with the file
            return None
    if path.suffix.lower() == ".zip":
        return None  # members may differ; the reader checks each
    line = first_line(path)
    try:
        return header_names(line, sep, path, header_line(path)) if line.strip() else None
    except TrajlmInputError:
        if path.suffix.lower() != ".gz" and is_binary_file(path):
            return None  # random bytes named .csv: the reader says "binary", naming the file
        raise


def is_binary_file(path: Path) -> bool:
    with open(path, "rb") as f:
        return is_binary(f.read(SNIFF_BYTES))


def geometry_columns(path: Path) -> tuple[str, str] | None:
    import pyarrow.parquet as pq

    try:
        return geometry_source(pq.ParquetFile(path).schema_arrow, path)
    except Exception:  # the reader says what is wrong with the file
        return None


ROW_KEY_SAMPLE = 10_000  # rows sampled to read a column's values from the file's head


def id_sample(path: Path, format: str, sep: str, column: str) -> list | None:
    """Up to ROW_KEY_SAMPLE values of `column` (None: the file cannot be sampled here)."""
    import polars as pl

    if not path.is_file() or path.suffix.lower() in (".zip", ".gz"):
        return None
    try:
        if format == "parquet":
            df = pl.scan_parquet(path).select(column).head(ROW_KEY_SAMPLE).collect()
        else:
            from trajlm.data.readers._lines import COMMENT_LINES, comment_lines

            with path.open("rb") as f:  # past `#` comments and title lines (heldout25)
                skip = comment_lines([f.readline(1 << 16) for _ in range(COMMENT_LINES + 1)])
            df = pl.read_csv(path, separator=sep, columns=[column], n_rows=ROW_KEY_SAMPLE,
                             infer_schema=False, truncate_ragged_lines=True,
                             skip_rows=skip)  # fmt: skip
    except Exception:  # the reader says what is wrong with the file
        return None
    return df[column].to_list()


# The old private names (made public, review38; _time_columns.py off `_id_sample` since review38b):
# branches written before the rename may import either.
_header = read_header
_id_sample = id_sample
