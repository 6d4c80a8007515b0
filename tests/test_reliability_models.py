"""User errors of the model commands (predict, eval, finetune, similar), damaged model files,
concurrent and killed trainings, and the threads policy.

Same contract as test_reliability_cli.py: exit 2, a message naming the problem, no traceback,
pre-existing files byte-identical (reliability_helpers.fails).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from reliability_helpers import GOOD_CSV, TINY, copy, fails, invoke, said

from trajlm._threads import choose_threads, physical_cores
from trajlm.data.ingest import synth_store
from trajlm.data.store import load_stats
from trajlm.model import ModelConfig, TrajectoryModel


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """base/s: a 30-trajectory store; base/m: an untrained tiny model with the store's stats;
    base/good.csv: 2 valid points."""
    d = tmp_path_factory.mktemp("relm")
    synth_store(d / "s", n_trajectories=30, seed=2, overwrite=False)
    torch.manual_seed(0)
    cfg = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32)
    cfg.stats = load_stats(d / "s").to_dict()
    TrajectoryModel(cfg).save_pretrained(d / "m")
    (d / "good.csv").write_text(GOOD_CSV)
    return d


def csv(tmp_path: Path, rows: str, name: str = "x.csv") -> Path:
    p = tmp_path / name
    p.write_text("traj_id,t,lat,lon\n" + rows)
    return p


def _truncate(f: Path) -> None:
    f.write_bytes(f.read_bytes()[: f.stat().st_size // 2])


# ----------------------------------------------------------------------------- predict
def predict_fails(base, tmp_path, input, *extra, names=(), model=None):
    model = model or base / "m"
    protect = (base / "m", base / "s", Path(input)) + ((model,) if model.exists() else ())
    return fails("predict", "--model", model, "--input", input, "--out", tmp_path / "p.csv",
                 *extra, names=names, protect=protect)  # fmt: skip


@pytest.mark.parametrize(
    "rows, names",
    [
        (
            "a,1709658392,41.1,-8.6\na,1709658402,NaN,-8.6\n",
            ["x.csv", "field lat", "NaN", "file line 3"],
        ),
        (
            "a,1709658392,200,-8.6\na,1709658402,41.1,-8.6\n",
            ["x.csv", "lat", "200", "not a latitude"],
        ),
        ("a,1709658392,41.1,-8.6\na,1709658392,41.2,-8.6\n", ["x.csv", "field t", "duplicate"]),
        ("a,1709658392,41.1,inf\na,1709658402,41.2,-8.6\n", ["x.csv", "field lon"]),
        ("a,1709658392,41.1,-8.6\na,1709658402,abc,-8.6\n", ["x.csv", "lat", "not numbers"]),
        ("a,1709658392,41.1,-8.6\na,1709658402,,-8.6\n", ["x.csv", "field lat", "missing value"]),
        ("", ["x.csv", "no points"]),
        ("a,yesterday,41.1,-8.6\n", ["x.csv", "field t", "ISO"]),
    ],
)
def test_predict_refuses_impossible_input(base, tmp_path, rows, names):
    predict_fails(base, tmp_path, csv(tmp_path, rows), names=tuple(names))
    assert not (tmp_path / "p.csv").exists()


def test_predict_missing_columns_and_garbage_files(base, tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("id,time,y,x\na,1,2,3\n")  # read as traj_id, t, lat, lon: t = 1 is 1970
    predict_fails(base, tmp_path, p, names=("x.csv", "field t", "before 1990"))
    p.write_text("a,b\n1,2\n")  # no id: one mover's fixes (vehicles21), so the time is missing
    predict_fails(base, tmp_path, p, names=("x.csv", "no t column", "['a', 'b']"))
    q = tmp_path / "x.parquet"
    q.write_bytes(b"PAR1 this is not parquet")
    predict_fails(base, tmp_path, q, names=("x.parquet",))
    t = tmp_path / "x.xyz"  # (a .txt of CSV lines is read as CSV: readers/detect.py)
    t.write_text(GOOD_CSV)
    predict_fails(base, tmp_path, t, names=("--input", "x.xyz", ".csv"))
    predict_fails(base, tmp_path, tmp_path / "nope[/].csv", names=("nope[/].csv", "no such file"))


def test_predict_output_is_the_input(base, tmp_path):
    inp = csv(tmp_path, GOOD_CSV.split("\n", 1)[1])
    fails("predict", "--model", base / "m", "--input", inp, "--out", inp,
          names=("--out", "input"), protect=(inp,))  # fmt: skip
    fails("predict", "--model", base / "m", "--input", inp, "--out", tmp_path / "o.csv",
          "--plot", inp, names=("--plot",), protect=(inp,))  # fmt: skip


def test_predict_existing_outputs_are_refused_then_overwritten(base, tmp_path):
    out, plot = tmp_path / "p.csv", tmp_path / "p.png"
    out.write_text("mine")
    fails("predict", "--model", base / "m", "--input", base / "good.csv", "--out", out,
          names=("--out", "exists", "--overwrite"), protect=(out,))  # fmt: skip
    plot.write_text("mine")
    fails("predict", "--model", base / "m", "--input", base / "good.csv", "--out",
          tmp_path / "new.csv", "--plot", plot, names=("--plot",), protect=(plot,))  # fmt: skip
    assert not (tmp_path / "new.csv").exists()
    r = invoke("predict", "--model", base / "m", "--input", base / "good.csv", "--out", out,
               "--overwrite", "--steps", "2")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert out.read_text().count("\n") == 3  # header + 2 predicted points


def test_predict_same_file_for_out_and_plot(base, tmp_path):
    fails("predict", "--model", base / "m", "--input", base / "good.csv", "--out",
          tmp_path / "a.png", "--plot", tmp_path / "a.png", names=("--out",))  # fmt: skip


@pytest.mark.parametrize(
    "extra, names",
    [
        (["--steps", "0"], ["--steps"]),
        (["--holdout", "-1"], ["--holdout"]),
        (["--limit", "0"], ["--limit"]),
        (["--split", "eval"], ["--split"]),
        (["--threads", "-2"], ["--threads"]),
        (["--holdout", "50"], ["--holdout 50"]),
    ],
)
def test_predict_bad_options(base, tmp_path, extra, names):
    predict_fails(base, tmp_path, base / "good.csv", *extra, names=tuple(names))


@pytest.mark.parametrize(
    "damage, name",
    [
        (lambda m: _truncate(m / "model.safetensors"), "model.safetensors"),
        (lambda m: (m / "model.safetensors").write_bytes(os.urandom(300)), "model.safetensors"),
        (lambda m: (m / "config.json").write_text("{not json"), "config.json"),
        (lambda m: (m / "config.json").write_text('{"d_modle": 16}'), "did you mean d_model?"),
        (lambda m: (m / "config.json").write_text('{"d_model": 32, "n_heads": 2}'), "fit"),
        (lambda m: (m / "model.safetensors").unlink(), "no model.safetensors"),
    ],
)
def test_predict_damaged_model_names_the_file(base, tmp_path, damage, name):
    model = copy(base / "m", tmp_path / "mm")
    damage(model)
    predict_fails(base, tmp_path, base / "good.csv", names=(name,), model=model)


def test_predict_far_from_the_training_area_is_noted(base, tmp_path):
    beijing = csv(tmp_path, "a,1709658392,39.90,116.30\na,1709658402,39.91,116.31\n")
    r = invoke("predict", "--model", base / "m", "--input", beijing, "--out", tmp_path / "p.csv")
    assert r.exit_code == 0, r.output
    assert "note: --input" in said(r) and "extrapolation" in said(r)
    turin = csv(tmp_path, "a,1709658392,45.07,7.68\na,1709658402,45.071,7.681\n", "t.csv")
    r = invoke("predict", "--model", base / "m", "--input", turin, "--out", tmp_path / "q.csv")
    assert r.exit_code == 0 and "extrapolation" not in said(r)


def test_predict_model_is_missing(base, tmp_path):
    predict_fails(base, tmp_path, base / "good.csv", names=("--model", "no such"),
                  model=tmp_path / "nope")  # fmt: skip


# ----------------------------------------------------------------------------- eval
def eval_fails(base, *extra, names=(), protect=()):
    return fails("eval", "--data", base / "s", *extra, names=names,
                 protect=(base / "s", base / "m", *protect))  # fmt: skip


@pytest.mark.parametrize(
    "extra, names",
    [
        (["--task", "predcit"], ["--task", "did you mean predict?"]),
        (["--task", "predict", "--seeds", "0"], ["--seeds"]),
        (["--task", "classify", "--split-by", "user"], ["--split-by"]),
        (["--task", "predict", "--seeds", "many"], ["--seeds"]),
        (["--task", "predict", "--model", "/nonexistent/run"], ["--model", "/nonexistent/run"]),
        (["--task", "similarity", "--model", "/nonexistent/run"], ["/nonexistent/run"]),
        (["--task", "classify", "--model", "/tmp"], ["not a classifier"]),
    ],
)
def test_eval_bad_options(base, extra, names):
    eval_fails(base, *extra, names=tuple(names))


def test_eval_data_is_not_a_store(base, tmp_path):
    fails("eval", "--task", "predict", "--data", tmp_path, names=("--data", "not a trajlm store"))


def test_eval_refuses_to_replace_the_markdown_beside_the_json(base, tmp_path):
    md = tmp_path / "results.md"
    md.write_text("# my own notes")
    eval_fails(base, "--task", "predict", "--out", tmp_path / "results.json",
               names=("results.md", "exists"), protect=(md,))  # fmt: skip
    assert not (tmp_path / "results.json").exists()


def test_eval_output_inside_the_store_or_equal_to_a_model(base, tmp_path):
    eval_fails(base, "--task", "predict", "--out", base / "s" / "r.json", names=("input",))
    eval_fails(base, "--task", "predict", "--model", base / "m", "--out", base / "m" / "x.json",
               names=("input",))  # fmt: skip


def test_eval_damaged_model(base, tmp_path):
    model = copy(base / "m", tmp_path / "mm")
    _truncate(model / "model.safetensors")
    eval_fails(base, "--task", "predict", "--model", model, names=("model.safetensors",),
               protect=(model,))  # fmt: skip


def test_eval_damaged_store(base, tmp_path):
    store = copy(base / "s", tmp_path / "s")
    (store / "manifest.json").write_text("{")
    fails("eval", "--task", "predict", "--data", store, names=("manifest.json", "--overwrite"),
          protect=(store,))  # fmt: skip


# ----------------------------------------------------------------------------- finetune
def ft_fails(base, tmp_path, *extra, names=(), protect=()):
    args = ["finetune", "--model", base / "m", "--data", base / "s", *extra]
    if "--out" not in extra:
        args += ["--out", tmp_path / "ft"]
    return fails(*args, names=names, protect=(base / "m", base / "s", *protect))


@pytest.mark.parametrize(
    "extra, names",
    [
        (["--task", "clasify"], ["--task", "did you mean classify?"]),
        (["--mode", "qlora"], ["--mode", "did you mean lora?"]),
        (["--fraction", "0"], ["--fraction"]),
        (["--fraction", "1.5"], ["--fraction", "(0, 1]"]),
        (["--fraction", "nan"], ["--fraction"]),
        (["--lora-r", "0"], ["--lora-r"]),
        (["--n-points", "1"], ["--n-points"]),
        (["--steps", "0"], ["--steps"]),
        (["--epochs", "0"], ["--epochs"]),
        (["--n-last", "0"], ["--n-last"]),
        (["--split-by", "users"], ["--split-by"]),
    ],
)
def test_finetune_bad_options(base, tmp_path, extra, names):
    ft_fails(base, tmp_path, *extra, names=tuple(names))


def test_finetune_outputs_never_land_on_inputs(base, tmp_path):
    ft_fails(base, tmp_path, "--out", base / "m", names=("--out", "input"))
    ft_fails(base, tmp_path, "--out", base / "s" / "ft", names=("--out", "input"))
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "a.txt").write_text("a")
    ft_fails(base, tmp_path, "--out", tmp_path / "mine", "--overwrite",
             names=("did not create",), protect=(tmp_path / "mine",))  # fmt: skip


def test_finetune_damaged_model_and_missing_data(base, tmp_path):
    model = copy(base / "m", tmp_path / "mm")
    (model / "config.json").write_text("[]")
    fails("finetune", "--model", model, "--data", base / "s", "--out", tmp_path / "ft",
          names=("config.json",), protect=(model,))  # fmt: skip
    fails("finetune", "--model", base / "m", "--data", tmp_path / "nope", "--out",
          tmp_path / "ft", names=("--data", "nope"))  # fmt: skip


def test_finetune_on_fewer_windows_than_a_batch_does_not_hang(base, tmp_path):
    from trajlm.finetune.trainer import finetune_next_point
    from trajlm.train.trainer import TrainConfig

    signal.signal(signal.SIGALRM, lambda *_: pytest.fail("fine-tuning hung"))
    signal.alarm(60)
    try:
        cfg = TrainConfig(batch_size=4096, max_len=16, eval_every=0, shuffle_buffer=8)
        summary = finetune_next_point(base / "m", base / "s", tmp_path / "ft", max_steps=2,
                                      train_config=cfg)  # fmt: skip
    finally:
        signal.alarm(0)
    assert summary["steps"] == 2 and (tmp_path / "ft" / "merged" / "model.safetensors").exists()


def test_finetune_predict_refuses_then_overwrites_its_own_output(base, tmp_path):
    args = ["finetune", "--model", base / "m", "--data", base / "s", "--out", tmp_path / "ft",
            "--steps", "2"]  # fmt: skip
    r = invoke(*args)
    assert r.exit_code == 0, r.output
    (tmp_path / "ft" / "notes.txt").write_text("keep")
    fails(*args, names=("already holds a trajlm finetune-predict", "--overwrite"),
          protect=(tmp_path / "ft",))  # fmt: skip
    fails(*args[:-2], "--task", "similarity", "--overwrite", names=("finetune-predict",))
    r = invoke(*args, "--overwrite")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "ft" / "notes.txt").read_text() == "keep"


# ----------------------------------------------------------------------------- similar
def sim_fails(base, tmp_path, *extra, names=(), query=None, protect=()):
    args = ["similar", "--model", base / "m", "--query", query or base / "good.csv",
            "--database", base / "s", *extra]  # fmt: skip
    if "--out" not in extra:
        args += ["--out", tmp_path / "sim.csv"]
    return fails(*args, names=names, protect=(base / "m", base / "s", *protect))


def test_similar_bad_options(base, tmp_path):
    sim_fails(base, tmp_path, "--k", "0", names=("--k",))
    sim_fails(base, tmp_path, "--k", "10000", names=("--k 10000", "--database"))
    sim_fails(base, tmp_path, "--out", tmp_path / "s.parquet", names=("--out", ".csv"))


def test_similar_outputs(base, tmp_path):
    q = csv(tmp_path, GOOD_CSV.split("\n", 1)[1], "q.csv")
    sim_fails(base, tmp_path, "--out", q, query=q, names=("--out", "input"), protect=(q,))
    existing = tmp_path / "old.csv"
    existing.write_text("mine")
    sim_fails(base, tmp_path, "--out", existing, names=("exists",), protect=(existing,))


def test_similar_bad_query_and_damaged_embedding_spec(base, tmp_path):
    q = csv(tmp_path, "a,1709658392,41.1,-8.6\na,1709658402,NaN,-8.6\n", "q.csv")
    sim_fails(base, tmp_path, query=q, names=("q.csv", "field lat"), protect=(q,))
    model = copy(base / "m", tmp_path / "mm")
    (model / "embedding.json").write_text('{"n_points": "many"}')
    fails("similar", "--model", model, "--query", base / "good.csv", "--database", base / "s",
          "--out", tmp_path / "o.csv", names=("embedding.json",), protect=(model,))  # fmt: skip


# ----------------------------------------------------------------------------- processes
def _train(store: Path, run: Path, cfg: Path, *extra, sleep: float = 0.0):
    cmd = [sys.executable, "-m", "trajlm.cli", "train", "--data", str(store), "--out", str(run),
           "--config", str(cfg), *extra]  # fmt: skip
    env = {**os.environ, "TRAJLM_DEBUG_STEP_SLEEP_S": str(sleep), "OMP_NUM_THREADS": "1"}
    return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)  # fmt: skip


def _step_of(run: Path) -> int:
    try:
        return json.loads((run / "trainer_state" / "state.json").read_text())["step"]
    except (OSError, ValueError, KeyError):
        return -1


@pytest.mark.slow
def test_concurrent_train_is_refused_then_kill_9_and_resume(base, tmp_path):
    cfg = tmp_path / "tiny.toml"
    cfg.write_text(TINY.replace("max_steps = 3", "max_steps = 40"))
    run = tmp_path / "r"
    # 1 s a step: the second process must start (a torch import, slow on a loaded 2-core box)
    # while the first still trains; at 0.25 s the first reached step 40 first (session 28)
    first = _train(base / "s", run, cfg, sleep=1.0)
    deadline = time.time() + 90
    while _step_of(run) < 2 and time.time() < deadline and first.poll() is None:
        time.sleep(0.05)
    assert first.poll() is None, first.communicate()
    second = _train(base / "s", run, cfg, "--resume")
    _, err = second.communicate(timeout=90)
    assert second.returncode == 2, err
    assert "lock" in err and "Traceback" not in err and err.count("\n") == 1
    assert first.poll() is None, "the first run should still be training"
    first.send_signal(signal.SIGKILL)  # kill -9: the lock and a half checkpoint stay behind
    first.wait()
    killed_at = _step_of(run)
    assert 2 <= killed_at < 40
    third = _train(base / "s", run, cfg, "--resume")
    _, err = third.communicate(timeout=120)
    assert third.returncode == 0, err
    assert "stale lock" in err
    assert _step_of(run) == 40
    steps = [json.loads(x)["step"] for x in (run / "metrics.jsonl").read_text().splitlines()]
    assert steps == sorted(set(steps)) and steps[-1] == 40
    assert not (run / ".trajlm.lock").exists()
    assert not list(run.glob(".tmp-*"))


# ----------------------------------------------------------------------------- threads
def test_threads_policy():
    assert choose_threads(3) == 3
    assert choose_threads(None, n_params=10_000) == 1
    big = choose_threads(None, n_params=50_000_000)
    assert big == (1 if physical_cores() <= 2 else physical_cores())
    with pytest.raises(ValueError):
        choose_threads(0)


def test_threads_option_is_applied(base, tmp_path):
    r = invoke("predict", "--model", base / "m", "--input", base / "good.csv", "--out",
               tmp_path / "p.csv", "--threads", "2", "--steps", "1")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert torch.get_num_threads() == 2
    assert "wrote 1 predicted points" in said(r)
