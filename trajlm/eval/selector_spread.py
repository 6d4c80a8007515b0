"""``std_m`` and radii for a candidate selector's answers (session 27, uncert27).

A candidate selector (eval/selector_predictor.py) answers with one of three engines, the one
its val check picked (eval/selector_verdict.py): the network over retrieved futures, plain kNN
or place-aware kNN. Each is a point estimate; before this module every answer had ``std_m``
NaN and ``radii`` was refused (status item 4).

Here each of the three engines gets the spread the prediction verdict's engines got in session
26 (eval/engine_spread.py, the same form, read the same way): at the end of the fit, every
engine answers every window of the val trips (up to engine_spread.WINDOWS per trip, at most
``max_val_windows`` in all, the cap the fit's own val windows have), and the split-conformal
quantiles of err / scale at 50 / 90 / 95 % (pooled over steps), with the sigma that held 86.5 %
within 2 sigma, are saved in the selector's config.json under "val_spread" (numbers only). All
three are saved, so an engine forced at load (``engine="knn"``) answers with its own.

Caveat said in the docs: the network was early-stopped on these val trips' windows and the
kNN pools' neighbour counts were tuned on them, so the spread is read on data the fit saw (as
the prediction verdict's tuned kNN's is); session 27's test read is the check.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from trajlm.data.protocol_tasks import make_prediction_task
from trajlm.errors import UserError
from trajlm.eval.engine_spread import WINDOWS, fit_spread, spread_ok, task_scale
from trajlm.eval.metrics import point_errors
from trajlm.eval.selector_verdict import ENGINES

SPREAD_HISTORY = 20  # fixes of history a val window has (make_prediction_task's n_input)
OLD_FOLDER = ("{path}: fitted before session 27, without a val measure of its error spread: "
              "std_m is NaN; refit it (trajlm train-selector) for std_m and radii")  # fmt: skip


def spread_task(val: pl.DataFrame, horizon: int, cap: int) -> Any:
    """The val ``PredictionTask`` the spread is read on: up to ``WINDOWS`` windows per trip,
    fewer per trip where the trips would give over ``cap`` windows in all."""
    n_trips = max(int(val["traj_id"].n_unique()), 1)
    per = int(np.clip(cap // n_trips, 1, WINDOWS))
    return make_prediction_task(val, k=horizon, n_input=SPREAD_HISTORY, windows=per)


def engine_step_errors(sel: Any, task: Any) -> dict[str, np.ndarray]:
    """(N, k) metres: every engine's point errors on ``task`` (not averaged over steps)."""
    return {e: point_errors(sel.predict_next(task, engine=e), task.target_latlon)
            for e in ENGINES}  # fmt: skip


def selector_val_spread(sel: Any, val: pl.DataFrame) -> dict[str, dict]:
    """{engine: spread} (engine_spread.fit_spread) of a fitted selector on its val split; an
    engine with too few val answers has no entry."""
    task = spread_task(val, int(sel.settings_["horizon"]), int(sel.max_val_windows))
    if len(task.lengths) == 0:
        return {}
    scale = task_scale(task)
    fitted = {e: fit_spread(err, scale) for e, err in engine_step_errors(sel, task).items()}
    return {e: s for e, s in fitted.items() if s is not None}


def with_selector_spread(sel: Any, pred: pl.DataFrame, df: pl.DataFrame,
                         levels: list[int] | None = None) -> pl.DataFrame:  # fmt: skip
    """Canonical rows ``pred`` predicted by ``sel`` from the canonical table ``df`` with
    ``std_m`` (and ``r{level}_m``) from the answering engine's val spread (NaN without one).
    The spread was read on PROTOCOL windows' histories (the last SPREAD_HISTORY fixes): the
    scale reads as many here, so an hour of history does not change its meaning. Shared by
    ``TrajLM.predict`` and the estimator's own ``predict(df)`` (session 28)."""
    from trajlm.eval.engine_spread import with_engine_spread

    hist = df.sort("traj_id", "t", maintain_order=True).group_by(
        "traj_id", maintain_order=True).tail(SPREAD_HISTORY)  # fmt: skip
    return with_engine_spread(pred, hist, spread_of(sel, sel.engine_), levels)


def check_saved_spread(spread: Any, where: str) -> dict | None:
    """A selector folder's saved "val_spread" as the fit wrote it, or one UserError line naming
    ``where`` and the field (a hand-edited factor would answer circles nobody measured). None:
    fitted before session 27."""
    if spread is None:
        return None
    if not isinstance(spread, dict):
        raise UserError(f"{where}: val_spread: expected an object, got {type(spread).__name__}; "
                        "refit the selector (trajlm train-selector)")  # fmt: skip
    for engine, entry in spread.items():
        if engine not in ENGINES or not spread_ok(entry):
            raise UserError(f"{where}: val_spread.{engine}: not a spread this trajlm reads "
                            "(positive, finite, non-decreasing factors 50 / 90 / 95 and a "
                            "sigma); refit the selector (trajlm train-selector)")  # fmt: skip
    return spread


def spread_of(sel: Any, engine: str) -> dict | None:
    """The saved spread of ``engine`` (None: the folder has none, or none for that engine)."""
    return (getattr(sel, "val_spread_", None) or {}).get(engine)


__all__ = ["OLD_FOLDER", "SPREAD_HISTORY", "check_saved_spread", "engine_step_errors", "selector_val_spread",
           "spread_of", "spread_task", "with_selector_spread"]  # fmt: skip
