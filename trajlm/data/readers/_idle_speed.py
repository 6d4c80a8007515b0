"""A reported speed column that cannot tell whether latitude / longitude are named the right way
round (fix40; badin39 left it: swapped `lat` / `lon` names beside a `speed` of 0, NaN, -8 or
"fast" on every row put Porto in the Indian Ocean without a word, as the check read no speed
and said nothing). Nothing in such a file tells the order, so it is not guessed: where the fixes
move while the speed says nothing, one line says the order was not checked, where the fixes lie
as named, and how to name the columns the other way round."""

from __future__ import annotations

import numpy as np

MOVING_MPS = 1.0  # median step speed (as named) above which the fixes move
USABLE_MPS = 1.0  # a reported speed at or above this (and finite) is one the check can read


def idle_speed_note(
    speed: str,
    text: list,
    mps: np.ndarray,
    lat: np.ndarray,
    lon: np.ndarray,
    steps: dict,
    min_steps: int,
) -> str:
    """The line saying the order was not checked ("" where the speed is readable, or the fixes
    do not move): ``speed`` the column, ``text`` its sampled cells, ``mps`` them in m/s (NaN
    where no number), ``steps`` the named reading's steps (`_motion_verdict.axis_steps`)."""
    if (
        int((np.isfinite(mps) & (mps >= USABLE_MPS)).sum()) >= min_steps
        or len(steps["d"]) < min_steps
    ):
        return ""
    moving = float(np.median(steps["d"] / steps["dt"]))
    if not moving > MOVING_MPS:
        return ""
    finite = mps[np.isfinite(mps)]
    if not len(finite):
        cell = next((str(v) for v in text if v not in (None, "")), "")
        what = f"no number ({cell!r})" if cell and cell.lower() != "nan" else "empty / NaN"
    elif (finite <= 0).all():
        what = f"{finite.max():g} or less" if finite.min() < finite.max() else f"{finite[0]:g}"
    else:
        what = "under 1 m/s"
    return (f"{speed!r} is {what} on every row while the fixes move ({moving:.1f} m/s median "
            f"step): it cannot tell whether the latitude and longitude columns are named the "
            f"right way round, so that was not checked; as named the fixes lie near "
            f"{np.nanmedian(lat):.4f} N {np.nanmedian(lon):.4f} E")  # fmt: skip
