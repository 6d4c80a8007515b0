"""Checks of a public method's arguments, each failure one ``trajlm.errors`` line that names
the method, the argument and what to give (the house rule: never a library traceback, never
an internal function's name such as ``coerce() got an unexpected keyword``)."""

from __future__ import annotations

from collections.abc import Iterable
from numbers import Integral
from typing import Any

from trajlm._config import closest
from trajlm.errors import ArgumentError, TrajlmInputError

COLUMN_KEYWORDS = (
    "traj_col",
    "time_col",
    "lat_col",
    "lon_col",
    "time_origin",
    "time_format",
    "on_error",
    "format",
    "crs",
    "tz",
    "utc_offset",
    "split_gaps",
)  # as to_canonical takes (split_gaps: how a vehicle's fixes are cut, data/coerce_pieces.py)
MAX_BASELINE_STEPS = 10_000  # a baseline rollout longer than this is a typo, not a forecast


def with_gap_rule(columns: dict[str, Any]) -> dict[str, Any]:
    """The column options of a call that reads a frame as trajectories, with ingest's gap rule
    unless the caller said ``split_gaps=`` (session 21): "auto" cuts a vehicle's / user's /
    device's fixes into trips (data/coerce_pieces.py); a trip column or ``traj_col=`` is read
    as before. Every entry point that takes a frame passes its options through this, so one
    frame gives the same trajectories in every call (TrajLM, the baselines, check_validity,
    AnomalyDetector, trajlm.clean, ``trajlm predict --input``)."""
    return {"split_gaps": "auto", **columns}


def check_keywords(method: str, given: dict[str, Any], valid: Iterable[str]) -> None:
    """Refuse keywords of ``given`` that are not in ``valid`` (ArgumentError, a TypeError),
    with a close match suggested and the valid ones listed."""
    valid = list(dict.fromkeys(valid))
    unknown = [k for k in given if k not in valid]
    if not unknown:
        return
    key = unknown[0]
    near = closest(key, valid)  # spelling, case, other tools' names (learning_rate -> lr)
    hint = (f"did you mean {near}=? " if near else "") + f"valid: {', '.join(valid)}"
    raise ArgumentError(f"{method}() got an unexpected keyword argument {key!r}", hint=hint)


def check_steps(steps: Any, method: str, max_steps: int = MAX_BASELINE_STEPS) -> int:
    """``steps`` as an int in 1..max_steps, or a TrajlmInputError naming it."""
    if isinstance(steps, bool) or not isinstance(steps, Integral) or steps < 1:
        raise TrajlmInputError(
            f"{method}: steps must be an integer >= 1, got {steps!r}", field="steps"
        )
    if steps > max_steps:
        raise TrajlmInputError(
            f"{method}: steps={steps:,} is more than {max_steps:,}",
            field="steps",
            hint="predict fewer steps (errors grow with each step)",
        )
    return int(steps)


def as_keywords(e: Any, table: tuple[tuple[str, str], ...]) -> Any:
    """A CLI command's refusal (a TrajlmInputError, in place: its class and fields kept) said
    with a Python method's keywords, ``table`` (option, keyword) longest first: "--horizon-s
    '0': ..." -> "horizon_s '0': ..."; not inside a quoted value (badin29: horizon_s='--task'
    was 'task')."""
    import re

    parts = re.split(r"('[^']*')", str(e.args[0]) if e.args else "")
    for option, keyword in table:
        parts = [p if k % 2 else p.replace(option, keyword) for k, p in enumerate(parts)]
    e.args = ("".join(parts),)
    return e


def is_number(value: Any) -> bool:
    """Whether ``float(value)`` reads ``value`` (a CLI option's text, a frame's cell)."""
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True
