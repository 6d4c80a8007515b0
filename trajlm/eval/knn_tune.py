"""The kNN continuation baseline tuned on the val split only (history length x neighbours,
PROTOCOL.md): the harness's strongest baseline for next-point prediction. Split out of
trajlm/eval/protocol.py (review36), which re-exports ``tune_knn``."""

from __future__ import annotations

import numpy as np
import polars as pl

from trajlm.data.features import LocalProjection
from trajlm.data.protocol_tasks import PredictionTask
from trajlm.data.retrieval import table_points
from trajlm.eval import baselines as B
from trajlm.eval import metrics as M
from trajlm.eval.knn_grid import predict_grid
from trajlm.eval.tuning_rule import RULE, choose, default_key


def tune_knn(
    train: pl.DataFrame,
    val_task: PredictionTask,
    proj: LocalProjection,
    n_neighbors: tuple[int, ...] = (5, 10, 20, 40, 80),
    history: tuple[int, ...] = (3, 5, 8),
    random_state: int = 0,
    rule: str = RULE,
    aggregate: str | None = None,
) -> tuple[B.KNNContinuation, dict[str, float]]:
    """Grid search on the val split only; returns the kept fitted model and val ADE per cell.

    ``rule`` (eval/tuning_rule.py, knn30): "argmin" keeps the lowest val ADE (ties: the earlier
    cell); "guarded" (opt-in, measured not better) keeps the default cell (history 5, 10
    neighbours) unless the lowest beats it with a paired 95 % CI. What was kept, and how
    clearly val told it from the default, is in the model's ``tuning_`` (a tuning_rule.Choice).
    ``aggregate``: the neighbours' vote (KNNContinuation's; None: its default)."""
    if len(val_task.lengths) == 0:
        raise ValueError("tune_knn needs at least one val trajectory (make_prediction_task)")
    k = val_task.target_t.shape[1]
    scores: dict[str, float] = {}
    errors: dict[str, np.ndarray] = {}
    cells: dict[str, dict[str, int]] = {}
    agg = {} if aggregate is None else {"aggregate": aggregate}
    # the train points projected and keyed once for every library (scale34)
    points = table_points(B.canonical_table(train), proj)
    xy = val_task.xy(proj)
    for h in history:
        knn = B.KNNContinuation(1, h, k, random_state=random_state, **agg).fit_points(*points, proj)
        # one library per history length, one search for all its neighbour counts
        preds = predict_grid(knn, xy, val_task.lengths, k, n_neighbors)
        for nb in n_neighbors:
            pred = np.stack(proj.inverse(preds[nb][..., 0], preds[nb][..., 1]), axis=-1)
            key = f"history={h},n_neighbors={nb}"
            errors[key] = M.point_errors(pred, val_task.target_latlon).mean(1)
            scores[key] = M.ade(pred, val_task.target_latlon)
            cells[key] = {"history": h, "n_neighbors": nb}
    d = B.KNNContinuation()
    default = default_key(cells, {"history": d.history, "n_neighbors": d.n_neighbors})
    choice = choose(errors, default, rule, scores, val_task.owners()[1])
    kept = cells[choice.key]
    knn = B.KNNContinuation(
        kept["n_neighbors"], kept["history"], k, random_state=random_state, **agg
    ).fit_points(*points, proj)
    knn.tuning_ = choice
    return knn, scores
