"""Session 22 (steady22): short histories of steady movers (docs/generalization.md "Session 22
(steady22)"). With 3-6 fixes trajlm-small continued a one-step slowdown that a steady mover's
GPS noise made up (ferries, trams, tractors, cyclists 1.1-1.2x constant velocity);
``ModelConfig.backtest_short_cap`` caps the correction such a history keeps."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

SMALL = Path("trajlm/checkpoints/trajlm-small")
needs_small = pytest.mark.skipif(
    not (SMALL / "model.safetensors").is_file(), reason="trajlm-small not built"
)
M = 111_320.0
LAT0 = 45.46


def _tracks(n_tracks: int, n_fix: int, dt: float, v: float, noise: float, seed: int,
            slow_to: float = 1.0) -> pd.DataFrame:  # fmt: skip
    """Straight movers at v m/s (speed x slow_to from the last step on), fixed every dt s with
    GPS noise (m), each heading its own way."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_tracks):
        head = rng.uniform(0, 2 * np.pi)
        speed = np.full(n_fix, v)
        speed[-6:] *= slow_to  # the last history step and the truth after it
        s = np.concatenate([[0.0], np.cumsum(speed[1:] * dt)])
        x = s * np.cos(head) + rng.normal(0, noise, n_fix)
        y = s * np.sin(head) + rng.normal(0, noise, n_fix)
        rows.append(pd.DataFrame({
            "traj_id": f"m{i}", "t": 1_772_438_400 + (dt * np.arange(n_fix)).astype(int),
            "lat": LAT0 + y / M, "lon": 9.19 + x / (M * np.cos(np.radians(LAT0))),
        }))  # fmt: skip
    return pd.concat(rows, ignore_index=True)


def _split(df: pd.DataFrame, h: int, k: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The h fixes before each track's last k (history) and those k (truth, step 1..k)."""
    hist = df.groupby("traj_id").apply(lambda g: g.iloc[-k - h : -k], include_groups=False)
    truth = df.groupby("traj_id").tail(k).copy()
    truth["step"] = truth.groupby("traj_id").cumcount() + 1
    return hist.reset_index(level=0).reset_index(drop=True), truth


def _errors(model, hist: pd.DataFrame, truth: pd.DataFrame) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = model.predict(hist, steps=5)
    m = p.merge(truth, on=["traj_id", "step"], suffixes=("_p", ""))
    dx = (m.lon_p - m.lon) * M * np.cos(np.radians(LAT0))
    return m.assign(e=np.hypot((m.lat_p - m.lat) * M, dx)).groupby("traj_id").e.mean().to_numpy()


def test_trajlm_small_ships_the_cap_and_the_settings_script_writes_it():
    import importlib.util

    cfg = json.loads((SMALL / "config.json").read_text())
    assert cfg["backtest_short_cap"] == [0.0, 0.25, 0.25, 0.25]
    spec = importlib.util.spec_from_file_location("s", "scripts/inference_settings.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.SETTINGS["backtest_short_cap"] == cfg["backtest_short_cap"]


@pytest.mark.parametrize("bad", [[1.5], [-0.1], ["a"], [True], 0.5])
def test_a_bad_cap_is_one_line_naming_the_field(bad):
    from trajlm.model.config import ModelConfig

    with pytest.raises((ValueError, Exception)) as err:
        ModelConfig.from_dict({"backtest_short_cap": bad})
    assert "backtest_short_cap" in str(err.value)
    assert "\n" not in str(err.value)


def test_steady_rows_reads_speed_and_heading_of_the_last_two_steps():
    """The rule on hand-made steps: within (0.7, 1.25) of the speed and 45 deg: steady; a
    halved speed, a 60-deg turn, a point standing still or a 2-point history: not."""
    import torch

    from trajlm.model.backtest import steady_rows

    class _M:
        class embed:  # noqa: N801
            stats = {"dt_mean": 0.0, "dt_scale": 1.0}

    def feats(steps):
        f = torch.zeros(1, len(steps) + 1, 9)
        for i, (dx, dy, dt) in enumerate(steps, start=1):
            f[0, i, 2:5] = torch.tensor([dx, dy, dt])
        return f

    last = torch.tensor([2])
    c60 = (np.cos(np.radians(60)), np.sin(np.radians(60)))
    cases = {
        ((1.0, 0.0, 10.0), (1.1, 0.1, 10.0)): True,
        ((1.0, 0.0, 10.0), (0.75, 0.0, 10.0)): True,
        ((1.0, 0.0, 10.0), (1.0, 0.0, 20.0)): False,  # same step, twice the time: half speed
        ((1.0, 0.0, 10.0), (0.5, 0.0, 10.0)): False,
        ((1.0, 0.0, 10.0), (1.4, 0.0, 10.0)): False,
        ((1.0, 0.0, 10.0), (c60[0], c60[1], 10.0)): False,
        ((0.0, 0.0, 10.0), (1.0, 0.0, 10.0)): False,
    }
    for steps, want in cases.items():
        assert steady_rows(_M, feats(steps), last).tolist() == [want], steps
    assert steady_rows(_M, feats([(1.0, 0.0, 10.0)]), torch.tensor([1])).tolist() == [False]


@needs_small
def test_steady_3_fix_movers_are_no_worse_than_constant_velocity(small):
    """Straight movers at 10 s (5 m/s, 4 m noise) with 3-5 fixes: the shipped cap brings the
    model to constant velocity or under; without it (before session 22) it braked the 3-fix
    ones (4-5 fixes: its window fallback already held them, the cap changes nothing worse)."""
    from trajlm.baselines import ConstantVelocity

    df = _tracks(60, 20, 10.0, 5.0, 4.0, seed=22)
    cfg = small.model.config
    for h in (3, 4, 5):
        hist, truth = _split(df, h)
        e_cv = _errors(ConstantVelocity(), hist, truth).sum()
        now = _errors(small, hist, truth).sum() / e_cv
        cfg.backtest_short_cap = ()
        try:
            before = _errors(small, hist, truth).sum() / e_cv
        finally:
            cfg.backtest_short_cap = (0.0, 0.25, 0.25, 0.25)
        assert now <= 1.0 + 0.02, (h, now, before)
        assert now < before - 0.05 if h == 3 else now <= before + 1e-9, (h, now, before)


@needs_small
def test_a_real_slowdown_and_long_histories_keep_the_model(small):
    """A mover whose last step halved its speed is not steady: the model's correction is kept
    (bit for bit as without the cap); 10- and 20-fix histories are untouched."""
    df = _tracks(20, 30, 15.0, 8.0, 2.0, seed=7, slow_to=0.5)
    cfg = small.model.config
    for h in (3, 10, 20):
        hist, _ = _split(df, h)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            now = small.predict(hist, steps=5)
            cfg.backtest_short_cap = ()
            try:
                before = small.predict(hist, steps=5)
            finally:
                cfg.backtest_short_cap = (0.0, 0.25, 0.25, 0.25)
        np.testing.assert_array_equal(
            now[["lat", "lon"]].to_numpy(), before[["lat", "lon"]].to_numpy()
        )
