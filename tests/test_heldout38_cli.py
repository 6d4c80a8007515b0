"""Session 38 (heldout38): the CLI on the held-out kinds a new user runs with no options
(scripts/heldout38/gen_logs.py). Before (d90d52f5): an MQTT subscriber's log and InfluxDB line
protocol were "cannot tell the format from the name"; a Splunk export without an id-named
column was refused as "metres on a plane" advising `--crs local`. docs/data.md "Session 38
(heldout38)"."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import polars as pl
from helpers import invoke_cli

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts" / "heldout38"


def _gen(kind: str, out: Path) -> Path:
    spec = importlib.util.spec_from_file_location("heldout38_gen", SCRIPTS / "gen_logs.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    getattr(mod, kind)(np.random.default_rng(7), out)
    return out / mod.FILES[kind]


def test_ingest_reads_an_mqtt_log(tmp_path: Path) -> None:
    p = _gen("mqtt", tmp_path)
    before = p.read_bytes()
    store = tmp_path / "store"
    r = invoke_cli(["data", "ingest", p, "--out", store])
    assert r.exit_code == 0, r.output[-1500:]  # was: "cannot tell the format from the name"
    manifest = json.loads((store / "manifest.json").read_text())
    assert sum(s["n_trajectories"] for s in manifest["splits"].values()) == 7
    assert p.read_bytes() == before  # the user's file untouched


def test_predict_reads_influx_line_protocol(tmp_path: Path) -> None:
    p = _gen("influx", tmp_path)
    out = tmp_path / "out.csv"
    r = invoke_cli(["predict", "--model", "trajlm-small", "--input", p, "--out", out,
                    "--threads", "1"])  # fmt: skip
    assert r.exit_code == 0, r.output[-1500:]  # was: "cannot tell the format from the name"
    assert pl.read_csv(out)["device"].n_unique() == 6  # the tag, under its own name


def test_ingest_tells_the_id_of_interleaved_movers_not_crs_local(tmp_path: Path) -> None:
    p = _gen("splunk", tmp_path)
    r = invoke_cli(["data", "ingest", p, "--out", tmp_path / "store"])
    # told "several movers ... --traj-col" in session 38; read by `unit` with a line since
    # leftover39 (the one column that tells the movers apart)
    assert r.exit_code == 0, r.output[-1500:]
    assert "'unit' read as the trajectory id" in r.output, r.output[-1500:]
    assert "--crs local" not in r.output  # was: "look like metres on a plane"
    r = invoke_cli(["data", "ingest", p, "--out", tmp_path / "s1", "--traj-col", "host"])
    assert r.exit_code == 2 and "under one id" in r.output, r.output[-1500:]  # a gateway
    r = invoke_cli(["data", "ingest", p, "--out", tmp_path / "s2", "--traj-col", "unit"])
    assert r.exit_code == 0, r.output[-1500:]
