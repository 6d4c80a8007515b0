"""Trajectory reasoning: anomaly detection with explanations (docs/anomalies.md)."""

from trajlm.reason.anomaly import AnomalyDetector
from trajlm.reason.inject import KINDS, InjectConfig, inject_anomalies

__all__ = ["KINDS", "AnomalyDetector", "InjectConfig", "inject_anomalies"]
