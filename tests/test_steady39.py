"""steady39's study scripts: the offline rule search is exact and picks what it says."""

from __future__ import annotations

import numpy as np
import pandas as pd
from helpers import load_script

rules = load_script("steady39", "rules.py")
dump = load_script("steady39", "dump.py")
cuts = load_script("steady39", "geolife_val_cuts.py")


def _rows(h: list[int], spread: list[float], turn: list[float]) -> pd.DataFrame:
    """Rows whose CV answer runs east 10 m a step from (0, 0), the model's 6 m a step, the
    truth 8 m a step."""
    d = {"h": h, "spread": spread, "mean_turn": turn}
    for s in range(5):
        d[f"cvx{s}"], d[f"cvy{s}"] = [10.0 * (s + 1)] * len(h), [0.0] * len(h)
        d[f"mx{s}"], d[f"my{s}"] = [6.0 * (s + 1)] * len(h), [0.0] * len(h)
        d[f"tx{s}"], d[f"ty{s}"] = [8.0 * (s + 1)] * len(h), [0.0] * len(h)
    return pd.DataFrame(d)


def test_apply_rescales_the_deviation_from_constant_velocity() -> None:
    d = _rows([5], [0.0], [0.0])
    assert np.allclose(rules.mae(rules.apply(d, np.array([0.0])), "m"), rules.mae(d, "cv"))
    assert np.allclose(rules.mae(rules.apply(d, np.array([1.0])), "m"), rules.mae(d, "m"))
    quarter = rules.apply(d, np.array([0.25]))  # 10 - 0.25 * 4 = 9 m a step: 1 m a step off
    assert np.allclose(quarter.mx4, 45.0)
    assert np.allclose(rules.mae(quarter, "m"), 3.0)  # mean of 1, 2, 3, 4, 5 m


def test_r39_acts_on_steady_histories_of_3_to_10_fixes_only() -> None:
    d = _rows(
        [2, 3, 10, 11, 20, 5, 5], [0.1, 0.1, 0.4, 0.1, 0.1, 0.41, 0.1], [0, 5, 20, 0, 0, 0, 21]
    )
    f = rules.rules()["R39"](d)
    assert f.tolist() == [1.0, 0.25, 0.25, 1.0, 1.0, 1.0, 1.0]


def test_features_tell_a_steady_line_from_stop_and_go_and_a_zigzag() -> None:
    t = np.arange(6) * 10.0
    line = dump.features(np.arange(6) * 50.0, np.zeros(6), t)
    assert line["spread"] < 1e-9 and line["mean_turn"] < 1e-9 and abs(line["straight"] - 1) < 1e-9
    stop = dump.features(np.array([0, 50, 100, 101, 102, 150.0]), np.zeros(6), t)
    assert stop["spread"] > 0.5
    zig = dump.features(np.arange(6) * 50.0, np.array([0, 30, 0, 30, 0, 30.0]), t)
    assert zig["mean_turn"] > 45 and zig["straight"] < 0.9


def test_cuts_are_non_overlapping_25_fix_windows_and_thinning_keeps_the_gap() -> None:
    pts = pd.DataFrame(
        {"traj_id": ["a"] * 60, "t": np.arange(60) * 15, "lat": 40.0, "lon": 116.0, "label": None}
    )
    wins = cuts.windows(pts)
    assert [len(w) for w in wins] == [25, 25]
    assert wins[1].t.iloc[0] == 25 * 15
    thin = cuts.thin(pts, 55)
    assert (np.diff(thin.t) >= 55).all() and thin.t.iloc[0] == 0
