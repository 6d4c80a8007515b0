"""badin28: hostile inputs on tte28's gradient boosting that reads a model's travel time as a
feature (`trajlm.eval.tte_model_gb.ModelFeatureGB`): hostile models (NaN, wrong length, negative,
a list, None), losses, train splits (every duration 0, NaN / text durations, one trip), predict
before fit / on empty or damaged tables. Uses tests/test_tte_residual.py's O-D frames.
Prints `NNN name | status | summary`; classified by hand on first read (classes.py).
Run: PYTHONPATH=$PWD .venv/bin/python scripts/badin28/tte.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from badin_cases import Cases  # noqa: E402
from test_tte_residual import od_frame  # noqa: E402

from trajlm.eval.tte_model_gb import ModelFeatureGB  # noqa: E402

USER = ("UserError", "TrajlmInputError", "ValueError")
say = Cases(got=200, error=260, where=90, flush=True,
            describe=lambda p: f"shape={np.shape(p)} finite={np.isfinite(p).all()} "
            f"head={np.round(np.asarray(p)[:3], 1).tolist()}" if isinstance(p, np.ndarray) else p)  # fmt: skip


class Fn:
    """A 'model' answering travel_time(od) with ``fn(od)``."""

    def __init__(self, fn) -> None:
        self.fn = fn

    def travel_time(self, od):
        return self.fn(od)


truth = Fn(lambda od: od["duration_s"].to_numpy().astype(float) if "duration_s" in od.columns
           else np.full(len(od), 600.0))  # fmt: skip
train, test = od_frame(200, seed=1), od_frame(40, seed=2)


def gb(model=truth, **kw) -> ModelFeatureGB:
    return ModelFeatureGB(model=model, max_iter=20, learning_rate=0.2, **kw)


say("plain fit / predict", lambda: gb().fit(train).predict(test))
say("loss='huber'", lambda: gb(loss="huber").fit(train))
say("loss='squared_error'", lambda: gb(loss="squared_error").fit(train).predict(test))
say("model=None", lambda: gb(model=None).fit(train))
say("model without travel_time", lambda: gb(model=object()).fit(train))
say("model answers NaN", lambda: gb(model=Fn(lambda od: np.full(len(od), np.nan))).fit(train))
say("model answers inf", lambda: gb(model=Fn(lambda od: np.full(len(od), np.inf))).fit(train))
say("model answers one too few", lambda: gb(model=Fn(lambda od: np.ones(len(od) - 1))).fit(train))
say(
    "model answers a list",
    lambda: gb(model=Fn(lambda od: [600.0] * len(od))).fit(train).predict(test),
)
say("model answers negative seconds",
    lambda: gb(model=Fn(lambda od: np.full(len(od), -50.0))).fit(train).predict(test))  # fmt: skip
say("model answers (N, 1)", lambda: gb(model=Fn(lambda od: np.ones((len(od), 1)))).fit(train))
say("model answers text", lambda: gb(model=Fn(lambda od: np.full(len(od), "600"))).fit(train))
say("model raises", lambda: gb(model=Fn(lambda od: 1 / 0)).fit(train))
say("predict before fit", lambda: gb().predict(test))
say("predict on an empty table", lambda: gb().fit(train).predict(test.head(0)))
say("predict on a NaN origin",
    lambda: gb().fit(train).predict(test.with_columns(o_lat=pl.lit(float("nan")))))  # fmt: skip
say("predict on a pandas table", lambda: gb().fit(train).predict(test.to_pandas()))
say("train: every duration 0", lambda: gb().fit(train.with_columns(duration_s=pl.lit(0.0))))
say("train: one trip", lambda: gb().fit(train.head(1)).predict(test))
say("train: NaN durations",
    lambda: gb().fit(train.with_columns(duration_s=pl.lit(float("nan")))).predict(test))  # fmt: skip
say("train: durations as text",
    lambda: gb().fit(train.with_columns(pl.col("duration_s").cast(pl.Utf8))))  # fmt: skip
say("train: no duration column", lambda: gb().fit(train.drop("duration_s")))
say("max_iter=0", lambda: ModelFeatureGB(model=truth, max_iter=0).fit(train))
say("learning_rate=-1", lambda: ModelFeatureGB(model=truth, learning_rate=-1.0).fit(train))
const = Fn(lambda od: np.full(len(od), 600.0))
say("train: NaN durations (a model that ignores them)",
    lambda: gb(model=const).fit(train.with_columns(duration_s=pl.lit(float("nan")))).predict(test))  # fmt: skip
say("train: half the durations NaN",
    lambda: gb(model=const).fit(train.with_columns(duration_s=pl.when(pl.col("traj_id") % 2 == 0)
        .then(float("nan")).otherwise(pl.col("duration_s")))).predict(test))  # fmt: skip
say("train: inf durations",
    lambda: gb(model=const).fit(train.with_columns(duration_s=pl.lit(float("inf")))).predict(test))  # fmt: skip

# ---- newuser28: the travel-time baselines' hour / dow on the data's clock (tz=)
from trajlm.eval.tte_baselines import GradientBoostingTTE, LinearRegressionTTE  # noqa: E402

for label, tz in (
    ("'America/Chicago'", "America/Chicago"), ("'Mars/Olympus' (no such zone)", "Mars/Olympus"),
    ("'' (empty)", ""), ("'chicago' (lower case city)", "chicago"), ("'+02:00' (offset text)", "+02:00"),
    ("7200 (seconds)", 7200), ("NaN", float("nan")), ("True", True), ("1e12 (seconds)", 1e12),
    ("3600.5", 3600.5), ("['UTC'] (a list)", ["UTC"]),
):  # fmt: skip
    say(f"LinearRegressionTTE(tz={label})",
        lambda tz=tz: LinearRegressionTTE(tz=tz).fit(train).predict(test))  # fmt: skip
say("GradientBoostingTTE(tz='Europe/Lisbon') fit, predict on a table without t_start",
    lambda: GradientBoostingTTE(max_iter=20, tz="Europe/Lisbon").fit(train)
    .predict(test.drop("t_start")))  # fmt: skip
