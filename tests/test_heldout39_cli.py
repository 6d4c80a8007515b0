"""Session 39 (heldout39): the CLI and the Python API on held-out kinds a new user runs with no
options (scripts/heldout39/gen_track.py, gen_cloud.py). Before (a28c0e89): a VBOX `.vbo` was
"cannot tell the format from the name"; a Particle event stream "missing column(s) ...
[':ok']"; a DynamoDB export folder "manifest-files.json: top level is not a JSON object"; the
frames pandas builds from Mapillary's images ("no t column"), a DynamoDB export ("traj_col=
'Item.scooterId.S'", then no lat) and Particle's events (486 one-point movers by the request
counter `req_id`, warnings only). docs/data.md "Session 39 (heldout39)"."""

from __future__ import annotations

import gzip
import json
import warnings
from pathlib import Path

import pandas as pd
import polars as pl
from helpers import invoke_cli
from test_heldout39_readers import gen39

from trajlm.data.coerce import to_canonical


def _gen(kind: str, out: Path) -> Path:
    return gen39(kind, out, seed=7)


def test_ingest_reads_a_vbox_file(tmp_path: Path) -> None:
    p = _gen("vbox", tmp_path)
    before = p.read_bytes()
    store = tmp_path / "store"
    r = invoke_cli(["data", "ingest", p, "--out", store])
    assert r.exit_code == 0, r.output[-1500:]  # was: "cannot tell the format from the name"
    manifest = json.loads((store / "manifest.json").read_text())
    assert manifest["n_points"] == 480
    pts = pl.read_parquet(store / "points" / "**" / "*.parquet")
    assert pts["lon"].max() < -0.99 and pts["lat"].min() > 52.0  # 1.0 W, not 1.0 E nor 60x
    assert p.read_bytes() == before  # the user's file untouched


def test_ingest_reads_a_dynamodb_export_folder(tmp_path: Path) -> None:
    d = _gen("dynamodb", tmp_path)
    r = invoke_cli(["data", "ingest", d, "--out", tmp_path / "store"])
    assert r.exit_code == 0, r.output[-1500:]  # was: the manifests read, the data not
    manifest = json.loads((tmp_path / "store" / "manifest.json").read_text())
    assert sum(s["n_trajectories"] for s in manifest["splits"].values()) >= 8
    assert "not read" not in r.output


def test_predict_reads_a_particle_event_stream(tmp_path: Path) -> None:
    p = _gen("particle", tmp_path)
    out = tmp_path / "out.csv"
    r = invoke_cli(["predict", "--model", "trajlm-small", "--input", p, "--out", out,
                    "--threads", "1"])  # fmt: skip
    assert r.exit_code == 0, r.output[-1500:]  # was: "missing column(s) ... [':ok']"
    assert pl.read_csv(out)["traj_id"].n_unique() == 5


def _canonical(df: pd.DataFrame):  # noqa: ANN202
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = to_canonical(df)
    return out, " ".join(str(x.message) for x in w)


def test_frames_of_particle_dynamodb_and_mapillary_name_their_movers(tmp_path: Path) -> None:
    p = _gen("particle", tmp_path)
    events = [json.loads(x[6:]) for x in p.read_text().splitlines() if x.startswith("data: ")]
    frame = pd.json_normalize([{"coreid": e["coreid"], **json.loads(e["data"])} for e in events])
    got, _ = _canonical(frame)
    assert got["traj_id"].n_unique() == 5  # was: one mover per `req_id`, a request counter
    d = _gen("dynamodb", tmp_path)
    lines = [json.loads(x) for f in d.rglob("data/*.json.gz") for x in gzip.open(f, "rt")]
    got, said = _canonical(pd.json_normalize(lines))
    assert got["traj_id"].n_unique() == 8 and "DynamoDB" in said
    m = _gen("mapillary", tmp_path)
    data = json.loads(m.read_text())["data"]
    got, _ = _canonical(pd.json_normalize(data))
    assert got["traj_id"].n_unique() == 5  # by `sequence`, at `geometry` (not computed)
    first = min(data, key=lambda x: x["captured_at"])
    row = got.sort("t").row(0, named=True)
    assert [row["lon"], row["lat"]] == first["geometry"]["coordinates"]
