"""Pretraining objective mix: causal next-point, masked points, GLM spans, feature-wise, tasks.

Each training batch gets ONE objective, drawn with a ``torch.Generator`` seeded from
(seed, step) (``step_generator``), so a resumed run draws exactly the same objectives and masks.

    objective  what is hidden (masking.py)                              sequence (infill.py)
    causal     nothing; next point at every position                   model(batch).loss
    points     positions of random interior points (ratio ~ U) or all    in place, bidirectional
               but every k-th point (down-sampling, k ~ U{2..16})
    spans      contiguous runs (geometric lengths), both domains        [m] + [s] spans (GLM)
    features   one domain per point (time or position)                   in place
    od         a random sub-trip's interior + its destination time      [o, [m], d] + span
    future     the last k points (k ~ U{1..future_max})                  [m] + one span

The task masks (points = recovery, od = travel time, future = prediction) are the objectives
a short task fine-tune uses alone (``ObjectiveMix.for_task``,
``trajlm.finetune.masked.finetune_task``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Any, Protocol, runtime_checkable

import torch

from trajlm.objectives import masking as mk
from trajlm.objectives.anchors import anchor_gap_of, anchor_kind_of, road_inputs_of
from trajlm.objectives.infill import anchor_inputs_of, build_infill, infill_loss

OBJECTIVES = ("causal", "points", "spans", "features", "od", "future")


@dataclass
class ObjectiveMix:
    """Relative weights of the objectives (normalized when drawn) and their mask knobs."""

    causal: float = 1.0
    points: float = 0.0
    spans: float = 0.0
    features: float = 0.0
    od: float = 0.0
    future: float = 0.0
    mask_ratio_min: float = 0.15  # masked fraction of interior points, drawn per batch
    mask_ratio_max: float = 0.85
    mean_span: float = 4.0  # mean run length (points) of the spans objective
    downsample_prob: float = 0.5  # share of `points` batches that down-sample instead
    downsample_max: int = 16  # keep every k-th point, k in 2..downsample_max
    future_max: int = 10  # `future` hides the last 1..future_max points
    # share of `od` batches on the whole window (a whole trip when it fits) instead of a random
    # sub-trip: sub-trips are straighter than pickup-to-dropoff trips, so a model trained on
    # them alone under-estimates whole-trip durations (median ratio 0.56 on Porto)
    od_whole_prob: float = 0.0

    def __post_init__(self) -> None:
        w = self.weights
        if (w < 0).any() or w.sum() <= 0:
            raise ValueError(f"objective weights must be >= 0 with a positive sum, got {w}")
        if not 0.0 < self.mask_ratio_min <= self.mask_ratio_max < 1.0:
            raise ValueError("need 0 < mask_ratio_min <= mask_ratio_max < 1")
        if self.mean_span < 1 or self.downsample_max < 2 or self.future_max < 1:
            raise ValueError("need mean_span >= 1, downsample_max >= 2, future_max >= 1")

    @property
    def weights(self) -> torch.Tensor:
        return torch.tensor([float(getattr(self, n)) for n in OBJECTIVES], dtype=torch.float64)

    @property
    def causal_only(self) -> bool:
        return bool((self.weights[1:] == 0).all())

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict | None, section: str = "objectives") -> ObjectiveMix:
        """Strict (unknown keys and wrong types are ConfigErrors naming `section.key`); weights
        not named are 0, not the defaults."""
        from trajlm._config import build, check_keys

        d = check_keys(cls, dict(d or {}), section)
        if any(n in d for n in OBJECTIVES):
            d = {n: 0.0 for n in OBJECTIVES} | d
        return build(cls, d, section)

    @classmethod
    def for_task(cls, task: str) -> ObjectiveMix:
        """The mix of a task fine-tune: only the task's own mask."""
        name = {"recover": "points", "tte": "od", "predict": "future"}.get(task)
        if name is None:
            raise ValueError(f"task must be recover, tte or predict, got {task!r}")
        # travel time is asked of whole trips: fine-tune on whole windows only
        return cls.from_dict({name: 1.0} | ({"od_whole_prob": 1.0} if task == "tte" else {}))


def step_generator(seed: int, step: int) -> torch.Generator:
    """The CPU generator of one training step: a pure function of (seed, step)."""
    return torch.Generator().manual_seed((int(seed) * 1_000_003 + int(step)) % (2**63))


def _uniform(g: torch.Generator, lo: float, hi: float) -> float:
    return lo + (hi - lo) * float(torch.rand((), generator=g))


def _randint(g: torch.Generator, lo: int, hi: int, n: int, device) -> torch.Tensor:
    """n ints uniform in [lo, hi] (per element hi may be a tensor)."""
    u = torch.rand(n, generator=g).to(device)
    hi = torch.as_tensor(hi, device=device)
    return (lo + torch.floor(u * (hi - lo + 1).clamp_min(1))).long().minimum(hi.long())


def sub_trip(batch: dict, generator: torch.Generator, min_points: int = 3) -> dict:
    """Cut a random contiguous sub-trip of >= min_points points out of every row (rows shorter
    than that stay whole); re-based so each row starts at index 0 and time 0."""
    mask = batch["mask"].bool()
    B, T = mask.shape
    n = mask.sum(1)
    m = torch.minimum(n, torch.full_like(n, min_points))
    length = _randint(generator, 0, n, B, mask.device).maximum(m)  # (B,) in [m, n]
    start = _randint(generator, 0, n - length, B, mask.device)
    idx = (start[:, None] + torch.arange(T, device=mask.device)).clamp_max(T - 1)
    t = torch.gather(batch["t"], 1, idx)
    t_start = t[:, :1]
    new_mask = torch.arange(T, device=mask.device)[None] < length[:, None]
    out = {
        "pos": torch.gather(batch["pos"], 1, idx[..., None].expand(B, T, 2)) * new_mask[..., None],
        "t": (t - t_start) * new_mask,
        "t0": batch["t0"] + t_start[:, 0].round().long(),
        "mask": new_mask,
    }
    if "edge_id" in batch:  # road inputs travel with their points
        out["edge_id"] = torch.gather(batch["edge_id"], 1, idx).where(new_mask, -1)
        out["edge_frac"] = torch.gather(batch["edge_frac"], 1, idx) * new_mask
    return out


def task_mask(
    name: str, batch: dict, mix: ObjectiveMix, generator: torch.Generator
) -> tuple[dict, mk.DomainMask]:
    """(batch, DomainMask) of one non-causal objective; the batch changes only for `od`."""
    mask = batch["mask"].bool()
    g, dev = generator, mask.device
    ratio = _uniform(g, mix.mask_ratio_min, mix.mask_ratio_max)
    if name == "points":
        if float(torch.rand((), generator=g)) < mix.downsample_prob:
            every = _randint(g, 2, mix.downsample_max, mask.shape[0], dev)
            return batch, mk.downsample(mask, every)
        return batch, mk.random_points(mask, ratio, g, domains="space")
    if name == "spans":
        return batch, mk.contiguous_segments(mask, ratio, mix.mean_span, g, domains="both")
    if name == "features":
        return batch, mk.feature_wise(mask, ratio, g)
    if name == "od":
        whole = float(torch.rand((), generator=g)) < mix.od_whole_prob
        sub = batch if whole else sub_trip(batch, g)
        return sub, mk.od(sub["mask"])
    if name == "future":
        n = mask.sum(1)
        k = _randint(g, 1, mix.future_max, mask.shape[0], dev).minimum((n - 1).clamp_min(0))
        return batch, mk.future(mask, n - k)
    raise ValueError(f"unknown objective {name!r}; known: {OBJECTIVES}")


def road_anchor_tensor(road, batch: dict, dm: mk.DomainMask) -> torch.Tensor:
    """(B, T, 2) road-path anchors (NaN = none) of the in-place position-hidden points."""
    mask = batch["mask"].bool()
    hidden = (dm.space & ~dm.time & mask).cpu().numpy()
    visible = (mask & ~dm.space).cpu().numpy()
    out = road.anchor(batch["pos"].double().cpu().numpy(), batch["t"].double().cpu().numpy(),
                      mask.cpu().numpy(), visible, hidden)  # fmt: skip
    return torch.as_tensor(out, dtype=torch.float32, device=mask.device)


def pick_objective(mix: ObjectiveMix, generator: torch.Generator) -> str:
    return OBJECTIVES[int(torch.multinomial(mix.weights, 1, generator=generator))]


def objective_loss(
    model, batch: dict, mix: ObjectiveMix, generator: torch.Generator, road=None
) -> tuple[torch.Tensor, dict]:
    """Draw one objective from `mix` with `generator`, build its inputs, return (loss, parts).

    parts: {"objective": name, "loss": float, ...} plus the infilling loss terms.
    ``road`` (a `trajlm.roads.RoadAnchor`): the `points` objective's hidden positions get
    road-path anchors (its hidden points keep their times, so the time fraction is known).
    """
    name = pick_objective(mix, generator)
    if name == "causal":
        loss = model(batch).loss
        return loss, {"objective": name, "loss": float(loss.detach())}
    b, dm = task_mask(name, batch, mix, generator)
    spans = name in ("spans", "od", "future")
    if road is not None and name == "points":
        b = {**b, "road_anchor": road_anchor_tensor(road, b, dm)}
    ib = build_infill(b, dm, model.embed.stats, spans=spans, anchor_inputs=anchor_inputs_of(model),
                      edge_buckets=road_inputs_of(model),
                      anchor_kind=anchor_kind_of(model),
                      anchor_gap_s=anchor_gap_of(model))  # fmt: skip
    loss, parts = infill_loss(model, ib)
    return loss, {"objective": name, "loss": float(loss.detach())} | {
        k: float(v) for k, v in parts.items()
    }


# -- objectives of the training engine (trajlm.train.trainer.Trainer) ---------------------------


@runtime_checkable
class Objective(Protocol):
    """What the Trainer optimizes. ``loss(model, batch, step) -> (loss, logs)``: a scalar to
    minimize and a dict of floats for metrics.jsonl; ``step`` lets an objective draw its
    randomness from (seed, step) so a resumed run draws exactly what an uninterrupted one does.

    Optional: ``batches(epoch) -> Iterable[dict]`` yields one epoch of training batches when
    the objective samples its own data (classification windows, contrastive pairs); it must be
    a pure function of ``epoch`` (a resume skips the batches already consumed). Without it the
    Trainer streams windows of the store. ``val_loss(model) -> float | None``: the validation
    loss when the store's next-point loss is not the right one."""

    def loss(self, model: Any, batch: dict, step: int) -> tuple[torch.Tensor, dict]: ...


class NextPoint:
    """Causal next-point prediction: the model's own ``forward(batch).loss``."""

    name = "next_point"

    def loss(self, model: Any, batch: dict, step: int) -> tuple[torch.Tensor, dict]:
        return model(batch).loss, {}


class NextPointRollout:
    """Next-point NLL plus ``weight`` x the k-step rollout distance (objectives/rollout.py),
    its cuts drawn with ``step_generator(seed, step)`` so a resumed run draws the same ones.
    The rollout reaches into the model's parts (like MaskedMix): no DDP."""

    name = "next_point+rollout"

    def __init__(self, weight: float, steps: int = 5, seed: int = 0) -> None:
        from trajlm.objectives.rollout import RolloutLossConfig

        self.weight, self.seed = float(weight), seed
        self.cfg = RolloutLossConfig(steps=steps)

    def loss(self, model: Any, batch: dict, step: int) -> tuple[torch.Tensor, dict]:
        from trajlm.objectives.rollout import rollout_loss
        from trajlm.train.modes import core_model  # unwraps torch.compile and PEFT

        nll = model(batch).loss
        r, logs = rollout_loss(core_model(model), batch, self.cfg, step_generator(self.seed, step))
        if r is None:
            return nll, {"nll": float(nll.detach())}
        return nll + self.weight * r, {"nll": float(nll.detach())} | logs


class NextPointTripContrast:
    """Next-point NLL plus ``cfg.weight`` x a trip-level InfoNCE on two augmented views of
    every window (objectives/trip_contrast.py): contrastive pretraining from the start, so the
    pretrained states carry a trip identity. Views drawn with ``step_generator(seed, step)``."""

    name = "next_point+trip_contrast"

    def __init__(self, cfg: Any = None, seed: int = 0) -> None:
        from trajlm.objectives.trip_contrast import TripContrastConfig

        self.cfg, self.seed = cfg or TripContrastConfig(), seed

    def loss(self, model: Any, batch: dict, step: int) -> tuple[torch.Tensor, dict]:
        from trajlm.objectives.trip_contrast import trip_contrast_loss

        nll = model(batch).loss
        c, logs = trip_contrast_loss(model, batch, self.cfg, step_generator(self.seed, step))
        if c is None:
            return nll, {"nll": float(nll.detach())}
        return nll + self.cfg.weight * c, {"nll": float(nll.detach())} | logs


class MaskedMix:
    """An ObjectiveMix (masked points, spans, od, future, causal): one objective per batch,
    drawn with ``step_generator(seed, step)``. The infilling loss reaches into the model's
    parts, so it is given the TrajectoryModel inside a PEFT / compile wrapper (LoRA layers
    included); that bypasses DDP's forward, hence no DDP for mixes."""

    name = "masked"

    def __init__(self, mix: ObjectiveMix, seed: int = 0, road_graph=None) -> None:
        self.mix, self.seed = mix, seed
        self.road_graph, self._road = road_graph, None  # road-path anchors (roads/anchor.py)

    def _core(self, model: Any) -> Any:
        from trajlm.train.modes import core_model  # unwraps torch.compile and PEFT

        core = core_model(model)
        if self.road_graph is not None and self._road is None:
            from trajlm.data.features import NormStats
            from trajlm.roads.anchor import RoadAnchor

            projection = NormStats.from_dict(core.config.stats).projection
            self._road = RoadAnchor(self.road_graph, projection, route=core.config.road_route)
        return core

    def loss(self, model: Any, batch: dict, step: int) -> tuple[torch.Tensor, dict]:
        core = self._core(model)
        loss, parts = objective_loss(
            core, batch, self.mix, step_generator(self.seed, step), self._road
        )
        return loss, parts

    @torch.no_grad()
    def eval_loss(self, model: Any, batches: Iterable[dict]) -> float | None:
        """Mean loss of this mix over ``batches`` (e.g. the val split's first ones), batch i
        masked with ``step_generator(0, i)``: the same objectives and hidden points for every
        run and call, whatever the run's seed, so two runs (pretrained vs scratch) are scored
        on one set of masks. This is what a task fine-tune optimizes; the engine's
        ``val_loss`` is the store's next-point loss, i.e. the causal head, which a ``points``
        mix never trains (issue 14: 40-90x apart between arms with equal recovery MAE)."""
        core, total, n = self._core(model), 0.0, 0
        for i, batch in enumerate(batches):
            loss, _ = objective_loss(core, batch, self.mix, step_generator(0, i), self._road)
            if torch.isfinite(loss):
                total, n = total + float(loss), n + 1
        return total / n if n else None


class MaskedMixTripContrast(MaskedMix):
    """An ObjectiveMix (one masked / causal objective per batch, as MaskedMix) plus
    ``cfg.weight`` x the trip-level InfoNCE of NextPointTripContrast on every batch: span
    infilling, masked points and trip identity in one pretraining (session 20, issue 14's
    recovery premise). A MaskedMix, so the Trainer builds infilling heads and refuses DDP;
    the mix is drawn first, then the views, from one ``step_generator(seed, step)``."""

    name = "masked+trip_contrast"

    def __init__(self, mix: ObjectiveMix, cfg: Any = None, seed: int = 0) -> None:
        from trajlm.objectives.trip_contrast import TripContrastConfig

        super().__init__(mix, seed)
        self.cfg = cfg or TripContrastConfig()

    def loss(self, model: Any, batch: dict, step: int) -> tuple[torch.Tensor, dict]:
        from trajlm.objectives.trip_contrast import trip_contrast_loss

        core, g = self._core(model), step_generator(self.seed, step)
        loss, parts = objective_loss(core, batch, self.mix, g, self._road)
        c, logs = trip_contrast_loss(core, batch, self.cfg, g)
        if c is None:
            return loss, parts
        return loss + self.cfg.weight * c, parts | logs


@dataclass
class Metric:
    """What picks the kept weights on held-out data: ``fn(model) -> float | None`` (None = no
    score, e.g. an empty split), evaluated every ``eval_every`` steps on the trained module."""

    name: str
    fn: Callable[[Any], float | None]
    higher_is_better: bool = False

    def better(self, score: float | None, best: float | None) -> bool:
        if score is None or not math.isfinite(score):
            return False
        if best is None:
            return True
        return score > best if self.higher_is_better else score < best
