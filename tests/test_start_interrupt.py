"""Ctrl-C / SIGTERM during `trajlm train`'s start-up (imports, store, model: before step 1) is one
line saying what the run directory holds and how to go on, exit 130 as an interrupt in the loop
(newuser3 F5: it ended 143 without a word). docs/reliability.md "Session 13 (leftovers)".

The signal is sent the moment the process has installed its handler (read from
/proc/PID/status), which is before torch is imported, so it always lands in the start-up.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from reliability_helpers import TINY, invoke

from trajlm.data.ingest import synth_store
from trajlm.train.interrupt import start_message

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("start")
    synth_store(d / "s", n_trajectories=20, seed=1, overwrite=False)
    (d / "tiny.toml").write_text(TINY.replace("max_steps = 3", "max_steps = 2"))
    return d


def _catches(pid: int, sig: int) -> bool:
    """Whether process `pid` has a handler for `sig` (SigCgt of /proc/PID/status)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    mask = next(int(ln.split()[1], 16) for ln in text.splitlines() if ln.startswith("SigCgt"))
    return bool(mask >> (sig - 1) & 1)


def _children(pid: int) -> list[int]:
    out = []
    for d in Path("/proc").iterdir():
        try:
            if (
                d.name.isdigit()
                and int((d / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid
            ):
                out.append(int(d.name))
        except (OSError, IndexError, ValueError):
            continue
    return out


def _signal_at_start(cmd: list[str], sig: int, watch=lambda p: [p.pid]) -> tuple[int, str]:
    """Run `cmd`, send `sig` once every process of `watch(p)` catches SIGTERM; (rc, stderr)."""
    p = subprocess.Popen(cmd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while time.time() < deadline and p.poll() is None:
        pids = watch(p)
        if pids and all(_catches(q, signal.SIGTERM) for q in pids):
            break
        time.sleep(0.01)
    p.send_signal(sig)
    _, err = p.communicate(timeout=120)
    return p.returncode, err


def _train(base: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "trajlm.cli", "train", "--data", str(base / "s"),
            "--out", str(out), "--config", str(base / "tiny.toml"), *extra]  # fmt: skip


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_during_start_up_is_one_line_and_exit_130(base, tmp_path, sig):
    out = tmp_path / "run"
    rc, err = _signal_at_start(_train(base, out), sig)
    assert rc == 130, err
    name = signal.Signals(sig).name
    assert err.strip() == (
        f"interrupted by {name} during start-up (before step 1): nothing was written; "
        "start again: the same command"
    ), err
    assert not out.exists()


def test_a_signal_while_resuming_leaves_the_run_as_it_was(base, tmp_path):
    run = tmp_path / "run"
    r = invoke("train", "--data", base / "s", "--out", run, "--config", base / "tiny.toml")
    assert r.exit_code == 0, r.output
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
              for p in run.rglob("*") if p.is_file()}  # fmt: skip
    rc, err = _signal_at_start(_train(base, run, "--resume", "--max-steps", "6"), signal.SIGTERM)
    assert rc == 130, err
    assert "during start-up (before step 3)" in err, err
    assert f"{run} is as it was (checkpoint at step 2); continue: the same command" in err, err
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
             for p in run.rglob("*") if p.is_file()}  # fmt: skip
    assert after == before


def test_the_message_says_what_overwrite_removed_and_a_stop_after_the_last_step():
    run, term = Path("RUN"), signal.SIGTERM
    text = start_message(run, term, 4, None)
    assert "--overwrite had removed the old run (step 4) from RUN" in text, text
    text = start_message(run, term, None, 6)
    assert text.startswith("interrupted by SIGTERM after the last step (6)"), text
    assert start_message(run, term, 6, 6).endswith("the same command, or --resume")


@pytest.mark.slow
@pytest.mark.xdist_group("torchrun")  # 2-rank runs: one at a time
def test_ddp_ranks_interrupted_during_start_up_say_it_once(base, tmp_path):
    """torchrun (2 gloo ranks) gets SIGTERM once both workers catch it: rank 0's line, once."""
    torchrun = str(Path(sys.executable).with_name("torchrun"))
    out = tmp_path / "run"
    cmd = [torchrun, "--standalone", "--nproc_per_node", "2", *_train(base, out)[1:]]

    def workers(p: subprocess.Popen) -> list[int]:
        kids = _children(p.pid)
        return kids if len(kids) == 2 else []

    rc, err = _signal_at_start(cmd, signal.SIGTERM, watch=workers)
    assert rc != 0
    lines = [ln for ln in err.splitlines() if ln.startswith("interrupted by SIGTERM")]
    assert lines == [
        "interrupted by SIGTERM during start-up (before step 1): nothing was written; "
        "start again: the same command"
    ], err[-3000:]
    assert not out.exists()
