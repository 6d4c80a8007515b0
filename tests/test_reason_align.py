"""DPO on the model's own samples: the loss on toy pairs (log 2 at equal policy and reference,
its sign), the continuation log-likelihood against a hand computation, and one short run of
pairs -> Trainer that moves the weights."""

import math

import numpy as np
import pytest
import torch
from test_generate import STATS, make_batch, tiny

from trajlm.reason.validity import SPEED
from trajlm.train.preference import PreferencePairs, continuation_logp, dpo_loss, join


def test_dpo_loss_is_log2_at_equal_policy_and_reference():
    lp = torch.tensor([-3.0, -7.5])
    loss, logs = dpo_loss(lp, lp - 1.0, lp, lp - 1.0, beta=0.1)
    assert float(loss) == pytest.approx(math.log(2))
    assert logs["dpo_margin"] == 0.0


def test_dpo_loss_sign_and_value():
    ref_c, ref_r = torch.tensor([-5.0]), torch.tensor([-5.0])
    better, _ = dpo_loss(torch.tensor([-4.0]), torch.tensor([-6.0]), ref_c, ref_r, beta=0.5)
    worse, _ = dpo_loss(torch.tensor([-6.0]), torch.tensor([-4.0]), ref_c, ref_r, beta=0.5)
    # margin +2 -> -log sigmoid(1); margin -2 -> -log sigmoid(-1)
    assert float(better) == pytest.approx(-math.log(1 / (1 + math.exp(-1.0))))
    assert float(worse) == pytest.approx(-math.log(1 / (1 + math.exp(1.0))))
    assert float(better) < math.log(2) < float(worse)
    pol = torch.tensor([-5.0], requires_grad=True)
    dpo_loss(pol, torch.tensor([-5.0]), ref_c, ref_r)[0].backward()
    assert pol.grad.item() < 0  # descending the loss raises the chosen likelihood


def test_continuation_logp_matches_a_hand_computation():
    model = tiny()
    b = make_batch(lengths=(6, 4), T=6)
    new = model.generate(b, 3, sample=True, generator=torch.Generator().manual_seed(0))
    joined, cont = join(b, new["pos"], new["t"])
    assert cont.sum(1).tolist() == [3, 3] and joined["mask"].sum(1).tolist() == [9, 7]
    torch.testing.assert_close(joined["pos"][1, 4:7], new["pos"][1])
    lp = continuation_logp(model, joined, cont)
    # by hand for row 1: its points 0..6, steps into points 4, 5, 6 predicted at 3, 4, 5
    row = {k: v[1:2, :7] if v.dim() > 1 else v[1:2] for k, v in joined.items()}
    out = model(row)
    y = model.embed.features(row["pos"], row["t"], row["t0"], row["mask"])[0, 4:7, 2:5]
    mu, lv = out.pred[0, 3:6], out.log_var[0, 3:6]
    want = (-0.5 * (lv + (y - mu) ** 2 / lv.exp() + math.log(2 * math.pi))).sum()
    torch.testing.assert_close(lp[1], want, atol=1e-4, rtol=1e-5)


def test_preference_pairs_batches_are_a_permutation():
    n = 10
    pairs = {"t0": torch.arange(n), "ref_logp": torch.zeros(n, 2)}
    obj = PreferencePairs(pairs, batch_size=4, seed=1)
    seen = torch.cat([b["t0"] for b in obj.batches(0)])
    assert sorted(seen.tolist()) == list(range(n)) and len(list(obj.batches(0))) == 3
    assert seen.tolist() == torch.cat([b["t0"] for b in obj.batches(0)]).tolist()  # pure
    with pytest.raises(ValueError, match="no preference pairs"):
        PreferencePairs({"t0": torch.zeros(0)})


@pytest.mark.slow
def test_align_raises_the_chosen_over_the_rejected():
    from trajlm.data.protocol_tasks import PredictionTask
    from trajlm.reason.align import align, build_pairs

    model = tiny(stats=STATS | {"lat0": 45.0, "lon0": 7.0})
    rng = np.random.default_rng(0)
    N, T = 24, 8
    lat = 45.0 + np.cumsum(rng.normal(0, 2e-5, (N, T)), 1)
    lon = 7.0 + np.cumsum(rng.normal(0, 2e-5, (N, T)), 1)
    t = 1_700_000_000 + np.cumsum(np.full((N, T), 15), 1)
    task = PredictionTask([str(i) for i in range(N)], np.stack([lat, lon], -1), t,
                          np.full(N, T), np.zeros((N, 3, 2)), np.zeros((N, 3), np.int64), 0)  # fmt: skip

    def fast_steps_fail(batch, pos, t, modes):  # "invalid" = a step longer than 2 m
        prev = torch.cat([batch["pos"][torch.arange(len(pos)), batch["mask"].sum(1) - 1][:, None],
                          pos[:, :-1]], 1)  # fmt: skip
        step = (pos - prev).norm(dim=-1).numpy()
        return np.where(step > 2.0, SPEED, 0).astype(np.int8)

    pairs = build_pairs(model, task, "car", steps=3, n_samples=6, checker=fast_steps_fail,
                        generator=torch.Generator().manual_seed(0))  # fmt: skip
    n = len(pairs["t0"])
    assert n > 0 and pairs["pos"].shape[:2] == (n, 2) and pairs["ref_logp"].shape == (n, 2)
    obj = PreferencePairs(pairs, batch_size=n, beta=0.5)
    before = obj.loss(model, pairs, 0)[0].detach()
    assert float(before) == pytest.approx(math.log(2), abs=1e-4)  # policy == reference
    align(model, pairs, max_steps=15, lr=3e-3, beta=0.5, batch_size=n)
    after, logs = obj.loss(model, pairs, 0)
    assert float(after) < float(before) and logs["dpo_margin"] > 0
