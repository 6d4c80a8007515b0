"""A trip carrying two movers: `predict(latest=True)` names each answer's owner (fix31) from
the trip's first mover value, and cuts to each mover's latest trip by it. A journey whose rows
name two `VehicleRef`s (a feed reusing a journey id for two buses, a swap mid-trip) had one of
them picked without a word (badin32 156); now one warning names both (badfix32)."""

from __future__ import annotations

import polars as pl

from trajlm.errors import warn_at_caller

_SHOWN = 3  # trips named in the warning


def say_mixed_owners(df: pl.DataFrame, mover: str) -> None:
    """One warning when a trajectory of `df` (canonical, with the mover column `mover`) holds
    more than one mover value: which, and that the first is the one answered."""
    movers = (
        df.filter(pl.col(mover).is_not_null())
        .group_by("traj_id", maintain_order=True)
        .agg(pl.col(mover).unique(maintain_order=True))
        .filter(pl.col(mover).list.len() > 1)
    )
    if movers.height == 0:
        return
    shown = "; ".join(
        f"{tid!r}: {', '.join(map(repr, vals))}" for tid, vals in movers.head(_SHOWN).iter_rows()
    )
    more = f" (and {movers.height - _SHOWN} more)" if movers.height > _SHOWN else ""
    warn_at_caller(
        f"{movers.height} trajectory(ies) carry more than one {mover} ({shown}{more}): each is "
        f"answered as its first {mover}'s; if one trip id is shared by two movers, give the "
        "column that keys one mover's trip as the trajectory id"
    )
