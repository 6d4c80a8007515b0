"""fleetfix28: a gap at a standstill is held between its ends, not bridged
(trajlm/tasks/recover_stopped.py)."""

from __future__ import annotations

import numpy as np
from test_recover_bridge import curve, tiny

from trajlm.data.features import LocalProjection
from trajlm.tasks.recover_bridge import bridge_xy, linear_xy
from trajlm.tasks.recover_stopped import hold_stops, stopped_gaps


def test_stopped_gaps_need_both_ends_one_place_and_a_standstill():
    xy = np.array([[0.0, 0.0], [5.0, 0.0], [100.0, 0.0], [0.0, 0.0], [3.0, 0.0]])
    t = np.array([0, 300, 400, 401, 403])
    pn = np.array([[0, 1], [1, 2], [-1, 0], [3, 4]])
    # 5 m in 300 s: held; 95 m: moving; one end only: not; 3 m in 2 s (1.5 m/s): a walker
    assert stopped_gaps(xy, t, pn).tolist() == [True, False, False, False]
    assert not stopped_gaps(xy, t, pn, radius_m=0.0).any()  # off


def test_bridge_holds_a_parked_gap_and_still_bridges_a_moving_one():
    t, ll = curve(n=30)
    proj = LocalProjection(41.15, -8.61)
    xy = np.stack(proj.forward(ll[:, 0], ll[:, 1]), 1)
    # parked: rows 12..20 at row 11's place, row 21 there too (GPS noise 2 m), then it drives on
    xy[12:22] = xy[11] + [2.0, 0.0]
    t[12:] += 600  # a 10-min stop
    known = np.ones(30, bool)
    known[12:21] = False  # the parked gap: ends rows 11 and 21, 2 m apart
    known[24:27] = False  # a moving gap
    groups = np.zeros(30, np.int64)
    line = linear_xy(xy, t, known, groups)
    off = bridge_xy(tiny(3.0), xy, t, known, groups, proj)
    held = bridge_xy(tiny(3.0), xy, t, known, groups, proj, "bridge", "known", 0.0, 15.0)
    np.testing.assert_allclose(held[12:21], line[12:21])  # within 2 m of where it stood
    assert np.abs(off[12:21] - line[12:21]).max() > 1.0  # without the rule a garbage model strays
    np.testing.assert_allclose(held[24:27], off[24:27])  # the moving gap is the bridge's
    # after the guard / a fallback (an overshooting interpolation): the stop put back on the line
    fixed, n, gaps = hold_stops(off, xy, t, known, groups)
    assert (n, gaps) == (9, 1)  # nine rows of one parked gap
    np.testing.assert_allclose(fixed[12:21], line[12:21])
    np.testing.assert_array_equal(fixed[24:27], off[24:27])


def test_warnings_name_a_vehicle_piece_in_the_callers_words():
    from types import SimpleNamespace

    import polars as pl

    from trajlm.api_checks import id_said
    from trajlm.data.schema import SOURCE_ID

    pieces = pl.DataFrame({"traj_id": ["VAN-102_2"], SOURCE_ID: ["VAN-102"], "piece": [2]})
    said = id_said(SimpleNamespace(traj_dtype=pl.Utf8, traj_col="vehicle_id", pieces=pieces))
    assert said("VAN-102_2") == "'VAN-102', piece 2"
    assert said("other") == "'other'"  # not a piece: as before
    assert id_said(SimpleNamespace(traj_dtype=pl.Int64))("7") == "7"
