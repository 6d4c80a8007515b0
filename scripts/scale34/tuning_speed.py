"""eval's kNN grid searches on val, this code vs main f3f47f24's loops, on one store.

    PYTHONPATH=$PWD OMP_NUM_THREADS=1 python scripts/scale34/tuning_speed.py STORE [--out FILE]

Reads the store's train and val splits (traj_id, t, lat, lon), builds eval's val task, then
runs protocol.tune_knn and place_knn.tune_place_knn (the history tune_knn kept) and the
cell-by-cell loops they replace (cellwise.py), and prints each arm's CPU seconds (process
time: the box is shared, so wall time says more about the neighbours than about the code)
and wall seconds, and whether every val score is equal to the bit. JSON to --out.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import time
from pathlib import Path

from trajlm.data.features import LocalProjection
from trajlm.data.protocol_tasks import make_prediction_task
from trajlm.data.store import read_store
from trajlm.eval.place_knn import tune_place_knn
from trajlm.eval.protocol import tune_knn

_spec = importlib.util.spec_from_file_location("cellwise", Path(__file__).with_name("cellwise.py"))
cellwise = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cellwise)


def _timed(fn, *args) -> tuple[object, float, float]:
    """fn(*args), its CPU seconds and its wall seconds."""
    c0, w0 = time.process_time(), time.perf_counter()
    out = fn(*args)
    return out, time.process_time() - c0, time.perf_counter() - w0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("store", type=Path)
    ap.add_argument("--out", type=Path, default=None, help="write the result JSON here")
    args = ap.parse_args()
    cols = ["traj_id", "t", "lat", "lon"]
    train, val = (read_store(args.store, split=s, columns=cols).sort("traj_id", "t")
                  for s in ("train", "val"))  # fmt: skip
    proj = LocalProjection.fit(train)
    task = make_prediction_task(val, k=5)
    (knn, new_knn), c_knn, w_knn = _timed(tune_knn, train, task, proj)
    (_, new_place), c_place, w_place = _timed(tune_place_knn, train, task, proj, knn.history)
    old_knn, c_old_knn, w_old_knn = _timed(cellwise.tune_knn_cellwise, train, task, proj)
    old_place, c_old_place, w_old_place = _timed(
        cellwise.tune_place_cellwise, train, task, proj, knn.history
    )
    res = {
        "store": str(args.store), "n_train_points": len(train), "n_val_trips": len(task.lengths),
        "history": knn.history,
        "knn": {"cpu_s": c_knn, "wall_s": w_knn, "cellwise_cpu_s": c_old_knn,
                "cellwise_wall_s": w_old_knn, "same_scores": new_knn == old_knn},
        "place_knn": {"cpu_s": c_place, "wall_s": w_place, "cellwise_cpu_s": c_old_place,
                      "cellwise_wall_s": w_old_place, "same_scores": new_place == old_place},
    }  # fmt: skip
    print(f"{args.store}: {len(train):,} train points, {len(task.lengths):,} val trips")
    print("grid | this code: CPU s (wall s) | cell by cell: CPU s (wall s) | CPU ratio | scores")
    for name in ("knn", "place_knn"):
        r = res[name]
        print(f"{name} | {r['cpu_s']:.1f} ({r['wall_s']:.1f}) | {r['cellwise_cpu_s']:.1f} "
              f"({r['cellwise_wall_s']:.1f}) | {r['cellwise_cpu_s'] / r['cpu_s']:.2f}x | "
              f"{'identical' if r['same_scores'] else 'DIFFERENT'}")  # fmt: skip
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(res, indent=2) + "\n")
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
