"""Model: config, features vs NumPy, padding, causality, GQA, save/load, sanity experiments."""

import json
import math

import numpy as np
import polars as pl
import pytest
import torch
from helpers import STATS, make_batch

from trajlm.data.features import NormStats, add_features
from trajlm.model import ModelConfig, TrajectoryModel, build_features
from trajlm.model.embedding import identity_stats


def tiny(**kw) -> TrajectoryModel:
    torch.manual_seed(0)
    cfg = dict(d_model=32, n_layers=2, n_heads=4, max_len=64, stats=STATS) | kw
    return TrajectoryModel(ModelConfig(**cfg)).eval()


# ---------------------------------------------------------------- config


def test_config_round_trip_and_errors():
    cfg = ModelConfig(d_model=64, n_heads=8, n_kv_heads=2, pos_type="rope_time", stats=STATS)
    assert ModelConfig.from_dict(json.loads(json.dumps(cfg.to_dict()))) == cfg
    with pytest.raises(ValueError, match="unknown key"):
        ModelConfig.from_dict(cfg.to_dict() | {"n_layer": 3})
    with pytest.raises(ValueError, match="must divide"):
        ModelConfig(n_heads=4, n_kv_heads=3)
    with pytest.raises(ValueError, match="pos_type"):
        ModelConfig(pos_type="alibi")
    with pytest.raises(ValueError, match="divisible"):
        ModelConfig(d_model=30, n_heads=4)
    with pytest.raises(ValueError, match="stats"):
        ModelConfig(stats={"xy_mean": [0, 0]})


# ---------------------------------------------------------------- features


def test_build_features_matches_numpy_features():
    t_a = np.array([0, 15, 31, 44, 60, 75]) + 1_700_003_000
    t_b = np.array([0, 9, 30, 41]) + 1_700_090_000
    df = pl.DataFrame(
        {
            "traj_id": ["a"] * 6 + ["b"] * 4,
            "t": np.concatenate([t_a, t_b]),
            "lat": 41.15 + np.array([0, 1, 2, 4, 5, 7, 30, 31, 33, 34]) * 1e-4,
            "lon": -8.61 + np.array([0, 2, 3, 3, 5, 6, -20, -19, -17, -16]) * 1e-4,
        }
    )
    stats = NormStats.fit(df)
    f = add_features(df, stats.projection)
    first = np.array([1, 0, 0, 0, 0, 0, 1, 0, 0, 0], dtype=bool)
    expect = np.column_stack(
        [
            (f["x_m"].to_numpy() - stats.xy_mean[0]) / stats.xy_scale,
            (f["y_m"].to_numpy() - stats.xy_mean[1]) / stats.xy_scale,
            f["dx_m"].to_numpy() / stats.dxy_scale,
            f["dy_m"].to_numpy() / stats.dxy_scale,
            (f["dt_s"].to_numpy() - stats.dt_mean) / stats.dt_scale,
            f.select("hour_sin", "hour_cos", "dow_sin", "dow_cos").to_numpy(),
        ]
    )
    expect[first, 2:5] = 0.0  # no previous point

    # The loader's batch: right-padded windows of float32 metres and relative seconds.
    xy = np.column_stack([f["x_m"].to_numpy(), f["y_m"].to_numpy()])
    pos, t = torch.zeros(2, 6, 2), torch.zeros(2, 6)
    pos[0], pos[1, :4] = torch.tensor(xy[:6]), torch.tensor(xy[6:])
    t[0], t[1, :4] = torch.tensor(t_a - t_a[0]), torch.tensor(t_b - t_b[0])
    mask = torch.tensor([[True] * 6, [True] * 4 + [False] * 2])
    t0 = torch.tensor([t_a[0], t_b[0]])
    got = build_features(pos, t, t0, mask, stats)
    np.testing.assert_allclose(got[0].numpy(), expect[:6], atol=1e-5)
    np.testing.assert_allclose(got[1, :4].numpy(), expect[6:], atol=1e-5)
    assert torch.all(got[1, 4:] == 0)  # padding


def test_delta_features_translation_and_rotation():
    """Translating a trajectory changes only the absolute position features; rotating it by 90
    degrees rotates the (dx, dy) features the same way."""
    b = make_batch(lengths=(12, 12, 12))
    stats = identity_stats()
    f = build_features(b["pos"], b["t"], b["t0"], b["mask"], stats)
    moved = build_features(
        b["pos"] + torch.tensor([5000.0, -300.0]), b["t"], b["t0"], b["mask"], stats
    )
    torch.testing.assert_close(moved[..., 2:], f[..., 2:], atol=1e-3, rtol=0)  # float32 ulp at 5 km
    assert torch.allclose(moved[..., :2] - f[..., :2], torch.tensor([5000.0, -300.0]), atol=1e-2)
    rot = torch.stack([-b["pos"][..., 1], b["pos"][..., 0]], -1)  # (x, y) -> (-y, x)
    fr = build_features(rot, b["t"], b["t0"], b["mask"], stats)
    torch.testing.assert_close(fr[..., 2], -f[..., 3])
    torch.testing.assert_close(fr[..., 3], f[..., 2])
    torch.testing.assert_close(fr[..., 4:], f[..., 4:])


# ---------------------------------------------------------------- model behaviour


@pytest.mark.parametrize("n_kv_heads", [1, 4])
def test_gqa_shapes(n_kv_heads):
    model = tiny(n_kv_heads=n_kv_heads)
    attn = model.blocks[0].attn
    assert attn.k_proj.out_features == n_kv_heads * 8 and attn.q_proj.out_features == 32
    out = model(make_batch())
    assert out.pred.shape == (3, 12, 3) and out.log_var.shape == (3, 12, 3)
    assert out.hidden.shape == (3, 12, 32) and torch.isfinite(out.loss)


@pytest.mark.parametrize("pos_type", ["learned", "rope_time"])
def test_padding_does_not_change_loss_or_real_predictions(pos_type):
    model, b = tiny(pos_type=pos_type), make_batch()
    out = model(b)
    junk = dict(b, pos=b["pos"].clone(), t=b["t"].clone())
    junk["pos"][~b["mask"]] = 1e6
    junk["t"][~b["mask"]] = -5e4
    out2 = model(junk)
    assert torch.equal(out.loss, out2.loss)
    assert torch.equal(out.pred[b["mask"]], out2.pred[b["mask"]])


@pytest.mark.parametrize("pos_type", ["sinusoidal", "rope"])
def test_causal(pos_type):
    model, b = tiny(pos_type=pos_type, head="mse"), make_batch(lengths=(12, 12, 12))
    out = model(b)
    b2 = dict(b, pos=b["pos"].clone())
    b2["pos"][:, 8] += 100.0
    out2 = model(b2)
    assert torch.equal(out.pred[:, :8], out2.pred[:, :8])
    assert not torch.allclose(out.pred[:, 8:], out2.pred[:, 8:])
    # bidirectional attention (the masked objectives' path) does see the future
    out3, out4 = model(b, is_causal=False), model(b2, is_causal=False)
    assert not torch.allclose(out3.pred[:, :8], out4.pred[:, :8])
    # an explicit all-True causal mask reproduces the fused causal path
    tril = torch.ones(12, 12, dtype=torch.bool).tril()
    torch.testing.assert_close(model(b, attn_mask=tril, is_causal=False).pred, out.pred)


def test_loss_none_without_targets_and_type_embedding_used():
    model = tiny()
    b = make_batch(T=1, lengths=(1, 1, 1))
    assert model(b).loss is None
    b = make_batch()
    tt = torch.zeros(3, 12, dtype=torch.long)
    tt[:, 5] = 2
    assert torch.equal(model(dict(b, token_type=torch.zeros_like(tt))).pred, model(b).pred)
    assert not torch.allclose(model(dict(b, token_type=tt)).pred[:, 5:], model(b).pred[:, 5:])


def test_save_load_round_trip(tmp_path):
    model = tiny(n_kv_heads=2, pos_type="rope_time")
    (tmp_path / "trainer_state.json").write_text("{}")
    model.save_pretrained(tmp_path)
    model.save_pretrained(tmp_path)  # overwrite in place
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "config.json",
        "model.safetensors",
        "trainer_state.json",  # untouched, no temp files left behind
    ]
    raw = (tmp_path / "model.safetensors").read_bytes()
    header_len = int.from_bytes(raw[:8], "little")
    assert json.loads(raw[8 : 8 + header_len])["__metadata__"] == {"format": "pt"}
    loaded = TrajectoryModel.from_pretrained(tmp_path).eval()
    assert loaded.config == model.config and loaded.stats == model.stats
    b = make_batch()
    assert torch.equal(loaded(b).pred, model(b).pred)
    assert loaded.num_params() == model.num_params()


def test_init_and_gaussian_loss_value():
    model = tiny(n_layers=2)
    std = model.blocks[0].attn.o_proj.weight.std().item()
    assert math.isclose(std, 0.02 / math.sqrt(4), rel_tol=0.15)
    out = model(make_batch())
    # at init log_var ~ 0, so the NLL is ~0.5 * mean squared error of the (normalized) targets
    assert out.log_var.abs().max() < 0.5 and 0.0 < out.loss.item() < 10.0


# ---------------------------------------------------------------- sanity experiments


@pytest.mark.slow
def test_identity_autoencoder_reaches_near_zero_error():
    """Predicting a point's own (dx, dy, dt) features must be easy (arXiv 2511.20610 check)."""
    torch.manual_seed(0)
    model = tiny(head="mse").train()
    b = make_batch(B=8, T=16, lengths=(16,) * 8, seed=3)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for _ in range(300):
        loss = model(b, target="identity").loss
        opt.zero_grad()
        loss.backward()
        opt.step()
    first = tiny(head="mse")(b, target="identity").loss.item()
    final = model.eval()(b, target="identity").loss.item()
    assert final < 0.01 * first and final < 5e-3


def test_fourier_positions_resolve_metres_and_skip_missing_positions(tmp_path):
    from trajlm.model.embedding import FourierPositions

    fp = FourierPositions(8, n_bands=4, min_m=40.0, xy_scale=1000.0)
    # wavelengths 40 m .. 2560 m: one normalized unit is 1 km, so the finest band turns 25 times
    assert torch.allclose(fp.freq[0], torch.tensor(2 * math.pi * 1000.0 / 40.0))
    assert torch.allclose(fp.freq[-1], torch.tensor(2 * math.pi * 1000.0 / 2560.0))
    xy = torch.tensor([[[0.0, 0.0], [0.02, -0.3], [0.06, -0.3]]])  # padding, 2 points 40 m apart
    out = fp(xy)
    assert out[0, 0].abs().sum() == 0  # no position, no contribution
    assert not torch.allclose(out[0, 1], out[0, 2], atol=1e-3)  # 40 m apart: different
    finest = FourierPositions(8, n_bands=1, min_m=40.0, xy_scale=1000.0)
    fine = finest(xy)
    assert torch.allclose(fine[0, 1], fine[0, 2], atol=1e-4)  # a full turn of the 40 m band
    assert not torch.allclose(finest(xy + 0.01)[0, 1:], fine[0, 1:], atol=1e-3)  # 10 m is not
    model = tiny(pos_fourier_bands=4, pos_type="rope_time")
    b = make_batch()
    model.save_pretrained(tmp_path)
    loaded = TrajectoryModel.from_pretrained(tmp_path).eval()
    assert torch.equal(loaded(b).pred, model(b).pred)
    assert model.num_params() == tiny().num_params() + 16 * 32


def test_checkpoint_config_is_self_describing(tmp_path):
    """config.json names its writer, format and model type; a file without them (before
    format 1) still loads with the documented defaults; a newer format is refused clearly."""
    from trajlm import __version__
    from trajlm.model.config import FORMAT_VERSION, MODEL_TYPE

    torch.manual_seed(0)
    model = TrajectoryModel(ModelConfig(d_model=16, n_layers=1, n_heads=2, infill_heads=True))
    model.save_pretrained(tmp_path / "new")
    saved = json.loads((tmp_path / "new" / "config.json").read_text())
    assert saved["trajlm_version"] == __version__
    assert saved["format_version"] == FORMAT_VERSION and saved["model_type"] == MODEL_TYPE
    assert saved["span_target"] == "bridge_residual"

    old = {k: v for k, v in saved.items()
           if k not in ("trajlm_version", "format_version", "model_type", "span_target")}  # fmt: skip
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "config.json").write_text(json.dumps(old))
    (tmp_path / "old" / "model.safetensors").write_bytes(
        (tmp_path / "new" / "model.safetensors").read_bytes()
    )
    again = TrajectoryModel.from_pretrained(tmp_path / "old")
    assert again.config == model.config and again.config.span_target == "bridge_residual"

    newer = saved | {"format_version": FORMAT_VERSION + 1, "trajlm_version": "9.0.0"}
    (tmp_path / "new" / "config.json").write_text(json.dumps(newer))
    with pytest.raises(ValueError, match=r"config.json: format_version 2 .*9\.0\.0.*upgrade"):
        TrajectoryModel.from_pretrained(tmp_path / "new")
    with pytest.raises(ValueError, match="model_type 'other'"):
        ModelConfig.from_dict(saved | {"model_type": "other"})
    with pytest.raises(ValueError, match="span_target"):
        ModelConfig(span_target="residual")


def test_span_target_in_the_config_sets_how_spans_decode():
    """The head semantics recorded in the checkpoint, not a caller's flag, pick the decoding."""
    from trajlm.objectives.infill import use_anchor

    for target, anchored in (("bridge_residual", True), ("raw", False)):
        model = TrajectoryModel(ModelConfig(d_model=16, n_layers=1, n_heads=2,
                                            infill_heads=True, span_target=target))  # fmt: skip
        assert use_anchor(model) is anchored
        assert use_anchor(model, anchor=not anchored) is (not anchored)  # explicit override


# ---------------------------------------------------------------- step_target (issue 14 item 5)


def test_absolute_step_target_predicts_the_next_position():
    """step_target "absolute": the head's (x, y) is the next point's normalized position in
    the store's plane; forward, loss and both rollouts read it as the step from the current
    point, so the rollout lands exactly where the head says."""
    with pytest.raises(ValueError, match="step_target must be one of"):
        tiny(step_target="relative")
    with pytest.raises(ValueError, match="position_frame='store'"):
        tiny(step_target="absolute", position_frame="trajectory")
    with pytest.raises(ValueError, match="plain causal step head"):
        tiny(step_target="absolute", residual_base="constant_velocity")
    model, delta = tiny(step_target="absolute"), tiny()
    b = make_batch()
    out, ref = model(b), delta(b)
    raw, _ = model.head(out.hidden)  # (B, T, 3): what the head said
    torch.testing.assert_close(ref.pred, delta.head(ref.hidden)[0])  # delta: the head's output
    cur = (b["pos"] - torch.tensor(STATS["xy_mean"])) / STATS["xy_scale"]
    scale = STATS["xy_scale"] / STATS["dxy_scale"]
    torch.testing.assert_close(out.pred[..., :2], (raw[..., :2] - cur) * scale)
    torch.testing.assert_close(out.pred[..., 2], raw[..., 2])
    assert out.loss is not None and torch.isfinite(out.loss)
    cached = model.generate(b, steps=6)
    full = model.generate(b, steps=6, use_cache=False)
    torch.testing.assert_close(cached["pos"], full["pos"], atol=1e-3, rtol=1e-5)
    last = torch.tensor([11, 6, 2])
    first = torch.tensor(STATS["xy_mean"]) + raw[torch.arange(3), last, :2] * STATS["xy_scale"]
    torch.testing.assert_close(cached["pos"][:, 0], first, atol=1e-3, rtol=1e-5)
    with pytest.raises(ValueError, match="needs the current position"):
        model.predict_step(out.hidden[:, -1])  # e.g. speculative decoding: not supported
