"""scripts/premise30: the fixed-ratio recovery fine-tune mask and the one-point-gap switch."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import torch

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"
sys.path.insert(0, str(SCRIPTS))
from ask_study_common import load_script  # noqa: E402

from trajlm.train.objectives import ObjectiveMix, step_generator, task_mask  # noqa: E402


def test_fixed_ratio_mix_hides_half_the_interior_of_every_window_at_every_step():
    mix = ObjectiveMix.from_dict(
        load_script("p30_ft", "premise30/finetune_r50.py").fixed_ratio_mix(0.5)
    )
    assert mix.points == 1.0 and mix.causal == 0.0 and mix.downsample_prob == 0.0
    lengths = torch.tensor([10, 6, 3])
    mask = torch.arange(10)[None] < lengths[:, None]
    for step in range(20):  # the default mix down-samples or draws another ratio on some steps
        _, hidden = task_mask("points", {"mask": mask}, mix, step_generator(0, step))
        assert hidden.space.sum(1).tolist() == [4, 2, 0]  # round(0.5 * (n - 2))
        assert not hidden.time.any() and not hidden.space[:, 0].any()


def test_switch_takes_the_baseline_on_one_point_gaps_only():
    score = load_script("p30_score", "premise30/score.py")
    known = np.array([1, 0, 1, 0, 0, 1, 0, 1], bool)  # hidden runs of 1, 2, 1
    gaps = score.p29.gap_lengths(known)
    model, base = np.array([5.0, 6.0, 7.0, 8.0]), np.array([1.0, 2.0, 3.0, 4.0])
    assert score.switched(model, base, gaps).tolist() == [1.0, 6.0, 7.0, 4.0]
