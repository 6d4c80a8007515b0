"""Origin-destination travel time with a trained model: the harness's ``travel_time(od)``.

Each trip becomes the 3-token corrupted sequence of the ``od`` objective:

    [origin (position + departure time), [m] (the unknown route), destination (position)]

The destination's time domain is masked; the infilling head at the destination predicts
log1p(seconds since the last visible time) = log1p(duration), returned as expm1 of its mean.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
import torch

from trajlm.data.features import LocalProjection, NormStats
from trajlm.objectives import masking as mk
from trajlm.objectives.infill import fill_in_place


def od_batch(od: pl.DataFrame, projection: LocalProjection) -> dict[str, torch.Tensor]:
    """O-D table (o_lat, o_lon, d_lat, d_lon, t_start) -> (N, 3) batch [o, hidden, d]."""
    ox, oy = projection.forward(od["o_lat"].to_numpy(), od["o_lon"].to_numpy())
    dx, dy = projection.forward(od["d_lat"].to_numpy(), od["d_lon"].to_numpy())
    o, d = np.stack([ox, oy], -1), np.stack([dx, dy], -1)
    pos = np.stack([o, 0.5 * (o + d), d], axis=1)  # the middle point is fully hidden anyway
    n = len(od)
    return {
        "pos": torch.as_tensor(pos, dtype=torch.float32),
        "t": torch.zeros(n, 3),
        "t0": torch.as_tensor(np.array(od["t_start"].to_numpy()), dtype=torch.int64),
        "mask": torch.ones(n, 3, dtype=torch.bool),
    }


class ModelTravelTime:
    """Adapts a TrajectoryModel built with ``infill_heads=True`` to ``TaskModel.travel_time``."""

    def __init__(
        self,
        model: Any,
        projection: LocalProjection | None = None,
        batch_size: int = 1024,
        name: str | None = None,
    ) -> None:
        if getattr(model, "infill_head", None) is None:
            raise ValueError("travel time needs a model trained with infilling heads")
        self.model, self.batch_size = model, batch_size
        self.projection = projection or NormStats.from_dict(model.config.stats).projection
        self.name = name or "trajlm travel time"

    def travel_time(self, od: pl.DataFrame) -> np.ndarray:
        """(N,) predicted durations in seconds (>= 1)."""
        device = next(self.model.parameters()).device
        out = np.empty(len(od))
        for a in range(0, len(od), self.batch_size):
            batch = od_batch(od[a : a + self.batch_size], self.projection)
            batch = {k: v.to(device) for k, v in batch.items()}
            t = fill_in_place(self.model, batch, mk.od(batch["mask"]))["t"][:, 2]
            out[a : a + len(t)] = t.double().cpu().numpy()
        return np.maximum(out, 1.0)
