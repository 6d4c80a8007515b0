"""Transport-mode classification with a trajectory model (PROTOCOL.md task 4).

    TrajectoryClassifier: backbone (TrajectoryModel, optionally LoRA-wrapped) -> hidden (B, T, C)
        -> pool [mean over real points ; last real point] (B, 2C) -> MLP head -> logits (B, K)

With ``features=True`` (the hybrid head, issue 15) the head reads
``[pooled (B, 2C) ; standardized segment features (B, F)]``: the speed / acceleration / turn
percentiles the gradient-boosting baseline uses (trajlm.data.motion_features), computed from
each segment's own points before thinning, trained end to end with the backbone.

Segments longer than ``max_len`` points are cut into windows; every window carries its
segment's label in training, and a segment's prediction is the class with the highest mean
log-probability over its windows. With ``n_points`` every segment is instead thinned to at most
that many evenly spaced points and read whole, in one window (its full extent and duration, as
the feature baseline sees it, at a coarser sampling). ``ModelClassifier`` is the ``run_classify_eval`` adapter:
``fit(train, val)`` fine-tunes (full / selective / LoRA, trajlm.finetune) and keeps the epoch
with the best validation accuracy; ``classify(segments)`` returns one label per sorted segment.
"""

from __future__ import annotations

import copy
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import torch
import torch.nn as nn
import torch.nn.functional as F

from trajlm.data.augment_segments import SegmentAugment
from trajlm.data.features import NormStats
from trajlm.data.motion_features import segment_features
from trajlm.data.route_affinity import RouteAffinity
from trajlm.data.segments import segment_labels
from trajlm.finetune.trainer import Classification
from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.tasks.embed import _core, segment_windows, thin_points


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
        C = _core(backbone).config.d_model
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


def window_dataset(
    segments: pl.DataFrame, model: Any, max_len: int, classes: list[str] | None = None
) -> tuple[dict, np.ndarray, np.ndarray | None]:
    """(batch of all windows, owner (W,) segment index, window labels (W,) int or None)."""
    batch, owner, _ = segment_windows(segments, model, max_len)
    y = None
    if classes is not None and "label" in segments.columns:
        lab = segment_labels(segments)
        index = {c: i for i, c in enumerate(classes)}
        y = np.array([index[c] for c in lab], dtype=np.int64)[owner]
    return batch, owner, y


class RecutClassification(Classification):
    """``Classification`` over windows re-cut every epoch: ``make_windows(epoch) -> (windows,
    labels)`` (issue 15: a new random view of every train segment per epoch). The number of
    steps per epoch is fixed by epoch 0's windows (the engine's schedule needs it up front)."""

    def __init__(self, make_windows: Any, batch_size: int, seed: int,
                 class_weight: np.ndarray | None = None) -> None:  # fmt: skip
        windows, labels = make_windows(0)
        super().__init__(windows, labels, batch_size, seed, class_weight)
        self.make_windows, self.epoch_ = make_windows, 0

    def batches(self, epoch: int):
        if epoch != self.epoch_:
            windows, labels = self.make_windows(epoch)
            self.windows, self.labels = windows, torch.from_numpy(np.asarray(labels))
            self.epoch_ = epoch
        gen = torch.Generator().manual_seed(self.seed * 1_000_003 + epoch)
        perm = torch.randperm(len(self.labels), generator=gen)
        n = min(self.steps_per_epoch, max(1, len(self.labels) // self.batch_size))  # as the base
        for a in range(0, n * self.batch_size, self.batch_size):
            i = perm[a : a + self.batch_size]
            yield {**{k: v[i] for k, v in self.windows.items()}, "label": self.labels[i]}


class ModelClassifier:
    """``run_classify_eval`` adapter: fine-tunes a ``TrajectoryClassifier`` in ``fit``.

    model: a TrajectoryModel, a run / ``best`` directory, or None for a randomly initialised
    model of ``model_config`` (its NormStats fit on the train segments). mode: "full",
    "selective" (``n_last`` blocks + head), "lora" (rank ``lora_r``) or "frozen" (head only).
    Training: AdamW, ``epochs`` passes over the train windows, cosine LR; the epoch with the best
    val accuracy (segment level) is kept. After ``fit``: ``classes_``, ``info_`` (trainable
    params, train time, best epoch), ``classifier_``.

    Issue 15 options: ``features=True`` (the default; ``False`` = the plain head), the hybrid
    head (the baseline's segment features beside the pooled embedding); ``class_weight=
    "balanced"`` (opt-in), cross-entropy weighted
    by inverse train class frequency (for macro-F1); ``augment=SegmentAugment(...)`` (opt-in),
    the train segments re-cut every epoch (random crop / thinning / rotation, deterministic per
    (seed, epoch); trajlm.data.augment_segments), the hybrid head's features computed on each
    view (``augment_features="view"``) or on the whole segment (``"whole"``); val and test
    segments are read whole, as without it. ``route=RouteAffinity(...)`` (opt-in, session 8):
    route-affinity features (trajlm.data.route_affinity) appended to the hybrid head's.
    """

    def __init__(
        self,
        model: TrajectoryModel | str | Path | None = None,
        mode: str = "full",
        name: str | None = None,
        model_config: ModelConfig | None = None,
        n_last: int = 1,
        lora_r: int = 8,
        max_len: int = 64,
        n_points: int | None = None,
        head: str = "mlp",
        epochs: int = 8,
        batch_size: int = 32,
        lr: float = 1e-3,
        head_lr: float | None = None,
        weight_decay: float = 0.01,
        seed: int = 0,
        device: str = "cpu",
        verbose: bool = False,
        # issue 15: the hybrid head (default since session 6: above the plain head on val on
        # both splits, docs/modes.md) and class-balanced loss
        features: bool = True,
        class_weight: str | None = None,
        # issue 15, lever 5: train segments re-cut every epoch (opt-in)
        augment: SegmentAugment | None = None,
        augment_features: str = "view",
        # issue 14 item 7 (docs/pretraining.md): a trajectory-frame checkpoint's step scale on
        # the train segments' own (trajlm.train.pretrained REFIT_SCALES; "keep": as loaded)
        refit_scales: str = "keep",
        # issue 15, session 8: route-affinity features beside the motion ones (features=True;
        # an unfitted RouteAffinity, fitted on the train segments in fit; docs/modes.md)
        route: RouteAffinity | None = None,
    ) -> None:
        if route is not None and (not isinstance(route, RouteAffinity) or not features):
            raise ValueError(f"route must be a RouteAffinity with features=True, got {route!r}")
        self.route = route
        if augment is not None and not isinstance(augment, SegmentAugment):
            raise ValueError(f"augment must be a SegmentAugment or None, got {augment!r}")
        if augment_features not in ("view", "whole"):
            raise ValueError(
                f'augment_features must be "view" or "whole", got {augment_features!r}'
            )
        self.augment, self.augment_features = augment, augment_features
        if not isinstance(features, bool):
            raise ValueError(f"features must be True or False, got {features!r}")
        if class_weight not in (None, "balanced"):
            raise ValueError(f'class_weight must be None or "balanced", got {class_weight!r}')
        from trajlm.train.pretrained import REFIT_SCALES

        if refit_scales not in REFIT_SCALES:
            raise ValueError(f"refit_scales must be one of {REFIT_SCALES}, got {refit_scales!r}")
        self.features, self.class_weight, self.refit_scales = features, class_weight, refit_scales
        self.model, self.mode, self.model_config = model, mode, model_config
        self.n_last, self.lora_r, self.n_points, self.head = n_last, lora_r, n_points, head
        self.max_len = max(max_len, n_points or 0)
        self.epochs, self.batch_size, self.lr, self.head_lr = epochs, batch_size, lr, head_lr
        self.weight_decay, self.seed, self.device, self.verbose = (
            weight_decay,
            seed,
            device,
            verbose,
        )
        self.name = name or f"trajlm classifier ({mode})"

    def _windows(
        self,
        segments: pl.DataFrame,
        model: Any,
        classes: list[str] | None = None,
        feats: np.ndarray | None = None,
    ):
        segments = segments.sort(["traj_id", "t"])
        # the hybrid head's features come from the whole segment, before thinning (as GB's)
        if self.features and feats is None:
            feats = self._segment_features(segments)
        if self.n_points is not None:
            segments = thin_points(segments, self.n_points)
        batch, owner, y = window_dataset(segments, model, self.max_len, classes)
        if feats is not None:
            batch["features"] = torch.from_numpy(feats[owner]).float()  # (W, F)
        return batch, owner, y

    def _segment_features(self, segments: pl.DataFrame) -> np.ndarray:
        """(N, F) the hybrid head's features: motion (+ route affinity, leak-guarded)."""
        X = segment_features(segments)[0]
        if getattr(self, "route_", None) is None:
            return X
        return np.concatenate([X, self.route_.transform(segments)[0]], axis=1)

    def _backbone(self, train: pl.DataFrame) -> TrajectoryModel:
        if isinstance(self.model, (str, Path)):
            from trajlm.tasks.task_io import base_reference

            self.base_ = base_reference(self.model)  # saved instead of a copy of the base
            if self.refit_scales != "keep":
                return self._refit_backbone(train)
            return TrajectoryModel.from_pretrained(self.model)
        if self.model is not None:
            return self.model
        cfg = ModelConfig(**(self.model_config or ModelConfig()).to_dict())
        cfg.stats = NormStats.fit(train).to_dict()
        cfg.max_len = max(cfg.max_len, self.max_len)
        torch.manual_seed(self.seed)
        return TrajectoryModel(cfg)

    def _refit_backbone(self, train: pl.DataFrame) -> TrajectoryModel:
        """The checkpoint with the train segments' step scale ("refit"), its weights rescaled
        to predict as before ("adapt"); a store-frame model loads as it is."""
        from trajlm.train.pretrained import (
            adapt_step_scale,
            load_weights,
            pretrained_config,
            source_dxy_scale,
        )

        cfg, weights_dir = pretrained_config(self.model)
        if cfg.position_frame == "trajectory" and cfg.stats:
            step = NormStats.fit(train.sort(["traj_id", "t"])).dxy_scale
            cfg.stats = {**cfg.stats, "dxy_scale": step}
            self.base_ = None  # the stored backbone is no longer the base on disk: keep a copy
        model = TrajectoryModel(cfg)
        load_weights(model, weights_dir)
        if self.refit_scales == "adapt":
            adapt_step_scale(model, source_dxy_scale(weights_dir))
        return model

    def fit(self, train: pl.DataFrame, val: pl.DataFrame | None = None) -> ModelClassifier:
        from trajlm.finetune.modes import apply_mode, count_trainable
        from trajlm.finetune.trainer import train_classifier

        self.classes_ = sorted(np.unique(segment_labels(train)).tolist())
        backbone = apply_mode(self._backbone(train), self.mode, n_last=self.n_last,
                              lora_r=self.lora_r, seed=self.seed)  # fmt: skip
        torch.manual_seed(self.seed)
        self.route_ = copy.deepcopy(self.route).fit(train) if self.route is not None else None
        train = train.sort(["traj_id", "t"])
        train_feats = self._segment_features(train) if self.features else None
        n_features = train_feats.shape[1] if self.features else 0
        clf = TrajectoryClassifier(backbone, len(self.classes_), head=self.head,
                                   n_features=n_features)  # fmt: skip
        if n_features:
            clf.head.fit_scaler(train_feats)
        clf = clf.to(self.device)
        for p in clf.head.parameters():
            p.requires_grad_(True)
        objective = None
        if self.augment is not None:
            whole = train_feats if self.augment_features == "whole" else None

            def make_windows(epoch: int) -> tuple[dict, np.ndarray]:
                view = self.augment.view(train, self.seed, epoch)
                batch, _, y = self._windows(view, clf, self.classes_, feats=whole)
                return batch, y

            objective = RecutClassification(make_windows, self.batch_size, self.seed)
            tr = (objective.windows, None, objective.labels.numpy())
        else:
            tr = self._windows(train, clf, self.classes_, feats=train_feats)
        va = None
        if val is not None and len(val):
            vb, vo, _ = self._windows(val, clf)
            va = (vb, vo, segment_labels(val))
        weight = None
        if self.class_weight == "balanced":  # inverse frequency of the train windows' labels
            counts = np.bincount(tr[2], minlength=len(self.classes_)).astype(np.float64)
            weight = len(tr[2]) / (len(counts) * np.maximum(counts, 1.0))
            if objective is not None:
                objective.class_weight = torch.as_tensor(weight).float()
        t0 = time.perf_counter()
        best_epoch, history = train_classifier(
            clf, tr[0], tr[2], val=va, classes=self.classes_, predict=self._predict,
            epochs=self.epochs, batch_size=self.batch_size, lr=self.lr, head_lr=self.head_lr,
            weight_decay=self.weight_decay, seed=self.seed, device=self.device,
            verbose=self.verbose, class_weight=weight, objective=objective,
        )  # fmt: skip
        self.classifier_ = clf.eval()
        self.info_ = {**count_trainable(clf), "train_s": time.perf_counter() - t0,
                      "best_epoch": best_epoch, "history": history}  # fmt: skip
        return self

    @torch.no_grad()
    def _predict(self, clf: TrajectoryClassifier, batch: dict, owner: np.ndarray) -> np.ndarray:
        """(N_segments, K) mean log-probabilities over each segment's windows."""
        clf.eval()
        n = int(owner.max()) + 1 if len(owner) else 0
        out = torch.zeros(n, len(self.classes_), dtype=torch.float64)
        cnt = torch.zeros(n, dtype=torch.float64)
        own = torch.from_numpy(owner)
        W = len(owner)
        for a in range(0, W, 256):
            b = {k: v[a : a + 256].to(self.device) for k, v in batch.items()}
            lp = F.log_softmax(clf(b).float(), dim=-1).double().cpu()
            out.index_add_(0, own[a : a + 256], lp)
            cnt.index_add_(0, own[a : a + 256], torch.ones(len(lp), dtype=torch.float64))
        return (out / cnt.clamp(min=1)[:, None]).numpy()

    def predict_proba(self, segments: pl.DataFrame) -> np.ndarray:
        """(N, K) class probabilities (geometric mean over windows), sorted segment order."""
        batch, owner, _ = self._windows(segments, self.classifier_)
        lp = self._predict(self.classifier_, batch, owner)
        p = np.exp(lp - lp.max(1, keepdims=True))
        return p / p.sum(1, keepdims=True)

    def save(self, directory: str | Path) -> int:
        """Write a fitted classifier (``load`` / ``from_pretrained`` read it back):
        ``classifier.json``, ``head.safetensors`` and the backbone as trajlm.tasks.task_io
        stores it: LoRA / selective / frozen fine-tunes of a base checkpoint keep only
        ``adapter/`` and a reference (path + sha256) to the base, never a merged copy; a full
        fine-tune (or a model built in memory) keeps ``backbone/``. The fitted object is not
        changed. Returns the bytes of what fine-tuning changed (adapter + head; whole backbone
        when it is stored)."""
        from safetensors.torch import save_file

        from trajlm.tasks.task_io import save_backbone

        if self.route is not None:  # its index is train data; not stored yet (docs/modes.md)
            raise ValueError("saving a classifier with route features is not supported yet")
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        head = {
            k: v.detach().cpu().contiguous() for k, v in self.classifier_.head.state_dict().items()
        }
        save_file(head, str(d / "head.safetensors"), metadata={"format": "pt"})
        n = (d / "head.safetensors").stat().st_size
        base = getattr(self, "base_", None)
        n += save_backbone(self.classifier_.backbone_model, self.mode, d, base)
        meta = {"format": 2, "classes": list(self.classes_), "max_len": self.max_len,
                "mode": self.mode, "n_points": self.n_points, "head": self.head,
                "features": self.features, "class_weight": self.class_weight,
                "name": self.name, "info": {k: v for k, v in self.info_.items() if k != "history"}}  # fmt: skip
        (d / "classifier.json").write_text(json.dumps(meta, indent=2))
        return n

    save_pretrained = save

    @classmethod
    def load(cls, directory: str | Path, device: str = "cpu") -> ModelClassifier:
        """A fitted classifier written by ``save`` (safetensors + JSON only): base + adapter +
        head; directories of older versions (a merged ``backbone/``) load too."""
        from safetensors.torch import load_file

        from trajlm.tasks.task_io import BACKBONE_JSON, load_backbone

        d = Path(directory)
        meta = json.loads((d / "classifier.json").read_text())
        self = cls(
            None,
            mode=meta["mode"],
            name=meta["name"],
            max_len=meta["max_len"],
            device=device,
            n_points=meta.get("n_points"),
            head=meta.get("head", "mlp"),
            features=meta.get("features", False),
            class_weight=meta.get("class_weight"),
        )
        self.classes_, self.info_ = meta["classes"], meta.get("info", {})
        if (d / BACKBONE_JSON).exists():
            backbone = load_backbone(d)
        else:  # format 1: a merged full backbone
            backbone = TrajectoryModel.from_pretrained(d / "backbone")
        head = load_file(str(d / "head.safetensors"), device="cpu")
        n_features = len(head["feat_mean"]) if "feat_mean" in head else 0
        clf = TrajectoryClassifier(backbone, len(self.classes_), head=self.head,
                                   n_features=n_features)  # fmt: skip
        clf.head.load_state_dict(head)
        self.classifier_ = clf.to(device).eval()
        return self

    from_pretrained = load

    def classify(self, segments: pl.DataFrame) -> np.ndarray:
        batch, owner, _ = self._windows(segments, self.classifier_)
        lp = self._predict(self.classifier_, batch, owner)
        return np.asarray(self.classes_)[lp.argmax(1)].astype(str)
