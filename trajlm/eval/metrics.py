"""Evaluation metrics; they live in ``trajlm.data.metrics`` (the trainer's model selection
scores with them too, and it sits below eval). This module keeps the old import path."""

from trajlm.data.metrics import (
    ade,
    distance_metrics,
    fde,
    haversine,
    mae,
    mape,
    point_errors,
    regression_metrics,
    rmse,
    to_minutes,
)

__all__ = [
    "ade",
    "distance_metrics",
    "fde",
    "haversine",
    "mae",
    "mape",
    "point_errors",
    "regression_metrics",
    "rmse",
    "to_minutes",
]
