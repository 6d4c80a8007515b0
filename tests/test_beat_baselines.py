"""Issue 15's levers: the residual step head starts from constant velocity exactly, time-
conditioned queries answer at the asked times (model, API, CLI), the paired bootstrap."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
import torch
from helpers import STATS

import trajlm
from trajlm.eval.baselines import ConstantVelocity
from trajlm.eval.compare import paired_bootstrap_ci
from trajlm.model import ModelConfig, TrajectoryModel

T0 = 1_700_000_000


def _model(residual: str = "constant_velocity", time_query: bool = False, seed: int = 0):
    torch.manual_seed(seed)
    cfg = ModelConfig(d_model=32, n_layers=2, n_heads=2, max_len=64, pos_type="rope_time",
                      stats=STATS, residual_base=residual, time_query=time_query,
                      residual_max_ratio=100.0)  # fmt: skip
    return TrajectoryModel(cfg).eval()


def _batch(seed: int = 0):
    """3 irregularly sampled wiggly tracks; row 1 is 2 points shorter (right-padded)."""
    g = torch.Generator().manual_seed(seed)
    B, T = 3, 9
    t = torch.cumsum(torch.rand(B, T, generator=g) * 20 + 5, 1)
    t = t - t[:, :1]
    pos = torch.cumsum(torch.randn(B, T, 2, generator=g) * 30, 1)
    mask = torch.ones(B, T, dtype=torch.bool)
    mask[1, 7:] = False
    return {"pos": pos, "t": t, "t0": torch.full((B,), T0), "mask": mask}


def _last(batch):
    rows, n = torch.arange(3), batch["mask"].sum(1)
    return (
        batch["pos"][rows, n - 1],
        batch["pos"][rows, n - 2],
        batch["t"][rows, n - 1],
        batch["t"][rows, n - 2],
    )


@pytest.mark.parametrize("use_cache", [True, False])
@pytest.mark.parametrize("time_query", [False, True])
def test_untrained_residual_model_is_constant_velocity(use_cache, time_query):
    batch = _batch()
    out = _model(time_query=time_query).generate(batch, 5, use_cache=use_cache)
    xy = batch["pos"].double().numpy()
    want = ConstantVelocity().predict(xy, batch["mask"].sum(1).numpy(), 5)  # (3, 5, 2) m
    assert np.abs(out["pos"].double().numpy() - want).max() < 1e-3  # float32 rounding only
    p1, p0, t1, t0 = _last(batch)
    assert torch.allclose(out["t"], t1[:, None] + (t1 - t0)[:, None] * torch.arange(1, 6))
    plain = _model(residual="none")
    assert plain.head.mean.weight.abs().min() > 0  # the plain model's init is untouched
    got = plain.generate(batch, 5)["pos"].double().numpy()
    assert np.abs(got - want).max() > 1.0  # a plain untrained model is not the baseline


def test_residual_base_skips_glitch_steps_and_is_gated():
    """A last step beyond max_step_norm (a GPS jump) is not repeated; the gate scales the
    base and is exactly 1 at initialisation."""
    m = _model()
    big = 40.0 * torch.ones(1, 3)  # normalized: 40 x 40 m (dxy_scale) = a 1.6 km jump
    h = torch.randn(1, m.config.d_model)
    mean, _ = m.step_head(h, big)
    assert torch.equal(mean[0, :2], torch.zeros(2))
    ok = torch.tensor([[2.0, -1.0, 0.5]])
    assert torch.allclose(m.step_head(h, ok)[0], ok)
    torch.nn.init.constant_(m.base_gate.bias, -10.0)  # gate 1 + tanh(-10) ~ 0: base dropped
    assert m.step_head(h, ok)[0].abs().max() < 1e-6


@pytest.mark.parametrize("use_cache", [True, False])
def test_time_query_answers_at_the_asked_times(use_cache):
    """Past the last input and between its sampling interval: at init exactly constant
    velocity [time] (last velocity x time since the last point), the times as asked."""
    batch = _batch()
    p1, p0, t1, t0 = _last(batch)
    ahead = torch.tensor([7.0, 22.0, 23.5, 80.0, 200.0])
    asked = t1[:, None] + ahead
    out = _model(time_query=True).generate(batch, 5, use_cache=use_cache, target_t=asked)
    assert torch.equal(out["t"], asked)
    want = p1[:, None] + ((p1 - p0) / (t1 - t0)[:, None])[:, None] * ahead[None, :, None]
    assert (out["pos"] - want).abs().max() < 1e-2
    with pytest.raises(ValueError, match="time_query"):
        _model().generate(batch, 5, target_t=asked)


def test_trained_time_query_paths_agree_and_depend_on_time():
    """With every weight random (as after training), the cached rollout equals the full
    recompute (the training forward) and the answer moves with the asked time."""
    m = _model(time_query=True)
    for p in m.parameters():
        torch.nn.init.normal_(p, std=0.05)
    batch = _batch(1)
    t1 = _last(batch)[2]
    asked = t1[:, None] + torch.tensor([10.0, 20.0, 30.0])
    a = m.generate(batch, 3, target_t=asked)["pos"]
    b = m.generate(batch, 3, target_t=asked, use_cache=False)["pos"]
    assert torch.allclose(a, b, atol=1e-3)
    later = m.generate(batch, 3, target_t=asked + 15.0)["pos"]
    assert (later - a).abs().max() > 1e-3
    own = m.generate(batch, 3)  # no asked times: the model's own dt
    assert own["pos"].shape == (3, 3, 2) and torch.isfinite(own["pos"]).all()


def test_residual_levers_refuse_paths_that_cannot_feed_them():
    with pytest.raises(ValueError, match="residual_base must be one of"):
        ModelConfig(residual_base="knn")
    with pytest.raises(ValueError, match="patch_size > 1 does not support"):
        ModelConfig(patch_size=2, time_query=True)
    from trajlm.model.eviction import generate_bounded

    with pytest.raises(ValueError, match="model.generate only"):
        generate_bounded(_model(), _batch(), 3, window=8)


def _frame() -> pl.DataFrame:
    """Two straight tracks at 10 m/s east, one sampled every 15 s, one every 10 s."""
    rows = []
    for tid, dt in (("b", 15), ("a", 10)):  # not in traj_id order: the order must survive
        for i in range(8):
            rows.append((tid, T0 + i * dt, 41.15, -8.61 + i * dt * 10 / 83_800))
    return pl.DataFrame(rows, schema=["traj_id", "t", "lat", "lon"], orient="row")


def test_api_predict_at_times_of_a_time_query_model(tmp_path):
    _model(time_query=True).save_pretrained(tmp_path / "m")
    api = trajlm.TrajLM.from_pretrained(tmp_path / "m", threads=1)
    df = _frame()
    ahead = [22.0, 7.0, 95.0]  # any order, off the 10 / 15 s sampling grid
    out = api.predict(df, seconds_ahead=ahead)
    assert out["traj_id"].to_list() == ["a"] * 3 + ["b"] * 3  # as the plain path: by id
    last = (
        df.sort("traj_id", "t")
        .group_by("traj_id", maintain_order=True)
        .agg(pl.col("t", "lon").last())
    )
    want_t = np.repeat(last["t"].to_numpy(), 3) + np.tile(ahead, 2)
    assert out["t"].to_list() == want_t.astype(np.int64).tolist()
    # 10 m/s east at init (constant velocity [time]): lon moves by 10 m per second asked
    moved = (out["lon"].to_numpy() - np.repeat(last["lon"].to_numpy(), 3)) * 83_800
    assert np.allclose(moved, 10 * np.tile(ahead, 2), atol=0.5)
    t_a = int(last["t"][0])
    with pytest.warns(UserWarning, match="before a trajectory's last point"):  # b's: later
        same = api.predict(df, at_times=[t_a + 7, t_a])  # absolute; t_a: a's last point
    assert abs(same["lon"][0] - out["lon"][1]) < 1e-9
    assert abs(same["lon"][1] - last["lon"][0]) < 1e-9 and same["std_m"][1] == 0.0
    with pytest.warns(UserWarning, match="before a trajectory's last point"):
        early = api.predict(df, at_times=[int(last["t"][1]) - 5])  # before b's last point
    assert not np.isnan(early["lat"][0]) and np.isnan(early["lat"][1])


def test_cli_predict_seconds_ahead(tmp_path):
    from typer.testing import CliRunner

    from trajlm.cli import app

    _model(time_query=True).save_pretrained(tmp_path / "m")
    _frame().write_csv(tmp_path / "in.csv")
    out = tmp_path / "pred.csv"
    args = ["predict", "--model", str(tmp_path / "m"), "--input", str(tmp_path / "in.csv"),
            "--seconds-ahead", "7,30", "--out", str(out), "--threads", "1"]  # fmt: skip
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    pred = pl.read_csv(out)
    assert len(pred) == 4 and pred["step"].to_list() == [1, 2, 1, 2]
    res = CliRunner().invoke(app, [*args[:-4], "--seconds-ahead", "x", "--out", str(out)])
    assert res.exit_code != 0 and "--seconds-ahead" in res.output


def test_paired_bootstrap_ci():
    rng = np.random.default_rng(0)
    b = rng.gamma(2.0, 50.0, 400)
    better = paired_bootstrap_ci(b - 10 + rng.normal(0, 5, 400), b)
    assert better["hi"] < 0 and abs(better["diff"] + 10) < 1.5
    same = paired_bootstrap_ci(b + rng.normal(0, 5, 400), b)
    assert same["lo"] < 0 < same["hi"]
    with pytest.raises(ValueError, match="equal-length"):
        paired_bootstrap_ci(b, b[:-1])


@pytest.mark.slow
def test_beat_baselines_script_end_to_end(tmp_path):
    """scripts/beat_baselines.py on the synthetic city: every baseline, one arm per lever
    (the time-query arm also with its own times), the blend, the CI against the best."""
    import json

    from test_results_scripts import load_script

    from trajlm.data.ingest import synth_store
    from trajlm.train.trainer import TrainConfig, Trainer

    store = tmp_path / "synth"
    synth_store(store, n_trajectories=40, seed=2)
    arms = []
    for name, kw in (("residual", {}), ("restime", {"time_query": True})):
        mc = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32, pos_type="rope_time",
                         residual_base="constant_velocity", **kw)  # fmt: skip
        tc = TrainConfig(batch_size=4, max_len=32, max_steps=3, eval_every=3, log_every=1,
                         progress=False, cpu_threads=1)  # fmt: skip
        Trainer(store, tmp_path / name, mc, tc).fit()
        arms += ["--arm", f"{name}={tmp_path / name}"]
    out = tmp_path / "beat.json"
    load_script("beat_baselines").main(["--data", str(store), "--split", "val", *arms,
                                        "--blend", "--out", str(out)])  # fmt: skip
    doc = json.loads(out.read_text())
    names = [r["method"] for r in doc["rows"]]
    assert "kNN continuation" in names and "constant velocity [time]" in names
    assert "trajlm: restime (own times)" in names and "trajlm: residual" in names
    blend = [r for r in doc["rows"] if r["kind"] == "blend"]
    assert len(blend) == 3 and all(0 <= w <= 1 for r in blend for w in r["blend_w"])
    ci = next(r for r in doc["rows"] if r["method"] == "trajlm: residual")["vs_best_baseline"]
    assert ci["lo"] <= ci["diff"] <= ci["hi"] and ci["baseline"] == doc["meta"]["best_baseline"]
    assert out.with_suffix(".md").read_text().count("\n| ") >= 8
