"""Session 23 (geosel23): the time-conditioned candidate set (``trajlm.eval.candidates_time``,
docs/candidates.md "Session 23 (geosel23)"): re-timed constant velocity IS "constant velocity
[time]", regular asked times change nothing, the base column and the zero-gate identity are
kept, bad shapes fail in one line, and a selector that reads the asked intervals learns what
an untimed one cannot (irregularly sampled straight movers)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from test_results_scripts import load_script

from trajlm.data.place_retrieval import PlaceRetrievalIndex
from trajlm.data.retrieval import RetrievalIndex, traj_keys
from trajlm.eval.candidate_selector import (
    CandidateSelector,
    SelectorConfig,
    fit_selector,
    predict_selector,
)
from trajlm.eval.candidates import KINDS, build_candidates, retime, windows_of
from trajlm.eval.candidates_time import (
    RETIMED_KINDS,
    add_time,
    hist_interval,
    time_query_features,
)


def _movers(n_traj: int, n_pts: int = 40, irregular: bool = True, seed: int = 0):
    """Straight movers at constant speed (2-12 m/s) sampled every 1 s or, at random, 4 s:
    per-point xy (n, 2), Unix seconds t (n,), keys (n,). Where the next points lie depends on
    the asked times, which an untimed predictor does not see."""
    rng = np.random.default_rng(seed)
    xy, t, keys = [], [], []
    for i in range(n_traj):
        dt = rng.choice([1.0, 4.0], n_pts) if irregular else np.full(n_pts, 2.0)
        ti = 1.7e9 + 1000 * i + np.cumsum(dt)
        a, v = rng.uniform(0, 2 * np.pi), rng.uniform(2, 12)
        xy.append(rng.normal(0, 300, 2) + v * (ti - ti[0])[:, None] * [np.cos(a), np.sin(a)])
        t.append(ti)
        keys.append(np.full(n_pts, traj_keys(np.array([f"mover-{i}"]))[0]))
    return np.concatenate(xy), np.concatenate(t), np.concatenate(keys)


def _sets(n_train: int = 30, n_val: int = 10, irregular: bool = True):
    xy, t, keys = _movers(n_train + n_val, irregular=irregular)
    cut = n_train * 40
    shape = RetrievalIndex(history=5, horizon=5, n_neighbors=6).fit(xy[:cut], keys[:cut])
    place = PlaceRetrievalIndex(5, 5, w_place=0.1, w_heading=100.0).fit(xy[:cut], keys[:cut])
    local = PlaceRetrievalIndex(5, 5, w_place=1.0, w_heading=300.0).fit(xy[:cut], keys[:cut])
    out = []
    for sl, split in ((slice(0, cut), "train"), (slice(cut, None), "val")):
        w = windows_of(xy[sl], keys[sl], 5)
        tw = windows_of(np.c_[t[sl], t[sl]], keys[sl], 5)  # the same windows' timestamps
        ex = w[2] if split == "train" else None
        cs = build_candidates(w[0], w[1], shape, place, 6, 6, 5, 4, exclude=ex, groups=w[2],
                              split=split, local_index=local, n_local=3)  # fmt: skip
        out.append((cs, w, tw[0][..., 0], tw[3][..., 0]))
    return out


def test_retimed_constant_velocity_is_the_time_baseline_and_the_base_is_kept():
    (cs, w, hist_t, target_t), _ = _sets(n_train=12, n_val=2)
    timed = add_time(cs, w[0], hist_t, w[1], target_t)
    n, C = cs.cands.shape[:2]
    cols = np.flatnonzero(np.isin(cs.kind, RETIMED_KINDS))
    assert len(cols) == 8  # shape / place / local aggregates, CV, both, 3 shape medians
    assert timed.cands.shape == (n, C + 8, 5, 2) and np.array_equal(timed.cands[:, :C], cs.cands)
    assert np.array_equal(timed.kind, np.r_[cs.kind, cs.kind[cols]])
    cv_new = C + list(cols).index(2)  # the re-timed constant velocity column
    assert np.allclose(timed.cands[:, cv_new], retime(cs.cands[:, 2], hist_t, w[1], target_t))
    # features: the old ones plus a "re-timed" flag that is 1 only on the new columns
    assert timed.cand_feats.shape[2] == cs.cand_feats.shape[2] + 1
    assert np.array_equal(timed.cand_feats[:, :C, :-1], cs.cand_feats)
    assert (timed.cand_feats[:, :C, -1] == 0).all() and (timed.cand_feats[:, C:, -1] == 1).all()
    assert timed.query_feats.shape[1] == cs.query_feats.shape[1] + 5 + 3
    assert np.isfinite(timed.cand_feats).all() and np.isfinite(timed.query_feats).all()
    assert (timed.source[:, C:] == -1).all()  # re-timed aggregates pool, they are no neighbour
    # untrained selector on the timed set: still the plain kNN aggregate, bit for bit
    net = CandidateSelector(SelectorConfig(d_hidden=8), timed.query_feats.shape[1],
                            timed.cand_feats.shape[2])  # fmt: skip
    assert np.array_equal(predict_selector(net, timed), cs.points(cs.cands[:, 0]))


def test_regular_asked_times_change_nothing_and_a_longer_gap_reaches_further():
    (cs, w, hist_t, target_t), _ = _sets(n_train=12, n_val=2, irregular=False)
    timed = add_time(cs, w[0], hist_t, w[1], target_t)
    C = cs.cands.shape[1]
    cols = np.flatnonzero(np.isin(cs.kind, RETIMED_KINDS))
    assert np.allclose(timed.cands[:, C:], cs.cands[:, cols])  # every 2 s asked, every 2 s seen
    tq = time_query_features(hist_t, w[1], target_t)
    assert np.allclose(tq[:, :-1], 0.0) and np.allclose(tq[:, -1], np.log1p(0.2))
    assert np.allclose(hist_interval(hist_t, w[1]), 2.0)
    # the same queries asked twice as far ahead: re-timed CV goes twice as far, features say so
    far = hist_t[np.arange(len(w[1])), w[1] - 1][:, None] + 4.0 * np.arange(1, 6)
    twice = add_time(cs, w[0], hist_t, w[1], far)
    assert np.allclose(twice.cands[:, C + list(cols).index(2)], 2 * cs.cands[:, 2])
    assert np.allclose(time_query_features(hist_t, w[1], far)[:, :6], np.log(2.0))


def test_bad_shapes_fail_in_one_line():
    (cs, w, hist_t, target_t), _ = _sets(n_train=12, n_val=2)
    with pytest.raises(ValueError, match="add_time: .* queries in the candidate set"):
        add_time(cs, w[0], hist_t[:-1], w[1], target_t)
    with pytest.raises(ValueError, match="candidate features, expected"):
        add_time(cs, w[0], hist_t, w[1], target_t, n_kinds=len(KINDS) + 40)


@pytest.mark.slow
def test_a_selector_that_reads_the_asked_times_beats_an_untimed_one():
    """Irregular sampling: the next points lie 1 s or 4 s apart at random. The untimed set
    cannot know which; re-timed constant velocity answers exactly for a straight mover."""
    (tr, tw, tr_ht, tr_tt), (va, vw, va_ht, va_tt) = _sets()
    config = SelectorConfig(d_hidden=32, max_epochs=25, batch_size=64, patience=25)
    _, plain = fit_selector(tr, tw[3], va, vw[3], config, seed=0)
    timed_tr = add_time(tr, tw[0], tr_ht, tw[1], tr_tt)
    timed_va = add_time(va, vw[0], va_ht, vw[1], va_tt)
    _, timed = fit_selector(timed_tr, tw[3], timed_va, vw[3], config, seed=0)
    assert timed["val_ade_init"] == pytest.approx(plain["val_ade_init"])  # both start at kNN
    assert timed["val_ade"] < 0.5 * plain["val_ade"]


@pytest.mark.slow
def test_candidate_results_time_cond_end_to_end(tmp_path):
    from trajlm.data.ingest import synth_store

    store = tmp_path / "synth"
    synth_store(store, n_trajectories=60, seed=1)
    out = tmp_path / "cand.json"
    args = ["--data", str(store), "--stage", "val", "--seeds", "0", "--w-place", "0.1",
            "--w-heading", "0", "--n-place", "5", "--top-k", "3", "--max-epochs", "2",
            "--local", "1.0,300,3", "--cache", str(tmp_path / "cache")]  # fmt: skip
    load_script("candidate_results").main([*args, "--time-cond", "--out", str(out)])
    doc = json.loads(out.read_text())
    assert doc["time_cond"] is True and doc["tables"]["val"][3]["mae_m"] > 0
    with pytest.raises(SystemExit):  # the all-windows rows carry no asked times: refused
        load_script("candidate_results").main(
            [*args, "--stage", "test", "--time-cond", "--all-windows", "--out", str(out)]
        )
