"""POST /predict rows that name a vehicle beside their trip id (session 32, leftover32).

A SIRI-VM feed's rows are keyed by the journey (``DatedVehicleJourneyRef``) and carry the bus
(``VehicleRef``). The server read the journey, said ``VehicleRef`` was ignored, and so answered
``"latest": true`` per journey where Python answers per bus, and without the bus where Python's
answers keep it (fix31, leftover32). Here such a request keeps that key (the names ingest keeps
as the owner: ``coerce_pieces.mover_column``) as a column: ``latest`` reads it as the API does,
and every answer row carries it after the answer's own keys, as the request's other keys are
echoed by /recover (the answer's schema is unchanged: docs/api.md "HTTP answers in trajlm's
names").
"""

from __future__ import annotations

import json

import polars as pl

from trajlm.data.coerce_pieces import mover_column, mover_owners, with_owners
from trajlm.serve.output import EXTRA
from trajlm.serve.rows import IGNORED


def with_mover(df: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """(``df`` parsed with its rows' extra keys, less a mover key of those rows; (traj_id, that
    key) per trajectory, or None where the rows name no mover)."""
    if EXTRA not in df.columns:
        return df, None
    rows = [json.loads(x) if x else {} for x in df[EXTRA].to_list()]
    mover = mover_column(list(dict.fromkeys(str(k) for r in rows for k in r)))
    if mover is None or mover in df.columns:
        return df, None
    values = [r.pop(mover, None) for r in rows]
    if not all(v is None or isinstance(v, str) for v in values) and not all(
        v is None or (isinstance(v, int) and not isinstance(v, bool)) for v in values
    ):
        values = [None if v is None else str(v) for v in values]  # one kind per column
    rest = [json.dumps(r) if r else None for r in rows]
    owners = mover_owners(df.select("traj_id", pl.Series(mover, values)))
    left = df.with_columns(pl.Series(EXTRA, rest, dtype=pl.Utf8))
    return (left.drop(EXTRA) if all(x is None for x in rest) else left), owners


def without_extras(df: pl.DataFrame) -> pl.DataFrame:
    """``df`` without its rows' extra keys, said as ignored (rows.ignored_line), as a parse
    without ``keep_extra`` says them."""
    if EXTRA not in df.columns:
        return df
    keys = {str(k) for x in df[EXTRA].to_list() if x for k in json.loads(x)}
    IGNORED.set(tuple(sorted(keys)))
    return df.drop(EXTRA)


def owner_of(out: pl.DataFrame, owners: pl.DataFrame | None) -> tuple[pl.DataFrame, tuple]:
    """(the answer ``out`` keyed by ``traj_id`` with the mover column, (its name,) for the
    answer rows' keys); ``(out, ())`` without owners."""
    if owners is None or "traj_id" not in out.columns:
        return out, ()
    ids = owners["traj_id"].cast(out.schema["traj_id"], strict=False)
    out = with_owners(out, owners.with_columns(ids))
    return out, (owners.columns[1],)


def latest_frame(mdf: pl.DataFrame, owners: pl.DataFrame | None, cut: dict) -> pl.DataFrame:
    """The model's frame (its id column named as ``cut`` names it: serve.pieces.for_model) with
    each trip's mover beside it, so ``latest`` keeps each vehicle's trip that ends last
    (coerce_pieces.latest_trips), as Python's call on the same rows does."""
    key = cut.get("traj_col", "traj_id")
    if owners is None or key not in mdf.columns or owners.columns[1] in mdf.columns:
        return mdf
    ids = owners["traj_id"].cast(mdf.schema[key], strict=False).alias(key)
    own = owners.select(ids, owners.columns[1])
    return mdf.join(own, on=key, how="left", maintain_order="left")
