"""`ask` on a `--crs local` store (local36): its lat / lon are bookkeeping about the stand-in
point 1 N 1 E (data/local_plane.py), never a place. A trip described starts at x / y metres,
and a question that names a place in latitude / longitude (a circle, a box, a gazetteer name)
is refused in one line instead of being matched against the stand-in degrees."""

from __future__ import annotations

from typing import Any

import numpy as np

from trajlm.llm.plan import CannotAnswer

BOX_FIELDS = ("bbox", "start_at", "end_at", "via", "start_box", "end_box")


def is_plane_store(data: Any) -> bool:
    """True for a store path ingested with `--crs local`."""
    import os

    from trajlm.data.local_plane import store_crs

    return isinstance(data, str | os.PathLike) and store_crs(data) == "local"


def refuse_place(plan: Any, store: bool = True) -> None:
    """Raise when ``plan`` filters or measures by a place given in degrees (``store``: the
    data is a `--crs local` store, else a frame read with ``crs="local"``)."""
    if plan.center() is None and all(getattr(plan, f, None) is None for f in BOX_FIELDS):
        return
    said = "this store is" if store else "these points are"
    how = "--crs local" if store else "crs='local'"
    raise CannotAnswer(
        f"{said} x / y metres on a plane ({how}): a place given as latitude / "
        "longitude or by name means nothing on it; ask about times, lengths, speeds and stops, "
        "or 'describe trip X'"
    )


def plane_hint(error: CannotAnswer, store: bool = True) -> CannotAnswer:
    """A refusal whose hint asks for a place as LAT,LON, worded for a plane (badfix37: "where
    does trip X start" on a `--crs local` store suggested 'within 500 m of LAT,LON', which the
    plane then refuses): the LAT,LON example left out, x / y metres named."""
    import re

    text = getattr(error, "reason", "")
    if "LAT,LON" not in text:
        return error
    text = re.sub(r"(?:,?\s+or\s+)?'[^']*LAT,LON'", "", text)
    text = re.sub(r"(?:;|,)?\s*ask how many trips came within [^;]*LAT,LON", "", text)
    how = "--crs local" if store else "crs='local'"
    return CannotAnswer(f"{text.rstrip(' ;,')} (it starts and ends at x / y metres: places on "
                        f"this plane ({how}) are not latitude / longitude)")  # fmt: skip


def start_in_metres(text: str, lat: np.ndarray, lon: np.ndarray) -> str:
    """A described trip's "starts LAT,LON" (llm/text.py's semantic encoding) as x / y metres."""
    from trajlm.data.local_plane import plane_place

    said = f"starts {lat[0]:.5f},{lon[0]:.5f} "
    return text.replace(said, f"starts at {plane_place(float(lat[0]), float(lon[0]))}, ", 1)
