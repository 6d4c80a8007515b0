"""Session 16's per-user pool (``trajlm.eval.user_pool``, docs/candidates.md "Session 16"): off,
the published candidate set; on, appended after it, answered only from the query's OWN user's
train windows, never from the query's own trajectory, never from a val / test trip; the
zero-gate identity still holds; and a user's repeated route beats everybody's."""

from __future__ import annotations

import json

import numpy as np
import pytest
from test_candidates import TOP_K, _local, _setup
from test_results_scripts import load_script

from trajlm.data.place_retrieval import PlaceRetrievalIndex
from trajlm.data.retrieval import RetrievalIndex
from trajlm.eval.candidate_selector import CandidateSelector, SelectorConfig, predict_selector
from trajlm.eval.candidates import KINDS, build_candidates, windows_of
from trajlm.eval.user_pool import UserPools


def _users(keys):  # three users, by trajectory key
    return np.array([f"u{int(k) % 3}" for k in keys])


def _build(w, shape, place, local, split, exclude=True, pools=None, users=None):
    hist, lengths, wkeys, _ = w
    return build_candidates(hist, lengths, shape, place, 6, 6, 5, TOP_K,
                            exclude=wkeys if exclude else None, groups=wkeys, split=split,
                            local_index=local, n_local=3, user_pools=pools,
                            users=users if users is not None else _users(wkeys), n_user=3)  # fmt: skip


def _fit_pools(xy, keys, cut, min_windows=10):
    return UserPools(5, 5, min_windows=min_windows).fit(xy[:cut], keys[:cut], _users(keys[:cut]))


def test_user_pool_appends_to_the_published_set_and_keeps_the_leak_guard():
    xy, keys, cut, shape, place = _setup()
    local, pools = _local(xy, keys, cut), _fit_pools(xy, keys, cut)
    tw = windows_of(xy[:cut], keys[:cut], 5, max_windows=150)
    plain = _build(tw, shape, place, local, "train")
    on = _build(tw, shape, place, local, "train", pools=pools)
    C, F = plain.cands.shape[1], plain.cand_feats.shape[2]
    assert on.cands.shape[1] == C + 1 + 3 + TOP_K and np.array_equal(on.cands[:, :C], plain.cands)
    assert np.array_equal(on.source[:, :C], plain.source)
    # the features: 3 more kind columns, the rest unchanged but the distance from the consensus
    # (the median over all candidates, now with the user's); 3 more query features
    assert on.cand_feats.shape[2] == F + 3
    same = np.r_[len(KINDS) : F - 2, F - 1]
    assert np.array_equal(on.cand_feats[:, :C, same + 3], plain.cand_feats[:, :, same])
    assert np.array_equal(on.query_feats[:, : plain.query_feats.shape[1]], plain.query_feats)
    assert np.isfinite(on.cand_feats).all() and np.isfinite(on.query_feats).all()
    single = on.kind == len(KINDS) + 2
    src = on.source[:, single]
    assert single.sum() == TOP_K and (src >= 0).all()
    assert not (src == on.groups[:, None]).any()  # never the query's own trajectory
    assert (_users(src.ravel()).reshape(src.shape) == _users(on.groups)[:, None]).all()  # own user
    # without the guard (no exclude) the own trajectory IS retrieved: the assertion can fail
    leaky = _build(tw, shape, place, local, "train", exclude=False, pools=pools)
    assert (leaky.source[:, single] == leaky.groups[:, None]).any()
    # held-out queries see only their user's TRAIN trajectories; no held-out trip is pooled
    vw = windows_of(xy[cut:], keys[cut:], 5)
    val = _build(vw, shape, place, local, "val", exclude=False, pools=pools)
    vs = val.source[:, val.kind == len(KINDS) + 2]
    assert set(np.unique(vs)) <= set(np.unique(keys[:cut]))
    assert (_users(vs.ravel()).reshape(vs.shape) == _users(val.groups)[:, None]).all()
    held = set(np.unique(keys[cut:]))
    assert not held & {int(k) for idx in pools.indexes_.values() for k in idx.traj_keys_}


def test_a_user_with_one_train_trip_is_never_answered_from_it():
    xy, keys, cut, shape, place = _setup()
    users = np.where(keys == keys[0], "solo", _users(keys))  # the first trip's user: 1 trip
    pools = UserPools(5, 5, min_windows=5).fit(xy[:cut], keys[:cut], users[:cut])
    assert "solo" in pools.indexes_  # it has windows, all in one trajectory
    tw = windows_of(xy[:cut], keys[:cut], 5)
    wu = np.where(tw[2] == keys[0], "solo", _users(tw[2]))
    assert not pools.answerable(wu[wu == "solo"], tw[2][wu == "solo"]).any()
    cs = _build(tw, shape, place, None, "train", pools=pools, users=wu)
    solo = wu == "solo"
    user_cols = cs.kind >= len(KINDS)
    assert (cs.source[solo][:, user_cols] == -1).all()  # constant velocity, no source
    assert (cs.query_feats[solo, -1] == 0).all() and (cs.query_feats[~solo, -1] == 1).all()
    # a val query of that user IS answered (from the whole trip, which is not its own)
    assert pools.answerable(np.array(["solo"])).all()


def test_untrained_selector_is_still_knn_with_the_user_pool():
    xy, keys, cut, shape, place = _setup()
    pools = _fit_pools(xy, keys, cut)
    vw = windows_of(xy[cut:], keys[cut:], 5)
    val = _build(vw, shape, place, _local(xy, keys, cut), "val", exclude=False, pools=pools)
    sel = CandidateSelector(
        SelectorConfig(d_hidden=8), val.query_feats.shape[1], val.cand_feats.shape[2]
    )
    knn = val.last[:, None] + shape.query(vw[0], vw[1], 5, n_neighbors=6).continuation
    assert np.array_equal(predict_selector(sel, val), knn)


def test_the_users_own_route_is_found_where_everybody_disagrees():
    # at one junction, user "a" always turns north and 9 other users always turn south; the
    # same eastward approach: the shape kNN follows the crowd, the user pool follows "a"
    tracks, users = [], []
    for i in range(40):
        owner = "a" if i % 10 == 0 else f"b{i % 10}"
        turn = 1.0 if owner == "a" else -1.0
        east = np.c_[np.arange(10) * 10.0, np.zeros(10)]
        north = np.c_[np.full(10, 90.0), turn * np.arange(1, 11) * 10.0]
        tracks.append(np.r_[east, north] + np.random.default_rng(i).normal(0, 0.1, (20, 2)))
        users += [owner] * 20
    xy, keys, users = np.concatenate(tracks), np.repeat(np.arange(40), 20), np.array(users)
    shape = RetrievalIndex(5, 5, n_neighbors=6).fit(xy, keys)
    place = PlaceRetrievalIndex(5, 5, w_place=0.1, w_heading=100.0).fit(xy, keys)
    pools = UserPools(5, 5, min_windows=5).fit(xy, keys, users)
    q = np.c_[np.arange(10) * 10.0, np.zeros(10)][None]  # a new trip of user "a" at the junction
    cs = build_candidates(q, np.array([10]), shape, place, 6, 6, 5, TOP_K,
                          user_pools=pools, users=np.array(["a"]), n_user=3)  # fmt: skip
    user_agg = cs.cands[0, cs.kind == len(KINDS)][0]
    assert cs.cands[0, 0, -1, 1] < 0 and user_agg[-1, 1] > 40  # crowd south, user north


@pytest.mark.slow
def test_candidate_results_script_with_the_user_pool(tmp_path):
    from trajlm.data.ingest import synth_store

    store = tmp_path / "synth"
    synth_store(store, n_trajectories=60, seed=1)
    out = tmp_path / "cand.json"
    load_script("candidate_results").main([
        "--data", str(store), "--stage", "val", "--seeds", "0", "--w-place", "0.1",
        "--w-heading", "100", "--n-place", "5", "--top-k", "3", "--max-epochs", "2",
        "--local", "1.0,300,5", "--user", "1.0,300,5",
        "--cache", str(tmp_path / "cache"), "--out", str(out)])  # fmt: skip
    doc = json.loads(out.read_text())
    u = doc["user_oracle"]["val"]
    assert u["n"] == doc["tables"]["val"][0]["vs_knn"]["n"]
    assert 0 <= u["answered"] <= u["n"] and u["oracle_all"] <= u["oracle_without_user"]
    assert u["switch_mae"] <= u["knn_mae"]


def test_train_drop_answers_a_share_of_train_trips_as_new_users():
    xy, keys, cut, *_ = _setup()
    pools = UserPools(5, 5, min_windows=10, train_drop=0.5)
    pools.fit(xy[:cut], keys[:cut], _users(keys[:cut]))
    tk = np.unique(keys[:cut])
    ok = pools.answerable(_users(tk), tk)
    assert 0 < ok.sum() < len(tk)  # some train trips answered, some as new users
    assert np.array_equal(ok, pools.answerable(_users(tk), tk))  # seeded
    assert pools.answerable(_users(tk)).all()  # held-out queries (no exclude): never dropped
    assert _fit_pools(xy, keys, cut).answerable(_users(tk), tk).all()  # off: all answered
