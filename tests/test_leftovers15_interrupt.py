"""leftovers15 item 5: an interrupted run (TrainingInterrupted / StartInterrupted) is a
KeyboardInterrupt, so a notebook's ``except Exception:`` no longer swallows the Ctrl-C, while the
CLI boundary still prints its one line and exits 130 (a plain Ctrl-C stays click's)."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from trajlm import _cli_io as io
from trajlm.train.interrupt import StartInterrupted, TrainingInterrupted


def test_interruptions_are_keyboard_interrupts():
    for cls in (TrainingInterrupted, StartInterrupted):
        assert issubclass(cls, KeyboardInterrupt) and not issubclass(cls, Exception)
    swallowed = False
    with pytest.raises(KeyboardInterrupt, match="interrupted at step 7 of 10"):
        try:
            raise TrainingInterrupted(7, 10, Path("runs/x"))
        except Exception:  # what a notebook cell wraps fit() in
            swallowed = True
    assert not swallowed


def _app(exc: BaseException) -> typer.Typer:
    app = typer.Typer(cls=io.BoundaryGroup, add_completion=False)

    @app.command()
    def train() -> None:
        raise exc

    @app.command()
    def other() -> None:
        pass

    return app


def test_cli_boundary_prints_one_line_and_exits_130():
    res = CliRunner().invoke(_app(TrainingInterrupted(7, 10, Path("runs/x"))), ["train"])
    assert res.exit_code == 130
    assert "interrupted at step 7 of 10" in res.output and "Traceback" not in res.output
    silent = CliRunner().invoke(_app(StartInterrupted("")), ["train"])  # other DDP ranks
    assert silent.exit_code == 130 and silent.output.strip() == ""


def test_plain_ctrl_c_passes_the_boundary_as_before():
    res = CliRunner().invoke(_app(KeyboardInterrupt()), ["train"])
    assert res.exit_code != 0 and "error:" not in res.output  # typer's / click's own handling
