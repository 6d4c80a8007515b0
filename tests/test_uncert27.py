"""A candidate selector's std_m and radii (session 27, uncert27; trajlm/eval/selector_spread.py).

The fit saves each engine's val error spread in the folder; ``TrajLM.from_pretrained(DIR)``,
`trajlm predict --radii` and HTTP /predict answer the same std_m and radii from it; a folder
fitted before it answers std_m NaN (said once) and refuses radii in one line everywhere; a
hand-edited spread is one line naming the field.
"""

from __future__ import annotations

import json
import shutil
import warnings

import numpy as np
import polars as pl
import pytest
from test_api_selector import saved  # noqa: F401 (the module's fixture: a tiny saved selector)
from test_selector_predictor import said
from typer.testing import CliRunner

import trajlm
from trajlm.cli import app
from trajlm.errors import UserError
from trajlm.eval.engine_spread import spread_ok, task_scale
from trajlm.eval.selector_predictor import CandidateSelectorPredictor
from trajlm.eval.selector_spread import engine_step_errors, spread_task
from trajlm.eval.selector_verdict import ENGINES

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from trajlm.serve.app import create_app  # noqa: E402

runner = CliRunner()
COLS = ["std_m", "r50_m", "r90_m", "r95_m"]


def _first(test: pl.DataFrame, n: int = 4) -> pl.DataFrame:
    ids = test["traj_id"].unique(maintain_order=True)[:n]
    return test.filter(pl.col("traj_id").is_in(ids.implode())).select("traj_id", "t", "lat", "lon")


def _without_spread(folder, tmp_path):
    old = tmp_path / "old"
    shutil.copytree(folder, old)
    cfg = json.loads((old / "config.json").read_text())
    del cfg["val_spread"]
    (old / "config.json").write_text(json.dumps(cfg))
    return old


def test_the_fit_saves_each_engines_val_quantiles(saved):  # noqa: F811
    store, test, sel, folder = saved
    loaded = CandidateSelectorPredictor.load(folder)
    assert set(loaded.val_spread_) == set(ENGINES)
    assert all(spread_ok(s) for s in loaded.val_spread_.values())
    # the saved factors are the conformal quantiles of the fit's own val answers (before the
    # fixture moved the network): each holds at least its level of them
    from trajlm.data.store import read_store

    val = read_store(store, split="val").drop("split", strict=False)
    task = spread_task(val, loaded.settings_["horizon"], loaded.max_val_windows)
    scale, errs = task_scale(task), engine_step_errors(loaded, task)
    for engine in ("knn", "place_knn"):
        f = loaded.val_spread_[engine]["factors"]
        ratio = (errs[engine] / scale)[np.isfinite(scale)]
        assert np.mean(ratio <= f["90"]) >= 0.9 > np.mean(ratio <= 0.9 * f["90"]) - 0.05


def test_python_cli_and_http_answer_the_same_std_m_and_radii(saved, tmp_path):  # noqa: F811
    store, test, sel, folder = saved
    model = trajlm.TrajLM.from_pretrained(folder)
    sub = _first(test)
    got = model.predict(sub, steps=3, radii=[50, 90, 95])
    assert got.columns[-5:] == [*COLS, "engine"]
    spread = model.selector.val_spread_[model.engine]
    ok = got.filter(pl.col("std_m").is_finite())
    assert ok.height >= 9 and (ok["std_m"] > 0).all()
    ratio = (ok["r90_m"] / ok["std_m"]).to_numpy()  # one scale per answer: factor / sigma
    assert np.allclose(ratio, spread["factors"]["90"] / spread["sigma"])
    assert (ok["r50_m"] <= ok["r90_m"]).all() and (ok["r90_m"] <= ok["r95_m"]).all()
    assert np.allclose(model.predict(sub, steps=3)["std_m"].to_numpy(), got["std_m"].to_numpy(),
                       equal_nan=True)  # fmt: skip
    with TestClient(create_app(model)) as client:
        assert client.get("/model").json()["val_spread"] == model.selector.val_spread_
        rows = sub.with_columns(pl.col("traj_id").cast(pl.Utf8)).to_dicts()
        for radii in ([50, 90, 95], None):
            body = {"trajectories": rows, "steps": 3, "output": "table"}
            r = client.post("/predict", json=body | ({"radii": radii} if radii else {}))
            assert r.status_code == 200, r.text
            pts = r.json()["points"]
            for c in COLS if radii else COLS[:1]:
                http = np.array([np.nan if p[c] is None else p[c] for p in pts])
                assert np.allclose(http, got[c].to_numpy(), rtol=1e-9, equal_nan=True), c
    out = tmp_path / "p.csv"
    args = ["predict", "--model", str(folder), "--input", str(store), "--limit", "4"]
    r = runner.invoke(app, [*args, "--steps", "3", "--radii", "50,90", "--out", str(out)])
    assert r.exit_code == 0, r.output
    cli = pl.read_csv(out)
    first = test.filter(pl.col("traj_id").is_in(cli["traj_id"].cast(str).unique().implode()))
    ref = model.predict(first, steps=3, radii=[50, 90])
    for c in COLS[:3]:
        assert np.allclose(cli[c].to_numpy(), ref[c].to_numpy(), equal_nan=True), c


def test_a_folder_without_a_spread_says_so_once_and_refuses_radii_in_one_line(saved, tmp_path):  # noqa: F811
    store, test, sel, folder = saved
    old = _without_spread(folder, tmp_path)
    model = trajlm.TrajLM.from_pretrained(old)
    sub = _first(test, 2)
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        a, b = model.predict(sub, steps=2), model.predict(sub, steps=2)
    lines = [str(w.message) for w in got if "session 27" in str(w.message)]
    assert len(lines) == 1 and str(old) in lines[0] and "\n" not in lines[0]
    assert a["std_m"].is_nan().all() and b["std_m"].is_nan().all()
    with pytest.raises(UserError, match="radii: .*fitted before session 27"):
        model.predict(sub, steps=2, radii=90)
    with TestClient(create_app(model)) as client:
        rows = sub.with_columns(pl.col("traj_id").cast(pl.Utf8)).to_dicts()
        r = client.post("/predict", json={"trajectories": rows, "steps": 2, "radii": [90]})
        assert r.status_code == 422 and r.json()["field"] == "radii"
        assert "leave radii out" in r.json()["error"] and "\n" not in r.json()["error"]
        r = client.post("/predict", json={"trajectories": rows, "steps": 2})
        assert r.status_code == 200 and all(p["std_m"] is None for p in r.json()["points"])
    args = ["predict", "--model", str(old), "--input", str(store), "--limit", "2", "--steps", "2"]
    r = runner.invoke(app, [*args, "--radii", "90", "--out", str(tmp_path / "p.csv")])
    assert r.exit_code == 2 and "fitted before session 27" in said(r)
    assert not (tmp_path / "p.csv").exists()


def test_a_hand_edited_spread_is_one_line_naming_the_field(saved, tmp_path):  # noqa: F811
    folder = saved[3]
    bad = tmp_path / "bad"
    shutil.copytree(folder, bad)
    cfg = json.loads((bad / "config.json").read_text())
    cfg["val_spread"]["knn"]["factors"]["90"] = -1.0
    (bad / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(UserError, match=r"config.json: val_spread.knn: .*refit") as e:
        CandidateSelectorPredictor.load(bad)
    assert "\n" not in str(e.value)
