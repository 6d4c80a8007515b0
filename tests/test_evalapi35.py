"""Session 35 (evalapi35): ``TrajLM.evaluate(compare=)``, `trajlm eval --compare "A,B"` from
Python: the same pairs, numbers and refusals as the CLI, said with the method's keywords."""

from __future__ import annotations

import json

import pytest
from reliability_helpers import invoke

from trajlm.api_fit import frame_store
from trajlm.data.synthetic import generate_city
from trajlm.errors import TrajlmInputError

PAIRS = [("trajlm-small", "constant velocity"), "kNN continuation,linear-3"]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A tiny synthetic city written as TrajLM.fit would split it."""
    points = generate_city(n_trajectories=16, seed=5).points.drop("label").to_pandas()
    folder = tmp_path_factory.mktemp("evalapi35") / "store"
    frame_store(points, folder, {})
    return folder


def test_evaluate_compare_gives_the_cli_json_pairs(store, trajlm_small, tmp_path):
    out = tmp_path / "eval.json"
    r = invoke("eval", "--task", "predict", "--data", store, "--model", "trajlm-small",
               "--compare", "trajlm-small,constant velocity",
               "--compare", "kNN continuation,linear-3", "--out", out)  # fmt: skip
    assert r.exit_code == 0, r.output
    cli = json.loads(out.read_text())["comparisons"]
    got = trajlm_small.evaluate(store, task="predict", compare=PAIRS)
    pairs = got.attrs["comparisons"]
    assert [(e["a"], e["b"]) for e in pairs] == [
        ("trajlm:trajlm-small", "constant velocity"), ("kNN continuation", "linear-3")]  # fmt: skip
    assert len(pairs) == len(cli)
    for mine, theirs in zip(pairs, cli, strict=True):
        assert mine.keys() == theirs.keys()
        for key, value in theirs.items():
            same = value if isinstance(value, str) else pytest.approx(value, rel=1e-9)
            assert mine[key] == same, key
    assert "Paired comparisons" in got.attrs["markdown"]
    plain = trajlm_small.evaluate(store, task="predict")  # nothing asked: no pairs, same table
    assert plain.attrs["comparisons"] == [] and "Paired comparisons" not in plain.attrs["markdown"]


@pytest.mark.parametrize(
    "compare, said",
    [
        (["constant velocity"], "compare 'constant velocity': expected two row names"),
        ([("linear-3", "linear-3")], "a row compared with itself"),
        ([("linear-3",)], "compare ('linear-3',): give two row names"),
        (5, "compare: a list of pairs of row names"),
    ],
)
def test_a_pair_that_is_not_two_names_is_refused_before_any_work(
    store, trajlm_small, compare, said
):
    with pytest.raises(TrajlmInputError, match=None) as e:
        trajlm_small.evaluate(store, task="predict", compare=compare)
    assert said in str(e.value) and "--compare" not in str(e.value)
    assert not hasattr(e.value, "table")  # refused before any scoring


def test_a_name_not_in_the_table_is_refused_with_the_table_kept(store, trajlm_small):
    with pytest.raises(TrajlmInputError, match="compare 'linear-3,nope': names no two rows") as e:
        trajlm_small.evaluate(store, task="predict", compare=["linear-3,nope"])
    assert "--compare" not in str(e.value)
    table = e.value.table  # the scoring is not lost to a typo (the CLI prints and writes it)
    assert "trajlm:trajlm-small" in set(table["method"]) and table.attrs["comparisons"] == []
