"""Speculative rollouts: a perfect draft reproduces plain decoding; a poor draft with c = 0
still does (every draft replaced by the main model's mean); rows advance independently."""

import pytest
import torch
from test_generate import STATS, make_batch, tiny

from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.model.speculative import speculative_generate


def draft_model(pos_type="rope") -> TrajectoryModel:
    torch.manual_seed(1)
    cfg = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=64, pos_type=pos_type,
                      stats=STATS)  # fmt: skip
    return TrajectoryModel(cfg).eval()


@pytest.mark.parametrize("pos_type", ["rope", "rope_time", "learned"])
@pytest.mark.parametrize("k", [1, 3])
def test_perfect_draft_equals_plain_decoding(pos_type, k):
    model = tiny(pos_type=pos_type, max_len=64, n_kv_heads=2)
    b = make_batch(lengths=(10, 4, 2, 7))
    plain = model.generate(b, steps=9)
    spec = speculative_generate(model, model, b, steps=9, k=k, c=1.0)
    for key in ("pos", "t", "pos_std", "dt_std"):
        torch.testing.assert_close(spec[key], plain[key], atol=1e-5, rtol=1e-6)
    assert spec["rounds"] == -(-9 // (k + 1))  # every draft kept: k + 1 points per main pass


def test_rejecting_every_draft_still_equals_plain_decoding():
    """c = 0 rejects (almost) every draft: the rollout is then the main model's own."""
    model = tiny(max_len=64)
    b = make_batch(lengths=(10, 4, 2, 7))
    plain = model.generate(b, steps=6)
    spec = speculative_generate(model, draft_model(), b, steps=6, k=2, c=0.0)
    torch.testing.assert_close(spec["pos"], plain["pos"], atol=1e-5, rtol=1e-6)
    torch.testing.assert_close(spec["t"], plain["t"], atol=1e-5, rtol=1e-6)
    assert spec["rounds"] == 6 and (spec["accepted"] == 0).all()


def test_loose_acceptance_keeps_drafts_and_is_deterministic():
    model, draft = tiny(max_len=64), draft_model()
    b = make_batch(lengths=(10, 4, 2, 7))
    s1 = speculative_generate(model, draft, b, steps=8, k=4, c=1e6)  # accept everything
    s2 = speculative_generate(model, draft, b, steps=8, k=4, c=1e6)
    assert torch.equal(s1["pos"], s2["pos"]) and s1["pos"].shape == (4, 8, 2)
    assert s1["rounds"] == 2 and (s1["accepted"] == 7).all()  # 4 + 1, then 3 of the last 4
    first = draft.generate(b, steps=4)  # the first round's drafts are the draft's own rollout
    torch.testing.assert_close(s1["pos"][:, :4], first["pos"], atol=1e-5, rtol=1e-6)


def test_bad_arguments():
    model, b = tiny(max_len=64), make_batch(lengths=(10, 1))
    with pytest.raises(ValueError, match=">= 2 history points"):
        speculative_generate(model, model, b, steps=3)
    with pytest.raises(ValueError, match="gaussian"):
        speculative_generate(tiny(head="mse"), model, make_batch(), steps=3)
