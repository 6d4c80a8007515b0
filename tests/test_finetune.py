"""Fine-tuning modes (full / selective / LoRA through PEFT), adapters and the classifier."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from trajlm.data.synthetic import generate_city
from trajlm.eval.classify import CLASS_MAP, make_mode_segments, segment_labels
from trajlm.finetune.modes import (
    apply_mode,
    count_trainable,
    load_adapter,
    merge_adapter,
    save_adapter,
)
from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.tasks.classify import ModelClassifier, TrajectoryClassifier, window_dataset

pytest.importorskip("peft")


def _model(seed: int = 0) -> TrajectoryModel:
    torch.manual_seed(seed)
    return TrajectoryModel(ModelConfig(d_model=32, n_layers=2, n_heads=2, pos_type="rope"))


def _batch(B: int = 3, T: int = 12, seed: int = 0) -> dict:
    g = torch.Generator().manual_seed(seed)
    pos = torch.cumsum(torch.randn(B, T, 2, generator=g) * 50.0, dim=1)
    mask = torch.ones(B, T, dtype=torch.bool)
    mask[0, 9:] = False  # padding at the end of one row
    t = torch.arange(T, dtype=torch.float32).expand(B, T) * 15.0
    return {"pos": pos, "t": t.contiguous(), "t0": torch.full((B,), 1_600_000_000), "mask": mask}


def _perturb_lora(model) -> None:
    """LoRA B starts at zero (a no-op adapter); give it values so the tests can see it."""
    g = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "lora_" in name:
                p.copy_(torch.randn(p.shape, generator=g) * 0.05)


def test_lora_wraps_named_targets_and_trains_few_params():
    model = apply_mode(_model(), "lora", lora_r=2)
    names = [n for n, p in model.named_parameters() if p.requires_grad]
    assert names and all("lora_" in n for n in names)
    for target in ("q_proj", "k_proj", "v_proj", "o_proj", "fc_in", "fc_out"):
        assert any(f".{target}.lora_A" in n for n in names), target
    c = count_trainable(model)
    assert 0 < c["trainable"] < 0.2 * c["total"]
    model(_batch()).loss.backward()  # gradients reach the adapter only
    assert all(p.grad is not None for n, p in model.named_parameters() if "lora_" in n)


def test_lora_init_depends_on_its_seed_not_on_the_global_generator():
    def lora_a(seed: int, draws_before: int) -> torch.Tensor:
        net = _model()
        torch.randn(draws_before)  # whatever ran earlier in the same process
        state = torch.get_rng_state()
        net = apply_mode(net, "lora", lora_r=2, seed=seed)
        assert torch.equal(torch.get_rng_state(), state)  # the global generator is left alone
        return torch.cat([p.detach().flatten() for n, p in net.named_parameters()
                          if "lora_A" in n])  # fmt: skip

    assert torch.equal(lora_a(0, 0), lora_a(0, 7))
    assert not torch.equal(lora_a(0, 0), lora_a(1, 0))


def test_lora_adapter_round_trip_and_merge_equality(tmp_path):
    batch = _batch()
    tuned = apply_mode(_model(), "lora", lora_r=4)
    _perturb_lora(tuned)
    tuned.eval()
    with torch.no_grad():
        want = tuned(batch).pred
        plain = _model().eval()(batch).pred
    assert not torch.allclose(want, plain, atol=1e-4)  # the adapter does something
    nbytes = save_adapter(tuned, tmp_path / "adapter")
    files = sorted(p.name for p in (tmp_path / "adapter").iterdir())
    assert files == ["adapter_config.json", "adapter_model.safetensors"]
    n_lora = sum(p.numel() for n, p in tuned.named_parameters() if "lora_" in n)
    assert nbytes < 4 * n_lora + 20_000  # only the adapter, not the 30k base weights

    loaded = load_adapter(_model(), tmp_path / "adapter").eval()  # fresh base, same seed
    with torch.no_grad():
        torch.testing.assert_close(loaded(batch).pred, want, rtol=0, atol=1e-6)
        merged = merge_adapter(loaded)
        assert type(merged) is TrajectoryModel
        assert not any("lora" in n for n, _ in merged.named_parameters())
        torch.testing.assert_close(merged(batch).pred, want, rtol=1e-4, atol=1e-5)
    merged.save_pretrained(tmp_path / "merged")  # a plain checkpoint again
    again = TrajectoryModel.from_pretrained(tmp_path / "merged").eval()
    with torch.no_grad():
        torch.testing.assert_close(again(batch).pred, want, rtol=1e-4, atol=1e-5)


def test_selective_freezing_leaves_frozen_weights_bit_identical():
    model = apply_mode(_model(), "selective", n_last=1)
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    trainable = {n for n, p in model.named_parameters() if p.requires_grad}
    assert any(n.startswith("blocks.1.") for n in trainable)
    assert any(n.startswith("head.") for n in trainable)
    assert not any(n.startswith(("blocks.0.", "embed.")) for n in trainable)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=1e-2, weight_decay=0.1)
    model(_batch()).loss.backward()
    opt.step()
    for n, p in model.named_parameters():
        if n in trainable:
            continue
        assert torch.equal(p, before[n]), n  # bit-identical
    assert any(not torch.equal(p, before[n]) for n, p in model.named_parameters() if n in trainable)


def test_selective_adapter_round_trip_and_named_modules(tmp_path):
    model = apply_mode(_model(), "selective", train_modules=["blocks.0.mlp", "head"])
    trainable = {n for n, p in model.named_parameters() if p.requires_grad}
    assert trainable and all(n.startswith(("blocks.0.mlp.", "head.")) for n in trainable)
    with torch.no_grad():
        for _n, p in model.named_parameters():
            if p.requires_grad:
                p.add_(0.01)
    save_adapter(model, tmp_path / "sel")
    loaded = load_adapter(_model(), tmp_path / "sel")
    for (n, a), (_, b) in zip(model.state_dict().items(), loaded.state_dict().items(), strict=True):
        assert torch.equal(a, b), n
    with pytest.raises(ValueError, match="match no parameter"):
        apply_mode(_model(), "selective", train_modules=["no_such_module"])


def test_classifier_head_shapes_and_pooling_ignores_padding():
    clf = TrajectoryClassifier(_model(), n_classes=4).eval()
    batch = _batch()
    with torch.no_grad():
        logits = clf(batch)
        pooled = clf.pool(batch)
        assert logits.shape == (3, 4) and pooled.shape == (3, 64)
        moved = {k: v.clone() for k, v in batch.items()}
        moved["pos"][0, 9:] += 1e4  # padding content must not matter
        torch.testing.assert_close(clf.pool(moved), pooled)
    lora = TrajectoryClassifier(apply_mode(_model(), "lora", lora_r=2), n_classes=3)
    assert lora(batch).shape == (3, 3)


def test_model_classifier_fits_synthetic_modes(tmp_path):
    df = generate_city(n_trajectories=120, seed=0).points
    seg, _ = make_mode_segments(df, {**CLASS_MAP, "walk": "walk"})
    cfg = ModelConfig(d_model=32, n_layers=2, n_heads=2, pos_type="rope", max_len=32)
    clf = ModelClassifier(None, model_config=cfg, mode="full", max_len=32, epochs=3, lr=3e-3)
    clf.fit(seg)
    pred = clf.classify(seg)
    labels = np.sort(seg["traj_id"].unique().to_numpy())
    assert pred.shape == (len(labels),) and set(pred) <= set(clf.classes_)
    batch, owner, y = window_dataset(seg, clf.classifier_, 32, clf.classes_)
    assert len(owner) == len(y) == len(batch["mask"]) and owner.max() == len(labels) - 1
    assert clf.info_["trainable"] == clf.info_["total"]
    acc = float(np.mean(pred == segment_labels(seg)))
    assert acc > 0.5, acc  # the synthetic modes differ in speed: easy to fit
    clf.save(tmp_path / "clf")
    again = ModelClassifier.load(tmp_path / "clf")
    assert (again.classify(seg) == pred).all()


def test_lora_classifier_saves_small_adapter_and_reloads(tmp_path):
    df = generate_city(n_trajectories=40, seed=2).points
    seg, _ = make_mode_segments(df, {**CLASS_MAP, "walk": "walk"})
    clf = ModelClassifier(_model(), mode="lora", lora_r=2, max_len=32, epochs=1).fit(seg)
    assert clf.info_["pct"] < 50
    pred = clf.classify(seg)
    nbytes = clf.save(tmp_path / "clf")
    assert (tmp_path / "clf" / "adapter" / "adapter_model.safetensors").exists()
    assert nbytes < 4 * 30_000  # adapter + head, well below the fp32 backbone
    assert (ModelClassifier.load(tmp_path / "clf").classify(seg) == pred).all()


def test_linear_head_thinned_segments_lora_share_and_reload(tmp_path):
    df = generate_city(n_trajectories=40, seed=3).points
    seg, _ = make_mode_segments(df, {**CLASS_MAP, "walk": "walk"})
    mlp = ModelClassifier(_model(), mode="lora", lora_r=1, max_len=32, epochs=1).fit(seg)
    clf = ModelClassifier(_model(), mode="lora", lora_r=1, max_len=32, epochs=1, head="linear",
                          n_points=16).fit(seg)  # fmt: skip
    assert clf.info_["trainable"] < mlp.info_["trainable"]
    batch, owner, _ = clf._windows(seg, clf.classifier_)
    assert len(owner) == seg["traj_id"].n_unique()  # one thinned window per segment
    assert int(batch["mask"].sum(1).max()) <= 16
    pred = clf.classify(seg)
    clf.save(tmp_path / "clf")
    again = ModelClassifier.load(tmp_path / "clf")
    assert again.head == "linear" and again.n_points == 16
    assert (again.classify(seg) == pred).all()


def test_finetune_next_point_lora_writes_adapter_and_merged(tmp_path):
    from trajlm.data.ingest import synth_store
    from trajlm.finetune.trainer import finetune_next_point
    from trajlm.train.trainer import TrainConfig

    store = tmp_path / "synth"
    synth_store(store, n_trajectories=30, seed=1)
    base = _model()
    base.save_pretrained(tmp_path / "base")
    tc = TrainConfig(
        batch_size=4, max_len=16, lr=3e-3, warmup_steps=2, eval_every=3, eval_batches=2
    )
    s = finetune_next_point(tmp_path / "base", store, tmp_path / "ft", mode="lora", max_steps=6,
                            lora_r=2, train_config=tc, fraction=0.5)  # fmt: skip
    assert s["steps"] == 6 and 0 < s["pct"] < 25 and s["adapter_bytes"] > 0
    assert (tmp_path / "ft" / "adapter" / "adapter_model.safetensors").exists()
    merged = TrajectoryModel.from_pretrained(tmp_path / "ft" / "merged")
    assert merged.config.stats is not None  # the target store's statistics
    # the frozen base is untouched on disk; the merged model differs from it
    a, b = _model().state_dict(), merged.state_dict()
    assert any(not torch.equal(a[k], b[k]) for k in a if k.endswith("q_proj.weight"))
    # session 14: the same call again keeps the earlier fine-tune unless told to replace it
    from trajlm.errors import OutputExistsError

    before = (tmp_path / "ft" / "merged" / "model.safetensors").read_bytes()
    with pytest.raises(OutputExistsError, match="earlier fine-tune"):
        finetune_next_point(tmp_path / "base", store, tmp_path / "ft", mode="lora", max_steps=6,
                            lora_r=2, train_config=tc, fraction=0.5)  # fmt: skip
    assert (tmp_path / "ft" / "merged" / "model.safetensors").read_bytes() == before
    s2 = finetune_next_point(tmp_path / "base", store, tmp_path / "ft", mode="lora", max_steps=6,
                             lora_r=2, train_config=tc, fraction=0.5, overwrite=True)  # fmt: skip
    assert s2["steps"] == 6
