"""MessagePack streams as point tables (heldout37: a NATS / ZeroMQ / Redis-stream subscriber's
dump, `positions.msgpack`, was "cannot tell the format from the name"). A stream is MessagePack
values written back to back with no framing; each map is a record (an array of maps: its maps),
read as JSON Lines records are (`_arrow_tables.as_parquet`: nested maps unnested, envelopes
opened). Decoded here in pure Python (the format is small and fixed; no `msgpack` package
among the dependencies): nil, booleans, integers, floats, str, bin (UTF-8 text kept as text),
arrays, maps, and the timestamp extension (type -1, as Unix seconds); other extensions are
null. A stream that ends inside a value, or a byte no MessagePack value starts with, is one
line naming the byte offset. The whole file is decoded in memory (~1 s per 10 MB)."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

from trajlm.data.schema import TrajlmInputError

MSGPACK = (".msgpack", ".mpk", ".msgpk")
_FIXED = {0xCA: (">f", 4), 0xCB: (">d", 8), 0xCC: (">B", 1), 0xCD: (">H", 2), 0xCE: (">I", 4),
          0xCF: (">Q", 8), 0xD0: (">b", 1), 0xD1: (">h", 2), 0xD2: (">i", 4), 0xD3: (">q", 8)}  # fmt: skip
_LENGTH = {1: ">B", 2: ">H", 4: ">I"}


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise ValueError(f"the stream ends inside a value (byte {self.pos:,})")
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def length(self, size: int) -> int:
        return struct.unpack(_LENGTH[size], self.take(size))[0]

    def value(self, depth: int = 0) -> Any:  # noqa: C901 (one branch per MessagePack family)
        if depth > 64:
            raise ValueError(f"values nested too deep (byte {self.pos:,})")
        b = self.take(1)[0]
        if b <= 0x7F or b >= 0xE0:  # positive / negative fixint
            return b if b <= 0x7F else b - 0x100
        if 0x80 <= b <= 0x8F:
            return self.map(b & 0x0F, depth)
        if 0x90 <= b <= 0x9F:
            return [self.value(depth + 1) for _ in range(b & 0x0F)]
        if 0xA0 <= b <= 0xBF:
            return self.take(b & 0x1F).decode("utf-8", errors="replace")
        if b in (0xC0, 0xC2, 0xC3):
            return None if b == 0xC0 else b == 0xC3
        if b in _FIXED:
            fmt, n = _FIXED[b]
            return struct.unpack(fmt, self.take(n))[0]
        if b in (0xD9, 0xDA, 0xDB):  # str 8 / 16 / 32
            return self.take(self.length(1 << (b - 0xD9))).decode("utf-8", errors="replace")
        if b in (0xC4, 0xC5, 0xC6):  # bin 8 / 16 / 32: UTF-8 text kept as text
            raw = self.take(self.length(1 << (b - 0xC4)))
            try:
                return raw.decode("utf-8")
            except UnicodeDecodeError:
                return None
        if b in (0xDC, 0xDD):  # array 16 / 32
            return [self.value(depth + 1) for _ in range(self.length(2 if b == 0xDC else 4))]
        if b in (0xDE, 0xDF):  # map 16 / 32
            return self.map(self.length(2 if b == 0xDE else 4), depth)
        if 0xD4 <= b <= 0xD8:  # fixext 1 / 2 / 4 / 8 / 16
            return self.ext(1 << (b - 0xD4))
        if b in (0xC7, 0xC8, 0xC9):  # ext 8 / 16 / 32
            return self.ext(self.length(1 << (b - 0xC7)))
        raise ValueError(f"byte 0x{b:02x} starts no MessagePack value (byte {self.pos - 1:,})")

    def map(self, n: int, depth: int) -> dict:
        out = {}
        for _ in range(n):
            key = self.value(depth + 1)
            out[str(key)] = self.value(depth + 1)
        return out

    def ext(self, n: int) -> Any:
        kind = struct.unpack(">b", self.take(1))[0]
        raw = self.take(n)
        if kind != -1:  # only the timestamp extension has a meaning here
            return None
        if n == 4:
            return float(struct.unpack(">I", raw)[0])
        if n == 8:
            both = struct.unpack(">Q", raw)[0]
            return (both & 0x3FFFFFFFF) + (both >> 34) / 1e9
        if n == 12:
            ns, s = struct.unpack(">Iq", raw)
            return s + ns / 1e9
        return None


def msgpack_records(path: Path) -> list[dict]:
    """The records (maps) of the MessagePack stream in `path`; one TrajlmInputError where it
    is not one or holds no map."""
    r = _Reader(path.read_bytes())
    records: list[dict] = []
    try:
        while r.pos < len(r.data):
            v = r.value()
            if isinstance(v, dict):
                records.append(v)
            elif isinstance(v, list):
                records.extend(x for x in v if isinstance(x, dict))
    except ValueError as e:
        raise TrajlmInputError(f"not a readable MessagePack stream ({e})", path=path) from None
    if not records:
        raise TrajlmInputError("a MessagePack stream with no maps (records) in it", path=path)
    return records
