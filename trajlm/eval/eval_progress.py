"""Plain progress lines for `trajlm eval` off a terminal (session 33, scale33): at 6.1 M fixes
eval ran 994 s with no line after the store's (newuser33's friction 15), under cron / Airflow
a log file that says nothing while the kNN baselines are tuned and each method is scored.

The same lines, labelled ``val check``, mark each stage of the checks that end `trajlm train`,
`trajlm finetune` and `TrajLM.fit` (session 34, leftover34b): newuser34's recovery check ran
216 s after training with nothing said.

The CLI turns the lines on (`plain_lines()`); Python callers (a notebook's stderr is not a
terminal either) get none unless they do the same (TrajLM.fit does: its training prints
`train step` lines there too)."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_START: ContextVar[tuple[float, str] | None] = ContextVar("eval_progress_start", default=None)


@contextmanager
def plain_lines(label: str = "eval") -> Iterator[None]:
    """Within: `say` prints ``LABEL: ...`` to stderr when stderr is not a terminal (there:
    nothing, as the CLI's rich output shows)."""
    on = not sys.stderr.isatty()
    token = _START.set((time.monotonic(), label) if on else None)
    try:
        yield
    finally:
        _START.reset(token)


def say(phase: str) -> None:
    """``LABEL: PHASE (T s)``: the step starting now and the seconds since the lines began."""
    got = _START.get()
    if got is not None:
        start, label = got
        print(f"{label}: {phase} ({time.monotonic() - start:.0f} s)", file=sys.stderr, flush=True)
