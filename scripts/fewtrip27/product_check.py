"""fewtrip27: the shipped path (eval/knn_check.knn_check, as `trajlm train` calls it) picks on
each benchmark store the baseline that rules.py's "val best on 5 windows per trip" scored, and
says so in its small-val line. The model is trajlm-small (only its guard reads it; the check is
on the baseline choice). Prints per store: the benchmark's pick, the check's, the line.

    python scripts/fewtrip27/product_check.py [STORE ...]   # default: every 8th benchmark store
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from rules import means  # noqa: E402

import trajlm  # noqa: E402
from trajlm.data.store import read_store  # noqa: E402
from trajlm.eval.dead_reckoning import has_motion  # noqa: E402
from trajlm.eval.knn_check import knn_check, val_task_of  # noqa: E402

OUT = Path(os.environ.get("FEWTRIP27", "/tmp/fewtrip27"))
NAMES = {"kNN tuned": "kNN continuation", "kNN default": "kNN continuation",
         "place tuned": "kNN continuation (place-aware)",
         "place default": "kNN continuation (place-aware)"}  # fmt: skip


def main() -> None:
    stores = [Path(p) for p in sys.argv[1:]] or sorted((OUT / "stores").iterdir())[::8]
    model = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1).model
    same = 0
    for store in stores:
        bench = json.loads((OUT / "errs" / f"{store.name}.json").read_text())
        m = means(bench["errs"]["val5"], bench["current_set"])
        want = min(m, key=m.get)
        train = read_store(store, split="train").drop("split", strict=False)
        val = read_store(store, split="val").drop("split", strict=False)
        check = knn_check(model, train, val_task_of(store, 500), {},
                          val if has_motion(train) else None, val)  # fmt: skip
        got = check.get("val_best_baseline")
        same += NAMES.get(want, want) == got
        print(f"{store.name}: benchmark {want} | knn_check {got} | {check.get('val_small_rule')}")
    print(f"same engine on {same} of {len(stores)} stores")


if __name__ == "__main__":
    main()
