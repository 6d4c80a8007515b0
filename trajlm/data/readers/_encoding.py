"""UTF-16 text files (Excel's "Unicode Text" / "CSV UTF-16", PowerShell's Export-Csv) read as
the UTF-8 the line readers expect (session 17): a file starting with a UTF-16 byte-order mark
is decoded as it streams and re-encoded, so memory stays one block whatever its size. Also
`is_binary`: whether a file's head is text at all (bigin17: random bytes named .csv)."""

from __future__ import annotations

import codecs
import io
import unicodedata
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


# Bytes no text encoding the readers take puts in a table (tab, newlines, form feed and DOS's
# end-of-file mark 0x1a are allowed): cp1252 / Latin-1 / UTF-8 text has none, random or
# compressed data ~11 % of its bytes.
_CONTROL = bytes(sorted(set(range(32)) - set(b"\t\n\r\x0b\x0c\x1a"))) + b"\x7f"
SNIFF_BYTES = 4096


def _utf16_without_bom(head: bytes) -> bool:
    """ASCII-range text in UTF-16: NULs fill one byte of each pair (LE: the odd ones)."""
    even, odd = head[0::2], head[1::2]
    if len(odd) < 4:
        return False
    nul_e, nul_o = even.count(0) / len(even), odd.count(0) / len(odd)
    return max(nul_e, nul_o) > 0.4 and min(nul_e, nul_o) < 0.1


def is_binary(head: bytes) -> bool:
    """True when `head` (a file's first raw bytes, ~4 kB) is not text in any encoding the
    readers know (UTF-8, an 8-bit code page, UTF-16 with or without a byte-order mark):
    random, compressed or encrypted data named like a table. Used on the error path only, to
    say "binary" instead of advising a conversion that cannot help."""
    if not head:
        return False
    if is_utf16(head):  # a mark, then text: decoding errors or unassigned characters are rare
        text = head[2:].decode("utf-16-le" if head[:2] == BOMS[0] else "utf-16-be", "replace")
        bad = sum(c == "\ufffd" or unicodedata.category(c) in ("Co", "Cn", "Cs") for c in text)
        return bad > 0.05 * max(len(text), 1)
    if _utf16_without_bom(head) or head.count(0) > 0.9 * len(head):
        return False  # UTF-16 text; a zero-filled (preallocated, never written) file: said so
    control = len(head) - len(head.translate(None, _CONTROL))
    return control > 0.02 * len(head)


def header_text(first: bytes) -> str:
    """The header line as text: UTF-8, else Windows-1252 when it decodes so and has no control
    bytes (Excel's CSV: `Länge`; as `_lines` reads the rows); else UnicodeDecodeError."""
    try:
        return first.decode("utf-8")
    except UnicodeDecodeError:
        text = first.decode("cp1252")  # raises for its undefined bytes (binary data)
        if any(ord(c) < 32 and c not in "\t\r\n" for c in text):
            raise
        return text
