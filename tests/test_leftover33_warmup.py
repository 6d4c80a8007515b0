"""leftover33: a run whose warmup lasts as long as the run (warmup_steps >= max_steps) never
leaves warmup: one line at train start names both settings and the config key, from the CLI
and from TrajLM.fit; the schedule itself is left as given (leftover32: shortening warmup would
change every short run's)."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from reliability_helpers import TINY, invoke, said

from trajlm.data.ingest import synth_store


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("lr33")
    synth_store(d / "s", n_trajectories=30, seed=1, overwrite=False)
    return d / "s"


def _config(path: Path, warmup: int) -> Path:
    path.write_text(TINY.replace("warmup_steps = 1", f"warmup_steps = {warmup}"))
    return path


def test_a_warmup_as_long_as_the_run_is_said(store: Path, tmp_path: Path) -> None:
    r = invoke("train", "--data", store, "--out", tmp_path / "r", "--config",
               _config(tmp_path / "c.toml", 3))  # fmt: skip
    assert r.exit_code == 0, r.output
    line = said(r)  # was: nothing (the check was warmup_steps > max_steps)
    assert "train.warmup_steps 3 >= max_steps 3: the run never leaves warmup" in line, line
    assert "set [train] warmup_steps below max_steps" in line


def test_a_shorter_warmup_says_nothing(store: Path, tmp_path: Path) -> None:
    r = invoke("train", "--data", store, "--out", tmp_path / "r", "--config",
               _config(tmp_path / "c.toml", 2))  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "never leaves warmup" not in r.output, r.output


def test_trajlm_fit_says_it_as_a_warning(store: Path, tmp_path: Path) -> None:
    import trajlm

    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        trajlm.TrajLM.fit(store, tmp_path / "r", config=_config(tmp_path / "c.toml", 5),
                          val_check=False)  # fmt: skip
    said_ = [str(w.message) for w in got if "never leaves warmup" in str(w.message)]
    assert len(said_) == 1 and "warmup_steps 5 >= max_steps 3" in said_[0], said_
    assert "60% of train.lr" in said_[0] and "TrajLM.fit: config=" in said_[0]
