"""Score your own model from Python (session 34, byo34): `trajlm data queries` and `trajlm eval
--predictions` as two functions, on one code path with the CLI.

    inputs, asks = trajlm.queries("stores/porto")          # the windows eval scores, no truth
    answers = my_method(inputs, asks)                       # query_id, k, lat, lon
    table = trajlm.score("stores/porto", answers, name="mine")  # beside every baseline
    print(table.attrs["markdown"])

``score`` returns the table ``TrajLM.evaluate`` returns (trajlm/eval/report_frame.py: one row
per method, metrics, ratios with their paired 95 % CI, ``attrs["markdown"]`` / ``["verdict"]``).
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from trajlm._arguments import as_keywords
from trajlm.errors import TrajlmInputError

_KEYWORDS = (
    ("--predictions-name", "name"),
    ("--predictions", "answers"),
    ("--windows", "windows"),
    ("--score-on", "split"),
    ("--compare", "compare"),
    ("--horizon-s", "horizon_s"),
    ("--at-report-times", "at_report_times"),
)  # the CLI's options in its messages -> these keywords
PYTHON_FOREIGN_ID_HINT = (
    "answer the queries trajlm.queries(store, task, split=S, windows=W, seeds=N) gave, and "
    "score them with the same task, split=S, windows=W and seeds=N"
)


def _check(task: Any, split: Any) -> None:
    if task not in ("predict", "recover"):
        raise TrajlmInputError(f"task: {task!r} is not implemented; queries and answers are "
                               "'predict' (the k-step windows) or 'recover' (the gaps)")  # fmt: skip
    if split not in ("test", "val"):
        raise TrajlmInputError(f"split must be 'test' or 'val', got {split!r}")


def _store(store: Any) -> Path:
    if not isinstance(store, str | Path):
        raise TrajlmInputError(f"store: a store folder's path, got {type(store).__name__}",
                               hint="write a frame as a store first (trajlm.write_store or "
                               "`trajlm data ingest`), so queries and answers name one split")  # fmt: skip
    return Path(store)


def queries(
    store: str | Path,
    task: str = "predict",
    *,
    split: str = "test",
    windows: int | str = "one",
    seeds: int = 3,
    horizon_s: str | Sequence[float] | None = None,
    at_report_times: bool = False,
) -> tuple[Any, Any]:
    """The windows `trajlm eval --task predict` scores on ``store``'s ``split`` (``"val"``:
    what ``--score-on val`` scores; ``windows`` as ``--windows``), as two pandas frames:
    ``inputs`` (query_id, traj_id, step, t, lat, lon: each window's history, t in Unix
    seconds) and ``asks`` (query_id, traj_id, k = 1..K, t: the time each answer is for).
    The truth is never in them. Answer every ask with query_id, k, lat, lon and hand the
    answers to ``score``. ``task="recover"``: the known fixes of each trajectory with a gap, per
    mask (random 50 % for seeds 0..``seeds``-1, then every 60 / 120 / 240 s: query_id
    "random-seed0|TRAJ", "every-60s|TRAJ"), and one ask per hidden point (k in time order, its step and t).
    ``horizon_s`` (e.g. ``[60, 300]``): the windows ``evaluate(horizon_s=)`` scores, one query
    per window ("at+60+300s|TRAJ@CUT"), asked k = 1..H at each horizon (``t``, ``ahead_s``);
    ``at_report_times``: the k-step windows ``--at-report-times`` scores (the asks' t)."""
    from trajlm.cli_eval_answers import query_tables

    _check(task, split)
    with _in_keywords():
        inputs, asks = query_tables(_store(store), split, str(windows), "store", task, seeds,
                                    _horizon_spec(horizon_s), _flag(at_report_times))  # fmt: skip
    return inputs.to_pandas(), asks.to_pandas()


def score(
    store: str | Path,
    answers: Any,
    task: str = "predict",
    *,
    name: str | Sequence[str] | None = None,
    split: str = "test",
    windows: int | str = "one",
    seeds: int = 3,
    compare: Sequence[tuple[str, str] | str] | None = None,
    horizon_s: str | Sequence[float] | None = None,
    at_report_times: bool = False,
) -> Any:
    """``answers`` (a CSV / Parquet path or a pandas / Polars frame of query_id, k, lat, lon;
    or a list of them, e.g. one per training seed) scored on the windows ``queries`` gave,
    beside every baseline of `trajlm eval --task predict`: its table as a pandas DataFrame
    (as ``TrajLM.evaluate`` returns it). Answers that miss, repeat or invent an ask, or hold
    a NaN, are refused whole in one line naming the row and field. ``name``: the rows' name
    (default "answers"; several sources under one name are one method's runs: "NAME: FILE"
    each and a mean ± std row), or a list, one name per source (different methods).
    ``compare``: pairs of the table's rows, e.g. ``[("mine", "kNN continuation")]``: each
    pair's paired difference A - B and ratio A / B with bootstrap 95 % CIs over the same
    trajectories, in ``attrs["comparisons"]`` (a list of dicts) and under the markdown.
    ``horizon_s`` / ``at_report_times``: answers to the queries ``queries`` gave with them."""
    from rich.console import Console

    from trajlm.cli_eval import run_eval_command
    from trajlm.eval.report_frame import result_frame

    _check(task, split)
    sources = list(answers) if isinstance(answers, list | tuple) else [answers]
    if not sources or any(isinstance(s, str) and not s for s in sources):
        raise TrajlmInputError("answers: give a file or a frame of query_id, k, lat, lon")
    names = [name] if isinstance(name, str) or name is None else list(name)
    if not all(n is None or isinstance(n, str) for n in names):
        raise TrajlmInputError(f"name must be text or a list of text, got {name!r}")
    names = [n for n in names if n is not None]
    quiet = Console(file=io.StringIO())  # the table is the frame (and attrs["markdown"])
    if isinstance(seeds, bool) or not isinstance(seeds, int) or seeds < 1:
        raise TrajlmInputError(f"seeds must be an integer >= 1, got {seeds!r}")
    with _in_keywords():
        result = run_eval_command(task, _store(store), None, seeds, None, quiet, score_on=split,
                                  windows=str(windows), predictions=sources,
                                  predictions_name=names, compare=compare,
                                  horizon_s=_horizon_spec(horizon_s),
                                  at_report_times=_flag(at_report_times))  # fmt: skip
    return result_frame(result)  # attrs["comparisons"]: the compare= pairs


def _horizon_spec(horizon_s: Any) -> str | None:
    """``horizon_s`` as the CLI's text: "60,300" as given, [60, 300] joined; else one line."""
    if horizon_s is None or isinstance(horizon_s, str):
        return horizon_s
    if isinstance(horizon_s, int | float) and not isinstance(horizon_s, bool):
        return f"{horizon_s!r}"
    if (
        isinstance(horizon_s, list | tuple)
        and horizon_s
        and all(isinstance(h, int | float) and not isinstance(h, bool) for h in horizon_s)
    ):
        return ",".join(f"{h!r}" for h in horizon_s)
    raise TrajlmInputError(f"horizon_s: seconds after the last fix, e.g. [60, 300], got "
                           f"{horizon_s!r}")  # fmt: skip


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TrajlmInputError(f"at_report_times must be True or False, got {value!r}")
    return value


@contextmanager
def _in_keywords() -> Iterator[None]:
    """The CLI's refusal said with these functions' keywords (queries(windows=0) was told
    "--windows 0"; badin34b)."""
    try:
        yield
    except TrajlmInputError as e:  # _arguments.as_keywords: quoted values left as given
        from trajlm.eval.own_answers import FOREIGN_ID_HINT
        from trajlm.eval.report_frame import keep_table

        keep_table(e)  # a compare= name not in the table: the table as e.table
        if e.args:  # the CLI's way on (data queries --split, eval --score-on) in keywords
            e.args = (str(e.args[0]).replace(FOREIGN_ID_HINT, PYTHON_FOREIGN_ID_HINT),)
        raise as_keywords(e, _KEYWORDS) from None


__all__: Sequence[str] = ("queries", "score")
