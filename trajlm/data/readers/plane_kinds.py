"""The one rule for inputs whose layout knows it is a plane (fix37c): Metrica / TRACAB feeds
(pitch_feeds.py) and ETH / UCY / TrajNet++ files (pedestrian_files.py) hold x / y metres, so a
path given to `trajlm.read`, `TrajLM.predict` or `predict --input` is read with `crs="local"`
unless a CRS is given, as `trajlm data ingest` reads it (newuser37: the pedestrian files were
refused by the plane check, naming crs, while the pitch feeds were read on the pitch)."""

from __future__ import annotations

from pathlib import Path

from trajlm.data.readers.pedestrian_files import is_eth_ucy, is_trajnetpp, pedestrian_folder
from trajlm.data.readers.pitch_feeds import is_pitch_feed


def is_plane_file(path: object) -> bool:
    """Whether ``path`` (a file, or a folder of only such files) is x / y metres on a plane by
    its layout: a pitch feed, an ETH / UCY or TrajNet++ file, or a folder of pedestrian files."""
    p = Path(str(path)).expanduser()
    if is_pitch_feed(p):
        return True
    if p.is_file():
        return is_eth_ucy(p) or is_trajnetpp(p)
    return bool(pedestrian_folder(p))
