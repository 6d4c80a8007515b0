"""Trajectory transformer: config, model, generation."""

from trajlm.model.config import ModelConfig
from trajlm.model.embedding import build_features
from trajlm.model.transformer import ModelOutput, TrajectoryModel

__all__ = ["ModelConfig", "ModelOutput", "TrajectoryModel", "build_features"]
