"""Trajectory reasoning: physical validity checks, generation with rejection / regeneration,
route recommendation with local tools, preference alignment (DPO) on the model's own samples.

Layer: above ``eval`` (it may import data, roads, model, objectives, train, finetune, tasks,
llm, eval); below the API, CLI and server.
"""

from trajlm.reason.validity import (
    CODES,
    DEFAULT_LIMITS,
    ModeLimits,
    ValidityConfig,
    check_arrays,
    check_frame,
    check_validity,
)

__all__ = [
    "CODES",
    "DEFAULT_LIMITS",
    "ModeLimits",
    "ValidityConfig",
    "check_arrays",
    "check_frame",
    "check_validity",
]
