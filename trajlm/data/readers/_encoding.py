"""UTF-16 text files (Excel's "Unicode Text" / "CSV UTF-16", PowerShell's Export-Csv) read as
the UTF-8 the line readers expect (session 17): a file starting with a UTF-16 byte-order mark
is decoded as it streams and re-encoded, so memory stays one block whatever its size."""

from __future__ import annotations

import codecs
import io
from collections.abc import Callable
from typing import IO

BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def is_utf16(head: bytes) -> bool:
    """True when `head` (a file's first bytes) starts with a UTF-16 byte-order mark."""
    return head[:2] in BOMS


class _Utf8(io.RawIOBase):
    """A binary stream of UTF-8 bytes from a UTF-16 binary stream (the BOM picks the order)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self._dec = codecs.getincrementaldecoder("utf-16")(errors="replace")
        self._buf = b""

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:  # type: ignore[no-untyped-def]
        while not self._buf:
            chunk = self._raw.read(1 << 16)
            text = self._dec.decode(chunk, final=not chunk)
            self._buf = text.encode("utf-8")
            if not chunk:
                break
        n = min(len(b), len(self._buf))
        b[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n

    def close(self) -> None:
        self._raw.close()
        super().close()


def utf8_opener(opener: Callable[[], IO[bytes]]) -> Callable[[], IO[bytes]]:
    """`opener` itself, or for a file with a UTF-16 byte-order mark one that opens it as
    UTF-8 bytes (the mark dropped)."""
    with opener() as f:
        head = f.read(2)
    if not is_utf16(head):
        return opener
    return lambda: io.BufferedReader(_Utf8(opener()))  # type: ignore[arg-type]
