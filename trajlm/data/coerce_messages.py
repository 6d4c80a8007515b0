"""A frame of radio / MQTT messages flattened by `pd.json_normalize` (session 40, heldout40):
Meshtastic's JSON gives `id` (the packet's, repeated when two gateways heard it), `timestamp`
(the gateway's) and `payload.time` (the fix's) beside `payload.latitude_i`. The frame was
read by the packet id at the gateway's time, 159 movers of 5 radios, as the JSON file was
before; read here as the file now is (readers/_json_fields.py): the fix's own time in the
position's object, and the node that sent it where the id only repeats at one time."""

from __future__ import annotations

from typing import Any

import polars as pl


def own_frame_time(cols: list[Any], tcol: str) -> str:
    """The time column inside the latitude's object (`payload.time` beside
    `payload.latitude_i`) over a whole-name one found first; ``tcol`` otherwise."""
    from trajlm.data.column_names import find_columns
    from trajlm.data.readers._json_fields import own_time

    names = [c for c in cols if isinstance(c, str)]
    lat = find_columns("lat", names)
    if len(lat) != 1 or "." not in lat[0]:
        return tcol
    own = own_time(names, lat[0])
    return own if own in names else tcol


def past_message_id(df: pl.DataFrame, traj: str, tcol: str) -> str:
    """The sender column (`from`, its values at several times each) over ``traj`` when that
    is a message's id: each value at one time (a packet heard twice, or once), or empty on
    most rows (nodeinfo's `payload.id`); ``traj`` otherwise."""
    from trajlm.data.readers._json_fields import SENDERS

    names = [c for c in df.columns if isinstance(c, str) and c != traj]
    sender = next((c for c in names if c.lower() in SENDERS), None)
    if sender is None or traj not in df.columns or tcol not in df.columns or df.height < 5:
        return traj
    sent = df.select(sender, tcol).drop_nulls().unique()
    if sent[sender].n_unique() >= sent.height:
        return traj  # the sender is at one time each: no mover either
    if df[traj].null_count() > df.height // 2:
        return sender
    pairs = df.select(traj, tcol).drop_nulls()
    return sender if pairs.unique().height == pairs[traj].n_unique() else traj
