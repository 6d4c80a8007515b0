"""Session 35 (outside35): a paired CI between any two rows of an eval table (`trajlm eval
--compare "A,B"`, ``trajlm.score(compare=)``), and `trajlm data queries --horizon-s` /
`--at-report-times`, whose answers `trajlm eval --predictions` scores on eval's own windows."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import invoke_cli, run_cli

import trajlm
from trajlm.data.store import write_store
from trajlm.data.synthetic import generate_city
from trajlm.errors import TrajlmInputError
from trajlm.eval.compare import paired_bootstrap_ci
from trajlm.eval.row_pairs import check_pair_specs, resolve_pairs

QUIET = pytest.mark.filterwarnings("ignore::trajlm.eval.few_scored.FewScoredWarning")


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("outside35") / "city"
    write_store(generate_city(n_trajectories=80, seed=5).points.drop("label"), d)
    return d


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"query_id": str, "traj_id": str})


def cv_time(inputs: pd.DataFrame, asks: pd.DataFrame) -> pd.DataFrame:
    """Constant velocity per second to each ask's time, in plain pandas (as byo34's)."""
    last2 = inputs.sort_values(["query_id", "step"]).groupby("query_id").tail(2)
    first, last = last2.groupby("query_id").first(), last2.groupby("query_id").last()
    a = asks.join(last[["lat", "lon", "t"]].add_suffix("0"), on="query_id")
    a = a.join((last[["lat", "lon", "t"]] - first[["lat", "lon", "t"]]).add_prefix("d"),
               on="query_id")  # fmt: skip
    ahead = (a.t - a.t0) / a.dt
    return pd.DataFrame({"query_id": a.query_id, "k": a.k, "lat": a.lat0 + ahead * a.dlat,
                         "lon": a.lon0 + ahead * a.dlon})  # fmt: skip


@pytest.fixture(scope="module")
def all_windows(city, tmp_path_factory) -> Path:
    """Constant velocity [time]'s answers to every window, named with a comma."""
    d = tmp_path_factory.mktemp("allw")
    run_cli(["data", "queries", city, "--out", d / "q.csv", "--windows", "all"])
    cv_time(_read(d / "q.csv"), _read(d / "q.asks.csv")).to_csv(d / "cv.csv", index=False)
    return d / "cv.csv"


def _json(path: Path) -> dict:
    return json.loads(path.read_text())


# ------------------------------------------------------------------------------ --compare


def test_weighted_paired_difference_is_the_pooled_one():
    rng = np.random.default_rng(1)
    a, b, w = rng.gamma(2, 10, 40), rng.gamma(2, 10, 40), rng.integers(1, 9, 40)
    got = paired_bootstrap_ci(a, b, weights=w)
    assert got["diff"] == pytest.approx((w * (a - b)).sum() / w.sum())
    assert got["rel"] == pytest.approx(got["diff"] / ((w * b).sum() / w.sum()))
    assert got["lo"] < got["diff"] < got["hi"]
    plain = paired_bootstrap_ci(a, b)  # no weights: the old mean, unchanged
    assert plain["diff"] == pytest.approx((a - b).mean()) and plain != got
    with pytest.raises(ValueError, match="weights"):
        paired_bootstrap_ci(a, b, weights=w[:3])


BASELINES = (
    "constant velocity",
    "linear-3",
    "constant velocity [time]",
    "linear-3 [time, fit]",
    "kNN continuation",
    "kNN continuation (place-aware)",
)


def test_compare_any_two_rows_matches_the_table(city, all_windows, tmp_path):
    js = tmp_path / "eval.json"
    name = "cv (pandas, time)"  # a comma in a row's name: the spec is split where rows match
    run_cli(["eval", "--task", "predict", "--data", city, "--windows", "all",
             "--predictions", all_windows, "--predictions-name", name,
             "--compare", f"{name},constant velocity [time]",
             *[x for b in BASELINES[1:] for x in ("--compare", f"constant velocity,{b}")],
             "--out", js])  # fmt: skip
    doc = _json(js)
    rows = {r["method"]: r for r in doc["results"]}
    same, *others = doc["comparisons"]
    assert (same["a"], same["b"]) == (name, "constant velocity [time]")
    assert same["diff"] == pytest.approx(0.0, abs=1e-6) and same["verdict"] == "level"
    # A against the strongest baseline: the table's own ratio and CI (the same bootstrap)
    best = rows["constant velocity"]["ratio_to_best_baseline"]
    vs_best = next(e for e in others if e["b"] == best["baseline"])
    assert vs_best["ratio"] == pytest.approx(best["ratio"])
    assert vs_best["ratio_ci95"] == pytest.approx(best["ci95"])
    # the means compared are the table's MAEs (k-step: weighted by windows)
    for e in others:
        assert e["a_value"] == pytest.approx(rows[e["a"]]["metrics"]["mae_m"])
        assert e["b_value"] == pytest.approx(rows[e["b"]]["metrics"]["mae_m"])
        assert e["diff"] == pytest.approx(e["a_value"] - e["b_value"])
        lo, hi = e["ci95"]
        assert lo <= e["diff"] <= hi and e["n"] == rows[e["a"]]["n_trajectories"]
        want = {True: f"{e['a']} better", False: f"{e['b']} better"}
        assert e["verdict"] == (want[hi < 0] if hi < 0 or lo > 0 else "level")
    md = js.with_suffix(".md").read_text()
    assert "Paired comparisons (--compare)" in md and f"| {name} | constant velocity [time] |" in md


@pytest.mark.parametrize(
    "spec, said",
    [
        ("constant velocity", "two row names of the table joined by a comma"),
        ("constant velocity,", "a row name is empty"),
        ("constant velocity,nope", "names no two rows of this table (its rows: constant velocity"),
        ("linear-3,linear-3", "a row compared with itself"),
    ],
)
def test_compare_refused_in_one_line(city, spec, said):
    r = invoke_cli(["eval", "--task", "predict", "--data", city, "--compare", spec])
    assert r.exit_code == 2 and said in r.output and "Traceback" not in r.output, r.output


def test_a_refused_pair_keeps_the_table(city, tmp_path):
    js = tmp_path / "eval.json"  # minutes of scoring are not lost to a mistyped row name
    # fix39: a name no row can have is refused before scoring; one that a row made after
    # scoring might have (" (": "X (val-checked: knn)") is checked once the table exists
    r = invoke_cli(["eval", "--task", "predict", "--data", city, "--compare",
                    "linear-3,nope (val-checked: knn)", "--out", js])  # fmt: skip
    assert r.exit_code == 2 and "names no two rows" in r.output
    assert "| k=5 | linear-3 |" in r.output and js.is_file() and "comparisons" not in _json(js)


def test_compare_specs_resolve_commas_and_pairs():
    names = ["a, b", "c", "a", "b, c"]
    assert resolve_pairs(check_pair_specs(["a, b,c"]), names) == [("a, b", "c")]
    assert resolve_pairs(check_pair_specs([("a", "c")]), names) == [("a", "c")]
    with pytest.raises(TrajlmInputError, match="reads as two pairs"):
        resolve_pairs(check_pair_specs(["a, b, c"]), names)  # "a, b" | "c" or "a" | "b, c"
    with pytest.raises(TrajlmInputError, match="give two row names"):
        check_pair_specs([("a",)])
    # a model row by its run's name, less the kind tag, where no other row is called so
    tagged = ["trajlm:small (bridge)", "akima spline", "trajlm:x", "route:x"]
    assert resolve_pairs(["small (bridge),akima spline"], tagged) == [
        ("trajlm:small (bridge)", "akima spline")]  # fmt: skip
    with pytest.raises(TrajlmInputError, match="names no two rows"):
        resolve_pairs(["x,akima spline"], tagged)  # two rows end in "x": no guess


@QUIET
def test_score_compare_from_python(city):
    inputs, asks = trajlm.queries(city)
    table = trajlm.score(city, cv_time(inputs, asks), name="mine",
                         compare=[("mine", "linear-3"), "mine,constant velocity [time]"])  # fmt: skip
    got = table.attrs["comparisons"]
    assert [(e["a"], e["b"]) for e in got] == [("mine", "linear-3"),
                                               ("mine", "constant velocity [time]")]  # fmt: skip
    assert got[1]["diff"] == pytest.approx(0.0, abs=1e-6)
    with pytest.raises(TrajlmInputError, match="compare 'mine,nope'"):
        trajlm.score(city, cv_time(inputs, asks), name="mine", compare=["mine,nope"])


# ------------------------------------------------------------------ timed windows exported


def test_horizon_queries_are_evals_windows(city, tmp_path):
    run_cli(["data", "queries", city, "--horizon-s", "60,30", "--out", tmp_path / "h.csv"])
    inputs, asks = _read(tmp_path / "h.csv"), _read(tmp_path / "h.asks.csv")
    assert list(asks.columns) == ["query_id", "traj_id", "k", "t", "ahead_s"]  # no truth
    assert inputs.query_id.str.startswith("at+30+60s|").all()
    last = inputs.groupby("query_id").t.max()
    np.testing.assert_array_equal(asks.t - last.loc[asks.query_id].to_numpy(), asks.ahead_s)
    assert all(ks == [1, 2] for ks in asks.groupby("query_id").k.apply(list))
    assert (asks.ahead_s == asks.k.map({1: 30.0, 2: 60.0})).all()  # k: ascending horizons
    answers = cv_time(inputs, asks)
    answers.to_csv(tmp_path / "cv.csv", index=False)
    js = tmp_path / "eval.json"
    run_cli(["eval", "--task", "predict", "--data", city, "--horizon-s", "30,60",
             "--predictions", tmp_path / "cv.csv", "--predictions-name", "pandas cv",
             "--compare", "pandas cv,constant velocity [time]", "--out", js])  # fmt: skip
    rows = {(r["setting"], r["method"]): r for r in _json(js)["results"]}
    for setting in ("+30s", "+60s"):
        mine, theirs = rows[(setting, "pandas cv")], rows[(setting, "constant velocity [time]")]
        for metric in ("mae_m", "rmse_m"):
            assert mine["metrics"][metric] == pytest.approx(theirs["metrics"][metric], rel=1e-9,
                                                            abs=1e-9)  # fmt: skip
        assert mine["n_points"] == theirs["n_points"] > 0
    assert [e["verdict"] for e in _json(js)["comparisons"]] == ["level", "level"]
    # answers written for other horizons are foreign windows, never scored as these
    r = invoke_cli(["eval", "--task", "predict", "--data", city, "--horizon-s", "45,60",
                    "--predictions", tmp_path / "cv.csv"])  # fmt: skip
    assert r.exit_code == 2 and "is no horizon window of this split" in r.output, r.output
    r = invoke_cli(["eval", "--task", "predict", "--data", city,
                    "--predictions", tmp_path / "cv.csv"])  # fmt: skip
    assert r.exit_code == 2 and "is no window of this split" in r.output


@QUIET
def test_report_time_queries_score_as_they_stand(city, tmp_path):
    run_cli(["data", "queries", city, "--at-report-times", "--out", tmp_path / "r.csv"])
    run_cli(["data", "queries", city, "--out", tmp_path / "k.csv"])
    for part in ("r.csv", "r.asks.csv"):  # the k-step windows: the asks' t are report times
        pd.testing.assert_frame_equal(_read(tmp_path / part),
                                      _read(tmp_path / part.replace("r.", "k.")))  # fmt: skip
    inputs, asks = trajlm.queries(city, at_report_times=True)
    table = trajlm.score(city, cv_time(inputs, asks), name="mine", at_report_times=True)
    by = table.set_index("method")
    assert by.loc["mine", "setting"] == "k=5, at report times"
    assert by.loc["mine", "mae_m"] == pytest.approx(by.loc["constant velocity [time]", "mae_m"])
    assert "mine: no predict_at" not in table.attrs["markdown"]  # its asks named the times


@pytest.mark.parametrize(
    "args, said",
    [
        (["--task", "recover", "--horizon-s", "60"], "goes with --task predict"),
        (["--at-report-times", "--windows", "all"], "scores one window per trajectory"),
        (["--at-report-times", "--horizon-s", "60"], "give one"),
        (["--horizon-s", "60,,300"], "item 2 is empty"),
        (["--horizon-s", "60", "--windows", "all"], "with --horizon-s"),
    ],
)
def test_timed_query_options_refused_in_one_line(city, tmp_path, args, said):
    r = invoke_cli(["data", "queries", city, "--out", tmp_path / "q.csv", *args])
    assert r.exit_code == 2 and said in r.output and "Traceback" not in r.output, r.output
    assert not (tmp_path / "q.csv").exists()


def test_python_horizon_keyword_checked(city):
    with pytest.raises(TrajlmInputError, match="horizon_s"):
        trajlm.queries(city, horizon_s={"a": 1})
    inputs, asks = trajlm.queries(city, horizon_s=[30, 60])
    assert inputs.query_id.str.startswith("at+30+60s|").all() and set(asks.k) == {1, 2}


# ------------------------------------------------------------- the two outside methods


@pytest.fixture
def methods(monkeypatch):
    """scripts/outside35's RTS smoother and CTRV predictor (they import their shared CLI)."""
    from helpers import load_script

    monkeypatch.syspath_prepend(str(Path(__file__).parents[1] / "scripts" / "outside35"))
    return load_script("outside35", "rts_smoother.py"), load_script("outside35", "ctrv.py")


def _arc(n: int, radius_m: float = 200.0):
    """A half circle (in metres) driven at a constant speed, a fix every 10 s."""
    th = np.linspace(0, np.pi, n)
    lat = 41 + radius_m * np.sin(th) / 111_195
    return np.arange(n) * 10.0, lat, -8 + radius_m * np.cos(th) / (111_195 * np.cos(np.radians(41)))


def _error_m(lat, lon, want_lat, want_lon):
    return np.hypot((lat - want_lat) * 111_195, (lon - want_lon) * 111_195 * np.cos(np.radians(41)))


def test_rts_smoother_fills_gaps_of_lines_and_arcs(methods):
    rts, _ = methods
    t, lat, lon = _arc(21)
    hidden = np.arange(1, 20, 2)
    known = np.setdiff1d(np.arange(21), hidden)
    line_lat, line_lon = 41 + t * 1e-5, -8 + t * 2e-5  # a straight line at a constant speed
    inputs = pd.concat([
        pd.DataFrame({"query_id": "arc", "traj_id": "a", "step": known, "t": t[known],
                      "lat": lat[known], "lon": lon[known]}),
        pd.DataFrame({"query_id": "line", "traj_id": "b", "step": known, "t": t[known],
                      "lat": line_lat[known], "lon": line_lon[known]})])  # fmt: skip
    asks = pd.DataFrame({"query_id": np.repeat(["line", "arc"], len(hidden)), "traj_id": "x",
                         "k": np.tile(np.arange(1, 11), 2), "step": np.tile(hidden, 2),
                         "t": np.tile(t[hidden], 2)})  # fmt: skip
    got = rts.answers(inputs, asks, q=1.0, r=1.0)
    assert list(got.columns) == ["query_id", "k", "lat", "lon"] and len(got) == len(asks)
    line, arc = got.iloc[:10], got.iloc[10:]
    assert _error_m(line.lat, line.lon, line_lat[hidden], line_lon[hidden]).max() < 0.5
    straight = _error_m(np.interp(t[hidden], t[known], lat[known]),
                        np.interp(t[hidden], t[known], lon[known]), lat[hidden], lon[hidden])  # fmt: skip
    smoothed = _error_m(arc.lat.to_numpy(), arc.lon.to_numpy(), lat[hidden], lon[hidden])
    assert smoothed.mean() < 0.5 * straight.mean()  # the velocity carries the curve


def test_ctrv_follows_a_turn_and_is_constant_velocity_unturned(methods):
    _, ctrv = methods
    t, lat, lon = _arc(30)
    inputs = pd.DataFrame({"query_id": "q", "traj_id": "a", "step": np.arange(25), "t": t[:25],
                           "lat": lat[:25], "lon": lon[:25]})  # fmt: skip
    asks = pd.DataFrame({"query_id": "q", "traj_id": "a", "k": np.arange(1, 6), "t": t[25:]})
    want = (lat[25:], lon[25:])
    for ahead in ("time", "step"):
        turned = ctrv.answers(inputs, asks, turns=2, shrink=1.0, ahead=ahead)
        straight = ctrv.answers(inputs, asks, turns=2, shrink=0.0, ahead=ahead)
        assert _error_m(turned.lat, turned.lon, *want).max() < 1.0  # on the circle
        # shrink 0: the last move repeated, as constant velocity
        step = np.arange(1, 6)
        cv_lat, cv_lon = lat[24] + step * (lat[24] - lat[23]), lon[24] + step * (lon[24] - lon[23])
        assert _error_m(straight.lat, straight.lon, cv_lat, cv_lon).max() < 1e-3
        assert _error_m(straight.lat, straight.lon, *want).max() > 20.0
