"""Text dumps of a message bus or a time-series database, a record a line (heldout38: both were
"cannot tell the format from the name"), read as the JSON Lines tables are (`_arrow_tables`):

* an MQTT subscriber's log, `mosquitto_sub -v -t 'fleet/+/gps' > gps.log`: `TOPIC PAYLOAD` a
  line, the payload a JSON object. The mover is often named only by the topic
  (`fleet/cb016/gps`): where no payload key is an id name, the topic level that differs between
  lines (else the whole topic) becomes the `device` column, said in one warning. Lines whose
  payload is no JSON object (`fleet/cb016/status online`) are passed over and counted. Payloads
  saved without their topic (`mosquitto_sub` without `-v`) are read where they are key=value
  text (fix40b; JSON objects are JSON Lines): one mover, unless they read as several mixed.
* InfluxDB line protocol (`influx_inspect export`, `influxd inspect export-lp`, Telegraf's
  file output): `measurement,tag=v,... field=v,... TIMESTAMP`, its `#` / DDL preamble passed
  over. Tags and fields become columns (`measurement` too); the timestamp, an integer in ns
  (or s / ms / us, told apart by its digits), becomes `time`, ISO-8601 UTC.

Sniffed by content under a text name (`.log`, `.txt`, `.lp`, `.out`, none): most of the first
lines must have the shape, so a CSV or a log of other lines is left to its reader.
"""

from __future__ import annotations

import re
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path

from trajlm.data.readers._mqtt_payloads import CONFLICT, payload_record
from trajlm.data.schema import TrajlmInputError

TEXT_SUFFIXES = (".log", ".txt", ".lp", ".out", ".line", "")
SNIFF_LINES = 50
MOST = 0.8
_TOPIC_LINE = re.compile(r"^(?P<topic>[^\s{\[\"]*/[^\s]*)\s+(?P<payload>\S.*?)\s*$")
# a one-level topic (`gps {...}`; badin39: "cannot tell the format"): a JSON object's payload only
_ONE_LEVEL = re.compile(r"^(?P<topic>[A-Za-z0-9_$.+#-]+)\s+(?P<payload>\{.*\})\s*$")
# measurement[,tag=v]* field=v[,field=v]* [ts] (escaped / quoted text left to the parser)
_TOKEN = r"(?:\\.|[^\s,=\\])+"  # a name or tag value, backslash escapes allowed
_LP_LINE = re.compile(
    rf"^(?!#){_TOKEN}(?:,{_TOKEN}={_TOKEN})*\s+{_TOKEN}=\S.*?(?:\s+-?\d{{9,19}})?\s*$"
)
_PREAMBLE = ("#", "CREATE ")  # influx_inspect's `# DDL`, `CREATE DATABASE ...`, `# DML`
_ID_WORDS = ("id", "device", "vehicle", "unit", "name", "imei", "tracker", "asset", "vid", "uid")


def _sample(path: Path) -> list[str]:
    try:
        with path.open("rb") as f:
            lines = [f.readline(1 << 16) for _ in range(SNIFF_LINES * 2)]
    except OSError:
        return []
    text = [x.decode("utf-8", errors="replace").strip() for x in lines]
    return [x for x in text if x and not x.startswith(_PREAMBLE)][:SNIFF_LINES]


def message_kind(path: Path) -> str | None:
    """ "mqtt" / "line_protocol" for a text file whose lines are so laid out, else None."""
    if not path.is_file() or path.suffix.lower() not in TEXT_SUFFIXES:
        return None
    lines = _sample(path)
    if len(lines) < 2:
        return None
    for kind, shape in (("mqtt", _TOPIC_LINE), ("line_protocol", _LP_LINE)):
        shaped = [m for x in lines if (m := topic_line(x) if kind == "mqtt" else shape.match(x))]
        if kind == "mqtt":  # a payload read as a record (JSON, key=value, numbers: leftover39)
            said = [payload_record(m["payload"]) for m in shaped]
            shaped = [m for m, (r, k) in zip(shaped, said, strict=True)
                      if r is not None or k.startswith(CONFLICT)]  # fmt: skip
            shaped += [x for x in lines if not topic_line(x) and bare_key_values(x)]
        if len(shaped) >= MOST * len(lines):
            return kind
    return None


def message_records(path: Path) -> list[dict]:
    """The records of a file `message_kind` names, one dict a line."""
    if message_kind(path) == "mqtt":
        return _mqtt_records(path)
    return _line_protocol_records(path)


# -- MQTT ---------------------------------------------------------------------------------


def _mqtt_records(path: Path) -> list[dict]:
    records, topics, skipped, kinds = [], [], 0, {}
    with path.open(encoding="utf-8", errors="replace") as f:
        for n, line in enumerate(f, 1):
            m = topic_line(line.strip())
            bare = m is None and bare_key_values(line.strip())
            payload, kind = payload_record(m["payload"] if m else line) if m or bare else (None, "")
            if kind.startswith(CONFLICT):
                raise TrajlmInputError(
                    f"the key=value payload gives a key two values ({kind[len(CONFLICT):]}): "
                    "which one is the fix cannot be told; write each key once", path=path, line=n)  # fmt: skip
            if payload is None:
                skipped += 1 if line.strip() else 0
                continue
            kinds[kind] = kinds.get(kind, 0) + 1
            records.append(payload)
            topics.append(m["topic"] if m else "")
    if not records:
        raise TrajlmInputError("no line holds `TOPIC PAYLOAD` with a readable payload (JSON, "
                               "key=value, numbers): nothing to read", path=path)  # fmt: skip
    named = {k for r in records[:200] for k in r if _id_like(k)}
    said = f"{path.name}: an MQTT subscriber's log (`TOPIC PAYLOAD` a line)" if any(topics) \
        else f"{path.name}: MQTT payloads a line, without their topics"  # fmt: skip
    if kinds.get("kv"):
        said += f"; {kinds['kv']:,} payload(s) of key=value text read as records"
    if kinds.get("csv"):
        said += (f"; {kinds['csv']:,} payload(s) of bare numbers read as Unix time, latitude, "
                 "longitude (told by their values; lat first as written unless past 90)")  # fmt: skip
    if skipped:
        said += (
            f"; {skipped:,} line(s) whose payload is no JSON object (nor key=value text "
            "or numbers) passed over"
        )
    if not named and len(set(topics)) == 1:  # one topic names no device (fix40)
        _refuse_mixed(records, topics[0], path)
    if not named and set(topics) == {""}:  # payloads saved without their topic (fix40b)
        said += "; no line names its topic (`mosquitto_sub` without -v): read as one mover"
        said += " (give each payload an id key, or capture with -v, where there are several)"
    elif not named:
        devices, level = _topic_movers(topics)
        for r, d in zip(records, devices, strict=True):
            r["device"] = d
        said += (
            f"; the mover read from the topic's level {level + 1} as 'device' (e.g. "
            f"{', '.join(repr(d) for d in list(dict.fromkeys(devices))[:3])})"
            if level is not None
            else "; the mover read from the whole topic ('device')"
        )
    warnings.warn(said, stacklevel=2)
    return records


def bare_key_values(line: str) -> bool:
    """A line that is key=value text alone, of 2 keys or more (`lat=40.7;lon=-74.0;ts=...`: a
    payload saved without its topic; fix40: "cannot tell the format")."""
    record, kind = payload_record(line) if "=" in line else (None, "")
    return (kind == "kv" and record is not None and len(record) >= 2) or kind.startswith(CONFLICT)


def topic_line(line: str) -> re.Match | None:
    """`TOPIC PAYLOAD`: a topic of levels (`fleet/cb016/gps`), or of one before a JSON object."""
    return _TOPIC_LINE.match(line) or _ONE_LEVEL.match(line)


def _refuse_mixed(records: list[dict], topic: str, path: Path) -> None:
    """One line where the records of one topic, with no id key, read as several movers mixed
    (`_mixed_movers`): the topic that named each device was not captured."""
    from trajlm.data.column_names import find_columns
    from trajlm.data.readers._mixed_movers import MIXED_HINT, mixed_movers, seconds_of

    keys = list(dict.fromkeys(k for r in records[:200] for k in r))
    t, lat, lon = (find_columns(f, keys) for f in ("t", "lat", "lon"))
    if len(t) != 1 or len(lat) != 1 or len(lon) != 1:
        return  # the table reader names what it cannot find
    sample = records[:5000]
    if why := mixed_movers(seconds_of([r.get(t[0]) for r in sample]),
                           [r.get(lat[0]) for r in sample], [r.get(lon[0]) for r in sample]):  # fmt: skip
        where = (f"every line's topic is {topic!r}, which names no device" if topic
                 else "no line names its topic (saved without mosquitto_sub -v)")  # fmt: skip
        raise TrajlmInputError(f"{why}, and {where}", path=path, hint=MIXED_HINT)


def _id_like(key: str) -> bool:
    from trajlm.data.column_names import find_columns

    return bool(find_columns("traj_id", [key])) or key.lower() in _ID_WORDS


def _topic_movers(topics: list[str]) -> tuple[list[str], int | None]:
    """Each line's mover: the one topic level that differs between lines (`fleet/+/gps`), or
    the whole topic when none or several do; and that level's index (None: the whole topic)."""
    parts = [t.split("/") for t in topics]
    if len({len(p) for p in parts}) == 1:
        varying = [i for i in range(len(parts[0])) if len({p[i] for p in parts}) > 1]
        if len(varying) == 1:
            return [p[varying[0]] for p in parts], varying[0]
    return topics, None


# -- InfluxDB line protocol ---------------------------------------------------------------


def _split(text: str, sep: str, limit: int = -1) -> list[str]:
    """`text` cut at each `sep` that is neither backslash-escaped nor inside double quotes."""
    out, cur, quoted, i = [], [], False, 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            cur.append(text[i : i + 2])
            i += 2
            continue
        if c == '"':
            quoted = not quoted
        if c == sep and not quoted and (limit < 0 or len(out) < limit):
            out.append("".join(cur))
            cur = []
        else:
            cur.append(c)
        i += 1
    return [*out, "".join(cur)]


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _field_value(text: str) -> object:
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return _unescape(text[1:-1])
    if re.fullmatch(r"-?\d+[iu]", text):
        return int(text[:-1])
    if text in ("t", "T", "true", "True", "TRUE", "f", "F", "false", "False", "FALSE"):
        return text[0] in "tT"
    try:
        return float(text)
    except ValueError:
        return text


# digits of the integer timestamp -> its unit's length in seconds (ns is the protocol's default)
_STAMP_UNITS = {19: 1e-9, 18: 1e-9, 16: 1e-6, 15: 1e-6, 13: 1e-3, 12: 1e-3, 10: 1.0, 9: 1.0}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _stamp(text: str, path: Path, lineno: int) -> str:
    digits = len(text.lstrip("-"))
    unit = _STAMP_UNITS.get(digits)
    if unit is None:
        raise TrajlmInputError(
            f"timestamp {text!r} has {digits} digits: not ns / us / ms / s since 1970",
            path=path,
            line=lineno,
        )
    whole, frac = divmod(int(text), round(1 / unit)) if unit < 1 else (int(text), 0)
    t = _EPOCH + timedelta(seconds=whole, microseconds=frac * unit * 1e6)
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _line_protocol_records(path: Path) -> list[dict]:
    records = []
    with path.open(encoding="utf-8", errors="replace") as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.strip()
            if not line or line.startswith(_PREAMBLE):
                continue
            parts = _split(line, " ")
            parts = [p for p in parts if p]
            if len(parts) not in (2, 3) or "=" not in parts[1]:
                raise TrajlmInputError(
                    "not InfluxDB line protocol (`measurement,tags fields timestamp`)",
                    path=path,
                    line=lineno,
                )
            head = _split(parts[0], ",")
            rec: dict[str, object] = {"measurement": _unescape(head[0])}
            for kv in head[1:]:  # tags: text
                key, value = (_split(kv, "=", 1) + [""])[:2]
                rec[_unescape(key)] = _unescape(value)
            for kv in _split(parts[1], ","):  # fields: numbers, text in quotes, booleans
                key, value = (_split(kv, "=", 1) + [""])[:2]
                rec[_unescape(key)] = _field_value(value)
            rec["time"] = _stamp(parts[2], path, lineno) if len(parts) == 3 else None
            records.append(rec)
    if not records:
        raise TrajlmInputError("no line-protocol line: nothing to read", path=path)
    return records
