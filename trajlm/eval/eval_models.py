"""What a Python caller may pass as ``run_eval(models=...)`` (session 20, analyst20).

The harness scores objects with ``predict_next`` / ``recover`` / ``travel_time``. A notebook
user holds other things: a ``trajlm.TrajLM`` (``from_pretrained("trajlm-small")``), its
``TrajectoryModel``, or a ``ModelPredictor`` built for prediction and passed to recovery. Before,
a ``TrajLM`` was an ``AttributeError`` traceback and a model unable to serve the task was left
out of the table without a word. Here each becomes the adapter ``trajlm eval --model`` builds
(``tasks.adapter.task_model``: a checkpoint without infilling heads recovers through the bridge
of its forward rollouts, named "... (bridge)" as in the CLI); what serves another task only
is left out with one warning naming it, and what serves none is one line. A ``TrajLM`` is scored as the CLI scores its folder: the model's
own rollout (the backtest gate of ``TrajLM.predict`` is the API's, not the protocol's).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from trajlm.errors import TrajlmInputError, warn_at_caller

NEEDS = {"predict": "predict_next", "recover": "recover", "tte": "travel_time"}
_WHAT = {
    "predict": "predict next points",
    "recover": "recover gaps",
    "tte": "estimate travel times",
}


def run_folder_name(path: Any) -> str:
    """A model folder's name in tables: its run's for RUN/best, RUN/merged, RUN/train."""
    p = Path(str(path))
    return p.parent.name if p.name in ("best", "merged", "train") and p.parent.name else p.name


def _is_network(model: Any) -> bool:
    return hasattr(model, "generate") and hasattr(model, "config") and hasattr(model, "parameters")


def as_task_model(model: Any, task: str, horizons: bool = False) -> Any:
    """One ``run_eval`` model as the harness scores it for ``task`` (see the module docstring);
    None (with one warning) when it serves another task only (a predictor passed to every task
    in turn), a one-line ``TrajlmInputError`` when it serves none. ``horizons``: answers at
    times (``predict_at``), which only the API layer builds (``api_horizon.at_times_models``)."""
    from trajlm.tasks.adapter import task_model

    if horizons:
        if hasattr(model, "predict_at") and hasattr(model, "name"):
            return model
        label = getattr(model, "name", None) or type(model).__name__
        raise TrajlmInputError(
            f"{label} cannot answer at times: run_eval(horizons_s=...) scores objects with "
            "predict_at(), e.g. trajlm.api_horizon.at_times_models([ModelPredictor(trajlm_model"
            ".model, name='mine')], False, lm_class=trajlm.TrajLM) (what trajlm eval --horizon-s scores), or leave "
            "horizons_s out",
            field="models",
        )
    need = NEEDS[task]
    if hasattr(model, need) and hasattr(model, "name"):
        return model
    inner, name = None, getattr(model, "name", None)
    if _is_network(model):  # a TrajectoryModel
        inner, name = model, name or "trajlm"
    elif _is_network(getattr(model, "model", None)):  # a TrajLM, a ModelPredictor, ...
        inner = model.model
        if name is None:
            path = getattr(model, "path", None)
            name = f"trajlm:{run_folder_name(path)}" if path is not None else "trajlm"
    label = name or type(model).__name__
    if inner is None:
        if any(hasattr(model, m) for m in (*NEEDS.values(), "predict_at")):
            return _left_out(label, task)  # serves another task: said, not silently dropped
        raise TrajlmInputError(
            f"{label} cannot {_WHAT[task]} in run_eval(task={task!r}): give a trajlm.TrajLM, "
            f"a TrajectoryModel or an object with {need}() (a saved selector or route-recovery "
            "folder: CandidateSelectorPredictor.load(DIR) / RouteRecoveryPredictor.load(DIR) "
            "of trajlm.eval.selector_predictor / route_recovery_predictor)",
            field="models",
        )
    bridge = task == "recover" and getattr(inner, "infill_head", None) is None
    if bridge and not label.endswith("(bridge)"):
        label = f"{label} (bridge)"
    got = task_model(inner, name=label, bridge=bridge)
    if not hasattr(got, need):  # tte from a checkpoint without infilling heads
        return _left_out(label, task, "its checkpoint has no infilling heads (train one with "
                         "configs/multitask.toml)")  # fmt: skip
    return got


def _left_out(label: str, task: str, why: str = "") -> None:
    """A model that serves other tasks than ``task``: one warning, and no row."""
    warn_at_caller(
        f"run_eval(task={task!r}): {label} cannot {_WHAT[task]}"
        + (f": {why}" if why else "")
        + "; it is left out of the table"
    )
    return None


def as_task_models(models: Any, task: str, horizons: bool = False) -> tuple:
    """``as_task_model`` for each; two models of one name are refused (their rows would merge)."""
    if task not in NEEDS:
        return tuple(models)
    if not isinstance(models, list | tuple | set):  # one model, not in a tuple
        models = (models,) if models is not None else ()
    got = tuple(g for m in models if (g := as_task_model(m, task, horizons)) is not None)
    names = [m.name for m in got]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise TrajlmInputError(
            f"two models are named {dup[0]!r}: their rows would merge; give each its own "
            "name (ModelPredictor(net, name=...), or set .name)",
            field="models",
        )
    return got


def check_run_args(task: str, k: Any, seeds: Any, out: Any) -> None:
    """``run_eval``'s own options, checked before minutes of fitting: one line each (was a
    message about kNN's internals for ``k=0``, an ``IndexError`` for ``seeds=()`` and a
    ``FileExistsError`` after the whole run for ``out=`` naming a file)."""
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise TrajlmInputError(f"k (steps to predict) must be an integer >= 1, got {k!r}",
                               field="k")  # fmt: skip
    if task == "recover" and len(tuple(seeds)) == 0:
        raise TrajlmInputError("recovery draws its random mask once per seed; give at "
                               "least one, e.g. seeds=(0,)", field="seeds")  # fmt: skip
    if out is not None and Path(out).exists() and not Path(out).is_dir():
        raise TrajlmInputError(
            f"out={str(out)!r} is a file; out= names a folder for eval_{task}.json and .md",
            field="out",
        )
