"""Your own model's answers scored by `trajlm eval` (session 34, byo34): `trajlm data queries`
writes the windows eval scores (no truth), `trajlm eval --predictions` scores answers to them
beside the baselines; trajlm.queries / trajlm.score from Python."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest
from helpers import invoke_cli, run_cli

import trajlm
from trajlm.data.protocol_tasks import make_prediction_task
from trajlm.data.store import write_store
from trajlm.data.synthetic import generate_city
from trajlm.errors import TrajlmInputError
from trajlm.eval.own_answers import match_answers, read_answers, window_ids


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("byo34") / "city"
    write_store(generate_city(n_trajectories=80, seed=5).points.drop("label"), d)
    return d


@pytest.fixture(scope="module")
def exported(city, tmp_path_factory) -> tuple[Path, Path]:
    """`trajlm data queries` of every window (--windows all) of the test split."""
    out = tmp_path_factory.mktemp("queries") / "q.csv"
    run_cli(["data", "queries", city, "--out", out, "--windows", "all"])
    return out, out.with_name("q.asks.csv")


def constant_velocity(inputs: pd.DataFrame, asks: pd.DataFrame, use_time: bool) -> pd.DataFrame:
    """The user's own few lines: repeat each window's last move (per step, or per second of
    the asked times), in plain pandas on the exported files."""
    last2 = inputs.sort_values(["query_id", "step"]).groupby("query_id").tail(2)
    g = last2.groupby("query_id")
    first, last = g.first(), g.last()
    move = pd.DataFrame({"lat0": last.lat, "lon0": last.lon, "t0": last.t,
                         "vlat": last.lat - first.lat, "vlon": last.lon - first.lon,
                         "dt": last.t - first.t})  # fmt: skip
    a = asks.join(move, on="query_id")
    ahead = (a.t - a.t0) / a.dt if use_time else a.k
    return pd.DataFrame({"query_id": a.query_id, "k": a.k, "lat": a.lat0 + ahead * a.vlat,
                         "lon": a.lon0 + ahead * a.vlon})  # fmt: skip


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"query_id": str, "traj_id": str})


def _rows(js: Path) -> dict[str, dict]:
    return {r["method"]: r for r in json.loads(js.read_text())["results"]}


def test_queries_hold_eval_windows_and_no_truth(city, exported):
    inputs, asks = map(_read, exported)
    test = trajlm.read_store(city, split="test")
    task = make_prediction_task(pl.from_pandas(test) if isinstance(test, pd.DataFrame) else test,
                                windows=50)  # fmt: skip
    ids = window_ids(task)
    assert list(dict.fromkeys(inputs.query_id)) == ids and len(ids) > len(set(task.traj_ids))
    assert list(asks.columns) == ["query_id", "traj_id", "k", "t"]  # no position asked back
    assert len(asks) == 5 * len(ids) and set(asks.k) == {1, 2, 3, 4, 5}
    assert inputs.groupby("query_id").size().to_numpy().tolist() == task.lengths.tolist()
    last_in = inputs.groupby("query_id").t.max()
    assert (asks.t.to_numpy() > last_in.loc[asks.query_id].to_numpy()).all()
    np.testing.assert_array_equal(asks.t.to_numpy(), task.target_t.reshape(-1))


def test_own_constant_velocity_reproduces_eval_rows(city, exported, tmp_path):
    inputs, asks = map(_read, exported)
    files = []
    for use_time in (False, True):
        files.append(tmp_path / f"cv_{'time' if use_time else 'step'}.csv")
        constant_velocity(inputs, asks, use_time).to_csv(files[-1], index=False)
    js = tmp_path / "eval.json"
    run_cli(["eval", "--task", "predict", "--data", city, "--windows", "all",
             "--predictions", files[0], "--predictions", files[1], "--predictions-name", "mine",
             "--out", js])  # fmt: skip
    rows = _rows(js)
    for mine, theirs in (("mine: cv_step", "constant velocity"),
                         ("mine: cv_time", "constant velocity [time]")):  # fmt: skip
        for metric in ("mae_m", "rmse_m", "fde_m"):
            got, want = rows[mine]["metrics"][metric], rows[theirs]["metrics"][metric]
            assert got == pytest.approx(want, rel=1e-9, abs=1e-6), (mine, metric)
        assert rows[mine]["n_points"] == rows[theirs]["n_points"]
        best = rows[mine]["ratio_to_best_baseline"]
        assert best["baseline"] == rows[theirs]["ratio_to_best_baseline"]["baseline"]
        assert best["ratio"] == pytest.approx(rows[theirs]["ratio_to_best_baseline"]["ratio"])
    assert "mine (mean ± std over 2 files)" in rows  # a method's several files: one more row
    record = json.loads(js.read_text())["predictions"]  # which rows are answers, from where
    assert record["mine: cv_step"] == str(files[0])
    said = json.loads(js.read_text())["verdict"]
    assert [v["method"] for v in said] == ["mine (mean ± std over 2 files)"]


QUIET = pytest.mark.filterwarnings("ignore::trajlm.eval.few_scored.FewScoredWarning")


@QUIET  # a synthetic city's few val trips: the smoke-test line is expected
def test_python_queries_and_score_on_val(city):
    inputs, asks = trajlm.queries(city, split="val")
    answers = constant_velocity(inputs, asks, use_time=False)
    table = trajlm.score(city, answers.sample(frac=1.0, random_state=0), name="kalman",
                         split="val")  # fmt: skip  # any row order: matched by key
    by = table.set_index("method")
    assert by.loc["kalman", "mae_m"] == pytest.approx(by.loc["constant velocity", "mae_m"])
    assert "val" in table.attrs["markdown"] and "kalman" in table.attrs["verdict"][0]["text"]
    with pytest.raises(TrajlmInputError, match="no answer"):
        trajlm.score(city, answers.iloc[5:], split="val")


@pytest.mark.parametrize(
    "edit, said",
    [
        (lambda a: a.iloc[1:], "1 of .* asks have no answer .*not scored"),
        (lambda a: pd.concat([a, a.iloc[[3]]]), r"line \d+ field query_id: .* answered twice"),
        (
            lambda a: a.assign(query_id=a.query_id.where(a.index != 2, "nope@1")),
            "line 4 field query_id: 'nope@1' is no window",
        ),
        (lambda a: a.assign(lat=a.lat.where(a.index != 6, np.nan)), "line 8 field lat: .*finite"),
        (lambda a: a.assign(k=a.k.where(a.index != 0, 6)), "line 2 field k: 6 is outside 1..5"),
        (lambda a: a.drop(columns="lon"), "no column lon"),
        (
            lambda a: a.assign(k=a.k.astype(float).where(a.index != 0, 1.5)),
            "line 2 field k: '1.5' is not an integer",
        ),
        (lambda a: a.assign(lon=a.lon.where(a.index != 1, 400.0)), "line 3 field lat/lon"),
    ],
)
def test_bad_answers_refused_whole_in_one_line(exported, tmp_path, edit, said):
    inputs, asks = map(_read, exported)
    answers = constant_velocity(inputs, asks, use_time=False)
    path = tmp_path / "answers.csv"
    edit(answers).to_csv(path, index=False)
    ids = list(dict.fromkeys(inputs.query_id))
    with pytest.raises(TrajlmInputError, match=said):
        match_answers(read_answers(path, str(path)), ids, 5, str(path))


def test_bad_answer_file_is_exit_2_before_any_fitting(city, exported, tmp_path):
    inputs, asks = map(_read, exported)
    path = tmp_path / "one_window.csv"  # the --windows all file given to a one-window eval
    constant_velocity(inputs, asks, use_time=False).to_csv(path, index=False)
    r = invoke_cli(["eval", "--task", "predict", "--data", city, "--predictions", path])
    assert r.exit_code == 2 and "is no window of this split" in r.output
    assert "tuning the kNN" not in r.output  # refused before the baselines are fitted


@pytest.mark.parametrize(
    "args, said",
    [
        (["--task", "tte", "--predictions", "A"], "implemented for --task predict and recover"),
        (["--task", "predict", "--predictions-name", "x"], "give --predictions FILE"),
        (["--task", "predict", "--predictions", "A", "--shift", "clock=+8h"], "with --shift"),
        (["--task", "predict", "--predictions", "missing.csv"], "no such file"),
        (["--task", "predict", "--predictions", "a.txt"], "expected a .csv or .parquet"),
        (
            [
                "--task",
                "predict",
                "--predictions",
                "A",
                "--predictions-name",
                "x",
                "--predictions-name",
                "y",
            ],
            "given 2 times for 1 --predictions",
        ),
    ],
)
def test_answer_options_checked_first(city, exported, args, said):
    args = [str(exported[0]) if a == "A" else a for a in args]
    r = invoke_cli(["eval", "--data", city, *args])
    assert r.exit_code == 2 and said in r.output, r.output


def test_queries_never_overwrite(city, exported, tmp_path):
    out = tmp_path / "q.parquet"
    run_cli(["data", "queries", city, "--out", out])
    assert pl.read_parquet(out.with_name("q.asks.parquet")).columns == ["query_id", "traj_id",
                                                                         "k", "t"]  # fmt: skip
    r = invoke_cli(["data", "queries", city, "--out", out])
    assert r.exit_code == 2
    r = invoke_cli(["data", "queries", city, "--out", tmp_path / "q.json"])
    assert r.exit_code == 2 and ".csv or .parquet" in r.output


def test_one_name_per_file_is_a_method_each(city, exported, tmp_path):
    inputs, asks = map(_read, exported)
    js = tmp_path / "eval.json"
    files = []
    for use_time in (False, True):
        files.append(tmp_path / f"cv{int(use_time)}.parquet")
        constant_velocity(inputs, asks, use_time).to_parquet(files[-1])
    run_cli(["eval", "--task", "predict", "--data", city, "--windows", "all", "--out", js,
             "--predictions", files[0], "--predictions", files[1],
             "--predictions-name", "step", "--predictions-name", "time"])  # fmt: skip
    rows = _rows(js)
    assert rows["step"]["metrics"]["mae_m"] == pytest.approx(
        rows["constant velocity"]["metrics"]["mae_m"]
    )
    assert not any("mean ± std" in m for m in rows)  # two methods, no average of them
    assert [v["method"] for v in json.loads(js.read_text())["verdict"]] == ["step", "time"]


@QUIET
def test_docs_worked_example_runs(city, tmp_path, monkeypatch):
    """docs/protocol.md's session-34 example, as a user pastes it (stores/city: a store)."""
    text = (Path(__file__).resolve().parents[1] / "docs" / "protocol.md").read_text()
    section = text[text.index("## Session 34 (byo34)") :]
    block = section[section.index("```python\n") + 10 :]
    block = block[: block.index("```")]
    (tmp_path / "stores").mkdir()
    (tmp_path / "stores" / "city").symlink_to(city)
    monkeypatch.chdir(tmp_path)
    space: dict = {}
    exec(compile(block, "docs/protocol.md", "exec"), space)
    table = space["table"]
    by = table.set_index("method")
    assert by.loc["my constant velocity", "mae_m"] == pytest.approx(
        by.loc["constant velocity", "mae_m"]
    )


def linear_interpolation(inputs: pd.DataFrame, asks: pd.DataFrame) -> pd.DataFrame:
    """The user's own lines for recovery: each hidden point interpolated in time between the
    known fixes of its query."""
    parts = []
    for qid, ask in asks.groupby("query_id", sort=False):
        known = inputs[inputs.query_id == qid]
        parts.append(pd.DataFrame({"query_id": qid, "k": ask.k,
                                   "lat": np.interp(ask.t, known.t, known.lat),
                                   "lon": np.interp(ask.t, known.t, known.lon)}))  # fmt: skip
    return pd.concat(parts)


def test_recover_answers_reproduce_linear_interpolation(city, tmp_path):
    out = tmp_path / "r.csv"
    run_cli(["data", "queries", city, "--task", "recover", "--seeds", "2", "--out", out])
    inputs, asks = _read(out), _read(tmp_path / "r.asks.csv")
    assert "lat" not in asks.columns and set(asks.query_id) <= set(inputs.query_id)
    assert not set(zip(asks.query_id, asks.t, strict=True)) & set(
        zip(inputs.query_id, inputs.t, strict=True)
    )
    answers = tmp_path / "li.csv"
    linear_interpolation(inputs, asks).to_csv(answers, index=False)
    js = tmp_path / "eval.json"
    run_cli(["eval", "--task", "recover", "--data", city, "--seeds", "2", "--out", js,
             "--predictions", answers, "--predictions-name", "mine"])  # fmt: skip
    got = json.loads(js.read_text())["results"]
    settings = {r["setting"] for r in got}
    assert {"random 50%", "every 60 s", "every 120 s", "every 240 s"} <= settings
    for setting in settings:
        rows = {r["method"]: r for r in got if r["setting"] == setting}
        for metric in ("mae_m", "rmse_m"):
            assert rows["mine"]["metrics"][metric] == pytest.approx(
                rows["linear interp."]["metrics"][metric], rel=1e-9
            ), (setting, metric)
        assert rows["mine"]["std"] == pytest.approx(rows["linear interp."]["std"])
    r = invoke_cli(["eval", "--task", "recover", "--data", city, "--seeds", "1",
                    "--predictions", answers])  # fmt: skip  # seed 1's masks were not asked
    assert r.exit_code == 2 and "'random-seed1|" in r.output and "no gap query" in r.output


def test_answers_stand_beside_a_trajlm_model(city, exported, tmp_path, trajlm_small):
    inputs, asks = map(_read, exported)
    answers = tmp_path / "cv.csv"
    constant_velocity(inputs, asks, use_time=False).to_csv(answers, index=False)
    js = tmp_path / "eval.json"
    run_cli(["eval", "--task", "predict", "--data", city, "--windows", "all", "--out", js,
             "--model", "trajlm-small", "--no-fallback", "--predictions", answers,
             "--predictions-name", "mine"])  # fmt: skip
    rows = _rows(js)
    assert "mine" in rows and any(m.startswith("trajlm") for m in rows)
    judged = {v["method"] for v in json.loads(js.read_text())["verdict"]}
    assert "mine" in judged and any(m.startswith("trajlm") for m in judged)
    assert rows["mine"]["metrics"]["mae_m"] == pytest.approx(
        rows["constant velocity"]["metrics"]["mae_m"]
    )
