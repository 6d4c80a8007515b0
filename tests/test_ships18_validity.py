"""Session 18 (ships18): check_validity on AIS a compliance analyst sees: a frozen position while
the log says the ship moves, two ships taking turns on one MMSI, a glitch whose step in passes."""

from __future__ import annotations

import numpy as np
import pandas as pd
from test_sogcog import _ship

import trajlm

KN = 0.514444


def _codes(points: pd.DataFrame) -> dict:
    return points["reason_code"].value_counts().to_dict()


def test_a_frozen_position_while_the_log_says_12_kn_is_flagged_and_the_release_is_not():
    """A transponder repeating one fix for 15 min while SOG says 12 kn: every repeat is
    ``frozen`` (the first fix of the stretch is real), and the fix that ends it is measured
    from the stretch's start (it agrees with the reports: no teleport)."""
    ship = _ship(1, 12.0, 10.0, 40.0, noise_m=4.0)
    stuck = slice(60, 150)  # rows 60..149: minutes 10-25
    ship.loc[ship.index[stuck], ["LAT", "LON"]] = ship.loc[60, ["LAT", "LON"]].to_numpy()
    p = trajlm.check_validity(ship, mode="vessel")
    bad = p.index[~p["valid"]].tolist()
    assert bad == list(range(61, 150)), (bad[:5], bad[-5:], _codes(p))
    assert set(p.loc[bad, "reason_code"]) == {"frozen"}
    assert "12.0 kn" in p.loc[100, "reason"] and "frozen" in p.loc[100, "reason"]
    assert p.loc[150, "valid"], p.loc[150, "reason"]  # the release: measured from row 60
    assert p.loc[61, "score"] < 0.2

    # the same in m/s (sog_mps), and per trajectory
    mps = ship.rename(columns={"SOG": "sog_mps"}).assign(sog_mps=12.0 * KN)
    per = trajlm.check_validity(mps, mode="vessel", per="trajectory")
    assert per["n_invalid"].iloc[0] == 89 and per["reason_code"].iloc[0] == "frozen"


def test_not_frozen_at_anchor_moored_slow_or_without_reports():
    """Controls: a moored ship (SOG 0) repeating its fix, a ship at anchor reporting 0.4 kn
    every 3 min with positions rounded to 3 decimals, a short repeat of 3 s at 12 kn (under
    50 m expected), and the frozen ship without its SOG column: nothing frozen."""
    moored = _ship(2, 0.0, 10.0, 30.0, noise_m=0.0)
    anchor = _ship(3, 0.4, 180.0, 180.0, noise_m=3.0).round({"LAT": 3, "LON": 3})
    fast = _ship(4, 12.0, 3.0, 10.0, noise_m=2.0)
    fast.loc[41, ["LAT", "LON"]] = fast.loc[40, ["LAT", "LON"]].to_numpy()
    for df in (moored, anchor, fast):
        p = trajlm.check_validity(df, mode="vessel")
        assert "frozen" not in set(p["reason_code"]), _codes(p)
    ship = _ship(1, 12.0, 10.0, 20.0)
    ship.loc[ship.index[60:90], ["LAT", "LON"]] = ship.loc[60, ["LAT", "LON"]].to_numpy()
    p = trajlm.check_validity(ship.drop(columns=["SOG"]), mode="vessel")
    assert "frozen" not in set(p["reason_code"])  # positions alone: a stop, not a fault


def test_two_ships_taking_turns_on_one_mmsi_are_flagged_not_hidden():
    """A cloned MMSI: two ships 30 km apart report in turns. Before, only the first jump was
    flagged (every later point was measured from two rows back: 1 of 240); one lone outlier
    is still blamed alone."""
    a = _ship(7, 12.0, 10.0, 20.0, seed=1)
    b = _ship(7, 12.0, 10.0, 20.0, seed=2, lat0=36.37, cog=60.0)
    b["BaseDateTime"] += pd.Timedelta(seconds=5)
    clone = pd.concat([a, b]).sort_values("BaseDateTime", ignore_index=True)
    p = trajlm.check_validity(clone, mode="vessel")
    assert (~p["valid"]).mean() > 0.9, _codes(p)
    assert (p.loc[~p["valid"], "reason_code"] == "teleport").all()

    lone = a.copy()
    lone.loc[50, ["LAT", "LON"]] = [36.37, -5.2]
    p = trajlm.check_validity(lone, mode="vessel")
    assert p.index[~p["valid"]].tolist() == [50], _codes(p)
    for df in (a, b):  # each ship alone is clean
        assert trajlm.check_validity(df, mode="vessel")["valid"].all()


def test_the_glitch_is_blamed_when_its_step_in_passes_and_its_step_out_fails():
    """A class-B craft at 7 kn, 30-s reports, one fix 300 m north of a south-east track: the
    step into it (~7.9 m/s) is under the threshold, the step back (~12.8 m/s) over it. Before,
    the good fix after it was blamed; now the glitch is, and its neighbours pass."""
    ship = _ship(9, 7.0, 30.0, 60.0, cog=135.0, noise_m=3.0, seed=4)
    ship.loc[60, "LAT"] += 300 / 111_195
    p = trajlm.check_validity(ship, mode="vessel")
    assert p.index[~p["valid"]].tolist() == [60], (p.index[~p["valid"]].tolist(), _codes(p))
    assert p.loc[60, "reason_code"] == "reported_speed"
    assert "7.0 kn here" in p.loc[60, "reason"]
    np.testing.assert_allclose(p.loc[61, "speed_mps"], 7.0 * KN, atol=0.5)  # measured from 59


def test_a_frozen_position_in_dense_reports_is_judged_on_the_run():
    """A 30-kn ferry at 2-s reports moves 31 m a step (under the 50 m one step must imply): a
    2-min freeze is judged on its run of still steps (60 steps, ~1.9 km implied). Injected
    into generated seas (60 stretches each, 1-15 min): every frozen report with SOG >= 2 kn at
    both ends caught, none elsewhere (was 30-37 % with the per-step rule)."""
    ferry = _ship(11, 30.0, 2.0, 10.0, noise_m=4.0)
    ferry.loc[ferry.index[100:160], ["LAT", "LON"]] = ferry.loc[100, ["LAT", "LON"]].to_numpy()
    p = trajlm.check_validity(ferry, mode="vessel")
    bad = p.index[~p["valid"]].tolist()
    assert bad == list(range(101, 160)), (bad[:4], bad[-4:], _codes(p))
    assert trajlm.check_validity(_ship(11, 30.0, 2.0, 10.0, noise_m=4.0), mode="vessel")[
        "valid"
    ].all()


def test_a_stale_speed_report_at_the_berth_is_flagged_through_gps_noise():
    """A moored ship whose log is stuck at 10 kn, 10-s reports with 4 m of GPS noise: steps of
    ~6 m against 51 m implied (over 10 % of it now and then: the per-step 10 % rule missed
    most). A lone short step (a glitch that lands a fix where the next one falls) stays
    judged at 10 %."""
    stuck = _ship(12, 0.0, 10.0, 30.0, noise_m=4.0).assign(SOG=10.0)
    p = trajlm.check_validity(stuck, mode="vessel")
    assert (p["reason_code"] == "frozen").mean() > 0.8, _codes(p)  # 162 of 181 (main: 0)
    assert "stale speed report" in p.loc[p["reason_code"] == "frozen", "reason"].iloc[0]
