"""Session 8 options of the candidate selector (docs/candidates.md, "Session 8"): regime-invariant
features (``scale_free``), speed-matched ("time-warped") kNN candidates (``speed_match``) and the
loss in units of the query's own step (``relative_loss``). Off, everything is the published
recipe; on, the leak guard and the zero-gate identity still hold."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from test_candidates import TOP_K, _local, _setup

from trajlm.data.place_retrieval import PlaceRetrievalIndex
from trajlm.data.retrieval import RetrievalIndex
from trajlm.eval.candidate_selector import (
    CandidateSelector,
    SelectorConfig,
    fit_selector,
    predict_selector,
)
from trajlm.eval.candidates import CandidateSet, build_candidates, step_scale, windows_of


def _build(w, shape, place, local, split, exclude=True, **flags):
    hist, lengths, wkeys, _ = w
    return build_candidates(hist, lengths, shape, place, 6, 6, 5, TOP_K,
                            exclude=wkeys if exclude else None, groups=wkeys, split=split,
                            local_index=local, n_local=3, **flags)  # fmt: skip


def _pools(xy, keys, cut):
    shape = RetrievalIndex(history=5, horizon=5, n_neighbors=6).fit(xy[:cut], keys[:cut])
    place = PlaceRetrievalIndex(5, 5, w_place=0.1, w_heading=100.0).fit(xy[:cut], keys[:cut])
    return shape, place, _local(xy, keys, cut)


def test_speed_match_appends_warped_medians_and_keeps_the_leak_guard():
    xy, keys, cut, shape, place = _setup()
    local = _local(xy, keys, cut)
    tw = windows_of(xy[:cut], keys[:cut], 5, max_windows=120)
    plain = _build(tw, shape, place, local, "train")
    sm = _build(tw, shape, place, local, "train", speed_match=True, scale_free=True)
    C = plain.cands.shape[1]
    # 3 pools x (aggregate's n + the 3 other medians), appended after the published set
    assert sm.cands.shape[1] == C + 3 * 4 and np.array_equal(sm.cands[:, :C], plain.cands)
    assert sm.cand_feats.shape[2] == plain.cand_feats.shape[2] + 1  # + log speed ratio
    assert np.isfinite(sm.cand_feats).all() and np.isfinite(sm.query_feats).all()
    assert (sm.source[:, C:] == -1).all()  # pooled: no single source window
    single = np.isin(sm.kind, (3, 4, 9)) & (sm.source >= 0)
    assert single.sum() > 0 and not (np.where(single, sm.source, -1) == sm.groups[:, None]).any()
    assert (sm.cand_feats[:, :C, -1] == 0).all() and (sm.cand_feats[:, C:, -1] != 0).any()


def test_warped_median_follows_the_query_speed():
    # a library of straight eastward lines at 10 m per step; the query moves at 20 m per step:
    # plain kNN continues at the library's 10 m, the speed-matched median at the query's 20 m
    lines = [np.c_[np.arange(30) * 10.0, np.full(30, 1000.0 * i)] for i in range(6)]
    xy, keys = np.concatenate(lines), np.repeat(np.arange(6), 30)
    shape = RetrievalIndex(5, 5, n_neighbors=3).fit(xy, keys)
    place = PlaceRetrievalIndex(5, 5, w_place=0.0, w_heading=0.0).fit(xy, keys)
    q = np.c_[np.arange(10) * 20.0, np.full(10, 50_000.0)][None]
    cs = build_candidates(q, np.array([10]), shape, place, 3, 3, 5, 2, sizes=(2,),
                          speed_match=True)  # fmt: skip
    end = cs.cands[0, :, -1, 0]  # how far east each candidate ends
    assert end[0] == pytest.approx(50.0)  # the kNN aggregate (base): the library's speed
    warped = end[-4:]  # shape pool's (n, 2) medians, then the place pool's
    assert np.allclose(warped, 100.0) and cs.scale[0] == pytest.approx(20.0)


def test_scale_free_features_do_not_change_when_the_world_is_scaled():
    xy, keys, cut, _, _ = _setup()
    feats = {}
    for factor in (1.0, 3.0):
        shape, place, local = _pools(xy * factor, keys, cut)
        w = windows_of(xy[cut:] * factor, keys[cut:], 5)
        for sf in (False, True):
            cs = _build(w, shape, place, local, "val", False, scale_free=sf, speed_match=True)
            feats[factor, sf] = (cs.cand_feats, cs.query_feats)
    # place weights are metres, so tripling the world changes which neighbours the place and
    # local pools find; compare only what the shape pool alone decides: the query features
    # are invariant except the place pool's distance and spread columns
    for i in (0, 1):
        a, b = feats[1.0, True][i], feats[3.0, True][i]
        assert a.shape == b.shape
    q1, q3 = feats[1.0, True][1], feats[3.0, True][1]
    shape_cols = [*range(18), 18, 20, 22, 23, 24]  # history, speed ratios, heading, shape pool
    assert np.allclose(q1[:, shape_cols], q3[:, shape_cols])
    assert not np.allclose(feats[1.0, False][1], feats[3.0, False][1])  # metres: they move


def test_untrained_selector_is_knn_with_the_options_and_relative_loss_trains():
    xy, keys, cut, shape, place = _setup()
    local = _local(xy, keys, cut)
    tw, vw = (
        windows_of(xy[:cut], keys[:cut], 5, max_windows=200),
        windows_of(xy[cut:], keys[cut:], 5),
    )
    flags = {"scale_free": True, "speed_match": True}
    train = _build(tw, shape, place, local, "train", **flags)
    val = _build(vw, shape, place, local, "val", False, **flags)
    config = SelectorConfig(d_hidden=8, max_epochs=2, batch_size=64, relative_loss=True)
    untrained = CandidateSelector(config, train.query_feats.shape[1], train.cand_feats.shape[2])
    knn = val.last[:, None] + shape.query(vw[0], vw[1], 5, n_neighbors=6).continuation
    assert np.array_equal(predict_selector(untrained, val), knn)  # bit for bit
    model, log = fit_selector(train, tw[3], val, vw[3], config, seed=1)
    assert log["val_ade"] <= log["val_ade_init"] and len(log["epochs"]) >= 1
    # the weighted loss differs from the metre loss (else the option would do nothing)
    plain_cfg = SelectorConfig(d_hidden=8, max_epochs=2, batch_size=64)
    _, plain_log = fit_selector(train, tw[3], val, vw[3], plain_cfg, seed=1)
    assert plain_log["epochs"][0]["train_ade"] != log["epochs"][0]["train_ade"]
    # per-step blending: zero gate is still the kNN aggregate; the weights are per step
    step_cfg = SelectorConfig(d_hidden=8, max_epochs=1, batch_size=64, per_step=True)
    per_step = CandidateSelector(step_cfg, train.query_feats.shape[1], train.cand_feats.shape[2])
    assert np.array_equal(predict_selector(per_step, val), knn)
    fitted, step_log = fit_selector(train, tw[3], val, vw[3], step_cfg, seed=1)
    q, f, c = (torch.as_tensor(a) for a in (val.query_feats, val.cand_feats, val.cands))
    w = fitted(q.float(), f.float(), c)[1]
    assert w.shape == (len(val.cands), val.cands.shape[1], 5)
    assert torch.allclose(w.sum(1), torch.ones(len(val.cands), 5))
    assert step_log["val_ade"] <= step_log["val_ade_init"]
    no_scale = CandidateSet(**{**train.__dict__, "scale": None})
    with pytest.raises(ValueError, match="scale"):
        fit_selector(no_scale, tw[3], val, vw[3], config)


def test_step_scale_and_round_trip_with_and_without_scale(tmp_path):
    xy = np.c_[np.arange(10) * 12.0, np.zeros(10)][None].repeat(2, 0)
    xy[1, 3:] = xy[1, 3]  # parked after 4 points: floored, not 0
    assert np.allclose(step_scale(xy, np.array([10, 10])), [12.0, 5.0])
    assert step_scale(xy[:1], np.array([2]))[0] == pytest.approx(12.0)  # a 2-point history
    x, keys, cut, shape, place = _setup()
    cs = _build(windows_of(x[cut:], keys[cut:], 5), shape, place, None, "val", False)
    cs.save(tmp_path / "a.npz")
    assert np.array_equal(CandidateSet.load(tmp_path / "a.npz").scale, cs.scale)
    CandidateSet(**{**cs.__dict__, "scale": None}).save(tmp_path / "b.npz")  # an old cache
    assert CandidateSet.load(tmp_path / "b.npz").scale is None


def test_retime_reads_a_continuation_at_the_asked_times_and_is_cv_time_on_cv():
    from trajlm.eval.baselines import ConstantVelocity
    from trajlm.eval.candidates import retime

    rng = np.random.default_rng(0)
    n, T, k = 6, 8, 5
    t = np.cumsum(rng.integers(5, 40, (n, T)), 1)  # irregular sampling, seconds
    xy = np.cumsum(rng.normal(0, 30, (n, T, 2)), 1)
    lengths = np.full(n, T)
    t_future = t[:, -1:] + np.cumsum(rng.integers(5, 90, (n, k)), 1)
    step = xy[:, -1] - xy[:, -2]
    cv = step[:, None] * np.arange(1, k + 1)[None, :, None]
    got = xy[:, -1][:, None] + retime(cv, t, lengths, t_future)
    want = ConstantVelocity(use_time=True).predict(xy, lengths, k, t=t, t_future=t_future)
    assert np.allclose(got, want)
    # asked exactly at the query's own interval: unchanged; half an interval: the midpoint
    dt = (t[:, -1] - t[:, -2])[:, None]
    cont = rng.normal(0, 50, (n, k, 2))
    assert np.allclose(retime(cont, t, lengths, t[:, -1:] + dt * np.arange(1, k + 1)), cont)
    half = retime(cont, t, lengths, t[:, -1:] + dt * (np.arange(k) + 0.5))
    assert np.allclose(half[:, 1], (cont[:, 0] + cont[:, 1]) / 2)
    assert not np.allclose(half, cont)


def test_results_script_runs_with_every_option(tmp_path):
    import json

    from test_results_scripts import load_script

    from trajlm.data.ingest import synth_store

    store = tmp_path / "synth"
    synth_store(store, n_trajectories=40, seed=2)
    out = tmp_path / "cand.json"
    load_script("candidate_results").main([
        "--data", str(store), "--stage", "test", "--seeds", "0", "--w-place", "0.1",
        "--w-heading", "100", "--n-place", "5", "--top-k", "3", "--max-epochs", "1",
        "--local", "1.0,300,5", "--scale-free", "--speed-match", "--relative-loss", "--per-step",
        "--time", "--cache", str(tmp_path / "cache"), "--out", str(out)])  # fmt: skip
    doc = json.loads(out.read_text())
    assert {"val", "test", "val_time", "test_time"} <= set(doc["tables"])
    timed = [r["method"] for r in doc["tables"]["test_time"]]
    assert timed == ["constant velocity [time]", "kNN continuation [time]",
                     "candidate selector [time]"]  # fmt: skip
    assert all(r["mae_m"] > 0 for r in doc["tables"]["test_time"])
    bins = doc["by_speed"]["test"]
    assert sum(b["n"] for b in bins) == doc["tables"]["test"][0]["vs_knn"]["n"]
    assert doc["selector_config"]["per_step"] and doc["selector_config"]["relative_loss"]
