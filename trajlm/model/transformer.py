"""The trajectory transformer: a GPT-2-style decoder over continuous GPS points.

    batch -> build_features (B, T, 9) -> PointEmbedding (B, T, C) [+ absolute positions]
          -> n_layers x Block (pre-norm attention with optional RoPE, GELU MLP) -> LayerNorm
          -> step head (step_head.py): next point's normalized (dx, dy, dt) [+ log-variance]

Module names (q_proj, k_proj, v_proj, o_proj, fc_in, fc_out) are the LoRA targets.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

from trajlm.data.features import NormStats
from trajlm.model.blocks import Block
from trajlm.model.cache import KVCache
from trajlm.model.config import ModelConfig
from trajlm.model.context import DWELL_M, needs_context, token_context
from trajlm.model.embedding import DELTA, POSITION, PointEmbedding, identity_stats, road_features
from trajlm.model.generate import generate
from trajlm.model.heads import RegressionHead, masked_mse, step_nll
from trajlm.model.moe import MoEMLP
from trajlm.model.persistence import load_model, save_model
from trajlm.model.positions import (
    LearnedPositions,
    RotaryEmbedding,
    SinusoidalPositions,
)
from trajlm.model.regions import RegionEmbedding, StepCellHead
from trajlm.model.scale import scale_inputs
from trajlm.model.step_head import StepHead


@dataclass
class ModelOutput:
    pred: torch.Tensor  # (B, T, 3) predicted normalized (dx, dy, dt) (mean for the Gaussian head)
    log_var: torch.Tensor | None  # (B, T, 3) log-variance of the Gaussian head, else None
    loss: torch.Tensor | None  # scalar, None when no position has a target
    hidden: torch.Tensor  # (B, T, C) final hidden states (after the last LayerNorm)
    # how many positions have a target (a tensor: no host sync); 0 means `loss` is a
    # placeholder 0 (e.g. a 2-point window whose one step is a glitch), not a score
    n_targets: torch.Tensor | None = None


class TrajectoryModel(StepHead, nn.Module):
    """Causal transformer over GPS points; see docs/architecture.md."""

    def __init__(self, config: ModelConfig):
        super().__init__()
        self.config = config
        self.retrieval = None  # residual_base "retrieval": its RetrievalIndex (not a parameter)
        C = config.d_model
        self.embed = PointEmbedding(
            C, config.n_special_tokens, self.stats, config.bias, clamp=config.max_step_norm,
            fourier_bands=config.pos_fourier_bands, fourier_min_m=config.pos_fourier_min_m,
            context=config.context, context_dropout=config.context_dropout,
            context_features=config.context_features, coverage=config.coverage,
            n_edge_buckets=config.n_edge_buckets,
            trajectory_frame=config.position_frame == "trajectory",
        )  # fmt: skip
        self.pos_emb = None  # absolute positions, added to the token embedding
        self.rope = None  # rotary positions, applied to q and k in every layer
        if config.pos_type == "learned":
            self.pos_emb = LearnedPositions(config.max_len, C)
        elif config.pos_type == "sinusoidal":
            self.pos_emb = SinusoidalPositions(config.max_len, C)
        else:
            self.rope = RotaryEmbedding(config.head_dim, config.rope_base, config.max_len)
        self.drop = nn.Dropout(config.dropout)
        self.blocks = nn.ModuleList(Block(config) for _ in range(config.n_layers))
        self.ln_f = nn.LayerNorm(C, bias=config.bias)
        self._build_head()  # the plain step head (step_head.py)
        # Patching (TimesFM-style): p point embeddings -> one token, one hidden state -> the
        # states of the p points that follow its patch (docs/ablations.md).
        # patch_out > patch_size: one state -> the next patch_out points (TimesFM's longer
        # output patches).
        self.patch_merge = self.patch_split = None
        if config.patch_size > 1:
            self.patch_merge = nn.Linear(config.patch_size * C, C, bias=config.bias)
        if config.points_out > 1:
            self.patch_split = nn.Linear(C, config.points_out * C, bias=config.bias)
        # Discrete region tokens (input) and the step-cell + offset head (output); regions.py.
        st = self.stats
        self.region_emb = self.region_head = None
        if config.region_cell_m > 0:
            self.region_emb = RegionEmbedding(
                C, config.region_vocab, config.region_cell_m, st.xy_mean, st.xy_scale
            )
        if config.region_head_cell_m > 0:
            cell = config.region_head_cell_m / st.dxy_scale  # in normalized step units
            self.region_head = StepCellHead(C, cell, config.region_head_radius, config.bias)
            self.region_head.decode_mode = config.region_head_decode
        self.dwell_norm = DWELL_M / st.dxy_scale
        self.infill_head = self.end_head = self.span_pos = None
        if config.infill_heads:  # see trajlm/objectives/infill.py
            # own point of a masked token: (dx, dy) to its anchor, log1p of its time offset
            self.infill_head = RegressionHead(C, config.head == "gaussian", config.bias)
            self.end_head = nn.Linear(C, 1, bias=True)  # "this span ends after this point"
            self.span_pos = nn.Embedding(config.max_len + 2, C)  # 2nd position id (in span)
        self._build_step_levers(st.dxy_scale)  # residual base, time query (step_head.py)
        # recovery: a gate in (0, 1) on the in-place (dx, dy) offset (docs/recovery.md)
        self.recovery_gate = None
        if config.recovery_gate and config.infill_heads:
            self.recovery_gate = nn.Linear(C, 1, bias=True)
        self.summary_emb = None  # the learned summary token (model/summary.py), opt-in
        if config.summary_token:
            self.summary_emb = nn.Parameter(torch.zeros(C))

        # GPT-2 init; residual projections scaled so the residual stream's variance does not
        # grow with depth (each block adds two of them).
        self.apply(self._init_weights)
        for name, p in self.named_parameters():
            # time_query.fc_out.weight too: small at init, not zero as heads.TimeQuery says
            # (zeroing it would change every seeded time_query model)
            if name.endswith(("o_proj.weight", "fc_out.weight")):
                nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * config.n_layers))
            elif ".attn.temp." in name:
                nn.init.zeros_(p)  # temperature 1: starts as the plain model
            elif self.zero_init_step_param(name):
                nn.init.zeros_(p)  # correction 0: an untrained model IS its residual base
            elif config.infill_anchor != "linear" and name.startswith("infill_head.mean."):
                nn.init.zeros_(p)  # offset 0: an untrained model recovers like its spline

    @staticmethod
    def _init_weights(module: nn.Module) -> None:
        if isinstance(module, nn.Linear):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)

    @property
    def stats(self) -> NormStats:
        """The normalization statistics this model was built with (identity if none)."""
        s = self.config.stats
        return NormStats.from_dict(s) if s is not None else identity_stats()

    def num_params(self) -> int:
        """Number of parameters (no weights are tied)."""
        return sum(p.numel() for p in self.parameters())

    def moe_aux_loss(self) -> torch.Tensor:
        """Mean load-balancing loss of the blocks' MoE layers in the last forward (0 if dense)."""
        losses = [b.mlp.aux_loss for b in self.blocks if isinstance(b.mlp, MoEMLP)]
        return torch.stack(losses).mean() if losses else torch.zeros(())

    def check_length(self, n: int) -> None:
        """Raise if n points do not fit the absolute position table (RoPE has no limit)."""
        if self.pos_emb is not None and n > self.config.max_len:
            raise ValueError(
                f"sequence of {n} points exceeds max_len={self.config.max_len} for "
                f"pos_type={self.config.pos_type!r}; use shorter windows or pos_type='rope'"
            )
        if self.rope is not None:
            self.rope.ensure_length(n)

    def backbone(
        self,
        feats: torch.Tensor,
        token_type: torch.Tensor | None,
        index: torch.Tensor,
        t: torch.Tensor,
        attn_mask: torch.Tensor | None = None,
        is_causal: bool = True,
        caches: list[KVCache] | None = None,
        slots: torch.Tensor | int | None = None,
        span_index: torch.Tensor | None = None,
        keep: torch.Tensor | None = None,
        motion: torch.Tensor | None = None,
        dist: torch.Tensor | None = None,
        scale: torch.Tensor | None = None,
        summary: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """Features (B, T, 9) -> final hidden states (B, T, C).

        index (B, T) long token positions, t (B, T) seconds since window start (for rope_time);
        caches: one KVCache per layer and slots (B, T) where the new tokens are written (an int
        s: every row's tokens at slots s..s+T-1); index may be (1, T) when all rows share it;
        span_index (B, T) long: the 2nd (within-span) position id of infilling sequences,
        0 outside spans; needs config.infill_heads. keep (B,) long: return only the state of
        row b's token keep[b] (B, 1, C); the last block then skips every other token's query
        and MLP (a prefill needs only its keys/values, ~16 % of a 20-point rollout's FLOPs).
        motion (B, T, 5) / dist (B, T): the tokens' motion statistics (moe_router "motion") and
        travelled distance (pos_type "rope_adaptive"); computed from feats when None, which is
        right when feats starts at the sequence start (a cached step passes its own).
        scale (B, T): the step scale of ``scale_invariant`` (model/scale.py), the same way.
        summary (B, T) bool: the summary-token slots of a ``summary.with_summary`` batch.
        """
        motion, dist = self.trajectory_context(feats, motion, dist)
        if self.config.scale_invariant:
            feats = scale_inputs(feats, self.step_scale(feats) if scale is None else scale,
                                 self.config.max_step_norm)  # fmt: skip
        x = self.embed(self._region_input(feats), token_type)  # (B, T, C)
        if summary is not None:  # (B, T) bool: the appended summary slots (model/summary.py)
            x = torch.where(summary[..., None], x + self.summary_emb, x)
        if self.region_emb is not None:
            x = x + self.region_emb(feats[..., POSITION])
        if self.patch_merge is not None:  # p consecutive points -> one token (B, T/p, C)
            B, T, C = x.shape
            x = self.patch_merge(x.reshape(B, T // self.config.patch_size, -1))
        if self.pos_emb is not None:
            x = x + self.pos_emb(index)
        if span_index is not None:
            if self.span_pos is None:
                raise ValueError("span_index needs a model built with infill_heads=True")
            x = x + self.span_pos(span_index.clamp_max(self.span_pos.num_embeddings - 1))
        rope = None
        if self.config.pos_type == "rope":
            rope = self.rope(index)
        elif self.config.pos_type == "rope_time":
            rope = self.rope(t / self.config.rope_time_unit_s)  # float positions, per row
        elif self.config.pos_type == "rope_adaptive":
            mix = self.config.rope_adaptive_mix  # float positions, per row
            rope = self.rope((1.0 - mix) * index.to(dist.dtype) + mix * dist)
        x = self.drop(x)
        last = len(self.blocks) - 1
        for i, block in enumerate(self.blocks):
            cache = caches[i] if caches is not None else None
            k = keep if i == last else None
            x = block(x, rope, attn_mask, is_causal, cache, slots, k, motion)
        return self.ln_f(x)

    def _region_input(self, feats: torch.Tensor) -> torch.Tensor:
        """region_replace: the cell embedding stands in for the absolute position features."""
        if self.region_emb is None or not self.config.region_replace:
            return feats
        return torch.cat([torch.zeros_like(feats[..., POSITION]), feats[..., 2:]], -1)

    def trajectory_context(self, feats, motion=None, dist=None):
        """(motion statistics, travelled distance) of each token, or None (context.py)."""
        return token_context(self.config, feats, self.dwell_norm, motion, dist)

    @property
    def needs_trajectory_context(self) -> bool:
        """Whether a cached step needs more than its own point (context.py)."""
        return needs_context(self.config)

    def forward(
        self,
        batch: dict,
        attn_mask: torch.Tensor | None = None,
        is_causal: bool = True,
        target: str = "next",
    ) -> ModelOutput:
        """Predict normalized (dx, dy, dt) at every position; loss where a target exists.

        batch: pos (B, T, 2), t (B, T), t0 (B,), mask (B, T) [, token_type (B, T) long].
        attn_mask: optional bool (T, T) / (B, T, T) / (B, 1, T, T), True = may attend; it is
        combined with the key padding mask (and the causal mask when is_causal).
        target: "next" = the next point's step features, valid where this and the next point
        are real; "identity" = this point's own step features (an autoencoder sanity check).
        """
        pos, t, t0, mask = batch["pos"], batch["t"], batch["t0"], batch["mask"]
        P = self.config.patch_size  # points per token; 1 = per-point tokens
        Q = self.config.points_out  # points each token predicts
        if P > 1 or Q > 1:
            if attn_mask is not None or not is_causal or target != "next":
                raise ValueError("patch_size > 1 supports the causal next-point objective only")
            pad = -mask.shape[1] % P  # the last patch is completed with padding points
            pos, t, mask = F.pad(pos, (0, 0, 0, pad)), F.pad(t, (0, pad)), F.pad(mask, (0, pad))
        B, T = mask.shape
        self.check_length(T // P)
        feats = self.embed.features(pos, t, t0, mask)  # (B, T, 9)
        if self.config.n_edge_buckets and P == 1:  # road inputs: (B, T, 11)
            feats = torch.cat([feats, road_features(batch, self.config.n_edge_buckets, mask)], -1)
        index = torch.arange(T // P, device=mask.device).expand(B, T // P)  # (B, T/P) tokens
        attn_mask, is_causal = self._attention_mask(mask, attn_mask, is_causal)
        token_type = batch.get("token_type") if P == 1 else None
        scale = self.step_scale(feats) if self.config.scale_invariant else None  # (B, T)
        h = self.backbone(feats, token_type, index, t[:, P - 1 :: P], attn_mask, is_causal,
                          scale=scale, summary=batch.get("summary"))  # fmt: skip
        if self.patch_split is not None:  # (B, T/P, C) -> (B, T/P * Q, C): token k's Q states
            h = self.patch_split(h).reshape(B, (T // P) * Q, -1)
        pred, log_var = self.teacher_forced_step(h, batch, feats, pos, mask, scale)

        if target == "next" and Q == P:  # position i predicts point i + P (P = 1: the next)
            y, p, hp = feats[:, P:, DELTA], pred[:, :-P], h[:, :-P]  # (B, T-P, 3)
            lv = log_var[:, :-P] if log_var is not None else None
            valid = mask[:, P:] & mask[:, P - 1 : -1]  # (B, T-P) the step's two points real
            valid = valid & (y.abs() <= self.config.max_step_norm).all(-1)  # drop glitch steps
        elif target == "next":  # output j of token k predicts point (k + 1) P + j
            tok = torch.arange(T // P, device=mask.device)[:, None]
            m = ((tok + 1) * P + torch.arange(Q, device=mask.device)).flatten()  # (T/P * Q,)
            mc = m.clamp_max(T - 1)
            y, p, lv, hp = feats[:, mc, DELTA], pred, log_var, h
            valid = (m < T) & mask[:, mc] & mask[:, mc - 1]  # (B, T/P * Q)
            valid = valid & (y.abs() <= self.config.max_step_norm).all(-1)
        elif target == "identity":
            y, p, lv, valid, hp = feats[..., DELTA], pred, log_var, mask, h
        else:
            raise ValueError(f"target must be 'next' or 'identity', got {target!r}")
        loss, n_targets = None, None
        if valid.shape[1] > 0:
            n_targets = valid.sum()
            if lv is None:
                loss = masked_mse(p, y, valid)
            else:
                loss = step_nll(self.config.step_loss, p, lv, y, valid)
            if self.config.moe_experts and self.training:
                loss = loss + self.config.moe_aux_weight * self.moe_aux_loss()
            if self.region_head is not None:  # the step's cell and offset, beside the NLL
                C = hp.shape[-1]
                loss = loss + self.region_head.loss(
                    hp.reshape(-1, C), y[..., :2].reshape(-1, 2), valid.reshape(-1)
                )
        if self.region_head is not None:  # what a rollout moves by
            pred = torch.cat([self.region_head.predict(h), pred[..., 2:]], -1)
        return ModelOutput(pred=pred, log_var=log_var, loss=loss, hidden=h, n_targets=n_targets)

    @staticmethod
    def _attention_mask(mask, attn_mask, is_causal):
        """-> (attn_mask for SDPA, is_causal for SDPA)."""
        if attn_mask is None and is_causal:
            # Padding is only at the end, so under a causal mask a real query never sees a
            # padded key: the key padding mask is implied and SDPA can use its fused causal
            # kernels. Padded queries see garbage, but their outputs are never used.
            return None, True
        T = mask.shape[1]
        m = mask[:, None, None, :]  # (B, 1, 1, T) key padding
        if attn_mask is not None:
            if attn_mask.dim() == 3:
                attn_mask = attn_mask[:, None]  # (B, T, T) -> (B, 1, T, T)
            m = m & attn_mask.bool()
        if is_causal:
            m = m & torch.ones(T, T, dtype=torch.bool, device=mask.device).tril()
        return m, False

    def generate(
        self,
        batch: dict,
        steps: int,
        sample: bool = False,
        generator: torch.Generator | None = None,
        use_cache: bool = True,
        temperature: float = 1.0,
        target_t: torch.Tensor | None = None,
    ) -> dict[str, torch.Tensor]:
        """Roll out `steps` points after each row's last real point; see trajlm.model.generate.
        target_t (B, steps): asked times of the new points (a ``time_query`` model)."""
        return generate(self, batch, steps, sample, generator, use_cache, temperature, target_t)

    def save_pretrained(self, directory: str | Path) -> None:
        """Write model.safetensors + config.json into `directory`, each atomically."""
        save_model(self, directory)

    @classmethod
    def from_pretrained(
        cls, directory: str | Path, map_location="cpu", weights: str = "best"
    ) -> TrajectoryModel:
        """Load a model written by save_pretrained (safetensors only, never pickle).

        `directory` is a weights directory (config.json + model.safetensors) or a training run.
        A run holds its last step in RUN/ and its val-selected weights in RUN/best/ (what the
        result tables use): RUN loads RUN/best when it exists, unless ``weights="last"``.
        """
        return load_model(cls, directory, map_location, weights)
