"""One neighbour search per kNN library in a grid search on val, the same answers (scale34).

The grid searches on val (``protocol.tune_knn``: 3 history lengths x 5 neighbour counts;
``place_knn.tune_place_knn``: 16 weight pairs x 4 counts) asked the library once per cell,
so eval at a million fixes spent minutes in searches whose answers nest: the ``n`` nearest
windows are the first ``n`` of the ``N`` nearest, as long as the ``n``-th and the
``(n+1)``-th are not at the same distance. ``predict_grid`` asks once for the largest count
and reads each smaller count's neighbours off the front of that answer; where a row has a tie
at a smaller count's boundary (two windows at exactly the same distance, e.g. identical
windows of a parked vehicle, or a GPS fix repeated), which of them the search keeps depends on
the count asked for, so that count is asked for as before: for the tied rows (a KD-tree or
ball tree answers each row on its own), or for every row (a brute-force search, sklearn's
for more than 15 features, computes distances block by block). The median vote does not depend on the
order of the neighbours, so every cell's answer is the one a search of its own gives, to
the bit (tests/test_scale34.py; scripts/scale34/same_eval.py compares whole eval tables).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from trajlm.data.retrieval import last_point, median_of_neighbours, rotate
from trajlm.eval.baselines import ConstantVelocity, KNNContinuation


def nearest_sets(nn: Any, feats: np.ndarray, counts: Sequence[int]) -> dict[int, np.ndarray]:
    """Library indices (Q, count) of each row's ``count`` nearest windows, per count, as
    ``nn.kneighbors(feats, n_neighbors=count)`` gives them up to their order: one search at
    the largest count, a search of its own for a count whose boundary a row ties at."""
    top = max(counts)
    dist, idx = nn.kneighbors(feats, n_neighbors=top)
    # a tree answers each row on its own (its distances are the pair's, whatever else is
    # asked); a brute-force search computes distances block by block, so it is asked again
    # for every row, as the grid search asked it
    by_row = getattr(nn, "_fit_method", "brute") in ("kd_tree", "ball_tree")
    sets = {}
    for n in counts:
        sets[n] = idx[:, :n] if n < top else idx
        tied = np.flatnonzero(dist[:, n - 1] == dist[:, n]) if n < top else []
        if len(tied):  # which tied window is kept: the search's own
            rows = tied if by_row else slice(None)
            sets[n] = sets[n].copy()
            sets[n][rows] = nn.kneighbors(feats[rows], n_neighbors=n, return_distance=False)
    return sets


def predict_grid(
    est: KNNContinuation, xy: np.ndarray, lengths: np.ndarray, k: int, counts: Sequence[int]
) -> dict[int, np.ndarray]:
    """``est.predict(xy, lengths, k)`` (metres, (N, k, 2)) with ``est.n_neighbors`` set to
    each of ``counts``, per count: the same numbers from one search (module doc). An
    estimator whose vote depends on the neighbours' order (mean, geometric median) is asked
    once per count, as before."""
    est._check_fitted()
    index = est.index_
    shared = index.aggregate == "median" and len(set(counts)) > 1 and k <= est.horizon
    if not shared or max(counts) >= index.n_windows_:  # nothing to share, or est.predict's error
        answers = {}
        for n in counts:
            est.n_neighbors = n
            answers[n] = est.predict(xy, lengths, k)
        return answers
    xy, lengths = np.asarray(xy, np.float64), np.asarray(lengths)
    base = ConstantVelocity()._extrapolate(xy, lengths, k, None, None)
    ok = lengths >= index.history
    if not ok.any():
        return {n: base.copy() for n in counts}
    feats, c, s = index.features(xy[ok], lengths[ok])
    last = last_point(xy[ok], lengths[ok])[:, None]
    answers = {}
    for n, nb in nearest_sets(index.nn_, feats, sorted(set(counts))).items():
        agg = median_of_neighbours(index.continuations_, nb, k)  # shared: the median vote
        answers[n] = base.copy()
        answers[n][ok] = last + rotate(agg, c, s)
    return answers
