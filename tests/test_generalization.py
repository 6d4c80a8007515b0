"""Graceful degradation off the training distribution (issue 14, docs/generalization.md):
context dropout and the motion fallback, clock-shift evaluation, hold-out splits, coverage."""

from __future__ import annotations

import json

import numpy as np
import polars as pl
import pytest
import torch
from helpers import STATS, make_batch, utc

from trajlm.data.features import LocalProjection
from trajlm.data.splits import holdout_index
from trajlm.data.store import read_store, resplit_store, write_store
from trajlm.eval.protocol import make_prediction_task, parse_shift, run_eval, shift_clock
from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.model.coverage import compute_coverage, coverage_warnings
from trajlm.model.coverage_gate import gate_table
from trajlm.model.embedding import DELTA, POSITION, TIME
from trajlm.train.trainer import TrainConfig, Trainer

MONDAY = utc("2013-07-01T00:00:00")


def tiny(**kw) -> TrajectoryModel:
    torch.manual_seed(0)
    cfg = dict(d_model=32, n_layers=2, n_heads=2, max_len=64, stats=dict(STATS))
    return TrajectoryModel(ModelConfig(**{**cfg, **kw}))


def morning_table(n: int = 60, points: int = 30, seed: int = 0) -> pl.DataFrame:
    """Porto-like trips on one Monday morning (starts 00:00-08:59 UTC), 15 s sampling,
    6 vehicles; straight-ish lines so every method has something to predict."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        t0 = MONDAY + int(i * 9 * 3600 / n)
        lat0, lon0 = 41.15 + rng.normal(0, 0.01), -8.61 + rng.normal(0, 0.01)
        v = rng.normal(0, 1e-4, 2)
        for j in range(points):
            rows.append((f"trip{i:03d}", t0 + 15 * j, lat0 + v[0] * j, lon0 + v[1] * j, i % 6))
    return pl.DataFrame(rows, schema=["traj_id", "t", "lat", "lon", "vehicle_id"], orient="row")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    out = tmp_path_factory.mktemp("gen") / "store"
    write_store(morning_table(), out)
    return out


# ------------------------------------------------------------------------ context dropout


def test_context_dropout_shapes_and_determinism():
    model = tiny(context_dropout=0.5).train()
    b = make_batch(B=3, T=12, lengths=(12, 7, 3))
    b = {k: v.repeat(20, *([1] * (v.dim() - 1))) for k, v in b.items()}  # 60 rows
    feats = model.embed.features(b["pos"], b["t"], b["t0"], b["mask"])
    torch.manual_seed(5)
    a = model.embed.hide(feats)
    torch.manual_seed(5)
    assert torch.equal(a, model.embed.hide(feats))  # same seed, same windows hidden
    assert a.shape == feats.shape
    hidden = (a[..., TIME] == 0).all(-1).all(-1)  # (B,) whole window's clock zeroed
    assert 10 < int(hidden.sum()) < 50  # about half of 60 windows
    assert torch.equal(a[..., DELTA], feats[..., DELTA])  # motion is never touched
    assert torch.equal(a[..., POSITION], feats[..., POSITION])  # "time" only
    assert torch.equal(a[~hidden], feats[~hidden])
    model.eval()  # no dropout at inference (no coverage: auto = full)
    assert torch.equal(model.embed.hide(feats), feats)


@pytest.mark.parametrize("features", ["time", "time+position"])
def test_motion_context_zeroes_exactly_the_context(features):
    model = tiny(context="motion", context_features=features).eval()
    b = make_batch()
    feats = model.embed.features(b["pos"], b["t"], b["t0"], b["mask"])
    out = model.embed.hide(feats)
    assert (out[..., TIME] == 0).all() and (feats[..., TIME] != 0).any()
    assert torch.equal(out[..., DELTA], feats[..., DELTA])
    pos_hidden = (out[..., POSITION] == 0).all()
    assert pos_hidden == (features == "time+position")


def test_motion_model_ignores_the_clock_after_training():
    model = tiny(context_dropout=0.5)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    b = make_batch()
    for _ in range(5):
        loss = model(b).loss
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    moved = {**b, "t0": b["t0"] + 8 * 3600 + 86400}
    full = model(b).pred, model(moved).pred
    assert not torch.allclose(*full)  # the clock matters with context = full ...
    model.embed.context = "motion"
    assert torch.equal(model(b).pred, model(moved).pred)  # ... and not at all without it
    g1, g2 = model.generate(b, steps=3), model.generate(moved, steps=3)
    assert torch.equal(g1["pos"], g2["pos"])


def test_old_config_loads_and_behaves_as_before(tmp_path):
    cfg = tiny().config.to_dict()
    for key in ("context", "context_dropout", "context_features", "coverage"):
        cfg.pop(key)  # a config.json written before these keys existed
    model = tiny()
    model.save_pretrained(tmp_path)
    (tmp_path / "config.json").write_text(json.dumps(cfg))
    loaded = TrajectoryModel.from_pretrained(tmp_path).eval()
    b = make_batch()
    feats = loaded.embed.features(b["pos"], b["t"], b["t0"], b["mask"])
    assert loaded.embed.hide(feats) is feats  # defaults: nothing hidden, ever
    assert torch.equal(loaded(b).pred, model.eval()(b).pred)


# ------------------------------------------------------------------------ clock shifts


def test_shift_moves_truth_with_input_and_baselines_are_invariant():
    assert parse_shift("clock=+8h") == ("clock=+8h", 8 * 3600)
    assert parse_shift("weekday=+1")[1] == parse_shift("clock=+1d")[1] == 86400
    with pytest.raises(ValueError, match="clock=\\+4h"):
        parse_shift("clock=8")
    df = morning_table()
    task, moved = make_prediction_task(df), make_prediction_task(shift_clock(df, 4 * 3600))
    assert np.array_equal(moved.target_t, task.target_t + 4 * 3600)
    assert np.array_equal(moved.hist_t, task.hist_t + 4 * 3600)
    assert np.array_equal(moved.target_latlon, task.target_latlon)
    result = run_eval(df, "predict", shifts=("clock=+4h", "weekday=+1"), verbose=False)
    shifted = [r for r in result.rows if "clock" in r["setting"] or "weekday" in r["setting"]]
    assert len(shifted) == 2 * len([r for r in result.rows if r["setting"] == "k=5"])
    for r in shifted:  # physics and kNN baselines never read the clock
        assert r["metrics"]["mae_ratio"] == pytest.approx(1.0, abs=1e-9), r["method"]
    assert "MAE / unshifted" in result.to_markdown()


# ------------------------------------------------------------------------ hold-out splits


def test_holdout_by_hour_and_user():
    df = morning_table()
    idx = holdout_index(df, "hour=6")
    hour = (idx["t_start"] % 86400) // 3600
    assert (hour.filter(idx["split"] == "test") >= 6).all()
    assert (hour.filter(idx["split"] != "test") < 6).all()
    assert set(idx["split"]) == {"train", "val", "test"}
    auto = holdout_index(df, "hour")  # latest whole hours with >= 10 % of the trips
    assert (auto.filter(pl.col("split") == "test")["t_start"] % 86400 >= 8 * 3600).all()
    users = holdout_index(df, "user").join(
        df.group_by("traj_id").agg(pl.col("vehicle_id").first()), on="traj_id"
    )
    per_user = users.group_by("vehicle_id").agg(pl.col("split").n_unique())
    assert (per_user["split"] == 1).all()  # a vehicle is in exactly one split
    with pytest.raises(ValueError, match="user_id or vehicle_id"):
        holdout_index(df.drop("vehicle_id"), "user")


def test_resplit_store_refits_and_records_the_rule(store, tmp_path):
    manifest = resplit_store(store, tmp_path / "hour", "hour=6")
    assert manifest["split_by"] == "hour=6"
    test = read_store(tmp_path / "hour", split="test")
    assert ((test.group_by("traj_id").agg(pl.col("t").min())["t"] % 86400) >= 6 * 3600).all()


# ------------------------------------------------------------------------ coverage


def test_coverage_warnings_fire_outside_and_stay_silent_inside(store):
    cov = compute_coverage(store)
    assert sum(cov["hour_hist"]) == cov["n_points"] and cov["weekday_hist"][0] == cov["n_points"]
    train = read_store(store, split="train").drop("split")
    # the train split's slowest and fastest trajectories (outside the 5th-95th percentile of
    # median speeds) are where the coverage gate acts, but the model saw them: its own data is
    # silent (session 19, covwarn19: the line fired on every batch of it before)
    assert coverage_warnings(cov, train) == []
    table = gate_table(cov, train, LocalProjection.fit(train))
    inside = train.filter(
        pl.col("traj_id").is_in(table.filter(pl.col("g") == 1)["traj_id"].implode())
    )
    assert coverage_warnings(cov, inside) == []
    late = coverage_warnings(cov, shift_clock(inside, 12 * 3600))
    assert any("hour of day" in w and "never seen" in w for w in late), late
    tuesday = coverage_warnings(cov, shift_clock(inside, 86400))
    assert any("weekday Tue" in w for w in tuesday), tuesday
    far = coverage_warnings(cov, inside.with_columns(pl.col("lat") + 10.0))
    assert any("km from the training area" in w for w in far), far
    t0 = pl.col("t").min().over("traj_id")
    fast = coverage_warnings(cov, inside.with_columns(t0 + (pl.col("t") - t0) // 15))  # 1 s feed
    assert any("sampling interval" in w for w in fast) and not any("hour" in w for w in fast)


def test_trainer_records_coverage_and_auto_falls_back(store, tmp_path):
    mc = ModelConfig(d_model=32, n_layers=1, n_heads=2, context_dropout=0.5)
    tc = TrainConfig(max_steps=3, batch_size=8, max_len=16, eval_every=0, progress=False)
    Trainer(store, tmp_path / "run", mc, tc).fit()
    model = TrajectoryModel.from_pretrained(tmp_path / "run").eval()
    cov = model.config.coverage
    assert all(cov["hour_hist"][:8]) and not any(cov["hour_hist"][8:])  # train: 00-07
    assert cov["split_by"] == "time" and cov["n_trajectories"] > 0
    train = read_store(store, split="train")
    assert coverage_warnings(tmp_path / "run", train) == []  # its own data (session 19)
    t0 = pl.col("t").min().over("traj_id")
    fast = train.with_columns(t0 + (pl.col("t") - t0) // 15)  # a 1 s feed
    said = [w for w in coverage_warnings(tmp_path / "run", fast) if "sampling" in w]
    assert 'no coverage gate (coverage_gate = "none")' in said[0]  # this model has none
    b = make_batch(B=3, lengths=(12, 7, 3))
    inside = {**b, "t0": torch.full((3,), MONDAY + 3 * 3600)}
    outside = {**b, "t0": torch.full((3,), MONDAY + 14 * 3600)}
    auto = model(inside).pred, model(outside).pred
    model.embed.context = "motion"
    motion = model(outside).pred
    model.embed.context = "full"
    assert torch.equal(auto[0], model(inside).pred)  # in coverage: the full model
    assert torch.equal(auto[1], motion)  # unseen hour: exactly the motion-only model
    assert not torch.equal(model(outside).pred, motion)


def test_clock_shift_augmentation_is_whole_hours_and_resume_exact(store, tmp_path):
    tc = TrainConfig(max_steps=1, batch_size=8, max_len=16, progress=False, clock_shift_prob=0.5)
    trainer = Trainer(store, tmp_path / "run", ModelConfig(d_model=32, n_layers=1, n_heads=2), tc)
    b = {"t0": torch.full((64,), MONDAY)}
    a, again = trainer._shift_clocks(b)["t0"], trainer._shift_clocks(b)["t0"]
    assert torch.equal(a, again)  # a pure function of (seed, step)
    shift = a - MONDAY
    assert (shift % 3600 == 0).all() and 10 < int((shift != 0).sum()) < 54
    assert trainer.model.config.coverage["clock_shift_prob"] == 0.5


def test_coverage_merges_on_fine_tune_not_on_resume(store, tmp_path):
    tc = dict(max_steps=1, batch_size=8, max_len=16, eval_every=0, progress=False)
    Trainer(store, tmp_path / "a", ModelConfig(d_model=32, n_layers=1, n_heads=2),
            TrainConfig(**tc)).fit()  # fmt: skip
    saved = json.loads((tmp_path / "a" / "config.json").read_text())
    n = saved["coverage"]["n_points"]
    resumed = ModelConfig.from_dict({**saved, "stats": None})  # as `trajlm train --resume`
    assert (
        Trainer(store, tmp_path / "a", resumed, TrainConfig(**tc)).model.config.coverage["n_points"]
        == n
    )
    tuned = Trainer(store, tmp_path / "b", None, TrainConfig(**tc, init_from=str(tmp_path / "a")))
    assert tuned.model.config.coverage["n_points"] == 2 * n  # pretraining + fine-tune data
