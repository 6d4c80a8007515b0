"""What an MQTT subscriber's log lacks where no line of it is read (badin40 141-147: "cannot
tell the format from the name", which sent the user to `--format`, and no format reads it):
the file has the log's shape (`TOPIC PAYLOAD` a line, or topics alone) but one line only, no
payloads, or payloads that no rule reads (a status word, two bare numbers, `nan`). Said in one
line naming the file, the first such line and what is read; None where the file has not the
shape (left to "cannot tell the format")."""

from __future__ import annotations

import re
from pathlib import Path

from trajlm.data.readers._message_lines import (
    MOST,
    SNIFF_LINES,
    TEXT_SUFFIXES,
    bare_key_values,
    topic_line,
)
from trajlm.data.readers._mqtt_payloads import payload_record

# a topic of levels with nothing after it (`fleet/cb016/gps`)
_BARE_TOPIC = re.compile(r"^[A-Za-z0-9_$.+#-]*(?:/[A-Za-z0-9_$.+#-]*)+$")
_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?$")
READ = ("the payloads read are JSON objects, key=value text (lat=...;lon=...;ts=...) and bare "
        "numbers (Unix time,lat,lon)")  # fmt: skip


def _numbered_lines(path: Path) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    try:
        with path.open("rb") as f:
            for n in range(1, SNIFF_LINES * 2 + 1):
                raw = f.readline(1 << 16)
                if not raw:
                    break
                text = raw.decode("utf-8", errors="replace").strip()
                if text:
                    out.append((n, text))
    except OSError:
        return []
    return out[:SNIFF_LINES]


def mqtt_near_miss(path: Path) -> str | None:
    """One line on what an MQTT-shaped file lacks (module doc), or None."""
    if not path.is_file() or path.suffix.lower() not in TEXT_SUFFIXES:
        return None
    lines = _numbered_lines(path)
    topic = [(n, x, topic_line(x)) for n, x in lines]
    shaped = [(n, x, m) for n, x, m in topic if m or _BARE_TOPIC.match(x) or bare_key_values(x)]
    if not lines or len(shaped) < MOST * len(lines):
        return None
    if not any(m for _, _, m in shaped) and not any(bare_key_values(x) for _, x, _ in shaped):
        n, x, _ = shaped[0]
        return (f"line {n} is an MQTT topic with no payload ({x!r}; {len(shaped)} such line(s)): "
                f"no position to read; {READ} (capture with `mosquitto_sub -v`, which writes "
                "TOPIC PAYLOAD)")  # fmt: skip
    for n, x, m in shaped:
        payload = m["payload"] if m else x
        if payload_record(payload)[0] is None:
            parts = payload.split(",")
            two = len(parts) == 2 and all(_NUMBER.match(p.strip()) for p in parts)
            why = (f"its payload {payload!r} holds 2 numbers and no Unix time" if two
                   else f"no rule reads its payload {payload!r}")  # fmt: skip
            return f"line {n} looks like an MQTT subscriber's log line, but {why}; {READ}"
    if len(lines) == 1:
        return ("one MQTT log line: one fix is no trajectory (at least 2 fixes a mover are "
                "read); was the capture cut short?")  # fmt: skip
    return None
