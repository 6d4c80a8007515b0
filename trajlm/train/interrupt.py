"""Stopping a training run on Ctrl-C or `kill` (SIGTERM: Slurm preemption) without losing it.

The first signal is noted; the loop finishes the step it is in, saves a checkpoint at that step
(the same exact-resume checkpoint ``save_every`` writes) and raises ``TrainingInterrupted``;
``fit(resume=True)`` / ``--resume`` then continues bit for bit. A second signal stops at once
(Python's default), as a user pressing Ctrl-C twice expects. Only in the main thread of a
single process: under DDP every rank would have to agree on the step (torchrun kills them).
"""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from types import FrameType

from trajlm.errors import UserError

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class TrainingInterrupted(UserError):
    """A run stopped by a signal after saving a checkpoint (the CLI exits 130)."""

    def __init__(self, step: int, max_steps: int, run: Path | None):
        where = f"checkpoint saved in {run}; continue with --resume" if run else "nothing saved"
        super().__init__(f"interrupted at step {step} of {max_steps}: {where}")
        self.step = step


class StopSignals:
    """``with StopSignals(enabled) as stop: ... if stop.requested: save and stop``."""

    def __init__(self, enabled: bool = True):
        self.enabled = enabled and threading.current_thread() is threading.main_thread()
        self.requested = False
        self._old: dict[int, object] = {}

    def _note(self, signum: int, frame: FrameType | None) -> None:
        if self.requested:  # the second signal: stop now
            raise KeyboardInterrupt
        self.requested = True

    def __enter__(self) -> StopSignals:
        if self.enabled:
            for sig in SIGNALS:
                self._old[sig] = signal.signal(sig, self._note)
        return self

    def __exit__(self, *exc) -> None:
        for sig, old in self._old.items():
            signal.signal(sig, old)
        self._old.clear()
