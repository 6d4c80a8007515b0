"""badin26: hostile frames on heldout26's API reading (merged 06:16): longitudes written 0..360
(readers/_lon_360.py), positions in E7 / semicircles given back in the caller's unit
(coerce_out._scaled_back); then newuser26's `recover(every=...)` text and Movebank outlier flags.
`trajlm.clean`, `trajlm.to_canonical` and `every_seconds` only (no model).
Run: PYTHONPATH=$PWD .venv/bin/python scripts/badin26/heldout.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from badin_cases import Cases  # noqa: E402

import trajlm  # noqa: E402

T0 = 1_772_000_000


say = Cases(got=300, warn=150, error=300, where=100)


def frame(lon, lat=None, lat_col="lat", lon_col="lon", ids=None) -> pl.DataFrame:
    n = len(lon)
    lat = [45.0 + 1e-3 * k for k in range(n)] if lat is None else lat
    return pl.DataFrame({"traj_id": ids or ["a"] * n, "t": T0 + 10 * np.arange(n),
                         lat_col: lat, lon_col: lon}, strict=False)  # fmt: skip


def clean(df: pl.DataFrame) -> str:
    out, rep = trajlm.clean(df)
    cols = [c for c in out.columns if c not in ("traj_id", "t")]
    return f"kept {out.height}/{df.height} {[(c, out[c].to_list()[:4]) for c in cols]} {dict(rep.dropped)} {dict(rep.repaired)}"


def canon(df: pl.DataFrame) -> str:
    out = trajlm.to_canonical(df)
    return f"lat={out['lat'].to_list()[:4]} lon={out['lon'].to_list()[:4]}"


say("0..360 crossing 179.8 -> 180.3", lambda: canon(frame([179.8, 179.9, 180.1, 180.3])))
say("0..360 with 360.0", lambda: canon(frame([179.9, 250.0, 300.0, 360.0])))
say("0..360 span 179 (1.0 .. 180.5)", lambda: canon(frame([1.0, 90.5, 179.0, 180.5])))
say("0..360 NaN lon among", lambda: canon(frame([179.8, float("nan"), 180.1, 180.3])))
say("0..360 inf lon among", lambda: canon(frame([179.8, float("inf"), 180.1, 180.3])))
say(
    "0..360 two trajs, one European",
    lambda: canon(frame([179.8, 180.2, 2.0, 2.1], ids=["a", "a", "b", "b"])),
)
say("0..360 one traj 2.1 .. 200 (stray)", lambda: canon(frame([2.1, 2.2, 200.0, 2.3])))
say("0..360 clean -> back", lambda: clean(frame([179.8, 179.9, 180.1, 180.3])))
say(
    "E7 columns",
    lambda: clean(
        frame(
            [-735000000, -734990000, -734980000, -734970000],
            [451000000, 451010000, 451020000, 451030000],
            "latitudeE7",
            "longitudeE7",
        )
    ),
)
say(
    "E7-named columns holding degrees",
    lambda: clean(
        frame(
            [-73.5, -73.49, -73.48, -73.47],
            [45.1, 45.11, 45.12, 45.13],
            "latitudeE7",
            "longitudeE7",
        )
    ),
)
say(
    "semicircles position_lat",
    lambda: clean(
        frame(
            [-876924000, -876900000, -876880000, -876860000],
            [538000000, 538010000, 538020000, 538030000],
            "position_lat",
            "position_long",
        )
    ),
)
say(
    "semicircles as float with NaN",
    lambda: clean(
        frame(
            [-876924000.0, float("nan"), -876880000.0, -876860000.0],
            [538000000.0, 538010000.0, 538020000.0, 538030000.0],
            "position_lat",
            "position_long",
        )
    ),
)
say(
    "E7 lat 0 lon 0 (null island)",
    lambda: clean(frame([0, 0, 0, 0], [0, 0, 0, 0], "latitudeE7", "longitudeE7")),
)
say(
    "E7 out of range 1e10",
    lambda: clean(frame([1e10] * 4, [1e10] * 4, "latitudeE7", "longitudeE7")),
)

# ---- newuser26 (merged 06:21): recover(every=...) text, Movebank outlier flags in trajlm.clean ----
from trajlm.data.recover_grid import every_seconds  # noqa: E402

for text in ("1ms", "5 ms", "1M", "1 mins", "2 hrs", "1e3s", "1 week", "1T", "-1h", "0h"):
    say(f"every={text!r}", lambda t=text: every_seconds(t))


def movebank(**cols) -> pl.DataFrame:
    n = 4
    return pl.DataFrame({"individual-local-identifier": ["g"] * n, "timestamp": T0 + 600 * np.arange(n),
                         "location-lat": 45.1 + 1e-3 * np.arange(n),
                         "location-long": -73.5 + 1e-3 * np.arange(n), **cols}, strict=False)  # fmt: skip


def flags(df: pl.DataFrame) -> str:
    out, rep = trajlm.clean(df)
    return f"kept {out.height}/{df.height} {dict(rep.dropped)}"


say("visible text FALSE", lambda: flags(movebank(visible=["true", "FALSE", "True", ""])))
say("visible bool with null", lambda: flags(movebank(visible=[True, False, None, True])))
say("visible 0/1", lambda: flags(movebank(visible=[1, 0, 1, 1])))
say("visible = satellites in view (8, 9, 0, 7)", lambda: flags(movebank(visible=[8, 9, 0, 7])))
say(
    "outlier flag + valid override",
    lambda: flags(
        movebank(
            **{
                "algorithm-marked-outlier": ["true", "true", "", ""],
                "manually-marked-valid": ["true", "", "", ""],
            }
        )
    ),
)
say("all hidden", lambda: flags(movebank(visible=[False] * 4)))
say(
    "visible 'hidden' / 'shown' text",
    lambda: flags(movebank(visible=["hidden", "shown", "shown", "shown"])),
)
print(f"{say.n} cases")
