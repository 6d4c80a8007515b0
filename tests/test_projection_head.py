"""ContrastiveConfig.projection_dim: a SimCLR-style head over the pooled states (session 10)."""

from __future__ import annotations

import numpy as np
import torch
from test_embed import _model, _table

import trajlm.tasks.contrastive as contrastive
from trajlm.tasks.contrastive import (
    ContrastiveConfig,
    ContrastivePairs,
    embed_batch,
    fit_contrastive,
    info_nce,
    projection_head,
)
from trajlm.tasks.embed import embed


def _weights(model: torch.nn.Module) -> list[torch.Tensor]:
    return [p.detach().clone() for p in model.parameters()]


def test_projection_head_shapes_seeded_and_leaves_the_global_rng_alone():
    torch.manual_seed(123)
    before = torch.rand(3)
    torch.manual_seed(123)
    head = projection_head(32, 16, seed=4)
    assert torch.equal(torch.rand(3), before)  # the global stream is where it was
    assert head(torch.zeros(5, 32)).shape == (5, 16)
    same, other = projection_head(32, 16, seed=4), projection_head(32, 16, seed=5)
    for a, b, c in zip(head.parameters(), same.parameters(), other.parameters(), strict=True):
        assert torch.equal(a, b) and not torch.equal(a, c)


def test_default_has_no_head_and_the_loss_is_the_old_formula():
    df = _table(n_traj=6, n_pts=20, seed=5)
    model = _model(df)
    cfg = ContrastiveConfig(epochs=1, batch_size=3, n_points=8)
    assert cfg.projection_dim == 0
    obj = ContrastivePairs(df, model, cfg)
    assert obj.head is None
    batch = next(obj.batches(0))
    old = info_nce(  # the loss before the head existed
        embed_batch(model, {k[2:]: v for k, v in batch.items() if k.startswith("a.")}),
        embed_batch(model, {k[2:]: v for k, v in batch.items() if k.startswith("b.")}),
        cfg.temperature,
    )
    assert torch.equal(obj.loss(model, batch, 0)[0], old)
    with_head = ContrastivePairs(df, model, ContrastiveConfig(n_points=8, projection_dim=8))
    assert not torch.equal(with_head.loss(model, batch, 0)[0], old)


def test_default_off_fit_is_bit_for_bit_the_explicit_zero():
    df = _table(n_traj=6, n_pts=20, seed=5)
    runs = []
    for cfg in (ContrastiveConfig(epochs=2, batch_size=3, n_points=8),
                ContrastiveConfig(epochs=2, batch_size=3, n_points=8, projection_dim=0)):  # fmt: skip
        model = _model(df)
        fit_contrastive(model, df, None, cfg)
        runs.append(_weights(model))
    for a, b in zip(*runs, strict=True):
        assert torch.equal(a, b)


def test_head_is_trained_and_search_embeds_the_states_before_it(monkeypatch):
    df = _table(n_traj=12, n_pts=30, seed=3)
    made = []

    def spy(width: int, dim: int, seed: int = 0) -> torch.nn.Sequential:
        made.append(projection_head(width, dim, seed))
        return made[-1]

    monkeypatch.setattr(contrastive, "projection_head", spy)
    cfg = ContrastiveConfig(epochs=3, batch_size=6, lr=3e-3, n_points=16, projection_dim=8)
    out = []
    for _ in range(2):  # same seed twice: the same weights
        model = _model(df)
        start = _weights(model)
        info = fit_contrastive(model, df, None, cfg)
        out.append(embed(model, df, n_points=16))
    assert len(made) == 2 and info["config"]["projection_dim"] == 8
    fresh = projection_head(32, 8, cfg.seed)
    assert any(
        not torch.equal(a, b) for a, b in zip(made[0].parameters(), fresh.parameters(), strict=True)
    )
    assert any(not torch.equal(a, b) for a, b in zip(_weights(model), start, strict=True))
    assert out[0].shape == (12, 32)  # d_model, not projection_dim
    np.testing.assert_array_equal(out[0], out[1])
    no_head = _model(df)  # and the head changes what the backbone learns
    fit_contrastive(no_head, df, None, ContrastiveConfig(epochs=3, batch_size=6, lr=3e-3,
                                                         n_points=16))  # fmt: skip
    assert not np.allclose(embed(no_head, df, n_points=16), out[0])


def test_similarity_premise_parses_the_head_option():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "scripts" / "similarity_premise.py"
    spec = importlib.util.spec_from_file_location("similarity_premise", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    cfg = mod.parse_config("3e-3:0.1:16:0:aug:proj64", 2)
    assert (cfg.lr, cfg.epochs, cfg.layer, cfg.augment, cfg.projection_dim, cfg.seed) == (
        3e-3, 16, 0, True, 64, 2)  # fmt: skip
    plain = mod.parse_config("1e-3:0.1:8:final", 0)
    assert plain.projection_dim == 0 and not plain.augment and plain.layer is None
    try:
        mod.parse_config("1e-3:0.1:8:final:bogus", 0)
    except ValueError:
        pass
    else:
        raise AssertionError("an unknown option must be refused")


def test_similarity_premise_pick_is_best_val_top1_per_arm(tmp_path):
    import importlib.util
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "scripts" / "similarity_premise.py"
    spec = importlib.util.spec_from_file_location("similarity_premise", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    t = "hard, clock-shifted"
    rows = [("a", "pretrained", "raw", 20.0, 9.0), ("b", "pretrained", "whiten", 25.0, 30.0),
            ("c", "pretrained", "raw", 25.0, 12.0), ("a", "random", "raw", 40.0, 5.0),
            ("b", "random", "whiten", 10.0, 2.0)]  # fmt: skip
    f = tmp_path / "sweep.jsonl"
    f.write_text("".join(json.dumps({"config": c, "arm": a, "norm": n,
                                     t: {"top1": top1, "mean_rank": mr}}) + "\n"
                         for c, a, n, top1, mr in rows))  # fmt: skip
    assert mod.pick(f, "pretrained") == ("c", "raw")  # tie on top-1: the lower mean rank
    assert mod.pick(f, "random") == ("a", "raw")
    mod.main(["pick", "--data", "x", "--pretrained", "y", "--out", str(tmp_path)])


def test_similarity_premise_cache_reloads_the_same_fine_tune(tmp_path):
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "scripts" / "similarity_premise.py"
    spec = importlib.util.spec_from_file_location("similarity_premise", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    df = _table(n_traj=6, n_pts=20, seed=5)
    cfg = ContrastiveConfig(epochs=1, batch_size=3, n_points=8, projection_dim=4)
    trained, info = mod.fine_tuned(_model(df), cfg, df, None, tmp_path, "pretrained_x_s0")
    assert (tmp_path / "pretrained_x_s0.pt").exists() and "cached" not in info
    again, info2 = mod.fine_tuned(_model(df), cfg, df, None, tmp_path, "pretrained_x_s0")
    assert info2["cached"] and info2["best_epoch"] == info["best_epoch"]
    for a, b in zip(trained.state_dict().values(), again.state_dict().values(), strict=True):
        assert torch.equal(a, b)
    assert any(not torch.equal(a, b) for a, b in zip(  # it was trained: not the fresh init
        _model(df).state_dict().values(), again.state_dict().values(), strict=True))  # fmt: skip
