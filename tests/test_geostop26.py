"""Session 26 (geostop26): learned stop / go heads (``trajlm.eval.stop_head``,
``scripts/geostop26/stop_head_arms.py``, docs/candidates.md "Session 26 (geostop26)"): the
features are read from the history alone, the labels and the shrink target are what they say,
and the heads learn a stop / a best candidate that a feature gives away."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import load_script

from trajlm.eval.stop_head import (
    FEATURES,
    candidate_errors,
    choose_points,
    fit_ranker,
    fit_scale_head,
    fit_stop_head,
    history_features,
    optimal_shrink,
    rank_choice,
    stopped_label,
    timeless,
)


def _tracks(speeds: np.ndarray, n: int = 8, dt: float = 15.0) -> tuple[np.ndarray, ...]:
    """Eastward tracks, one per speed (m/s), a fix every dt s; asked times 1..5 intervals on."""
    t = np.tile(np.arange(n) * dt, (len(speeds), 1))
    xy = np.stack([speeds[:, None] * t, np.zeros_like(t)], -1)
    asked = t[:, -1:] + dt * np.arange(1, 6)[None]
    lengths = np.full(len(speeds), n)
    return xy, t, lengths, asked


def test_features_come_from_the_history_and_see_a_stop():
    xy, t, lengths, asked = _tracks(np.array([1.2, 12.0]))
    xy[0, 5:] = xy[0, 5]  # the walker has stood still for his last 2 steps
    knn = xy[:, -1:] + np.zeros((2, 5, 2))
    f = dict(zip(FEATURES, history_features(xy, t, lengths, asked, knn).T, strict=True))
    assert np.isfinite(np.column_stack(list(f.values()))).all()
    assert f["speed_p50"][1] == pytest.approx(12.0) and f["speed_last"][0] == 0.0
    assert f["dwell_share"][0] == pytest.approx(2 / 7) and f["dwell_share"][1] == 0.0
    assert f["since_stop_s"][0] == 0.0 and f["since_stop_s"][1] == pytest.approx(105.0)
    assert f["asked_dt_s"][0] == pytest.approx(75.0) and f["asked_ratio"][0] == pytest.approx(1.0)
    assert f["turn_mean"][1] == 0.0 and f["straightness"][1] == pytest.approx(1.0)
    assert f["cv_disp_m"][1] == pytest.approx(12.0 * 75.0)


def test_stopped_label_and_optimal_shrink():
    last = np.zeros((3, 2))
    cont = np.tile(np.c_[np.arange(1, 6) * 10.0, np.zeros(5)][None], (3, 1, 1))
    target = cont * np.array([0.0, 0.5, 1.0])[:, None, None]
    assert stopped_label(last, target).tolist() == [True, False, False]
    np.testing.assert_allclose(optimal_shrink(last, cont, target), [0.0, 0.5, 1.0])


def test_stop_head_learns_a_stop_that_a_feature_gives_away():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 3))
    stopped = x[:, 0] > 0.5
    head = fit_stop_head(x, stopped)
    p = head.predict_proba(np.array([[2.0, 0, 0], [-2.0, 0, 0]]))[:, 1]
    assert p[0] > 0.9 and p[1] < 0.1
    with pytest.raises(ValueError, match="both stopped and moving"):
        fit_stop_head(x, np.zeros(400, bool))
    scale = fit_scale_head(x, np.where(stopped, 0.0, 1.0))
    assert scale.predict(np.array([[2.0, 0, 0]]))[0] < 0.2


def test_ranker_picks_the_candidate_a_feature_says_is_nearest():
    rng = np.random.default_rng(1)
    n = 400
    x = rng.normal(size=(n, 2))
    target = np.zeros((n, 5, 2))
    go = np.tile(np.c_[np.arange(1, 6) * 20.0, np.zeros(5)][None], (n, 1, 1))
    moving = x[:, 0] > 0
    target[moving] = go[moving]
    cands = {"kNN": go * 0.8, "stay": np.zeros_like(go), "go": go}
    ranker = fit_ranker(x, candidate_errors(cands, target))
    choice = rank_choice(ranker, np.array([[2.0, 0.0], [-2.0, 0.0]]))
    assert choice.tolist() == ["go", "stay"]
    # a margin larger than any predicted gain keeps the base everywhere
    assert (rank_choice(ranker, x, margin=1e6) == "").all()
    pts = choose_points(cands, np.array(["", "stay"], object).repeat(n // 2))
    np.testing.assert_allclose(pts[: n // 2], cands["kNN"][: n // 2])
    assert (pts[n // 2 :] == 0).all()
    with pytest.raises(ValueError, match="base candidate"):
        fit_ranker(x, {"stay": np.zeros(n)})


def test_timeless_features_forget_the_asked_times():
    xy, t, lengths, asked = _tracks(np.array([1.2, 12.0]))
    asked[0] += 600.0  # the walker is asked about times past a 10-minute gap
    knn = xy[:, -1:] + np.zeros((2, 5, 2))
    f = timeless(history_features(xy, t, lengths, asked, knn))
    col = FEATURES.index
    np.testing.assert_allclose(f[:, col("asked_dt_s")], [75.0, 75.0])
    np.testing.assert_allclose(f[:, col("asked_ratio")], [1.0, 1.0])
    np.testing.assert_allclose(f[:, col("cv_disp_m")], [1.2 * 75.0, 12.0 * 75.0])


@pytest.mark.slow
def test_stop_head_arms_script_end_to_end(tmp_path):
    from trajlm.data.ingest import synth_store

    mod = load_script("geostop26", "stop_head_arms.py")
    store = tmp_path / "synth"
    synth_store(store, n_trajectories=80, seed=3)
    out = tmp_path / "val.md"
    mod.main(["--data", str(store), "--out", str(out), "--seeds", "0", "--importance"])
    text = out.read_text()
    assert "cross-fitted" in text and "| kNN |" in text and "A stop head" in text
    assert "oracle best of the 5 candidates" in text and "permutation importance" in text
    with pytest.raises(SystemExit):  # test is read only for one named arm
        mod.main(["--data", str(store), "--stage", "test", "--out", str(tmp_path / "t.md")])
