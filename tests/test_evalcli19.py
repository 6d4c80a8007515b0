"""Session 19 (evalcli19): the verdict under `trajlm eval`'s table (trainuser19: the table had
ratios and CIs but no sentence), in the printed table, the .md and the JSON ("verdict")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from reliability_helpers import invoke

from trajlm.data.store import write_store
from trajlm.data.synthetic import generate_city
from trajlm.eval.report import EvalResult
from trajlm.eval.verdict import split_phrase, verdicts


def _ratio_row(method: str, ratio: float, lo: float, hi: float, n: int = 40, **extra) -> dict:
    return {"setting": "k=5", "method": method, "metrics": {"mae_m": 100.0 * ratio},
            "n_trajectories": n, "n_points": 5 * n, "fit_s": 0.0, "predict_s": 0.0,
            "ratio_to_best_baseline": {"ratio": ratio, "ci95": [lo, hi], "baseline": "kNN",
                                       "n": n}, **extra}  # fmt: skip


def _predict(*rows: dict, **meta) -> EvalResult:
    base = _ratio_row("kNN", 1.0, 1.0, 1.0)
    return EvalResult("predict", [base, *rows], {"baselines": ["kNN"], **meta})


@pytest.mark.parametrize(
    "ratio,lo,hi,word,side",
    [
        (0.80, 0.70, 0.90, "better", "20.0 % below kNN"),
        (0.95, 0.85, 1.02, "level", "5.0 % below kNN"),  # a CI crossing 1 is never "better"
        (0.99, 0.90, 1.00, "level", "1.0 % below kNN"),  # touching 1 is not below it
        (1.30, 1.10, 1.50, "worse", "30.0 % above kNN"),
        (1.02, 0.97, 1.08, "level", "2.0 % above kNN"),
    ],
)
def test_ratio_verdict_word_follows_the_whole_interval(ratio, lo, hi, word, side):
    (v,) = verdicts(_predict(_ratio_row("trajlm:a", ratio, lo, hi)))
    assert v["verdict"] == word and v["baseline"] == "kNN" and v["unit"] == "%"
    assert side in v["text"] and v["text"].endswith(f": {word}")
    assert v["ci95"] == pytest.approx([100 * (lo - 1), 100 * (hi - 1)])
    assert f"{100 * (lo - 1):+.1f}..{100 * (hi - 1):+.1f} %" in v["text"]


def test_accuracy_difference_is_higher_better_in_points():
    """classify / similarity: accuracy (top-1) minus the strongest baseline's, in pp."""
    rows = [{"setting": "time split", "method": m, "metrics": {},
             "diff_to_best_baseline": {"diff": d, "ci95": ci, "baseline": "random forest",
                                       "metric": "accuracy_pct", "n": 300}}
            for m, d, ci in (("random forest", 0.0, [0.0, 0.0]), ("trajlm:up", 4.0, [1.5, 6.0]),
                             ("trajlm:flat", 1.0, [-0.5, 2.5]),
                             ("trajlm:down", -3.0, [-5.0, -1.0]))]  # fmt: skip
    got = {v["method"]: v for v in verdicts(EvalResult("classify", rows, {"split_by": "time"}))}
    assert set(got) == {"trajlm:up", "trajlm:flat", "trajlm:down"}  # baselines are not judged
    assert [got[m]["verdict"] for m in ("trajlm:up", "trajlm:flat", "trajlm:down")] == [
        "better", "level", "worse"]  # fmt: skip
    assert (
        "accuracy 4.0 pp above random forest (95 % CI +1.5..+6.0 pp): better"
        in (got["trajlm:up"]["text"])
    )


def test_a_row_averaging_seeds_stands_for_its_runs():
    runs = ["trajlm:s0", "trajlm:s1", "trajlm:s2"]
    rows = [_ratio_row(m, 0.9, 0.8, 1.05) for m in runs]
    rows.append(_ratio_row("trajlm (mean ± std over 3 runs)", 0.88, 0.82, 0.95,
                           params={"runs": runs}))  # fmt: skip
    got = verdicts(_predict(*rows), models=runs)
    assert [v["method"] for v in got] == ["trajlm (mean ± std over 3 runs)"]
    assert got[0]["verdict"] == "better"


def test_only_the_named_models_are_judged_and_nan_is_no_verdict():
    rows = [
        _ratio_row("shortest path", 0.5, 0.4, 0.6),  # --network's baseline, not a model
        _ratio_row("candidate selector:sel", float("nan"), float("nan"), float("nan"), n=0),
    ]
    got = verdicts(_predict(*rows), models=["candidate selector:sel"])
    assert len(got) == 1 and got[0]["verdict"] == "none" and "no verdict" in got[0]["text"]
    assert json.loads(EvalResult("predict", [], {"verdict": got}).to_json())["verdict"][0][
        "change"] is None  # fmt: skip


def test_few_trajectories_are_called_a_smoke_test():
    (v,) = verdicts(_predict(_ratio_row("trajlm:a", 0.5, 0.3, 0.7, n=6)))
    assert v["verdict"] == "better" and "from 6 scored trajectories: a smoke test" in v["text"]


@pytest.mark.parametrize(
    "meta,phrase",
    [
        ({}, "test split"),
        ({"scored_split": "val", "split_by": "time"}, "val split"),
        ({"split_by": "hour=21"}, "test split, held out by hour=21"),
        ({"split_by": "user"}, "test split, held out by user"),
        ({"split_by": "per-source"}, "test split"),
        ({"split_by": "user_time"}, "test split, segments held out by user"),
    ],
)
def test_the_split_is_named(meta, phrase):
    assert split_phrase(meta) == phrase


def test_markdown_has_the_verdict_under_the_table():
    res = _predict(_ratio_row("trajlm:a", 0.8, 0.7, 0.9))
    res.meta["verdict"] = verdicts(res)
    md = res.to_markdown()
    assert md.splitlines()[-1].startswith("Verdict (test split): trajlm:a (k=5): MAE 20.0 %")
    assert "verdict" not in _predict().to_markdown().lower()


# ----------------------------------------------------------------------------- the CLI
@pytest.fixture(scope="module")
def city(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("evalcli19") / "city"
    write_store(generate_city(n_trajectories=60, seed=3).points.drop("label"), d)
    return d


def test_eval_prints_and_writes_the_verdict_naming_the_hold_out(city, tmp_path, trajlm_small):
    out = tmp_path / "p.json"
    r = invoke("eval", "--task", "predict", "--data", city, "--model", "trajlm-small",
               "--holdout-by", "user", "--shift", "clock=+8h", "--out", out)  # fmt: skip
    assert r.exit_code == 0, r.output
    got = json.loads(out.read_text())["verdict"]
    rows = json.loads(out.read_text())["results"]
    assert {v["setting"] for v in got} == {"k=5", "k=5, clock=+8h"}
    for v in got:
        row = next(x for x in rows if x["method"] == v["method"] and x["setting"] == v["setting"])
        ratio = row["ratio_to_best_baseline"]
        assert v["baseline"] == ratio["baseline"]  # the table's numbers, nothing new
        assert v["change"] == pytest.approx(100 * (ratio["ratio"] - 1))
        lo, hi = ratio["ci95"]
        assert v["verdict"] == ("better" if hi < 1 else "worse" if lo > 1 else "level")
        line = f"Verdict (test split, held out by user): {v['text']}"
        assert line in out.with_suffix(".md").read_text()
        assert " ".join(line.split()) in " ".join(r.output.split())


def test_eval_without_a_model_has_an_empty_verdict(city, tmp_path):
    out = tmp_path / "t.json"
    r = invoke("eval", "--task", "tte", "--data", city, "--out", out)
    assert r.exit_code == 0, r.output
    assert json.loads(out.read_text())["verdict"] == [] and "Verdict" not in r.output


def test_classify_rows_counting_their_runs_are_judged_by_name():
    """classify's rows keep ``params["runs"]`` as a count, not member names (a TypeError)."""
    row = {"setting": "time split", "method": "trajlm:clf", "params": {"runs": 3},
           "diff_to_best_baseline": {"diff": 2.0, "ci95": [-1.0, 5.0], "baseline": "GB",
                                     "metric": "accuracy_pct", "n": 50}}  # fmt: skip
    (v,) = verdicts(EvalResult("classify", [row], {}), models=["trajlm:clf"])
    assert v["verdict"] == "level"


def test_finetune_select_on_is_checked(tmp_path):
    """The opt-in `select_on` (session 19's measurement) names its two values."""
    from trajlm.finetune.trainer import finetune_next_point

    with pytest.raises(ValueError, match="select_on must be 'val_loss' or 'val_ade_m'"):
        finetune_next_point(None, tmp_path, tmp_path / "ft", select_on="val_mae")
