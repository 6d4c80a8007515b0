"""Issue 14 item 8 (session 8): no weight file is ever tracked (trajlm-small's are built locally,
bit for bit), the package data would carry them, and the card's kNN rows
(scripts/pretrain_eval.py --knn)."""

import importlib.util
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent


def _ignored(path: str) -> bool:
    r = subprocess.run(["git", "check-ignore", "-q", path], cwd=ROOT, capture_output=True)
    return r.returncode == 0


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(),
                    reason="not a git checkout")  # fmt: skip
def test_gitignore_keeps_every_weight_file_out():
    for path in ("trajlm/checkpoints/trajlm-small/model.safetensors", "model.safetensors",
                 "trajlm/checkpoints/other/model.safetensors", "runs/a/best/model.safetensors"):  # fmt: skip
        assert _ignored(path), path


def test_pyproject_package_data_covers_built_weights():
    import tomllib

    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text())
    globs = cfg["tool"]["setuptools"]["package-data"]["trajlm.checkpoints"]
    base = ROOT / "trajlm" / "checkpoints"
    shipped = {p for g in globs for p in base.glob(g)}
    names = ["config.json", "MODEL_CARD.md"]
    names += (
        ["model.safetensors"] if (base / "trajlm-small" / "model.safetensors").is_file() else []
    )
    for name in names:
        assert base / "trajlm-small" / name in shipped, name


def _script():
    spec = importlib.util.spec_from_file_location("pe", ROOT / "scripts" / "pretrain_eval.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    from trajlm.data.ingest import synth_store

    path = tmp_path_factory.mktemp("s") / "s"
    synth_store(path, n_trajectories=60, seed=4)
    return path


@pytest.mark.skipif(not (ROOT / "trajlm/checkpoints/trajlm-small/model.safetensors").is_file(),
                    reason="trajlm-small weights not built (scripts/build_trajlm_small.sh)")  # fmt: skip
def test_pretrain_eval_knn_rows_and_paired_ci(store):
    mod = _script()
    recs = mod.main(["--data", str(store), "--model", "small=trajlm-small", "--knn",
                     "--max-trips", "12"])  # fmt: skip
    assert [r["model"] for r in recs] == ["constant velocity", "kNN continuation", "small"]
    knn, small = recs[1], recs[2]
    n = recs[0]["n_trips"]  # the trips long enough for task 1 among the first 12
    assert knn["knn_setting"].startswith("history=") and 0 < n <= 12 and knn["n_trips"] == n
    lo, hi = knn["ratio_ci95"]
    assert lo <= knn["ratio"] <= hi
    v = small["vs_knn"]  # model - kNN: mean difference inside its own interval
    assert v["lo"] <= v["diff"] <= v["hi"] and v["n"] == n
    assert np.isclose(v["diff"], small["mae_m"] - knn["mae_m"], atol=1e-6)


def test_pretrain_eval_knn_refuses_to_tune_on_the_split_it_scores(store, capsys):
    with pytest.raises(SystemExit):
        _script().main(["--data", str(store), "--split", "val", "--knn"])
    assert "tunes on the val split" in capsys.readouterr().err


@pytest.mark.skipif(not (ROOT / "trajlm/checkpoints/trajlm-small/model.safetensors").is_file(),
                    reason="trajlm-small weights not built (scripts/build_trajlm_small.sh)")  # fmt: skip
def test_eval_takes_the_named_checkpoint_for_similarity_and_names_what_classify_needs(store):
    from typer.testing import CliRunner

    from trajlm.cli import app

    run = CliRunner().invoke(app, ["eval", "--task", "similarity", "--data", str(store),
                                   "--model", "trajlm-small"])  # fmt: skip
    assert run.exit_code == 0, run.output
    assert "trajlm:trajlm-small" in run.output
    bad = CliRunner().invoke(app, ["eval", "--task", "classify", "--data", str(store),
                                   "--model", "trajlm-small"])  # fmt: skip
    assert bad.exit_code == 2 and "not a classifier" in bad.output
