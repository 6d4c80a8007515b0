"""Session 39 (scale39): what each step of `_cli_io.read_splits_checked` holds (RSS, MB).

    PYTHONPATH=$PWD OMP_NUM_THREADS=1 python scripts/scale39/probes.py STEP STORE

STEP: ``steps`` (the train split as read_store and check_model_input read it, one step at a
time: each part file, the concatenation, the order check, the split column, then
check_model_input's row index, conform, clock_jumps, validate and null_island), ``whole``
(read_splits_checked of the four columns eval reads: RSS before, peak, left, and the stack at
the peak), ``held`` (what the read leaves held, garbage collected), ``split`` (the RSS the `split` column gives back when dropped, beside Polars'
estimate). For RSS that follows what is held, not jemalloc's 10-s decay, run with
``_RJEM_MALLOC_CONF=dirty_decay_ms:0,muzzy_decay_ms:0`` (Polars' own jemalloc). A thread samples
VmRSS every 5 ms; each line: the step, RSS before it, its peak over that and what it left.
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

COLUMNS = ["traj_id", "t", "lat", "lon"]


def _scale38_probes():
    """scripts/scale38/probes.py (its rss_mb, PEAK and measure), loaded by path: one copy."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "scale38_probes", Path(__file__).resolve().parents[1] / "scale38" / "probes.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_P38 = _scale38_probes()
rss_mb, PEAK, measure = _P38.rss_mb, _P38.PEAK, _P38.measure
STACK: list[str] = []  # the main thread's innermost frames at the last new peak


def watch() -> None:
    """scale38's watch (PEAK every 5 ms), keeping the stack at each new peak."""
    import traceback

    main_id = threading.main_thread().ident
    while True:
        rss = rss_mb()
        if rss > PEAK[0] + 2:
            frame = sys._current_frames().get(main_id)
            stack = traceback.extract_stack(frame) if frame else []
            STACK[:] = [f"{s.filename.split('/')[-1]}:{s.lineno} {s.name}" for s in stack][-5:]
        PEAK[0] = max(PEAK[0], rss)
        time.sleep(0.005)


def main() -> None:
    threading.Thread(target=watch, daemon=True).start()
    step, store = sys.argv[1], Path(sys.argv[2])
    import polars as pl

    from trajlm import _cli_io as io

    pl.DataFrame({"a": [1]}).sum()
    if step == "whole":
        df = measure(
            "read_splits_checked", lambda: io.read_splits_checked(store, "--data", COLUMNS)
        )
        print("at the peak:", *STACK, sep="\n  ")
        print({c: round(df[c].estimated_size() / 2**20, 1) for c in df.columns})
        return
    if step == "held":  # what the read leaves held once its garbage is collected
        import gc

        import trajlm.data.schema  # noqa: F401  (the read's own imports, not counted as held)
        import trajlm.data.store_read  # noqa: F401

        start = rss_mb()
        df = io.read_splits_checked(store, "--data", COLUMNS)
        gc.collect()
        time.sleep(0.5)
        print(f"held after read_splits_checked: +{rss_mb() - start:.0f} MB, {df.shape}")
        return
    if step == "split":  # what the `split` column really holds (run with decay 0, see above)
        import gc

        df = io.read_splits_checked(store, "--data", COLUMNS)
        time.sleep(0.5)
        held = rss_mb()
        df = df.drop("split")
        gc.collect()
        time.sleep(0.5)
        print(
            f"dropping `split` returned {held - rss_mb():.0f} MB (estimated_size said "
            f"{io.read_splits_checked(store, '--data', COLUMNS)['split'].estimated_size() / 2**20:.1f})"
        )
        return
    from trajlm.data import schema
    from trajlm.data.store_read import part_files, read_part
    from trajlm.data.table_order import in_traj_order

    files = part_files(store, "train")
    parts = [measure(f"read {f.name}", lambda f=f: read_part(f, COLUMNS)) for f in files]
    df = measure("concat", lambda: pl.concat(parts))
    measure("in_traj_order", lambda: in_traj_order(df))
    df = measure("split column", lambda: df.with_columns(pl.lit("train").alias("split")))
    df = measure("row index + conform", lambda: schema.conform(df.with_row_index(schema._ROW)))
    measure("clock_jumps", lambda: schema.clock_jumps(df))
    measure("validate", lambda: schema.validate(df, schema.MIN_T_DATED))
    measure("null_island", lambda: schema.null_island(df))
    measure("drop row index", lambda: df.drop(schema._ROW))


if __name__ == "__main__":
    main()
