"""badfix37: the silent wrongs and dead ends session 37's helpers found but did not fix.

UTM given to pitch metres, radians under `heading`, Metrica / TRACAB paths read on the pitch,
the second team file's ball, `serve --index` of a plane store, ask's LAT,LON hint on a plane,
a NaN x, a model trained on a plane, Endomondo points without longitude, a frame's `direction`
and `predict --input`'s path said twice."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from helpers import invoke_cli, tiny_infill_trajlm
from test_local36 import hall_store
from test_sports37 import _metrica, _tracab

import trajlm
from trajlm.data.store import read_store
from trajlm.errors import TrajlmInputError

ORIGIN = "2026-11-28T15:00Z"


@pytest.fixture(scope="module")
def hall(tmp_path_factory) -> dict:
    return hall_store(tmp_path_factory.mktemp("hall_badfix37"))


def _csv(path: Path, columns: dict) -> Path:
    pl.DataFrame(columns).write_csv(path)
    return path


def _walk(n: int = 120, **extra) -> dict:
    """One mover in Porto, a fix a second, plus ``extra`` columns."""
    return {"id": ["a"] * n, "t": [1_796_191_200 + i for i in range(n)],
            "lat": [41.15 + i * 1e-4 for i in range(n)], "lon": [-8.61] * n, **extra}  # fmt: skip


# ---------------------------------------------------------------------- 1. silent wrongs
def test_utm_code_on_pitch_metres_is_refused_naming_crs_local(tmp_path):
    src = _csv(tmp_path / "pitch.csv", {"id": ["a"] * 60, "t": [1_796_191_200 + i for i in range(60)],
                                        "x": [10 + i * 0.5 for i in range(60)], "y": [30.0] * 60})  # fmt: skip
    r = invoke_cli(["data", "ingest", src, "--out", tmp_path / "s", "--crs", "EPSG:32629"])
    assert r.exit_code == 2 and "--crs local" in r.output and "area of use" in r.output, r.output
    with pytest.raises(TrajlmInputError, match="area of use"):
        trajlm.read(src, crs="EPSG:32629")
    # real eastings / northings near Porto in the same zone are read as before (a guard)
    real = _csv(tmp_path / "utm.csv", {"id": ["a"] * 60, "t": [1_796_191_200 + i for i in range(60)],
                                       "x": [531_000 + 5.0 * i for i in range(60)],
                                       "y": [4_555_000.0] * 60})  # fmt: skip
    r = invoke_cli(["data", "ingest", real, "--out", tmp_path / "u", "--crs", "EPSG:32629"])
    assert r.exit_code == 0, r.output[-800:]
    assert read_store(tmp_path / "u")["lat"].is_between(41, 41.3).all()


def test_heading_of_radians_is_read_as_radians_by_its_values(tmp_path):
    rad = _csv(tmp_path / "rad.csv", _walk(sog_mps=[5.0] * 120,
                                           heading=[round(i * 0.1 % 6.28, 3) for i in range(120)]))  # fmt: skip
    r = invoke_cli(["data", "ingest", rad, "--out", tmp_path / "r"])
    assert r.exit_code == 0 and "holds radians" in " ".join(r.output.split()), r.output[-800:]
    assert read_store(tmp_path / "r")["cog_deg"].max() > 300  # 6.2 rad, not 6.2 degrees
    deg = _csv(tmp_path / "deg.csv", _walk(sog_mps=[5.0] * 120,
                                           heading=[float(i * 3 % 360) for i in range(120)]))  # fmt: skip
    r = invoke_cli(["data", "ingest", deg, "--out", tmp_path / "d"])
    assert r.exit_code == 0 and "holds radians" not in " ".join(r.output.split())
    assert read_store(tmp_path / "d")["cog_deg"].max() == 357.0


# --------------------------------------------------------------------- 2. pitch feeds
def test_metrica_and_tracab_paths_are_read_on_the_pitch(tmp_path):
    home, dat = _metrica(tmp_path / "home.csv"), _tracab(tmp_path / "match.dat")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for src in (home, dat):
            df = trajlm.read(src, time_origin=ORIGIN)
            assert {"x", "y"} <= set(df.columns) and df["x"].is_between(0, 105).all(), df.columns
        out = tiny_infill_trajlm().predict(home, time_origin=ORIGIN, steps=1)
    assert {"x", "y"} <= set(out.columns) and "lat" not in out.columns
    r = invoke_cli(["predict", "--model", "trajlm-small", "--input", home, "--time-origin",
                    ORIGIN, "--out", tmp_path / "p.csv"])  # fmt: skip
    assert r.exit_code == 0, r.output[-800:]
    assert {"x", "y"} <= set(pl.read_csv(tmp_path / "p.csv").columns)


def test_two_metrica_team_files_keep_one_ball_by_name(tmp_path):
    (tmp_path / "m").mkdir()
    _metrica(tmp_path / "m" / "home.csv", "Home")
    _metrica(tmp_path / "m" / "away.csv", "Away")
    r = invoke_cli(
        ["data", "ingest", tmp_path / "m", "--out", tmp_path / "s", "--time-origin", ORIGIN]
    )
    said = " ".join(r.output.split())
    assert r.exit_code == 0 and "its copy of the ball left out" in said, said[-1500:]
    dropped = json.loads((tmp_path / "s" / "manifest.json").read_text())["drop_report"]["dropped"]
    assert not dropped.get("duplicate_timestamp"), dropped


# ------------------------------------------------------------------------ 3. local plane
def test_serve_index_of_a_local_store_answers_crs_local_requests(hall):
    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    from fastapi.testclient import TestClient

    from trajlm.serve import create_app
    from trajlm.serve.index import SimilarIndex

    model = tiny_infill_trajlm()
    index = SimilarIndex(model, hall["store"])
    assert index.local
    raw = pl.read_csv(hall["src"]).filter(pl.col("tag_id") == "T1").head(40)
    rows = [{"traj_id": "q", "t": r["timestamp"], "x": r["x_m"], "y": r["y_m"]}
            for r in raw.iter_rows(named=True)]  # fmt: skip
    with TestClient(create_app(model, None, index)) as c:
        ok = c.post(
            "/similar", json={"trajectories": rows, "k": 2, "crs": "local", "geometry": True}
        )
        assert ok.status_code == 200, ok.json()
        x, y = ok.json()["results"][0]["matches"][0]["track"][0]
        assert -5 < x < 100 and -5 < y < 100  # metres in the hall, not the stand-in's 1 N 1 E
        deg = [{"traj_id": "q", "t": 1_796_191_200 + i, "lat": 41.15 + i * 1e-4, "lon": -8.61}
               for i in range(40)]  # fmt: skip
        bad = c.post("/similar", json={"trajectories": deg, "k": 2})
        assert bad.status_code == 422 and '"crs": "local"' in bad.json()["error"], bad.json()


def test_ask_where_a_trip_starts_on_a_plane_names_x_y(hall):
    trip = read_store(hall["store"])["traj_id"][0]
    r = invoke_cli(["ask", "--data", hall["store"], f"where does trip {trip} start"])
    assert "LAT,LON" not in r.output and "x / y metres" in r.output, r.output


# ----------------------------------------------------------------------- 4. unclear lines
def test_nan_x_on_a_plane_names_x(tmp_path):
    xs = ["nan" if i == 7 else str(10 + i * 0.5) for i in range(60)]
    src = _csv(tmp_path / "nan.csv", {"id": ["a"] * 60, "t": [1_796_191_200 + i for i in range(60)],
                                      "x": xs, "y": [30.0 + 0.1 * i for i in range(60)]})  # fmt: skip
    r = invoke_cli(["data", "ingest", src, "--out", tmp_path / "s", "--crs", "local"])
    assert r.exit_code == 2 and "field x" in r.output and "field y" not in r.output, r.output


def test_model_trained_on_a_plane_records_it_and_refuses_degrees(hall, tmp_path):
    from reliability_helpers import TINY

    (tmp_path / "tiny.toml").write_text(TINY)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = trajlm.TrajLM.fit(hall["store"], tmp_path / "run", config=tmp_path / "tiny.toml",
                                  max_steps=2, seed=0, threads=1)  # fmt: skip
        assert model.config.coverage["crs"] == "local"
        raw = pl.read_csv(hall["src"]).filter(pl.col("tag_id") == "T1")
        out = model.predict(raw, traj_col="tag_id", time_col="timestamp", lat_col="y_m",
                            lon_col="x_m", crs="local", steps=1)  # fmt: skip
        assert out["x_m"].is_between(-20, 120).all()
        with pytest.raises(TrajlmInputError, match="trained on x / y metres on a plane"):
            model.predict(pl.DataFrame(_walk(20)), steps=1)


def test_a_degree_store_records_no_crs(tmp_path):
    """trajlm-small's rebuilt config.json keeps its keys: a degree store adds no `crs`."""
    from trajlm.data.ingest import synth_store
    from trajlm.model.coverage import compute_coverage

    synth_store(tmp_path / "s", n_trajectories=8, seed=0, overwrite=False)
    assert "crs" not in compute_coverage(tmp_path / "s")
    shipped = Path(trajlm.__file__).parent / "checkpoints" / "trajlm-small" / "config.json"
    assert "crs" not in json.loads(shipped.read_text())["coverage"]


def _endomondo(path: Path, points: list) -> Path:
    doc = [{"name": "run"}, {"sport": "RUNNING"}, {"points": points}]
    path.write_text(json.dumps(doc))
    return path


def test_endomondo_points_without_longitude_or_none_are_said(tmp_path):
    pts = [[{"location": [[{"latitude": 59.3 + i * 1e-4}]]}, {"altitude": 20.0},
            {"timestamp": f"Sun Jun 02 07:10:{i:02d} UTC 2019"}] for i in range(30)]  # fmt: skip
    r = invoke_cli(
        ["data", "ingest", _endomondo(tmp_path / "nolon.json", pts), "--out", tmp_path / "a"]
    )
    assert r.exit_code == 2 and "no longitude" in r.output, r.output
    r = invoke_cli(
        ["data", "ingest", _endomondo(tmp_path / "none.json", []), "--out", tmp_path / "b"]
    )
    assert r.exit_code == 2 and "empty list" in r.output and "top level" not in r.output, r.output


# --------------------------------------------------------------------------- 5. leftovers
def test_a_frames_direction_of_degrees_is_its_course():
    from trajlm.data.motion_columns import reported_motion

    n = 60
    df = pl.DataFrame({"traj_id": ["a"] * n, "t": list(range(n)), "lat": [0.0] * n,
                       "lon": [0.0] * n, "sog_mps": [3.0] * n,
                       "direction": [float(i * 6 % 360) for i in range(n)]})  # fmt: skip
    got = reported_motion(df)
    assert got is not None and np.allclose(got[1][:3], [0.0, 6.0, 12.0])
    way = df.with_columns(direction=pl.Series([i % 2 for i in range(n)]))  # a route's way
    assert reported_motion(way) is None


def test_predict_input_names_the_path_once(tmp_path):
    (tmp_path / "w").mkdir()
    pts = [[{"location": [[{"latitude": 59.3}]]}, {"timestamp": f"Sun Jun 02 07:10:{i:02d} UTC 2019"}]
           for i in range(30)]  # fmt: skip
    src = _endomondo(tmp_path / "w" / "nolon.json", pts)
    r = invoke_cli(
        ["predict", "--model", "trajlm-small", "--input", src, "--out", tmp_path / "p.csv"]
    )
    assert r.exit_code == 2 and r.output.count("nolon.json") == 1, r.output
