"""Plain progress lines for ingest off a terminal (session 33, newuser33): under cron / Airflow
stderr is a log file, where rich's live bar shows nothing, so a month of fleet files ingested for
minutes with no line until the drop report. Off a terminal, one line every EVERY_S seconds."""

from __future__ import annotations

import sys
import time

EVERY_S = 30.0  # seconds between lines (the first after as long: short reads say nothing)


class PlainProgress:
    """``update(rows_in, kept)`` prints ``ingest: N rows read, M kept (T s)`` to stderr at most
    every EVERY_S seconds, only when stderr is not a terminal (there the live bar shows)."""

    def __init__(self, enabled: bool) -> None:
        self.on = enabled and not sys.stderr.isatty()
        self.start = self.last = time.monotonic()

    def update(self, rows_in: int, kept: int) -> None:
        now = time.monotonic()
        if self.on and now - self.last >= EVERY_S:
            self.last = now
            print(f"ingest: {rows_in:,} rows read, {kept:,} kept ({now - self.start:.0f} s)",
                  file=sys.stderr, flush=True)  # fmt: skip
