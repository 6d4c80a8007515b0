"""Session 37 (heldout37): `trajlm data ingest` and `trajlm predict --input FILE` on held-out
kinds read as `trajlm.read` does. Before (202f3591): the Event Hubs Capture `.avro` was a Rust
panic's traceback (exit 1) in both; the Firehose object and the `.npz` "cannot tell the format" /
"expected a store directory, .csv, .parquet or a file trajlm reads"; OsmAnd's `tracks` database
"missing column(s) ['traj_id', 't']". docs/data.md "Session 37 (heldout37)"."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import polars as pl
from helpers import invoke_cli

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts" / "heldout37"


def _gen(module: str, kind: str, out: Path) -> Path:
    spec = importlib.util.spec_from_file_location(f"heldout37_{module}", SCRIPTS / f"{module}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    getattr(mod, kind)(np.random.default_rng(7), out)
    return out / mod.FILES[kind]


def test_predict_reads_an_event_hubs_capture_file(tmp_path: Path) -> None:
    p = _gen("gen_bus", "eventhubs", tmp_path)
    out = tmp_path / "out.csv"
    r = invoke_cli(["predict", "--model", "trajlm-small", "--input", p, "--out", out,
                    "--threads", "1"])  # fmt: skip
    assert r.exit_code == 0, r.output[-1500:]  # was: PanicException, a traceback
    assert pl.read_csv(out)["scooterId"].n_unique() == 10


def test_ingest_reads_a_firehose_object_and_an_osmand_database(tmp_path: Path) -> None:
    for kind, module, movers in (("firehose", "gen_bus", 14), ("osmand", "gen_files", 8)):
        p = _gen(module, kind, tmp_path)
        store = tmp_path / f"store_{kind}"
        r = invoke_cli(["data", "ingest", p, "--out", store])
        assert r.exit_code == 0, r.output[-1500:]  # was: "cannot tell the format" / "missing"
        manifest = json.loads((store / "manifest.json").read_text())
        assert sum(s["n_trajectories"] for s in manifest["splits"].values()) == movers


def test_ingest_tells_a_pickle_in_one_line(tmp_path: Path) -> None:
    p = tmp_path / "tracks.pkl"
    p.write_bytes(b"\x80\x04N.")
    r = invoke_cli(["data", "ingest", p, "--out", tmp_path / "s"])
    assert r.exit_code == 2 and "a Python pickle" in r.output and "Traceback" not in r.output
