"""Session 29 (geo29): the per-regime choice between two answers (trajlm.eval.regime_choice)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from helpers import load_script

from trajlm.eval.regime_choice import fit_regime_map, tercile_cuts
from trajlm.eval.stop_head import FEATURES


def rows(n: int = 300, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features where B wins only on fast rows (speed_p50 top third); other columns are noise or
    constant (n_points), so only speed_p50's map fits best."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, len(FEATURES)))
    x[:, FEATURES.index("speed_p50")] = np.arange(n)
    x[:, FEATURES.index("n_points")] = 20.0
    err_a = np.full(n, 10.0) + rng.normal(0, 0.1, n)
    err_b = np.where(np.arange(n) >= 2 * n // 3, 5.0, 15.0) + rng.normal(0, 0.1, n)
    return x, err_a, err_b


def test_the_map_finds_the_regime_where_b_wins_and_answers_new_rows_by_it():
    x, err_a, err_b = rows()
    rmap = fit_regime_map(x, err_a, err_b)
    assert rmap.feature == "speed_p50"
    assert rmap.use_b.tolist() == [False, False, True]
    new = x[[0, 150, 299]]
    assert rmap.choose_b(new).tolist() == [False, False, True]
    chosen = np.where(rmap.choose_b(x), err_b, err_a)
    assert chosen.mean() < min(err_a.mean(), err_b.mean())


def test_a_feature_in_one_bin_is_skipped_and_no_usable_feature_is_refused():
    x, err_a, err_b = rows()
    assert tercile_cuts(x[:, FEATURES.index("n_points")]).tolist() == [20.0]
    rmap = fit_regime_map(x, err_a, err_b, names=("n_points", "speed_p50"))
    assert rmap.feature == "speed_p50"  # n_points (one bin) cannot tell the regimes apart
    with pytest.raises(ValueError, match="two bins"):
        fit_regime_map(x, err_a, err_b, names=("n_points",))
    with pytest.raises(ValueError, match="unknown regime features"):
        fit_regime_map(x, err_a, err_b, names=("hour",))
    with pytest.raises(ValueError, match="feature rows"):
        fit_regime_map(x[:10], err_a, err_b)


def test_a_b_that_never_wins_is_never_chosen():
    x, err_a, _ = rows()
    rmap = fit_regime_map(x, err_a, err_a + 1.0)
    assert not rmap.choose_b(x).any()


def test_the_script_refuses_before_any_work(tmp_path):
    script = load_script("geo29", "regime_arms.py")
    (tmp_path / "val.md").write_text("taken")
    for argv in (["--out-dir", str(tmp_path)],  # an existing output, no --overwrite
                 ["--out-dir", str(tmp_path), "--stage", "test"],  # test with no variant
                 ["--out-dir", str(tmp_path / "o"), "--geogate28", str(tmp_path)]):  # fmt: skip
        with pytest.raises(SystemExit) as e:
            script.main(argv)
        assert e.value.code == 2


def test_corpus_check_pairs_only_the_same_trips(tmp_path, capsys):
    script = load_script("geo29", "corpus_check.py")
    run = lambda sel, knn: {"stage": "val", "per_trip": {"val": {"selector": sel, "knn": knn}}}  # noqa: E731
    paths = [tmp_path / f"{n}.json" for n in "abc"]
    for p, r in zip(paths, (run([1.0, 2.0], [5.0, 5.0]), run([2.0, 3.0], [5.0, 5.0]),
                            run([2.0, 3.0], [5.0, 6.0])), strict=True):  # fmt: skip
        p.write_text(json.dumps(r))
    script.main([str(paths[0]), str(paths[1])])
    assert "Δ +1.00 [+1.00, +1.00]" in capsys.readouterr().out
    with pytest.raises(SystemExit, match="same trips"):
        script.main([str(paths[0]), str(paths[2])])
