"""What the pretrain-your-own-model tester (newuser3, ux8) found, training side: resume on other
data or with another config, finetune --resume / --score-test / coverage, DDP + SIGTERM, warmup,
a store-frame config on a corpus. Data side (ingest, resplit, corpus, benches, make):
test_usertest_ux8_data.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from reliability_helpers import TINY, copy, fails, invoke, said, two_city_corpus

from trajlm.data.ingest import synth_store

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """base/s, base/other: two 30-trajectory stores; base/run: a 3-step tiny run on base/s."""
    d = tmp_path_factory.mktemp("ux8")
    synth_store(d / "s", n_trajectories=30, seed=1, overwrite=False)
    synth_store(d / "other", n_trajectories=30, seed=2, overwrite=False)
    (d / "tiny.toml").write_text(TINY)
    r = invoke("train", "--data", d / "s", "--out", d / "run", "--config", d / "tiny.toml")
    assert r.exit_code == 0, r.output
    return d


def test_resume_on_other_data_is_refused_naming_both_stores(base, tmp_path):
    run = copy(base / "run", tmp_path / "r")
    text = fails("train", "--data", base / "other", "--out", run, "--resume", "--max-steps", "5",
                 names=(str((base / "other").resolve()), str((base / "s").resolve()),
                        "--other-data", "finetune"), protect=(run,))  # fmt: skip
    assert text.count("\n") <= 1


def test_resume_on_other_data_with_the_option_continues(base, tmp_path):
    run = copy(base / "run", tmp_path / "r")
    r = invoke("train", "--data", base / "other", "--out", run, "--resume", "--max-steps", "5",
               "--other-data")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "best/ is chosen again" in said(r), r.output
    assert json.loads((run / "train_summary.json").read_text())["steps"] == 5


def test_resume_on_a_copy_of_the_same_store_continues(base, tmp_path):
    run, store = copy(base / "run", tmp_path / "r"), copy(base / "s", tmp_path / "s2")
    r = invoke("train", "--data", store, "--out", run, "--resume", "--max-steps", "5")
    assert r.exit_code == 0, r.output


def test_resume_of_a_run_without_a_data_record_checks_its_stats(base, tmp_path):
    run = copy(base / "run", tmp_path / "r")
    state = run / "trainer_state" / "state.json"
    d = json.loads(state.read_text())
    d.pop("data")
    state.write_text(json.dumps(d))
    fails("train", "--data", base / "other", "--out", run, "--resume", "--max-steps", "5",
          names=("not the store",), protect=(run,))  # fmt: skip


def test_resume_with_another_d_model_names_the_field(base, tmp_path):
    run = copy(base / "run", tmp_path / "r")
    cfg = tmp_path / "c.toml"
    cfg.write_text(TINY.replace("d_model = 16", "d_model = 32"))
    text = fails("train", "--data", base / "s", "--out", run, "--resume", "--config", cfg,
                 "--max-steps", "5", names=("d_model 16 -> 32", "same model config"),
                 protect=(run,))  # fmt: skip
    assert "damaged" not in text


def test_resume_with_another_weight_decay_is_refused(base, tmp_path):
    run = copy(base / "run", tmp_path / "r")
    cfg = tmp_path / "c.toml"
    cfg.write_text(TINY + "weight_decay = 0.5\n")
    fails("train", "--data", base / "s", "--out", run, "--resume", "--config", cfg,
          "--max-steps", "5", names=("weight_decay 0.05 -> 0.5",), protect=(run,))  # fmt: skip


def test_resume_with_another_lr_warns_naming_it(base, tmp_path):
    run = copy(base / "run", tmp_path / "r")
    cfg = tmp_path / "c.toml"
    cfg.write_text(TINY + "lr = 0.0005\n")
    r = invoke("train", "--data", base / "s", "--out", run, "--resume", "--config", cfg,
               "--max-steps", "5")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "lr 0.001 -> 0.0005" in said(r), r.output
    assert json.loads((run / "train_config.json").read_text())["lr"] == 0.0005


def test_resume_with_fewer_max_steps_than_reached_says_so(base, tmp_path):
    run = copy(base / "run", tmp_path / "r")
    r = invoke("train", "--data", base / "s", "--out", run, "--resume", "--max-steps", "2")
    assert r.exit_code == 0, r.output
    assert "already at step 3" in said(r), r.output


class _StopAfter:
    """StopSignals whose `requested` turns true after `n` steps (a Ctrl-C at step n)."""

    n = 3

    def __init__(self, enabled: bool = True, repeat_stops: bool = True) -> None:
        self.calls = 0

    @property
    def requested(self) -> bool:
        self.calls += 1
        return self.calls >= self.n

    def agreed(self, device: object = None) -> bool:
        return self.requested

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None


def _digest(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("mode", ["full", "lora"])
def test_finetune_resume_after_an_interrupt_is_bit_identical(base, tmp_path, monkeypatch, mode):
    args = ["finetune", "--task", "predict", "--model", base / "run", "--data", base / "s",
            "--mode", mode, "--steps", "6", "--threads", "1"]  # fmt: skip
    r = invoke(*args, "--out", tmp_path / "ref")
    assert r.exit_code == 0, r.output
    import trajlm.train.trainer as engine

    monkeypatch.setattr(engine, "StopSignals", _StopAfter)
    r = invoke(*args, "--out", tmp_path / "ft")
    assert r.exit_code == 130, r.output
    assert "interrupted at step 3 of 6" in said(r) and "--resume" in said(r), r.output
    monkeypatch.undo()
    r = invoke(*args, "--out", tmp_path / "ft", "--resume")
    assert r.exit_code == 0, r.output
    for f in ("merged/model.safetensors", "train/trainer_state/model.safetensors"):
        assert _digest(tmp_path / "ft" / f) == _digest(tmp_path / "ref" / f), f


def test_finetune_resume_is_refused_for_tasks_that_start_again(base, tmp_path):
    fails("finetune", "--task", "similarity", "--model", base / "run", "--data", base / "s",
          "--out", tmp_path / "o", "--resume", names=("--resume", "similarity"))  # fmt: skip


def test_finetune_reads_test_only_when_asked(base, tmp_path):
    args = ["finetune", "--task", "predict", "--model", base / "run", "--data", base / "s",
            "--steps", "2", "--threads", "1"]  # fmt: skip
    r = invoke(*args, "--out", tmp_path / "a")
    assert r.exit_code == 0, r.output
    assert "test_loss" not in json.loads((tmp_path / "a" / "finetune_summary.json").read_text())
    assert "test_loss" not in said(r)
    r = invoke(*args, "--out", tmp_path / "b", "--score-test")
    assert r.exit_code == 0, r.output
    assert "test_loss" in json.loads((tmp_path / "b" / "finetune_summary.json").read_text())


def test_finetuned_model_records_the_finetune_data_coverage(base, tmp_path):
    """base/run (trained on base/s) fine-tuned on base/other: merged/config.json's coverage
    joins both stores (sources, trajectory counts, speed ranges)."""
    r = invoke("finetune", "--task", "predict", "--model", base / "run", "--data", base / "other",
               "--steps", "2", "--threads", "1", "--out", tmp_path / "ft")  # fmt: skip
    assert r.exit_code == 0, r.output
    pre = json.loads((base / "run" / "config.json").read_text())["coverage"]
    ft = json.loads((tmp_path / "ft" / "merged" / "config.json").read_text())["coverage"]
    assert ft["n_trajectories"] > pre["n_trajectories"]
    assert ft["store"] == str(base / "other")
    lo, hi = ft["traj_speed_mps"]["p1"], ft["traj_speed_mps"]["p99"]
    assert lo <= pre["traj_speed_mps"]["p1"] and hi >= pre["traj_speed_mps"]["p99"]


def test_train_warns_when_warmup_outlasts_the_run(base, tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text(TINY.replace("warmup_steps = 1", "warmup_steps = 10"))
    r = invoke("train", "--data", base / "s", "--out", tmp_path / "r", "--config", cfg)
    assert r.exit_code == 0, r.output
    assert "warmup_steps 10 >= max_steps 3" in said(r), r.output


@pytest.mark.slow
@pytest.mark.xdist_group("torchrun")  # 2-rank runs: one at a time
def test_ddp_sigterm_saves_the_step_reached_and_resume_is_bit_identical(base, tmp_path):
    """kill -TERM torchrun (2 gloo ranks) mid-run: rank 0 saves at the step the ranks agreed on;
    --resume on 2 ranks ends on the weights of an uninterrupted 2-rank run."""
    import hashlib
    import os
    import signal
    import subprocess
    import sys
    import time

    cfg = tmp_path / "c.toml"
    cfg.write_text(
        TINY.replace("max_steps = 3", "max_steps = 40")
        .replace("save_every = 2", "save_every = 100")
        .replace("shuffle_buffer = 8", "shuffle_buffer = 0")
    )
    torchrun = str(Path(sys.executable).with_name("torchrun"))
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}

    def cmd(run: Path, *extra: str) -> list[str]:
        return [torchrun, "--standalone", "--nproc_per_node", "2", "-m", "trajlm.cli", "train",
                "--data", str(base / "s"), "--out", str(run), *extra]  # fmt: skip

    run = tmp_path / "run"
    p = subprocess.Popen(cmd(run, "--config", str(cfg)), env={**env, "TRAJLM_DEBUG_STEP_SLEEP_S":
                         "0.3"}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # fmt: skip
    metrics = run / "metrics.jsonl"
    deadline = time.time() + 120
    while time.time() < deadline and (not metrics.exists() or
                                      len(metrics.read_text().splitlines()) < 5):  # fmt: skip
        time.sleep(0.5)
    p.send_signal(signal.SIGTERM)
    out, _ = p.communicate(timeout=120)
    assert "interrupted at step" in out, out[-3000:]
    step = json.loads((run / "trainer_state" / "state.json").read_text())["step"]
    assert 5 <= step < 40
    r = subprocess.run(cmd(run, "--resume"), env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    ref = tmp_path / "ref"
    r = subprocess.run(cmd(ref, "--config", str(cfg)), env=env, capture_output=True, text=True,
                       timeout=300)  # fmt: skip
    assert r.returncode == 0, r.stderr[-3000:]

    def digest(p: Path) -> str:
        return hashlib.sha256(p.read_bytes()).hexdigest()

    assert digest(run / "model.safetensors") == digest(ref / "model.safetensors")


def test_store_frame_config_on_a_multi_city_corpus_warns(tmp_path):
    two_city_corpus(tmp_path)
    (tmp_path / "tiny.toml").write_text(TINY)
    r = invoke("train", "--data", tmp_path / "corpus", "--out", tmp_path / "r", "--config",
               tmp_path / "tiny.toml")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert 'corpora need position_frame = "trajectory"' in said(r), r.output


def test_a_fine_tune_on_a_corpus_does_not_warn_about_the_store_frame(tmp_path):
    """init_from takes the base run's model config (trajectory frame), not [model]'s defaults:
    no store-frame warning (session 13: it fired on every trajlm-small fine-tune)."""
    two_city_corpus(tmp_path)
    base = TINY.replace("[model]\n", '[model]\nposition_frame = "trajectory"\n')
    (tmp_path / "base.toml").write_text(base)
    r = invoke("train", "--data", tmp_path / "corpus", "--out", tmp_path / "base", "--config",
               tmp_path / "base.toml")  # fmt: skip
    assert r.exit_code == 0, r.output
    train = TINY[TINY.index("[train]") :]
    (tmp_path / "ft.toml").write_text(
        train.replace("[train]\n", f'[train]\ninit_from = "{tmp_path / "base"}"\n')
    )
    r = invoke("train", "--data", tmp_path / "corpus", "--out", tmp_path / "ft", "--config",
               tmp_path / "ft.toml")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "corpora need position_frame" not in said(r), r.output
