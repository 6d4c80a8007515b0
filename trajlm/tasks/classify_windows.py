"""What the transport-mode classifier reads: segments -> windows (trajlm.tasks.classify).

Segments longer than ``max_len`` points are cut into windows; every window carries its
segment's label in training (``window_dataset``). With ``n_points`` every segment is instead
thinned to at most that many evenly spaced points and read whole, in one window (its full extent
and duration, as the feature baseline sees it, at a coarser sampling). The hybrid head's
features (motion percentiles + optional route affinity) come from each whole segment before
thinning. ``augment`` re-cuts the train segments every epoch (``RecutClassification``).
``WindowPrep`` is the part of ``ModelClassifier`` that does this, and that builds the backbone
whose input normalization is fit on the train segments (``refit_scales``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import torch

from trajlm.data.augment_segments import SegmentAugment
from trajlm.data.features import NormStats
from trajlm.data.motion_features import segment_features
from trajlm.data.route_affinity import RouteAffinity
from trajlm.data.segments import segment_labels
from trajlm.finetune.trainer import Classification
from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.tasks.embed import segment_windows, thin_points


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


class WindowPrep:
    """Mixin of ``ModelClassifier``: its data preparation. Reads the options ``__init__`` sets
    (``features, n_points, max_len, augment, augment_features, model, model_config,
    refit_scales, seed, batch_size``) and, once fitting, ``classes_`` and ``route_``."""

    @staticmethod
    def _check_window_options(
        features: Any, augment: Any, augment_features: str, route: Any
    ) -> None:
        if route is not None and (not isinstance(route, RouteAffinity) or not features):
            raise ValueError(f"route must be a RouteAffinity with features=True, got {route!r}")
        if augment is not None and not isinstance(augment, SegmentAugment):
            raise ValueError(f"augment must be a SegmentAugment or None, got {augment!r}")
        if augment_features not in ("view", "whole"):
            raise ValueError(
                f'augment_features must be "view" or "whole", got {augment_features!r}'
            )
        if not isinstance(features, bool):
            raise ValueError(f"features must be True or False, got {features!r}")

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

    def _train_windows(
        self, train: pl.DataFrame, clf: Any, train_feats: np.ndarray | None
    ) -> tuple[tuple, RecutClassification | None]:
        """((windows, owner, labels), objective): the train segments cut once, or with
        ``augment`` a ``RecutClassification`` that cuts a new view of them every epoch."""
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
        return tr, objective
