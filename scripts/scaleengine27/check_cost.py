"""Session 27 (scaleengine27): what the scaled engine adds to `trajlm train`'s end-of-run check.

    PYTHONPATH=. python scripts/scaleengine27/check_cost.py RUN STORE

Runs the prediction check (eval/knn_check.knn_check, as cli_train_check calls it: val task,
train split, val spread) on RUN/best twice, without the scaled engine (its candidate
switched off in this process) and with it, and prints the wall seconds of each. Writes nothing.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from trajlm._threads import apply_threads


def main() -> None:
    run, store = Path(sys.argv[1]), Path(sys.argv[2])
    apply_threads(1, None)
    from trajlm.cli_train_check import kept_model, val_table
    from trajlm.data.store import read_store
    from trajlm.eval import knn_check as K
    from trajlm.eval.knn_check import knn_check, val_task_of

    train = read_store(store, split="train").drop("split")
    val = read_store(store, split="val").drop("split")
    task, model = val_task_of(store), kept_model(run, 1)
    real = K.scaled_candidate
    for name, fn in (("without", lambda *a, **k: {}), ("with", real)):
        K.scaled_candidate = fn
        start = time.perf_counter()
        got = knn_check(model, train, task, {}, val_table(store, train), val)
        print(f"{store.name}: check {name} the scaled engine: {time.perf_counter() - start:.1f} s"
              f" ({sorted(got.get('val_spread', {}))})", flush=True)  # fmt: skip
    K.scaled_candidate = real


if __name__ == "__main__":
    main()
