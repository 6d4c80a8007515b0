"""Session 34 (leftover34b): small leftovers of newuser34, badin34 and byo34 (docs/reliability.md
"Session 34 (leftover34b)")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import invoke_cli, tiny_fit_run

STAGE = re.compile(r"^val check: (.+) \(\d+ s\)$", re.M)


@pytest.fixture(scope="module")
def fitted(tmp_path_factory) -> dict:
    """A tiny TrajLM.fit on a 30-trip synthetic store, its stderr kept (pytest's: no terminal)."""
    import sys
    from io import StringIO

    d = tmp_path_factory.mktemp("fit")
    err, sys.stderr = sys.stderr, StringIO()
    try:
        run = tiny_fit_run(d, 30, 1)
        run["stderr"] = sys.stderr.getvalue()
    finally:
        sys.stderr = err
    return run


def test_fit_says_each_val_check_as_it_starts_off_a_terminal(fitted) -> None:
    """newuser34: the checks after TrajLM.fit ran 216 s saying nothing; now one line per stage
    (not per batch), as `trajlm eval`'s progress lines (eval_progress.say)."""
    stages = STAGE.findall(fitted["stderr"])  # 2 steps, no val ADE: no kNN check to say
    assert stages[0] == "fitting the radii on val", stages
    assert stages[1].startswith("the recover verdict"), stages
    assert stages[2:] == ["fitting the recovery radii on val"], stages  # one line a stage


def test_finetune_predict_says_its_checks(fitted, tmp_path: Path) -> None:
    r = invoke_cli(["finetune", "--model", fitted["dir"] / "run", "--task", "predict", "--data",
                    fitted["dir"] / "s", "--out", tmp_path / "ft", "--steps", "2",
                    "--threads", "1"])  # fmt: skip
    assert r.exit_code == 0, r.output[-2000:]
    stages = STAGE.findall(r.output)
    assert stages[0].startswith("the fine-tuned model beside the prediction baselines"), stages
    assert any(s.startswith("the recover verdict") for s in stages), stages
    assert len(stages) == len(set(stages)), stages


def test_no_lines_on_a_terminal(monkeypatch, capsys) -> None:
    """On a terminal nothing is added (the lines are for logs, as eval's)."""
    import sys

    from trajlm.eval.eval_progress import plain_lines, say

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    with plain_lines("val check"):
        say("a stage")
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    with plain_lines("val check"):
        say("a stage")
    assert re.fullmatch(r"val check: a stage \(\d+ s\)\n", capsys.readouterr().err)
