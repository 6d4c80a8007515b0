"""Your own model's answers at asked times (session 35, outside35): the windows `trajlm eval
--task predict --horizon-s S` scores, exported by `trajlm data queries --horizon-s S` and scored
back through `--predictions` (byo34's path for the k-step windows: eval/own_answers.py).

The windows are ``make_horizon_task``'s on the scored split, exactly as ``run_eval`` builds them
(a cut every longest-horizon seconds, 10 min of history, up to 20 windows per trajectory). A
query is one window asked at every horizon: its id is ``at+60+300s|TRAJ@CUT`` (the horizons
asked, then the window's own id), so answers written for other horizons are refused as foreign
ids, never scored against the wrong seconds. Its asks are k = 1..H, the horizons in ascending
order, each with ``t`` (last input fix + the horizon) and ``ahead_s``. Every window is asked at
every horizon, also where the truth there is missing (a gap): which asks are scored is not told.

`--at-report-times` asks the k-step windows (one per trajectory) at the true times of the next k
reports, which the asks' ``t`` already are: its queries are the k-step ones, and an answer file
is scored as it stands (``AnswerModel.answers_at_asked_times``).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from trajlm.eval.horizon import HorizonTask, make_horizon_task
from trajlm.eval.own_answers import match_answers


def horizon_prefix(horizons: np.ndarray | tuple[float, ...]) -> str:
    """The query id's head naming the horizons asked: ``at+60+300+600s|``."""
    return "at+" + "+".join(f"{float(h):g}" for h in sorted(horizons)) + "s|"


def horizon_task(split_table: pl.DataFrame, horizons: tuple[float, ...],
                 max_gap_s: float) -> HorizonTask:  # fmt: skip
    """The windows the harness scores at ``horizons`` on ``split_table`` (run_eval's call)."""
    return make_horizon_task(split_table, tuple(horizons), max_gap_s=max_gap_s)


def horizon_ids(task: HorizonTask) -> list[str]:
    """One query id per window of ``task``, in its order."""
    head = horizon_prefix(task.horizons)
    return [head + w for w in task.hist["traj_id"].unique(maintain_order=True).to_list()]


def horizon_queries(task: HorizonTask) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(inputs, asks) of ``task``: each window's history fixes (query_id, traj_id, step, t, lat,
    lon) and one ask per horizon (query_id, traj_id, k = 1..H, t, ahead_s). No truth."""
    head = horizon_prefix(task.horizons)
    hist = task.hist.select("traj_id", "t", "lat", "lon")
    owner = dict(zip(horizon_ids(task), task.source.astype(str).tolist(), strict=True))
    inputs = hist.select(
        (pl.lit(head) + pl.col("traj_id")).alias("query_id"),
        pl.col("traj_id").alias("_window"),
        pl.int_range(pl.len()).over("traj_id").cast(pl.Int64).alias("step"),
        pl.col("t").cast(pl.Int64),
        pl.col("lat").cast(pl.Float64),
        pl.col("lon").cast(pl.Float64),
    )
    inputs = inputs.with_columns(
        pl.col("query_id").replace_strict(owner, return_dtype=pl.String).alias("traj_id")
    ).select("query_id", "traj_id", "step", "t", "lat", "lon")
    ids = horizon_ids(task)
    H = len(task.horizons)
    when = task.t_last[:, None] + task.horizons[None, :]
    whole = bool(np.all(task.horizons == np.round(task.horizons)))
    asks = pl.DataFrame(
        {
            "query_id": pl.Series(np.repeat(np.asarray(ids, dtype=object), H), dtype=pl.String),
            "traj_id": pl.Series(np.repeat(task.source.astype(str), H), dtype=pl.String),
            "k": pl.Series(np.tile(np.arange(1, H + 1), len(ids)), dtype=pl.Int64),
            "t": pl.Series(when.reshape(-1)).cast(pl.Int64 if whole else pl.Float64),
            "ahead_s": pl.Series(np.tile(task.horizons, len(ids)), dtype=pl.Float64),
        }
    )
    return inputs, asks


class HorizonAnswerModel:
    """A method for ``run_eval(horizons_s=...)`` whose ``predict_at`` plays back an answer
    table to the horizon windows it is asked (the same ids, every horizon answered once)."""

    answers_at_asked_times = True

    def __init__(self, answers: pl.DataFrame, name: str, label: str) -> None:
        self.answers, self.name, self.label = answers, name, label

    def predict_at(self, hist: pl.DataFrame, ahead: np.ndarray) -> np.ndarray:
        ahead = np.asarray(ahead, np.float64)
        W, H = ahead.shape
        head = horizon_prefix(ahead[0]) if W else ""
        ids = [head + w for w in hist["traj_id"].unique(maintain_order=True).to_list()]
        got = match_answers(self.answers, ids, H, self.label, "horizon window")
        return got.reshape(W, H, 2)
