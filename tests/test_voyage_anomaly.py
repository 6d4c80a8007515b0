"""Session 16 (voyage): "went dark", a reporting gap while under way, is named by
`trajlm anomalies` (the gap split cuts it out of every trajectory, so no score saw it)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from test_reason_anomaly import _tiny_model, straight

from trajlm.data.clean import PRESETS, clean
from trajlm.data.features import LocalProjection
from trajlm.reason import AnomalyDetector
from trajlm.reason.anomaly_gaps import dark_gaps

T0 = 1_700_000_000
PROJ = LocalProjection(45.07, 7.69)


def silent(v_dark: float = 10.0, v: float = 10.0, gap_s: int = 2400) -> pl.DataFrame:
    """One mover east at `v` m/s, a fix every 10 s for 10 min, silent `gap_s` s while it
    covers v_dark * gap_s metres, then 10 more minutes: the default preset cuts it in two."""
    t1 = np.arange(60) * 10
    x1 = t1 * v
    t2 = t1[-1] + gap_s + np.arange(60) * 10
    x2 = x1[-1] + v_dark * gap_s + (t2 - t2[0]) * v
    t, x = np.r_[t1, t2], np.r_[x1, x2]
    lat, lon = PROJ.inverse(x, np.zeros(len(x)))
    df = pl.DataFrame({"traj_id": "ship", "t": T0 + t, "lat": lat, "lon": lon})
    return clean(df, PRESETS["default"])[0]


def test_went_dark_names_the_gap_its_length_distance_and_speed():
    pts = silent()
    assert pts["traj_id"].unique().sort().to_list() == ["ship_0", "ship_1"]
    gaps = dark_gaps(pts)
    assert len(gaps) == 1
    g = gaps.row(0, named=True)
    assert g["traj_id"] == "ship_0" and g["next_traj_id"] == "ship_1"
    assert g["gap_s"] == 2400 and g["distance_m"] == pytest.approx(24_000, rel=0.01)
    assert g["implied_speed_mps"] == pytest.approx(10.0, rel=0.01)
    text = g["explanation"]
    assert text.startswith("went dark 40 min from ") and "24.0 km away as 'ship_1'" in text
    assert "36 km/h, 19.4 kn" in text  # speed before and implied, km/h and knots


def test_a_parked_mover_that_stops_reporting_did_not_go_dark():
    parked = silent(v_dark=0.0, v=0.0)
    assert len(dark_gaps(parked)) == 0
    # stopped before the gap, but reappeared 24 km away: it moved while silent
    assert len(dark_gaps(silent(v_dark=10.0, v=0.0))) == 1


def test_pieces_of_an_older_store_pair_by_their_ids():
    pts = silent().drop("source_traj_id")
    assert len(dark_gaps(pts)) == 1
    assert len(dark_gaps(pts.with_columns(traj_id=pl.lit("x") + pl.col("traj_id")))) == 1
    # one id for both: one trajectory, its silence found inside it (session 18), not a pair
    one = dark_gaps(pts.with_columns(traj_id=pl.lit("nosuffix")))
    assert one["next_traj_id"].to_list() == ["nosuffix"] and "away as" not in one["explanation"][0]
    # buses "bus_1" .. "bus_3" of one line, the first two on the road at the same time: no
    # pieces of one track (bus_2 -> bus_3 alone would read as a 19-min gap at 32 m/s)
    one = silent().drop("source_traj_id")
    buses = pl.concat([one.with_columns(traj_id=pl.lit(f"bus_{k}"), t=pl.col("t") + shift)
                       for k, shift in ((1, 0), (2, 300), (3, 5000))])  # fmt: skip
    gaps = dark_gaps(buses)  # each bus's own 40-min silence inside it (session 18), no pair
    assert (gaps["next_traj_id"] == gaps["traj_id"]).all() and len(gaps) == 3


def test_detector_table_has_the_went_dark_kind():
    model = _tiny_model()
    normal = straight(n_traj=12, n=40)
    with pytest.warns(UserWarning, match="flags nothing"):
        det = AnomalyDetector(model, horizon=3, score="rollout").fit(normal)
    out = det.score(silent())
    row = out.filter(pl.col("traj_id") == "ship_0").row(0, named=True)
    assert row["dark_gap_s"] == 2400
    assert row["kind"] == "went_dark" and row["explanation"].startswith("went dark 40 min")
    other = out.filter(pl.col("traj_id") == "ship_1").row(0, named=True)
    assert other["dark_gap_s"] is None and other["kind"] != "went_dark"
