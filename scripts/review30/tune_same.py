"""review30: kNN val tuning (protocol.tune_knn) keeps the same cell and says the same evidence
on this branch as on another tree, both rules, with and without the default in the grid,
and with stork30's geomedian vote.

    PYTHONPATH=/path/to/tree python scripts/review30/tune_same.py > OUT.json   # once per tree
    cmp main.json review30.json                                                  # identical

Two synthetic stores of 30 trips (seeds 3, 4) written under a temp dir; prints JSON to stdout.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from trajlm.data.features import LocalProjection
from trajlm.data.ingest import synth_store
from trajlm.data.protocol_tasks import make_prediction_task
from trajlm.data.store import read_store
from trajlm.eval.protocol import split_tables, tune_knn


def main() -> None:
    out = []
    for seed in (3, 4):
        store = Path(tempfile.mkdtemp(prefix="review30_")) / "s"
        synth_store(store, n_trajectories=30, seed=seed)
        parts = split_tables(read_store(store))
        val = make_prediction_task(parts["val"])
        proj = LocalProjection.fit(parts["train"])
        for rule in ("argmin", "guarded"):
            # the first grid holds the default (history 5, 10 neighbours), the second does not
            for nbs, hs in (((5, 10, 20), (3, 5)), ((3, 7), (3, 8))):
                knn, scores = tune_knn(
                    parts["train"], val, proj, n_neighbors=nbs, history=hs, rule=rule
                )
                out.append([seed, rule, nbs, hs, knn.n_neighbors, knn.history,
                            knn.tuning_.to_dict(), scores])  # fmt: skip
        # stork30's opt-in vote goes through the same pick
        knn, scores = tune_knn(parts["train"], val, proj, n_neighbors=(5, 10), history=(3, 5),
                               aggregate="geomedian")  # fmt: skip
        out.append([seed, "geomedian", knn.aggregate, knn.n_neighbors, knn.history,
                    knn.tuning_.to_dict(), scores])  # fmt: skip
    print(json.dumps(out, default=str, sort_keys=True))


if __name__ == "__main__":
    main()
