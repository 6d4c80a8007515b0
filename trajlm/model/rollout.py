"""A ``TrajectoryModel``'s rollout in lat/lon: histories of a prediction task in, the next k
points out (``model.generate`` on loader-format batches in the model's own plane).

Lives beside ``generate`` because the trainer's model selection (train layer) rolls out the
model too; ``trajlm.tasks.predict`` and ``trajlm.eval.protocol`` re-export it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trajlm.data.features import LocalProjection
from trajlm.data.protocol_tasks import PredictionTask


class ModelPredictor:
    """Adapts a ``TrajectoryModel`` (docs/contracts.md) to ``TaskModel.predict_next``.

    Histories become loader-format batches (``pos`` metres in ``projection``, ``t`` seconds
    since the first point, ``t0``, ``mask`` right-padded) of ``batch_size`` rows; the model's
    ``generate(batch, steps=k)["pos"]`` (B, k, 2) metres is projected back to lat/lon.
    A model built with ``time_query`` is asked for the positions at the targets' true times
    (``task.target_t``), like the harness's "[time]" baselines; ``use_time=False`` lets it
    predict its own times instead.
    """

    def __init__(
        self,
        model: Any,
        projection: LocalProjection | None = None,
        batch_size: int = 256,
        name: str | None = None,
        use_time: bool | None = None,
    ) -> None:
        config = getattr(model, "config", None)
        trajectory_frame = getattr(config, "position_frame", "store") == "trajectory"
        if projection is None and not trajectory_frame:  # the model's plane, from its stats
            from trajlm.data.features import NormStats

            projection = NormStats.from_dict(model.config.stats).projection
        # None: a position_frame="trajectory" model; each history in its own plane
        self.model, self.projection, self.batch_size = model, projection, batch_size
        self.name = name or getattr(model, "name", type(model).__name__)
        config = getattr(model, "config", None)
        self.use_time = bool(getattr(config, "time_query", False)) if use_time is None else use_time

    def predict_next(self, task: PredictionTask) -> np.ndarray:
        import torch

        params = list(model_params(self.model))
        device = params[0].device if params else torch.device("cpu")
        projection = self.projection or TrajectoryFrames.about_last_point(task)
        xy, k = task.xy(projection), task.target_t.shape[1]
        out = np.empty((len(xy), k, 2))
        for a in range(0, len(xy), self.batch_size):
            n = task.lengths[a : a + self.batch_size]
            T = int(n.max())
            mask = np.arange(T)[None, :] < n[:, None]
            t = task.hist_t[a : a + self.batch_size, :T]
            batch = {
                "pos": torch.as_tensor(
                    xy[a : a + self.batch_size, :T] * mask[..., None], dtype=torch.float32
                ),
                "t": torch.as_tensor((t - t[:, :1]) * mask, dtype=torch.float32),
                "t0": torch.as_tensor(t[:, 0], dtype=torch.int64),
                "mask": torch.as_tensor(mask),
            }
            batch = {key: v.to(device) for key, v in batch.items()}
            asked = None
            if self.use_time:  # seconds since each row's first point, like batch["t"]
                tt = task.target_t[a : a + self.batch_size] - t[:, :1]
                asked = torch.as_tensor(tt, dtype=torch.float32, device=device)
            with torch.inference_mode():
                if asked is None:
                    pos = self.model.generate(batch, steps=k)["pos"]
                else:
                    pos = self.model.generate(batch, steps=k, target_t=asked)["pos"]
            out[a : a + self.batch_size] = pos.detach().to("cpu", torch.float64).numpy()
        return np.stack(projection.inverse(out[..., 0], out[..., 1]), axis=-1)


class TrajectoryFrames(LocalProjection):
    """One equirectangular plane per row (history), centred on (lat0[i], lon0[i]): the
    ``LocalProjection`` interface on (N, ...) arrays (its centre is an (N, 1) column). For
    position_frame="trajectory" models, whose inputs carry no absolute position, so a history
    anywhere on Earth is projected without the distortion of a plane centred on another city."""

    def __init__(self, lat0: np.ndarray, lon0: np.ndarray) -> None:
        super().__init__(np.asarray(lat0, dtype=np.float64)[:, None],  # (N, 1)
                         np.asarray(lon0, dtype=np.float64)[:, None])  # fmt: skip

    @classmethod
    def about_last_point(cls, task: PredictionTask) -> TrajectoryFrames:
        last = task.hist_latlon[np.arange(len(task.lengths)), task.lengths - 1]  # (N, 2)
        return cls(last[:, 0], last[:, 1])


def model_params(model: Any):
    """Parameters of a torch module, or nothing for a plain object."""
    return model.parameters() if hasattr(model, "parameters") else ()
