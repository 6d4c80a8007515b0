"""One warning from ``run_eval`` when its table comes from a handful of test trajectories
(session 20, leftovers20; analyst20 D3): the CLI said "no reliable CI" under the table, the
Python call said nothing (a 3-trip store scored its one test trip). The CLI keeps its own line
(naming --data) and ignores this category around its call, so the line is printed once."""

from __future__ import annotations

import polars as pl

from trajlm.eval.verdict import MIN_TRAJ


class FewScoredWarning(UserWarning):
    """Numbers from fewer than ``MIN_TRAJ`` scored test trajectories."""


def warn_few_scored(test: pl.DataFrame, windows_hint: bool = False) -> None:
    """One warning when ``test`` holds fewer than ``MIN_TRAJ`` trajectories; ``windows_hint``
    (a one-window prediction table) names ``windows="all"``, which scores more of each trip."""
    from trajlm.errors import warn_at_caller

    n = test["traj_id"].n_unique() if "traj_id" in test.columns else 0
    if n >= MIN_TRAJ:
        return
    warn_at_caller(
        f"run_eval: numbers from {n} test trajector{'y' if n == 1 else 'ies'}: no reliable CI "
        f"(fewer than {MIN_TRAJ}); one trip can swing the table, so read it as a smoke test, "
        "not a comparison"
        + (
            '; windows="all" scores every window of each trip (the CI still counts trajectories)'
            if windows_hint
            else ""
        ),
        FewScoredWarning,
    )
