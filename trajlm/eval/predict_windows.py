"""Sliding windows for `trajlm eval --task predict` (session 25, newuser25).

PROTOCOL.md scores one window per test trajectory (its first 20 fixes in, the next 5 out): a
week of a 12-vehicle fleet gave 7 test trajectories and 35 scored points, a table nobody can
read. ``--windows all`` (``run_eval(windows="all")``) scores every window of a trip: the cut
moves on by k fixes at a time (so a fix is the target of one window at most), at most
``WINDOWS_CAP`` per trajectory (evenly spaced, so one long trip cannot fill the table);
``--windows N`` keeps up to N. The paired bootstrap still resamples trajectories (windows of one
trip are not independent): each trajectory's error is the mean of its windows', weighted by its
window count, so the ratio is the table's pooled MAE ratio (eval/ratios.py). The default stays
``one`` (PROTOCOL's task: every published table used it).
"""

from __future__ import annotations

WINDOWS_CAP = 50  # windows per trajectory for "all": a 1-s track of hours stays bounded

WINDOWS_HELP = (
    "predict: windows scored per test trajectory: one (PROTOCOL, the default), all (its cut "
    f"moved on by k fixes at a time, at most {WINDOWS_CAP} per trajectory, evenly spaced) or "
    "N (up to N); CIs still resample trajectories."
)


def parse_windows(spec: int | str) -> int:
    """``"one"`` -> 1, ``"all"`` -> ``WINDOWS_CAP``, ``"N"`` / N -> N (1..WINDOWS_CAP);
    anything else is a ValueError naming the choices. The words are exact, as every other
    choice of the CLI and the API (``--task PREDICT``, ``--split TEST`` are refused): ``ALL``
    or `` all`` is refused with the word meant (badin34: read as all unsaid; leftover34b)."""
    if isinstance(spec, str):
        if spec in ("one", "all"):
            return 1 if spec == "one" else WINDOWS_CAP
        if not (spec.isascii() and spec.isdigit()):
            near = spec.strip().lower()
            meant = f"; did you mean {near}?" if near in ("one", "all") else ""
            raise ValueError(
                f"windows must be one, all or a number 1-{WINDOWS_CAP}, got {spec!r}{meant}"
            )
        spec = int(spec)
    if isinstance(spec, bool) or not isinstance(spec, int) or not 1 <= spec <= WINDOWS_CAP:
        raise ValueError(f"windows must be one, all or a number 1-{WINDOWS_CAP}, got {spec!r}")
    return spec


def windows_definition(windows: int, k: int, history: int | None = None) -> str:
    """The task line under the table when more than one window per trajectory is scored
    (``history``: --history, exactly that many points in; newuser37)."""
    n = 20 if history is None else history
    short = f"all but the last {k} when shorter; " if history is None else ""
    skip = max(7, k + 2) if history is None else history + k
    return (
        f"task (--windows {'all' if windows == WINDOWS_CAP else windows}): windows of each scored "
        f"trajectory: the first {n} points in ({short}trajectories under {skip} points skipped), "
        f"the next {k} out, then the cut moved on by {k} fixes at a time "
        f"(at most {windows} windows per trajectory, evenly spaced); MAE over windows, CIs over "
        "trajectories"
    )


def more_windows_hint(n_one: int, n_all: int) -> str:
    """The smoke-test warning's tail: which option scores more, and what it does not change."""
    if n_all <= n_one:
        return ""
    return (
        f"; `--windows all` scores {n_all} windows of these trips instead of {n_one} (the CI "
        "still counts trajectories: more trips make it a comparison)"
    )
