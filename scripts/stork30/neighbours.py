"""Session 30 (stork30): why kNN continuation at its defaults (history 5, 10 neighbours) is km
off on heldout27's storks' test: per test window (one per trip, eval's row), the hours of its
targets, the last history steps, and each of its neighbours' continuation (in the query's
frame), how many of them leave (> 1 km by the 5th fix), and the coordinate-wise and geometric
medians' errors against the truth.

  PYTHONPATH=. python scripts/stork30/neighbours.py [STORE]   (default /tmp/heldout27/stores/stork_ornitela)
Prints only (no files).
"""

import sys

import numpy as np

from trajlm.data.features import LocalProjection
from trajlm.data.retrieval import aggregate_continuations, rotate
from trajlm.data.store import read_store
from trajlm.eval import baselines as B
from trajlm.eval.protocol import make_prediction_task, split_tables


def main() -> None:
    store = sys.argv[1] if len(sys.argv) > 1 else "/tmp/heldout27/stores/stork_ornitela"
    parts = split_tables(read_store(store).sort(["traj_id", "t"]))
    proj = LocalProjection.fit(parts["train"])
    task = make_prediction_task(parts["test"], k=5)
    xy = task.xy(proj)
    index = B.KNNContinuation().fit(parts["train"], proj).index_
    for i, L in enumerate(task.lengths):
        feats, c, s = index.features(xy[i : i + 1], np.array([L]))
        _, nb = index.neighbours(feats, 10)
        conts = rotate(index.continuations_[nb[0]], np.repeat(c, 10), np.repeat(s, 10))
        tx, ty = proj.forward(task.target_latlon[i, :, 0], task.target_latlon[i, :, 1])
        truth = np.stack([tx, ty], 1) - xy[i, L - 1]
        steps = np.hypot(*np.diff(xy[i, :L], axis=0).T)
        hours = [int(t) // 3600 % 24 for t in task.target_t[i]]
        leave = int((np.linalg.norm(conts[:, -1], axis=-1) > 1000).sum())
        print(f"window {i} ({task.traj_ids[i]}): target hours UTC {hours}; last history steps (m)"
              f" {np.round(steps[-6:]).astype(int).tolist()}; truth 5th fix"
              f" {np.round(np.linalg.norm(truth[-1])):.0f} m away; {leave} of 10 neighbours leave")  # fmt: skip
        own = index.continuations_[nb[0]][None]  # in the library's frames, as kNN votes
        for agg in ("median", "geomedian"):
            pred = rotate(aggregate_continuations(own, agg), c, s)[0]
            in_query = aggregate_continuations(conts[None], agg)[0]  # the same vote, other axes
            err, err_q = (np.linalg.norm(p - truth, axis=-1).mean() for p in (pred, in_query))
            print(f"   {agg}: ADE {err:.0f} m (voted on the query's axes instead: {err_q:.0f} m);"
                  f" 5th fix predicted {np.round(pred[-1]).tolist()} m")  # fmt: skip
        for j in range(10):
            print(f"     neighbour {j}: 5th fix {np.round(conts[j, -1]).astype(int).tolist()} m")


if __name__ == "__main__":
    main()
