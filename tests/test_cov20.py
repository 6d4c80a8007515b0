"""Session 20 (cov20): the clock warning reads what the model reads, and the coverage gate's
action is visible. 6-hourly tracks (always 00/06/12/18 UTC) have seen the hours between their
fixes: an input at 03 UTC is silent for them, while a daytime-only 15 s feed still warns at
night; an "auto" model with context dropout hides an unseen clock itself (no line); batch lines
name the trajectories the gate acts on, and ``gate_effects`` lists every one (model/coverage*.py).
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl
from helpers import STATS

from trajlm.model.config import ModelConfig
from trajlm.model.coverage import coverage_warnings, gate_effects, sampled_seen

MONDAY = 1_700_438_400  # 2023-11-20 00:00 UTC, a Monday
SIX_HOURLY = [500 if h % 6 == 0 else (1 if h in (3, 14) else 0) for h in range(24)]
COV = {
    "bbox": {"min_lat": 41.10, "min_lon": -8.70, "max_lat": 41.20, "max_lon": -8.55},
    "xy_box_m": [-7000.0, -6000.0, 7000.0, 6000.0],
    "hour_hist": SIX_HOURLY,
    "weekday_hist": [100] * 7,
    "clock_shift_prob": 0.0,
    "traj_speed_mps": {"p1": 0.1, "p5": 0.2, "p50": 8.0, "p95": 60.0, "p99": 80.0},
    "dt_s": {"p1": 21600.0, "p5": 21600.0, "p50": 21600.0, "p95": 21600.0, "p99": 21600.0},
    "speed_mps": {"p1": 0.1, "p5": 0.5, "p50": 8.0, "p95": 40.0, "p99": 60.0},
}
FAST_FEED = {"p1": 1.0, "p5": 2.0, "p50": 15.0, "p95": 60.0, "p99": 120.0}
FED = {**COV, "dt_s": FAST_FEED}  # a 15 s feed: the gate tests' record


def config(cov: dict = COV, **kw) -> ModelConfig:
    cfg = dict(d_model=16, n_layers=1, n_heads=2, max_len=32, stats=dict(STATS), coverage=cov)
    return ModelConfig(**{**cfg, "context": "full", **kw})


def track(tid: str = "a", hour: int = 3, n: int = 20, dt: float = 15.0, v: float = 8.0):
    d = v * dt * np.arange(n)  # north-east at v m/s
    return pl.DataFrame({
        "traj_id": tid, "t": MONDAY + hour * 3600 + (dt * np.arange(n)).astype(np.int64),
        "lat": 41.15 + d / 111_320 / math.sqrt(2),
        "lon": -8.61 + d / (111_320 * math.cos(math.radians(41.15))) / math.sqrt(2),
    })  # fmt: skip


def hour_lines(model, df: pl.DataFrame) -> list[str]:
    return [w for w in coverage_warnings(model, df) if w.startswith("hour of day")]


# ------------------------------------------------------------------ 1: fixed-hour sampling
def test_hours_a_fixed_rate_feed_steps_over_count_as_seen():
    assert sampled_seen(SIX_HOURLY, 3600.0, COV).all()  # 01-05 lie between 00 and 06
    fast = {**COV, "dt_s": FAST_FEED}
    assert sampled_seen(SIX_HOURLY, 3600.0, fast).sum() == 4  # a 15 s feed: gaps are real
    day = [100 if 8 <= h <= 17 else 0 for h in range(24)]  # daytime only, 6-hourly
    seen = sampled_seen(day, 3600.0, COV)
    assert seen[8:18].all() and not seen[:8].any() and not seen[18:].any()  # 14 h gap: night
    # a run of 5 unseen hours is covered by a 6 h step, not by a 5 h one
    five = {**COV, "dt_s": {**COV["dt_s"], "p50": 5 * 3600.0}}
    assert sampled_seen(SIX_HOURLY, 3600.0, five).sum() == 4
    weekly = {**COV, "dt_s": {**COV["dt_s"], "p50": 7 * 86400.0}}  # one fix a week, Mondays
    assert sampled_seen([100, 0, 0, 0, 0, 0, 0], 86400.0, weekly).all()


def test_six_hourly_model_is_silent_between_its_hours_and_warns_for_a_fast_feed():
    storm = track(hour=3, n=8, dt=21600.0, v=5.0)  # 6-hourly, off the synoptic hours
    assert hour_lines(config(), storm) == []
    assert hour_lines(config(), track(hour=12, n=8, dt=21600.0, v=5.0)) == []
    fast = config({**COV, "dt_s": FAST_FEED})  # same hours, but a 15 s feed: 03 is unseen
    said = hour_lines(fast, track(hour=3))
    assert len(said) == 1 and "03 UTC never seen" in said[0], said
    night = config({**COV, "hour_hist": [100 if 8 <= h <= 17 else 0 for h in range(24)]})
    said = hour_lines(night, track(hour=3, n=8, dt=21600.0, v=5.0))
    assert said and "trained on 08-17" in said[0], said


# --------------------------------------------------------- 1: what the model reads
def test_no_clock_line_for_a_model_that_hides_an_unseen_clock():
    fast = {**COV, "dt_s": FAST_FEED}
    late = track(hour=3)  # 03 UTC: unseen for the 15 s feed
    assert hour_lines(config(fast, context="full"), late)  # reads the clock always
    assert hour_lines(config(fast, context="full", context_dropout=0.5), late)
    assert hour_lines(config(fast, context="auto", context_dropout=0.0), late)  # no fallback
    # "auto" with the learned fallback hides the clock of exactly these trajectories
    assert hour_lines(config(fast, context="auto", context_dropout=0.5), late) == []
    assert hour_lines(config(fast, context="motion"), late) == []


# ------------------------------------------------------- 2: where the gate acts, visible
def test_gate_effects_lists_every_trajectory_the_gate_acts_on():
    walkers = [track(f"w{i}", hour=0, v=0.15) for i in range(3)]  # under p5
    batch = pl.concat([*walkers, *(track(f"c{i}", hour=0) for i in range(47))])
    cfg = config(FED, coverage_gate="speed", residual_base="constant_velocity")
    table = gate_effects(cfg, batch)
    assert table.height == 50 and set(table.columns) >= {"traj_id", "gate_kept", "speed_mps"}
    acted = table.filter(pl.col("gate_kept") < 1)
    assert sorted(acted["traj_id"]) == ["w0", "w1", "w2"]
    assert np.allclose(acted["gate_kept"], 0.15 / 0.2, atol=0.02)  # min(1, v / p5)
    none = gate_effects(config(FED), batch)  # coverage_gate = "none": the model keeps it all
    assert (none["gate_kept"] == 1).all()
    # 3 of 50 under the 5th percentile (6 %) is not clearly more than training's 5 %: silent,
    # so the table is how a user sees them
    assert not [w for w in coverage_warnings(cfg, batch) if "median speed" in w]


def test_a_batch_line_names_the_trajectories_the_gate_acts_on():
    slow = [track(f"w{i}", hour=0, v=0.05 + 0.01 * i) for i in range(8)]
    batch = pl.concat([*slow, *(track(f"c{i}", hour=0) for i in range(42))])
    cfg = config(FED, coverage_gate="speed", residual_base="constant_velocity")
    line = [w for w in coverage_warnings(cfg, batch) if w.startswith("median speed")]
    assert len(line) == 1, line
    assert "'w0' (25%)" in line[0] and "and 3 more" in line[0], line[0]  # lowest kept first
    assert "gate_effects" in line[0]
    alone = [w for w in coverage_warnings(cfg, slow[0]) if w.startswith("median speed")]
    assert alone and "share kept, by trajectory" not in alone[0]  # one trajectory: named once
    unchecked = coverage_warnings(cfg, batch, predicts=False)  # embed / classify: no gate
    assert not any("share kept" in w for w in unchecked)
