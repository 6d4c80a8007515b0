"""The recipe a run gets when its user names none (session 20, heldout20).

``trajlm train`` without ``--config`` trained the plain ``ModelConfig()`` transformer: on data
the team never tuned on it was kept at 2.7x constant velocity (AIS, 12-min reports) and 1.2x
(hurricanes, 6 h), with nothing but ``trajlm eval`` to say so. This recipe is a residual on
constant velocity (an untrained model IS constant velocity, and the Trainer scores those
starting weights on val, so the kept model is never worse than the physics there), with
context dropout and trajlm-small's inference safeguards (coverage gate, in-context backtest
gate). ``configs/default.toml`` holds the same values for reading and copying
(tests/test_heldout20_physics_floor.py keeps the two equal); measured in docs/results.md
"Session 20 (heldout20)".
"""

from __future__ import annotations

import copy

DEFAULT_RECIPE: dict = {
    "model": {
        "d_model": 64,
        "n_layers": 4,
        "n_heads": 4,
        "n_kv_heads": 2,
        "dropout": 0.1,
        "max_len": 64,
        "pos_type": "rope_time",
        "head": "gaussian",
        "residual_base": "constant_velocity",
        "context_dropout": 0.5,
        "context_features": "time",
        "coverage_gate": "speed",
        "backtest_gate": 8.0,
        "backtest_fallback_window": 2,
        "backtest_prior": 0.0,
    },
    "train": {
        "batch_size": 32,
        "max_len": 48,
        "stride": 16,
        "lr": 1e-3,
        "warmup_steps": 100,
        "weight_decay": 0.1,
        "eval_every": 200,
        "eval_batches": 20,
        "save_every": 500,
        "cpu_threads": 1,
        "auto_steps": True,
    },
}


def default_recipe() -> dict:
    """A fresh copy of DEFAULT_RECIPE ({"model": {...}, "train": {...}}), as a parsed config
    file: what `trajlm train` should use when no --config is given."""
    return copy.deepcopy(DEFAULT_RECIPE)
