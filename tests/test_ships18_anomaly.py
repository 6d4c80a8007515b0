"""Session 18 (ships18): anomaly explanations a port authority reads: a frozen transponder is
said as frozen (not as the jump that ends it), a silence inside one trajectory (a CSV scored as
it is) is "went dark", the console does not break a path across lines."""

from __future__ import annotations

import numpy as np
import polars as pl
from test_reason_anomaly import _tiny_model, straight
from test_ships17 import _canon
from test_sogcog import _ship

from trajlm.reason import AnomalyDetector
from trajlm.reason.anomaly_gaps import dark_gaps
from trajlm.reason.explain import explain_one

USUAL = {"speed_p50_mps": 6.0, "speed_p99_mps": 8.0, "speed_p999_mps": 9.0, "step_p99_m": 80.0,
         "dt_p50_s": 10.0, "stop_p50_s": 30.0, "stop_p95_s": 120.0}  # fmt: skip


def _frozen_ship() -> pl.DataFrame:
    ship = _ship(1, 12.0, 10.0, 40.0, noise_m=4.0)
    ship.loc[ship.index[60:150], ["LAT", "LON"]] = ship.loc[60, ["LAT", "LON"]].to_numpy()
    return _canon(ship)


def test_a_frozen_transponder_is_explained_as_frozen_not_as_the_jump_that_ends_it():
    df = _frozen_ship()
    t, lat, lon = (df[c].to_numpy() for c in ("t", "lat", "lon"))
    rep = np.full(len(df), 12.0 * 0.514444)
    kind, text = explain_one(t, lat, lon, 140, 150, USUAL, knots=True, reported=rep)
    assert kind == "frozen", text
    assert text.startswith("position frozen 15 min from 12:10 UTC") and "12.0 kn" in text
    assert "moved it 5.5 km" in text  # 89 steps of 10 s at 12 kn
    # without the reports (positions alone): the jump, as before
    assert explain_one(t, lat, lon, 140, 150, USUAL, knots=True)[0] == "jump"
    # a frozen stretch away from the worst segment is not its explanation
    assert explain_one(t, lat, lon, 200, 220, USUAL, knots=True, reported=rep)[0] != "frozen"


def test_a_silence_inside_one_trajectory_is_went_dark():
    """A CSV is scored unsplit: a 40-min silence at 12 kn inside one vessel's rows was read as
    one 15-km leg ("moved unlike usual"); a moored ship's silence is not dark."""
    ship = _ship(5, 12.0, 10.0, 90.0)
    t = (ship.BaseDateTime - ship.BaseDateTime.iloc[0]).dt.total_seconds()
    dark = _canon(ship[(t < 1800) | (t > 4200)])
    gaps = dark_gaps(dark)
    assert len(gaps) == 1
    g = gaps.row(0, named=True)
    assert g["traj_id"] == g["next_traj_id"] == "5" and g["gap_s"] == 2420
    assert g["explanation"].startswith("went dark 40 min from 12:29 UTC")
    assert "reappeared 14.9 km away, " in g["explanation"] and "as '" not in g["explanation"]

    moored = _ship(6, 0.0, 10.0, 90.0, noise_m=2.0)
    tm = (moored.BaseDateTime - moored.BaseDateTime.iloc[0]).dt.total_seconds()
    assert len(dark_gaps(_canon(moored[(tm < 1800) | (tm > 4200)]))) == 0
    assert len(dark_gaps(_canon(ship))) == 0  # no silence: nothing
    short = _canon(ship[(t < 1800) | (t > 2900)])  # 18 min: shorter than ingest's split
    assert len(dark_gaps(short)) == 0


def test_detector_names_an_inner_silence_once_with_its_longest_gap():
    """Two silences in one trajectory: one row, the longer gap; a flagged trajectory keeps its
    kind."""
    model = _tiny_model()
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        det = AnomalyDetector(model, horizon=3, score="rollout").fit(straight(n_traj=12, n=40))
    x = np.r_[np.arange(40), 40 + 2400 // 10 + np.arange(40), 320 + 4000 // 10 + np.arange(40)]
    lat = 45.07 + np.zeros(len(x))
    lon = 7.69 + x * 100.0 / 78_700.0  # 10 m/s east
    t = 1_700_000_000 + x * 10
    pts = pl.DataFrame({"traj_id": "v", "t": t, "lat": lat, "lon": lon})
    out = det.score(pts)
    assert len(out) == 1
    assert out["dark_gap_s"][0] == 4010 and "went dark 67 min" in out["explanation"][0]


def test_a_speed_explanation_names_the_report_when_the_log_says_far_slower():
    """A class-B craft at 7 kn with one fix 300 m off: "moved at 45 km/h, 24.5 kn ... 1.5x
    the usual top speed" now adds what its own log said (7.0 kn: a position glitch); the
    sentence is unchanged without reports."""
    ship = _ship(9, 7.0, 30.0, 60.0, cog=135.0, noise_m=3.0, seed=4)
    ship.loc[60, "LAT"] += 300 / 111_195
    df = _canon(ship)
    t, lat, lon = (df[c].to_numpy() for c in ("t", "lat", "lon"))
    usual = dict(USUAL, speed_p99_mps=4.0, speed_p999_mps=20.0, step_p99_m=500.0)
    rep = np.full(len(df), 7.0 * 0.514444)
    kind, text = explain_one(t, lat, lon, 58, 62, usual, knots=True, reported=rep)
    assert kind == "speed" and text.endswith("while reporting 13 km/h, 7.0 kn (a position glitch)")
    kind, plain = explain_one(t, lat, lon, 58, 62, usual, knots=True)
    assert kind == "speed" and "reporting" not in plain
