"""One checkpoint, every harness task: prediction, recovery and travel time from one model."""

from __future__ import annotations

from typing import Any

from trajlm.model.rollout import ModelPredictor


class MultiTaskModel:
    """``TaskModel`` with predict_next (causal rollout), and, for a model with infilling heads,
    recover (masked spatial domain) and travel_time (masked destination time)."""

    def __init__(self, model: Any, name: str, recover_mode: str = "inplace") -> None:
        self.model, self.name = model, name
        self._predictor = ModelPredictor(model, name=name)
        if getattr(model, "infill_head", None) is not None:
            from trajlm.tasks.recover import ModelRecoverer
            from trajlm.tasks.travel_time import ModelTravelTime

            self.recover = ModelRecoverer(model, mode=recover_mode, name=name).recover
            self.travel_time = ModelTravelTime(model, name=name).travel_time

    def predict_next(self, task):
        return self._predictor.predict_next(task)


def task_model(model: Any, name: str) -> Any:
    """The harness adapter for a loaded TrajectoryModel: every task it can serve."""
    if getattr(model, "infill_head", None) is None:
        return ModelPredictor(model, name=name)
    return MultiTaskModel(model, name)
