"""Session 37 (scale37): the paired bootstrap drawn and reduced in blocks of resamples gives
the same intervals, to the bit, as the whole (n_boot, N) draw it replaced, and holds less."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from trajlm.eval import compare


def old_ratio(a, b, n_boot=2000, level=0.95, seed=0, weights=None):
    """``paired_bootstrap_ratio`` before session 37 (the whole index at once), verbatim."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    if weights is not None:
        w = np.asarray(weights, np.float64)
        a, b = a * w, b * w
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(a), size=(n_boot, len(a)))
    with np.errstate(invalid="ignore", divide="ignore"):
        r = a[idx].mean(1) / b[idx].mean(1)
        ratio = a.mean() / b.mean()
    tail = 100 * (1 - level) / 2
    lo, hi = np.nanpercentile(r, [tail, 100 - tail]) if np.isfinite(r).any() else (np.nan,) * 2
    return {"ratio": float(ratio), "lo": float(lo), "hi": float(hi), "n": int(len(a))}


def old_ci(a, b, n_boot=2000, level=0.95, seed=0, *, weights=None):
    """``paired_bootstrap_ci`` before session 37, verbatim."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    w = np.ones_like(a) if weights is None else np.asarray(weights, np.float64)
    d = a - b
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(d), size=(n_boot, len(d)))
    if weights is None:
        means, diff, base = d[idx].mean(1), d.mean(), b.mean()
    else:
        means = (w * d)[idx].sum(1) / w[idx].sum(1)
        diff, base = (w * d).sum() / w.sum(), (w * b).sum() / w.sum()
    tail = 100 * (1 - level) / 2
    lo, hi = np.percentile(means, [tail, 100 - tail])
    return {"diff": float(diff), "lo": float(lo), "hi": float(hi),
            "rel": float(diff / base), "n": int(len(d))}  # fmt: skip


def same(x: dict, y: dict) -> bool:
    """Equal to the bit (NaN equal to NaN)."""
    return x.keys() == y.keys() and all(
        np.float64(x[k]).tobytes() == np.float64(y[k]).tobytes() for k in x
    )


@pytest.mark.parametrize("n", [1, 2, 7, 128, 129, 1001, 14519])
@pytest.mark.parametrize("rows_per_block", [1, 3, 100, 10_000])
def test_numpys_stream_is_the_same_drawn_by_blocks_of_rows_as_whole(n, rows_per_block):
    """The premise: if NumPy's Generator.integers ever drew differently chunked, this fails."""
    whole = np.random.default_rng(7).integers(0, n, size=(300, n))
    old, compare.BLOCK_ITEMS = compare.BLOCK_ITEMS, rows_per_block * n
    try:
        blocks = list(compare.resample_blocks(n, 300, 7))
    finally:
        compare.BLOCK_ITEMS = old
    assert len(blocks) == -(-300 // rows_per_block)
    assert [s for s, _ in blocks] == list(range(0, 300, rows_per_block))
    assert np.array_equal(np.concatenate([i for _, i in blocks]), whole)


def inputs(rng, n: int, kind: str):
    a = rng.gamma(2.0, 300.0, n)
    b = a * rng.uniform(0.5, 1.5, n) + rng.normal(0, 50, n)
    if kind == "zeros":  # a zero baseline in some resamples: inf / NaN ratios, kept as before
        b[rng.random(n) < 0.5] = 0.0
    if kind == "all_zero":
        b[:] = 0.0
    w = rng.integers(1, 30, n).astype(float) if kind == "weighted" else None
    return a, b, w


@pytest.mark.parametrize("kind", ["plain", "weighted", "zeros", "all_zero"])
@pytest.mark.parametrize("block_items", [1, 997, 1 << 21])
def test_the_blocked_bootstrap_gives_the_old_numbers_to_the_bit(kind, block_items):
    rng = np.random.default_rng(
        ["plain", "weighted", "zeros", "all_zero"].index(kind) + block_items
    )
    old, compare.BLOCK_ITEMS = compare.BLOCK_ITEMS, block_items
    try:
        for n, n_boot, seed, level in [(1, 50, 0, 0.95), (3, 200, 1, 0.9), (257, 2000, 0, 0.95),
                                       (4099, 333, 5, 0.99), (14520, 120, 0, 0.95)]:  # fmt: skip
            a, b, w = inputs(rng, n, kind)
            new_r = compare.paired_bootstrap_ratio(a, b, n_boot, level, seed, weights=w)
            assert same(new_r, old_ratio(a, b, n_boot, level, seed, weights=w)), (n, new_r)
            if kind in ("plain", "weighted"):
                new_c = compare.paired_bootstrap_ci(a, b, n_boot, level, seed, weights=w)
                assert same(new_c, old_ci(a, b, n_boot, level, seed, weights=w)), (n, new_c)
    finally:
        compare.BLOCK_ITEMS = old


def test_no_resamples_gives_nan_as_before():
    a, b = np.ones(5), np.ones(5)
    assert same(compare.paired_bootstrap_ratio(a, b, n_boot=0), old_ratio(a, b, n_boot=0))


def test_the_bootstraps_peak_does_not_grow_with_n_boot_times_n():
    """2,000 resamples of 5,000 items: the whole draw held 3 x 80 MB (index + two gathers);
    by blocks, ~3 x 16 MB (allocations counted by tracemalloc, not timed)."""
    rng = np.random.default_rng(0)
    a, b, w = rng.gamma(2.0, 300.0, 5000), rng.gamma(2.0, 300.0, 5000), np.ones(5000)
    tracemalloc.start()
    try:
        compare.paired_bootstrap_ratio(a, b, weights=w)
        compare.paired_bootstrap_ci(a, b, weights=w)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 80e6, f"{peak / 1e6:.0f} MB"


def old_window_starts(keys, w, max_windows, random_state):
    """``RetrievalIndex.train_windows``' starts before session 37 (a per-point index), verbatim."""
    n = len(keys)
    new = np.r_[True, keys[1:] != keys[:-1]] if n else np.zeros(0, bool)
    start = np.flatnonzero(new)
    end = np.append(start[1:], n) - 1
    last_of = np.repeat(end, np.diff(np.append(start, n)))
    starts = np.flatnonzero(np.arange(n) + w - 1 <= last_of)
    if len(starts) > max_windows:
        rng = np.random.default_rng(random_state)
        starts = np.sort(rng.choice(starts, max_windows, replace=False))
    return starts


@pytest.mark.parametrize("max_windows", [1, 50, 3000, 300_000])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_window_starts_are_the_old_ones(max_windows, seed):
    from trajlm.data.retrieval import RetrievalIndex

    rng = np.random.default_rng(seed)
    lengths = rng.integers(1, 40, 400)  # many trajectories too short for a window
    lengths[:3] = [9, 10, 11]  # at, and just around, the window's length
    keys = np.repeat(rng.permutation(10_000)[:400], lengths).astype(np.int64)
    for history, horizon in [(5, 5), (2, 1), (3, 7)]:
        index = RetrievalIndex(history, horizon, max_windows=max_windows, random_state=seed)
        w = history + horizon
        got = index._window_starts(keys, w)
        assert np.array_equal(got, old_window_starts(keys, w, max_windows, seed))
        assert got.dtype == np.int64


def test_no_window_is_the_old_clear_error():
    from trajlm.data.retrieval import RetrievalIndex
    from trajlm.errors import TrajlmInputError

    for keys in (np.zeros(0, np.int64), np.repeat(np.arange(5), 3)):
        with pytest.raises(TrajlmInputError, match="no train trajectory has 10 points"):
            RetrievalIndex().train_windows(np.zeros((len(keys), 2)), keys)


@pytest.mark.parametrize("gather_items", [1, 500, 1 << 21])
def test_the_median_of_neighbours_by_blocks_is_the_whole_gathers(gather_items):
    from trajlm.data import retrieval_vote as vote  # where GATHER_ITEMS is read (review39)

    rng = np.random.default_rng(gather_items)
    conts = np.round(rng.normal(0, 300, (5000, 5, 2)), 1)  # rounded: ties in the votes
    conts[rng.random(5000) < 0.01] = np.nan  # a NaN vote: NaN, as np.median gives it
    old, vote.GATHER_ITEMS = vote.GATHER_ITEMS, gather_items
    try:
        for q, n_nb, k in [(1, 1, 1), (7, 80, 5), (1001, 20, 3), (3000, 40, 5), (999, 5, 2)]:
            nb = rng.integers(0, len(conts), (q, n_nb))
            whole = vote.aggregate_continuations(conts[nb, :k], "median")
            got = vote.median_of_neighbours(conts, nb, k)
            assert got.shape == whole.shape and got.tobytes() == whole.tobytes()
    finally:
        vote.GATHER_ITEMS = old
