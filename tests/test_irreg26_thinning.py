"""Session 26 (irreg26): asked-time predictions thin a history only where its median step is
below ``api_rollout.THIN_BELOW`` x the training median (trajlm/api_rollout.py): an irregular
reporter at its own training intervals keeps every report."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import polars as pl
import pytest

from trajlm import api_rollout
from trajlm.api import TrajLM
from trajlm.api_rollout import thin_history

ROOT = Path(__file__).resolve().parents[1]
SMALL = ROOT / "trajlm/checkpoints/trajlm-small/model.safetensors"


def _track(traj_id: str, steps_s: list[float]) -> pl.DataFrame:
    t = np.r_[0, np.cumsum(steps_s)].astype(np.int64) + 1_700_000_000
    n = len(t)
    return pl.DataFrame({"traj_id": [traj_id] * n, "t": t, "lat": np.linspace(30, 30.2, n),
                         "lon": np.linspace(170, 170.3, n)})  # fmt: skip


def _irregular_and_dense() -> pl.DataFrame:
    """A ship reporting at 1-30 min (median 240 s, as ships84's val histories) and one at
    60 s, beside a model trained at a 300 s median step."""
    rng = np.random.default_rng(0)
    irregular = rng.choice(
        [60.0, 120.0, 240.0, 300.0, 600.0, 1800.0], 19, p=[0.25, 0.15, 0.2, 0.15, 0.15, 0.1]
    )
    irregular[np.argsort(irregular)[9]] = 240.0  # the median step exactly 240 s
    irregular = np.sort(irregular)[rng.permutation(19)]
    return pl.concat([_track("irregular", list(irregular)), _track("dense", [60.0] * 19)])


def _stub(p50: float) -> SimpleNamespace:
    """What ``TrajLM._history`` reads of a loaded model: its config and coverage record."""
    model = SimpleNamespace(config=SimpleNamespace(coverage={"dt_s": {"p50": p50}}))
    return SimpleNamespace(config=SimpleNamespace(time_query=False), model=model)


def test_an_irregular_history_near_the_training_step_keeps_every_report(monkeypatch):
    df = _irregular_and_dense()
    med = df.group_by("traj_id").agg(pl.col("t").diff().median())
    assert dict(med.iter_rows())["irregular"] == 240.0
    out = TrajLM._history(_stub(300.0), df)
    kept = dict(out.group_by("traj_id").len().iter_rows())
    assert kept["irregular"] == 20  # 240 s >= 300 s / sqrt(2): nothing dropped
    assert kept["dense"] < 20  # 60 s: far denser than the training step, thinned as before
    dense = out.filter(pl.col("traj_id") == "dense")["t"].to_numpy()
    assert (np.diff(dense) >= 300).all() and dense[
        -1
    ] == 1_700_000_000 + 19 * 60  # last report kept
    # sessions 15-25 (THIN_BELOW 1.0) thinned the irregular reporter to fewer reports
    monkeypatch.setattr(api_rollout, "THIN_BELOW", 1.0)
    old = TrajLM._history(_stub(300.0), df)
    assert dict(old.group_by("traj_id").len().iter_rows())["irregular"] < 20


def test_thin_history_below_defaults_to_the_step():
    df = _irregular_and_dense()
    assert thin_history(df, 300.0).equals(thin_history(df, 300.0, 300.0))  # bit for bit as before
    assert thin_history(df, 300.0, 50.0) is df  # no history below 50 s: the same table
    assert thin_history(df, 0.0, 300.0) is df  # no recorded training step: no change


@pytest.mark.skipif(not SMALL.is_file(), reason="trajlm-small weights not built")
def test_trajlm_small_keeps_a_12_s_feed_and_thins_a_2_s_one():
    """trajlm-small's training median step is 15 s: a 12 s feed is read as it is (before: every
    other fix, 24 s steps), a 2 s one still thinned to >= 15 s (session 15's dense AIS)."""
    lm = TrajLM.from_pretrained("trajlm-small")
    twelve, two = _track("a", [12.0] * 30), _track("b", [2.0] * 60)
    assert lm._history(twelve) is twelve
    thinned = lm._history(two)
    assert thinned.height < two.height and (np.diff(thinned["t"].to_numpy()) >= 15).all()
