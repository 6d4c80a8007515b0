"""A time repeated within a trajectory of a file given by its path to a model call (fix35).

`trajlm data ingest` keeps the first fix of a repeated time and counts the rest as
``duplicate_timestamp``; ``trajlm predict --input FILE`` refuses them naming ``--on-error skip``,
which drops them so. heldout35: ``TrajLM.predict(path)`` refused them naming
``trajlm.clean(df)`` (a frame's way) and had no ``on_error=``; now the path route refuses them
naming ``on_error="skip"`` and drops them with it, as ingest does. (Not clean.py itself: it
reads frames through coerce, which reads paths through here.)
"""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl

from trajlm.data.schema import TrajlmInputError

_ROW = "__repeat_row"
KEEP_FIRST = "keeps the first of each repeated time and drops and counts the rest"


def refuse_repeated_times(df: pl.DataFrame, where: str, skip: str) -> None:
    """One line when a trajectory of the canonical table ``df`` repeats a time at a different
    position (a receiver's two fixes of one second: which is right cannot be told), naming the
    first (id and time) and ``skip``, the caller's option that drops the later ones as ingest
    does (or, holding KEEP_FIRST's words, the whole way on). Receivers' repeats (same time, within coerce_rows.REPEAT_DEG of the first copy) pass:
    the model calls drop those themselves (``drop_repeats``, the same rule)."""
    from trajlm.data.coerce_rows import drop_repeats

    kept, _, _ = drop_repeats(df.select("traj_id", "t", "lat", "lon"))
    twice = kept.filter(pl.len().over("traj_id", "t") > 1)
    if not len(twice):
        return
    from trajlm.data.local_plane import refuse_interleaved

    # heldout38: ten trucks read as one mover (no id column) repeat times; the id is the cause
    refuse_interleaved(kept.sort("traj_id", "t"), "=" in skip, where)
    first = twice.row(0, named=True)
    n = len(twice) - twice.select(pl.struct("traj_id", "t").n_unique()).item()
    at = datetime.fromtimestamp(float(first["t"]), UTC).isoformat().replace("+00:00", "Z")
    raise TrajlmInputError(
        f"{n} repeated time(s) at a different position (first: trajectory "
        f"{first['traj_id']!r} at {at}); which fix is right cannot be told",
        path=where,
        field="t",
        hint=skip
        if " keeps the first " in skip
        else f"{skip} {KEEP_FIRST}, as `trajlm data ingest` does",
    )


def drop_repeated_times(df: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, int]]:
    """``df`` without the later fixes of each repeated (traj_id, t), in its own order, and
    {"duplicate_timestamp": count} (ingest's name for them; {} when none)."""
    rows = df.with_row_index(_ROW)
    first = rows.sort("traj_id", "t", maintain_order=True).unique(
        ["traj_id", "t"], keep="first", maintain_order=True
    )
    if len(first) == len(df):
        return df, {}
    kept = rows.filter(pl.col(_ROW).is_in(first[_ROW].implode())).drop(_ROW)
    return kept, {"duplicate_timestamp": len(df) - len(kept)}
