"""Session 31 (gate31): the coverage gate's speed range on feeds with long stops.

The gate judged a history's median speed against whole training tracks' medians: a model trained
on vessels that spend hours moored got a high end at the berth's drift and kept ~1 % of its
correction for its own vessels at sea (vessel30). Windows of the model's max_len points have the
right high end but a low end near 0 m/s (a taxi waiting at a rank), so a still history went
unwarned on CI's rebuilt trajlm-small (test_usertest_ux3). ``speed_reference`` takes each end
where it says what the model saw moving: the low end from tracks, the high end the higher of
the two; the gate and its warning read that one range.
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

# trajlm-small's rebuilt record (rounded): windows reach lower and higher than whole tracks
TRACKS = {"p1": 0.044, "p5": 0.147, "p50": 6.64, "p95": 16.0, "p99": 22.2}
WINDOWS = {"p1": 0.0165, "p5": 0.128, "p50": 5.74, "p95": 17.0, "p99": 24.2}
DT = {"p1": 2.0, "p5": 3.0, "p50": 15.0, "p95": 23.0, "p99": 30.0}
COV = {"traj_speed_mps": TRACKS, "window_speed_mps": WINDOWS, "dt_s": DT}
PROJ = LocalProjection(41.15, -8.61)


def track(v: float, name: str = "a", dt: float = 15.0, n: int = 12) -> pl.DataFrame:
    d = v * dt * np.arange(n)
    return pl.DataFrame({
        "traj_id": name, "t": (1_372_665_600 + dt * np.arange(n)).astype(np.int64),
        "lat": 41.15 + d / 111_320, "lon": -8.61 + 0 * d,
    })  # fmt: skip


def test_low_end_from_tracks_high_end_the_higher():
    ref = speed_reference(COV)
    assert (ref["p1"], ref["p5"]) == (TRACKS["p1"], TRACKS["p5"])
    assert (ref["p95"], ref["p99"]) == (WINDOWS["p95"], WINDOWS["p99"])
    # windows lower at the high end (a feed of short trips): the tracks' end stays
    low = {**COV, "window_speed_mps": {**WINDOWS, "p95": 10.0, "p99": 12.0}}
    assert speed_reference(low) == TRACKS
    # a record without windows (checkpoints trained before session 30) reads tracks as before
    assert speed_reference({"traj_speed_mps": TRACKS}) is TRACKS
    assert gate_ranges(COV)["traj_speed_mps"] == (TRACKS["p5"], WINDOWS["p95"])


def test_the_model_gates_where_the_warning_reads():
    """scale.py's gate and the warning's table give one factor on both ends of the range."""
    speeds = [0.02, 0.1, 1.0, 16.5, 17.0, 30.0]
    df = pl.concat([track(v, f"v{k}") for k, v in enumerate(speeds)])
    t = gate_table(COV, df, PROJ)
    g = gate_from_coverage(COV, torch.tensor(t["speed_mps"].to_numpy()),
                           torch.tensor(t["dt_s"].to_numpy()))  # fmt: skip
    np.testing.assert_allclose(g.numpy(), t["g"].to_numpy(), rtol=1e-9)
    kept = dict(zip(t["traj_id"], t["g_speed_mps"], strict=True))
    assert kept["v3"] == 1.0 and kept["v4"] == 1.0  # above tracks' p95, inside the windows'
    assert kept["v0"] < 0.2 and kept["v1"] < 1 and kept["v5"] < 1


def test_a_still_history_is_gated_and_told():
    """ux3 on CI's rebuilt record: 0.02 m/s is above the windows' 1st percentile (0.0165) but
    far below the tracks' (0.044): the gate shrinks the answer and the user is told so."""
    lines = coverage_warnings({"coverage": COV, "coverage_gate": "speed"}, track(0.02))
    speed = [s for s in lines if s.startswith("median speed")]
    assert len(speed) == 1 and "keeps" in speed[0] and "constant velocity" in speed[0], lines
    assert "0.147-17 m/s (5th-95th percentile" in speed[0], speed
    assert "the high end: of training windows" in speed[0], speed
    # a moving taxi just above the tracks' 95th percentile: inside, silent
    assert not coverage_warnings({"coverage": COV, "coverage_gate": "speed"}, track(16.5))
    assert math.isclose(gate_table(COV, track(16.5), PROJ)["g"][0], 1.0)
