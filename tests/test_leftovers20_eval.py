"""Session 20, leftovers20: ``run_eval`` on a store of a handful of test trajectories warns
once from Python, as the CLI does (analyst20 D3), and the CLI prints its line once."""

from __future__ import annotations

import warnings
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from trajlm.data.store import read_store, write_store
from trajlm.data.synthetic import generate_city
from trajlm.eval.few_scored import FewScoredWarning
from trajlm.eval.protocol import run_eval


@pytest.fixture(scope="module")
def few(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("leftovers20") / "few"
    write_store(generate_city(n_trajectories=14, seed=5).points.drop("label"), d)
    return d


def _n_test(store: Path) -> int:
    df = read_store(store)
    return df.filter(pl.col("split") == "test")["traj_id"].n_unique()


def test_run_eval_warns_once_from_python(few):
    n = _n_test(few)
    assert 0 < n < 10
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        run_eval(read_store(few), "predict", seeds=(0,), verbose=False)
    said = [x for x in w if issubclass(x.category, FewScoredWarning)]
    assert len(said) == 1, [str(x.message) for x in w]
    assert f"from {n} test trajector" in str(said[0].message)
    assert said[0].filename == __file__  # pointed at the caller's line


def test_run_eval_on_enough_trips_says_nothing(tmp_path):
    d = tmp_path / "city"
    write_store(generate_city(n_trajectories=120, seed=3).points.drop("label"), d)
    assert _n_test(d) >= 10
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        run_eval(read_store(d), "predict", seeds=(0,), verbose=False)
    assert not [x for x in w if issubclass(x.category, FewScoredWarning)]


def test_cli_says_it_once(few):
    from trajlm.cli import app

    r = CliRunner().invoke(app, ["eval", "--task", "predict", "--data", str(few), "--seeds", "1"])
    assert r.exit_code == 0, r.output
    assert r.output.count("no reliable CI") == 1, r.output
    assert "run_eval: numbers from" not in r.output
