"""Session 40 (scale40): what `trajlm eval`'s steps after the read hold (RSS, MB), at 6.1 M fixes.

    PYTHONPATH=CHECKOUT OMP_NUM_THREADS=1 python scripts/scale40/probes.py STEP STORE

Reads the store as eval does (`_cli_io.read_splits_checked`, its four columns), then measures
STEP: ``spread`` (cli_eval_notes.report_times_note: the test split's interval spread, the
table's note), ``split`` (protocol.split_tables, then ``interval_spread`` of each split's
slice), ``level`` (what the kNN tunings' level is made of: split_tables, the projection, the
train points (retrieval.table_points), one plain-kNN library at history 8 (its fit_points), its
search of val (predict_grid), then the library dropped). Run from each checkout (PYTHONPATH) to compare; each line: the step, RSS before it, its
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


def step_held(name: str, step):
    """scale38's ``measure`` of ``step``, its line kept short (a table or task is not printed)."""
    box: list = []
    _P39.measure(name, lambda: box.append(step()))
    return box[0]


def main() -> None:
    threading.Thread(target=_P39.watch, daemon=True).start()
    step, store = sys.argv[1], Path(sys.argv[2])
    import gc

    from rich.console import Console

    from trajlm import _cli_io as io
    from trajlm.cli_eval_notes import report_times_note
    from trajlm.eval.eval_splits import split_tables
    from trajlm.eval.report_times import interval_spread

    df = step_held("read", lambda: io.read_splits_checked(store, "--data", _P39.COLUMNS))
    gc.collect()
    if step == "spread":
        result = SimpleNamespace(meta={})
        step_held("report_times_note",
                     lambda: report_times_note(result, df, False, Console(stderr=True)))  # fmt: skip
        print("interval_spread", result.meta["interval_spread"])
    elif step == "split":
        parts = step_held("split_tables", lambda: split_tables(df))
        for name, part in parts.items():
            step_held(f"interval_spread({name})", lambda p=part: interval_spread(p))
    elif step == "level":
        from trajlm.data.features import LocalProjection
        from trajlm.data.protocol_tasks import make_prediction_task
        from trajlm.data.retrieval import table_points
        from trajlm.eval import baselines as B
        from trajlm.eval.knn_grid import predict_grid
        from trajlm.eval.task_definitions import window_sizes

        parts = step_held("split_tables", lambda: split_tables(df))
        train = parts["train"]
        proj = step_held("LocalProjection.fit", lambda: LocalProjection.fit(train))
        val = step_held("val task", lambda: make_prediction_task(parts["val"], k=5,
                                                                    **window_sizes(5, None)))  # fmt: skip
        points = step_held("table_points(train)", lambda: table_points(train, proj))
        knn = step_held("library h=8", lambda: B.KNNContinuation(1, 8, 5).fit_points(*points, proj))
        step_held("predict_grid", lambda: predict_grid(knn, val.xy(proj), val.lengths, 5,
                                                          (5, 10, 20, 40, 80)))  # fmt: skip
        step_held("library dropped", lambda: knn.__dict__.clear() or gc.collect())
        del points
        step_held("points dropped", gc.collect)
    print("stack at the last new peak:", *_P39.STACK, sep="\n  ")


if __name__ == "__main__":
    main()
