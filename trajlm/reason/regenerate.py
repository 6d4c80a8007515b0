"""Generation with rejection: sample continuations from the model's predictive distribution,
check them (trajlm/reason/validity.py) and resample only the invalid rows, until every row is
valid or `max_tries` draws were spent on it.

    out = sample_valid(model, batch, steps=5, modes=["car"] * B, max_tries=8, generator=g)
    out.pos (B, k, 2) metres, out.valid (B,), out.tries (B,), out.cost (rows drawn / B)

A row that is still invalid after `max_tries` keeps its last draw (`fallback="last"`) or the
model's mean rollout (`fallback="mean"`, one more pass over those rows), and stays marked
invalid in `valid` whatever the fallback, so the caller can see it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from trajlm.data.features import LocalProjection, NormStats
from trajlm.reason.validity import OK, ValidityConfig, check_arrays, off_road_distance

CONTEXT_POINTS = 2  # history points the checks see before the new ones (speed + acceleration)


@dataclass
class Regenerated:
    pos: torch.Tensor  # (B, k, 2) metres in the model's plane
    t: torch.Tensor  # (B, k) seconds since the window start
    valid: torch.Tensor  # (B,) bool: the kept continuation passed every check
    tries: torch.Tensor  # (B,) int: draws spent on each row (1 = the first was valid)
    codes: torch.Tensor  # (B, k) int8 reason code of each kept new point (0 = ok)
    first_valid: torch.Tensor  # (B,) bool: the first draw was already valid (plain sampling)

    @property
    def cost(self) -> float:
        """Rows drawn per row asked for: 1.0 is plain sampling."""
        return float(self.tries.sum()) / max(len(self.tries), 1)


class ContinuationChecker:
    """Validity of sampled continuations in a model's plane: the last CONTEXT_POINTS history
    points of each row followed by its k new points go through ``check_arrays`` as one
    trajectory; only the new points are judged. `network` (a RoadGraph) adds the off-road check."""

    def __init__(
        self,
        projection: LocalProjection,
        config: ValidityConfig | None = None,
        network: Any = None,
    ) -> None:
        self.projection, self.config, self.network = projection, config or ValidityConfig(), network

    @classmethod
    def for_model(cls, model: Any, **kw: Any) -> ContinuationChecker:
        return cls(NormStats.from_dict(model.config.stats).projection, **kw)

    def __call__(self, batch: dict, pos: torch.Tensor, t: torch.Tensor, modes) -> np.ndarray:
        """(B, k) int8 reason codes of the new points (`pos` (B, k, 2) metres, `t` (B, k) s)."""
        mask = batch["mask"].bool()
        last = mask.sum(1) - 1  # (B,)
        back = torch.arange(CONTEXT_POINTS - 1, -1, -1, device=last.device)
        ctx = (last[:, None] - back).clamp_min(0)  # (B, C); a one-point history repeats it
        rows = torch.arange(len(last), device=last.device)[:, None]
        hp, ht = batch["pos"][rows, ctx].float(), batch["t"][rows, ctx].float()  # (B, C, 2)
        xy = torch.cat([hp, pos.float()], 1).cpu().double().numpy()  # (B, C + k, 2)
        tt = torch.cat([ht, t.float()], 1).cpu().double().numpy()  # (B, C + k)
        B, n = tt.shape
        k = n - CONTEXT_POINTS
        # a repeated context point (one-point history) would read as a duplicate time: drop it
        dup = np.zeros((B, n), bool)
        dup[:, 1:CONTEXT_POINTS] = tt[:, 1:CONTEXT_POINTS] <= tt[:, : CONTEXT_POINTS - 1]
        xy[dup] = np.nan
        modes = np.broadcast_to(np.asarray(modes, dtype=object), (B,))
        speed, accel = self.config.limits_of(np.repeat(modes, n))
        road = None
        if self.network is not None:
            lat, lon = self.projection.inverse(xy[..., 0].ravel(), xy[..., 1].ravel())
            road = off_road_distance(self.network, lat, lon)
        r = check_arrays(np.repeat(np.arange(B), n), tt.ravel(), xy[..., 0].ravel(),
                         xy[..., 1].ravel(), speed, accel, self.config, road)  # fmt: skip
        code = r["code"].reshape(B, n)[:, CONTEXT_POINTS:]
        return code.reshape(B, k)


def _rows(batch: dict, idx: torch.Tensor) -> dict:
    return {key: v[idx] for key, v in batch.items()}


def sample_valid(
    model: Any,
    batch: dict,
    steps: int,
    modes,
    checker: ContinuationChecker | None = None,
    max_tries: int = 8,
    generator: torch.Generator | None = None,
    temperature: float = 1.0,
    fallback: str = "last",
    retry_draws: int = 1,
) -> Regenerated:
    """Sample `steps` new points per row, resampling the invalid rows (and only them) up to
    `max_tries` draws per row. `modes`: one mode per row (or one for all) for the limits.
    `retry_draws`: draws per invalid row in each retry call (the first valid one is kept);
    `tries` counts every draw, so the cost stays honest."""
    if max_tries < 1 or retry_draws < 1:
        raise ValueError(f"max_tries and retry_draws must be >= 1, got {max_tries}, {retry_draws}")
    if fallback not in ("last", "mean"):
        raise ValueError(f"fallback must be 'last' or 'mean', got {fallback!r}")
    checker = checker or ContinuationChecker.for_model(model)
    B = batch["mask"].shape[0]
    modes = np.broadcast_to(np.asarray(modes, dtype=object), (B,)).copy()
    out = model.generate(batch, steps, sample=True, generator=generator, temperature=temperature)
    pos, t = out["pos"].clone(), out["t"].clone()
    codes = checker(batch, pos, t, modes)
    valid = torch.as_tensor((codes == OK).all(1))
    first_valid = valid.clone()
    tries = torch.ones(B, dtype=torch.long)
    while True:
        todo = torch.nonzero(~valid & (tries < max_tries)).flatten()
        if len(todo) == 0:
            break
        # m draws per row in one call: fewer calls (each re-reads the history) for rows that
        # keep failing, at the price of drawing all m even when the first would have passed
        m = int(min(retry_draws, int((max_tries - tries[todo]).min())))
        rep = todo.repeat_interleave(m)  # (R * m,) row of each draw
        sub = _rows(batch, rep.to(batch["mask"].device))
        o = model.generate(sub, steps, sample=True, generator=generator, temperature=temperature)
        c = checker(sub, o["pos"], o["t"], modes[rep.numpy()]).reshape(len(todo), m, steps)
        ok = torch.as_tensor((c == OK).all(2))  # (R, m)
        pick = torch.where(ok.any(1), ok.float().argmax(1), m - 1)  # first valid, else the last
        src = (torch.arange(len(todo)) * m + pick).to(pos.device)
        dev = pos.device
        pos[todo.to(dev)], t[todo.to(dev)] = o["pos"][src], o["t"][src]
        codes[todo.numpy()] = c[np.arange(len(todo)), pick.numpy()]
        valid[todo] = ok.any(1)
        tries[todo] += m
    if fallback == "mean" and not bool(valid.all()):
        todo = torch.nonzero(~valid).flatten()
        sub = _rows(batch, todo.to(batch["mask"].device))
        o = model.generate(sub, steps, sample=False)
        dev = pos.device
        pos[todo.to(dev)], t[todo.to(dev)] = o["pos"], o["t"]
        codes[todo.numpy()] = checker(sub, o["pos"], o["t"], modes[todo.numpy()])
    return Regenerated(pos, t, valid, tries, torch.as_tensor(codes), first_valid)


def task_batches(task: Any, projection: LocalProjection, batch_size: int = 256):
    """(row slice, loader-format batch) over the histories of a PredictionTask, in `projection`
    metres (the same batches ``ModelPredictor`` builds)."""
    xy = task.xy(projection)
    for a in range(0, len(xy), batch_size):
        n = task.lengths[a : a + batch_size]
        T = int(n.max())
        mask = np.arange(T)[None, :] < n[:, None]
        t = task.hist_t[a : a + batch_size, :T]
        yield (
            slice(a, a + len(n)),
            {
                "pos": torch.as_tensor(
                    xy[a : a + batch_size, :T] * mask[..., None], dtype=torch.float32
                ),
                "t": torch.as_tensor((t - t[:, :1]) * mask, dtype=torch.float32),
                "t0": torch.as_tensor(t[:, 0], dtype=torch.int64),
                "mask": torch.as_tensor(mask),
            },
        )
