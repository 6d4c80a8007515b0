"""Session 31 (gate31): the coverage gate's speed range on feeds with long stops.

The gate judged a history's median speed against whole training tracks' medians: a model trained
on vessels that spend hours moored got a high end at the berth's drift and kept ~1 % of its
correction for its own vessels at sea (vessel30). Windows of the model's max_len points have the
movers' high end but a low end near 0 m/s (a taxi waiting at a rank), so a still history went
unwarned on CI's rebuilt trajlm-small (test_usertest_ux3). ``speed_reference``: the tracks'
range, its high end the windows' where the tracks' misses the windows' movers (windows' p95
above tracks' p99); the gate and its warning read that one range.
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import torch

from trajlm.data.features import LocalProjection
from trajlm.model.coverage import coverage_warnings
from trajlm.model.coverage_gate import gate_ranges, gate_table, speed_reference
from trajlm.model.scale import gate_from_coverage

# trajlm-small's rebuilt record (rounded): windows reach a little lower and higher than tracks
TRACKS = {"p1": 0.044, "p5": 0.147, "p50": 6.64, "p95": 16.0, "p99": 22.2}
WINDOWS = {"p1": 0.0165, "p5": 0.128, "p50": 5.74, "p95": 17.0, "p99": 24.2}
DT = {"p1": 2.0, "p5": 3.0, "p50": 15.0, "p95": 23.0, "p99": 30.0}
COV = {"traj_speed_mps": TRACKS, "window_speed_mps": WINDOWS, "dt_s": DT}
# newuser30's vessels (a run's record, rounded): tracks' medians are in, berth and out
SHIP_TRACKS = {"p1": 1.74, "p5": 1.85, "p50": 2.23, "p95": 5.38, "p99": 5.95}
SHIP_WINDOWS = {"p1": 0.10, "p5": 0.12, "p50": 4.68, "p95": 6.71, "p99": 6.87}
SHIPS = {"traj_speed_mps": SHIP_TRACKS, "window_speed_mps": SHIP_WINDOWS, "dt_s": DT}
PROJ = LocalProjection(41.15, -8.61)


def track(v: float, name: str = "a", dt: float = 15.0, n: int = 12) -> pl.DataFrame:
    d = v * dt * np.arange(n)
    return pl.DataFrame({
        "traj_id": name, "t": (1_372_665_600 + dt * np.arange(n)).astype(np.int64),
        "lat": 41.15 + d / 111_320, "lon": -8.61 + 0 * d,
    })  # fmt: skip


def test_the_windows_high_end_where_the_tracks_miss_it():
    ref = speed_reference(SHIPS)
    assert (ref["p1"], ref["p5"]) == (SHIP_TRACKS["p1"], SHIP_TRACKS["p5"])
    assert (ref["p95"], ref["p99"]) == (SHIP_WINDOWS["p95"], SHIP_WINDOWS["p99"])
    assert gate_ranges(SHIPS)["traj_speed_mps"] == (SHIP_TRACKS["p5"], SHIP_WINDOWS["p95"])
    # trajlm-small: the windows' 95th (17.0) inside the tracks' 99th (22.2): tracks, as before
    assert speed_reference(COV) == TRACKS
    # a record without windows (checkpoints trained before session 30) reads tracks as before
    assert speed_reference({"traj_speed_mps": TRACKS}) is TRACKS


def test_the_model_gates_where_the_warning_reads():
    """scale.py's gate and the warning's table give one factor on both ends of the range."""
    speeds = [0.5, 1.8, 3.0, 6.0, 6.7, 20.0]
    df = pl.concat([track(v, f"v{k}") for k, v in enumerate(speeds)])
    t = gate_table(SHIPS, df, PROJ)
    g = gate_from_coverage(SHIPS, torch.tensor(t["speed_mps"].to_numpy()),
                           torch.tensor(t["dt_s"].to_numpy()))  # fmt: skip
    np.testing.assert_allclose(g.numpy(), t["g"].to_numpy(), rtol=1e-9)
    kept = dict(zip(t["traj_id"], t["g_speed_mps"], strict=True))
    assert kept["v3"] == 1.0 and kept["v4"] == 1.0  # at sea: above tracks' p95, inside windows'
    assert kept["v0"] < 0.3 and kept["v1"] < 1 and kept["v5"] < 0.4
    # the line says where its high end comes from
    line = [s for s in coverage_warnings(SHIPS, track(20.0)) if s.startswith("median speed")]
    assert len(line) == 1 and "1.85-6.71 m/s" in line[0], line
    assert "the high end: of training windows" in line[0], line


def test_a_still_history_is_gated_and_told():
    """ux3 on CI's rebuilt record: 0.02 m/s is above the windows' 1st percentile (0.0165) but
    far below the tracks' (0.044): the gate shrinks the answer and the user is told so."""
    lines = coverage_warnings({"coverage": COV, "coverage_gate": "speed"}, track(0.02))
    speed = [s for s in lines if s.startswith("median speed")]
    assert len(speed) == 1 and "keeps" in speed[0] and "constant velocity" in speed[0], lines
    assert "0.147-16 m/s (5th-95th percentile" in speed[0], speed
    assert "windows" not in speed[0], speed
    # a taxi inside the range: silent and ungated
    assert not coverage_warnings({"coverage": COV, "coverage_gate": "speed"}, track(8.0))
    assert math.isclose(gate_table(COV, track(8.0), PROJ)["g"][0], 1.0)
