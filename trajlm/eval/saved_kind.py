"""What kind of saved model a folder holds, from its config.json alone (newuser24).

``TrajLM.from_pretrained`` asks this of every folder; asking the predictors' own modules
imported scikit-learn and the selector's code first, ~8 of a fresh load's ~9 s on a loaded
2-core box, for a plain transformer run too. The predictors re-export these names."""

from __future__ import annotations

import json
import os
from pathlib import Path

SELECTOR_KIND = (
    "candidate_selector"  # config.json's "kind": what `trajlm eval --model` dispatches on
)
ROUTE_RECOVERY_KIND = "route_recovery"
# eval/val_verdict.py's file, named here so a caller can look for it without val_verdict's imports
VERDICT_NAME = "val_verdict.json"


def saved_kind(path: str | os.PathLike) -> str | None:
    """config.json's "kind" in ``path`` (None: no such file, not JSON, or no kind)."""
    try:
        return json.loads((Path(path) / "config.json").read_text()).get("kind")
    except (OSError, ValueError, AttributeError):
        return None


def is_selector_dir(path: str | os.PathLike) -> bool:
    """Whether `path` holds a saved selector (its config.json says kind candidate_selector)."""
    return saved_kind(path) == SELECTOR_KIND


def is_route_recovery_dir(path: str | os.PathLike) -> bool:
    """Whether `path` holds a saved route-recovery model (config.json kind route_recovery)."""
    return saved_kind(path) == ROUTE_RECOVERY_KIND
