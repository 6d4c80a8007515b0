"""Session 26 (uncert26): ``std_m`` and radii where a prediction verdict's baseline answers
(eval/engine_spread.py): each engine's error spread measured on val when `trajlm train` runs
its check, saved beside the verdict, read by the Python API, the CLI and HTTP alike.

The store is tests/test_heldout23_knn_check.py's circles (kNN continuation near exact, an
untrained model far off: the verdict is kNN); the verdict is made by the code `trajlm train`
runs at its end, on a model that is not trained (seconds)."""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from test_heldout23_knn_check import _circle_trips
from test_pvbase24 import _model

from trajlm.data.store import read_store, write_store
from trajlm.eval.engine_spread import (
    MIN_ANSWERS,
    conformal,
    fit_spread,
    history_scale,
    spread_ok,
    with_engine_spread,
)


@pytest.fixture(scope="module")
def judged(tmp_path_factory) -> dict:
    """A store of circles, a run with its verdict (and spread), and the same without spread."""
    import trajlm
    from trajlm.cli_train_check import save_predict_verdict
    from trajlm.eval.knn_check import knn_check, val_task_of

    d = tmp_path_factory.mktemp("u26")
    store = d / "circles"
    write_store(_circle_trips(), store)
    train = read_store(store, split="train").drop("split")
    model = _model(train)
    run = d / "run"
    trajlm.TrajLM(model, threads=1).save_pretrained(run)
    old = d / "old"  # the same run, its verdict saved before session 26 (no spread)
    shutil.copytree(run, old)
    fitted: dict = {}
    val = read_store(store, split="val").drop("split")
    check = knn_check(model, train, val_task_of(store), fitted, None, val)
    save_predict_verdict(run, store, check, fitted, train)
    save_predict_verdict(old, store, {k: v for k, v in check.items() if k != "val_spread"},
                         fitted, train)  # fmt: skip
    verdict = json.loads((run / "val_verdict.json").read_text())["predict"]
    return {"run": run, "old": old, "verdict": verdict, "check": check}


def _hist() -> pl.DataFrame:
    return _circle_trips(n=3, points=25, seed=9).with_columns(
        traj_id=pl.lit("q") + pl.col("traj_id")
    )


def test_conformal_quantiles_and_the_spread_fields() -> None:
    ratio = np.arange(1, 101, dtype=float)  # 1..100
    assert conformal(ratio, 50) == 51.0 and conformal(ratio, 90) == 91.0
    assert conformal(ratio, 95) == 96.0 and conformal(ratio[:10], 95) == 10.0
    err, scale = np.tile(ratio, (5, 1)).T, np.ones((100, 5))
    s = fit_spread(err, scale)
    assert s["factors"] == {"50": 51.0, "90": 91.0, "95": 96.0} and s["n_answers"] == 500
    assert 86 <= 2 * s["sigma"] <= 88  # 2 sigma holds 86.5 % of val's answers
    assert spread_ok(s)
    assert fit_spread(err[:3], scale[:3]) is None and 3 * 5 < MIN_ANSWERS
    for bad in ({**s, "sigma": float("nan")}, {**s, "factors": {"50": 2.0, "90": 1.0, "95": 3.0}},
                {**s, "factors": {"50": 1.0}}, {**s, "sigma": True}, None):  # fmt: skip
        assert not spread_ok(bad)


def test_rows_get_std_and_radii_from_the_history_scale_or_nan_without_a_spread() -> None:
    hist = _hist()
    last = hist.group_by("traj_id", maintain_order=True).agg(pl.col("t").last())
    rows = pl.DataFrame({"traj_id": np.repeat(last["traj_id"], 2),
                         "step": np.tile([1, 2], 3),
                         "t": np.repeat(last["t"], 2) + np.tile([10, 20], 3),
                         "lat": 41.15, "lon": -8.61, "std_m": np.nan})  # fmt: skip
    spread = {"factors": {"50": 1.0, "90": 2.0, "95": 3.0}, "sigma": 1.5}
    got = with_engine_spread(rows, hist, spread, [50, 95])
    scale = history_scale(hist, np.tile([10.0, 20.0], (3, 1))).reshape(-1)
    assert np.isfinite(scale).all() and (scale[1::2] > scale[::2]).all()  # grows with ahead
    np.testing.assert_allclose(got["std_m"], 1.5 * scale)
    np.testing.assert_allclose(got["r95_m"], 3.0 * scale)
    np.testing.assert_allclose(got["r50_m"], 1.0 * scale)
    none = with_engine_spread(rows, hist, None, [50])
    assert none["std_m"].is_nan().all() and none["r50_m"].is_nan().all()


@pytest.mark.slow  # the module's run: ~10-30 s of val check on 2 shared cores
def test_train_saves_every_engine_spread_beside_the_verdict(judged: dict) -> None:
    v = judged["verdict"]
    assert v["engine"].startswith("kNN continuation")
    assert set(v["spread"]) >= {"linear-3", v["engine"]} and spread_ok(v["spread"][v["engine"]])
    # read on every window of the val trips, not only one per trip (module doc)
    assert v["spread"][v["engine"]]["n_answers"] > 5 * v["n_val_trips"]


@pytest.mark.slow  # the module's run: ~10-30 s of val check on 2 shared cores
def test_the_engine_answers_with_std_and_radii_and_old_verdicts_say_why(judged: dict) -> None:
    import trajlm

    hist = _hist()
    lm = trajlm.TrajLM.from_pretrained(judged["run"], threads=1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        plain = lm.predict(hist, steps=5)
        ring = lm.predict(hist, steps=5, radii=[50, 90, 95])
        asked = lm.predict(hist, seconds_ahead=[10, 30], radii=True)
    engine = judged["verdict"]["engine"]
    assert not [
        w for w in caught if "std_m is NaN" in str(w.message) or "radii (" in str(w.message)
    ]
    for got in (plain, ring, asked):
        assert set(got["engine"]) == {engine}
        assert got["std_m"].is_finite().all() and (got["std_m"] > 0).all()
    assert ring.select("lat", "lon", "std_m").equals(plain.select("lat", "lon", "std_m"))
    assert (ring["r50_m"] < ring["r90_m"]).all() and (ring["r90_m"] <= ring["r95_m"]).all()
    f = judged["verdict"]["spread"][engine]["factors"]
    np.testing.assert_allclose(ring["r90_m"] / ring["r50_m"], f["90"] / f["50"], rtol=1e-9)
    assert {"r50_m", "r90_m"} <= set(asked.columns) and asked["r90_m"].is_finite().all()
    old = trajlm.TrajLM.from_pretrained(judged["old"], threads=1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        nan = old.predict(hist, steps=5)
        old.predict(hist, steps=3)
        kept = old.predict(hist, steps=3, radii=[50])  # before session 26: the model's radii
    said = [str(w.message) for w in caught if "std_m is NaN" in str(w.message)]
    assert len(said) == 1 and "before session 26" in said[0] and engine in said[0]
    assert set(nan["engine"]) == {engine} and nan["std_m"].is_nan().all()
    assert set(kept["engine"]) == {"model"} and kept["r50_m"].is_finite().all()


@pytest.mark.slow  # the module's run: ~10-30 s of val check on 2 shared cores
def test_cli_and_http_agree_with_the_api(judged: dict, tmp_path: Path) -> None:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    import trajlm
    from trajlm.cli import app
    from trajlm.serve import create_app

    hist = _hist()
    lm = trajlm.TrajLM.from_pretrained(judged["run"], threads=1)
    want = lm.predict(hist, steps=3, radii=[50, 90])
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    hist.write_csv(src)
    res = CliRunner().invoke(app, ["predict", "--model", str(judged["run"]), "--input", str(src),
                                   "--out", str(out), "--steps", "3", "--radii", "50,90",
                                   "--threads", "1"])  # fmt: skip
    assert res.exit_code == 0, res.output
    cli = pl.read_csv(out)
    assert set(cli["engine"]) == {judged["verdict"]["engine"]}
    for c in ("lat", "lon", "std_m", "r50_m", "r90_m"):
        np.testing.assert_allclose(cli[c].to_numpy(), want[c].to_numpy(), rtol=1e-6)
    body = [{"traj_id": r["traj_id"], "t": r["t"], "lat": r["lat"], "lon": r["lon"]}
            for r in hist.iter_rows(named=True)]  # fmt: skip
    with TestClient(create_app(lm)) as c:
        got = c.post("/predict", json={"trajectories": body, "steps": 3, "radii": [50, 90],
                                       "output": "table"})  # fmt: skip
        plain = c.post("/predict", json={"trajectories": body, "steps": 3, "output": "table"})
    assert got.status_code == 200 and plain.status_code == 200, (got.text, plain.text)
    rows = got.json()["rows"] if "rows" in got.json() else got.json()["points"]
    http = pl.DataFrame(rows)
    for c in ("lat", "lon", "std_m", "r50_m", "r90_m"):
        np.testing.assert_allclose(http[c].to_numpy(), want[c].to_numpy(), rtol=1e-6)
    p = plain.json()["rows"] if "rows" in plain.json() else plain.json()["points"]
    np.testing.assert_allclose(pl.DataFrame(p)["std_m"].to_numpy(), want["std_m"].to_numpy(),
                               rtol=1e-6)  # fmt: skip
