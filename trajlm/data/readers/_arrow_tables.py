"""Point tables in Arrow IPC (`.feather`, `.arrow`, `.ipc`) and JSON Lines (`.jsonl`, `.ndjson`:
one flat JSON object per line, Kafka / API dumps) (session 18): streamed into a temporary Parquet
file (Polars `sink_parquet`, memory bounded) and read as any Parquet table: the same column
detection, options and checks. JSON Lines whose objects are GeoJSON Features are left to the
`mfjson` reader (a point table of Point features, `_geojson_points.py`).

Hostile JSON Lines (badin18): an empty file, a line whose keys share none with the first
line's (another record kind), and a field holding an object / list where other lines hold
numbers or text are one line naming the line and field (were Polars' "Cannot infer NDJSON
types", a "missing trajectory id" on line 1 and "Series of type Struct"); a UTF-8 BOM, blank
lines and `NaN` / `Infinity` literals (Python's `json.dumps` default) are read through Python's
`json` when Polars refuses them (were "TapeError at character 0"); `true` among numbers (was
read as 1.0) and a key twice in one object (Polars keeps the first, Python the last) are one
line naming the line and key."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from trajlm.data.readers._envelopes import open_envelopes
from trajlm.data.readers._lake_batches import write_lake_parquet
from trajlm.data.readers._message_lines import message_kind, message_records
from trajlm.data.readers._msgpack_stream import MSGPACK, msgpack_records
from trajlm.data.readers._numpy_tables import NUMPY, numpy_frame
from trajlm.data.readers._pair_columns import split_pairs
from trajlm.data.schema import TrajlmInputError

ARROW = (".feather", ".arrow", ".ipc", ".arrows")  # .arrows: the IPC stream format's name
IPC_FILE_MAGIC = b"ARROW1"  # an IPC file (Feather v2) starts so; a stream has no magic
JSON_LINES = (".jsonl", ".ndjson")
# a data lake's row files (heldout36: "cannot tell the format from the name"): ORC (Hive /
# Spark, read by pyarrow) and Avro object containers (Kafka Connect sinks, read by Polars)
LAKE = (".orc", ".avro")
# GeoJSON text sequences (RFC 8142, a RS byte before each Feature) and GeoJSON Lines
GEOJSON_LINES = (".geojsonl", ".geojsons", ".geojsonseq")


def _suffix(path: Path) -> str:
    """The table suffix of `path`, under a `.gz` too (`rows.jsonl.gz` -> `.jsonl`)."""
    from trajlm.data.readers.gz import inner

    return inner(path).suffix.lower()


def feature_lines(path: Path) -> bool:
    """A JSON Lines file whose first object is a GeoJSON Feature (read by `mfjson`)."""
    from trajlm.data.readers.gz import open_bytes

    try:
        with open_bytes(path) as f:
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
    suffix = _suffix(path)
    if path.suffix.lower() == ".gz" and suffix not in JSON_LINES:  # gzipped JSON Lines only
        return False
    return path.is_file() and (
        suffix in ARROW + LAKE + NUMPY + MSGPACK
        or (suffix in JSON_LINES and not feature_lines(path))
        or message_kind(path) is not None  # MQTT logs, InfluxDB line protocol (heldout38)
    )


def as_parquet(path: Path, out: Path, user: Path | None = None) -> None:
    """Write the table in `path` (Arrow IPC, ORC, Avro or JSON Lines) as Parquet at `out`
    (`user`: the file the user gave, named in warnings, a `.gz` unpacked to `path`)."""
    import polars as pl

    if path.suffix.lower() == ".gz":  # JSON Lines, gzipped (session 19): unpacked beside `out`
        import shutil

        from trajlm.data.readers.gz import inner, open_bytes

        plain = out.parent / inner(path).name
        with open_bytes(path) as src, plain.open("wb") as dst:  # capped: a gzip bomb stops
            shutil.copyfileobj(src, dst, 1 << 20)
        try:
            return as_parquet(plain, out, path)
        except TrajlmInputError as e:  # named as the .gz the user gave
            from trajlm.errors import where_text

            said = str(e)[len(where_text(e.path, e.line, e.field)) :]
            raise TrajlmInputError(said, path=path, line=e.line, field=e.field) from None
    if path.suffix.lower() in NUMPY:  # a researcher's `np.savez` columns (heldout37)
        table = numpy_frame(path)
        return split_pairs(table.lazy(), table.head(1000)).sink_parquet(out)
    if path.suffix.lower() in MSGPACK:  # a message bus subscriber's dump (heldout37)
        table = pl.DataFrame(msgpack_records(path), infer_schema_length=None, strict=False)
        return _messages(table.lazy(), table.head(1000), path).sink_parquet(out)
    if message_kind(path):  # an MQTT log, InfluxDB line protocol (heldout38)
        table = pl.DataFrame(message_records(path), infer_schema_length=None, strict=False)
        return _messages(table.lazy(), table.head(1000), path).sink_parquet(out)
    arrow = path.suffix.lower() in ARROW + LAKE
    if arrow and path.stat().st_size == 0:  # badin38: "the file ends inside a block"
        raise TrajlmInputError("the file is empty (0 bytes)", path=path,
                               hint="was it copied or downloaded whole?")  # fmt: skip
    if not arrow:
        _check_json_lines(path)
    try:
        if path.suffix.lower() in LAKE:  # a batch at a time, not read whole (fix36)
            return write_lake_parquet(path, out, lambda f, s: _messages(f, s, user or path))
        frame = _scan_arrow(path, pl) if arrow else pl.scan_ndjson(path, infer_schema_length=1000)
        if not arrow:  # `kcat -J` lines: the fix is JSON text in `payload` (heldout36)
            frame = open_envelopes(frame, frame.head(1000).collect(), user or path)
        split_pairs(frame, frame.head(1000).collect()).sink_parquet(out)  # `pos: [lon, lat]`
    except TrajlmInputError:
        raise
    except Exception as e:  # Polars / Arrow errors of a damaged or foreign file
        what = _WHAT.get(path.suffix.lower(), "JSON Lines (one JSON object a line)")
        first = str(e).strip().splitlines()[0][:200] if str(e).strip() else type(e).__name__
        line = None if arrow else _first_bad_line(path)
        if line is None and not arrow:  # JSON Python reads (a BOM, NaN, blank lines)
            _python_rows(path, pl).write_parquet(out)
            return
        if line is not None:
            first = f"{line[1]}"
        raise TrajlmInputError(
            f"not readable as {what} ({first})", path=path, line=line and line[0]
        ) from None


def _messages(frame, sample, path: Path):  # noqa: ANN001, ANN202 (Polars frames)
    """A lake table's rows as the messages in their envelopes (an Event Hubs Capture file's
    `Body`: heldout37), then point columns split (`split_pairs`)."""
    opened = open_envelopes(frame, sample, path)
    return split_pairs(opened, sample if opened is frame else opened.head(1000).collect())


_WHAT = dict.fromkeys(ARROW, "an Arrow IPC (Feather) file") | {
    ".orc": "an ORC file", ".avro": "an Avro object container file"}  # fmt: skip


def _scan_arrow(path: Path, pl):  # noqa: ANN001, ANN202 (polars is imported lazily)
    """An Arrow IPC file, or an IPC stream (`.arrows`, or a stream saved as `.arrow`: no
    `ARROW1` magic; heldout33b: "cannot tell the format from the name" / Polars' "not an IPC
    file"); a stream is read whole (Polars scans files only). ORC / Avro: _lake_batches.py."""
    with path.open("rb") as f:
        magic = f.read(len(IPC_FILE_MAGIC))
    if magic == IPC_FILE_MAGIC:
        return pl.scan_ipc(path)
    return pl.read_ipc_stream(path).lazy()


CHECK_LINES = 10_000  # lines of a JSON Lines file whose keys and value kinds are compared


def _kind(v: object) -> str:
    if isinstance(v, bool):  # Polars reads true as 1.0 in a number column
        return "true / false"
    if isinstance(v, dict | list):
        return "an object" if isinstance(v, dict) else "a list"
    return "a number or text"


def _no_repeats(pairs: list) -> dict:
    """json.loads' object hook: a key given twice in one object is refused (Python keeps the
    last value, Polars the first: the same line read two ways)."""
    out = dict(pairs)
    if len(out) < len(pairs):
        seen: set = set()
        raise _Repeated(next(k for k, _ in pairs if k in seen or seen.add(k)))
    return out


class _Repeated(ValueError):
    pass


def _objects(path: Path, limit: int | None):  # noqa: ANN202 (an iterator of (line, dict))
    """(line number, object) of the non-blank lines (a BOM on the first dropped)."""
    with path.open("rb") as f:
        for n, raw in enumerate(f, 1):
            if limit is not None and n > limit:
                return
            line = raw.strip()
            if n == 1:
                line = line.removeprefix(b"\xef\xbb\xbf")
            if not line:
                continue
            try:
                doc = json.loads(line, object_pairs_hook=_no_repeats)
            except _Repeated as e:
                raise TrajlmInputError(
                    f"key {e.args[0]!r} appears twice in one object",
                    path=path,
                    line=n,
                    field=str(e.args[0]),
                    hint="give each key once a line",
                ) from None
            except ValueError:
                return  # _first_bad_line names it when Polars refuses the file
            if isinstance(doc, dict):
                yield n, doc


def _check_json_lines(path: Path) -> None:
    """One line for an empty file, a line of another record kind (no key in common with the
    first line) and a field that is an object / list on one line and a scalar on another."""
    with path.open("rb") as f:  # (closed: an open handle outlived the error; badin19)
        empty = not any(raw.strip(b" \t\r\n\xef\xbb\xbf") for raw in f)
    if empty:
        raise TrajlmInputError("file is empty (no JSON object in it)", path=path)
    first: tuple[int, dict] | None = None
    kinds: dict[str, tuple[str, int]] = {}
    for n, doc in _objects(path, CHECK_LINES):
        if first is None:
            first = (n, doc)
        elif doc and not set(doc) & set(first[1]):
            raise TrajlmInputError(
                f"keys {sorted(doc)[:8]} share none with line {first[0]}'s {sorted(first[1])[:8]}"
                ": another kind of record",
                path=path,
                line=n,
                hint="keep one kind of record a file (e.g. jq -c 'select(.lat != null)')",
            )
        for key, v in doc.items():
            if v is None:
                continue
            k = _kind(v)
            seen = kinds.setdefault(key, (k, n))
            flags = "true / false" in (k, seen[0])  # among numbers: wrong only for a position
            if seen[0] != k and (not flags or _coordinate(key)):
                nested = n if k != "a number or text" else seen[1]
                raise TrajlmInputError(
                    f"field {key!r} is {k} on line {n} but {seen[0]} on line {seen[1]}",
                    path=path,
                    line=nested,
                    field=key,
                    hint="give one number or text per field (flatten nested objects first)",
                )


def _coordinate(key: str) -> bool:
    from trajlm.data.column_names import LAT, LON, candidates

    return bool(candidates(LAT, [key]) or candidates(LON, [key]))


def _python_rows(path: Path, pl):  # noqa: ANN001, ANN202 (polars module -> DataFrame)
    """The objects of a JSON Lines file Polars refuses but Python's json reads."""
    rows = [doc for _, doc in _objects(path, None)]
    try:
        return pl.from_dicts(rows, infer_schema_length=None, strict=False)
    except Exception as e:  # mixed kinds beyond the checked lines
        raise TrajlmInputError(
            f"not readable as JSON Lines (one JSON object a line) ({str(e)[:200]})", path=path
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
    # "\n" only: str.splitlines also cuts at the RS byte (and \x85, \u2028), which numbered
    # a GeoJSON text sequence's line 4 as line 8 (badin21)
    for n, line in enumerate(text.split("\n"), 1):
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


def json_values(raw: bytes) -> Any:
    """The JSON document in `raw`; several objects written back to back with no separator or
    one a line (an AWS Kinesis Data Firehose S3 object: `{...}{...}`, heldout37; was "not
    valid JSON (Extra data)") as the list of them. A document that is not JSON raises
    `json.loads`' own error."""
    try:
        return json.loads(raw)
    except json.JSONDecodeError as e:
        if not e.msg.startswith("Extra data"):
            raise
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
        first = json.JSONDecoder().raw_decode(text.lstrip())[0]
        if not isinstance(first, dict):  # `[1][2]`, `1 2`: no records back to back
            raise
        out, i, dec = [], 0, json.JSONDecoder()
        while (i := _skip_space(text, i)) < len(text):
            value, i = dec.raw_decode(text, i)  # a broken record: its own error and position
            out.append(value)
        return out


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\r\n":
        i += 1
    return i
