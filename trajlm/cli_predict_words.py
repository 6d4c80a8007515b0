"""What `trajlm predict` (and `recover`, `travel-time`) say in words: the API's warnings as the
CLI's `warning:` lines (``said``; a vehicle's cut in the CLI's options: ``cli_words``) and the
reported-motion mix (``motion_note``, ``mix_said``). Split out of cli_predict.py (session 28,
tidy28: one idea a module); the names stay importable from there.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from trajlm import _cli_io as io

if TYPE_CHECKING:
    import polars as pl

T = TypeVar("T")


def motion_note(df: pl.DataFrame) -> None:
    """The line saying reported speed / course are read (session 16, sogcog)."""
    from trajlm.api_rollout import DR_WEIGHT
    from trajlm.data.motion_columns import frame_sample, motion_columns

    if DR_WEIGHT and (found := motion_columns(df.columns, sample=frame_sample(df))):
        io.say(f"reported speed {found[0]!r} and course {found[2]!r} read: positions are "
               f"{mix_said(df, DR_WEIGHT)} (docs/data.md)")  # fmt: skip


def cli_words(line: str) -> str:
    """A line of the API's cut of a vehicle's fixes (data/coerce_pieces.py) in the CLI's
    options: ``--traj-col NAME`` reads each id as one trajectory (as ``traj_col=`` does)."""
    import re

    line = re.sub(r"split_gaps=False reads each (\S+) as one trajectory(; traj_col='[^']*' too)?",
                  r"--traj-col \1 reads each \1 as one trajectory", line)  # fmt: skip
    line = line.replace("predict(latest=True)", "`trajlm predict --latest`")
    return line.replace(
        "traj_col=...; split_gaps=False refuses a frame without one", "--traj-col NAME"
    )


def mix_said(df: pl.DataFrame, weight: float) -> str:
    """What ``with_reported_motion`` uses, in words: the mix, and dead reckoning alone for the
    trajectories whose last fix is a glitch by its reports (session 18: motion18 gave them no
    model share; predict18 item 2: the line said the mix for them too)."""
    from trajlm.eval.dead_reckoning_reports import glitched_last_report

    mix = f"{weight:g} dead reckoning + {1 - weight:g} model"
    bad = glitched_last_report(df)
    if not bad.any():
        return mix
    first = df["traj_id"].unique(maintain_order=True)[int(bad.argmax())]
    why = "their last fix a position glitch by the reports, e.g. " + repr(first)
    if bad.all():
        return f"dead reckoning alone ({why})"
    return f"{mix}, dead reckoning alone for {int(bad.sum())} of {len(bad)} trajectories ({why})"


def said(call: Callable[[], T], source: str | None) -> T:
    """call(), its warnings shown as `warning:` lines (once each), coverage lines naming the
    input (`source`); a held stay's way off is the CLI's option (stays32)."""
    from trajlm.api_stays import OFF_SWITCH
    from trajlm.model.coverage import CoverageWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = call()
    for w in caught:
        line = str(w.message).replace(OFF_SWITCH, "`trajlm predict --no-hold-stays`")
        io.warn(line, source if issubclass(w.category, CoverageWarning) else None)
    return out
