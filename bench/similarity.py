"""Similarity search speed: our batched DTW vs a naive double loop, embedding search vs DTW.

    .venv/bin/python bench/similarity.py [--n 200] [--points 40]

One run, side by side, on seeded random walks (metres): (1) DTW of `n` queries against `n`
database entries with ``dtw_distance_matrix`` vs a plain-Python O(T^2) double loop timed on a
few pairs and scaled to all pairs; (2) time per query of exact k-NN over resampled-shape
embeddings (``EmbeddingSearch``, torch brute force) vs a DTW row per query. Prints the
result; writes it only where asked: ``--out bench/results/similarity.json`` replaces the
committed result behind bench/README.md's figures (a quick trial run never does).
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np
import torch
from _results import add_out, write_result

from trajlm.similarity import (
    EmbeddingSearch,
    dtw_distance_matrix,
    reference_distance,
    resample_by_arc_length,
)


def walks(rng: np.random.Generator, n: int, t_max: int) -> tuple[np.ndarray, np.ndarray]:
    lens = rng.integers(t_max // 2, t_max + 1, size=n)
    return rng.normal(scale=50.0, size=(n, t_max, 2)).cumsum(1), lens


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=200, help="queries = database entries")
    ap.add_argument("--points", type=int, default=40, help="max points per trajectory")
    ap.add_argument("--naive-pairs", type=int, default=30)
    add_out(ap, "similarity.json")
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    Q, ql = walks(rng, args.n, args.points)
    D, dl = walks(rng, args.n, args.points)

    t0 = time.perf_counter()
    ours = dtw_distance_matrix(Q, D, ql, dl)
    ours_s = time.perf_counter() - t0
    pairs = [(i, (i * 7) % args.n) for i in range(args.naive_pairs)]
    t0 = time.perf_counter()
    ref = [reference_distance(Q[i, : ql[i]], D[j, : dl[j]], "dtw") for i, j in pairs]
    naive_pair_s = (time.perf_counter() - t0) / len(pairs)
    rel_err = max(abs(ours[i, j] - r) / max(r, 1e-9) for (i, j), r in zip(pairs, ref, strict=True))
    n_pairs = args.n * args.n

    emb_q = resample_by_arc_length(Q, ql, 16).reshape(args.n, -1)
    emb_d = resample_by_arc_length(D, dl, 16).reshape(args.n, -1)
    search = EmbeddingSearch(metric="l2").fit(emb_d)
    t0 = time.perf_counter()
    search.search(emb_q, k=5)
    search_ms = (time.perf_counter() - t0) / args.n * 1e3
    dtw_ms = ours_s / args.n * 1e3

    result = {
        "config": vars(args),
        "machine": {
            "platform": platform.platform(),
            "torch": torch.__version__,
            "threads": torch.get_num_threads(),
        },  # fmt: skip
        "dtw": {
            "pairs": n_pairs,
            "ours_total_s": ours_s,
            "ours_us_per_pair": ours_s / n_pairs * 1e6,
            "naive_us_per_pair": naive_pair_s * 1e6,
            "naive_total_s_estimated": naive_pair_s * n_pairs,
            "speedup_vs_naive": naive_pair_s * n_pairs / ours_s,
            "max_rel_err_vs_naive": rel_err,
        },
        "query": {
            "dtw_ms_per_query": dtw_ms,
            "embedding_search_ms_per_query": search_ms,
            "dtw_over_embedding": dtw_ms / search_ms,
        },
    }
    print(f"DTW {args.n}x{args.n} pairs, <= {args.points} points: ours {ours_s:.2f} s "
          f"({result['dtw']['ours_us_per_pair']:.1f} us/pair) vs naive "
          f"{naive_pair_s * 1e6:.0f} us/pair -> {result['dtw']['speedup_vs_naive']:.1f}x; "
          f"max rel err {rel_err:.1e}")  # fmt: skip
    print(f"per query: DTW row {dtw_ms:.2f} ms vs embedding k-NN {search_ms:.4f} ms "
          f"-> {dtw_ms / search_ms:.0f}x")  # fmt: skip
    write_result(result, args.out, "similarity.json")


if __name__ == "__main__":
    main()
