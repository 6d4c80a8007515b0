"""A service's worked-out copy of a position beside the device's own (heldout39): Mapillary's
`computed_geometry` (corrected from the photos) beside the camera's GPS `geometry`; a tracking
API's `snapped_location` / `matched_position` beside `location`. The device's fix is the
trajectory's, so where several columns / keys could be the position and all but one sit under a
name saying it was worked out, that one is read (JSON records: readers/_json_fields; frames:
coerce_points). Two measured positions are still refused, naming both."""

from __future__ import annotations

import re

DERIVED = frozenset({"computed", "corrected", "snapped", "matched", "smoothed", "filtered",
                     "estimated", "interpolated", "predicted", "projected", "adjusted", "refined"})  # fmt: skip


def snake(key: str) -> str:
    """`ReceivedTime` -> `received_time` (camelCase words apart), lower-cased."""
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", key).lower()


def measured(keys: list[str]) -> list[str]:
    """`keys` less those whose parent (all but the last dotted word) names a worked-out copy,
    where that leaves exactly one; else `keys` as they were."""
    plain = [k for k in keys if not DERIVED & set(re.split(r"[^a-z0-9]+", snake(k))[:-1])]
    return plain if len(plain) == 1 else keys
