"""Trajectory reasoning: physical validity checks, generation with rejection / regeneration,
anomaly detection with explanations, route recommendation with local tools, preference
alignment (DPO) on the model's own samples (docs/reasoning.md, docs/anomalies.md).

Layer: above ``eval`` (it may import data, roads, model, objectives, train, finetune, tasks,
llm, eval); below the API, CLI and server. The validity checks import only NumPy and Polars;
the model-side names load torch on first use (PEP 562).
"""

from __future__ import annotations

import importlib
from typing import Any

from trajlm.reason.validity import (
    CODES,
    DEFAULT_LIMITS,
    ModeLimits,
    ValidityConfig,
    check_arrays,
    check_frame,
    check_validity,
    summarize,
)

_LAZY = {
    "ContinuationChecker": "trajlm.reason.regenerate",
    "Regenerated": "trajlm.reason.regenerate",
    "sample_valid": "trajlm.reason.regenerate",
    "build_pairs": "trajlm.reason.align",
    "align": "trajlm.reason.align",
    "TravelTimeService": "trajlm.reason.route",
    "FreeFlowTimes": "trajlm.reason.route",
    "HistoricalSpeeds": "trajlm.reason.route",
    "Routes": "trajlm.reason.route",
    "recommend": "trajlm.reason.route",
    "draw_routes": "trajlm.reason.route",
    "AnomalyDetector": "trajlm.reason.anomaly",
    "KINDS": "trajlm.reason.inject",
    "InjectConfig": "trajlm.reason.inject",
    "inject_anomalies": "trajlm.reason.inject",
}

__all__ = [
    "CODES",
    "DEFAULT_LIMITS",
    "ModeLimits",
    "ValidityConfig",
    "check_arrays",
    "check_frame",
    "check_validity",
    "summarize",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'trajlm.reason' has no attribute {name!r}")
