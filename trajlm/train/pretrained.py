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
"""

from __future__ import annotations

import json
from pathlib import Path

from safetensors.torch import load_file

from trajlm.data.store import load_stats
from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.model.weights import WEIGHTS_NAME, resolve_weights

# Heads a fine-tune may add to a model pretrained without them (initialised fresh).
OPTIONAL_PREFIXES = ("infill_head.", "end_head.", "span_pos.")


def pretrained_config(run: str | Path, data: str | Path | None = None) -> tuple[ModelConfig, Path]:
    """(RUN's model config with store ``data``'s NormStats (RUN's own when None), the weights
    directory). RUN is a weights directory or a training run (then its val-selected RUN/best,
    as ``TrajectoryModel.from_pretrained`` reads it) or a next-point fine-tune's output."""
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
            target = {**cfg["stats"], **{k: target[k] for k in ("lat0", "lon0", "xy_mean")}}
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


def load_pretrained(
    run: str | Path,
    data: str | Path | None = None,
    max_len: int | None = None,
    infill_heads: bool | None = None,
) -> TrajectoryModel:
    """RUN's weights in a model whose NormStats are store ``data``'s (RUN's own when None).

    max_len: grow the position range to at least this; infill_heads: add the infilling heads
    (initialised fresh) when the pretrained model has none.
    """
    mc, weights_dir = pretrained_config(run, data)
    if max_len is not None:
        mc.max_len = max(mc.max_len, max_len)
    if infill_heads:
        mc.infill_heads = True
    model = TrajectoryModel(mc)
    load_weights(model, weights_dir)
    return model
