"""One time budget per request: ``--timeout`` counts from the request's arrival (serve40).

Before session 40 each model call of a request got the whole ``--timeout`` afresh, and the
reading of the request before it (the event loop's own work) counted nowhere: a 480-vehicle
`/predict` (20,000 rows keyed `unitId` / `ts` / `latitude`) under the 10-s timeout was answered
after 28 s on a loaded machine, 90 % of it spent matching each row's keys against the API's
column names. Now the reading, the queue and every model call of a request share one budget:
a call starts with what is left, and a request that has none left is answered 503 at once,
saying whether its own work (send less) or other requests (retry) used the time.

The budget lives in a context variable set by ``errors.CatchBugs`` when the request arrives;
calls outside a request (the batcher's unit tests) keep the whole timeout per call.
"""

from __future__ import annotations

import time
from contextvars import ContextVar
from dataclasses import dataclass, field


class Overloaded(Exception):
    """The server cannot take or finish this request in time; retry after `retry_after` s."""

    def __init__(self, message: str, retry_after: int = 1) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TooSlow(Overloaded):
    """This request's own work ran past the timeout: retrying the same request cannot help
    (session 14: a 500-trajectory rollout was answered "overloaded, retry later" on an idle
    server, every time)."""


SEND_LESS = ("send fewer trajectories, points or times ahead per request, or start the server "
             "with a longer --timeout")  # fmt: skip


def now() -> float:
    """The clock budgets are read by (a function: the tests move it without waiting)."""
    return time.perf_counter()


@dataclass
class Budget:
    """When a request arrived, and how long its model calls waited behind other requests'."""

    arrived: float = field(default_factory=lambda: now())
    waited: float = 0.0
    first_call: float | None = None  # seconds after arrival of its first model call

    def elapsed(self) -> float:
        return now() - self.arrived


BUDGET: ContextVar[Budget | None] = ContextVar("request_budget", default=None)


def begin() -> Budget:
    """Start this request's budget (called once per HTTP request, as it arrives)."""
    budget = Budget()
    BUDGET.set(budget)
    return budget


def seconds_left(timeout_s: float) -> float:
    """What is left of ``timeout_s`` for this request (all of it outside a request), noting
    when its first model call begins."""
    budget = BUDGET.get()
    if budget is None:
        return timeout_s
    if budget.first_call is None:
        budget.first_call = budget.elapsed()
    return timeout_s - budget.elapsed()


def note_wait(seconds: float) -> None:
    """Count ``seconds`` this request waited behind other requests' model calls."""
    budget = BUDGET.get()
    if budget is not None:
        budget.waited += max(0.0, seconds)


def out_of_time(timeout_s: float, ran_s: float | None = None) -> Overloaded:
    """The 503 for a request not answered within ``timeout_s``: ``TooSlow`` (no Retry-After:
    the same request would take as long) when at least half of the time was this request's
    own (reading it, its model calls; ``ran_s``: the last call's run outside a request),
    else ``Overloaded`` (it waited behind others: retry)."""
    budget = BUDGET.get()
    if budget is None:
        own = ran_s or 0.0
    else:
        own = budget.elapsed() - budget.waited
    if own < 0.5 * timeout_s:
        return Overloaded(f"not answered within {timeout_s:g} s (the model was busy with other "
                          "requests)")  # fmt: skip
    if budget is None:
        return TooSlow(f"not answered within {timeout_s:g} s: this request's own model call ran "
                       f"that long; {SEND_LESS}")  # fmt: skip
    read = budget.first_call if budget.first_call is not None else budget.elapsed()
    return TooSlow(f"not answered within {timeout_s:g} s: this request's own work took "
                   f"{own:.1f} s ({read:.1f} s reading it before the model was called); "
                   f"{SEND_LESS}")  # fmt: skip
