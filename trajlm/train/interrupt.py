"""Stopping a training run on Ctrl-C or `kill` (SIGTERM: Slurm preemption) without losing it.

The first signal is noted; the loop finishes the step it is in, saves a checkpoint at that step
(the same exact-resume checkpoint ``save_every`` writes) and raises ``TrainingInterrupted``;
``fit(resume=True)`` / ``--resume`` then continues bit for bit. A second signal stops at once
(Python's default), as a user pressing Ctrl-C twice expects. Only in the main thread.

Under DDP (torchrun) every rank notes the signal (torchrun passes its SIGTERM / Ctrl-C on to the
workers; Slurm signals them all) and the ranks agree on the step with one all-reduce of the flag
per step (``agreed``): rank 0 saves there, all stop together. A repeated signal is only noted
(torchrun and Slurm may each send one); torchrun's SIGKILL after its grace period is the hard stop.

Before step 1 (imports, the store, the model: seconds) and after the last step, ``StartSignals``
(entered by ``trajlm train`` first thing) turns the same signals into ``StartInterrupted``: one
line saying what the run directory holds now and how to go on, exit 130 like the loop's (newuser3
F5: SIGTERM there ended with 143 and no word).
"""

from __future__ import annotations

import json
import os
import signal
import threading
from pathlib import Path
from types import FrameType

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """A command stopped by Ctrl-C / SIGTERM, saying what was kept (the CLI exits 130; an empty
    message prints nothing: the other DDP ranks of a run whose rank 0 says it). A
    KeyboardInterrupt (leftovers15 item 5; a ValueError before): a notebook's or script's
    ``except Exception:`` around ``fit`` does not swallow the Ctrl-C, while ``except
    KeyboardInterrupt:`` (or this class) catches it."""

    hint: str | None = None  # as UserError's: the CLI prints str(e) only


class TrainingInterrupted(Interrupted):
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


# ----------------------------------------------------------------------------- outside the loop
# A checkpoint's folders (checkpoint.STATE_DIR, OLD_STATE_DIR; not imported: that module needs
# torch, which may be half-imported when the signal comes).
_STATE_DIRS = ("trainer_state", ".trainer_state-old")


def saved_step(run: Path) -> int | None:
    """The step of the checkpoint in `run` (None: none, or unreadable)."""
    for name in _STATE_DIRS:
        try:
            return int(json.loads((run / name / "state.json").read_text())["step"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return None


class StartInterrupted(Interrupted):
    """Ctrl-C / SIGTERM outside the training loop: before step 1, or after the last step."""


class _Signalled(KeyboardInterrupt):
    """Raised by ``StartSignals``' handler (a KeyboardInterrupt, so no ``except Exception`` on
    the way swallows it)."""


def start_message(
    run: Path, signum: int, before: int | None, now: int | None, *, resume: bool = False
) -> str:
    """One line: what stopped, what `run` holds now (`before` / `now`: the step of its checkpoint
    when the command started / now), how to go on."""
    name = signal.Signals(signum).name
    if now is not None and (before is None or now > before):  # trained, stopped at the end
        return (
            f"interrupted by {name} after the last step ({now}): the checkpoint at step {now} "
            f"is saved in {run}; the run's summary (train_summary.json) was not written"
        )
    first = f"interrupted by {name} during start-up (before step {(before or 0) + 1})"
    if now is not None:  # the checkpoint it had
        todo = "continue: the same command" if resume else "the same command, or --resume"
        return f"{first}: {run} is as it was (checkpoint at step {now}); {todo}"
    if before is not None:  # --overwrite had removed the old run's files
        return (
            f"{first}: --overwrite had removed the old run (step {before}) from {run}, "
            "nothing new was written; start again: the same command"
        )
    return f"{first}: nothing was written; start again: the same command"


# Signals noted by ``note_early_signals`` before ``StartSignals`` is entered (signal numbers).
_EARLY: list[int] = []


def _note_early(signum: int, frame: FrameType | None) -> None:
    _EARLY.append(signum)


def note_early_signals(argv: list[str]) -> None:
    """For ``trajlm train`` only (its first word that is not an option): from the first line of trajlm/cli.py
    on, note a Ctrl-C / SIGTERM instead of dying (SIGTERM's default: exit 143 without a word,
    leftovers15 item 7); ``StartSignals`` then says it in one line and exits 130. Other commands
    keep Python's default handling."""
    if next((a for a in argv[1:] if not a.startswith("-")), None) != "train":
        return  # `trajlm --debug train ...` too
    if threading.current_thread() is not threading.main_thread():
        return
    for sig in SIGNALS:
        signal.signal(sig, _note_early)


def _default(sig: int) -> object:
    return signal.default_int_handler if sig == signal.SIGINT else signal.SIG_DFL


class StartSignals:
    """``with StartSignals(run, resume=...):`` around a whole ``trajlm train``: a Ctrl-C /
    SIGTERM there, outside ``StopSignals`` (the loop's), raises ``StartInterrupted`` with
    ``start_message``; under DDP only rank 0's says it (the others exit 130 silently)."""

    def __init__(self, run: Path, *, resume: bool = False):
        self.run, self.resume = Path(run), resume
        self.enabled = threading.current_thread() is threading.main_thread()
        self.signum: int | None = None
        self._old: dict[int, object] = {}

    def _raise(self, signum: int, frame: FrameType | None) -> None:
        self.signum = self.signum or signum  # the first names the line
        raise _Signalled

    def __enter__(self) -> StartSignals:
        self.before = saved_step(self.run)
        if self.enabled:
            for sig in SIGNALS:
                old = signal.signal(sig, self._raise)
                self._old[sig] = _default(sig) if old is _note_early else old
        if _EARLY:  # a signal before this (note_early_signals): said now, nothing started yet
            signum = _EARLY[0]
            _EARLY.clear()
            self.__exit__(None, None, None)
            rank0 = os.environ.get("RANK", "0") == "0"
            text = start_message(self.run, signum, self.before, self.before, resume=self.resume)
            raise StartInterrupted(text if rank0 else "")
        return self

    def __exit__(self, kind, exc, tb) -> None:
        for sig, old in self._old.items():
            signal.signal(sig, old)
        self._old.clear()
        # Any failure after the signal is its doing (e.g. a DDP rank whose peer left mid-call).
        if self.signum is None or exc is None or isinstance(exc, Interrupted):
            return
        rank0 = os.environ.get("RANK", "0") == "0"
        now = saved_step(self.run)
        text = start_message(self.run, self.signum, self.before, now, resume=self.resume)
        raise StartInterrupted(text if rank0 else "") from None
