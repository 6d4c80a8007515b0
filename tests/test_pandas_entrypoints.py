"""Documented library calls take a pandas table as well as a Polars one (session 16, docscheck
items 1 and 3: roads.match, run_eval and coverage_warnings raised a bare AttributeError)."""

from __future__ import annotations

import subprocess
import sys

import polars as pl
import pytest

from trajlm.data.synthetic import generate_city
from trajlm.roads.network import from_synthetic


@pytest.fixture(scope="module")
def city():
    return generate_city(n_trajectories=40, seed=3)


def test_roads_match_reads_a_pandas_table(city):
    from trajlm.roads import match

    net = from_synthetic(city.roads, city.projection)
    pdf = city.points.head(300).to_pandas()
    a = match(pdf, net)
    b = match(city.points.head(300), net)
    assert a.height == b.height == 300
    assert a["edge_id"].to_list() == b["edge_id"].to_list()


def test_coverage_warnings_read_a_pandas_table(city):
    from trajlm.model.coverage import coverage_warnings

    card = {"coverage": {"regions": [], "hour_hist": [1] * 24, "weekday_hist": [1] * 7}}
    pdf = city.points.to_pandas()
    assert coverage_warnings(card, pdf) == coverage_warnings(card, city.points)


def test_run_eval_reads_a_pandas_table(city):
    from trajlm.eval.protocol import run_eval

    r = run_eval(city.points.to_pandas(), "predict", seeds=(0,), verbose=False)
    ref = run_eval(city.points, "predict", seeds=(0,), verbose=False)

    def numbers(res):
        return [(row["method"], row["metrics"]) for row in res.rows]

    assert len(r.rows) > 0 and numbers(r) == numbers(ref)


def test_submodules_are_attributes_of_the_package():
    code = "import trajlm; print(trajlm.questions.Asker.__name__, trajlm.roads.match.__name__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["Asker", "match"]
    with pytest.raises(AttributeError):
        import trajlm

        trajlm.no_such_thing  # noqa: B018


def test_a_lazy_frame_is_collected_for_match(city):
    from trajlm.roads import match

    net = from_synthetic(city.roads, city.projection)
    assert match(city.points.head(50).lazy(), net).height == 50
    assert isinstance(city.points, pl.DataFrame)
