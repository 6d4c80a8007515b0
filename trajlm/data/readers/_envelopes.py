"""Message envelopes in JSON Lines (heldout36): a topic dumped with `kcat -C -J` (or a Kafka
Connect / queue consumer's log) writes one envelope a line, `{"topic", "partition", "offset",
"ts", "key", "payload": "{\\"vehicle_id\\": ..., \\"lat\\": ..., \\"fix_time\\": ...}"}`: the
fix is JSON *text* inside one field, and the envelope's `ts` is the time the producer or broker
stamped the message (seconds after the fix, batched), not the fix's time. Was: "missing
column(s) ['traj_id', 'lat', 'lon']" naming the envelope's fields; a user who named `ts` as
the time would have read every fix late.

Rule: a text column whose values are JSON objects holding a latitude and a longitude, in a table
with neither of its own, is the message: the table becomes the message's fields (the
envelope's set aside, said in one line). A bytes column of UTF-8 JSON is such text (heldout37:
an Azure Event Hubs / IoT Hub Capture file's `Body`; its `EnqueuedTimeUtc` is the hub's receipt
time)."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

SAMPLE = 200  # rows whose text is decoded to decide
ENVELOPE_FIELDS = {"topic", "partition", "offset"}  # kcat -J / a Kafka consumer's envelope


def message_column(sample: Any) -> tuple[str, Any] | None:
    """(the column, the decoded messages' Polars dtype) when one text column of `sample` (a
    Polars DataFrame) holds JSON objects with a latitude and a longitude while the table has
    neither; else None."""
    import polars as pl

    from trajlm.data.column_names import find_columns

    names = [str(c) for c in sample.columns]
    if find_columns("lat", names) or find_columns("lon", names):
        return None
    for name in names:
        col = sample[name]
        if col.dtype == pl.Binary:  # Event Hubs Capture's `Body`: JSON as bytes (heldout37)
            try:
                col = col.cast(pl.Utf8)
            except Exception:  # not UTF-8 text (a Polars compute error): not a message
                continue
        if isinstance(col.dtype, pl.Struct):  # a kcat envelope's message as a JSON object,
            inner = [f.name for f in col.dtype.fields]  # not text (badin37: its fields were
            if (
                ENVELOPE_FIELDS <= set(names)  # read beside the envelope's `ts`, which became
                and find_columns("lat", inner)
                and find_columns("lon", inner)
            ):  # the time)
                return name, None  # (a `pose: {lat, lng}` object elsewhere is a point column)
            continue
        if col.dtype != pl.Utf8:
            continue
        text = col.drop_nulls().head(SAMPLE)
        if text.len() == 0 or not text.str.strip_chars().str.starts_with("{").all():
            continue
        try:
            decoded = text.str.json_decode(infer_schema_length=SAMPLE)
        except Exception:  # not JSON after all (a Polars compute error): not a message
            continue
        if not isinstance(decoded.dtype, pl.Struct):
            continue
        inner = [f.name for f in decoded.dtype.fields]
        if find_columns("lat", inner) and find_columns("lon", inner):
            return name, decoded.dtype
    return None


def _said(where: str, name: str, aside: list[str]) -> str:
    return (
        f"{where}: each row is a message envelope: the fixes are read from the JSON text "
        f"in {name!r}; the envelope's fields {aside} are set aside (an envelope's time is when "
        "the message was sent, not the fix's)"
    )


def open_envelopes(frame: Any, sample: Any, path: Path) -> Any:
    """`frame` (a Polars LazyFrame) as the messages inside its envelopes (message_column), with
    one warning naming the field read and the envelope's fields set aside; `frame` unchanged
    when it holds no envelopes."""
    import polars as pl

    found = message_column(sample)
    if found is None:
        refuse_unread_envelope(sample, path)
        return frame
    name, dtype = found
    aside = [c for c in sample.columns if c != name]
    warnings.warn(_said(path.name, name, aside), stacklevel=2)
    message = pl.col(name) if dtype is None else pl.col(name).cast(pl.Utf8).str.json_decode(dtype)
    return frame.select(message).unnest(name)


def refuse_unread_envelope(sample: Any, path: Path) -> None:
    """One line for a message envelope whose message is not a JSON object with a position
    (badin37: a payload of base64, of `key=value` text, tombstones or some bad lines were told
    "missing column(s) ['traj_id', 'lat', 'lon']" naming the envelope's fields)."""
    import json
    import re

    import polars as pl

    from trajlm.data.column_names import find_columns
    from trajlm.errors import TrajlmInputError

    names = [str(c) for c in sample.columns]
    if (
        not ENVELOPE_FIELDS <= set(names)
        or find_columns("lat", names)
        or find_columns("lon", names)
    ):
        return
    texts = [c for c in names if c not in ENVELOPE_FIELDS and sample[c].dtype == pl.String]
    for name in (c for c in ("payload", "value", "message", *texts) if c in texts):
        values = [v for v in sample[name].to_list() if v is not None]
        bad = []
        for i, v in enumerate(values):
            try:
                ok = isinstance(json.loads(v), dict)
            except ValueError:
                ok = False
            if not ok:
                bad.append((i, v))
        if not values:
            continue
        first = bad[0][1] if bad else values[0]
        kind = (
            "base64 text (bytes the consumer did not decode)"
            if bad and re.fullmatch(r"[A-Za-z0-9+/]{8,}={0,2}", str(first).strip())
            else "not a JSON object"
            if bad
            else "JSON objects without both a latitude and a longitude field"
        )
        where = f"{len(bad):,} of the first {len(values):,} values" if bad else "its values"
        raise TrajlmInputError(
            f"each line is a message envelope ({', '.join(sorted(ENVELOPE_FIELDS))}), but "
            f"{name!r} holds no readable fix: {where} are {kind} (first: {str(first)[:60]!r})",
            path=path,
            field=name,
            hint="decode the messages to one JSON object a line holding the fix's latitude, "
            "longitude and time (kcat -J ... | jq -c '.payload | fromjson'), then read that",
        )


def open_frame_envelopes(df: Any, lat_col: str | None, lon_col: str | None) -> Any:
    """A frame's rows (a Polars DataFrame: `pd.read_json(dump, lines=True)` of a `kcat -J`
    dump) as the messages inside them, by the rule a file read by path follows (fix36), said
    once at the caller's line; `df` unchanged when it holds no envelopes or the caller named a
    latitude / longitude column the frame has."""
    import polars as pl

    from trajlm.errors import warn_at_caller

    if lat_col in df.columns or lon_col in df.columns:
        return df
    found = message_column(df.head(1000))
    if found is None:
        return df
    name, dtype = found
    warn_at_caller(_said("the frame", name, [c for c in df.columns if c != name]))
    message = pl.col(name) if dtype is None else pl.col(name).cast(pl.Utf8).str.json_decode(dtype)
    return df.select(message).unnest(name)
