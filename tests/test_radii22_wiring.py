"""Radii per regime (radii22) answer the same through the Python API, the HTTP API and the CLI,
a vehicle cut into pieces included (each piece's own regime)."""

from __future__ import annotations

import warnings

import numpy as np
import polars as pl
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")
from fastapi.testclient import TestClient  # noqa: E402
from test_httppieces21 import fleet  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from trajlm.cli import app  # noqa: E402


@pytest.fixture(scope="module")
def client(trajlm_small):
    from trajlm.serve import create_app

    with TestClient(create_app(trajlm_small)) as c:
        yield c


def _py(model, rows: list[dict], **kw) -> pl.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model.predict(pl.DataFrame(rows), radii=[50, 90, 95], **kw)


def test_http_radii_of_a_cut_vehicle_are_the_python_api_radii(client, trajlm_small):
    for kw in ({"steps": 2}, {"seconds_ahead": [5, 60, 400]}):
        r = client.post("/predict", json={"trajectories": fleet(), "radii": [50, 90, 95]} | kw)
        assert r.status_code == 200, r.text
        got = sorted(r.json()["points"], key=lambda p: (p["traj_id"], p["piece"], p["step"]))
        py = _py(trajlm_small, fleet(), **kw).sort("vehicle_id", "piece", "step")
        assert [(p["traj_id"], p["piece"]) for p in got] == py.select("vehicle_id", "piece").rows()
        for lv in (50, 90, 95):
            assert np.allclose([p[f"r{lv}_m"] for p in got], py[f"r{lv}_m"].to_numpy(), rtol=1e-6)
        ratio = py["r90_m"] / py["std_m"]
        assert ratio.n_unique() > 1  # factors differ by regime, not one pooled factor


def test_cli_radii_at_seconds_ahead_are_the_python_api_radii(tmp_path, trajlm_small):
    rows = [dict(p, traj_id=f"{p['vehicle_id']}") for p in fleet()[:12]]  # one drive
    src, out = tmp_path / "in.csv", tmp_path / "p.csv"
    pl.DataFrame(rows).drop("vehicle_id").write_csv(src)
    res = CliRunner().invoke(app, ["predict", "--model", "trajlm-small", "--input", str(src),
                                   "--seconds-ahead", "5,60,400", "--radii", "50,90,95",
                                   "--out", str(out)])  # fmt: skip
    assert res.exit_code == 0, res.output
    got = pl.read_csv(out)
    py = _py(trajlm_small, [{k: v for k, v in p.items() if k != "vehicle_id"} for p in rows],
             seconds_ahead=[5, 60, 400])  # fmt: skip
    for lv in (50, 90, 95):
        assert np.allclose(got[f"r{lv}_m"], py[f"r{lv}_m"], rtol=1e-5)
