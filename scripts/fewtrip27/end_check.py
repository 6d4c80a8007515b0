"""fewtrip27: heldout26's eight stores with their own trained runs (the model in the guard), the
verdict before (first windows: knn_check without the val table) and after (this rule), and
each chosen engine's test 5-step ADE / the best engine's (test read once, for the chosen rule).
Needs engine_errors.py's files for these stores first:

    FEWTRIP27=/tmp/fewtrip27/h26orig python scripts/fewtrip27/engine_errors.py $HELDOUT26/stores/*
    python scripts/fewtrip27/end_check.py        # reads $HELDOUT26/{stores,runs} (default /tmp/heldout26)
"""

import json
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from rules import boot, means  # noqa: E402

from trajlm.cli_train_check import kept_model, val_table  # noqa: E402
from trajlm.data.store import read_store  # noqa: E402
from trajlm.eval.knn_check import knn_check, val_task_of  # noqa: E402
from trajlm.eval.predict_verdict import PLACE_KNN, decide  # noqa: E402

H = Path(os.environ.get("HELDOUT26", "/tmp/heldout26"))
ERRS = Path(os.environ.get("FEWTRIP27", "/tmp/fewtrip27")) / "h26orig" / "errs"


def bench_name(check: dict, engine: str) -> str:
    """The benchmark's name of the engine that answers (kNNs: tuned or at their defaults)."""
    if not engine.startswith("kNN continuation"):
        return engine
    kind = "place" if engine == PLACE_KNN else "kNN"
    default = f"{engine} at its default settings" in check.get("val_small_rule", "")
    return f"{kind} {'default' if default else 'tuned'}"


def main() -> None:
    rows = []
    for store in sorted((H / "stores").iterdir()):
        bench = json.loads((ERRS / f"{store.name}.json").read_text())
        train = read_store(store, split="train").drop("split", strict=False)
        val = read_store(store, split="val").drop("split", strict=False)
        model = kept_model(H / "runs" / store.name, 1)
        task = val_task_of(store, 500)
        out = {}
        for when, table in (("before", None), ("after", val)):
            check = knn_check(model, train, task, {}, val_table(store, train), table)
            engine = decide(check, train)["engine"]
            out[when] = engine if engine == "model" else bench_name(check, engine)
        row = {"store": store.name, **out}
        for split in ("test", "test5"):
            m = means(bench["errs"][split], list(bench["errs"][split]))
            for when in ("before", "after"):
                row[f"{when}_{split}"] = m[out[when]] / min(m.values()) if out[when] in m else None
        rows.append(row)
        print(row, flush=True)
    for split in ("test", "test5"):
        b = np.array([r[f"before_{split}"] for r in rows], float)
        a = np.array([r[f"after_{split}"] for r in rows], float)
        ok = np.isfinite(a) & np.isfinite(b)
        d = np.log(a[ok] / b[ok])
        lo, hi = boot(d, None)
        print(f"{split}: geo-mean regret before {np.exp(np.log(b[ok]).mean()):.3f}, after "
              f"{np.exp(np.log(a[ok]).mean()):.3f} over {ok.sum()} stores; after / before "
              f"{np.exp(d.mean()):.3f} (95 % CI over stores {lo:.3f}-{hi:.3f})")  # fmt: skip


if __name__ == "__main__":
    main()
