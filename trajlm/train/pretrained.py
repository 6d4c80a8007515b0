"""The one way to start from a pretrained model on a (possibly different) store.

    model = load_pretrained(RUN, data=STORE)     # RUN's weights, STORE's projection and scales

A TrajectoryModel's NormStats (projection centre lat0/lon0, coordinate and step scales) are
part of its config, not of its weights. The loader (``TrajectoryWindows``) projects a store's
points about that store's own centre, and evaluation (``ModelPredictor``, ``ModelRecoverer``)
projects and un-projects with ``model.config.stats``. So the model adopts the TARGET store's
NormStats: inputs, targets and decoded predictions then live in one frame. Keeping the source
model's stats instead would put the target's points (projected about the target centre) into
a model that decodes about the source centre: on another city every prediction lands
kilometres off (tests/test_engine.py fine-tunes on a store shifted by ~20 km). Making the loader
use the source projection instead would be consistent too, but places a far city hundreds of
km from the plane's centre, where the equirectangular plane distorts and the normalized
coordinates are far outside what the model saw; the target's own stats keep both in range.

A trajectory-frame model (no absolute position) keeps its pretraining step and time scales by
default (``refit_scales="keep"``). ``"refit"`` gives it the target store's step scale instead
(Porto's steps are 135 m, the corpus's 442 m: docs/pretraining.md, "The foundation premise"),
and ``"adapt"`` does that and rescales the step input columns and the step outputs of the
loaded weights so the model's mean predictions are those of "keep" (exact while no step
reaches the input clamp, ``max_step_norm`` steps, and for a position encoding that does not
read step lengths: not ``rope_adaptive``); the log-variance is shifted only where its layer has
a bias (the default models have none). Only the units the fine-tune optimizes in change.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import torch
from safetensors.torch import load_file

from trajlm.data.store import load_stats
from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.model.weights import WEIGHTS_NAME, resolve_weights

# Heads a fine-tune may add to a model pretrained without them (initialised fresh).
OPTIONAL_PREFIXES = ("infill_head.", "end_head.", "span_pos.")
# What a fine-tune does with a trajectory-frame model's step scale (module docstring).
REFIT_SCALES = ("keep", "refit", "adapt")


def pretrained_config(
    run: str | Path, data: str | Path | None = None, refit_scales: str = "keep"
) -> tuple[ModelConfig, Path]:
    """(RUN's model config with store ``data``'s NormStats (RUN's own when None), the weights
    directory). RUN is a weights directory or a training run (then its val-selected RUN/best,
    as ``TrajectoryModel.from_pretrained`` reads it) or a next-point fine-tune's output.
    refit_scales: "keep" | "refit" | "adapt" (module docstring; the last two give a
    trajectory-frame model the target's step scale)."""
    if refit_scales not in REFIT_SCALES:
        raise ValueError(f"refit_scales must be one of {REFIT_SCALES}, got {refit_scales!r}")
    run = Path(run)
    if not (run / "config.json").exists() and (run / "merged" / WEIGHTS_NAME).exists():
        run = run / "merged"
    run = resolve_weights(run)
    cfg = json.loads((run / "config.json").read_text())
    if data is not None:
        target = load_stats(data).to_dict()
        if cfg.get("position_frame") == "trajectory" and cfg.get("stats"):
            # No absolute position: the corpus-wide step / time scales stay (the weights
            # read them); only the plane is the target store's.
            own = ("lat0", "lon0", "xy_mean") + (("dxy_scale",) if refit_scales != "keep" else ())
            target = {**cfg["stats"], **{k: target[k] for k in own}}
        cfg["stats"] = target
    return ModelConfig.from_dict(cfg, section=str(run / "config.json")), run


def load_weights(model: TrajectoryModel, directory: str | Path) -> list[str]:
    """Load a weights directory into ``model``; returns the fresh (missing optional) heads'
    prefixes. Every other weight must fit exactly."""
    weights = load_file(Path(directory) / WEIGHTS_NAME, device="cpu")
    missing, unexpected = model.load_state_dict(weights, strict=False)
    bad = [k for k in missing if not k.startswith(OPTIONAL_PREFIXES)] + list(unexpected)
    if bad:
        raise ValueError(f"{directory}: weights do not fit the model ({bad[:5]})")
    return sorted({p.rstrip(".") for p in OPTIONAL_PREFIXES for k in missing if k.startswith(p)})


def adapt_step_scale(model: TrajectoryModel, old_dxy_scale: float) -> None:
    """Rescale ``model``'s weights, loaded for a step scale ``old_dxy_scale``, to its config's
    step scale, so it predicts as before: a step reaches the input layer as step / scale
    (feature columns 2-3) and the heads predict (dx, dy) in those units (rows 0-1). Only for a
    trajectory-frame model: a store-frame fine-tune has always taken the target's scales as
    they are, and that path stays unchanged."""
    if model.config.position_frame != "trajectory":
        return
    ratio = model.stats.dxy_scale / old_dxy_scale  # new units per old unit
    with torch.no_grad():
        model.embed.proj.weight[:, 2:4] *= ratio  # input: the same step is 1/ratio as large
        for head in (model.head, model.infill_head):
            if head is None:
                continue
            head.mean.weight[:2] /= ratio  # output: the same step is 1/ratio as large
            if head.mean.bias is not None:
                head.mean.bias[:2] /= ratio
            if head.log_var is not None and head.log_var.bias is not None:
                head.log_var.bias[:2] -= 2.0 * math.log(ratio)  # variance in new units^2


def load_pretrained(
    run: str | Path,
    data: str | Path | None = None,
    max_len: int | None = None,
    infill_heads: bool | None = None,
    refit_scales: str = "keep",
) -> TrajectoryModel:
    """RUN's weights in a model whose NormStats are store ``data``'s (RUN's own when None).

    max_len: grow the position range to at least this; infill_heads: add the infilling heads
    (initialised fresh) when the pretrained model has none; refit_scales: "keep" | "refit" |
    "adapt" (module docstring).
    """
    mc, weights_dir = pretrained_config(run, data, refit_scales)
    if max_len is not None:
        mc.max_len = max(mc.max_len, max_len)
    if infill_heads:
        mc.infill_heads = True
    model = TrajectoryModel(mc)
    load_weights(model, weights_dir)
    if refit_scales == "adapt" and mc.position_frame == "trajectory":
        adapt_step_scale(model, source_dxy_scale(weights_dir))
    return model


def source_dxy_scale(weights_dir: str | Path) -> float:
    """The step scale the weights in ``weights_dir`` were trained with (its config.json)."""
    stats = json.loads((Path(weights_dir) / "config.json").read_text()).get("stats")
    return float(stats["dxy_scale"]) if stats else 1.0  # no stats: identity normalization
