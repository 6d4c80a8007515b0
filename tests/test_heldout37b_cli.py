"""Session 37 (heldout37b): the CLI on the held-out kinds a new user runs with no options
(scripts/heldout37b/gen_files.py). Before (d7654608): an SQL dump was "cannot tell the format
from the name", Home Assistant's history "keys name no time". docs/data.md "Session 37
(heldout37b)"."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import polars as pl
from helpers import invoke_cli

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts" / "heldout37b"


def _gen(kind: str, out: Path) -> Path:
    spec = importlib.util.spec_from_file_location("heldout37b_gen", SCRIPTS / "gen_files.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    getattr(mod, kind)(np.random.default_rng(7), out)
    return out / mod.FILES[kind]


def test_ingest_reads_a_pg_dump(tmp_path: Path) -> None:
    p = _gen("sqldump", tmp_path)
    store = tmp_path / "store"
    r = invoke_cli(["data", "ingest", p, "--out", store])
    assert r.exit_code == 0, r.output[-1500:]  # was: "cannot tell the format from the name"
    manifest = json.loads((store / "manifest.json").read_text())
    assert sum(s["n_trajectories"] for s in manifest["splits"].values()) == 6
    assert p.read_text().startswith("--\n-- PostgreSQL")  # the user's file untouched


def test_predict_reads_home_assistant_history(tmp_path: Path) -> None:
    p = _gen("homeassistant", tmp_path)
    out = tmp_path / "out.csv"
    r = invoke_cli(["predict", "--model", "trajlm-small", "--input", p, "--out", out,
                    "--threads", "1"])  # fmt: skip
    assert r.exit_code == 0, r.output[-1500:]  # was: "keys name no time"
    assert pl.read_csv(out)["traj_id"].n_unique() == 4
