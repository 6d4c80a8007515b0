"""What a Trainer trains: the default objective for a TrainConfig, the model built from a config
or a pretrained run, and the checks that the two fit together (before any file is written).

Split from trainer.py so the engine reads as the loop; the order of the calls (and so of the
random draws: ``torch.manual_seed`` comes before ``build_model``) is the Trainer's.
"""

from __future__ import annotations

from pathlib import Path

import torch

from trajlm._safety import UserError
from trajlm.data.store import load_stats
from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.train.config import TrainConfig
from trajlm.train.objectives import (
    MaskedMix,
    NextPoint,
    NextPointRollout,
    NextPointTripContrast,
    Objective,
    ObjectiveMix,
)


def objective_mix(cfg: TrainConfig) -> ObjectiveMix | None:
    """The masked-objective mix TrainConfig names (None: the plain causal loop)."""
    mix = ObjectiveMix.from_dict(cfg.objectives) if cfg.objectives else None
    if mix is not None and mix.causal_only:
        return None  # the plain loop, exactly as before
    return mix


def default_objective(cfg: TrainConfig, mix: ObjectiveMix | None) -> Objective:
    """The objective TrainConfig names: the mix, next-point, or next-point with a rollout loss
    or a trip-level contrastive term."""
    road = None
    if cfg.road_network and mix:  # road-path anchors (docs/roads.md)
        from trajlm.roads.anchor import network_from_spec

        road = network_from_spec(cfg.road_network)
    if mix:
        return MaskedMix(mix, cfg.seed, road)
    if cfg.rollout_weight > 0:
        return NextPointRollout(cfg.rollout_weight, cfg.rollout_steps, cfg.seed)
    if cfg.trip_contrast_weight > 0:  # contrastive pretraining from the start (premise19)
        from trajlm.objectives.trip_contrast import TripContrastConfig

        tc = TripContrastConfig(cfg.trip_contrast_weight, cfg.trip_contrast_temperature)
        return NextPointTripContrast(tc, cfg.seed)
    return NextPoint()


def run_coverage(data: Path | None, cfg: TrainConfig, mc: ModelConfig) -> dict:
    """What this run trains on (saved in config.json); a fine-tune keeps what the pretrained
    model saw too (histograms summed, boxes joined, sources listed)."""
    from trajlm.data.features import NormStats
    from trajlm.model.coverage import compute_coverage, merge_coverage

    stats = NormStats.from_dict(mc.stats) if mc.stats else None
    cov = compute_coverage(data, stats, window=mc.max_len)
    cov["clock_shift_prob"] = cfg.clock_shift_prob
    if cfg.speed_scale_prob > 0:  # slower / faster movers were seen: widen the ranges
        lo, hi = cfg.speed_scales
        for key in ("speed_mps", "traj_speed_mps", "window_speed_mps"):
            if cov.get(key):
                cov[key] = {k: v * (lo if k in ("p1", "p5") else hi if k in ("p95", "p99")
                                    else 1.0) for k, v in cov[key].items()}  # fmt: skip
    if cfg.init_from and mc.coverage:  # not on resume: that config is this run's own
        return merge_coverage(mc.coverage, cov)
    return cov


def build_model(
    data: Path | None, cfg: TrainConfig, model_config: ModelConfig | None, infill: bool
) -> tuple[TrajectoryModel, list[str]]:
    """A model from ``model_config`` (fresh weights) or from ``cfg.init_from`` (a pretrained
    run, read with this store's NormStats); returns it and the names of the modules the
    pretrained weights lacked (trained fresh)."""
    fresh: list[str] = []
    if cfg.init_from:
        from trajlm.train.pretrained import load_weights, pretrained_config

        mc, weights_dir = pretrained_config(cfg.init_from, data, cfg.refit_scales)
        if data is not None:  # a plane's run on degrees, or the other way (leftover38)
            from trajlm.model.coverage import refuse_across_planes

            refuse_across_planes(mc.coverage, data, init_from=cfg.init_from)
    else:
        mc, weights_dir = model_config or ModelConfig(), None
        mc.stats = load_stats(data).to_dict()
    mc.max_len = max(mc.max_len, cfg.max_len)
    mc.infill_heads = mc.infill_heads or infill
    mc.road_anchor = mc.road_anchor or bool(cfg.road_network and infill)
    mc.coverage = run_coverage(data, cfg, mc)
    model = TrajectoryModel(mc)
    if weights_dir is not None:
        fresh = load_weights(model, weights_dir)
        if cfg.refit_scales == "adapt" and mc.position_frame == "trajectory":
            from trajlm.train.pretrained import adapt_step_scale, source_dxy_scale

            adapt_step_scale(model, source_dxy_scale(weights_dir))
    return model, fresh


def check_model_fits(
    core: torch.nn.Module, objective: Objective, infill: bool, cfg: TrainConfig, data: Path | None
) -> None:
    """Refuse an objective the model cannot train (one line, before any file is made), and
    build the retrieval index a retrieval-residual model reads (train split only)."""
    if isinstance(objective, NextPointRollout):
        from trajlm.objectives.rollout import check_rollout_model

        try:
            check_rollout_model(core.config)
        except ValueError as e:
            raise UserError(str(e), hint="set train.rollout_weight = 0") from None
    if infill and getattr(core.config, "uses_step_query", False):
        raise UserError(
            f"{cfg.init_from or 'this model'} predicts with residual_base / time_query "
            "(a next-point design), which the masked objectives (recover, tte) cannot train",
            hint="fine-tune it with --task predict, or fine-tune a multi-task run "
            "(trajlm train --config configs/multitask.toml) for recover / tte",
        )
    if getattr(core.config, "residual_base", None) == "retrieval" and core.retrieval is None:
        from trajlm.model.retrieval import build_index  # issue 15 lever 2: train split only

        core.retrieval = build_index(data, core.config, precompute=True)
