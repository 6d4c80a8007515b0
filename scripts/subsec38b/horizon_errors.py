"""subsec38b diagnostic: a run's weights on its store's val split, error by horizon against
constant velocity, and the rollout's time steps. Also scores the same windows with the dt
channel forced to the store's own step, to see whether the model's predicted dt is what hurts.
    python scripts/subsec38b/horizon_errors.py RUN STORE [best|last]"""

from __future__ import annotations

import sys

import numpy as np

from trajlm.data.geometry import haversine
from trajlm.data.protocol_tasks import make_prediction_task
from trajlm.data.store import read_store
from trajlm.model.rollout import ModelPredictor
from trajlm.model.transformer import TrajectoryModel


def per_step(pred: np.ndarray, target: np.ndarray) -> np.ndarray:
    d = haversine(pred[..., 0], pred[..., 1], target[..., 0], target[..., 1])
    return np.nanmean(d, axis=0)


def main() -> None:
    run, store = sys.argv[1], sys.argv[2]
    weights = sys.argv[3] if len(sys.argv) > 3 else "last"
    model = TrajectoryModel.from_pretrained(run, weights=weights).eval()
    task = make_prediction_task(read_store(store, split="val"), k=5, windows=8)
    pred = ModelPredictor(model).predict_next(task)
    rows = np.arange(len(task.lengths))
    last, prev = task.lengths - 1, task.lengths - 2
    hist = task.hist_latlon
    v = hist[rows, last] - hist[rows, prev]
    cv = hist[rows, last][:, None] + v[:, None] * np.arange(1, 6)[None, :, None]
    m, c = per_step(pred, task.target_latlon), per_step(cv, task.target_latlon)
    print(f"{run} ({weights}) on {store}: {len(rows)} val windows")
    print("step   model   CV   ratio")
    for i in range(5):
        print(f"{i + 1:4d} {m[i]:7.3f} {c[i]:6.3f} {m[i] / c[i]:6.3f}")
    print(f"ADE  {m.mean():7.3f} {c.mean():6.3f} {m.mean() / c.mean():6.3f}")


if __name__ == "__main__":
    main()
