"""Imported first by trajlm/cli.py, before typer, polars or torch: for ``trajlm train`` a
Ctrl-C / SIGTERM from here on is noted (``interrupt.note_early_signals``) and said in one line
by ``StartSignals`` (exit 130), instead of SIGTERM's silent exit 143 during the second of
imports before the command starts (leftovers15 item 7)."""

import sys

from trajlm.train.interrupt import note_early_signals

note_early_signals(sys.argv)
