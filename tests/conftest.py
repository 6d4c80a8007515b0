"""Shared test set-up: tiny models run fastest (and repeatably) on one thread.

`make test` runs the suite on 2 pytest-xdist workers (`-n 2 --dist loadgroup`, docs/testing.md):
every test module is one xdist group, so a module's tests (and its module-scoped fixtures) stay
on one worker, in file order; a test marked `@pytest.mark.xdist_group("name")` joins that named
group instead (tests that must not overlap, e.g. the 2-rank torchrun runs, share one)."""

from __future__ import annotations

import os

import pytest
import torch

# the shared helpers' asserts say what differed, as a test's own do
pytest.register_assert_rewrite("helpers", "ask_helpers")

# one torch thread per process, from the start: module- and session-scoped fixtures (built before
# the per-test fixture below) train too, and 2 workers x 2 threads oversubscribe a 2-core box.
# Subprocesses the tests start inherit OMP_NUM_THREADS=1 unless the test sets it itself.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
torch.set_num_threads(1)


# the longest groups, longest first (`pytest --durations=40`, docs/testing.md): on the workers
# they start first, then the other modules with a slow test, then the rest, so that the last
# group to start is a short one. A name that is not there is passed over.
LONGEST = (  # session 25's --durations=80 (646 s in all): ~192, ~152, 85, 58, 45, 45, 41, 32, 21 s
    "tests/test_foundation.py",
    "torchrun",
    "tests/test_selector_predictor.py",
    "tests/test_results_scripts.py",
    "tests/test_train.py",
    "tests/test_tte_residual.py",
    "tests/test_docs_options.py",
    "tests/test_llm_ask.py",
    "tests/test_bench_variants.py",
)


def _group(item: pytest.Item) -> str:
    mark = item.get_closest_marker("xdist_group")
    return str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook, which reads the group marks
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))
    if not hasattr(config, "workerinput"):  # one process: file order, as written
        return
    slow = {_group(i) for i in items if i.get_closest_marker("slow") is not None}
    rank = {g: k for k, g in enumerate(LONGEST)}
    # a stable sort: within a group the tests keep their file order
    items.sort(key=lambda i: rank.get(_group(i), len(LONGEST) + (_group(i) not in slow)))


class _GroupIds:
    """On an xdist worker under `--dist loadgroup`: the `@group` suffix on every test id, where
    xdist's own hook could not add it. xdist tells the controller a test's group by that suffix;
    pytest >= 9.2 keeps ids as a structured `item._id`, so xdist 3.8's `item._nodeid = ...` is
    lost and every test became a group of its own (pytest-xdist#1386): modules split over both
    workers, their module fixtures built on each, the torchrun tests run at the same time."""

    @pytest.hookimpl(trylast=True)  # after xdist's own hook, so an xdist that can is left alone
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item in items:
            suffix = "@" + _group(item)
            if item.nodeid.endswith(suffix):
                continue
            if hasattr(item, "_id"):  # pytest >= 9.2: a NodeId; parsed back, it prints as given
                item._id = type(item._id).parse(item.nodeid + suffix)
            else:
                item._nodeid = item.nodeid + suffix


def pytest_configure(config: pytest.Config) -> None:
    if hasattr(config, "workerinput") and config.getvalue("loadgroup"):
        config.pluginmanager.register(_GroupIds(), "trajlm-group-ids")


@pytest.fixture(autouse=True)
def _notes_said_again():
    """Notes said once per process (errors.warn_once_at_caller) are said again in each test."""
    from trajlm.errors import SAID_ONCE

    SAID_ONCE.clear()
    yield


@pytest.fixture(autouse=True)
def _one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def trajlm_small():
    """The shipped trajlm-small checkpoint on one thread; skipped where its weights are not built
    (`make trajlm-small`; the repository holds no weights)."""
    import trajlm

    try:
        return trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
    except FileNotFoundError as e:
        pytest.skip(f"trajlm-small weights missing: {e}")


@pytest.fixture(scope="module")
def small(trajlm_small):
    """trajlm-small by the name most test files ask for it (session 24, tidy24: one fixture
    instead of a copy per file)."""
    return trajlm_small
