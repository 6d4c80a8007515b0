"""A measurement-only pytest plugin: per test, the wall seconds and the CPU seconds (this process
plus the children it waited for: subprocesses, torchrun and its ranks) over setup + call +
teardown, written one line a test as each ends, so a run stopped half-way still says what it ran
(the per-test CPU hardly depends on the box's load; the wall time does). Module-scoped fixtures
count in the first test that asks for them.

    DURLOG=/tmp/tidy29/suite PYTHONPATH=$PWD:scripts/tidy29 pytest -p durlog -n 2 --dist loadgroup ...

Outputs: $DURLOG.<worker>.tsv (gw0, gw1, or main for one process; DURLOG defaults to
/tmp/tidy29/durlog), never into the repository: `nodeid wall_s cpu_own_s cpu_children_s load1 unix_time`,
and a `#collected` line with the CPU seconds the worker spent before its first test.
Summarise with `python scripts/tidy29/durlog_table.py $DURLOG` (docs/testing.md "Session 29 (tidy29)")."""

from __future__ import annotations

import os
import time

import pytest

_out = None


def _file(config: pytest.Config):
    global _out
    if _out is None:
        worker = getattr(config, "workerinput", {}).get("workerid", "main")
        prefix = os.environ.get("DURLOG", "/tmp/tidy29/durlog")
        os.makedirs(os.path.dirname(prefix), exist_ok=True)
        _out = open(f"{prefix}.{worker}.tsv", "a", buffering=1)  # noqa: SIM115  (one line a test)
    return _out


def _cpu(t: os.times_result) -> tuple[float, float]:
    return t.user + t.system, t.children_user + t.children_system


def pytest_collection_finish(session: pytest.Session) -> None:
    own, children = _cpu(os.times())
    _file(session.config).write(f"#collected\t{time.time():.1f}\t{own:.2f}\t{children:.2f}\n")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem):
    t0, (own0, kids0) = time.perf_counter(), _cpu(os.times())
    yield
    t1, (own1, kids1) = time.perf_counter(), _cpu(os.times())
    nodeid = item.nodeid.split("@")[0]  # without the xdist group suffix
    _file(item.config).write(
        f"{nodeid}\t{t1 - t0:.2f}\t{own1 - own0:.2f}\t{kids1 - kids0:.2f}"
        f"\t{os.getloadavg()[0]:.1f}\t{time.time():.0f}\n"
    )
