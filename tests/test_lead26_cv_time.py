"""Constant velocity asked at the true times beside the step-based one (lead, session 26):
heldout26's trains read "10x better than constant velocity" because a tunnel gap was one step."""

import numpy as np

from trajlm.data.protocol_tasks import PredictionTask
from trajlm.train.validation import constant_velocity_ade, constant_velocity_time_ade


def _task(hist_t: list[int], target_t: list[int], speed_deg_s: float = 1e-5) -> PredictionTask:
    """One mover at a constant speed (degrees of latitude per second) along a meridian."""
    ht, tt = np.array([hist_t], np.int64), np.array([target_t], np.int64)
    lat = lambda t: 41.0 + speed_deg_s * (t - hist_t[0])  # noqa: E731
    hist = np.stack([lat(ht), np.full(ht.shape, -8.6)], axis=-1)
    target = np.stack([lat(tt), np.full(tt.shape, -8.6)], axis=-1)
    return PredictionTask(["a"], hist, ht, np.array([len(hist_t)]), target, tt, 0)


def test_a_gap_before_the_last_fix_misleads_only_the_step_based_velocity():
    task = _task([0, 30, 60, 300], [330, 360, 390, 420, 450])  # a 240-s tunnel, then 30-s steps
    assert constant_velocity_time_ade(task) < 1e-6
    assert constant_velocity_ade(task) > 100.0  # 240 s of travel per 30-s step


def test_regular_sampling_gives_the_same_answer_both_ways():
    task = _task([0, 30, 60, 90], [120, 150, 180, 210, 240])
    assert np.isclose(constant_velocity_time_ade(task), constant_velocity_ade(task), atol=1e-6)


def test_repeated_times_leave_no_usable_velocity():
    assert constant_velocity_time_ade(_task([0, 30, 30], [60, 90, 120, 150, 180])) is None
