"""Natural-language questions over trajectory data: ``trajlm.ask(question, data)``.

(The module is ``questions``, not ``ask``, so that ``trajlm.ask`` stays the function.)

    import trajlm
    ans = trajlm.ask("how many bus trips started on Monday mornings?", "stores/city")
    print(ans.plan.describe())   # the validated plan, shown before it runs (CLI: always)
    print(ans)                   # 12

A planner turns the question into a typed ``QueryPlan`` (trajlm/llm/plan.py): the rule-based
one, or SmolLM2-135M-Instruct with constrained decoding when installed and asked for
(``planner="smollm2"``). The plan runs on Polars (trajlm/llm/query.py); ``predict`` runs
through ``trajlm.TrajLM``. A question no plan can express raises ``CannotAnswer`` ("can't
answer that: ..."). Nothing from the question or the language model is ever executed as code.
docs/llm.md has the vocabulary, the evaluation and the latencies.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import polars as pl

from trajlm.data.features import median_lon
from trajlm.llm.plan import CannotAnswer, QueryPlan
from trajlm.llm.planner import make_planner
from trajlm.llm.query import Answer, run_plan, trip_table

POINT_COLUMNS = ["traj_id", "t", "lat", "lon", "label", "vehicle_id", "user_id"]


def load_points(data: Any, split: str | None = None) -> pl.DataFrame:
    """A store path -> its points (the columns a plan can use); a frame -> canonical points."""
    if isinstance(data, str | os.PathLike):
        from trajlm.data.store import _open, load_manifest, read_store

        _open(data)  # one line when it is not a store (a missing path, a CSV, a file inside one)
        have = set(pl.read_parquet_schema(next(Path(data).glob("points/split=*/part-*.parquet"))))
        load_manifest(data)  # a clear error when it is not a store
        return read_store(data, split=split, columns=[c for c in POINT_COLUMNS if c in have])
    from trajlm.data.coerce import coerce

    df, _ = coerce(data)
    return df


class Asker:
    """Holds the data, its trip table, the planner and the model across questions (so the
    planner and model load once). ``asker(question)`` -> ``Answer``."""

    def __init__(
        self, data: Any, *, planner: Any = "auto", model: Any = None, split: str | None = None
    ):
        self.points = load_points(data, split)
        if len(self.points) == 0:
            raise CannotAnswer("the data has no points")
        self.trips = trip_table(self.points)
        area = (float(self.points["lat"].median()), median_lon(self.points["lon"]))
        years = self.trips["start"].dt.year().unique().sort().to_list()  # dates without a year
        self.planner = make_planner(planner, area, years) if isinstance(planner, str) else planner
        self._model = model

    def plan(self, question: str) -> QueryPlan:
        return self.planner.plan(question)

    def run(self, plan: QueryPlan) -> Answer:
        if plan.action == "predict":
            return self._predict(plan)
        return run_plan(plan, self.points, self.trips)

    def __call__(self, question: str) -> Answer:
        t0 = time.perf_counter()
        plan = self.plan(question)
        answer = self.run(plan)
        answer.seconds = time.perf_counter() - t0
        return answer

    def _predict(self, plan: QueryPlan) -> Answer:
        history = self.points.filter(pl.col("traj_id") == plan.trip).select(
            "traj_id", "t", "lat", "lon"
        )
        if len(history) == 0:
            raise CannotAnswer(f"no trip {plan.trip!r} in this data")
        if self._model is None:
            raise CannotAnswer("predicting needs a trained model (--model RUN, or model=)")
        if isinstance(self._model, str | os.PathLike):
            from trajlm.api import TrajLM

            self._model = TrajLM.from_pretrained(self._model)
        elif not hasattr(self._model, "predict") and hasattr(self._model, "generate"):
            from trajlm.api import TrajLM  # a bare TrajectoryModel: the API wraps it

            self._model = TrajLM(self._model)
        minutes = int(round(plan.minutes or 5))
        ahead = [60.0 * (i + 1) for i in range(max(minutes, 1))]
        pred = self._model.predict(history, seconds_ahead=ahead)
        return Answer(
            plan, table=pl.DataFrame(pred) if not isinstance(pred, pl.DataFrame) else pred
        )


def ask(
    question: str, data: Any, *, planner: Any = "auto", model: Any = None, split: str | None = None
) -> Answer:
    """Answer one question about ``data`` (a store path or a trajectory frame); see the module
    docstring. For many questions build an ``Asker`` once."""
    return Asker(data, planner=planner, model=model, split=split)(question)
