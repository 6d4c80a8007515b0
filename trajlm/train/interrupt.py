"""Stopping a training run on Ctrl-C or `kill` (SIGTERM: Slurm preemption) without losing it.

The first signal is noted; the loop finishes the step it is in, saves a checkpoint at that step
(the same exact-resume checkpoint ``save_every`` writes) and raises ``TrainingInterrupted``;
``fit(resume=True)`` / ``--resume`` then continues bit for bit. A second signal stops at once
(Python's default), as a user pressing Ctrl-C twice expects. Only in the main thread.

Under DDP (torchrun) every rank notes the signal (torchrun passes its SIGTERM / Ctrl-C on to the
workers; Slurm signals them all) and the ranks agree on the step with one all-reduce of the flag
per step (``agreed``): rank 0 saves there, all stop together. A repeated signal is only noted
(torchrun and Slurm may each send one); torchrun's SIGKILL after its grace period is the hard stop.
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
        where = (
            f"checkpoint saved in {run}; continue: the same command with --resume"
            if run
            else "nothing saved"
        )
        super().__init__(f"interrupted at step {step} of {max_steps}: {where}")
        self.step = step


class StopSignals:
    """``with StopSignals(enabled) as stop: ... if stop.requested: save and stop``."""

    def __init__(self, enabled: bool = True, repeat_stops: bool = True):
        self.enabled = enabled and threading.current_thread() is threading.main_thread()
        self.requested = False
        self.repeat_stops = repeat_stops  # False under DDP: a second signal is only noted
        self._old: dict[int, object] = {}

    def _note(self, signum: int, frame: FrameType | None) -> None:
        if self.requested and self.repeat_stops:  # the second signal: stop now
            raise KeyboardInterrupt
        self.requested = True

    def agreed(self, device: object = "cpu") -> bool:
        """Whether any rank was signalled (every rank calls this at the same point of each step,
        so all stop after the same step); a single process: its own flag."""
        import torch.distributed as dist

        if not (dist.is_available() and dist.is_initialized()) or dist.get_world_size() == 1:
            return self.requested
        import torch

        flag = torch.tensor([1.0 if self.requested else 0.0], device=device)
        dist.all_reduce(flag, op=dist.ReduceOp.MAX)
        return bool(flag.item() > 0)

    def __enter__(self) -> StopSignals:
        if self.enabled:
            for sig in SIGNALS:
                self._old[sig] = signal.signal(sig, self._note)
        return self

    def __exit__(self, *exc) -> None:
        for sig, old in self._old.items():
            signal.signal(sig, old)
        self._old.clear()
