"""GLM-style infilling: sequence layout, attention pattern, no leaks, variable-length spans."""

import pytest
import torch
from helpers import STATS
from helpers import make_batch as _make_batch

from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.objectives import masking as mk
from trajlm.objectives.infill import (
    build_infill,
    fill_in_place,
    generate_spans,
    infill_forward,
    infill_loss,
)


def make_batch(B=3, T=12, lengths=(12, 9, 5), seed=0) -> dict:
    return _make_batch(B, T, lengths, seed)


def tiny(pos_type="rope_time", **kw) -> TrajectoryModel:
    torch.manual_seed(0)
    cfg = dict(d_model=32, n_layers=2, n_heads=4, max_len=64, stats=STATS, pos_type=pos_type)
    return TrajectoryModel(ModelConfig(**(cfg | {"infill_heads": True} | kw))).eval()


def _dm(space_rows, time_rows, T):
    s = torch.zeros(len(space_rows), T, dtype=torch.bool)
    tm = torch.zeros_like(s)
    for b, (sp, ti) in enumerate(zip(space_rows, time_rows, strict=True)):
        s[b, sp] = True
        tm[b, ti] = True
    return mk.DomainMask(s, tm)


def test_layout_of_the_docstring_example():
    batch = make_batch(1, 7, (7,))
    dm = _dm([[2, 3, 5]], [[2, 3]], 7)  # h2 h3 both hidden, x5 position hidden
    ib = build_infill(batch, dm, STATS)
    assert ib.token_type.tolist() == [[0, 0, mk.TOK_GAP, 6, 1, 6, mk.TOK_SPAN_START, 0, 0]]
    assert ib.index.tolist() == [[0, 1, 2, 3, 4, 5, 2, 2, 2]]
    assert ib.span_index.tolist() == [[0, 0, 0, 0, 0, 0, 1, 2, 3]]
    assert ib.segment.tolist() == [[1, 1, 1, 1, 1, 1, 2, 2, 2]]
    assert ib.slot.tolist() == [[0, 1, 7, 8, 3, 4, 5]]
    assert ib.step_valid.tolist() == [[False] * 6 + [True, True, False]]  # [s]->h2, h2->h3
    assert ib.end_valid.tolist() == [[False] * 7 + [True, True]]
    assert ib.end_y[0, 7:].tolist() == [0.0, 1.0]
    assert ib.infill_valid[0, :, 0].tolist() == [False] * 4 + [True] + [False] * 4
    # [m] carries no features; x5 has no position and o4, o6 no steps
    assert ib.feats[0, 2].abs().sum() == 0
    assert ib.feats[0, 4, 0:4].abs().sum() == 0  # x5: its position and step are hidden
    # o6 (after the hidden x5) and o4 (after the run h2 h3) carry the step from the last
    # visible point (o4 and o1): no hidden value is read, the local geometry is kept.
    ratio = STATS["xy_scale"] / STATS["dxy_scale"]
    for slot, prev in ((5, 3), (3, 1)):
        bridge = (ib.feats[0, slot, 0:2] - ib.feats[0, prev, 0:2]) * ratio
        assert torch.allclose(ib.feats[0, slot, 2:4], bridge, atol=1e-4)
    # the [s] token holds o1's position, the first span point's step target is o1 -> h2
    assert torch.allclose(ib.feats[0, 6, :2], ib.feats[0, 1, :2])
    assert torch.allclose(ib.step_y[0, 6, :2], (batch["pos"][0, 2] - batch["pos"][0, 1]) / 40.0)


def test_attention_mask_pattern():
    batch = make_batch(1, 8, (8,))
    dm = _dm([[2, 3, 5]], [[2, 3, 5]], 8)  # runs {2, 3} and {5}
    ib = build_infill(batch, dm, STATS)
    # corrupted: o0 o1 [m] o4 [m] o6 o7 (7), spans: [s] h2 h3 | [s] h5
    seg = ib.segment[0].tolist()
    assert seg == [1] * 7 + [2, 2, 2, 3, 3]
    a = ib.attention_mask()[0, 0].int()
    expect = torch.zeros(12, 12, dtype=torch.int)
    expect[:, :7] = 1
    for lo, hi in ((7, 10), (10, 12)):
        expect[lo:hi, lo:hi] = torch.ones(hi - lo, hi - lo, dtype=torch.int).tril()
    assert torch.equal(a, expect)


@pytest.mark.parametrize(
    "pos_type,anchor_inputs",
    [("rope_time", False), ("rope", False), ("learned", False), ("rope_time", True)],
)
def test_hidden_values_never_reach_the_corrupted_part(pos_type, anchor_inputs):
    """Perturb every hidden position / time: the outputs at every corrupted token and the
    first-step predictions of every span are unchanged."""
    model = tiny(pos_type, infill_anchor_inputs=anchor_inputs)
    batch = make_batch(3, 14, (14, 11, 6))
    g = torch.Generator().manual_seed(1)
    m = batch["mask"]
    spans = mk.contiguous_segments(m, 0.3, 2.0, g)
    fw = mk.feature_wise(m & ~spans.any, 0.4, g)
    dm = mk.DomainMask(spans.space | fw.space, spans.time | fw.time)
    assert dm.both.any() and (dm.space & ~dm.time).any() and (dm.time & ~dm.space).any()
    ib = build_infill(batch, dm, model.embed.stats, anchor_inputs=anchor_inputs)
    o = infill_forward(model, ib)
    pert = dict(batch)
    pert["pos"] = batch["pos"] + dm.space[..., None] * 300 * torch.randn(3, 14, 2, generator=g)
    pert["t"] = batch["t"] + dm.time * 900 * torch.rand(3, 14, generator=g)
    ib2 = build_infill(pert, dm, model.embed.stats, anchor_inputs=anchor_inputs)
    o2 = infill_forward(model, ib2)
    c = ib.segment == 1
    assert torch.equal(ib.segment, ib2.segment)
    for a, b in ((o.infill_mean, o2.infill_mean), (o.step_mean, o2.step_mean)):
        assert torch.allclose(a[c], b[c], atol=1e-5)
    first = ib.token_type == mk.TOK_SPAN_START
    assert torch.allclose(o.step_mean[first], o2.step_mean[first], atol=1e-5)


def test_anchor_inputs_put_hidden_points_on_the_interpolation():
    """With anchor inputs a position-hidden point reads the linear interpolation in time of its
    visible neighbours, and the steps around it are taken between those positions."""
    batch = make_batch(1, 7, (7,))
    dm = _dm([[2, 3]], [[]], 7)  # x2 x3 position hidden, times known
    plain = build_infill(batch, dm, STATS)
    ib = build_infill(batch, dm, STATS, anchor_inputs=True)
    pos, t = batch["pos"][0], batch["t"][0]
    for i in (2, 3):
        w = (t[i] - t[1]) / (t[4] - t[1])
        expect = ((1 - w) * pos[1] + w * pos[4] - torch.tensor(STATS["xy_mean"])) / STATS[
            "xy_scale"
        ]
        assert torch.allclose(ib.feats[0, i, 0:2], expect, atol=1e-5)
        assert plain.feats[0, i, 0:2].abs().sum() == 0
    filled = pos.clone()
    filled[2:4] = (ib.feats[0, 2:4, 0:2] * STATS["xy_scale"]) + torch.tensor(STATS["xy_mean"])
    for i in (2, 3, 4):  # own steps and the step of the visible point after them
        step = (filled[i] - filled[i - 1]) / STATS["dxy_scale"]
        assert torch.allclose(ib.feats[0, i, 2:4], step, atol=1e-4)
    for i in (0, 1, 5, 6):  # untouched elsewhere
        assert torch.equal(ib.feats[0, i], plain.feats[0, i])


def test_run_length_does_not_change_the_corrupted_part():
    """A gap of 1 or of 4 hidden points gives the same corrupted tokens and outputs."""
    model = tiny()
    short = make_batch(1, 6, (6,))
    long = make_batch(1, 9, (9,))
    keep_s, keep_l = [0, 1, 3, 4, 5], [0, 1, 6, 7, 8]
    long["pos"][0, keep_l] = short["pos"][0, keep_s]
    long["t"][0, keep_l] = short["t"][0, keep_s]
    dm_s = _dm([[2]], [[2]], 6)
    dm_l = _dm([[2, 3, 4, 5]], [[2, 3, 4, 5]], 9)
    ib_s, ib_l = build_infill(short, dm_s, STATS), build_infill(long, dm_l, STATS)
    o_s, o_l = infill_forward(model, ib_s), infill_forward(model, ib_l)
    n = int(ib_s.n_corrupt[0])
    assert n == int(ib_l.n_corrupt[0]) == 6
    assert torch.allclose(o_s.step_mean[0, :n], o_l.step_mean[0, :n], atol=1e-5)
    assert torch.allclose(o_s.end_logit[0, : n + 1], o_l.end_logit[0, : n + 1], atol=1e-5)


def test_spans_are_causal_inside():
    model = tiny()
    batch = make_batch(1, 10, (10,))
    dm = _dm([[3, 4, 5, 6]], [[3, 4, 5, 6]], 10)
    ib = build_infill(batch, dm, STATS)
    o = infill_forward(model, ib)
    pert = dict(batch)
    pert["pos"] = batch["pos"].clone()
    pert["pos"][0, 5] += 500.0  # the 3rd span point
    o2 = infill_forward(model, build_infill(pert, dm, STATS))
    s5 = int(ib.slot[0, 5])
    assert torch.allclose(o.step_mean[0, :s5], o2.step_mean[0, :s5], atol=1e-5)
    assert not torch.allclose(o.step_mean[0, s5], o2.step_mean[0, s5], atol=1e-3)


def test_generate_spans_matches_teacher_forcing_and_fills_only_hidden():
    model = tiny()
    batch = make_batch()
    dm = mk.future(batch["mask"], torch.tensor([8, 4, 3]))
    out = generate_spans(model, batch, dm)
    vis = batch["mask"] & ~dm.both
    assert torch.equal(out["pos"][vis], batch["pos"][vis])
    assert torch.equal(out["t"][vis], batch["t"][vis])
    # feeding the generated points back as teacher forcing predicts them again
    ib = build_infill({**batch, "pos": out["pos"], "t": out["t"]}, dm, STATS)
    o = infill_forward(model, ib)
    hid = dm.both & batch["mask"]
    step = torch.gather(o.step_mean, 1, ib.src_slot.clamp_min(0)[..., None].expand(-1, -1, 3))
    prev = torch.roll(out["pos"], 1, 1)
    assert torch.allclose((prev + step[..., :2] * 40.0)[hid], out["pos"][hid], atol=1e-3)
    assert torch.equal(out["length"].sum(1), hid.sum(1))
    # known_time keeps the given timestamps
    assert torch.equal(generate_spans(model, batch, dm, known_time=True)["t"], batch["t"])


@pytest.mark.slow
def test_end_of_span_learned_and_used_for_variable_length():
    """Train only the end logit signal on runs of length 3; generation with 6 placeholders
    stops after 3 points."""
    torch.manual_seed(0)
    model = tiny().train()
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    batch = make_batch(8, 12, (12,) * 8, seed=2)
    runs = [[2, 3, 4], [5, 6, 7], [3, 4, 5], [6, 7, 8]] * 2
    dm = _dm(runs, runs, 12)
    ib = build_infill(batch, dm, STATS)
    for _ in range(120):
        loss, parts = infill_loss(model, ib)
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert parts["end"] < 0.1
    model.eval()
    test = make_batch(2, 12, (12, 12), seed=5)
    place = [[2, 3, 4, 5, 6, 7], [4, 5, 6, 7, 8, 9]]
    out = generate_spans(model, test, _dm(place, place, 12), stop_on_end=True)
    assert out["length"][0, 2].item() == 3 and out["length"][1, 4].item() == 3


def test_fill_in_place_returns_given_values_at_visible_points():
    model = tiny()
    batch = make_batch()
    dm = mk.feature_wise(batch["mask"], 0.5, torch.Generator().manual_seed(0))
    out = fill_in_place(model, batch, dm)
    vis_s = batch["mask"] & ~dm.space
    assert torch.equal(out["pos"][vis_s], batch["pos"][vis_s])
    assert torch.isfinite(out["pos"]).all() and torch.isfinite(out["t"]).all()
    hid_t = dm.time & batch["mask"]
    prev_t = torch.roll(batch["t"], 1, 1)  # a hidden time is at least the last visible one
    assert (out["t"][hid_t] >= prev_t[hid_t] - 1e-4).all()


def test_loss_backward_and_first_point_rule():
    model = tiny().train()
    batch = make_batch()
    dm = mk.contiguous_segments(batch["mask"], 0.4, 3.0, torch.Generator().manual_seed(0))
    loss, parts = infill_loss(model, build_infill(batch, dm, model.embed.stats))
    loss.backward()
    assert torch.isfinite(loss) and set(parts) == {"span_step", "own", "end"}
    assert model.end_head.weight.grad is not None and model.span_pos.weight.grad is not None
    bad = mk.DomainMask(torch.ones_like(batch["mask"]), torch.ones_like(batch["mask"]))
    with pytest.raises(ValueError, match="first point"):
        build_infill(batch, bad, STATS)
