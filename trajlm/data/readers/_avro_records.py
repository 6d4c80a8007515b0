"""Avro object containers Polars cannot read (heldout37): an Azure Event Hubs / IoT Hub Capture
file declares `SystemProperties` and `Properties` as Avro maps, and Polars' reader stops on any
map with a Rust panic (`not yet implemented: Avro maps are mapped to MapArrays`), a traceback
that `except Exception` does not catch. Such a file's blocks are decoded here in Python (the
standard library's zlib for the `deflate` codec, `null` too): maps and nested records, arrays and
unions are written as JSON text, `bytes` stay bytes (Capture's `Body`: the device's JSON, opened
as a message by _envelopes.py), `timestamp-millis` / `-micros` longs become UTC times. Every
codec the Avro spec names is read: null, deflate, bzip2, xz (the standard library), snappy and
zstandard (pyarrow's codecs; leftover38, they were one line naming the codec). Slower than Polars
(pure Python, ~100k rows / s): used only for schemas Polars cannot read."""

from __future__ import annotations

import io
import json
import struct
import zlib
from collections.abc import Iterator
from typing import Any

from trajlm.data.schema import TrajlmInputError

_POLARS_UNREAD = ("map",)  # Avro types Polars' reader panics on


def needs_python(schema: Any) -> bool:
    """Whether an Avro schema (parsed JSON) holds a type Polars' reader cannot read."""
    if isinstance(schema, list):
        return any(needs_python(s) for s in schema)
    if not isinstance(schema, dict):
        return False
    if schema.get("type") in _POLARS_UNREAD:
        return True
    if isinstance(schema.get("type"), dict | list) and needs_python(schema["type"]):
        return True
    return any(needs_python(f.get("type")) for f in schema.get("fields", []) or []) or any(
        needs_python(schema.get(k)) for k in ("items", "values")
    )


class _Decoder:
    """Avro binary decoding of one schema (named types resolved as they are declared)."""

    def __init__(self, schema: Any) -> None:
        self.named: dict[str, Any] = {}
        self.schema = schema
        self._declare(schema, "")

    def _declare(self, s: Any, ns: str) -> None:
        if isinstance(s, list):
            for x in s:
                self._declare(x, ns)
        elif isinstance(s, dict):
            if "name" in s and s.get("type") in ("record", "enum", "fixed"):
                ns = s.get("namespace", ns)
                self.named[s["name"]] = s
                self.named[f"{ns}.{s['name']}" if ns else s["name"]] = s
            for f in s.get("fields", []) or []:
                self._declare(f.get("type"), ns)
            for k in ("items", "values"):
                self._declare(s.get(k), ns)

    def read(self, s: Any, f: io.BytesIO) -> Any:  # noqa: C901 (one branch per Avro type)
        if isinstance(s, list):  # a union: the branch's index, then its value
            return self.read(s[_long(f)], f)
        if isinstance(s, str) and s in self.named:
            s = self.named[s]
        kind = s["type"] if isinstance(s, dict) else s
        if isinstance(kind, dict | list):
            return self.read(kind, f)
        if kind == "null":
            return None
        if kind == "boolean":
            return f.read(1) == b"\x01"
        if kind in ("int", "long"):
            return _long(f)
        if kind == "float":
            return struct.unpack("<f", _take(f, 4))[0]
        if kind == "double":
            return struct.unpack("<d", _take(f, 8))[0]
        if kind == "bytes":
            return _take(f, _long(f))
        if kind == "string":
            return _take(f, _long(f)).decode("utf-8", errors="replace")
        if kind == "fixed":
            return _take(f, int(s["size"]))
        if kind == "enum":
            return s["symbols"][_long(f)]
        if kind == "record":
            return {x["name"]: self.read(x["type"], f) for x in s["fields"]}
        if kind in ("array", "map"):
            out: Any = [] if kind == "array" else {}
            while (n := _long(f)) != 0:
                if n < 0:  # a negative count is followed by the block's size in bytes
                    n = -n
                    _long(f)
                for _ in range(n):
                    if kind == "array":
                        out.append(self.read(s["items"], f))
                    else:
                        key = _take(f, _long(f)).decode("utf-8", errors="replace")
                        out[key] = self.read(s["values"], f)
            return out
        raise ValueError(f"an Avro type trajlm does not decode: {kind!r}")


def _long(f: io.BytesIO) -> int:
    shift = value = 0
    while True:
        b = f.read(1)
        if not b:
            raise ValueError("the block ends inside a number")
        value |= (b[0] & 0x7F) << shift
        if not b[0] & 0x80:
            return (value >> 1) ^ -(value & 1)
        shift += 7
        if shift > 63:
            raise ValueError("a number longer than 64 bits")


def _take(f: io.BytesIO, n: int) -> bytes:
    data = f.read(n)
    if n < 0 or len(data) != n:
        raise ValueError("the block ends inside a value")
    return data


def _cell(v: Any) -> Any:
    """A value as a flat column holds it: nested values as JSON text (bytes inside: UTF-8)."""
    if isinstance(v, dict | list):
        return json.dumps(v, default=lambda b: b.decode("utf-8", errors="replace"))
    return v


# Avro's codecs, each read with the standard library or pyarrow's codecs (leftover38: snappy
# and zstandard were told, not read; every codec the Avro spec names is read now)
CODECS = ("null", "deflate", "snappy", "zstandard", "bzip2", "xz")


def inflate(codec: str, data: bytes) -> bytes:
    """One block's bytes as written before its ``codec`` compressed them. snappy: a raw snappy
    block (its length a varint at its start) then the CRC-32 of the uncompressed bytes, big-
    endian, checked; zstandard: a zstd frame (read as a stream: its size need not be known)."""
    if codec == "null":
        return data
    if codec == "deflate":
        return zlib.decompress(data, -15)
    if codec == "bzip2":
        import bz2

        return bz2.decompress(data)
    if codec == "xz":
        import lzma

        return lzma.decompress(data)
    import pyarrow as pa

    if codec == "zstandard":
        return pa.CompressedInputStream(pa.BufferReader(data), "zstd").read()
    size = _long_unsigned(io.BytesIO(data))  # snappy's preamble: the uncompressed length
    raw = pa.decompress(data[:-4], decompressed_size=size, codec="snappy").to_pybytes()
    if zlib.crc32(raw) != struct.unpack(">I", data[-4:])[0]:
        raise ValueError("a snappy block whose checksum does not match its bytes")
    return raw


def _long_unsigned(f: io.BytesIO) -> int:
    """A plain (not zig-zag) varint, as snappy writes a block's length."""
    shift = value = 0
    while True:
        b = f.read(1)
        if not b or shift > 63:
            raise ValueError("a snappy block without its length")
        value |= (b[0] & 0x7F) << shift
        if not b[0] & 0x80:
            return value
        shift += 7


def python_frame(schema: Any, codec: str, blocks: list[tuple[int, bytes]]) -> Any:
    """A Polars DataFrame of the records in `blocks` ((count, the block's bytes) each)."""
    import polars as pl

    if not (isinstance(schema, dict) and schema.get("type") == "record"):
        raise TrajlmInputError("an Avro file whose rows are not records: no columns to read")
    if codec not in CODECS:
        raise TrajlmInputError(
            f"an Avro file with map fields and the {codec!r} codec: trajlm reads such files "
            f"with the {', '.join(CODECS)} codecs",
            hint="rewrite it with the deflate codec, or as Parquet (Spark / fastavro)",
        )
    dec = _Decoder(schema)
    rows: list[dict] = []
    for count, data in blocks:
        f = io.BytesIO(inflate(codec, data))
        rows.extend(dec.read(schema, f) for _ in range(count))
    names = [x["name"] for x in schema["fields"]]
    cols = {n: [_cell(r[n]) for r in rows] for n in names}
    frame = pl.DataFrame(cols, strict=False) if rows else pl.DataFrame({n: [] for n in names})
    for x in schema["fields"]:  # timestamp-millis / -micros longs as UTC times
        t = x["type"] if isinstance(x["type"], dict) else {}
        unit = {"timestamp-millis": "ms", "timestamp-micros": "us"}.get(t.get("logicalType"))
        if unit and rows:
            frame = frame.with_columns(pl.col(x["name"]).cast(pl.Datetime(unit, "UTC")))
    return frame


def header_schema(header: bytes) -> tuple[Any, str]:
    """(the schema, the codec) from an Avro container's header bytes (magic, metadata, sync)."""
    f = io.BytesIO(header[4:])
    meta: dict[str, bytes] = {}
    while (n := _long(f)) != 0:
        if n < 0:
            n = -n
            _long(f)
        for _ in range(n):
            key = _take(f, _long(f)).decode("utf-8", errors="replace")
            meta[key] = _take(f, _long(f))
    schema = json.loads(meta.get("avro.schema", b"null"))
    return schema, meta.get("avro.codec", b"null").decode() or "null"


def split_blocks(run: bytes, sync: bytes) -> Iterator[tuple[int, bytes]]:
    """(count, data) of each block in `run` (blocks as `count, size, data, sync`)."""
    f = io.BytesIO(run)
    while f.tell() < len(run):
        count, size = _long(f), _long(f)
        data = _take(f, size)
        _take(f, len(sync))
        yield count, data
