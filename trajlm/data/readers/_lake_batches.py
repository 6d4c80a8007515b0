"""ORC and Avro row files (heldout36's data-lake files) as Parquet, a batch at a time (fix36):
they were read whole into memory (pyarrow's `orc.read_table`, Polars' `read_avro`) before the
Parquet write, so a lake file's size was the reader's peak memory.

ORC: one stripe at a time (pyarrow's `ORCFile.read_stripe`; writers cut stripes at 64 MB, so
a file of one or two stripes gains little: the stripe bounds the memory, not the file).
Avro: an object container file is a header (magic, schema, codec, a 16-byte sync marker) and
data blocks, each `count, size, bytes, sync`; the header with a run of blocks is itself an Avro
file, which Polars reads. The blocks are found by their counts and sizes and never decoded
here, so every codec and type Polars reads is read alike. Each batch is written as a Parquet
part beside the output; the parts are then streamed (`sink_parquet`) into the one Parquet file
the rest of the reader reads, as the other converted tables are."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

BATCH_ROWS = 250_000  # Avro rows read at once (ORC: a stripe, whatever its rows)
AVRO_MAGIC = b"Obj\x01"
SYNC_BYTES = 16


def lake_parts(path: Path, parts: Path) -> list[Path]:
    """The ORC / Avro table `path` written into `parts` (a new folder) as Parquet files of a
    batch each, in row order; an empty table is one empty part (its columns kept)."""
    parts.mkdir()
    batches = _orc_batches(path) if path.suffix.lower() == ".orc" else avro_batches(path)
    written = []
    for i, batch in enumerate(batches):  # one batch in memory at a time
        written.append(parts / f"part-{i:05d}.parquet")
        batch.write_parquet(written[-1])
    return written


def write_lake_parquet(path: Path, out: Path, shape: Any) -> None:
    """`path` (ORC / Avro) as Parquet at `out`, batch by batch (lake_parts); `shape`: the
    step a converted table takes before it is written (LazyFrame, sample) -> LazyFrame
    (`_pair_columns.split_pairs`)."""
    import polars as pl

    parts = out.parent / f".{out.name}.parts"
    try:
        files = lake_parts(path, parts)
        frame = pl.scan_parquet(files)
        shape(frame, frame.head(1000).collect()).sink_parquet(out)
    finally:
        shutil.rmtree(parts, ignore_errors=True)


def _orc_batches(path: Path) -> Iterator[Any]:
    """Polars frames of an ORC file's stripes, one at a time (pyarrow's ORC reader reads a
    stripe whole: the stripe, not the file, bounds the memory; writers cut them at 64 MB)."""
    import polars as pl
    import pyarrow.orc

    orc = pyarrow.orc.ORCFile(str(path))
    if orc.nstripes == 0:
        yield pl.from_arrow(orc.schema.empty_table())
    for i in range(orc.nstripes):
        yield pl.from_arrow(orc.read_stripe(i))


def _long(f: Any) -> tuple[int, bytes]:
    """An Avro long (zig-zag varint) read from `f`: (value, its bytes)."""
    raw = bytearray()
    shift = value = 0
    while True:
        b = f.read(1)
        if not b:
            raise ValueError("the file ends inside a number")
        raw += b
        value |= (b[0] & 0x7F) << shift
        if not b[0] & 0x80:
            return (value >> 1) ^ -(value & 1), bytes(raw)
        shift += 7
        if shift > 63:
            raise ValueError("a number longer than 64 bits")


def _take(f: Any, n: int) -> bytes:
    data = f.read(n)
    if n < 0 or len(data) != n:
        raise ValueError("the file ends inside a block")
    return data


def avro_header(f: Any) -> bytes:
    """The header of an Avro object container (magic, metadata map, sync marker), as bytes."""
    head = bytearray(_take(f, 4))
    if head != AVRO_MAGIC:
        raise ValueError("no Avro magic `Obj\\x01` at the start")
    while True:  # the metadata map: blocks of entries, a count of 0 ends it
        count, raw = _long(f)
        head += raw
        if count == 0:
            break
        if count < 0:  # a negative count is followed by the block's size in bytes
            count = -count
            head += _long(f)[1]
        for _ in range(2 * count):  # key (string), value (bytes): each a length and its bytes
            size, raw = _long(f)
            head += raw + _take(f, size)
    return bytes(head + _take(f, SYNC_BYTES))


def avro_batches(path: Path) -> Iterator[Any]:
    """Polars frames of up to about BATCH_ROWS rows of an Avro object container file (a schema
    with maps, which Polars cannot read, decoded in Python: _avro_records.py)."""
    from trajlm.data.readers._avro_records import header_schema, needs_python

    with path.open("rb") as f:
        header = avro_header(f)
        sync = header[-SYNC_BYTES:]
        schema, codec = header_schema(header)
        read = _python_reader(schema, codec, sync) if needs_python(schema) else _polars_avro
        run, rows, done, any_block = bytearray(), 0, 0, False
        while True:
            first = f.read(1)
            if not first:
                break
            f.seek(-1, io.SEEK_CUR)
            count, raw_count = _long(f)
            size, raw_size = _long(f)
            block = raw_count + raw_size + _take(f, size)
            if _take(f, SYNC_BYTES) != sync:
                raise ValueError(
                    f"a data block ends without the file's sync marker ({done:,} rows in)"
                )
            run += block + sync
            rows, done = rows + count, done + count
            if rows >= BATCH_ROWS:
                yield read(header, bytes(run))
                run, rows, any_block = bytearray(), 0, True
        if run or not any_block:  # the last run; a file of no blocks: its columns, no rows
            yield read(header, bytes(run))


def _polars_avro(header: bytes, run: bytes) -> Any:
    import polars as pl

    return pl.read_avro(io.BytesIO(header + run))


def _python_reader(schema: Any, codec: str, sync: bytes) -> Any:
    """A batch reader decoding blocks in Python (an Event Hubs Capture file's maps)."""
    from trajlm.data.readers._avro_records import python_frame, split_blocks

    return lambda _header, run: python_frame(schema, codec, list(split_blocks(run, sync)))
