"""kNN continuation that also matches place and heading: a baseline (docs/candidates.md).

``PlaceKNNContinuation`` is ``KNNContinuation`` over a ``PlaceRetrievalIndex``: neighbours
must be similar in shape and speed AND lie near the query's last point, heading the same way.
It is a baseline in its own right (no training beyond the index): where it beats plain kNN it
is the strongest baseline a model must beat. ``tune_place_knn`` picks its weights and
neighbour count on the val task only.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from trajlm.data.features import LocalProjection
from trajlm.data.place_retrieval import PlaceRetrievalIndex
from trajlm.data.protocol_tasks import PredictionTask
from trajlm.data.retrieval import TrainWindows, table_points
from trajlm.eval.baselines import KNNContinuation, canonical_table
from trajlm.eval.knn_grid import predict_grid
from trajlm.eval.tuning_rule import RULE, choose, default_key

GRID = {"w_place": (0.03, 0.1, 0.3, 1.0), "w_heading": (0.0, 30.0, 100.0, 300.0),
        "n_neighbors": (5, 10, 20, 40)}  # fmt: skip
DEFAULT = {"n_neighbors": 20, "w_place": 0.1, "w_heading": 100.0}  # the class's defaults


class PlaceKNNContinuation(KNNContinuation):
    """kNN continuation whose features add w_place * last point (metres) and w_heading *
    (cos, sin) of the last heading (trajlm.data.place_retrieval)."""

    name = "kNN continuation (place-aware)"

    def __init__(
        self,
        n_neighbors: int = DEFAULT["n_neighbors"],
        history: int = 5,
        horizon: int = 5,
        aggregate: str = "median",
        max_windows: int = 300_000,
        random_state: int = 0,
        w_place: float = DEFAULT["w_place"],
        w_heading: float = DEFAULT["w_heading"],
    ) -> None:
        super().__init__(n_neighbors, history, horizon, aggregate, max_windows, random_state)
        self.w_place = w_place
        self.w_heading = w_heading

    def fit(self, train_df: Any, projection: LocalProjection | None = None) -> PlaceKNNContinuation:
        return super().fit(canonical_table(train_df), projection)

    def _new_index(self) -> PlaceRetrievalIndex:
        return PlaceRetrievalIndex(
            history=self.history, horizon=self.horizon, n_neighbors=self.n_neighbors,
            aggregate=self.aggregate, max_windows=self.max_windows,
            random_state=self.random_state, w_place=self.w_place, w_heading=self.w_heading,
        )  # fmt: skip


def place_windows(
    points: tuple[np.ndarray, np.ndarray], history: int, horizon: int
) -> TrainWindows:
    """The train points' (``retrieval.table_points``) windows as every library of
    ``tune_place_knn`` with this history and horizon (val's k) reads them: a weight pair only
    reweighs their features (scale34). Cut by the caller that holds the points, the points
    can go before the grid's libraries are built (scale38)."""
    return PlaceKNNContinuation(1, history, horizon)._new_index().train_windows(*points)


def tune_place_knn(
    train: pl.DataFrame,
    val_task: PredictionTask,
    proj: LocalProjection,
    history: int = 5,
    grid: dict | None = None,
    rule: str = RULE,
    windows: TrainWindows | None = None,
) -> tuple[PlaceKNNContinuation, dict[str, float]]:
    """Grid search on the val task only (history: the plain kNN's tuned one); returns the
    kept fitted estimator and val ADE (haversine metres) per cell. ``rule``: as
    protocol.tune_knn's (eval/tuning_rule.py; "guarded": the defaults, 20 neighbours, place
    weight 0.1, heading weight 100, unless val shows a cell reliably better); what was kept
    and why: the estimator's ``tuning_``. ``windows``: ``place_windows`` of ``train``'s
    points for this history and val's k, already cut (knn_tune.tune_knn_baselines); None:
    cut here."""
    from trajlm.eval import metrics as M

    grid = {**GRID, **(grid or {})}
    k = val_task.target_t.shape[1]
    scores, errors, cells = {}, {}, {}
    xy = val_task.xy(proj)
    # the train windows cut once: the same library as a fit of each cell's own
    if windows is None:
        windows = place_windows(table_points(canonical_table(train), proj), history, k)
    for wp in grid["w_place"]:
        for wh in grid["w_heading"]:
            est = PlaceKNNContinuation(1, history, k, w_place=wp, w_heading=wh)
            est.fit_points(None, None, proj, windows)
            # one library per weight pair, one search for all its neighbour counts
            preds = predict_grid(est, xy, val_task.lengths, k, grid["n_neighbors"])
            for nb in grid["n_neighbors"]:
                pred = preds[nb]  # (N, k, 2) metres
                ll = np.stack(proj.inverse(pred[..., 0], pred[..., 1]), axis=-1)
                key = f"w_place={wp},w_heading={wh},n_neighbors={nb}"
                errors[key] = M.point_errors(ll, val_task.target_latlon).mean(1)
                scores[key] = M.ade(ll, val_task.target_latlon)
                cells[key] = dict(n_neighbors=nb, w_place=wp, w_heading=wh)
    choice = choose(errors, default_key(cells, DEFAULT), rule, scores, val_task.owners()[1])
    est = PlaceKNNContinuation(history=history, horizon=k, **cells[choice.key])
    est.fit_points(None, None, proj, windows)
    est.tuning_ = choice
    return est, scores
