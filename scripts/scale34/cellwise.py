"""The kNN grid searches on val as main f3f47f24 ran them: a fit and a search per cell.

The reference scale34's faster tuning (protocol.tune_knn, place_knn.tune_place_knn over
eval/knn_grid.py) must equal to the bit: tests/test_scale34.py and tuning_speed.py compare
against these loops. Each returns {cell key: val ADE (m)} as the library's tuners do.
"""

from __future__ import annotations

import numpy as np

from trajlm.eval import baselines as B
from trajlm.eval import metrics as M
from trajlm.eval.place_knn import GRID, PlaceKNNContinuation
from trajlm.eval.task_scoring import ProjectedBaseline


def tune_knn_cellwise(
    train, val_task, proj, n_neighbors=(5, 10, 20, 40, 80), history=(3, 5, 8)
) -> dict[str, float]:
    """protocol.tune_knn's grid: a library per history length built from the table, a
    search per neighbour count."""
    k, scores = val_task.target_t.shape[1], {}
    for h in history:
        knn = B.KNNContinuation(1, h, k).fit(train, proj)
        for nb in n_neighbors:
            knn.n_neighbors = nb
            pred = ProjectedBaseline(knn, proj).predict_next(val_task)
            scores[f"history={h},n_neighbors={nb}"] = M.ade(pred, val_task.target_latlon)
    return scores


def tune_place_cellwise(train, val_task, proj, history: int) -> dict[str, float]:
    """place_knn.tune_place_knn's grid: a library per weight pair built from the table (its
    windows cut anew), a search per neighbour count."""
    k, xy, scores = val_task.target_t.shape[1], val_task.xy(proj), {}
    for wp in GRID["w_place"]:
        for wh in GRID["w_heading"]:
            est = PlaceKNNContinuation(1, history, k, w_place=wp, w_heading=wh).fit(train, proj)
            for nb in GRID["n_neighbors"]:
                est.n_neighbors = nb
                pred = est.predict(xy, val_task.lengths, k)
                ll = np.stack(proj.inverse(pred[..., 0], pred[..., 1]), axis=-1)
                key = f"w_place={wp},w_heading={wh},n_neighbors={nb}"
                scores[key] = M.ade(ll, val_task.target_latlon)
    return scores
