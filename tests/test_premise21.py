"""The summary token (session 21, trajlm/model/summary.py; docs/pretraining.md "Session 21"):
opt-in, bit-identical when off, causal (no point's state moves), learned through the trip
contrast, saved and loaded; and scripts/premise21_corpus.py's GeoLife-like sources."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.model.summary import summary_state, uses_summary, with_summary
from trajlm.objectives.trip_contrast import TripContrastConfig, pooled, trip_contrast_loss
from trajlm.tasks.embed import pooled_hidden

STATS = {"lat0": 41.15, "lon0": -8.61, "xy_mean": [0.0, 0.0], "xy_scale": 800.0,
         "dxy_scale": 40.0, "dt_mean": 15.0, "dt_scale": 4.0, "n_points": 0}  # fmt: skip


def _model(summary: bool = False, seed: int = 0, **kw) -> TrajectoryModel:
    torch.manual_seed(seed)
    cfg = ModelConfig(d_model=32, n_layers=2, n_heads=4, max_len=64, stats=STATS,
                      pos_type="rope_time", dropout=0.0, summary_token=summary, **kw)  # fmt: skip
    return TrajectoryModel(cfg).eval()


def _batch(B: int = 5, T: int = 20, seed: int = 0) -> dict:
    g = torch.Generator().manual_seed(seed)
    pos = (torch.randn(B, T, 2, generator=g) * 30).cumsum(1)
    t = (10 + 10 * torch.rand(B, T, generator=g)).cumsum(1) - 10
    n = torch.tensor([20, 18, 12, 3, 2][:B])
    mask = torch.arange(T)[None] < n[:, None]
    return {"pos": pos * mask[..., None], "t": t * mask, "t0": torch.full((B,), 1_700_000_000),
            "mask": mask}  # fmt: skip


def test_off_by_default_and_on_adds_one_vector_only():
    assert ModelConfig().summary_token is False
    plain, summ = _model(False), _model(True)
    assert plain.summary_emb is None and not uses_summary(plain) and uses_summary(summ)
    a, b = plain.state_dict(), summ.state_dict()
    assert set(b) - set(a) == {"summary_emb"} and set(a) <= set(b)
    # the token draws no random numbers: every other weight is the plain model's, bit for bit
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert b["summary_emb"].shape == (32,)


def test_plain_model_pools_the_mean_exactly_as_before():
    model, batch = _model(False), _batch()
    with torch.no_grad():
        h = model(batch).hidden
        s, c = pooled_hidden(model, batch)
    m = batch["mask"].float()[..., None]
    assert torch.equal(s, (h * m).sum(1)) and torch.equal(c, m.sum((1, 2)))
    # a batch without "summary" is the plain forward, with the key absent or the model plain
    assert "summary" not in batch


def test_with_summary_places_the_slot_after_the_last_real_point():
    batch = _batch()
    b, at = with_summary(batch)
    n = batch["mask"].sum(1)
    assert at.tolist() == n.tolist()
    assert b["pos"].shape == (5, 21, 2) and b["mask"].shape == (5, 21)
    assert b["summary"].sum(1).tolist() == [1] * 5
    rows = torch.arange(5)
    assert b["summary"][rows, at].all() and b["mask"][rows, at].all()
    assert torch.equal(b["mask"].sum(1), n + 1)  # the slot is real; the padding stays padding
    assert torch.equal(b["pos"][rows, at], batch["pos"][rows, n - 1])  # repeats the last point
    assert torch.equal(b["t"][rows, at], batch["t"][rows, n - 1])
    # a full row (n = T) gets its slot at T; the input is not modified
    assert at[0] == 20 and batch["pos"].shape == (5, 20, 2)


def test_causal_no_point_state_moves_and_the_summary_sees_the_whole_trip():
    model, batch = _model(True), _batch()
    with torch.no_grad():
        model.summary_emb.normal_(0, 1.0)
        h = model(batch).hidden
        b, at = with_summary(batch)
        h2 = model(b).hidden
        z = summary_state(model, batch)
    m = batch["mask"]
    assert torch.allclose(h[m], h2[:, :20][m], atol=1e-5)
    assert torch.allclose(z, h2[torch.arange(5), at], atol=0)
    # the summary reads the first point too: move it, the summary moves
    moved = {k: v.clone() for k, v in batch.items()}
    moved["pos"][0, 0] += 500.0
    with torch.no_grad():
        z2 = summary_state(model, moved)
    assert not torch.allclose(z[0], z2[0], atol=1e-4)
    assert torch.allclose(z[1:], z2[1:], atol=1e-6)


def test_the_learned_vector_matters_and_gets_the_contrast_gradient():
    model, batch = _model(True), _batch()
    model.train()
    with torch.no_grad():
        z0 = summary_state(model.eval(), batch)
        model.summary_emb.normal_(0, 1.0)  # (a constant vector would vanish in LayerNorm)
        z1 = summary_state(model, batch)
    assert not torch.allclose(z0, z1, atol=1e-4)
    model.train()
    loss, logs = trip_contrast_loss(
        model, batch, TripContrastConfig(), torch.Generator().manual_seed(1)
    )
    loss.backward()
    assert model.summary_emb.grad is not None and model.summary_emb.grad.abs().sum() > 0
    assert 0.0 <= logs["contrast_top1"] <= 1.0


def test_plain_trip_contrast_is_unchanged():
    model, batch = _model(False), _batch()
    cfg = TripContrastConfig()
    loss, _ = trip_contrast_loss(model, batch, cfg, torch.Generator().manual_seed(2))
    # by hand, the pre-session-21 path: mean-pooled views, the same generator draws
    from trajlm.objectives.trip_contrast import info_nce, two_views

    ok = batch["mask"].sum(1) >= 2
    b = {k: batch[k][ok] for k in ("pos", "t", "t0", "mask")}
    va, vb = two_views(b, cfg, torch.Generator().manual_seed(2))
    ref = info_nce(pooled(model(va).hidden, va["mask"]), pooled(model(vb).hidden, vb["mask"]), 0.1)
    assert torch.equal(loss, ref)


def test_pooled_hidden_gives_the_summary_state_counted_once():
    model, batch = _model(True), _batch()
    with torch.no_grad():
        model.summary_emb.normal_(0, 1.0)
        s, c = pooled_hidden(model, batch)
        z = summary_state(model, batch)
        empty = {k: v.clone() for k, v in batch.items()}
        empty["mask"][4] = False
        _, c_empty = pooled_hidden(model, empty)
    assert torch.equal(s, z) and c.tolist() == [1.0] * 5
    assert c_empty.tolist() == [1.0] * 4 + [0.0]


def test_saved_and_loaded_with_its_vector(tmp_path):
    model = _model(True)
    with torch.no_grad():
        model.summary_emb.normal_(0, 1.0)
    model.save_pretrained(tmp_path / "m")
    back = TrajectoryModel.from_pretrained(tmp_path / "m").eval()
    assert back.config.summary_token is True
    assert torch.equal(back.summary_emb, model.summary_emb)
    with torch.no_grad():
        assert torch.allclose(summary_state(back, _batch()), summary_state(model, _batch()))


def test_refuses_a_plain_model_and_patches():
    with pytest.raises(ValueError, match="summary_token=True"):
        summary_state(_model(False), _batch())
    with pytest.raises(ValueError, match="patch_size 1"):
        summary_state(_model(True, patch_size=2), _batch())


def test_config_field_is_typed():
    from trajlm.errors import ConfigError

    assert ModelConfig.from_dict({"summary_token": True}).summary_token is True
    with pytest.raises(ConfigError, match="summary_token"):
        ModelConfig.from_dict({"summary_token": "yes please"})


@pytest.mark.slow  # generates two synthetic sources (~10 s of CPU)
def test_glike_corpus_sources_cover_both_regimes():
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    import premise21_corpus as pc

    small = {"n_trajectories": 40}
    pc_city, pc_open = pc.GLIKE_CITY, pc.GLIKE_OPEN
    try:
        pc.GLIKE_CITY, pc.GLIKE_OPEN = pc_city | small, pc_open | small
        thin = pc.thinned()
    finally:
        pc.GLIKE_CITY, pc.GLIKE_OPEN = pc_city, pc_open
    assert set(thin) == {"synth_people_thin", "open_people_thin"}
    for df in thin.values():
        assert df.height > 0
        dt = df.sort("traj_id", "t")["t"].diff().to_numpy()
        same = df.sort("traj_id", "t")["traj_id"].to_numpy()
        within = np.r_[False, same[1:] == same[:-1]]
        assert (dt[within] >= 15).all()  # the GeoLife ingest protocol: thinned to >= 15 s
    lo, hi = pc.GLIKE_CITY["sample_interval_s"]
    assert (lo, hi) == (1.0, 5.0) and pc.GLIKE_OPEN["sample_interval_s"] == (1.0, 5.0)
