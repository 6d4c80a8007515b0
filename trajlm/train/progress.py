"""A rich progress bar for training: step, loss, tokens/s, val loss, ETA."""

from __future__ import annotations

import sys

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


class TrainProgress:
    """The bar on a terminal; on a log file (nohup, a job scheduler) one plain line every
    ~5 % of the steps instead: a file got the bar only at the end, so a background run's log
    stayed empty for its whole length, and a killed one's for good (session 14, cliuser)."""

    def __init__(self, total: int, start: int = 0, enabled: bool = True) -> None:
        self.enabled = enabled
        self._progress = Progress(
            TextColumn("[bold]train"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("loss {task.fields[loss]}"),
            TextColumn("val {task.fields[val]}"),
            TextColumn("{task.fields[tps]} tok/s"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            disable=not enabled,
        )
        self._task = self._progress.add_task(
            "train", total=total, completed=start, loss="-", val="-", tps="-"
        )
        self.total = total
        self.lines = enabled and not self._progress.console.is_terminal
        self.every = max(1, total // 20)

    def __enter__(self) -> TrainProgress:
        self._progress.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._progress.__exit__(*exc)

    def update(self, step: int, loss: float, tokens_per_s: float, val: float | None) -> None:
        self._progress.update(
            self._task,
            completed=step,
            loss=f"{loss:.4f}",
            val="-" if val is None else f"{val:.4f}",
            tps=f"{tokens_per_s:,.0f}",
        )
        if self.lines and (step % self.every == 0 or step == self.total):
            val_s = "-" if val is None else f"{val:.4f}"
            print(f"train step {step}/{self.total} loss {loss:.4f} val {val_s} "
                  f"{tokens_per_s:,.0f} tok/s", file=sys.stderr, flush=True)  # fmt: skip
