"""Trip-level contrastive pretraining: a trip identity in the pretrained states (issue 14).

A next-point model's mean-pooled states describe local motion and collapse with depth
(docs/pretraining.md, session 9: mean cosine between trips 0.57 -> 0.81), so a similarity
fine-tune from them starts no better than from a random init. This term asks the pretraining
itself to keep trips apart: every window of the batch gives two augmented views,

    window (T points) --coin flip per point--> view A, view B      (disjoint, ~T/2 each)
    each view cut to a U(crop_min, 1) sub-window, its points moved to the front,
    re-based (t from 0, t0 at its first point) and clock-shifted by U(0, max_shift_s),
    GPS noise N(0, s^2) per point with s ~ U(0, noise_max_m) per view
    z = normalize(mean-pool(final states of the view))            (B, C)
    loss = next-point NLL(window) + weight * InfoNCE(z_A, z_B)    (in-batch negatives)

The views are what the similarity fine-tune's augmented views are (trajlm/tasks/contrastive.py,
``augment``), built here on the window tensors so a pretraining step needs no table. All draws
come from one ``torch.Generator`` (the trainer's ``step_generator(seed, step)``): a resumed run
draws the same views. Pooling is the mean over real points, as search embeds, or the summary
token's state for a model built with one (ModelConfig.summary_token, session 21).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F

from trajlm.model.summary import summary_state, uses_summary


@dataclass
class TripContrastConfig:
    weight: float = 1.0  # of the InfoNCE term, beside the next-point NLL (weight 1)
    temperature: float = 0.1
    crop_min: float = 0.5  # each view keeps a U(crop_min, 1) share of its points, contiguous
    noise_max_m: float = 50.0  # per-view GPS noise std ~ U(0, noise_max_m) metres
    max_shift_s: float = 86_400.0  # per-view clock shift ~ U(0, max_shift_s)

    def __post_init__(self) -> None:
        if not (self.weight >= 0 and self.temperature > 0):
            raise ValueError("need weight >= 0 and temperature > 0")
        if not 0.0 < self.crop_min <= 1.0:
            raise ValueError(f"crop_min must be in (0, 1], got {self.crop_min}")
        if self.noise_max_m < 0 or self.max_shift_s < 0:
            raise ValueError("need noise_max_m >= 0 and max_shift_s >= 0")

    def to_dict(self) -> dict:
        return asdict(self)


def _compact(batch: dict, keep: torch.Tensor) -> dict:
    """The kept points of every row moved to the front (order kept), re-based so each row's
    time starts at 0 and t0 is its first kept point's clock. keep: (B, T) bool."""
    B, T = keep.shape
    ar = torch.arange(T, device=keep.device)
    # kept points first, in index order: sort key = index for kept, T + index for the rest
    idx = torch.argsort(torch.where(keep, ar, T + ar), dim=1)  # (B, T)
    n = keep.sum(1)  # (B,)
    mask = ar[None] < n[:, None]  # (B, T)
    t = torch.gather(batch["t"], 1, idx)
    t_first = t[:, :1]
    return {
        "pos": torch.gather(batch["pos"], 1, idx[..., None].expand(B, T, 2)) * mask[..., None],
        "t": (t - t_first) * mask,
        "t0": batch["t0"] + t_first[:, 0].round().long(),
        "mask": mask,
    }


def augmented_view(
    batch: dict, keep: torch.Tensor, cfg: TripContrastConfig, g: torch.Generator
) -> dict:
    """One view: the ``keep`` points of each row, cropped, compacted, noised, clock-shifted."""
    B, T = keep.shape
    dev = keep.device
    n = keep.sum(1)  # (B,) points before the crop
    frac = cfg.crop_min + (1 - cfg.crop_min) * torch.rand(B, generator=g).to(dev)
    length = (frac * n).ceil().long().clamp(min=1).minimum(n.clamp(min=1))  # (B,)
    start = (torch.rand(B, generator=g).to(dev) * (n - length + 1)).floor().long()
    rank = keep.long().cumsum(1) - 1  # (B, T): 0.. within the kept points
    crop = keep & (rank >= start[:, None]) & (rank < (start + length)[:, None])
    view = _compact(batch, crop)
    sigma = cfg.noise_max_m * torch.rand(B, 1, 1, generator=g).to(dev)  # (B, 1, 1) metres
    noise = torch.randn(view["pos"].shape, generator=g).to(dev) * sigma
    view["pos"] = view["pos"] + noise * view["mask"][..., None]
    shift = (cfg.max_shift_s * torch.rand(B, generator=g)).round().long().to(dev)
    view["t0"] = view["t0"] + shift
    return view


def two_views(batch: dict, cfg: TripContrastConfig, g: torch.Generator) -> tuple[dict, dict]:
    """Two disjoint augmented views of every window (a fair coin per point; the first real
    point goes to A and the second to B, so neither is empty when the row has 2 points)."""
    mask = batch["mask"].bool()
    coin = torch.rand(mask.shape, generator=g).to(mask.device) < 0.5
    coin[:, 0], coin[:, 1] = True, False
    return augmented_view(batch, mask & coin, cfg, g), augmented_view(batch, mask & ~coin, cfg, g)


def pooled(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """(B, C) unit-norm mean of the states (B, T, C) over the real points (B, T)."""
    m = mask.to(hidden.dtype)[..., None]
    return F.normalize((hidden * m).sum(1) / m.sum(1).clamp(min=1), dim=-1)


def info_nce(za: torch.Tensor, zb: torch.Tensor, temperature: float) -> torch.Tensor:
    """Symmetric InfoNCE over positive pairs (row i of za <-> row i of zb), in-batch negatives."""
    logits = za @ zb.T / temperature  # (B, B)
    target = torch.arange(len(za), device=za.device)
    return 0.5 * (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target))


def trip_contrast_loss(
    model, batch: dict, cfg: TripContrastConfig, g: torch.Generator
) -> tuple[torch.Tensor | None, dict]:
    """(InfoNCE of two augmented views per window, logs); None when fewer than 2 windows have
    >= 2 points (no pair with a negative)."""
    ok = batch["mask"].bool().sum(1) >= 2
    if int(ok.sum()) < 2:
        return None, {}
    batch = {k: batch[k][ok] for k in ("pos", "t", "t0", "mask")}
    va, vb = two_views(batch, cfg, g)
    if uses_summary(getattr(model, "module", model)):  # session 21: the summary token's state
        core = getattr(model, "module", model)
        za = F.normalize(summary_state(model, va, core), dim=-1)
        zb = F.normalize(summary_state(model, vb, core), dim=-1)
    else:
        za = pooled(model(va).hidden, va["mask"])
        zb = pooled(model(vb).hidden, vb["mask"])
    loss = info_nce(za, zb, cfg.temperature)
    with torch.no_grad():
        top1 = float(
            (za @ zb.T).argmax(1).eq(torch.arange(len(za), device=za.device)).float().mean()
        )
    return loss, {"contrast": float(loss.detach()), "contrast_top1": top1}
