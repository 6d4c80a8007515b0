"""Issue 15, candidate futures and the learned selector (docs/candidates.md): the leak guard
(own trajectory and non-train trips never retrieved), place-aware retrieval finds the
neighbour at the query's place, an untrained selector IS the kNN aggregate, shapes,
determinism, and the results script end to end."""

from __future__ import annotations

import json

import numpy as np
import pytest
from test_results_scripts import load_script
from test_retrieval import _tracks

from trajlm.data.place_retrieval import PlaceRetrievalIndex
from trajlm.data.retrieval import RetrievalIndex
from trajlm.eval.candidate_selector import SelectorConfig, fit_selector, predict_selector
from trajlm.eval.candidates import KINDS, CandidateSet, build_candidates, windows_of

TOP_K = 4


def _setup(n_train_traj: int = 24):
    """Library of the first n_train_traj tracks; the rest are held out (val)."""
    xy, keys = _tracks(n_traj=n_train_traj + 6, n_pts=30)
    cut = n_train_traj * 30
    shape = RetrievalIndex(history=5, horizon=5, n_neighbors=6).fit(xy[:cut], keys[:cut])
    place = PlaceRetrievalIndex(history=5, horizon=5, w_place=0.1, w_heading=100.0)
    place.fit(xy[:cut], keys[:cut])
    return xy, keys, cut, shape, place


def _local(xy, keys, cut):
    return PlaceRetrievalIndex(5, 5, w_place=1.0, w_heading=300.0).fit(xy[:cut], keys[:cut])


def _build(windows, shape, place, split, exclude=True, local=None):
    hist, lengths, wkeys, _ = windows
    return build_candidates(hist, lengths, shape, place, 6, 6, 5, TOP_K,
                            exclude=wkeys if exclude else None, groups=wkeys, split=split,
                            local_index=local, n_local=3)  # fmt: skip


def test_candidates_never_come_from_the_own_trajectory_or_a_non_train_trip():
    xy, keys, cut, shape, place = _setup()
    train_w = windows_of(xy[:cut], keys[:cut], 5)
    local = _local(xy, keys, cut)
    cs = _build(train_w, shape, place, "train", local=local)
    single = np.isin(cs.kind, (3, 4, 9))  # the individual neighbours (the rest pool them)
    individual = cs.source[:, single]  # (N, 3 * TOP_K) the neighbours' trajectories
    assert single.sum() == 3 * TOP_K and (cs.source[:, ~single] == -1).all()
    assert (individual >= 0).all()  # every window here is long enough to be answered
    assert not (individual == cs.groups[:, None]).any()  # leak guard: own trip left out
    # without the guard the own trajectory IS retrieved (so the assertion above can fail)
    leaky = _build(train_w, shape, place, "train", exclude=False, local=local)
    assert (leaky.source[:, single] == leaky.groups[:, None]).any()
    # held-out queries only ever see train trajectories
    val_w = windows_of(xy[cut:], keys[cut:], 5)
    val = _build(val_w, shape, place, "val", exclude=False, local=local)
    assert set(np.unique(val.source[:, single])) <= set(np.unique(keys[:cut]))
    assert not set(np.unique(keys[cut:])) & set(np.unique(shape.traj_keys_))
    assert not set(np.unique(keys[cut:])) & set(np.unique(place.traj_keys_))


def test_shapes_and_features_are_finite():
    xy, keys, cut, shape, place = _setup()
    w = windows_of(xy[cut:], keys[cut:], 5)
    cs = _build(w, shape, place, "val", exclude=False, local=_local(xy, keys, cut))
    # 3 pools x (aggregate, medians over 5 / 10 / 40, TOP_K neighbours) + CV + both-pool vote
    n, C = len(w[0]), 3 * (1 + 3 + TOP_K) + 2
    assert cs.cands.shape == (n, C, 5, 2) and cs.source.shape == (n, C)
    plain = _build(w, shape, place, "val", exclude=False)  # without the local pool
    assert plain.cands.shape[1] == C - (1 + 3 + TOP_K)
    assert np.array_equal(plain.cands, cs.cands[:, : plain.cands.shape[1]])  # appended last
    assert cs.cand_feats.shape[:2] == (n, C) and cs.query_feats.shape[0] == n
    assert list(cs.kind[:3]) == [0, 1, 2] and sorted(set(cs.kind)) == list(range(len(KINDS)))
    assert np.isfinite(cs.cand_feats).all() and np.isfinite(cs.query_feats).all()
    # windows: history of at most 20 real points, target the next 5 of the same trip
    hist, lengths, wkeys, target = w
    assert hist.shape[1] == 20 and lengths.min() == 8 and lengths.max() == 20
    assert np.allclose(
        np.linalg.norm(target[:, 0] - cs.last, axis=1),
        np.linalg.norm(hist[np.arange(n), lengths - 1] - hist[np.arange(n), lengths - 2], axis=1),
        rtol=0.6,
    )


def test_place_index_with_zero_weights_is_the_shape_index_and_finds_the_local_window():
    xy, keys, cut, shape, _ = _setup()
    flat = PlaceRetrievalIndex(history=5, horizon=5, n_neighbors=6, w_place=0, w_heading=0)
    flat.fit(xy[:cut], keys[:cut])
    q, n = xy[None, cut + 3 : cut + 13], np.array([10])
    assert np.array_equal(flat.query(q, n).continuation, shape.query(q, n).continuation)
    # two identical-shaped windows 5 km apart with different futures: the place index answers
    # with the one at the query's place, the shape index cannot tell them apart
    line = np.c_[np.arange(10) * 100.0, np.zeros(10)]
    here, there = line.copy(), line + [0.0, 5000.0]
    here[5:, 1] = np.arange(1, 6) * 80.0  # turns left here
    there[5:, 1] = 5000.0 - np.arange(1, 6) * 80.0  # turns right there
    lib_xy, lib_keys = np.concatenate([here, there]), np.r_[np.full(10, 1), np.full(10, 2)]
    query = line[None, :5] + [0.0, 4990.0]  # the straight approach, at "there"
    near = PlaceRetrievalIndex(5, 5, n_neighbors=1, w_place=0.1, w_heading=0).fit(lib_xy, lib_keys)
    assert near.query(query, np.array([5])).continuation[0, 0, 1] < 0  # turns right
    with pytest.raises(NotImplementedError):
        near.save("never-written.npz")


def test_untrained_selector_is_exactly_knn_and_training_is_seeded():
    from trajlm.eval.candidate_selector import CandidateSelector

    xy, keys, cut, shape, place = _setup()
    tw = windows_of(xy[:cut], keys[:cut], 5)
    vw = windows_of(xy[cut:], keys[cut:], 5)
    train, val = _build(tw, shape, place, "train"), _build(vw, shape, place, "val", False)
    config = SelectorConfig(d_hidden=8, max_epochs=2, batch_size=64)
    untrained = CandidateSelector(config, train.query_feats.shape[1], train.cand_feats.shape[2])
    got = predict_selector(untrained, val)
    knn = val.last[:, None] + shape.query(vw[0], vw[1], 5, n_neighbors=6).continuation
    assert np.array_equal(got, knn)  # bit for bit
    a, log_a = fit_selector(train, tw[3], val, vw[3], config, seed=3)
    b, log_b = fit_selector(train, tw[3], val, vw[3], config, seed=3)
    assert np.array_equal(predict_selector(a, val), predict_selector(b, val))
    assert log_a["epochs"] == log_b["epochs"] and log_a["val_ade"] <= log_a["val_ade_init"]
    with pytest.raises(ValueError, match="fit on train"):
        fit_selector(val, vw[3], train, tw[3], config)
    test = CandidateSet(**{**val.__dict__, "split": "test"})
    with pytest.raises(ValueError, match="stop on val"):
        fit_selector(train, tw[3], test, vw[3], config)


def test_candidate_set_round_trips(tmp_path):
    xy, keys, cut, shape, place = _setup()
    cs = _build(windows_of(xy[cut:], keys[cut:], 5), shape, place, "val", False)
    cs.save(tmp_path / "c.npz")
    back = CandidateSet.load(tmp_path / "c.npz")
    assert back.split == "val" and back.base == 0
    assert all(np.array_equal(getattr(cs, f), getattr(back, f))
               for f in ("cands", "kind", "cand_feats", "query_feats", "last", "groups", "source"))  # fmt: skip


@pytest.mark.slow
def test_candidate_results_script_end_to_end(tmp_path):
    from trajlm.data.ingest import synth_store

    store = tmp_path / "synth"
    synth_store(store, n_trajectories=60, seed=1)
    out = tmp_path / "cand.json"
    load_script("candidate_results").main([
        "--data", str(store), "--stage", "test", "--seeds", "0,1", "--w-place", "0.1",
        "--w-heading", "0,100", "--n-place", "5", "--top-k", "3", "--max-epochs", "2",
        "--cache", str(tmp_path / "cache"), "--all-windows", "--out", str(out)])  # fmt: skip
    doc = json.loads(out.read_text())
    assert set(doc["tables"]) == {"val", "test", "test_all_windows"} and len(doc["logs"]) == 2
    whole = doc["tables"]["test_all_windows"]
    # one bootstrap item per trip (not per window): at most the protocol's test trips
    assert whole[1]["method"] == "kNN continuation"
    assert 0 < whole[3]["vs_knn"]["n"] <= doc["tables"]["test"][3]["vs_knn"]["n"]
    methods = [r["method"] for r in doc["tables"]["test"]]
    assert methods[:4] == ["constant velocity", "kNN continuation",
                           "kNN continuation (place-aware)", "candidate selector"]  # fmt: skip
    for r in doc["tables"]["test"]:
        assert r["mae_m"] > 0
    assert (tmp_path / "cand.md").read_text().count("| candidate selector |") == 3


def test_place_knn_baseline_without_weights_is_plain_knn_and_tunes_on_val(tmp_path):
    from trajlm.data.features import LocalProjection
    from trajlm.data.ingest import synth_store
    from trajlm.data.protocol_tasks import make_prediction_task
    from trajlm.data.store import read_store
    from trajlm.eval.baselines import KNNContinuation
    from trajlm.eval.place_knn import PlaceKNNContinuation, tune_place_knn
    from trajlm.eval.protocol import split_tables

    synth_store(tmp_path / "s", n_trajectories=30, seed=3)
    parts = split_tables(read_store(tmp_path / "s"))
    val = make_prediction_task(parts["val"])
    proj = LocalProjection.fit(parts["train"])
    xy = val.xy(proj)
    plain = KNNContinuation(5).fit(parts["train"], proj).predict(xy, val.lengths, 5)
    flat = PlaceKNNContinuation(5, w_place=0, w_heading=0).fit(parts["train"], proj)
    assert np.array_equal(flat.predict(xy, val.lengths, 5), plain)
    assert flat.get_params()["w_place"] == 0  # sklearn-style: params round-trip
    grid = {"w_place": (0.1, 1.0), "w_heading": (0.0,), "n_neighbors": (3, 5)}
    est, scores = tune_place_knn(parts["train"], val, proj, grid=grid)
    assert (
        len(scores) == 4
        and min(scores.values())
        == scores[f"w_place={est.w_place},w_heading={est.w_heading},n_neighbors={est.n_neighbors}"]
    )
