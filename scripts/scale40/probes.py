"""Session 40 (scale40): what `trajlm eval`'s steps after the read hold (RSS, MB), at 6.1 M fixes.

    PYTHONPATH=CHECKOUT OMP_NUM_THREADS=1 python scripts/scale40/probes.py STEP STORE

Reads the store as eval does (`_cli_io.read_splits_checked`, its four columns), then measures
STEP: ``spread`` (cli_eval_notes.report_times_note: the test split's interval spread, the
table's note), ``split`` (protocol.split_tables, then ``interval_spread`` of each split's
slice). Run from each checkout (PYTHONPATH) to compare; each line: the step, RSS before it, its
peak over that and what it left (scale38's ``measure``, a thread sampling VmRSS every 5 ms).
For RSS that follows what is held, not jemalloc's 10-s decay, run with
``_RJEM_MALLOC_CONF=dirty_decay_ms:0,muzzy_decay_ms:0`` (Polars' own jemalloc).
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from types import SimpleNamespace


def _scale39_probes():
    """scripts/scale39/probes.py (scale38's rss_mb, PEAK, measure and its watch), by path."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "scale39_probes", Path(__file__).resolve().parents[1] / "scale39" / "probes.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_P39 = _scale39_probes()


def main() -> None:
    threading.Thread(target=_P39.watch, daemon=True).start()
    step, store = sys.argv[1], Path(sys.argv[2])
    import gc

    from rich.console import Console

    from trajlm import _cli_io as io
    from trajlm.cli_eval_notes import report_times_note
    from trajlm.eval.eval_splits import split_tables
    from trajlm.eval.report_times import interval_spread

    df = _P39.measure("read", lambda: io.read_splits_checked(store, "--data", _P39.COLUMNS))
    gc.collect()
    if step == "spread":
        result = SimpleNamespace(meta={})
        _P39.measure("report_times_note",
                     lambda: report_times_note(result, df, False, Console(stderr=True)))  # fmt: skip
        print("interval_spread", result.meta["interval_spread"])
    elif step == "split":
        parts = _P39.measure("split_tables", lambda: split_tables(df))
        for name, part in parts.items():
            _P39.measure(f"interval_spread({name})", lambda p=part: interval_spread(p))
    print("stack at the last new peak:", *_P39.STACK, sep="\n  ")


if __name__ == "__main__":
    main()
