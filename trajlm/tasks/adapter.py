"""One checkpoint, every harness task: prediction, recovery and travel time from one model."""

from __future__ import annotations

from typing import Any

from trajlm.model.rollout import ModelPredictor


class MultiTaskModel:
    """``TaskModel`` with predict_next (causal rollout), and, for a model with infilling heads,
    recover (masked spatial domain) and travel_time (masked destination time)."""

    def __init__(
        self, model: Any, name: str, recover_mode: str = "inplace", road: Any = None
    ) -> None:
        self.model, self.name = model, name
        self._predictor = ModelPredictor(model, name=name)
        if getattr(model, "infill_head", None) is not None:
            from trajlm.tasks.recover import ModelRecoverer
            from trajlm.tasks.travel_time import ModelTravelTime

            # a model of the road domain recovers only with its network (road: a RoadGraph)
            if road is not None or not needs_network(model):
                rec = ModelRecoverer(model, mode=recover_mode, name=name, road=road)
                self.recover = rec.recover
            self.travel_time = ModelTravelTime(model, name=name).travel_time

    def predict_next(self, task):
        return self._predictor.predict_next(task)


class BridgeTaskModel:
    """``TaskModel`` of a checkpoint without infilling heads: predict_next (causal rollout) and
    recover through the bidirectional bridge of its forward rollouts, with the settings
    ``TrajLM.recover`` uses (recover_bridge.BRIDGE_DEFAULT); no travel_time. ``verdict``: the
    run's saved val verdict of recovery (session 22, eval/val_verdict.py), or None."""

    def __init__(self, model: Any, name: str, verdict: dict | None = None) -> None:
        from trajlm.tasks.recover_bridge import BRIDGE_DEFAULT, BridgeRecoverer

        self.model, self.name = model, name
        self._predictor = ModelPredictor(model, name=name)
        self._bridge = BridgeRecoverer(model, name=name, verdict=verdict, **BRIDGE_DEFAULT)

    def predict_next(self, task):
        return self._predictor.predict_next(task)

    def recover(self, task):
        return self._bridge.recover(task)


def needs_network(model: Any) -> bool:
    """Whether recovery with ``model`` needs a road network (road-path anchors, road inputs)."""
    config = getattr(model, "config", None)
    return bool(getattr(config, "road_anchor", False) or getattr(config, "n_edge_buckets", 0))


def task_model(
    model: Any, name: str, road: Any = None, bridge: bool = False, verdict: dict | None = None
) -> Any:
    """The harness adapter for a loaded TrajectoryModel: every task it can serve (``road``:
    the RoadGraph a road-domain model recovers on; ``bridge``: a checkpoint without infilling
    heads also recovers, through the bridge of its forward rollouts)."""
    if getattr(model, "infill_head", None) is None:
        if bridge:
            return BridgeTaskModel(model, name, verdict=verdict)
        return ModelPredictor(model, name=name)
    return MultiTaskModel(model, name, road=road)
