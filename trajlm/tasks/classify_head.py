"""The transport-mode classifier network (PROTOCOL.md task 4; trajlm.tasks.classify trains it).

    TrajectoryClassifier: backbone (TrajectoryModel, optionally LoRA-wrapped) -> hidden (B, T, C)
        -> pool [mean over real points ; last real point] (B, 2C) -> MLP head -> logits (B, K)

With ``n_features`` > 0 (the hybrid head, issue 15) the head (``FeatureHead``) reads
``[pooled (B, 2C) ; standardized segment features (B, F)]``: the speed / acceleration / turn
percentiles the gradient-boosting baseline uses (trajlm.data.motion_features), computed from
each segment's own points before thinning, trained end to end with the backbone.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn as nn

from trajlm.train.modes import core_model


def _head_layers(n_in: int, C: int, n_classes: int, dropout: float, head: str) -> nn.Sequential:
    if head == "mlp":
        return nn.Sequential(
            nn.LayerNorm(n_in),
            nn.Linear(n_in, C),
            nn.GELU(),
            nn.Dropout(dropout),
            nn.Linear(C, n_classes),
        )
    if head == "linear":  # ~2C * K parameters: keeps LoRA's trainable share small
        return nn.Sequential(nn.LayerNorm(n_in), nn.Dropout(dropout), nn.Linear(n_in, n_classes))
    raise ValueError(f'head must be "mlp" or "linear", got {head!r}')


class FeatureHead(nn.Module):
    """Head over [pooled embedding ; segment features]: ``forward(pooled (B, 2C), feats (B, F))``.

    Features go through a signed log1p (lengths and durations span 4 orders of magnitude), then
    are standardized with train statistics kept as buffers (saved with the head) and clipped to
    +-5 so one odd segment cannot dominate.
    """

    def __init__(self, C: int, n_features: int, n_classes: int, dropout: float, head: str) -> None:
        super().__init__()
        self.register_buffer("feat_mean", torch.zeros(n_features))
        self.register_buffer("feat_std", torch.ones(n_features))
        self.layers = _head_layers(2 * C + n_features, C, n_classes, dropout, head)

    @staticmethod
    def _squash(x: torch.Tensor) -> torch.Tensor:
        return torch.sign(x) * torch.log1p(x.abs())

    def fit_scaler(self, feats: np.ndarray) -> None:
        """Standardization statistics from the train segments' features (N, F)."""
        z = self._squash(torch.as_tensor(feats, dtype=torch.float32))
        self.feat_mean.copy_(z.mean(0))
        self.feat_std.copy_(z.std(0).clamp(min=1e-6) if len(z) > 1 else torch.ones(z.shape[1]))

    def forward(self, pooled: torch.Tensor, feats: torch.Tensor) -> torch.Tensor:
        z = ((self._squash(feats.float()) - self.feat_mean) / self.feat_std).clamp(-5.0, 5.0)
        return self.layers(torch.cat([pooled, z.to(pooled.dtype)], dim=-1))  # (B, K)


class TrajectoryClassifier(nn.Module):
    """Backbone + pooled classification head: ``forward(batch) -> logits (B, n_classes)``.

    ``n_features`` > 0: the hybrid head (``FeatureHead``), which also reads ``batch["features"]``
    (B, n_features).
    """

    def __init__(
        self,
        backbone: nn.Module,
        n_classes: int,
        dropout: float = 0.1,
        head: str = "mlp",
        n_features: int = 0,
    ) -> None:
        super().__init__()
        self.backbone_model = backbone  # TrajectoryModel or peft.PeftModel around one
        self.n_features = n_features
        C = core_model(backbone).config.d_model
        if n_features > 0:
            self.head = FeatureHead(C, n_features, n_classes, dropout, head)
        else:
            self.head = _head_layers(2 * C, C, n_classes, dropout, head)

    def pool(self, batch: dict) -> torch.Tensor:
        """(B, 2C): mean of the hidden states over real points and the last real point's."""
        x = {k: v for k, v in batch.items() if k != "features"}
        h = self.backbone_model(x).hidden  # (B, T, C)
        mask = batch["mask"]
        m = mask.to(h.dtype)[..., None]  # (B, T, 1)
        mean = (h * m).sum(1) / m.sum(1).clamp(min=1)  # (B, C)
        last = (mask.sum(1) - 1).clamp(min=0)  # (B,) index of the last real point
        h_last = h[torch.arange(h.shape[0], device=h.device), last]  # (B, C)
        return torch.cat([mean, h_last], dim=-1)

    def forward(self, batch: dict) -> torch.Tensor:
        if not self.n_features:
            return self.head(self.pool(batch))
        feats = batch.get("features")
        if feats is None or tuple(feats.shape) != (batch["mask"].shape[0], self.n_features):
            got = None if feats is None else tuple(feats.shape)
            raise ValueError(
                f"this classifier's hybrid head reads batch['features'] of shape "
                f"(B, {self.n_features}) (trajlm.data.motion_features.segment_features); got {got}"
            )
        return self.head(self.pool(batch), feats)
