"""Session 35 (evalapi35): ``TrajLM.evaluate(compare=)``, `trajlm eval --compare "A,B"` from
Python: the same pairs, numbers and refusals as the CLI, said with the method's keywords."""

from __future__ import annotations

import json
import re

import polars as pl
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
    # fix39: "nope" is no row the table can have: refused before scoring; a name a row made
    # after scoring might hold (" (") is checked once the table exists, the table kept
    with pytest.raises(TrajlmInputError, match="compare 'linear-3,nope': names no two rows"):
        trajlm_small.evaluate(store, task="predict", compare=["linear-3,nope"])
    late = "linear-3,nope (val-checked: x)"
    with pytest.raises(TrajlmInputError, match=f"compare '{re.escape(late)}': names no two") as e:
        trajlm_small.evaluate(store, task="predict", compare=[late])
    assert "--compare" not in str(e.value)
    table = e.value.table  # the scoring is not lost to a typo (the CLI prints and writes it)
    assert "trajlm:trajlm-small" in set(table["method"]) and table.attrs["comparisons"] == []


# ------------------------------------------------------ ties ranked the same on every call
# Each case below gave a different answer from call to call on the same table before its
# ranking took a second key (40 calls: 40, 36 and 2 distinct answers on main).

CALLS = 40


def test_ids_differing_only_in_case_keep_one_spelling_every_call():
    from trajlm.llm.grounding import DataWords

    spelled = [f"bus{i}" for i in range(50)] + [f"BUS{i}" for i in range(50)]
    trips = pl.DataFrame({"vehicle": spelled * 3, "traj_id": [str(i) for i in range(300)]})
    seen = {tuple(sorted(DataWords.of(trips).vehicles.items())) for _ in range(CALLS)}
    assert len(seen) == 1, f"{len(seen)} different vehicle spellings from one table"
    assert dict(seen.pop())["bus7"] == "bus7"  # the last in sort order


def test_a_movers_trips_ending_on_one_second_keep_the_same_trip_every_call():
    from trajlm.data.coerce_pieces import latest_trips

    trips = pl.DataFrame({"traj_id": [f"tr{i:03d}" for i in range(200) for _ in range(2)],
                          "vehicle_id": ["V1"] * 400, "t": [0, 10] * 200})  # fmt: skip
    seen = {tuple(latest_trips(trips)["traj_id"].unique().to_list()) for _ in range(CALLS)}
    assert seen == {("tr199",)}  # all end at t=10: the last by trip id


def test_a_tie_between_two_start_instants_is_the_earlier_every_call():
    from trajlm.tasks.classify_split import one_start_instant

    starts = [100 if s % 2 else 200 for s in range(20)]  # half start at 100, half at 200
    points = pl.DataFrame({"traj_id": [f"s{s}" for s in range(20) for _ in range(3)],
                           "t": [t0 + k for t0 in starts for k in range(3)]})  # fmt: skip
    assert {one_start_instant(points) for _ in range(CALLS)} == {100}


def test_score_keeps_its_table_on_a_name_not_in_it(store):
    import trajlm

    inputs, asks = trajlm.queries(store)
    last = inputs.sort_values("step").groupby("query_id")[["lat", "lon"]].last()
    answers = asks[["query_id", "k"]].join(last, on="query_id")  # "stay where you were"
    late = "stay,nope (val-checked: x)"  # fix39: "stay,nope" is refused before scoring
    with pytest.raises(TrajlmInputError, match=f"compare '{re.escape(late)}'") as e:
        trajlm.score(store, answers, name="stay", compare=[late])
    assert "stay" in set(e.value.table["method"])
