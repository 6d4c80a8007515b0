"""What each `trajlm eval --task` scores, in one line under its table and in the JSON
(``task_definition``). The CLI's help and the docs cite PROTOCOL.md, which the repository does
not ship; a user could not tell which points were scored, and `trajlm predict --holdout 5`
(the last 5 points after the whole history) gave other numbers on the same trips than
`trajlm eval --task predict` (session 14, cliuser item 3)."""

from __future__ import annotations

TASK_DEFINITIONS: dict[str, str] = {
    "predict": (
        "task: each scored trajectory's first 20 points in (all but the last 5 when shorter; "
        "trajectories under 7 points skipped), the next 5 points out, k = 5; `trajlm predict "
        "--holdout 5` instead predicts the last 5 points from the whole history"
    ),
    "predict_report_times": (
        "task (--at-report-times): each scored trajectory's first 20 points in (all but the "
        "last 5 when shorter; trajectories under 7 points skipped), the next 5 points out; the "
        "models, dead reckoning and the [time] baselines are asked for the position at the 5 "
        "true report times, constant velocity, linear-3 and kNN continue in steps"
    ),
    "predict_horizon": (
        "task (--horizon-s): windows of each test trajectory (a cut every longest horizon, "
        "10 min of history, 3+ fixes, at most 20 per trajectory); each method's position at "
        "last fix + h s against the fix there or the interpolation between fixes at most "
        "--max-gap-s apart (else skipped and counted); CIs over trajectories"
    ),
    "recover": (
        "task: the first and last points kept; random 50 %: half of the interior points hidden "
        "(one draw per --seeds); every N s: the first point of each N-second window since the "
        "trip's start kept, the rest hidden; errors on the hidden points"
    ),
    "tte": (
        "task: each trajectory's origin, destination and departure time in, its duration out "
        "(trips of zero duration skipped)"
    ),
    "classify": (
        "task: constant-label segments (>= 10 points) of each labelled trajectory, split by "
        "--split-by; the classes of --classes"
    ),
    "similarity": (
        "task: each test trajectory's odd-indexed points are a query, the even-indexed points "
        "of every test trajectory the database; the right match is its own other half"
    ),
}


def window_sizes(k: int, history: int | None) -> dict[str, int]:
    """make_prediction_task's ``n_input`` / ``min_points`` for ``k`` steps out and ``history``
    fixes in (None: PROTOCOL's first 20, or all but the last k; trips under max(7, k + 2)
    skipped; a history given: exactly that many in, trips under history + k skipped)."""
    if history is None:
        return {"n_input": 20, "min_points": max(7, k + 2)}
    return {"n_input": history, "min_points": history + k}


def predict_definition(k: int, history: int | None) -> str:
    """The k-step predict task's line for ``--steps k --history N`` (newuser37)."""
    n = "first 20 points" if history is None else f"first {history} points"
    short = f"all but the last {k} when shorter; " if history is None else ""
    skip = window_sizes(k, history)["min_points"]
    return (
        f"task: each scored trajectory's {n} in ({short}trajectories under {skip} points "
        f"skipped), the next {k} points out, k = {k}; ADE = the MAE column (mean error over "
        f"the {k} steps), FDE = the error at step {k}"
    )
