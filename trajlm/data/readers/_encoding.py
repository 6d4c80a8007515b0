"""UTF-16 text files (Excel's "Unicode Text" / "CSV UTF-16", PowerShell's Export-Csv) read as
the UTF-8 the line readers expect (session 17): a file starting with a UTF-16 byte-order mark
is decoded as it streams and re-encoded, so memory stays one block whatever its size. Also
`is_binary`: whether a file's head is text at all (bigin17: random bytes named .csv)."""

from __future__ import annotations

import codecs
import io
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO

BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def is_utf16(head: bytes) -> bool:
    """True when `head` (a file's first bytes) starts with a UTF-16 byte-order mark."""
    return head[:2] in BOMS


class _Utf8(io.RawIOBase):
    """A binary stream of UTF-8 bytes from a binary stream in `codec` (UTF-16: the BOM picks
    the order; an East Asian code page: `legacy_cjk`)."""

    def __init__(self, raw: IO[bytes], codec: str = "utf-16") -> None:
        self._raw = raw
        self._dec = codecs.getincrementaldecoder(codec)(errors="replace")
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
    UTF-8 bytes (the mark dropped), or for text in an East Asian code page (`legacy_cjk`:
    Shift-JIS, GBK, EUC-KR, Big5 exports) one that opens it decoded from it as UTF-8."""
    with opener() as f:
        head = f.read(CJK_SNIFF_BYTES)
    if is_utf16(head):
        return lambda: io.BufferedReader(_Utf8(opener()))  # type: ignore[arg-type]
    if codec := legacy_cjk(head):
        return lambda: io.BufferedReader(_Utf8(opener(), codec))  # type: ignore[arg-type]
    return opener


# heldout27: a Tokyo courier dispatch CSV in Shift-JIS (`配達員ID,記録日時,緯度,経度`) was refused
# with the advice `iconv -f cp1252`, which fails on it. East Asian code pages, tried in this
# order; each with the stricter standard set its everyday text keeps to (JIS X 0208, GB 2312,
# KS X 1001, Big5): bytes of one code page read in another give rare or half-width characters.
CJK_CODECS = (("cp932", "shift_jis"), ("euc_jp", "euc_jp"), ("cp949", "euc_kr"),
              ("gb18030", "gb2312"), ("big5", "big5"))  # fmt: skip
CJK_NAMES = {"cp932": "Shift-JIS (cp932, Japanese)", "gb18030": "GBK / GB18030 (Chinese)",
             "cp949": "EUC-KR (cp949, Korean)", "big5": "Big5 (Traditional Chinese)",
             "euc_jp": "EUC-JP (Japanese)", "cp1251": "Windows-1251 (Cyrillic)",
             "koi8_r": "KOI8-R (Cyrillic)"}  # fmt: skip
# EUC-JP, EUC-KR and GB 2312 share their byte ranges: Japanese EUC-JP decodes cleanly as Korean
# or Chinese (badin27: `配達員ID` read as `핼찾곳ID`). Japanese is told by its kana (rows 0xA4 /
# 0xA5 hold hiragana / katakana in EUC-JP; Hangul or Chinese text read as EUC-JP gives hardly
# any) or by a header name only Japanese writes (経度: Chinese writes 经度 / 經度)
_KANA_SHARE = 0.1
_JAPANESE_NAMES = ("経度", "緯度", "日時", "時刻")
CJK_SNIFF_BYTES = 1 << 16


def _common_share(text: str, strict: str) -> tuple[int, float]:
    """(non-ASCII characters, the share of them `strict` encodes, half-width kana not counted)."""
    wide = [c for c in text if ord(c) > 0x7F]
    if not wide:
        return 0, 0.0
    ok = 0
    for c in wide:
        if 0xFF61 <= ord(c) <= 0xFF9F:  # half-width katakana: Korean / Chinese read as cp932
            continue
        try:
            c.encode(strict)
            ok += 1
        except UnicodeEncodeError:
            pass
    return len(wide), ok / len(wide)


def _paired_high_bytes(head: bytes) -> float:
    """The share of a head's non-ASCII bytes next to another: East Asian characters are two
    bytes (GBK, EUC-KR: both high; Shift-JIS: mostly), a Western accented letter one, between
    ASCII letters (`Länge`)."""
    high = [b >= 0x80 for b in head]
    n = sum(high)
    if not n:
        return 0.0
    pairs = sum(h and ((i > 0 and high[i - 1]) or (i + 1 < len(high) and high[i + 1]))
                for i, h in enumerate(high))  # fmt: skip
    return pairs / n


def legacy_cjk(head: bytes) -> str | None:
    """The East Asian code page (a `CJK_CODECS` name) a text file's head (its first ~64 kB) is
    written in, or None: UTF-8, UTF-16 and Western (Windows-1252) text stay as they are. A head
    that Windows-1252 decodes is taken as East Asian only when most of its non-ASCII bytes come
    in pairs (`_paired_high_bytes`) and the East Asian reading is clean."""
    if not head or is_utf16(head) or b"\x00" in head:
        return None
    head = head[: head.rfind(b"\n") + 1] or head  # whole lines: no character cut in two
    try:
        head.decode("utf-8")
        return None
    except UnicodeDecodeError:
        pass
    try:
        head.decode("cp1252")
        western = True
    except UnicodeDecodeError:
        western = False
    if _cyrillic(head):
        return "koi8_r" if _koi8(head) else "cp1251"
    for codec, strict in CJK_CODECS:  # the first clean reading, in CJK_CODECS' order
        if (read := _nearly_clean(head, codec)) is None:
            continue
        text, kept = read
        if western and _paired_high_bytes(kept) < 0.6:
            continue  # `Länge`, `José`: Western text, read line by line as before
        n, share = _common_share(text, strict)
        if n < 4 or share < 0.9:
            continue
        if codec == "euc_jp" and not _japanese(text):
            continue
        if codec == "cp949":  # Korean, not Chinese read as EUC-KR: Hangul, few Hanja
            wide = [c for c in text if ord(c) > 0x7F]
            if sum(0xAC00 <= ord(c) <= 0xD7A3 for c in wide) < 0.9 * len(wide):
                continue
        return codec
    return None


# heldout31: a Russian fleet portal's CSV in Windows-1251 (`Объект;Время;Широта;Долгота`) was
# read as Windows-1252 (`Îáúåêò;Âðåìÿ`) and refused naming those columns, with no way on.
# Cyrillic words are runs of high bytes (Western accents stand one by one between ASCII
# letters), and nearly all of them read as Cyrillic letters in cp1251 (East Asian double bytes
# read so give its symbols 0xA1-0xBF too: Hangul and GBK lead bytes, EUC-JP's kana rows).
_CYRILLIC_SHARE = 0.95


def _cyrillic(head: bytes) -> bool:
    """Whether a head that is not UTF-8 is Russian / Ukrainian / Bulgarian text in cp1251."""
    if _paired_high_bytes(head) < 0.6:
        return False
    text = head.decode("cp1251", errors="replace")
    wide = [c for c in text if ord(c) > 0x7F]
    cyr = sum(0x400 <= ord(c) <= 0x45F or c == "\u2116" for c in wide)  # letters, `№`
    return len(wide) >= 4 and cyr >= _CYRILLIC_SHARE * len(wide)


# badin32: KOI8-R text was read as cp1251 (`Объект` as `пВЯЕЛФ`): both code pages put Cyrillic
# letters at 0xC0-0xFF, in other orders, so both readings are letters. The right one reads as
# Russian: its letters' mean log-frequency (Russian text, case folded) is higher. On headers and
# rows of Russian, Ukrainian and Bulgarian fleet exports the right reading won by 0.3-1.2 per
# letter from 13 letters up (scripts/badfix32/koi8.py); KOI8-R is taken only by 0.2 and more,
# on 12+ letters, else cp1251 (the commoner one) as before.
_RU_FREQ = dict(zip("оеаинтсрвлкмдпуяызьбгчйхжшюцщэфъё", (
    10.97, 8.45, 8.01, 7.35, 6.70, 6.26, 5.47, 4.73, 4.54, 4.40, 3.49, 3.21, 2.98, 2.81, 2.62,
    2.01, 1.90, 1.65, 1.74, 1.59, 1.70, 1.44, 1.21, 0.97, 0.94, 0.73, 0.64, 0.48, 0.36, 0.32,
    0.26, 0.04, 0.04), strict=True))  # fmt: skip
_KOI8_MARGIN, _KOI8_LETTERS = 0.2, 12


def russian_score(text: str) -> tuple[float, int]:
    """(the mean natural log of Russian letter frequencies over `text`'s Cyrillic letters,
    how many there are): higher reads more like Russian."""
    import math

    letters = [c for c in text.lower() if c in _RU_FREQ]
    if not letters:
        return -math.inf, 0
    return sum(math.log(_RU_FREQ[c] / 100) for c in letters) / len(letters), len(letters)


def _koi8(head: bytes) -> bool:
    """Whether Cyrillic bytes (`_cyrillic`) are KOI8-R rather than cp1251 (see above)."""
    koi, n = russian_score(head.decode("koi8_r", errors="replace"))
    win, _ = russian_score(head.decode("cp1251", errors="replace"))
    return n >= _KOI8_LETTERS and koi - win >= _KOI8_MARGIN


# Lines of a head that may hold bytes a code page cannot read (a character cut short where a
# field was truncated to a byte limit, a Latin-1 row appended: badin27 / readers29): one in
# twenty lines, at least three, the header not among them. More is another code page. (Western
# text is not let through by this: its lines that a CJK code page does read keep their high
# bytes apart, between ASCII letters, and `legacy_cjk` wants them paired.)
_CUT_SHARE, _CUT_LINES = 0.05, 3


def _nearly_clean(head: bytes, codec: str) -> tuple[str, bytes] | None:
    """(`head` decoded in `codec`, its bytes without the lines `codec` cannot read), or None
    where more than `_CUT_SHARE` of its lines (or the first line) hold bytes it cannot read."""
    try:
        return head.decode(codec), head
    except UnicodeDecodeError:
        pass
    lines, out, kept, bad = head.split(b"\n"), [], [], 0
    for k, line in enumerate(lines):
        try:
            out.append(line.decode(codec))
            kept.append(line)
        except UnicodeDecodeError:
            if k == 0:
                return None
            bad += 1
    if bad > max(_CUT_LINES, int(_CUT_SHARE * len(lines))):
        return None
    return "\n".join(out), b"\n".join(kept)


def unreadable_lines(path: Path, codec: str, most: int = 3) -> tuple[int, list[int]]:
    """(how many lines, the first `most` line numbers) of a text file whose bytes `codec`
    cannot read: said once at ingest, each such byte read as U+FFFD (session 29)."""
    n, first, line0 = 0, [], 1
    with open(path, "rb") as f:
        carry = b""
        while block := f.read(1 << 20):
            block = carry + block
            cut = block.rfind(b"\n") + 1
            block, carry = (block[:cut], block[cut:]) if cut else (b"", block)
            n, first = _count_bad(block, codec, line0, n, first, most)
            line0 += block.count(b"\n")
        n, first = _count_bad(carry, codec, line0, n, first, most)
    return n, first


def _count_bad(
    block: bytes, codec: str, line0: int, n: int, first: list[int], most: int
) -> tuple[int, list[int]]:
    try:
        block.decode(codec)
        return n, first
    except UnicodeDecodeError:
        pass
    for k, line in enumerate(block.split(b"\n")):
        try:
            line.decode(codec)
        except UnicodeDecodeError:
            n += 1
            if len(first) < most:
                first.append(line0 + k)
    return n, first


def _japanese(text: str) -> bool:
    """Whether text decoded as EUC-JP reads as Japanese: kana among its wide characters, or a
    header name only Japanese writes in its first line (`_JAPANESE_NAMES`)."""
    wide = [c for c in text if ord(c) > 0x7F]
    kana = sum(0x3041 <= ord(c) <= 0x30FF for c in wide)
    first = text.split("\n", 1)[0]
    return kana >= _KANA_SHARE * len(wide) or any(n in first for n in _JAPANESE_NAMES)


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
        if east_asian_header(first) is not None:  # East Asian, not Western (badin29)
            raise
        text = first.decode("cp1252")  # raises for its undefined bytes (binary data)
        if any(ord(c) < 32 and c not in "\t\r\n" for c in text):
            raise
        return text


def text_encodings(paths: Sequence[Path], notes: list[str] | None = None) -> list[str]:
    """The East Asian code pages (`CJK_NAMES`) the plain files among `paths` are read in: what
    ingest says once (heldout27), since the bytes, not the file, chose it. `notes` gets one line
    a file naming its lines whose bytes that code page cannot read (`unreadable_lines`)."""
    found = []
    for p in paths:
        files = sorted(p.rglob("*.csv")) if p.is_dir() else [p]
        for f in files[:50]:
            if f.is_file() and f.suffix.lower() not in (".gz", ".zip"):
                with open(f, "rb") as fh:
                    codec = legacy_cjk(fh.read(CJK_SNIFF_BYTES))
                if codec and CJK_NAMES[codec] not in found:
                    found.append(CJK_NAMES[codec])
                if codec and notes is not None and (bad := unreadable_lines(f, codec))[0]:
                    notes.append(_cut_note(f, codec, *bad))
    return found


def _cut_note(path: Path, codec: str, n: int, lines: list[int]) -> str:
    where = ", ".join(str(k) for k in lines) + (", ..." if n > len(lines) else "")
    return (f"{path.name}: {n:,} line(s) hold bytes that are no {CJK_NAMES[codec]} character "
            f"({'line' if n == 1 else 'lines'} {where}: a character cut short, or text in another encoding); read as "
            "'\ufffd' there, the rest of the file as it is")  # fmt: skip


def east_asian_header(first: bytes) -> tuple[str, str] | None:
    """(what the header is, the codec to convert from) for a header line that is not UTF-8
    whose bytes come in pairs as East Asian text's do (badin29: a Shift-JIS header with its
    last character cut, behind a UTF-8 byte order mark, or in a file with more lines cut than
    `legacy_cjk` reads past, was said to be "a Windows-1252 / Latin-1 export" with cp1252's
    iconv line); None otherwise. The code page is the one that reads most of its characters."""
    bom = first.startswith(b"\xef\xbb\xbf")
    body = first[3:] if bom else first
    if _paired_high_bytes(body) < 0.6:
        return None

    def unread(codec: str) -> int:
        return body.decode(codec, errors="replace").count("\ufffd")

    codec = min((c for c, _ in CJK_CODECS), key=unread)  # CJK_CODECS' order on a tie
    n = unread(codec)
    if n > 2:  # not one cut character: no code page reads it
        return None
    if bom:
        what = f"a UTF-8 byte order mark before a {CJK_NAMES[codec]} header"
    elif n:
        what = f"a {CJK_NAMES[codec]} header with {n} byte(s) no character (cut short?)"
    else:
        what = (f"a {CJK_NAMES[codec]} header in a file with more lines of bytes that are no "
                f"{CJK_NAMES[codec]} character than ingest reads past (over {_CUT_LINES}, or "
                f"{_CUT_SHARE:.0%} of the lines)")  # fmt: skip
    return what, codec
