"""``"keys": "request"``: answers in the request's own row keys (serve40).

Since session 14 the HTTP API reads table rows by the Python API's names for the columns
(`unitId`, `ts`, `latitude`, `longitude` as `traj_id`, `t`, `lat`, `lon`) and answers in its own
names: `traj_id`, `t` (Unix seconds), `time` (ISO), `lat`, `lon`. That is the documented
response schema (the OpenAPI at /docs, every client written since), so it stays the default.
A dashboard that sent its feed's rows wants them back as it sent them, as the Python API gives
a frame back in the frame's names: with ``"keys": "request"`` the answer's rows carry the
request's id, time and position keys instead (the time in the form sent: ISO text on the
request's clock, or the number in the request's unit), ids in `results`, `embeddings` and
`/validity`'s `trajectories` too. The answer's own fields (`step`, `std_m`, `piece`, ...) keep
their names. GeoJSON and MF-JSON requests have no row keys: their answers do not change.

Per request, as the other echoes (echo.py, plane.py): the parse records the keys the rows were
read by; the request model records whether the caller asked (``want``).
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from typing import Any

from trajlm.errors import TrajlmInputError
from trajlm.serve.plane import plane_keys

REQUEST, TRAJLM = "request", "trajlm"
KEYS_HELP = ('"request": table answers name the id, time and position as the request\'s rows '
             'named them (`unitId`, `ts` as sent, `latitude`, `longitude`); "trajlm" (the '
             "default): `traj_id`, `t`, `time`, `lat`, `lon`.")  # fmt: skip

# whether this request asked for its own keys (set by the request model's validator)
WANT: ContextVar[bool] = ContextVar("answer_in_request_keys", default=False)
# the keys this request's table rows were read by: {"traj_id": "unitId", "t": "ts", "lat": ...,
# "lon": ...} (None: one mover's rows, no id key) and "iso": whether its times were text; a
# value of "" for a field the rows named two ways. None: not table rows.
SENT: ContextVar[dict[str, Any] | None] = ContextVar("request_row_keys", default=None)


def want(value: str) -> str:
    """Record the request's ``keys`` (pydantic's validator of the field calls it)."""
    WANT.set(value == REQUEST)
    return value


def record(sources: dict[str, set[str]], text_times: set[bool], no_id: bool) -> None:
    """Record the row keys read for each field (``sources``: field -> the keys read for it)."""
    sent: dict[str, Any] = {k: next(iter(v)) if len(v) == 1 else "" for k, v in sources.items()}
    if no_id:
        sent["traj_id"] = None
    sent["iso"] = text_times == {True}
    sent["two_ways"] = {k: sorted(v) for k, v in sources.items() if len(v) > 1}
    SENT.set(sent)


def reset() -> None:
    """Forget the last parse's keys (each parse records them again)."""
    SENT.set(None)


def forget() -> None:
    """Forget everything about the last request (a new one arrived: an in-process client such
    as FastAPI's TestClient may run requests in one context)."""
    SENT.set(None)
    WANT.set(False)


def in_request_keys(body: dict) -> dict:
    """The answer with its rows' keys as the request named them, when it asked (else as is)."""
    sent = SENT.get()
    if not WANT.get() or sent is None:
        return body
    if sent["two_ways"]:
        field, keys = next(iter(sent["two_ways"].items()))
        raise TrajlmInputError(
            f'"keys": "request": the rows name {field} two ways ({", ".join(keys)}), so '
            "the answer cannot name it as they do",
            field="keys",
            hint=f"name it one way in every row, or leave keys out ({field} in the answer)",
        )
    ykey, xkey = plane_keys()
    own = {"traj_id": sent["traj_id"] or "traj_id", ykey: sent["lat"], xkey: sent["lon"]}
    if isinstance(body.get("points"), list):
        body["points"] = [_point(r, sent, own) for r in body["points"]]
    for part in ("results", "embeddings", "trajectories"):
        if isinstance(body.get(part), list):
            body[part] = [_renamed(r, own) if isinstance(r, dict) else r for r in body[part]]
    return body


def _point(row: dict, sent: dict, own: dict[str, str]) -> dict:
    """A point row with the request's id, time (as sent) and position keys first."""
    if not isinstance(row, dict):
        return row
    first = {own["traj_id"]: row.get("traj_id")}
    first[sent["t"]] = row.get("time") if sent["iso"] else row.get("t")
    first |= {own[k]: row.get(k) for k in own if k != "traj_id" and k in row}
    rest = {k: v for k, v in row.items() if k not in ("traj_id", "t", "time", *own)}
    _no_clash(first, rest)
    return first | rest


def _renamed(row: dict, own: dict[str, str]) -> dict:
    """A result row with `traj_id` (and a position: /parked) in the request's keys."""
    out = {own.get(k, k): v for k, v in row.items()}
    if len(out) < len(row):
        _no_clash({own[k]: None for k in own if k in row and own[k] != k}, row)
    return out


def _no_clash(first: dict, rest: dict) -> None:
    clash = sorted(set(first) & set(rest))
    if clash:
        raise TrajlmInputError(
            f'"keys": "request": the request\'s key {clash[0]!r} is also a key of the '
            "answer's own, so one would hide the other",
            field="keys",
            hint=f"rename {clash[0]!r} in the rows, or leave keys out",
        )


def own_words(text: str, field: str | None) -> tuple[str, str | None]:
    """A refusal's line and field in the request's own keys once its rows were read: a feed
    sending `latitude` / `unitId` was told "field lat: missing value ... (first at row 3,
    traj_id 'V1') ... finite lat in [-90, 90]" (serve40); `t` stays (too short a word)."""
    sent = SENT.get()
    if sent is None:
        return text, field
    swap = {k: sent[k] for k in ("traj_id", "lat", "lon") if sent.get(k) and sent[k] != k}
    if not swap:
        return text, field
    word = re.compile(r"(?<![\w.\-])(" + "|".join(swap) + r")(?![\w\-])")
    text = word.sub(lambda m: swap[m[1]], text)
    return text, None if field is None else word.sub(lambda m: swap[m[1]], field)
