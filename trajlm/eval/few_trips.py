"""The best baseline on a few val trips, read on more windows of them (session 27, fewtrip27).

Below small_val.MIN_VAL_TRIPS val trips the verdict (knn_check) picked the baseline with the
lowest val ADE on one window per trip: 3-4 numbers per engine. heldout26 saw that choice land
at 1.23-1.65x the test's best engine on 3 of 8 held-out stores. fewtrip27 measured rules for
it on 112 generated small stores (heldout26's eight kinds at 8 seeds, movers16's twelve at 4;
3-4 val trips each), fitted on half of the kinds and scored on the other half's test splits
(docs/generalization.md "Session 27 (fewtrip27)"): a prior engine learned across stores with
val's evidence shrunk toward it, val pooled with train-split folds, kNN at its defaults, and
the same val trips read on more windows. The last was best on the fitting half, and on the
evaluation half its choice was 0.932x the current verdict's test error (95 % CI over stores
0.885-0.973; at 7 val trips 0.984, 0.961-1.000).

Rule: **below MIN_VAL_TRIPS val trips, the best baseline is the one with the lowest mean
5-step ADE over up to ``WINDOWS`` windows of each val trip** (make_prediction_task's windows:
cuts k fixes apart, so a fix is the target of one window at most), not over the first window
alone. The engines, their settings (smallval25's shrinkage) and the guard between the model and
that baseline (on the first windows, as before) are unchanged; 10+ val trips: unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import polars as pl

from trajlm.data.protocol_tasks import PredictionTask, make_prediction_task

WINDOWS = 5  # windows per val trip the choice reads (fewtrip27: measured at 5)


def windows_task(table: pl.DataFrame | None, task: PredictionTask) -> PredictionTask | None:
    """Up to WINDOWS windows of each of ``task``'s trips, cut from ``table`` (the val split);
    None without the table, or where it gives no window beyond the one per trip."""
    if table is None or table.height == 0 or not task.traj_ids:
        return None
    trips = table.filter(pl.col("traj_id").is_in(sorted(set(task.traj_ids))))
    more = make_prediction_task(trips, windows=WINDOWS)
    return more if len(more.lengths) > len(task.lengths) else None


def best_on_windows(answer: Callable[[Any, PredictionTask], np.ndarray], ests: dict[str, Any],
                    names: list[str], train: pl.DataFrame, val: pl.DataFrame | None,
                    table: pl.DataFrame | None, task: PredictionTask) -> tuple[str, str] | None:  # fmt: skip
    """(engine, line): which of ``names`` (fitted ``ests``, whose (N, k, 2) lat / lon answers
    ``answer(est, task)`` gives as the verdict scores them: at the windows' report times on an
    irregular store, irreg28; and dead reckoning where ``val`` reports speed and course) has
    the lowest mean ADE over the windows of ``table``'s val trips; None where there are no more
    windows than trips, or no window every engine scored."""
    from trajlm.eval import metrics as M
    from trajlm.eval.dr_verdict import DR, dr_val_errors

    more = windows_task(table, task)
    if more is None:
        return None
    truth = more.target_latlon
    errs = {n: M.point_errors(answer(ests[n], more), truth).mean(1)
            for n in names if n in ests}  # fmt: skip
    if DR in names and (dr := dr_val_errors(train, val, more)) is not None:
        errs[DR] = dr
    if set(errs) != set(names):
        return None
    ok = np.all([np.isfinite(e) for e in errs.values()], axis=0)
    if not ok.any():
        return None
    ade = {n: float(e[ok].mean()) for n, e in errs.items()}
    order = sorted(ade, key=ade.__getitem__)
    best = order[0]
    n_trips = len(set(more.traj_ids))
    # the runner-up's number too (vessel30: how far the next engine was on the same windows)
    second = f" (next: {order[1]}, {ade[order[1]]:.1f} m)" if len(order) > 1 else ""
    return best, (
        f"the best baseline read on {int(ok.sum())} windows of the {n_trips} val trips (up to "
        f"{WINDOWS} each): {best}, {ade[best]:.1f} m{second}"
    )


__all__ = ["WINDOWS", "best_on_windows", "windows_task"]
