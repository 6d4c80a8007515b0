"""Session 39 (subsec39): the sub-second plumbing subsec38 / subsec38b left (docs/data.md
"Session 39 (subsec39)"). Each test failed on main a28c0e89 where it names a bug; the
whole-second twins pass before and after (whole-second stores and models bit for bit)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from trajlm.data.clean_split import stop_rows

M_PER_DEG = 111_320.0


def _stay(step_s: float, stay_s: float, first_s: float = 100.4) -> pl.DataFrame:
    """A fast mover (4 m a fix) that stands still from ``first_s`` for ``stay_s`` seconds."""
    before = [first_s - step_s * k for k in range(10, 0, -1)]
    during = list(np.arange(0, stay_s + 1e-9, step_s) + first_s)
    after = [during[-1] + step_s * k for k in range(1, 11)]
    y = [-4.0 * k for k in range(10, 0, -1)] + [0.0] * len(during) + [4.0 * k for k in range(1, 11)]
    t = np.round(np.array(before + during + after), 3)
    return pl.DataFrame({"traj_id": ["a"] * len(t), "t": t, "lat": 45 + np.array(y) / M_PER_DEG,
                         "lon": np.full(len(t), 7.0)})  # fmt: skip


@pytest.mark.parametrize(("stay_s", "stops"), [(600.4, 1), (599.6, 0), (601.2, 1)])
def test_stops_are_timed_to_the_millisecond_at_0_4_s(stay_s: float, stops: int) -> None:
    """A 600.4-s stay at 0.4-s fixes is a stop of --stop-minutes 10; on main the times were cut
    to whole seconds (100.4 -> 100, the fix 0.4 s before it too), its 10-min window reached
    the moving fix before the stay and the stop was missed."""
    lo, hi = stop_rows(_stay(0.4, stay_s), radius_m=1.0, min_duration_s=600.0, drift_mps=None)
    assert len(lo) == stops
    if stops:
        df = _stay(0.4, stay_s)
        assert df["t"][int(hi[0])] - df["t"][int(lo[0])] == pytest.approx(stay_s, abs=1e-6)


@pytest.mark.parametrize(("stay_s", "stops"), [(600.0, 1), (599.0, 0)])
def test_whole_second_stops_as_before(stay_s: float, stops: int) -> None:
    df = _stay(1.0, stay_s, first_s=100.0).with_columns(pl.col("t").cast(pl.Int64))
    lo, hi = stop_rows(df, radius_m=1.0, min_duration_s=600.0, drift_mps=None)
    assert len(lo) == stops


def _model(step_s: float):
    from test_subsec38b import _stats

    from trajlm.model import ModelConfig, TrajectoryModel

    return TrajectoryModel(ModelConfig(d_model=16, n_layers=1, n_heads=2, stats=_stats(step_s)))


def _history(step_s: float, n: int = 10) -> pl.DataFrame:
    t = 1_796_644_800.2 + step_s * np.arange(n)
    return pl.DataFrame({"traj_id": ["a"] * n, "t": t if step_s < 1 else np.floor(t).astype(np.int64),
                         "lat": 45 + 1e-5 * np.arange(n), "lon": np.full(n, 7.0)})  # fmt: skip


@pytest.mark.parametrize(("model_s", "history_s", "least"), [(0.4, 0.4, 10), (1.0, 1.0, 4),
                                                             (1.0, 0.4, 4)])  # fmt: skip
def test_the_api_s_rollout_is_sized_at_a_sub_second_model_s_step(
    model_s: float, history_s: float, least: int
) -> None:
    """4 s ahead of a 0.4-s model's 0.4-s history takes 10+ steps; `max(dt, 1)` sized it for
    1-s steps (8 steps: 3.2 s, short of the asked time before rollout_until extended it).
    Whole-second models: ceil(1.5 x 4 / 1) + 2 = 8 steps, as before."""
    from types import SimpleNamespace

    from trajlm.api import TrajLM

    model = _model(model_s)
    stub = SimpleNamespace(config=model.config, model=model)
    k = TrajLM._rollout_steps(stub, _history(history_s), np.array([[4.0]]))
    assert k * model_s >= 4.0 and k >= least
    if model_s == 1.0:
        assert k == 8


def test_recovery_rolls_a_sub_second_side_out_at_its_exact_times(monkeypatch) -> None:
    """A gap side of 0.4-s fixes: its pseudo-trajectory kept 0, 0, 1, 1, 2 s on main (an int64
    cast) and its rollout was sized for 1-s steps."""
    from trajlm.tasks import recover_rollouts

    seen = {}

    def capture(model, df, need, k, max_steps):
        seen["t"], seen["k"] = df["t"].to_numpy(), k
        raise RuntimeError("captured")

    monkeypatch.setattr(recover_rollouts, "rollout_until", capture)
    h = _history(0.4)
    t = h["t"].to_numpy()
    frames = [(0, t, h["lat"].to_numpy(), h["lon"].to_numpy())]
    with pytest.raises(RuntimeError, match="captured"):
        recover_rollouts.rollouts_at(_model(0.4), frames, {0: float(t[-1] + 4.0)},
                                     {0: np.array([4.0])})  # fmt: skip
    assert np.allclose(np.diff(seen["t"]), 0.4)
    assert seen["k"] * 0.4 >= 4.0
    # whole seconds: int64 as before
    assert (
        recover_rollouts.frames_table([(0, np.array([1.0, 2.0]), np.zeros(2), np.zeros(2))])[
            "t"
        ].dtype
        == pl.Int64
    )


@pytest.mark.parametrize("step_s", [0.4, 1.0, 15.0])
def test_a_baseline_engine_steps_at_a_sub_second_history_s_own_step(step_s: float) -> None:
    """The val verdict's engine answering a sub-second run's call reads every fix (api_predict)
    and its answer's times fall at the history's step; `np.maximum(dt, 1)` labelled a 0.4-s
    walker's kNN continuation a second apart. Whole seconds (int64 times): as before."""
    from trajlm.data.features import LocalProjection
    from trajlm.eval.baselines import ConstantVelocity
    from trajlm.eval.frames import predict_canonical

    h = _history(step_s)
    out = predict_canonical(ConstantVelocity(), h, LocalProjection.fit(h), 5)
    dt = np.diff(np.r_[h["t"][-1], out["t"].to_numpy()])
    assert np.allclose(dt, max(step_s, 1.0) if h["t"].dtype == pl.Int64 else step_s)
    y = out["lat"].to_numpy() - 45  # constant velocity: 1e-5 degrees a fix, whatever the step
    assert np.allclose(np.diff(np.r_[h["lat"][-1] - 45, y]), 1e-5)


def test_json_float_epoch_seconds_keep_their_milliseconds(tmp_path) -> None:
    """JSON records with Unix times as float seconds (1767261600.6): the reader divided by
    0.001 and floored, 0.6 s came out 0.599 s under --sub-second."""
    import json

    from helpers import invoke_cli

    from trajlm.data.store import read_store

    rows = [{"id": "a", "t": round(1767261600 + 0.2 * i, 1), "lat": 45 + 1e-5 * i, "lon": 7.0}
            for i in range(10)]  # fmt: skip
    src = tmp_path / "epoch.json"
    src.write_text(json.dumps(rows))
    r = invoke_cli(["data", "ingest", src, "--out", tmp_path / "s", "--sub-second"])
    assert r.exit_code == 0, r.output[-1500:]
    t = read_store(tmp_path / "s")["t"].sort().to_numpy()
    assert np.array_equal(np.round((t - t[0]) * 1000).astype(int), np.arange(10) * 200)
    assert np.array_equal(np.round(t * 1000) % 1000, (np.arange(10) * 200) % 1000)


def test_ask_reads_a_sub_second_store_s_durations(tmp_path) -> None:
    """`trajlm ask` on a 0.4-s store (unchecked in subsec38): 30 fixes a walker are 11.6 s,
    not a whole-second figure; a count reads as on any store."""
    from helpers import invoke_cli
    from test_subsec38 import _eth, _ingest

    store = tmp_path / "eth"
    _ingest(_eth(tmp_path / "biwi_plaza.txt"), store, "--sub-second")
    r = invoke_cli(["ask", "average duration of trips", "--data", store])
    assert r.exit_code == 0, r.output[-1500:]
    assert "11.6 s" in r.output
    r = invoke_cli(["ask", "how many trajectories are there", "--data", store])
    assert r.exit_code == 0 and r.output.strip().splitlines()[-1] == "40", r.output[-500:]
