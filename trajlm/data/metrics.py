"""Evaluation metrics: great-circle distances in metres, ADE/FDE, MAE/RMSE, MAPE.

Every distance the project reports is the haversine distance on a sphere of radius
R = 6,371,008.8 m (the IUGG mean Earth radius, PROTOCOL.md), computed on WGS84 degrees.
All functions broadcast over arrays of any matching shape and never loop in Python.
"""

from __future__ import annotations

import numpy as np

from trajlm.data.geometry import haversine


def point_errors(pred: np.ndarray, true: np.ndarray) -> np.ndarray:
    """Haversine error in metres per point for (..., 2) arrays of (lat, lon) degrees."""
    pred, true = np.asarray(pred, np.float64), np.asarray(true, np.float64)
    if pred.shape != true.shape or pred.shape[-1] != 2:
        raise ValueError(f"need matching (..., 2) lat/lon arrays, got {pred.shape} {true.shape}")
    return haversine(pred[..., 0], pred[..., 1], true[..., 0], true[..., 1])


def mae(errors: np.ndarray) -> float:
    """Mean absolute error of an array of (non-negative) distance errors or residuals."""
    e = np.abs(np.asarray(errors, np.float64))
    return float(e.mean()) if e.size else float("nan")


def rmse(errors: np.ndarray) -> float:
    """Root mean squared error over all entries."""
    e = np.asarray(errors, np.float64)
    return float(np.sqrt(np.mean(e**2))) if e.size else float("nan")


def ade(pred: np.ndarray, true: np.ndarray) -> float:
    """Average displacement error in metres for (N, k, 2) lat/lon predictions.

    Every trajectory has the same k, so the mean over points equals the mean of per-trajectory
    ADEs; this is the "MAE over the 5 predicted points" of PROTOCOL.md.
    """
    return mae(point_errors(pred, true))


def fde(pred: np.ndarray, true: np.ndarray) -> float:
    """Final displacement error in metres: mean error at the last of k steps, (N, k, 2) inputs."""
    return mae(point_errors(np.asarray(pred)[:, -1], np.asarray(true)[:, -1]))


def mape(pred: np.ndarray, true: np.ndarray) -> float:
    """Mean absolute percentage error in % (entries with true == 0 must be removed first)."""
    pred, true = np.asarray(pred, np.float64), np.asarray(true, np.float64)
    if np.any(true == 0):
        raise ValueError("MAPE is undefined where the true value is 0; filter those rows first")
    return float(np.mean(np.abs(pred - true) / np.abs(true)) * 100.0) if true.size else float("nan")


def to_minutes(seconds: np.ndarray | float) -> np.ndarray | float:
    """Seconds -> minutes."""
    return np.asarray(seconds, np.float64) / 60.0 if np.ndim(seconds) else float(seconds) / 60.0


def regression_metrics(pred_s: np.ndarray, true_s: np.ndarray) -> dict[str, float]:
    """Travel-time metrics from durations in seconds: MAE and RMSE in minutes, MAPE in %."""
    r = np.asarray(pred_s, np.float64) - np.asarray(true_s, np.float64)
    return {
        "mae_min": to_minutes(mae(r)),
        "rmse_min": to_minutes(rmse(r)),
        "mape_pct": mape(pred_s, true_s),
    }


def distance_metrics(errors_m: np.ndarray) -> dict[str, float]:
    """MAE and RMSE in metres of per-point distance errors."""
    return {"mae_m": mae(errors_m), "rmse_m": rmse(errors_m)}
