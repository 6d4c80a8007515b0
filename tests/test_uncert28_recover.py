"""Recovered points' std_m and radii (session 28, uncert28; trajlm/eval/recover_spread.py):
per hidden point, conformal factors of err / scale from val by gap length and position in the
gap, given by ``TrajLM.recover(radii=...)``, `trajlm recover --radii` and HTTP /recover alike."""

from __future__ import annotations

import json
import shutil
import warnings

import numpy as np
import polars as pl
import pytest

from trajlm.errors import TrajlmInputError
from trajlm.eval.recover_spread import (
    RECOVER_RADII_FILE,
    fit_recover_spread,
    gap_features,
    load_recover_spread,
    spread_columns,
)

M_PER_DEG = 111_320.0


def test_gap_features_read_the_gap_and_the_place_in_it():
    t = np.arange(7) * 10.0  # one fix every 10 s, 10 m/s east; fixes 2-4 hidden
    lat = np.full(7, 41.0)
    lon = -8.6 + 10.0 * np.arange(7) * 10 / (M_PER_DEG * np.cos(np.radians(41.0)))
    known = np.array([1, 1, 0, 0, 0, 1, 1], bool)
    f = gap_features(t, np.stack([lat, lon], 1), known, np.zeros(7))
    assert np.isnan(f["gap_s"][known]).all()
    np.testing.assert_allclose(f["gap_s"][~known], 40.0)
    np.testing.assert_allclose(f["position"][~known], [0.25, 0.5, 0.25])
    np.testing.assert_allclose(f["scale"][~known], 400.0, rtol=1e-3)  # 10 m/s x 40 s


def _val(n: int, rng: np.random.Generator) -> tuple[np.ndarray, dict]:
    feats = {"gap_s": rng.choice([30.0, 120.0, 600.0], n), "position": rng.uniform(0, 0.5, n),
             "scale": rng.uniform(100, 1000, n)}  # fmt: skip
    err = np.hypot(*rng.normal(0, 0.1, (2, n))) * feats["scale"] * (1 + feats["position"])
    return err, feats


def test_the_factors_hold_their_level_on_fresh_answers_and_the_file_checks(tmp_path):
    rng = np.random.default_rng(0)
    err, feats = _val(6000, rng)
    s = fit_recover_spread(err, feats, np.ones(len(err)), rng.integers(0, 3, len(err)))
    assert len(s["bins"]) == 12  # every (gap, position) bin had enough answers (3 x 4: uncert30)
    err2, feats2 = _val(6000, rng)
    cols = spread_columns(s, feats2, [50, 90, 95])
    for lv in (50, 90, 95):
        assert abs(np.mean(err2 <= cols[f"r{lv}_m"]) - lv / 100) < 0.02
    assert abs(np.mean(err2 <= 2 * cols["std_m"]) - 0.865) < 0.02
    (tmp_path / RECOVER_RADII_FILE).write_text(json.dumps(s))
    assert load_recover_spread(tmp_path) == json.loads(json.dumps(s))
    assert load_recover_spread(tmp_path / "none") is None
    for edit, says in ((lambda d: d["pooled"]["factors"].update({"90": -1}), "pooled"),
                       (lambda d: d["bins"][0].update(bin=99), "bins[0]"),
                       (lambda d: d.update(kind="x"), "kind")):  # fmt: skip
        d = json.loads(json.dumps(s))
        edit(d)
        (tmp_path / RECOVER_RADII_FILE).write_text(json.dumps(d))
        with pytest.raises(TrajlmInputError) as e:
            load_recover_spread(tmp_path)
        assert says in str(e.value) and RECOVER_RADII_FILE in str(e.value)
        assert "\n" not in str(e.value)


def _gappy() -> pl.DataFrame:
    """One 15-s taxi-like track of 12 fixes with fixes 3-5 and 8 hidden."""
    i = np.arange(12)
    lat = 41.15 + 8.0 * i * 15 / M_PER_DEG
    lon = -8.61 + 0.0002 * np.sin(i / 3)
    hide = np.isin(i, [3, 4, 5, 8])
    return pl.DataFrame({"traj_id": "a", "t": 1.7e9 + 15.0 * i,
                         "lat": np.where(hide, np.nan, lat), "lon": np.where(hide, np.nan, lon)}
                        ).with_columns(pl.col("lat", "lon").fill_nan(None))  # fmt: skip


@pytest.mark.slow  # the bridge of the model's rollouts: ~10 s on the shared 2 cores
def test_python_cli_and_http_give_the_same_recovered_radii(trajlm_small, tmp_path):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    from trajlm.cli import app
    from trajlm.serve import create_app

    assert trajlm_small.recover_spread is not None  # trajlm-small ships recover_radii.json
    df = _gappy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        py = trajlm_small.recover(df, radii=[50, 90, 95])
        plain = trajlm_small.recover(df)
    rec = py["recovered"].to_numpy()
    assert plain.columns == [c for c in py.columns if c not in ("std_m", "r50_m", "r90_m",
                                                                 "r95_m")]  # fmt: skip
    assert py.filter(~pl.Series(rec))["std_m"].is_nan().all()
    ok = py.filter(pl.Series(rec))
    assert (ok["std_m"] > 0).all() and (ok["r50_m"] < ok["r90_m"]).all()
    assert (ok["r90_m"] <= ok["r95_m"]).all()
    rows = df.with_columns(pl.col("t").cast(pl.Int64)).to_dicts()
    with TestClient(create_app(trajlm_small)) as c:
        r = c.post("/recover", json={"trajectories": rows, "radii": [50, 90, 95]})
    assert r.status_code == 200, r.text
    pts = r.json()["points"]
    for col in ("std_m", "r90_m"):
        http = np.array([np.nan if p[col] is None else p[col] for p in pts])
        np.testing.assert_allclose(http, py[col].to_numpy(), rtol=1e-9)
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    df.write_csv(src)
    res = CliRunner().invoke(app, ["recover", "--model", "trajlm-small", "--input", str(src),
                                   "--radii", "50,90", "--out", str(out)])  # fmt: skip
    assert res.exit_code == 0, res.output
    cli = pl.read_csv(out)
    np.testing.assert_allclose(cli["r90_m"].to_numpy(), py["r90_m"].to_numpy(), rtol=1e-6)


@pytest.mark.slow  # loads the checkpoint twice and runs the CLI
def test_a_checkpoint_without_the_file_refuses_radii_in_one_line(trajlm_small, tmp_path):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    import trajlm
    from trajlm.cli import app
    from trajlm.model.weights import resolve_weights
    from trajlm.serve import create_app

    old = tmp_path / "old"
    shutil.copytree(resolve_weights("trajlm-small", log=False), old)
    (old / RECOVER_RADII_FILE).unlink()
    m = trajlm.TrajLM.from_pretrained(old, threads=1)
    with pytest.raises(TrajlmInputError, match="radii: .*no recover_radii.json") as e:
        m.recover(_gappy(), radii=90)
    assert e.value.field == "radii" and "\n" not in str(e.value)
    rows = _gappy().with_columns(pl.col("t").cast(pl.Int64)).to_dicts()
    with TestClient(create_app(m)) as c:
        r = c.post("/recover", json={"trajectories": rows, "radii": [90]})
    assert r.status_code == 422 and r.json()["field"] == "radii"
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    _gappy().write_csv(src)
    res = CliRunner().invoke(app, ["recover", "--model", str(old), "--input", str(src),
                                   "--radii", "90", "--out", str(out)])  # fmt: skip
    assert res.exit_code == 2 and "recover_radii.json" in res.output and not out.exists()
    res = CliRunner().invoke(app, ["recover", "--model", str(old), "--input", str(src),
                                   "--radii", "80", "--out", str(out)])  # fmt: skip
    assert res.exit_code == 2 and "--radii" in res.output and not out.exists()
