"""Session 28 (apieval28): ``TrajLM.evaluate`` gives `trajlm eval --model`'s table as a pandas
DataFrame, through the CLI's own eval code; a frame is split as ``TrajLM.fit`` splits it."""

from __future__ import annotations

import json

import numpy as np
import pytest
from reliability_helpers import invoke

from trajlm.api_fit import frame_store
from trajlm.data.synthetic import generate_city
from trajlm.errors import TrajlmInputError


@pytest.fixture(scope="module")
def points():
    """A tiny synthetic city as a pandas frame (the notebook user's input)."""
    return generate_city(n_trajectories=16, seed=5).points.drop("label").to_pandas()


def test_frame_table_equals_the_cli_table_on_the_same_split(points, tmp_path, trajlm_small):
    """The frame goes in as fit(frame) splits it; `trajlm eval` on that store gives the same
    rows (methods) and numbers (metrics, ratios and their CIs, verdict)."""
    store = tmp_path / "store"
    frame_store(points, store, {})
    out = tmp_path / "eval.json"
    r = invoke("eval", "--task", "predict", "--data", store, "--model", "trajlm-small",
               "--out", out)  # fmt: skip
    assert r.exit_code == 0, r.output
    cli = json.loads(out.read_text())
    got = trajlm_small.evaluate(points, task="predict")
    assert got.attrs["meta"]["split_sizes"]["test"]["n_trajectories"] >= 2  # a CI, not one trip
    assert list(got["method"]) == [row["method"] for row in cli["results"]]
    assert "trajlm:trajlm-small" in set(got["method"]) and "kNN continuation" in set(got["method"])
    for rec, row in zip(got.to_dict("records"), cli["results"], strict=True):
        for key, value in row["metrics"].items():
            assert rec[key] == pytest.approx(value, rel=1e-9), (row["method"], key)
        ratio = row["ratio_to_best_baseline"]
        assert rec["ratio_to_best_baseline"] == pytest.approx(ratio["ratio"], rel=1e-9)
        assert [rec["ratio_to_best_baseline_lo"], rec["ratio_to_best_baseline_hi"]] == (
            pytest.approx(ratio["ci95"], rel=1e-9))  # fmt: skip
        assert rec["best_baseline"] == ratio["baseline"]
        assert rec["n_trajectories"] == row["n_trajectories"]
    assert got.attrs["verdict"] == cli["verdict"]
    assert (
        got.attrs["markdown"].splitlines()[-1]
        == out.with_suffix(".md").read_text().splitlines()[-1]
    )


def test_frame_columns_follow_the_table(tmp_path):
    """One column per number of the table: metrics, their spread, ratio with CI, sizes."""
    from trajlm.eval.report import EvalResult
    from trajlm.eval.report_frame import result_frame

    rows = [{"setting": "random 50%", "method": m, "metrics": {"mae_m": v},
             "std": {"mae_m": sd}, "n_trajectories": 9, "n_points": 90, "fit_s": 0.0,
             "predict_s": 0.1, **extra}
            for m, v, sd, extra in (
                ("linear interpolation", 50.0, 1.0, {}),
                ("trajlm:a", 40.0, None, {"ratio_to_best_baseline": {
                    "ratio": 0.8, "ci95": [0.7, 0.9], "baseline": "linear interpolation"}}))]  # fmt: skip
    got = result_frame(
        EvalResult("recover", rows, {"verdict": [{"split": "test split", "text": "t"}]})
    )
    assert list(got.columns) == ["setting", "method", "mae_m", "mae_m_std",
                                 "ratio_to_best_baseline", "ratio_to_best_baseline_lo",
                                 "ratio_to_best_baseline_hi", "best_baseline", "n_trajectories",
                                 "n_points", "fit_s", "predict_s"]  # fmt: skip
    assert np.isnan(got.loc[1, "mae_m_std"]) and got.loc[0, "mae_m_std"] == 1.0
    assert (
        np.isnan(got.loc[0, "ratio_to_best_baseline"])
        and got.loc[0, "best_baseline"] != got.loc[0, "best_baseline"]
    )  # NaN
    assert got.loc[1, ["ratio_to_best_baseline_lo", "ratio_to_best_baseline_hi"]].tolist() == [
        0.7,
        0.9,
    ]
    assert got.attrs["task"] == "recover" and got.attrs["verdict"][0]["text"] == "t"
    assert "| trajlm:a | 40.0 |" in got.attrs["markdown"]


@pytest.mark.parametrize(
    "kwargs,names",
    [
        ({"task": "clasify"}, "task: unknown value 'clasify'"),
        ({"task": "classify"}, "trajlm eval --task"),
        ({"split": "train"}, "split must be 'test' or 'val'"),
        ({"seeds": 0}, "seeds must be an integer >= 1"),
        ({"fallback": "no"}, "fallback must be True or False"),
        ({"spilt": "val"}, "unexpected keyword argument 'spilt'"),
        ({"task": "tte"}, "task='tte': this checkpoint has no infilling heads"),
    ],
)
def test_bad_arguments_are_one_line_naming_them(kwargs, names, trajlm_small, tmp_path):
    with pytest.raises((TrajlmInputError, TypeError)) as e:
        trajlm_small.evaluate(tmp_path, **kwargs)
    assert names in str(e.value) and "\n" not in str(e.value).split(" (hint")[0]


def test_a_path_that_is_no_store_is_refused_naming_data(trajlm_small, tmp_path):
    with pytest.raises(TrajlmInputError, match=r"^data .*not a trajlm store"):
        trajlm_small.evaluate(tmp_path)
    with pytest.raises(TrajlmInputError, match="column keywords apply to a frame"):
        trajlm_small.evaluate(tmp_path, traj_col="id")
