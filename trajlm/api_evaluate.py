"""``TrajLM.evaluate``: `trajlm eval --task T --data STORE --model RUN`'s table from Python, as a
pandas DataFrame (session 28, apieval28; newuser28 found a notebook user had to drop to a shell
to see a fitted model beside the baselines).

    model = trajlm.TrajLM.fit(df, "runs/mine")
    table = model.evaluate(df, task="predict")           # the model, every baseline, CIs
    print(table.attrs["markdown"])                       # the table as `trajlm eval` prints it

One code path: the table is ``trajlm.cli_eval.run_eval_command``'s (the CLI's eval; api_fit.py
calls `trajlm train`'s body the same way), with this model's folder as ``--model`` (a model
held only in memory is saved to a temporary folder first), so the rows and numbers are the
CLI's, val-checked rows included. A frame is ingested in memory and split as ``TrajLM.fit``
splits it (api_fit.frame_store: Parquet's cleaning preset, chronological 80/10/10).
"""

from __future__ import annotations

import io
import numbers
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from trajlm._arguments import COLUMN_KEYWORDS, as_keywords, check_keywords
from trajlm.errors import TrajlmInputError

EVALUATE_TASKS = ("predict", "recover", "tte")
_ALIASES = {"travel_time": "tte"}  # the method's name is accepted for its task
SPLITS = ("test", "val")
HOLDOUTS_HINT = "hour, hour=H or user (None: the store's own split)"
# the CLI's option names in its messages -> this method's keywords (api29), longest first
_KEYWORDS = (("--at-report-times", "at_report_times=True"), ("--horizon-s", "horizon_s"),
             ("--holdout-by", "holdout_by"), ("--no-fallback", "fallback=False"),
             ("--score-on val", "split='val'"), ("--task predict", "task='predict'"),
             ("--shift", "shift"), ("--seeds", "seeds"), ("--compare", "compare"),
             ("--task", "task"), ("--steps", "steps"), ("--history", "history"))  # fmt: skip


def asked_times(horizon_s: Any, at_report_times: Any, shift: Any) -> tuple[str | None, list[str]]:
    """``horizon_s`` / ``shift`` as `trajlm eval`'s --horizon-s text and --shift list (their
    values are then checked by the CLI's own code); a wrong type refused in one line."""

    def number(x: Any) -> bool:  # numpy's numbers too (badin29: [np.int64(60)] was refused)
        return isinstance(x, numbers.Real) and not isinstance(x, bool | np.bool_)

    if isinstance(at_report_times, np.bool_):  # a comparison's answer (badin29)
        at_report_times = bool(at_report_times)
    if not isinstance(at_report_times, bool):
        raise TrajlmInputError(f"at_report_times must be True or False, got {at_report_times!r}")
    if getattr(horizon_s, "ndim", None) == 1 and hasattr(horizon_s, "tolist"):  # numpy / pandas
        horizon_s = horizon_s.tolist()  # (badin29: np.array([60, 300]) was refused)
    many = isinstance(horizon_s, Sequence) and not isinstance(horizon_s, str)
    if not (horizon_s is None or isinstance(horizon_s, str) or number(horizon_s)
            or (many and horizon_s and all(number(x) for x in horizon_s))):  # fmt: skip
        raise TrajlmInputError(
            f"horizon_s must be seconds ahead, e.g. [60, 300, 600], got {horizon_s!r}"
        )
    # 15 digits: ':g' kept 6, so 1,000,001 s was asked as 1e+06 (badin29)
    spec = ",".join(f"{float(x):.15g}" for x in horizon_s) if many else horizon_s
    spec = f"{float(spec):.15g}" if number(spec) else spec
    shifts = [shift] if isinstance(shift, str) else shift
    if shifts is not None and not (isinstance(shifts, Sequence)
                                   and all(isinstance(x, str) for x in shifts)):  # fmt: skip
        raise TrajlmInputError(f"shift must be e.g. 'clock=+4h' or a list of such, got {shift!r}")
    shifts = list(shifts or [])
    return spec, shifts


def with_evaluate_keywords(e: TrajlmInputError) -> TrajlmInputError:
    """The CLI's refusal said with this method's keywords: "--horizon-s '0': ..." ->
    "horizon_s '0': ..." (as_keywords)."""
    return as_keywords(e, _KEYWORDS)


def _check_arguments(task: Any, split: Any, seeds: Any, fallback: Any, holdout_by: Any) -> str:
    """The arguments checked before any work, each refused in one line naming it; returns the
    task's canonical name."""
    task = _ALIASES.get(task, task) if isinstance(task, str) else task
    if task not in EVALUATE_TASKS:
        from trajlm._config import did_you_mean

        more = (" (classify / similarity: `trajlm eval --task ...` on a labelled store)"
                if task in ("classify", "similarity") else "")  # fmt: skip
        raise TrajlmInputError(f"task: unknown value {task!r}{did_you_mean(str(task), EVALUATE_TASKS)}; "
                               f"TrajLM.evaluate scores {', '.join(EVALUATE_TASKS)}{more}")  # fmt: skip
    if split not in SPLITS:
        raise TrajlmInputError(f"split must be 'test' or 'val', got {split!r}",
                               hint="'val' scores the val split (to choose without reading test)")  # fmt: skip
    if isinstance(seeds, bool) or not isinstance(seeds, int) or seeds < 1:
        raise TrajlmInputError(f"seeds must be an integer >= 1, got {seeds!r}")
    if not isinstance(fallback, bool):
        raise TrajlmInputError(f"fallback must be True or False, got {fallback!r}")
    if holdout_by is not None and not isinstance(holdout_by, str):
        raise TrajlmInputError(f"holdout_by must be {HOLDOUTS_HINT}, got {holdout_by!r}")
    return task


def _store_path(data: Any) -> Path:
    """A whole store folder given as a path (the CLI's check), or one line naming ``data``."""
    from trajlm._cli_io import store as checked_store

    return checked_store(Path(data), "data")


class Evaluation:
    """The ``evaluate`` method of ``TrajLM`` (a mixin, as Fitting is)."""

    def evaluate(
        self,
        data: Any,
        task: str = "predict",
        *,
        split: str = "test",
        seeds: int = 3,
        holdout_by: str | None = None,
        fallback: bool = True,
        horizon_s: float | Sequence[float] | str | None = None,
        at_report_times: bool = False,
        shift: str | Sequence[str] | None = None,
        compare: Sequence[tuple[str, str] | str] | None = None,
        steps: int | None = None,
        history: int | None = None,
        **columns: Any,
    ) -> Any:
        """`trajlm eval --task TASK --data STORE --model THIS`'s table as a pandas DataFrame:
        one row per (setting, method): this model, every PROTOCOL baseline, the model's
        val-checked row (tte: the engine of lowest val MAE answers; predict: the run's saved
        prediction verdict), with the CLI's numbers (trajlm/eval/report_frame.py names the
        columns: metrics, ``<metric>_std``, ratios with their 95 % CI ``_lo`` / ``_hi``).
        ``frame.attrs["markdown"]`` is the table as the CLI prints it, ``attrs["verdict"]``
        the sentences under it.

        ``data``: a store folder, or a frame (pandas / Polars / GeoPandas / MovingPandas;
        columns detected or named with ``traj_col=`` ...) ingested in memory and split as
        ``TrajLM.fit`` splits it. ``task``: "predict", "recover" or "tte" ("travel_time"
        too). ``split="val"``: score the val split (val and test swap roles, as
        ``--score-on val``), to choose without reading test. ``seeds``: recovery masks
        (recover). ``holdout_by``: re-split the store (hour | hour=H | user, as
        ``--holdout-by``). ``fallback=False``: the model's own rows only (``--no-fallback``).

        predict only, as `trajlm eval`'s options (api29): ``horizon_s=[60, 300, 600]``
        (``--horizon-s``): every method asked for the position that many seconds after each
        window's last fix; ``at_report_times=True`` (``--at-report-times``): the k-step table
        asked at the true times of the next reports (irregular sampling); ``shift="clock=+4h"``
        or a list (``--shift``): the same trips again with their clocks moved, a row each.
        ``steps=12, history=8`` (``--steps`` / ``--history``, newuser37): k points out after
        exactly N in, trips shorter than N + k skipped (the pedestrian benchmarks' 8 / 12).

        What the CLI prints beside the table comes as Python warnings (api29), by category:
        ``trajlm.model.coverage.CoverageWarning`` (outside the model's training coverage),
        ``trajlm.eval.few_scored.FewScoredWarning`` (fewer than 10 scored trips),
        ``trajlm.errors.WorseThanBaselineWarning`` (a model worse than constant velocity),
        ``trajlm.errors.EvalNoteWarning`` (the other notes); all but the first two are
        ``trajlm.errors.NoteWarning``s.

        ``compare=[("trajlm-small", "kNN continuation"), ...]`` (``--compare "A,B"``; "A,B" text
        too): any two rows of the table, paired on the same scored trajectories: the difference
        A - B of their mean errors and the ratio A / B, each with its bootstrap 95 % CI, and a
        reading, as ``attrs["comparisons"]`` (a list of dicts, as ``trajlm.score`` gives) and
        under ``attrs["markdown"]``. This model's rows are named after its folder
        ("trajlm:mine" or "mine"; a model held only in memory: "in-memory"). A pair that is not
        two names is refused before any work; a name not in the table after it, with the table
        kept on the error as ``.table`` (evalapi35)."""
        check_keywords("TrajLM.evaluate", columns, COLUMN_KEYWORDS)
        task = _check_arguments(task, split, seeds, fallback, holdout_by)
        horizons, shifts = asked_times(horizon_s, at_report_times, shift)
        for name, n in (("steps", steps), ("history", history)):  # numpy's ints too (badin38)
            if n is not None and (
                isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1
            ):
                raise TrajlmInputError(f"{name} must be an integer >= 1, got {n!r}", field=name)
        steps, history = (None if n is None else int(n) for n in (steps, history))
        asked = {"horizon_s": horizons, "at_report_times": at_report_times, "shifts": shifts,
                 "compare": compare, "steps": steps, "history": history}  # fmt: skip
        if task == "tte" and "travel_time" not in getattr(self, "tasks", ["travel_time"]):
            raise TrajlmInputError("task='tte': this checkpoint has no infilling heads, so it "
                                   "cannot estimate travel times",
                                   hint="evaluate a multi-task run (configs/multitask.toml)")  # fmt: skip
        is_path = isinstance(data, str | Path)
        if is_path and columns:
            raise TrajlmInputError("column keywords apply to a frame, not to a store path",
                                   hint="name the columns when the store is ingested")  # fmt: skip
        with tempfile.TemporaryDirectory(prefix="trajlm-evaluate-") as tmp:
            if is_path:
                store = _store_path(data)
            else:
                from trajlm.api_fit import frame_store

                store = Path(tmp) / "store"
                frame_store(data, store, columns, temporary=True)
            try:
                return self._evaluate_store(store, task, split, seeds, holdout_by, fallback, tmp,
                                            asked)  # fmt: skip
            except TrajlmInputError as e:  # the CLI's refusal, in this method's keywords
                from trajlm.eval.report_frame import keep_table

                raise with_evaluate_keywords(
                    keep_table(e)
                ) from None  # compare=: the table as e.table

    def _evaluate_store(self, store: Path, task: str, split: str, seeds: int,
                        holdout_by: str | None, fallback: bool, tmp: str,
                        asked: dict[str, Any]) -> Any:  # fmt: skip
        """The CLI's eval on ``store`` with this model's folder as its one ``--model``."""
        from rich.console import Console

        from trajlm.cli_eval import run_eval_command
        from trajlm.eval.report_frame import result_frame

        model_dir = self._model_folder(Path(tmp))
        quiet = Console(file=io.StringIO())  # the table is the frame (and attrs["markdown"])
        result = run_eval_command(task, store, [model_dir], seeds, None, quiet,
                                  threads=getattr(self, "threads", None), holdout_by=holdout_by,
                                  score_on=split, fallback=fallback, lm_class=type(self),
                                  **asked)  # fmt: skip
        return result_frame(result)  # attrs["comparisons"]: report_frame.py

    def _model_folder(self, tmp: Path) -> Path:
        """The folder `trajlm eval --model` reads for this model: its own, or (a model held only
        in memory) a temporary copy saved with save_pretrained."""
        path = getattr(self, "path", None)
        if path is not None and (Path(path) / "config.json").is_file():
            return Path(path)
        folder = tmp / "in-memory"
        self.save_pretrained(folder)
        return folder
