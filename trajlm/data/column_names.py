"""The column names trajlm recognises for the four canonical fields, in tiers of confidence.

Shared by the Python API's frame coercion (`coerce.py`) and the CSV / Parquet readers
(`readers/detect.py`), so that a file and a DataFrame with the same columns are read alike.
A name is matched case-insensitively; the first tier with a match wins, and two matches in
one tier are ambiguous (the caller names the column instead).
"""

from __future__ import annotations

TRAJ = (
    ("traj_id",),
    ("trajectory_id", "tid", "track_id", "trip_id", "trajectory", "traj"),
    ("id", "track", "trip"),
    ("uid", "user_id", "mmsi", "vehicle_id", "object_id", "individual_id"),
)
TIME = (("t",), ("timestamp", "time", "datetime", "tracked_at", "date_time", "ts", "basedatetime"))
LAT = (("lat", "latitude"), ("y",))
LON = (("lon", "lng", "longitude", "long"), ("x",))
TIERS = {"traj_id": TRAJ, "t": TIME, "lat": LAT, "lon": LON}


def candidates(tiers: tuple[tuple[str, ...], ...], columns: list[str]) -> list[str]:
    """The columns of the first tier that has any (several = ambiguous; none = not found)."""
    lower: dict[str, list[str]] = {}
    for c in columns:
        lower.setdefault(c.lower(), []).append(c)
    for tier in tiers:
        found = [c for name in tier for c in lower.get(name, [])]
        if found:
            return found
    return []
