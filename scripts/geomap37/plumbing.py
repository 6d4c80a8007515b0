"""Session 37 (geomap37): everything choice_arms.py computes BEFORE the choice, and no number
of the choice itself (its pre-registered study stopped at the rebuild check): the blocks / trips
guard, the train windows' E-like and G28 errors (geo29's 352.5 / 340.1 m), the per-block maps'
coverage, kNN / E / G28 on val checked against gate_arms.py's val.json, the full map's coverage.

    PYTHONPATH=. python scripts/geomap37/plumbing.py    # ~2 min, 1 thread; reads $GEOMAP37/gg28
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import choice_arms as m  # noqa: E402

from trajlm._threads import apply_threads  # noqa: E402

STORE, TDRIVE = Path("/tmp/stores/geolife"), Path("/work/shared/data/tdrive/Beijing_taxi.csv")


def main() -> None:
    apply_threads(1, None)
    gate = Path(os.environ.get("GEOMAP37", "/tmp/geomap37")) / "gg28"
    oof = dict(np.load(gate / "oof_val.npz"))
    parts = m.split_tables(m.read_store(STORE))
    stage_ids = np.concatenate([parts[s]["traj_id"].unique().to_numpy() for s in ("val", "test")])
    blocked = m.time_blocks(parts["train"], int(oof["block"].max()) + 1)
    block_of = m.check_blocks(oof, blocked, stage_ids)
    print(f"blocks check ok: windows per block {np.bincount(oof['block']).tolist()}", flush=True)
    tr = m.train_answers(oof)
    e, g = m.errors(tr["E"], tr["tgt"]), m.errors(tr["G28"], tr["tgt"])
    print(f"train windows {len(e)}: E-like {e.mean():.1f} m, G28 (3-seed mean) {g.mean():.1f} m "
          "(geo29: 352.5 / 340.1)", flush=True)  # fmt: skip
    opts = argparse.Namespace(data=STORE, stage="val", blocks=5, cache=gate / "cache",
                              oof=gate / "oof_val.npz")  # fmt: skip
    folds, ev, proj = m.build(opts, make_rows=m.rows27)
    geo, td = m.tracks_of(parts["train"], proj, "traj_id", "t"), m.tdrive_tracks(TDRIVE, proj)
    for b in np.unique(tr["block"]):
        mm = m.build_map([x for tid, x in geo.items() if block_of[tid] != b], td)
        k = tr["block"] == b
        lg, le, on = m.map_signals(mm, tr["last"][k], tr["E"][k], tr["G28"][:, k])
        print(f"block {b}: {k.sum()} windows, scores {lg.shape} / {le.shape}, on the map "
              f"{on.mean():.1%}, finite {np.isfinite(lg).all() and np.isfinite(le).all()}", flush=True)  # fmt: skip
    ev["task"], sel_ev = m.stage_task(opts, oof, None)
    proj_xy = m.make_prediction_task(parts["val"]).xy(proj)
    g_ev, e_ev = [], None
    for s in range(len(oof["sel_xy"])):
        pts, _, _ = m.seed_arms(folds, ev, proj_xy, {**oof, "sel_xy": oof["sel_xy"][s]},
                                sel_ev[s], s, lambda n: n == m.G28)  # fmt: skip
        g_ev.append(pts[m.G28])
        e_ev = pts["B scale head"] if s == 0 else e_ev  # E = B with head seed 0

    def trip_err(p: np.ndarray) -> np.ndarray:
        return m.per_trip(p, ev["tgt_ll"], proj).mean(1)

    err = {m.KNN: trip_err(ev["knn"]), m.E: trip_err(e_ev),
           m.G28: np.mean([trip_err(x) for x in g_ev], 0)}  # fmt: skip
    same = m.check_stage(gate / "val.json", err)
    print(f"val kNN / E / G28: {[round(float(v.mean()), 1) for v in err.values()]}; equal to "
          f"gate_arms.py's val.json: {same}", flush=True)  # fmt: skip
    full = m.build_map(list(geo.values()), td)
    print(f"val queries on the full map: {full.coverage(ev['last']).mean():.1%}", flush=True)


if __name__ == "__main__":
    main()
