"""recfall28: the product path beside the study. trajlm-small's guarded bridge
(BRIDGE_DEFAULT, the call check on) with a verdict holding the store's gap table
(recover_verdict(..., train=)), on a store's test split per pattern, with gap_rule "backtest"
(today) and "lengths"; where the call falls back, the answer's error must equal
gap_rules.py's "current" / "table, per call" numbers for that store and pattern.

    PYTHONPATH=$PWD python scripts/recfall28/product_check.py STORE [STORE ...]
    # reads $RECFALL28/errs/STORE.json (gap_rules.py errs) for the study's numbers
"""

import json
import os
import sys
import warnings
from pathlib import Path

import trajlm
from trajlm.data.protocol_tasks import make_recovery_task
from trajlm.data.store import read_store
from trajlm.eval import metrics as M
from trajlm.eval.val_verdict import recover_verdict
from trajlm.tasks.recover_bridge import BRIDGE_DEFAULT, BridgeRecoverer

OUT = Path(os.environ.get("RECFALL28", "/tmp/recfall28"))
PATTERNS = [("random", 0.0), ("downsample", 60.0), ("downsample", 120.0), ("downsample", 240.0)]


def main(stores: list[str]) -> None:
    model = trajlm.TrajLM.from_pretrained("trajlm-small").model
    for st in map(Path, stores):
        sp = {
            s: read_store(st, split=s).drop("split", strict=False) for s in ("train", "val", "test")
        }
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            v = recover_verdict(model, sp["val"], train=sp["train"])
        study = json.loads((OUT / "errs" / f"{st.name}.json").read_text())["runs"][0]["patterns"]
        print(f"-- {st.name}: verdict {v['engine']} ({v['n_hidden']} hidden)")
        for mode, iv in PATTERNS:
            name = "random 50%" if mode == "random" else f"every {iv:g} s"
            task = make_recovery_task(sp["test"], mode, interval_s=iv or 60.0, seed=0)
            if name not in study:
                continue
            hid = ~task.known
            row = []
            for rule in ("backtest", "lengths"):
                rec = BridgeRecoverer(model, verdict=v, gap_rule=rule, **BRIDGE_DEFAULT)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    got = rec.recover(task)
                err = float(M.point_errors(got[hid], task.latlon[hid]).mean())
                row.append((rule, rec.last_by, rec.last_engine, err))
            ref = study[name]["rule"]
            print(f"   {name:11s} " + "; ".join(f"{r}: {by} -> {e} {x:.3f} m" for r, by, e, x in row)
                  + f" | study current {ref['current']:.3f}, per call {ref['table, per call']:.3f}")  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1:])
