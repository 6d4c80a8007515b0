"""Session 27 new-user walk: a transport-planning student's Python path with a smartphone
travel-survey export (gen_survey.py), as README and docs/api.md give it: read the CSV in local
time -> clean -> each trip's travel time -> predicted travel times from a baseline and from
trajlm-small's answer -> the trips' next positions. Prints what the student checks: rows,
durations (the trip that crosses the end of daylight time included), engines, warnings.

Command: PYTHONPATH=. python scripts/newuser27/walk_survey.py [OUT_DIR]
(OUT_DIR default: $NEWUSER27_OUT or /tmp/newuser27; reads OUT_DIR/survey.csv; writes nothing.)
"""

import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import trajlm

ZONE = "America/Chicago"


def said(call):
    """call(), then its warnings as the student sees them (one line each, cut at 160 chars)."""
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        out = call()
    for w in seen:
        print(f"   [{w.category.__name__}] {str(w.message)[:160]}")
    return out


def main(out: Path) -> None:
    df = pd.read_csv(out / "survey.csv")
    cols = dict(traj_col="trip_id", time_col="local_time", tz=ZONE)
    print("1. clean(df, traj_col='trip_id', time_col='local_time', tz=ZONE)")
    clean, report = said(lambda: trajlm.clean(df, **cols))
    print(
        f"   {len(df)} rows in, {len(clean)} back; dropped {dict(report.dropped)}; "
        f"repaired {dict(report.repaired)}; local_time dtype {clean['local_time'].dtype}"
    )
    try:  # without tz=: the night trip's repeated hour (session 27: was re-sorted, unsaid)
        trajlm.clean(df, traj_col="trip_id", time_col="local_time")
        print("   without tz=: accepted")
    except trajlm.TrajlmInputError as e:
        print(f"   without tz=: refused: {str(e)[:200]}")
    print("2. each trip's travel time (pandas on the cleaned frame, in the zone)")
    t = pd.to_datetime(clean["local_time"])
    if t.dt.tz is None:
        t = t.dt.tz_localize(ZONE, ambiguous="NaT")
    trips = clean.assign(t=t).groupby("trip_id").agg(
        start=("t", "min"), end=("t", "max"), mode=("travel_mode", "first"),
        o_lat=("latitude", "first"), o_lon=("longitude", "first"),
        d_lat=("latitude", "last"), d_lon=("longitude", "last"))  # fmt: skip
    trips["minutes"] = (trips.end - trips.start).dt.total_seconds() / 60
    print(
        f"   {len(trips)} trips; median minutes by mode "
        f"{trips.groupby('mode').minutes.median().round(1).to_dict()}; "
        f"P07-T022 (across 01:00 on 1 Nov) {trips.loc['P07-T022', 'minutes']:.1f} min"
    )
    print("3. TrajLM.from_pretrained('trajlm-small').travel_time(...)")
    m = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
    test = trips.iloc[::5]
    try:
        m.travel_time(test[["o_lat", "o_lon"]].to_numpy(), test[["d_lat", "d_lon"]].to_numpy(),
                      test.start.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy())  # fmt: skip
    except (trajlm.TrajlmInputError, ValueError) as e:
        print(f"   refused: {str(e)[:300]}")
    print("4. the hint: GradientBoostingTTE().fit(past trips' points).predict(trips' points)")
    from trajlm.baselines import DistanceOverMeanSpeed, GradientBoostingTTE

    tr_ids = set(trips.index[trips.index.isin(trips.index[::5])])
    past = clean[~clean.trip_id.isin(tr_ids)]
    asked = clean[clean.trip_id.isin(tr_ids)]
    for est in (GradientBoostingTTE(), DistanceOverMeanSpeed()):
        t0 = time.time()
        try:
            pred = said(lambda e=est: e.fit(past, **cols).predict(asked, **cols))
            truth = trips.loc[sorted(tr_ids), "minutes"].to_numpy() * 60
            pred = np.asarray(pred, dtype=float)
            print(
                f"   {type(est).__name__}: {len(pred)} answers, MAE "
                f"{np.mean(np.abs(pred - truth)) / 60:.2f} min over {len(truth)} trips "
                f"({time.time() - t0:.1f} s)"
            )
        except Exception as e:  # noqa: BLE001 (the walk records what a user meets)
            print(f"   {type(est).__name__}: {type(e).__name__}: {str(e)[:300]}")
    print("5. predict each participant 5 minutes ahead (person_id keyed, latest piece)")
    frame = clean.drop(columns=["trip_id"])
    pred = said(lambda: m.predict(frame, seconds_ahead=[300], latest=True,
                                  time_col="local_time", tz=ZONE))  # fmt: skip
    print(
        f"   {len(pred)} rows, columns {list(pred.columns)}, time dtype "
        f"{pred['local_time'].dtype}, engine {m.last_engine}"
    )


if __name__ == "__main__":
    main(
        Path(
            sys.argv[1] if len(sys.argv) > 1 else os.environ.get("NEWUSER27_OUT", "/tmp/newuser27")
        )
    )
