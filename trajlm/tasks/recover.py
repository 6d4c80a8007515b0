"""Trajectory recovery with a trained model: the harness's ``TaskModel.recover``.

Timestamps are known, positions of the hidden points are not: the spatial domain of those
points is masked and the temporal domain given (masking.interior). Long trajectories are cut
into chunks of at most ``max_points`` points whose ends sit on known points (consecutive
chunks share that point), so every hidden point is filled from the known points around it.

mode="inplace" (default): one bidirectional pass, each hidden point's position from the
    infilling head (an offset to the linear interpolation between its known neighbours).
mode="span": every gap is collapsed to [m] and generated point by point after [s] (GLM),
    with the known timestamps and number of points; each step is the model's residual on the
    bridge step towards the visible point after the gap at the point's known time
    (infill.span_bridge), so the span ends on that point. The checkpoint's
    ``span_target`` says how to decode (``"raw"``: plain steps, checkpoints trained before the
    bridge residual); ``span_anchor`` overrides it (see infill.use_anchor).
``road`` (a RoadGraph): hidden positions are offsets to the shortest-path interpolation on the
    network instead (models trained with ``road_anchor``; trajlm/roads/anchor.py), and a model
    with road inputs (``n_edge_buckets``) reads the matched edges of the known points
    (``road_ids``: "edge", or "way" for models trained on the synthetic city's segment ids).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from trajlm.data.features import LocalProjection, NormStats
from trajlm.objectives import masking as mk
from trajlm.objectives.infill import fill_in_place, generate_spans
from trajlm.objectives.spline import DEFAULT_GAP_S, spline_per_trajectory


def chunk_indices(groups: np.ndarray, known: np.ndarray, max_points: int) -> list[np.ndarray]:
    """Row indices of chunks of <= max_points consecutive points of one trajectory each,
    split at known points (shared by the two chunks) whenever one lies in the window."""
    if max_points < 2:
        raise ValueError(f"max_points must be >= 2, got {max_points}")
    bounds = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1], True])
    known_idx = np.flatnonzero(known)
    chunks = []
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):  # a loop over trajectories
        s = a
        while True:
            if b - s <= max_points:
                chunks.append(np.arange(s, b))
                break
            hi = s + max_points - 1  # last index the chunk may end at
            k = known_idx[np.searchsorted(known_idx, hi, side="right") - 1]
            end = k if k > s else hi  # no known point inside: cut anyway
            chunks.append(np.arange(s, end + 1))
            s = end
    return chunks


class ModelRecoverer:
    """Adapts a TrajectoryModel built with ``infill_heads=True`` to ``TaskModel.recover``."""

    def __init__(
        self,
        model: Any,
        projection: LocalProjection | None = None,
        batch_size: int = 64,
        max_points: int | None = None,
        mode: str = "inplace",
        name: str | None = None,
        span_anchor: bool | None = None,
        road=None,
        road_ids: str = "edge",
    ) -> None:
        if getattr(model, "infill_head", None) is None:
            raise ValueError("recovery needs a model trained with infilling heads (infill_heads)")
        if mode not in ("inplace", "span"):
            raise ValueError(f"mode must be 'inplace' or 'span', got {mode!r}")
        self.model, self.mode, self.batch_size = model, mode, batch_size
        self.span_anchor = span_anchor  # None: the model's default (infill.use_anchor)
        self.projection = projection or NormStats.from_dict(model.config.stats).projection
        self.max_points = max_points or model.config.max_len
        self.name = name or f"trajlm recover ({mode})"
        # road-path anchors (a RoadGraph or RoadAnchor): what a road_anchor model was trained on
        if getattr(model.config, "road_anchor", False) and road is None:
            raise ValueError("this model was trained with road-path anchors: pass road=<graph>")
        if getattr(model.config, "road_anchor", False) and mode != "inplace":
            raise ValueError("road-path anchors are read by mode='inplace' only")
        if road is not None and not hasattr(road, "anchor"):
            from trajlm.roads.anchor import RoadAnchor

            route = getattr(model.config, "road_route", "shortest")
            road = RoadAnchor(road, self.projection, route=route)
        if getattr(model.config, "n_edge_buckets", 0) and road is None:
            raise ValueError("this model reads road inputs: pass road=<graph> to match points")
        self.road, self.road_ids = road, road_ids

    def recover(self, task) -> np.ndarray:
        """(P, 2) lat/lon of every point of the task: known ones as given, hidden ones filled."""
        x, y = self.projection.forward(task.latlon[:, 0], task.latlon[:, 1])
        xy = np.stack([x, y], axis=-1)
        known = np.asarray(task.known, bool)
        xy[~known] = 0.0  # the answers are never read
        out = xy.copy()
        chunks = [c for c in chunk_indices(task.groups, known, self.max_points)
                  if not known[c].all()]  # fmt: skip
        device = next(self.model.parameters()).device
        kind = getattr(self.model.config, "infill_anchor", "linear")
        spline = None  # spline anchors (docs/recovery.md), on whole trajectories
        if kind != "linear":
            gap_s = getattr(self.model.config, "infill_anchor_gap_s", DEFAULT_GAP_S)
            spline = spline_per_trajectory(xy, task.t, known, task.groups, kind, gap_s)
        for a in range(0, len(chunks), self.batch_size):
            part = chunks[a : a + self.batch_size]
            n = np.array([len(c) for c in part])
            T = int(n.max())
            idx = np.stack([np.r_[c, np.full(T - len(c), c[-1])] for c in part])  # (B, T)
            mask = np.arange(T)[None] < n[:, None]
            t = task.t[idx]
            batch = {
                "pos": torch.as_tensor(xy[idx] * mask[..., None], dtype=torch.float32),
                "t": torch.as_tensor((t - t[:, :1]) * mask, dtype=torch.float32),
                "t0": torch.as_tensor(t[:, 0], dtype=torch.int64),
                "mask": torch.as_tensor(mask),
            }
            batch = {k: v.to(device) for k, v in batch.items()}
            hidden = torch.as_tensor(~known[idx] & mask, device=device)
            if getattr(self.model.config, "road_anchor", False):  # shortest-path interpolation
                road = self.road.anchor(xy[idx], t - t[:, :1], mask, known[idx] & mask,
                                        ~known[idx] & mask)  # fmt: skip
                batch["road_anchor"] = torch.as_tensor(road, dtype=torch.float32, device=device)
            if spline is not None:
                batch["spline_anchor"] = torch.as_tensor(spline[idx], dtype=torch.float32,
                                                         device=device)  # fmt: skip
            if getattr(self.model.config, "n_edge_buckets", 0):  # road inputs of known points
                eid, frac = self.road.road_inputs(xy[idx], mask, known[idx], self.road_ids)
                batch["edge_id"] = torch.as_tensor(eid, device=device)
                batch["edge_frac"] = torch.as_tensor(frac, dtype=torch.float32, device=device)
            if self.mode == "inplace":
                pos = fill_in_place(self.model, batch, mk.interior(batch["mask"], ~hidden))["pos"]
            else:
                dm = mk.DomainMask(hidden, hidden.clone())
                pos = generate_spans(
                    self.model, batch, dm, known_time=True, anchor=self.span_anchor
                )["pos"]
            pos = pos.double().cpu().numpy()
            h = hidden.cpu().numpy()
            out[idx[h]] = pos[h]
        lat, lon = self.projection.inverse(out[:, 0], out[:, 1])
        res = np.stack([lat, lon], axis=-1)
        res[known] = task.latlon[known]
        return res
