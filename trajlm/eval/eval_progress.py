"""Plain progress lines for `trajlm eval` off a terminal (session 33, scale33): at 6.1 M fixes
eval ran 994 s with no line after the store's (newuser33's friction 15), under cron / Airflow
a log file that says nothing while the kNN baselines are tuned and each method is scored.

The CLI turns the lines on (`plain_lines()`); Python callers (a notebook's stderr is not a
terminal either) get none unless they do the same."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_START: ContextVar[float | None] = ContextVar("eval_progress_start", default=None)


@contextmanager
def plain_lines() -> Iterator[None]:
    """Within: `say` prints to stderr when stderr is not a terminal (there: nothing, as the
    CLI's rich output shows)."""
    token = _START.set(time.monotonic() if not sys.stderr.isatty() else None)
    try:
        yield
    finally:
        _START.reset(token)


def say(phase: str) -> None:
    """``eval: PHASE (T s)``: the step starting now and the seconds since eval began."""
    start = _START.get()
    if start is not None:
        print(f"eval: {phase} ({time.monotonic() - start:.0f} s)", file=sys.stderr, flush=True)
