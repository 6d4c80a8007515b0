"""What answers ``TrajLM.predict`` when `trajlm train` could not check the kept model (session
25, folds25).

With fewer than ``knn_check.MIN_TRIPS`` (3) val trips there is no interval worth a verdict
(heldout25): the run said so and the model answered unchecked; on heldout25's two such stores
it was 2.1x and 0.95x kNN continuation at its default settings on test. The rule, chosen on
smallval25's pools (1-2 trip draws; docs/generalization.md "Session 25 (folds25)"): **when val
is too small to check, kNN continuation at its default settings (10 neighbours, 5-point
histories, median; fitted on the train split, nothing tuned on val) answers**. Picking the best
engine on the 1-2 val trips themselves did worse than either (their errors are too few to
rank engines). ``fallback=False`` (API) / ``--no-fallback`` (CLI) keeps the model's own answer.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from trajlm.data.features import LocalProjection
from trajlm.eval import baselines as B
from trajlm.eval.predict_verdict import KNN, knn_params, knn_table, unchecked_line

UNCHECKED_RULE = ("unchecked (folds25): val has fewer trips than a verdict needs, so kNN "
                  "continuation at its default settings answers (nothing tuned on val)")  # fmt: skip


def unchecked_verdict(train: pl.DataFrame, n_val_trips: int,
                      why: str) -> tuple[dict[str, Any], pl.DataFrame] | None:  # fmt: skip
    """The prediction verdict (and kNN's windows to save) for a run whose val was too small to
    check; None when the train split holds no kNN window (the model answers, as before)."""
    proj = LocalProjection.fit(train)
    knn = B.KNNContinuation().fit(train, proj)
    if int(getattr(knn, "n_windows_", 0)) == 0:
        return None
    knn.projection_ = proj
    box = [float(train["lat"].min()), float(train["lon"].min()),
           float(train["lat"].max()), float(train["lon"].max())]  # fmt: skip
    v = {"engine": KNN, "rule": UNCHECKED_RULE, "unchecked": why, "val_ade_m": {},
         "best_baseline": KNN, "n_val_trips": int(n_val_trips), "train_box": box,
         "knn": knn_params(knn)}  # fmt: skip
    return v, knn_table(knn)


__all__ = ["UNCHECKED_RULE", "unchecked_line", "unchecked_verdict"]  # the line: predict_verdict
