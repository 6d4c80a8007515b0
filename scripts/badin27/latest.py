"""badin27: hostile inputs on newuser27's surfaces (docs/api.md "Session 27 (newuser27)"):
`predict(latest=True)` / `trajlm predict --latest`, `--crs` outputs, exact repeats dropped by the
API, naive local text going back (DST), `clean(tz=)` on text / aware / numbers, travel-time
baselines' `predict(frame, **columns)`. Uses tests/test_newuser24_fleet.py's small model.
Prints `NNN name | status | summary`; classified by hand on first read (classes.py).
Run: PYTHONPATH=$PWD .venv/bin/python scripts/badin27/latest.py [OUT_DIR]  (default /tmp/badin27/latest)
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from badin_cases import Cases  # noqa: E402
from reliability_helpers import invoke  # noqa: E402
from test_newuser24_fleet import _model  # noqa: E402
from test_newuser27 import _night_trip, _vans  # noqa: E402

import trajlm  # noqa: E402

OUT = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/badin27/latest")
shutil.rmtree(OUT, ignore_errors=True)
OUT.mkdir(parents=True)


def _frame_line(got):
    if isinstance(got, pd.DataFrame):
        got = pl.from_pandas(got)
    if isinstance(got, pl.DataFrame):
        return f"rows={got.height} cols={got.columns} head={got.head(2).rows()}"
    return got


say = Cases(
    got=380, warn=160, warn_total=600, error=300, where=100, describe=_frame_line, flush=True
)


mdir = _model(OUT / "m")
lm = trajlm.TrajLM.from_pretrained(mdir, threads=1)
vans = _vans()
say("latest=True (two vans, two pieces each)", lambda: lm.predict(vans, steps=1, latest=True))
say("latest='yes'", lambda: lm.predict(vans, steps=1, latest="yes"))
say("latest=1", lambda: lm.predict(vans, steps=1, latest=1))
say("latest=None", lambda: lm.predict(vans, steps=1, latest=None))
say(
    "latest=True, one piece each",
    lambda: lm.predict(
        vans[vans.timestamp < vans.timestamp.min() + 3_600_000], steps=1, latest=True
    ),
)
say(
    "latest=True, keyed by traj_id (no vehicle)",
    lambda: lm.predict(vans.rename(columns={"vehicle_id": "traj_id"}), steps=1, latest=True),
)
say(
    "latest=True, traj_col='vehicle_id' (trips given)",
    lambda: lm.predict(vans, steps=1, latest=True, traj_col="vehicle_id"),
)
say(
    "latest=True, split_gaps=False",
    lambda: lm.predict(vans, steps=1, latest=True, split_gaps=False),
)
say("latest=True with seconds_ahead", lambda: lm.predict(vans, seconds_ahead=[600], latest=True))
say(
    "latest=True with at_times",
    lambda: lm.predict(vans, at_times=[int(vans.timestamp.max()) + 60_000], latest=True),
)
say(
    "latest=True, the latest piece one point",
    lambda: lm.predict(
        pd.concat([vans, vans.iloc[[0]].assign(timestamp=vans.timestamp.max() + 10_800_000)]),
        steps=1,
        latest=True,
    ),
)
say("latest=True, polars frame", lambda: lm.predict(pl.from_pandas(vans), steps=1, latest=True))
say("latest=True on recover (not a recover option)", lambda: lm.recover(vans, latest=True))
rep = _vans(repeats=3)
say("3 exact repeats (dropped, said)", lambda: lm.predict(rep, steps=1))
moved = rep.copy()
moved.loc[moved.index[-1], "lat"] += 0.01
say("a repeat at the same time, another place", lambda: lm.predict(moved, steps=1))
allrep = pd.concat([vans.iloc[:1]] * 5, ignore_index=True)
say("every row one repeat (one point left)", lambda: lm.predict(allrep, steps=1))
nan_rep = pd.concat([vans, vans.iloc[[2]].assign(lat=np.nan)], ignore_index=True)
say("a repeat with lat NaN", lambda: lm.predict(nan_rep, steps=1))
say("embed with repeats", lambda: lm.embed(rep))

# CLI --crs / --latest
from pyproj import Transformer  # noqa: E402

x, y = Transformer.from_crs(4326, 3857, always_xy=True).transform(vans.lon, vans.lat)
proj = vans.drop(columns=["lat", "lon"]).assign(x=x, y=y)
proj.to_csv(OUT / "p.csv", index=False)
vans.to_csv(OUT / "v.csv", index=False)


def cli(*args) -> str:
    r = invoke(*args)
    out = r.output.strip().splitlines()
    head = ""
    for a, b in zip(args, args[1:], strict=False):
        if a == "--out" and Path(b).is_file() and str(b).endswith(".csv"):
            head = f" cols={pl.read_csv(b).columns} first={pl.read_csv(b).row(0)}"
    return f"exit={r.exit_code}{head} :: {(out[-1] if out else '')[:260]}"


say(
    "CLI --crs EPSG:3857 --latest",
    lambda: cli(
        "predict",
        "--model",
        mdir,
        "--input",
        OUT / "p.csv",
        "--crs",
        "EPSG:3857",
        "--steps",
        "1",
        "--latest",
        "--out",
        OUT / "o1.csv",
    ),
)
say(
    "CLI --crs EPSG:4326 on lat/lon",
    lambda: cli(
        "predict",
        "--model",
        mdir,
        "--input",
        OUT / "v.csv",
        "--crs",
        "EPSG:4326",
        "--steps",
        "1",
        "--out",
        OUT / "o2.csv",
    ),
)
say(
    "CLI --crs EPSG:99999",
    lambda: cli(
        "predict",
        "--model",
        mdir,
        "--input",
        OUT / "p.csv",
        "--crs",
        "EPSG:99999",
        "--steps",
        "1",
        "--out",
        OUT / "o3.csv",
    ),
)
say(
    "CLI --crs EPSG:3857 on lat/lon degrees",
    lambda: cli(
        "predict",
        "--model",
        mdir,
        "--input",
        OUT / "v.csv",
        "--crs",
        "EPSG:3857",
        "--steps",
        "1",
        "--out",
        OUT / "o4.csv",
    ),
)
say(
    "CLI projected x/y without --crs",
    lambda: cli(
        "predict",
        "--model",
        mdir,
        "--input",
        OUT / "p.csv",
        "--steps",
        "1",
        "--out",
        OUT / "o5.csv",
    ),
)
say(
    "CLI --latest --seconds-ahead 600 GeoJSON out",
    lambda: cli(
        "predict",
        "--model",
        mdir,
        "--input",
        OUT / "p.csv",
        "--crs",
        "EPSG:3857",
        "--seconds-ahead",
        "600",
        "--latest",
        "--out",
        OUT / "o6.geojson",
    ),
)
say(
    "CLI --crs EPSG:3857 to .parquet",
    lambda: cli(
        "predict",
        "--model",
        mdir,
        "--input",
        OUT / "p.csv",
        "--crs",
        "EPSG:3857",
        "--steps",
        "1",
        "--out",
        OUT / "o7.parquet",
    ),
)

# naive local text / clean(tz=)
night = _night_trip()
cols = dict(traj_col="trip_id", time_col="local_time", lat_col="latitude", lon_col="longitude")
say(
    "clean(tz=Chicago) on the night trip",
    lambda: trajlm.clean(night, tz="America/Chicago", **cols)[0],
)
say(
    "clean(tz=) on epoch numbers",
    lambda: trajlm.clean(
        night.assign(local_time=np.arange(60) * 30 + 1_793_000_000), tz="America/Chicago", **cols
    )[0],
)
say("clean(tz='Mars/Olympus')", lambda: trajlm.clean(night, tz="Mars/Olympus", **cols)[0])
say(
    "clean(tz=) spring-forward gap (02:30 on 8 March)",
    lambda: trajlm.clean(
        night.assign(
            local_time=pd.date_range("2026-03-08 01:50", periods=60, freq="30s").strftime(
                "%Y-%m-%d %H:%M:%S"
            )
        ),
        tz="America/Chicago",
        **cols,
    )[0],
)
say(
    "to_canonical: text with mixed zone / naive rows",
    lambda: trajlm.to_canonical(
        night.assign(
            local_time=[t + ("Z" if i % 2 else "") for i, t in enumerate(night.local_time)]
        ),
        tz="America/Chicago",
        **cols,
    ),
)
say(
    "predict on naive text going back an hour (no tz)",
    lambda: lm.predict(
        night.rename(columns={"latitude": "lat", "longitude": "lon"}),
        steps=1,
        traj_col="trip_id",
        time_col="local_time",
    ),
)
say(
    "text 12-hour '01:15:00 AM' with tz",
    lambda: trajlm.to_canonical(
        night.assign(
            local_time=pd.to_datetime(night.local_time).dt.strftime("%m/%d/%Y %I:%M:%S %p")
        ),
        tz="America/Chicago",
        **cols,
    ),
)

# travel-time baselines
from trajlm.baselines import DistanceOverMeanSpeed, LinearRegressionTTE  # noqa: E402

trips = pd.concat(
    [
        _night_trip()
        .assign(
            trip_id=f"T{k}",
            local_time=lambda d, k=k: (
                pd.to_datetime(d.local_time) + pd.Timedelta(days=k + 2)
            ).astype(str),
        )
        .iloc[: 20 + k]
        for k in range(12)
    ],
    ignore_index=True,
)
fitted = LinearRegressionTTE().fit(trips, **cols)
say(
    "TTE predict with other column names than fit",
    lambda: fitted.predict(
        trips.rename(columns={"trip_id": "tid"}),
        traj_col="tid",
        time_col="local_time",
        lat_col="latitude",
        lon_col="longitude",
    )[:3],
)
say(
    "TTE predict: fit's columns missing from the frame",
    lambda: fitted.predict(trips.rename(columns={"trip_id": "tid"}))[:3],
)
say("TTE predict: a bogus keyword", lambda: fitted.predict(trips, colour="red")[:3])
say(
    "TTE predict: one-point trips",
    lambda: fitted.predict(trips.groupby("trip_id").head(1), **cols)[:3],
)
say("TTE predict: empty frame", lambda: fitted.predict(trips.head(0), **cols))
say("TTE unfitted predict", lambda: DistanceOverMeanSpeed().predict(trips, **cols)[:3])
print("done", say.n)
