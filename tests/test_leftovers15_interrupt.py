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


# ------------------------------------------- item 7: a signal before StartSignals is entered
def test_an_early_signal_is_said_when_start_signals_is_entered(tmp_path):
    import os
    import signal

    from trajlm.train import interrupt

    old = {s: signal.getsignal(s) for s in interrupt.SIGNALS}
    try:
        interrupt.note_early_signals(["trajlm", "predict"])  # other commands: untouched
        assert signal.getsignal(signal.SIGTERM) == old[signal.SIGTERM]
        interrupt.note_early_signals(["trajlm", "train"])
        os.kill(os.getpid(), signal.SIGTERM)  # noted, not fatal
        with pytest.raises(StartInterrupted, match="interrupted by SIGTERM during start-up"):
            with interrupt.StartSignals(tmp_path / "run"):
                pytest.fail("the run must not start after a signal")
        assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL  # not the note any more
    finally:
        for s, h in old.items():
            signal.signal(s, h)
        interrupt._EARLY.clear()


def test_trajlm_train_catches_sigterm_before_its_heavy_imports(tmp_path):
    """The SIGTERM handler is there before polars / torch are loaded (it was installed by the
    train command itself, after a second of imports, so a SIGTERM then exited 143 silently)."""
    import os
    import subprocess
    import sys
    import time

    if not Path("/proc/self/status").exists():
        pytest.skip("needs /proc")
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root), "OMP_NUM_THREADS": "1"}
    p = subprocess.Popen([sys.executable, "-m", "trajlm.cli", "train", "--data",
                          str(tmp_path / "none"), "--out", str(tmp_path / "run")],
                         env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    maps = ""
    try:
        deadline = time.time() + 60
        while time.time() < deadline and p.poll() is None:
            try:
                status = Path(f"/proc/{p.pid}/status").read_text()
            except OSError:
                break
            mask = next(int(ln.split()[1], 16) for ln in status.splitlines()
                        if ln.startswith("SigCgt"))  # fmt: skip
            if mask >> (15 - 1) & 1:  # SIGTERM caught
                maps = Path(f"/proc/{p.pid}/maps").read_text()
                p.send_signal(15)
                break
            time.sleep(0.001)
        _, err = p.communicate(timeout=120)
    finally:
        p.kill()
    assert maps, "no SIGTERM handler seen"
    assert "polars" not in maps and "libtorch" not in maps  # installed before heavy imports
    assert p.returncode == 130, err
    assert "interrupted by SIGTERM during start-up" in err


def test_travel_time_refusal_says_what_works_with_a_causal_checkpoint():
    from trajlm import TrajLM
    from trajlm.errors import UserError

    m = TrajLM.from_pretrained("trajlm-small")
    with pytest.raises(UserError, match="no infilling heads") as e:
        m.travel_time([(41.15, -8.61)], [(41.16, -8.60)], depart=1_700_000_000)
    text = str(e.value)
    assert "what works now" in text and "GradientBoostingTTE().fit(past_trips)" in text
    assert "configs/multitask.toml" in text  # training still said


def test_early_signals_only_for_train_even_after_global_options():
    import signal

    from trajlm.train import interrupt

    old = signal.getsignal(signal.SIGTERM)
    try:
        interrupt.note_early_signals(["trajlm", "--debug", "train", "--data", "x"])
        assert signal.getsignal(signal.SIGTERM) is interrupt._note_early
        signal.signal(signal.SIGTERM, old)
        interrupt.note_early_signals(["trajlm", "eval", "--task", "train"])
        assert signal.getsignal(signal.SIGTERM) == old
    finally:
        signal.signal(signal.SIGTERM, old)
        signal.signal(signal.SIGINT, signal.default_int_handler)
