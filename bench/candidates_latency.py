"""Inference cost of the candidate selector's retrieval (docs/candidates.md): building the
candidate set (shape + place + local pools, ~30 candidates) vs one plain kNN query, per 1,000
queries (every val window of a store), CPU seconds on one thread.

    PYTHONPATH=. python bench/candidates_latency.py --data /tmp/stores/porto
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from _results import add_out, write_result

from trajlm._threads import apply_threads
from trajlm.data.features import LocalProjection
from trajlm.data.place_retrieval import PlaceRetrievalIndex
from trajlm.data.retrieval import RetrievalIndex
from trajlm.data.store import read_store
from trajlm.eval.candidates import build_candidates, windows_of
from trajlm.eval.protocol import split_tables

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from candidate_results import split_xy  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, required=True)
    add_out(ap, "candidates_latency.json")
    args = ap.parse_args(argv)
    apply_threads(1, None)
    parts = split_tables(read_store(args.data))
    proj = LocalProjection.fit(parts["train"])
    txy, tk = split_xy(parts["train"], proj)
    shape = RetrievalIndex(5, 5).fit(txy, tk)
    place = PlaceRetrievalIndex(5, 5, w_place=0.1, w_heading=100).fit(txy, tk)
    local = PlaceRetrievalIndex(5, 5, w_place=1.0, w_heading=300).fit(txy, tk)
    hist, lengths, _, _ = windows_of(*split_xy(parts["val"], proj), 5)
    n = len(hist)
    t0 = time.process_time()
    build_candidates(hist, lengths, shape, place, 20, 20, 5, 8, local_index=local, n_local=10)
    cand = (time.process_time() - t0) / n * 1e6
    t0 = time.process_time()
    shape.query(hist, lengths, 5, n_neighbors=20)
    plain = (time.process_time() - t0) / n * 1e6
    res = {"data": str(args.data), "n_queries": n, "candidates_cpu_ms_per_1000": cand,
           "plain_knn_cpu_ms_per_1000": plain, "ratio": cand / plain}  # fmt: skip
    print(json.dumps(res, indent=1))
    write_result(res, args.out, "candidates_latency.json", indent=1)


if __name__ == "__main__":
    main()
