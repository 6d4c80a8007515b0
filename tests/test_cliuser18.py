"""Session 18 (cliuser18): a mobility researcher's `trajlm eval` / `finetune` on held-out data
(a new city at 60 s and 1 s, hurricanes, icebergs); each test failed before its fix
(docs/protocol.md "Session 18 (cliuser18)")."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from reliability_helpers import fails, invoke

from trajlm.data.store import write_store
from trajlm.data.synthetic import generate_city


def _points(n: int = 40, seed: int = 3) -> pl.DataFrame:
    return generate_city(n_trajectories=n, seed=seed).points


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> Path:
    """A synthetic city (its users kept, its labels dropped), for --holdout-by hour|user."""
    d = tmp_path_factory.mktemp("cliuser18") / "city"
    write_store(_points(60).drop("label"), d)
    return d


def _eval(*args) -> str:
    r = invoke("eval", *args)
    assert r.exit_code == 0, r.output
    return r.output


def test_eval_reads_stores_of_historical_records(tmp_path):
    """Hurricanes since 1944 and icebergs since 1978 ingested (--min-year 1900 / their named
    column maps), then every `trajlm eval` refused the store: "field t: before 1990 ...
    --min-year is an option of `trajlm data ingest`". A store's times are dates."""
    store = tmp_path / "storms"
    write_store(_points().with_columns(pl.col("t") - 40 * 365 * 86400), store)  # ~1985
    out = tmp_path / "p.json"
    text = _eval("--task", "predict", "--data", store, "--out", out)
    assert "before 1990" not in text
    rows = json.loads(out.read_text())["results"]
    assert {r["method"] for r in rows} >= {"constant velocity", "kNN continuation"}


def test_recover_at_the_stores_own_sampling_is_a_note_not_nan_rows(tmp_path):
    """A store sampled every 60 s: "every 60 s" hides nothing; the table had rows of
    `nan (nan-nan)` on 0 points, a raw numpy "Mean of empty slice" warning, and a
    "strongest baseline" chosen among NaNs."""
    pts = _points().with_columns(
        pl.col("t").min().over("traj_id") + 60 * pl.int_range(pl.len()).over("traj_id")
    )
    store = tmp_path / "sixty"
    write_store(pts, store)
    out = tmp_path / "r.json"
    text = _eval("--task", "recover", "--data", store, "--seeds", "1", "--out", out)
    assert "Mean of empty slice" not in text
    assert "every 60 s: no point hidden" in " ".join(text.split())
    res = json.loads(out.read_text())
    settings = {r["setting"] for r in res["results"]}
    assert "every 60 s" not in settings and "every 120 s" in settings
    assert all(r["n_points"] > 0 for r in res["results"])
    assert "nan" not in out.with_suffix(".md").read_text()


@pytest.mark.parametrize(
    "rule,words",
    [
        ("hour", ("held out by hour: test = trips starting", "UTC")),
        ("user", ("held out by user (user_id): test =", "none of them in train")),
    ],
)
def test_holdout_tables_name_the_split(city, tmp_path, rule, words):
    """`--holdout-by hour|user` tables (printed and .md) read "(test split; ...)" like the
    default one: docs/protocol.md says name the split; a reader could not tell them apart."""
    out = tmp_path / "h.json"
    text = " ".join(_eval("--task", "predict", "--data", city, "--holdout-by", rule,
                          "--out", out).split())  # fmt: skip
    md = out.with_suffix(".md").read_text().splitlines()[0]
    for w in words:
        assert w in text and w in md, (w, md)
    assert json.loads(out.read_text())["split_description"].startswith(f"held out by {rule}")


def test_default_split_title_unchanged(city, tmp_path):
    out = tmp_path / "d.json"
    _eval("--task", "tte", "--data", city, "--out", out)
    assert out.with_suffix(".md").read_text().startswith("### tte (test split; train:")


@pytest.mark.parametrize(
    "args,names",
    [
        (
            ["--task", "predict", "--split-by", "user_time"],
            ["--split-by", "classify", "--holdout-by"],
        ),
        (["--task", "recover", "--split-by", "user_time"], ["--split-by", "classify"]),
        (["--task", "predict", "--max-gap-s", "30"], ["--max-gap-s", "--horizon-s"]),
        (["--task", "predict", "--context", "motion"], ["--context", "--model"]),
    ],
)
def test_options_the_task_ignores_are_refused(city, args, names):
    """They ran as if not given (while --classes / --network with the wrong task were
    refused): a user believed the run used them."""
    text = fails("eval", "--data", city, *args, names=tuple(names))
    assert len(text.strip().splitlines()) == 1


def test_finetune_split_by_outside_classify_is_refused(city, tmp_path):
    fails("finetune", "--model", "trajlm-small", "--data", city, "--out", tmp_path / "f",
          "--task", "predict", "--split-by", "user_time", names=("--split-by", "classify"))  # fmt: skip
    assert not (tmp_path / "f").exists()


def test_task_names_of_the_readme(city, tmp_path):
    """`--task travel_time` (the API's name) and `--task modes` (the README's "transport
    modes") were refused as unknown values."""
    out = tmp_path / "t.json"
    _eval("--task", "travel_time", "--data", city, "--out", out)
    assert json.loads(out.read_text())["task"] == "tte"
    fails("eval", "--task", "modes", "--data", city, names=("no `label` column", "classify"))
    fails("finetune", "--task", "travel-time", "--model", "trajlm-small", "--data", city,
          "--out", tmp_path / "f", "--split-by", "user_time", names=("not 'tte'",))  # fmt: skip


def test_a_model_above_constant_velocity_is_said_in_a_line():
    """A model from one city scored 5.75x constant velocity on AIS and 4.5x on a bus route;
    only a ratio column (and coverage lines) said so."""
    from trajlm.cli_eval_notes import worse_than_cv
    from trajlm.eval.report import EvalResult

    rows = [
        {"setting": "k=5", "method": "constant velocity",
         "ratio_to_cv": {"ratio": 1.0, "ci95": [1.0, 1.0]}},
        {"setting": "k=5", "method": "trajlm:a",
         "ratio_to_cv": {"ratio": 5.75, "ci95": [3.21, 7.81]}},
        {"setting": "k=5", "method": "trajlm:b",
         "ratio_to_cv": {"ratio": 1.05, "ci95": [0.97, 1.12]}},
    ]  # fmt: skip
    lines = worse_than_cv(EvalResult("predict", rows, {"baselines": ["constant velocity"]}))
    assert len(lines) == 1 and "trajlm:a" in lines[0] and "5.75x" in lines[0]
    assert "3.21-7.81" in lines[0] and "trajlm finetune" in lines[0]


def test_a_hint_naming_its_own_command_gets_no_note(city):
    """`eval --task tte --model trajlm-small` said "(trajlm train --config ...)" and then
    "(note: --config is an option of `trajlm train`, ... not of `trajlm eval`)": a repeat."""
    text = fails("eval", "--task", "tte", "--data", city, "--model", "trajlm-small",
                 names=("trajlm train --config",))  # fmt: skip
    assert "note:" not in text


def test_an_empty_scored_split_is_named_by_its_option(tmp_path):
    """Daily icebergs (every trip starts at 00 h) with `--holdout-by hour=12`, and a 3-trip
    store (no val trip) with `--score-on val`, said "the test split is empty ... re-split the
    store", naming neither option."""
    daily = tmp_path / "daily"
    pts = _points(30)
    write_store(pts.with_columns(pl.col("t") - pl.col("t").min().over("traj_id") % 86400), daily)
    fails("eval", "--task", "predict", "--data", daily, "--holdout-by", "hour=12",
          names=("--holdout-by hour=12", "starts at 00 h UTC", "--holdout-by user"))  # fmt: skip
    few = tmp_path / "few"
    write_store(_points(3), few)
    fails("eval", "--task", "predict", "--data", few, "--score-on", "val",
          names=("--score-on val", "val split", "is empty", "val 0"))  # fmt: skip


def test_hour_h_title_names_h(city, tmp_path):
    out = tmp_path / "h.json"
    _eval("--task", "tte", "--data", city, "--holdout-by", "hour=6", "--out", out)
    assert (
        "held out by hour=6: test = trips starting 06:00-23:59 UTC"
        in (out.with_suffix(".md").read_text().splitlines()[0])
    )


def test_horizons_on_trips_shorter_than_the_history_say_why(tmp_path):
    """1 s cars on 3-7 minute trips with `--horizon-s 10,30,60`: "no trajectory with a window
    of 3+ fixes" though every trip held hundreds; the 600 s history was the reason."""
    pts = _points(30).with_columns(
        pl.col("t").min().over("traj_id") + pl.int_range(pl.len()).over("traj_id")
    )
    store = tmp_path / "onehz"
    write_store(pts, store)
    fails("eval", "--task", "predict", "--data", store, "--horizon-s", "10,30",
          names=("--horizon-s", "600 s of history", "the longest test trajectory lasts"))  # fmt: skip


@pytest.mark.slow
def test_finetune_classify_store_labels_suggests_a_command_that_runs(tmp_path):
    """`finetune --task classify --classes store` printed "test split: trajlm eval --task
    classify ... --split-by time" without --classes store; run as printed, eval refused
    ("0 classes to classify ... --classes modes")."""
    from reliability_helpers import said

    kinds = tmp_path / "kinds"
    pts = _points(60)
    kind = pl.when(pl.col("label").is_in(["car", "bus"])).then(pl.lit("B")).otherwise(pl.lit("T"))
    write_store(pts.with_columns(kind.alias("label")), kinds)
    r = invoke("finetune", "--model", "trajlm-small", "--data", kinds, "--out", tmp_path / "c",
               "--task", "classify", "--classes", "store", "--epochs", "1", "--n-points", "16",
               "--mode", "lora")  # fmt: skip
    assert r.exit_code == 0, r.output
    text = said(r)
    assert "--split-by time --classes store" in text, text
