"""What a model reads, told from any of the forms the coverage checks accept (a loaded model, a
ModelConfig, a run directory or config.json path, a config dict, or a bare coverage record):
its coverage record, its config's fields, whether it reads the clock and absolute positions.
Split out of trajlm/model/coverage.py (review36), which re-exports ``load_coverage``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def load_coverage(model_or_card: Any) -> dict | None:
    """The coverage record of a TrajectoryModel, ModelConfig, run directory, config.json
    path or coverage dict (None when the model predates coverage recording)."""
    if isinstance(model_or_card, dict):
        return model_or_card.get("coverage", model_or_card)
    if isinstance(model_or_card, str | Path):
        p = Path(model_or_card)
        p = p / "config.json" if p.is_dir() else p
        return json.loads(p.read_text()).get("coverage")
    config = getattr(model_or_card, "config", model_or_card)
    return getattr(config, "coverage", None)


def model_card(model_or_card: Any) -> dict | None:
    """The model's config as a dict (coverage_gate, max_step_norm, stats, position_frame), or
    None when only a coverage record was given."""
    if isinstance(model_or_card, dict):
        return model_or_card if "coverage" in model_or_card else None
    if isinstance(model_or_card, str | Path):
        p = Path(model_or_card)
        return json.loads((p / "config.json" if p.is_dir() else p).read_text())
    config = getattr(model_or_card, "config", model_or_card)
    keys = ("coverage_gate", "max_step_norm", "stats", "position_frame")
    return {k: getattr(config, k) for k in keys if hasattr(config, k)} or None


def card_setting(model_or_card: Any, name: str) -> Any:
    """A config field of a model / ModelConfig / config dict / run path (None when unknown:
    a bare coverage record)."""
    if isinstance(model_or_card, str | Path):
        model_or_card = model_card(model_or_card)
    if isinstance(model_or_card, dict):
        return model_or_card.get(name) if "coverage" in model_or_card else None
    config = getattr(model_or_card, "config", model_or_card)
    return getattr(config, name, None)


def context_mode(model_or_card: Any) -> str | None:
    """The context mode the model runs with now: a loaded model's embedding may have been
    switched after loading (model.embed.context = ...); else the config's."""
    embed = getattr(model_or_card, "embed", None)
    return getattr(embed, "context", None) or card_setting(model_or_card, "context")


def reads_clock(model_or_card: Any) -> bool:
    """False when the model never reads an hour / weekday outside its coverage: context =
    "motion" hides the clock always; "auto" with context_dropout > 0 hides it on every
    trajectory with a point at an unseen hour or weekday (embedding.PointEmbedding.hide: the
    motion-only fallback it learned), so there is nothing to warn about (session 20, cov20)."""
    context = context_mode(model_or_card)
    if context == "motion":
        return False
    return not (context == "auto" and (card_setting(model_or_card, "context_dropout") or 0) > 0)


def position_unread(model_or_card: Any) -> str | None:
    """Why the model reads no absolute position (None when it may): position_frame
    "trajectory", or context "motion" hiding context_features "time+position". A model whose
    region tokens, retrieval base or road anchor place it on the map reads it."""
    if (card_setting(model_or_card, "region_cell_m") or 0) > 0 or card_setting(
        model_or_card, "residual_base"
    ) == "retrieval" or card_setting(model_or_card, "road_anchor"):  # fmt: skip
        return None
    if card_setting(model_or_card, "position_frame") == "trajectory":
        return 'position_frame = "trajectory", every trajectory in its own frame'
    if context_mode(model_or_card) == "motion" and (
        card_setting(model_or_card, "context_features") == "time+position"
    ):
        return 'context = "motion" hides it'
    return None
