"""The kNN continuation baseline tuned on the val split only (history length x neighbours,
PROTOCOL.md): the harness's strongest baseline for next-point prediction. Split out of
trajlm/eval/protocol.py (review36), which re-exports ``tune_knn``."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

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
    points: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[B.KNNContinuation, dict[str, float]]:
    """Grid search on the val split only; returns the kept fitted model and val ADE per cell.

    ``rule`` (eval/tuning_rule.py, knn30): "argmin" keeps the lowest val ADE (ties: the earlier
    cell); "guarded" (opt-in, measured not better) keeps the default cell (history 5, 10
    neighbours) unless the lowest beats it with a paired 95 % CI. What was kept, and how
    clearly val told it from the default, is in the model's ``tuning_`` (a tuning_rule.Choice).
    ``aggregate``: the neighbours' vote (KNNContinuation's; None: its default). ``points``:
    ``retrieval.table_points`` of ``train`` already computed (tune_knn_baselines shares
    them with the place-aware tuning); None: computed here."""
    if len(val_task.lengths) == 0:
        raise ValueError("tune_knn needs at least one val trajectory (make_prediction_task)")
    k = val_task.target_t.shape[1]
    scores: dict[str, float] = {}
    errors: dict[str, np.ndarray] = {}
    cells: dict[str, dict[str, int]] = {}
    agg = {} if aggregate is None else {"aggregate": aggregate}
    # the train points projected and keyed once for every library (scale34)
    if points is None:
        points = table_points(B.canonical_table(train), proj)
    xy = val_task.xy(proj)
    for h in history:
        knn = None  # the last history's library goes before this one is built (scale38)
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
    knn = None
    knn = B.KNNContinuation(
        kept["n_neighbors"], kept["history"], k, random_state=random_state, **agg
    ).fit_points(*points, proj)
    knn.tuning_ = choice
    return knn, scores


@dataclass
class TunedKNN:
    """A kNN baseline tuned on val: the kept fitted estimator, val ADE per cell and the
    seconds its tuning took (eval's ``fit_s``)."""

    estimator: B.KNNContinuation
    scores: dict[str, float]
    seconds: float


def tune_knn_baselines(
    train: pl.DataFrame,
    val_task: PredictionTask,
    proj: LocalProjection,
    progress: Callable[[str], None] | None = None,
) -> tuple[TunedKNN, TunedKNN]:
    """The plain kNN (``tune_knn``) and then the place-aware kNN (``place_knn.tune_place_knn``
    at the plain one's history) tuned on val, as each tunes alone, from one projection of
    the train points: each tuning projected (and sorted) the train table itself, and the
    points go once the place-aware windows are cut, before its 16 libraries (scale38: eval's
    peak at 6.1 M fixes). The same estimators and scores as the two calls apart
    (tests/test_scale38.py). ``progress``: told when the place-aware tuning starts."""
    from trajlm.eval.place_knn import place_windows, tune_place_knn

    start = time.perf_counter()
    points = table_points(B.canonical_table(train), proj)
    knn, scores = tune_knn(train, val_task, proj, points=points)
    plain = TunedKNN(knn, scores, time.perf_counter() - start)
    if progress is not None:
        progress("tuning the place-aware kNN on val")
    start = time.perf_counter()
    windows = place_windows(points, knn.history, val_task.target_t.shape[1])
    del points  # the windows are all the place-aware libraries read
    place, pscores = tune_place_knn(train, val_task, proj, knn.history, windows=windows)
    return plain, TunedKNN(place, pscores, time.perf_counter() - start)
