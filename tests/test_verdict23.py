"""verdict23: the val verdict is made at the end of `trajlm train` / `trajlm finetune`
(trajlm/cli_verdict.py), so `TrajLM.from_pretrained(RUN)` answers travel time / recovery with
the val winner without a separate `trajlm eval --save-verdict`; `--no-val-check` opts out;
a run without a verdict answers as before with one line naming the commands that make one."""

from __future__ import annotations

import json
import os
import warnings

os.environ.setdefault("OMP_NUM_THREADS", "1")

import polars as pl  # noqa: E402
import pytest  # noqa: E402
from serve_helpers import tiny_run  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

import trajlm  # noqa: E402
from trajlm.cli import app  # noqa: E402
from trajlm.cli_verdict import val_check_run, verdict_tasks  # noqa: E402
from trajlm.data.corpus import CORPUS_FILE  # noqa: E402
from trajlm.data.store import read_store  # noqa: E402
from trajlm.eval.protocol import make_tte_task  # noqa: E402
from trajlm.eval.val_verdict import VERDICT_NAME, VerdictWarning, weights_sha1  # noqa: E402

pytestmark = pytest.mark.xdist_group("verdict23")
runner = CliRunner()
TINY = """[model]
d_model = 16
n_layers = 1
n_heads = 2
max_len = 32
pos_type = "rope_time"
{extra}
[train]
batch_size = 4
max_len = 32
shuffle_buffer = 8
lr = 3e-3
warmup_steps = 3
max_steps = 12
eval_every = 6
log_every = 6
cpu_threads = 1
{objectives}
"""
MULTI = ("infill_heads = true", "[train.objectives]\ncausal = 1\npoints = 1\nod = 1")


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    """A synthetic store and a tiny 20-step multi-task run on it (no verdict saved)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return tiny_run(tmp_path_factory.mktemp("verdict23"), n=80, seed=5)


def lines_of(out: list[str]):
    return lambda line: out.append(line)


def small_call(df: pl.DataFrame) -> pl.DataFrame:
    """Two val trips, their first 12 fixes, every third interior one hidden."""
    ids = df["traj_id"].unique(maintain_order=True).head(2).implode()
    sub = (df.filter(pl.col("traj_id").is_in(ids)).sort("traj_id", "t")
           .group_by("traj_id", maintain_order=True).head(12))  # fmt: skip
    pos = pl.int_range(pl.len()).over("traj_id")
    hide = (pos % 3 == 1) & (pos < pl.len().over("traj_id") - 1)
    return sub.with_columns(lat=pl.when(hide).then(None).otherwise(pl.col("lat")),
                            lon=pl.when(hide).then(None).otherwise(pl.col("lon")))  # fmt: skip


def test_the_tasks_checked_follow_the_models_heads(work):
    multi = trajlm.TrajLM.from_pretrained(work / "run").model
    assert verdict_tasks(multi) == ("travel_time",)
    multi.infill_head = None  # a next-point model: recovery answers by the bridge
    assert verdict_tasks(multi) == ("recover",)


def test_the_check_saves_the_verdict_the_api_then_answers_with(work, tmp_path):
    trajlm.TrajLM.from_pretrained(work / "run").save_pretrained(tmp_path / "run")
    said: list[str] = []
    got = val_check_run(tmp_path / "run", work / "store", lines_of(said))
    doc = json.loads((tmp_path / "run" / VERDICT_NAME).read_text())
    assert doc["weights_sha1"] == weights_sha1(tmp_path / "run") and "recover" not in doc
    engine = doc["travel_time"]["engine"]
    assert got["travel_time"] == engine != "model"  # 20 steps: far worse than the baselines
    assert (
        len(said) == 1 and said[0].startswith("val check: travel time: ") and " s CPU)" in said[0]
    )
    od = make_tte_task(read_store(work / "store", split="test"))
    m = trajlm.TrajLM.from_pretrained(tmp_path / "run")
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        secs = m.travel_time(od.select("o_lat", "o_lon").to_numpy(),
                             od.select("d_lat", "d_lon").to_numpy(), od["t_start"].to_numpy())  # fmt: skip
    assert secs.engine == engine  # the val winner, with no --save-verdict run by the user
    assert not [w for w in rec if issubclass(w.category, VerdictWarning)]


def test_a_store_without_val_or_a_corpus_is_one_line_and_no_verdict(work, tmp_path):
    trajlm.TrajLM.from_pretrained(work / "run").save_pretrained(tmp_path / "run")
    train_only = read_store(work / "store", split="train").with_columns(split=pl.lit("train"))
    said: list[str] = []
    got = val_check_run(tmp_path / "run", work / "store", lines_of(said), train_only)
    assert got == {"val_check": "skipped: no val split"} and len(said) == 1
    assert "no val split" in said[0] and not (tmp_path / "run" / VERDICT_NAME).exists()
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / CORPUS_FILE).write_text(json.dumps({"sources": []}))  # as `data corpus` marks it
    said.clear()
    got = val_check_run(tmp_path / "run", corpus, lines_of(said))
    assert got == {"val_check": "skipped: corpus"} and "--save-verdict" in said[0]
    assert not (tmp_path / "run" / VERDICT_NAME).exists()


def test_a_failed_check_after_a_saved_run_is_one_line_not_a_traceback(work, tmp_path):
    said: list[str] = []
    got = val_check_run(tmp_path / "gone", work / "store", lines_of(said))
    assert got["val_check"].startswith("skipped: ") and not said
    assert not (tmp_path / "gone").exists()


def test_a_run_without_a_verdict_names_the_commands_that_make_one(work, tmp_path):
    trajlm.TrajLM.from_pretrained(work / "run").save_pretrained(tmp_path / "old")
    m = trajlm.TrajLM.from_pretrained(tmp_path / "old")  # an old folder: still answers
    od = make_tte_task(read_store(work / "store", split="test")).head(3)
    with pytest.warns(VerdictWarning, match="no val verdict saved") as rec:
        secs = m.travel_time(od.select("o_lat", "o_lon").to_numpy(),
                             od.select("d_lat", "d_lon").to_numpy(), od["t_start"].to_numpy())  # fmt: skip
    assert secs.engine == "model"
    text = " ".join(str(w.message) for w in rec if issubclass(w.category, VerdictWarning))
    assert "--save-verdict" in text and "trajlm train" in text and "--no-val-check" in text


@pytest.mark.slow
def test_train_ends_with_the_val_check_and_the_user_path_reads_it(work, tmp_path):
    cfg = tmp_path / "multi.toml"
    cfg.write_text(TINY.format(extra=MULTI[0], objectives=MULTI[1]))
    run = tmp_path / "run"
    r = runner.invoke(app, ["train", "--data", str(work / "store"), "--out", str(run),
                            "--config", str(cfg)])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "val check: travel time: " in r.output and "wrote" in r.output
    doc = json.loads((run / "best" / VERDICT_NAME).read_text())
    m = trajlm.TrajLM.from_pretrained(run)
    od = make_tte_task(read_store(work / "store", split="test")).head(5)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        secs = m.travel_time(od.select("o_lat", "o_lon").to_numpy(),
                             od.select("d_lat", "d_lon").to_numpy(), od["t_start"].to_numpy())  # fmt: skip
    assert secs.engine == doc["travel_time"]["engine"]
    assert not [w for w in rec if issubclass(w.category, VerdictWarning)]


@pytest.mark.slow
def test_a_next_point_run_gets_a_recovery_verdict_and_the_opt_out_gets_none(work, tmp_path):
    cfg = tmp_path / "next.toml"
    cfg.write_text(TINY.format(extra="", objectives=""))
    val = read_store(work / "store", split="val")
    for flag, run in (([], tmp_path / "checked"), (["--no-val-check"], tmp_path / "unchecked")):
        r = runner.invoke(app, ["train", "--data", str(work / "store"), "--out", str(run),
                                "--config", str(cfg), *flag])  # fmt: skip
        assert r.exit_code == 0, r.output
        assert ("val check: recover: " in r.output) == (not flag), r.output
        summary = json.loads((run / "train_summary.json").read_text())
        assert ("val_ade_knn_m" in summary) == (not flag)  # --no-val-check: no kNN check either
        assert (run / "best" / VERDICT_NAME).exists() == (not flag)
        m = trajlm.TrajLM.from_pretrained(run)
        with warnings.catch_warnings(record=True) as rec:
            warnings.simplefilter("always")
            out = m.recover(small_call(val), engine=True)
        said = [str(w.message) for w in rec if issubclass(w.category, VerdictWarning)]
        assert len(said) == (1 if flag else 0), said  # the unchecked run: one line
        assert out["recovered"].any() and m.last_engine in ("model", "akima", "pchip", "linear")


@pytest.mark.slow
def test_finetune_ends_with_the_val_check(work, tmp_path):
    out = tmp_path / "ft"
    r = runner.invoke(app, ["finetune", "--model", str(work / "run"), "--task", "tte",
                            "--data", str(work / "store"), "--out", str(out), "--steps", "4"])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "val check: travel time: " in r.output, r.output
    m = trajlm.TrajLM.from_pretrained(out)
    assert (m.path / VERDICT_NAME).is_file()
    r = runner.invoke(app, ["finetune", "--model", str(work / "run"), "--task", "similarity",
                            "--data", str(work / "store"), "--out", str(tmp_path / "sim"),
                            "--epochs", "1", "--no-val-check"])  # fmt: skip
    assert r.exit_code == 0 and "no val verdict to skip" in r.output, r.output
