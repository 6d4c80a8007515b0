"""Session 20 (steps20): the no-config recipe (configs/default.toml, auto_steps) trains an epoch
budget when its user names no max_steps (100 passes over the train windows, between a floor and
a cap) and says so in the run summary; --max-steps or a config's max_steps wins, and the shipped
configs (no auto_steps) train exactly what they trained before."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file
from typer.testing import CliRunner

from trajlm.cli import app
from trajlm.data.ingest import synth_store
from trajlm.model import ModelConfig
from trajlm.train import budget
from trajlm.train.config import TrainConfig
from trajlm.train.trainer import Trainer

runner = CliRunner()
TINY_MODEL = dict(d_model=16, n_layers=1, n_heads=2, max_len=32, residual_base="constant_velocity")
TINY_TRAIN = dict(batch_size=4, max_len=16, eval_every=3, eval_batches=2, save_every=100,
                  warmup_steps=1, progress=False, cpu_threads=1)  # fmt: skip


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("s20") / "synth"
    synth_store(out, n_trajectories=12, seed=5)
    return out


def _config(path: Path, train: dict) -> Path:
    def toml(d: dict) -> str:
        return "\n".join(f"{k} = {json.dumps(v)}" for k, v in d.items())

    path.write_text(f"[model]\n{toml(TINY_MODEL)}\n[train]\n{toml(train)}\n")
    return path


def test_the_budget_is_epochs_between_floor_and_cap(store: Path, monkeypatch) -> None:
    cfg = TrainConfig(batch_size=4, max_len=16, stride=8)
    n = budget.count_train_windows(store, cfg)
    assert n > 4  # the fixture gives several batches
    assert budget.count_train_windows(store, cfg, limit=3) == 3  # counting stops at the limit
    batches = math.ceil(n / 4)
    monkeypatch.setattr(budget, "FLOOR_STEPS", 1)
    monkeypatch.setattr(budget, "CAP_STEPS", 10**6)
    steps, why = budget.auto_max_steps(store, cfg)
    assert steps == budget.EPOCHS * batches
    assert f"{budget.EPOCHS} epochs of {batches} batches ({n:,} train windows)" in why
    assert "--max-steps" in why  # how to override it
    monkeypatch.setattr(budget, "FLOOR_STEPS", budget.EPOCHS * batches + 7)
    steps, why = budget.auto_max_steps(store, cfg)
    assert steps == budget.EPOCHS * batches + 7 and "the floor" in why
    monkeypatch.setattr(budget, "FLOOR_STEPS", 1)
    monkeypatch.setattr(budget, "CAP_STEPS", 5)
    steps, why = budget.auto_max_steps(store, cfg)
    assert steps == 5 and "the cap" in why


def test_a_corpus_or_unreadable_store_gets_the_cap(tmp_path: Path) -> None:
    steps, why = budget.auto_max_steps(tmp_path / "nothing", TrainConfig())
    assert steps == budget.CAP_STEPS and "not counted" in why


@pytest.mark.slow
def test_no_max_steps_trains_the_budget_and_says_why(store: Path, tmp_path: Path,
                                                    monkeypatch) -> None:  # fmt: skip
    monkeypatch.setattr(budget, "FLOOR_STEPS", 4)
    monkeypatch.setattr(budget, "CAP_STEPS", 6)  # the tiny store: the cap decides, 6 steps
    cfg = _config(tmp_path / "c.toml", {**TINY_TRAIN, "auto_steps": True})
    r = runner.invoke(app, ["train", "--data", str(store), "--out", str(tmp_path / "run"),
                            "--config", str(cfg)])  # fmt: skip
    assert r.exit_code == 0, r.output
    summary = json.loads((tmp_path / "run" / "train_summary.json").read_text())
    assert summary["steps"] == 6
    assert summary["step_budget"].startswith("6 steps") and "--max-steps" in summary["step_budget"]
    assert "step_budget" in r.output  # the summary table the CLI prints
    # the Python API: the same budget, and the caller's TrainConfig is left as it was
    tc = TrainConfig(**{**TINY_TRAIN, "auto_steps": True})
    tr = Trainer(store, None, ModelConfig(**TINY_MODEL), tc)
    assert tr.cfg.max_steps == 6 and tc.max_steps == 1000 and tc.step_budget is None
    # a shipped config names no max_steps and no auto_steps: the 1,000 steps it always had
    shipped = TrainConfig(**TINY_TRAIN)
    assert Trainer(store, None, ModelConfig(**TINY_MODEL), shipped).cfg.max_steps == 1000


def test_the_default_recipe_chooses_its_steps() -> None:
    from trajlm.train.defaults import default_recipe

    train = default_recipe()["train"]
    assert train["auto_steps"] is True and "max_steps" not in train


@pytest.mark.slow
def test_an_explicit_max_steps_trains_as_before(store: Path, tmp_path: Path) -> None:
    # Porto / GeoLife's shipped configs give max_steps: the CLI run must be the same run as a
    # Trainer given the same configs (no budget, no step_budget), weight for weight.
    cfg = _config(tmp_path / "c.toml", {**TINY_TRAIN, "max_steps": 7})
    r = runner.invoke(app, ["train", "--data", str(store), "--out", str(tmp_path / "cli"),
                            "--config", str(cfg)])  # fmt: skip
    assert r.exit_code == 0, r.output
    summary = json.loads((tmp_path / "cli" / "train_summary.json").read_text())
    assert summary["steps"] == 7 and "step_budget" not in summary
    tc = TrainConfig(**{**TINY_TRAIN, "max_steps": 7})
    Trainer(store, tmp_path / "api", ModelConfig(**TINY_MODEL), tc).fit()
    a = load_file(str(tmp_path / "cli" / "model.safetensors"))
    b = load_file(str(tmp_path / "api" / "model.safetensors"))
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    # --max-steps on the command line is explicit too, over a recipe that chooses its steps
    auto = _config(tmp_path / "d.toml", {**TINY_TRAIN, "auto_steps": True})
    r = runner.invoke(app, ["train", "--data", str(store), "--out", str(tmp_path / "cli2"),
                            "--config", str(auto),
                            "--max-steps", "3"])  # fmt: skip
    assert r.exit_code == 0, r.output
    summary = json.loads((tmp_path / "cli2" / "train_summary.json").read_text())
    assert summary["steps"] == 3 and "step_budget" not in summary
