"""A version-2 radii.json (radii23: a per-call backtest scale) answers the same through the Python
API, the HTTP API (a vehicle cut into pieces too) and the CLI; each radius is the bin's factor x
the multiplier of its history's own backtest, and 1 where the history is too short for one."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import polars as pl
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")
from fastapi.testclient import TestClient  # noqa: E402
from test_httppieces21 import fleet, van  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from trajlm.cli import app  # noqa: E402
from trajlm.eval.radii_backtest import backtest  # noqa: E402
from trajlm.eval.radii_bins import BacktestScale, regime, save_radii_bins  # noqa: E402

LV = [50, 90, 95]
AHEAD = [5, 60, 400]


@pytest.fixture(scope="module")
def scaled(tmp_path_factory):
    """trajlm-small with a version-2 radii.json: session 22's bins and a backtest scale, saved
    as a checkpoint folder (for the CLI) too."""
    import trajlm

    try:
        model = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
    except FileNotFoundError as e:
        pytest.skip(f"trajlm-small weights missing: {e}")
    model.radii_bins = dataclasses.replace(model.radii_bins, scale=BacktestScale(0.75))
    folder = tmp_path_factory.mktemp("v2") / "ck"
    model.save_pretrained(folder)
    save_radii_bins(model.radii_bins, folder)
    return model, folder


def _py(model, rows: list[dict], **kw) -> pl.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model.predict(pl.DataFrame(rows), radii=LV, **kw)


def test_python_radii_are_the_bin_factor_times_the_backtest_multiplier(scaled):
    model, _ = scaled
    rows = [dict(p, traj_id=p.pop("vehicle_id")) for p in van("long", n=16)[:16]]
    rows += [dict(p, traj_id=p.pop("vehicle_id")) for p in van("short", n=5)[:5]]
    hist = pl.DataFrame(rows)
    got = _py(model, rows, seconds_ahead=AHEAD).sort("traj_id", "t")
    bt = backtest(model, hist.sort("traj_id", "t"), 6)
    assert bt["traj_id"].to_list() == ["long"]  # 5 fixes: too short for a backtest
    reg = regime(hist).sort("traj_id")
    bins = model.radii_bins
    for tid, g in got.group_by("traj_id", maintain_order=True):
        t_last, speed, every, fixes = reg.filter(pl.col("traj_id") == tid[0]).select(
            "t_last", "speed", "interval", "fixes").row(0)  # fmt: skip
        ahead = g["t"].to_numpy() - t_last
        s = bt.filter(pl.col("traj_id") == tid[0])
        sv = np.full(len(ahead), s["bt_s"][0] if s.height else np.nan)
        lag = np.full(len(ahead), s["bt_lag"][0] if s.height else np.nan)
        mult = bins.scale.mult(sv, lag, ahead)
        assert (mult == 1).all() == (tid[0] == "short")
        for lv in LV:
            want = bins.factor(lv, ahead, np.full(len(ahead), speed), g["std_m"].to_numpy(), mult,
                               every, None, fixes)  # uncert30: "short" has 5 fixes  # fmt: skip
            assert np.allclose(g[f"r{lv}_m"] / g["std_m"], want, rtol=1e-6)


def test_http_and_cli_radii_are_the_python_api_radii(scaled, tmp_path):
    from trajlm.serve import create_app

    model, folder = scaled
    with TestClient(create_app(model)) as client:
        for kw in ({"steps": 2}, {"seconds_ahead": AHEAD}):
            r = client.post("/predict", json={"trajectories": fleet(), "radii": LV} | kw)
            assert r.status_code == 200, r.text
            got = sorted(r.json()["points"], key=lambda p: (p["traj_id"], p["piece"], p["step"]))
            py = _py(model, fleet(), **kw).sort("vehicle_id", "piece", "step")
            for lv in LV:
                assert np.allclose([p[f"r{lv}_m"] for p in got], py[f"r{lv}_m"], rtol=1e-6)
    rows = [dict(p, traj_id=f"{p['vehicle_id']}") for p in fleet()[:12]]  # one drive
    src, out = tmp_path / "in.csv", tmp_path / "p.csv"
    pl.DataFrame(rows).drop("vehicle_id").write_csv(src)
    res = CliRunner().invoke(app, ["predict", "--model", str(folder), "--input", str(src),
                                   "--seconds-ahead", "5,60,400", "--radii", "50,90,95",
                                   "--out", str(out)])  # fmt: skip
    assert res.exit_code == 0, res.output
    got = pl.read_csv(out)
    py = _py(model, [{k: v for k, v in p.items() if k != "vehicle_id"} for p in rows],
             seconds_ahead=AHEAD)  # fmt: skip
    for lv in LV:
        assert np.allclose(got[f"r{lv}_m"], py[f"r{lv}_m"], rtol=1e-5)
    scaled_bins, model.radii_bins = (
        model.radii_bins,
        dataclasses.replace(model.radii_bins, scale=None),
    )
    try:  # the scale is read: without it (version 1) the radii differ
        v1 = _py(model, [{k: v for k, v in p.items() if k != "vehicle_id"} for p in rows],
                 seconds_ahead=AHEAD)  # fmt: skip
    finally:
        model.radii_bins = scaled_bins
    assert not np.allclose(v1["r50_m"], py["r50_m"], rtol=1e-3)
