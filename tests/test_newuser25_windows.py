"""Session 25 (newuser25), leftover 1: `trajlm eval --task predict --windows all|one|N`.

Before: one window per test trajectory (a week of a 12-vehicle fleet gave 7 test trips and 35
scored points) and no option to score more. Now ``--windows all`` slides the cut by k fixes
(at most 50 windows per trip), the smoke-test warning names it, and the paired bootstrap still
resamples trajectories (windows of one trip are not independent)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from trajlm.data.protocol_tasks import make_prediction_task
from trajlm.data.store import read_store, write_store
from trajlm.data.synthetic import generate_city
from trajlm.eval.compare import paired_bootstrap_ratio
from trajlm.eval.few_scored import FewScoredWarning
from trajlm.eval.predict_windows import WINDOWS_CAP, parse_windows
from trajlm.eval.protocol import run_eval


def _trips(lengths: list[int]) -> pl.DataFrame:
    rows = []
    for i, n in enumerate(lengths):
        rows += [{"traj_id": f"t{i}", "t": 1_700_000_000 + 15 * j, "lat": 41.15 + 1e-4 * j * (i + 1),
                  "lon": -8.61 + 2e-4 * j} for j in range(n)]  # fmt: skip
    return pl.DataFrame(rows)


def test_one_window_is_protocols_task_and_all_slides_by_k() -> None:
    df = _trips([60, 10, 5])  # 5 points: too short (skipped either way)
    one = make_prediction_task(df)
    assert one.traj_ids == ["t0", "t1"] and one.lengths.tolist() == [20, 5]
    every = make_prediction_task(df, windows=WINDOWS_CAP)
    # t0: cuts 20, 25, ..., 55 (8 windows of 20 fixes in, 5 out); t1: its only window
    assert every.traj_ids == ["t0"] * 8 + ["t1"]
    assert every.target_t[:8, 0].tolist() == [1_700_000_000 + 15 * c for c in range(20, 60, 5)]
    assert (every.lengths == [20] * 8 + [5]).all()
    last = every.hist_t[np.arange(9), every.lengths - 1]
    assert (every.target_t[:, 0] - last == 15).all()  # the history ends right before the target
    ids, owner = every.owners()
    assert ids == ["t0", "t1"] and owner.tolist() == [0] * 8 + [1]
    three = make_prediction_task(df, windows=3)  # evenly spaced: first, middle, last
    assert three.target_t[:3, 0].tolist() == [1_700_000_000 + 15 * c for c in (20, 40, 55)]


def test_windows_spec() -> None:
    assert parse_windows("one") == 1 and parse_windows("all") == WINDOWS_CAP
    assert parse_windows("7") == 7 and parse_windows(3) == 3
    for bad in ("0", "many", WINDOWS_CAP + 1, True):
        with pytest.raises(ValueError, match="one, all or a number"):
            parse_windows(bad)


def test_weighted_bootstrap_resamples_trajectories_and_pools_windows() -> None:
    rng = np.random.default_rng(0)
    a, b, w = rng.random(6) + 1, rng.random(6) + 1, np.array([1, 9, 2, 5, 1, 3])
    got = paired_bootstrap_ratio(a, b, weights=w)
    assert got["n"] == 6  # trajectories, not the 21 windows
    assert got["ratio"] == pytest.approx((a * w).sum() / (b * w).sum())
    assert paired_bootstrap_ratio(a, b, weights=np.ones(6)) == paired_bootstrap_ratio(a, b)


@pytest.fixture(scope="module")
def few(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("newuser25") / "few"
    write_store(generate_city(n_trajectories=14, seed=5).points.drop("label"), d)
    return d


def test_run_eval_all_windows_scores_more_and_keeps_ci_over_trajectories(few: Path) -> None:
    df = read_store(few)
    n_test = df.filter(pl.col("split") == "test")["traj_id"].n_unique()
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        one = run_eval(df, "predict", seeds=(0,), verbose=False)
    said = [str(x.message) for x in w if issubclass(x.category, FewScoredWarning)]
    assert len(said) == 1 and 'windows="all"' in said[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FewScoredWarning)
        every = run_eval(df, "predict", seeds=(0,), verbose=False, windows="all")
    cv1 = next(r for r in one.rows if r["method"] == "constant velocity")
    cva = next(r for r in every.rows if r["method"] == "constant velocity")
    assert cv1["n_points"] == 5 * n_test
    assert cva["n_points"] >= 2 * cv1["n_points"]  # more scored windows ...
    assert cva["n_trajectories"] == cv1["n_trajectories"] == n_test  # ... of the same trips
    assert every.meta["prediction_windows"]["n_windows"] * 5 == cva["n_points"]
    for r in every.rows:  # the CI's n counts trajectories, and the ratio is the table's MAE's
        got = r["ratio_to_cv"]
        assert got["n"] == n_test
        assert got["ratio"] == pytest.approx(r["metrics"]["mae_m"] / cva["metrics"]["mae_m"])


def test_cli_windows_option_and_the_warning_names_it(few: Path) -> None:
    from trajlm.cli import app

    run = CliRunner().invoke
    r = run(app, ["eval", "--task", "predict", "--data", str(few)])
    assert r.exit_code == 0, r.output
    assert "`--windows all` scores" in r.output and "instead of" in r.output
    r = run(app, ["eval", "--task", "predict", "--data", str(few), "--windows", "all"])
    assert r.exit_code == 0, r.output
    assert "task (--windows all)" in r.output and "--windows all` scores" not in r.output
    assert "k-step MAE over its windows, weighted by their count" in r.output
    r = run(app, ["eval", "--task", "recover", "--data", str(few), "--windows", "all"])
    assert r.exit_code == 2 and "--windows all is used by --task predict" in r.output
    r = run(app, ["eval", "--task", "predict", "--data", str(few), "--windows", "lots"])
    assert r.exit_code == 2 and "--windows lots: must be one, all or a number" in r.output


def test_windows_and_report_times_are_refused_together() -> None:
    """The report-time table (irreg25) asks one window's report times: with --windows it would
    silently score something else, so the pair is refused in one line (merge of the two)."""
    df = _trips([60, 60, 60]).with_columns(pl.lit("test").alias("split"))
    with pytest.raises(ValueError, match="one window per trajectory"):
        run_eval(df, "predict", windows="all", at_report_times=True)
