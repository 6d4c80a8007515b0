"""The run's saved val verdict in ``TrajLM.travel_time`` and ``TrajLM.recover`` (session 22,
tte22; trajlm/eval/val_verdict.py says what it is and how it is saved).

``travel_time`` answers with the engine the verdict chose on val (the model, or a baseline
refitted from the saved train O-D table); ``recover`` hands the verdict to the bridge's call
check, which uses it on calls too small to judge by themselves. Each answer says which engine
answered: ``Durations.engine`` (the returned array's field) and ``TrajLM.last_engine``;
``recover(..., engine=True)`` adds an ``engine`` column. ``fallback=False`` keeps the model.
A checkpoint without a verdict answers as before, with one line (once per loaded model).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from trajlm.errors import TrajlmInputError, warn_at_caller

# trajlm.eval.val_verdict / tte_baselines are imported where used: they import scikit-learn,
# which was ~7 of a fresh `from_pretrained`'s ~11 s on a loaded 2-core box (newuser24)


class Durations(np.ndarray):
    """Trip durations (s): a float ndarray whose ``engine`` says what answered ("model",
    "gradient boosting", "linear regression", "distance / mean speed")."""

    engine: str = "model"

    def __new__(cls, secs: Any, engine: str) -> Durations:
        out = np.asarray(secs, np.float64).view(cls)
        out.engine = engine
        return out

    def __array_finalize__(self, obj: Any) -> None:
        self.engine = getattr(obj, "engine", "model")


def check_flags(**flags: Any) -> None:
    """Each of ``flags`` a bool (numpy's too), else one line naming it: ``fallback="no"`` was
    truthy, so the call check stayed on while the caller asked it off (badin22)."""
    for name, v in flags.items():
        if not isinstance(v, bool | np.bool_):
            raise TrajlmInputError(f"{name} must be True or False, got {v!r}", field=name)


def verdict_of(api: Any) -> dict | None:
    """The verdict saved with the loaded weights (read once per model), or None."""
    if not hasattr(api, "_verdict"):
        from trajlm.eval.saved_kind import VERDICT_NAME

        path = getattr(api, "path", None)
        api._verdict = None
        if path is not None and (Path(path) / VERDICT_NAME).is_file():  # else: none saved, and
            from trajlm.eval.val_verdict import read_verdict  # its imports (sklearn) not needed

            api._verdict = read_verdict(Path(path))
    return api._verdict


def _say_none(api: Any, task: str, save: str) -> None:
    """One line, once per loaded model: no verdict, so the model answers unchecked."""
    from trajlm.model.weights import shipped_name

    said = getattr(api, "_said_no_verdict", set())
    if task in said or shipped_name(api.path) is not None:
        # a shipped checkpoint has no run to check and its recover is documented (its
        # MODEL_CARD.md, README: interpolation's level): the line named a folder inside the
        # package the user cannot act on (newuser29 #8, leftover29)
        return
    from trajlm.eval.val_verdict import VerdictWarning

    api._said_no_verdict = said | {task}
    where = api.path if api.path is not None else "this in-memory model"
    what = ("the model answers, unchecked against the baselines" if task == "travel_time" else
            "a small call is judged by its own few known points alone")  # fmt: skip
    warn_at_caller(
        f"{task}: no val verdict saved with {where}; {what} (trajlm eval --data STORE --model "
        f"RUN --task {save} --save-verdict saves one; trajlm train and finetune save one at "
        "their end unless --no-val-check; docs/recovery.md, Sessions 22-23)",
        VerdictWarning,
    )


def travel_time_answer(api: Any, model_tte: Any, od: pl.DataFrame, fallback: bool) -> Durations:
    """The durations of ``od`` by the engine the verdict chose (the model without one, or
    with ``fallback=False``)."""
    v = verdict_of(api) if fallback else None
    v = (v or {}).get("travel_time")
    if v is None:  # the line comes after the answer's own (TrajLM.travel_time: say_no_verdict)
        return Durations(model_tte.travel_time(od), "model")
    if v["engine"] == "model":
        return Durations(model_tte.travel_time(od), "model")
    from trajlm.eval.tte_baselines import od_features
    from trajlm.eval.val_verdict import fitted_baseline

    if getattr(api, "_tte_baseline", None) is None:
        api._tte_baseline = fitted_baseline(Path(api.path), v)
    return Durations(api._tte_baseline.predict(od_features(od)), v["engine"])


def say_no_verdict(api: Any, fallback: bool) -> None:
    """travel_time's one line when no verdict is saved (after the answer's other lines)."""
    if fallback and (verdict_of(api) or {}).get("travel_time") is None:
        _say_none(api, "travel_time", "tte")


def recover_verdict(api: Any, fallback: bool) -> dict | None:
    """The recovery verdict to hand the bridge (None: no verdict, or ``fallback=False``)."""
    if not fallback:
        return None
    v = (verdict_of(api) or {}).get("recover")
    if v is None:
        _say_none(api, "recover", "recover")
    return v


def check_gap_rule(api: Any, gap_rule: Any, bridge: bool, fallback: bool) -> str | None:
    """``TrajLM.recover(gap_rule=)`` checked (session 29), one line each: one of
    fallback_gap.PICKS; only where the bridge answers (not the infilling heads) and may fall
    back (not ``fallback=False``); a rule that reads the run's table of interpolation errors by
    gap length (saved by ``trajlm train`` since session 28) only where the run has one."""
    from trajlm.tasks.fallback_gap import PICKS

    if gap_rule is None:
        return None
    if not isinstance(gap_rule, str) or gap_rule not in PICKS:
        raise TrajlmInputError(f"gap_rule must be one of {', '.join(map(repr, PICKS))}, got "
                               f"{gap_rule!r}", field="gap_rule")  # fmt: skip
    if gap_rule == "backtest":
        return gap_rule
    where = api.path if api.path is not None else "this in-memory model"
    if not bridge:
        raise TrajlmInputError(f"gap_rule={gap_rule!r} picks the interpolation the bridge falls "
                               f"back to; {where} recovers with its infilling heads "
                               "(mode='bridge' uses the bridge)", field="gap_rule")  # fmt: skip
    if not fallback:
        raise TrajlmInputError(f"gap_rule={gap_rule!r} picks the interpolation a call falls back "
                               "to, and fallback=False keeps the model's answer: leave one of "
                               "them out", field="gap_rule")  # fmt: skip
    if ((verdict_of(api) or {}).get("recover") or {}).get("by_gap") is None:
        raise TrajlmInputError(f"gap_rule={gap_rule!r} reads the run's interpolation errors by "
                               f"gap length, which {where} has not saved (trajlm train saves "
                               "them in val_verdict.json; for an older run, trajlm eval --task "
                               "recover --save-verdict adds them): leave gap_rule out",
                               field="gap_rule")  # fmt: skip
    return gap_rule


def engine_column(out: pl.DataFrame, engine: str) -> pl.DataFrame:
    """``engine``: what filled each recovered row (null on the known rows)."""
    return out.with_columns(
        engine=pl.when(pl.col("recovered")).then(pl.lit(engine)).otherwise(None)
    )


__all__ = [
    "Durations",
    "check_gap_rule",
    "engine_column",
    "recover_verdict",
    "say_no_verdict",
    "travel_time_answer",
    "verdict_of",
]
