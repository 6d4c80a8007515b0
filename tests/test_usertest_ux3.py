"""Session 11 (ux3; docs/reliability.md): the coverage warning fires exactly where the coverage
gate acts and says what the model does there; `trajlm predict` and `TrajLM.predict` keep the
input's column names (and the API the input's kind)."""

from __future__ import annotations

import json
import math
import re
import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import torch
from helpers import STATS
from reliability_helpers import invoke, said
from test_robust import model as robust_model

from trajlm.data.features import LocalProjection
from trajlm.model.coverage import CoverageWarning, coverage_warnings
from trajlm.model.coverage_gate import GATE_RANGES, gate_ranges, gate_table, range_factor
from trajlm.model.scale import gate_from_coverage, history_gate
from trajlm.model.weights import SHIPPED_DIR
from trajlm.tasks.predict import history_batch

T0 = 1_700_000_000
COVERAGE = {
    "traj_speed_mps": {"p1": 1.0, "p5": 3.0, "p50": 8.0, "p95": 20.0, "p99": 30.0},
    "dt_s": {"p1": 10.0, "p5": 12.0, "p50": 15.0, "p95": 18.0, "p99": 20.0},
    "speed_mps": {"p1": 0.1, "p5": 1.0, "p50": 8.0, "p95": 25.0, "p99": 35.0},
    "clock_shift_prob": 1.0,  # every hour seen: only the motion features can warn
    "bbox": {"min_lat": 30.0, "min_lon": -20.0, "max_lat": 50.0, "max_lon": 10.0},
}
# name -> (speed m/s, time step s): inside, and each way the gate acts
TRIPS = {"inside": (8.0, 15.0), "slow": (1.0, 15.0), "fast": (40.0, 15.0),
         "coarse": (8.0, 40.0), "dense": (8.0, 5.0), "ship": (1.4, 1200.0),
         "still": (0.05, 15.0), "parked": (0.01, 15.0)}  # fmt: skip


def trips(*names: str, n: int = 12) -> pl.DataFrame:
    """Straight north-east tracks at each named (speed, time step), jitter 5 % of a step."""
    rng = np.random.default_rng(0)
    rows = []
    for k, name in enumerate(names):
        v, dt = TRIPS[name]
        d = v * dt * (np.arange(n) + rng.normal(0, 0.05, n))  # metres along the track
        rows.append(pl.DataFrame({
            "traj_id": name, "t": T0 + 86400 * k + (dt * np.arange(n)).astype(np.int64),
            "lat": 41.15 + d / 111_320 / math.sqrt(2),
            "lon": -8.61 + d / (111_320 * math.cos(math.radians(41.15))) / math.sqrt(2),
        }))  # fmt: skip
    return pl.concat(rows)


def gated(gate: str = "speed"):
    m = robust_model(coverage_gate=gate) if gate != "none" else robust_model()
    m.config.coverage = COVERAGE
    return m


# ---------------------------------------------------------------- item 1: coverage warning


def test_warning_table_is_the_models_own_gate():
    """gate_table (what the warning reads) equals scale.history_gate on the model's features,
    trajectory by trajectory: the warning cannot fire where the gate is 1, nor miss where
    it acts."""
    m = gated()
    df = trips(*TRIPS)
    steps = 5
    history = m.config.max_len - steps
    proj = LocalProjection.fit(df)  # predict's plane for a trajectory-frame model
    batch, ids = history_batch(df, proj, history)
    feats = m.embed.features(batch["pos"], batch["t"], batch["t0"], batch["mask"])
    g_model = history_gate(m, feats, batch["mask"].sum(1) - 1).numpy()
    limit = m.config.max_step_norm * STATS["dxy_scale"]
    table = gate_table(COVERAGE, df, proj, limit, history)
    assert table["traj_id"].to_list() == ids
    np.testing.assert_allclose(table["g"].to_numpy(), g_model, rtol=1e-4, atol=1e-6)
    g = dict(zip(ids, g_model, strict=True))
    assert g["inside"] == 1.0 and g["ship"] == 0.0
    assert all(0 < g[k] < 1 for k in ("slow", "fast", "coarse", "dense")), g


@pytest.mark.parametrize("name", ["slow", "fast", "coarse", "dense", "ship"])
def test_warning_fires_on_a_shifted_input_and_says_what_the_model_does(name):
    m = gated()
    lines = coverage_warnings(m, trips(name), history=m.config.max_len - 5)
    feature = {"slow": "median speed", "fast": "median speed", "coarse": "median sampling",
               "dense": "median sampling", "ship": "median sampling"}[name]  # fmt: skip
    line = next((x for x in lines if x.startswith(feature)), lines)
    assert f"trajectory '{name}'" in line and "fall back toward constant velocity" in line, line
    if name == "ship":  # its 1.7 km steps are longer than any the model learned (1,000 m)
        assert any("longer than any step the model learned (1,000 m" in x for x in lines)
    else:
        lo, hi = (3.0, 20.0) if "speed" in feature else (10.0, 20.0)
        assert f"outside the training range {lo:.3g}-{hi:.3g}" in line, line
        nth = "5th-95th" if "speed" in feature else "1st-99th"  # scale.py's percentiles
        assert f"({nth} percentile of the training" in line, line
        value = float(re.match(r"median (speed|sampling interval) (\S+)", line)[2])
        v, dt = TRIPS[name]
        assert value == pytest.approx(v if "speed" in feature else dt, rel=0.2)
        kept = float(line.split("keeps ")[1].split("%")[0]) / 100
        assert kept == pytest.approx(min(value / lo, hi / value), abs=0.01)


def test_warning_is_silent_in_coverage():
    m = gated()
    assert coverage_warnings(m, trips("inside"), history=m.config.max_len - 5) == []
    assert coverage_warnings(m, trips("inside")) == []  # all points: the same


def test_a_model_without_a_gate_still_warns_and_says_so():
    line = coverage_warnings(gated("none"), trips("slow"))[0]
    assert "no coverage gate" in line and "extrapolates" in line and "3-20" in line, line
    # a bare coverage record: the model's gate is not known, the rule is said
    line = coverage_warnings(COVERAGE, trips("slow"))[0]
    assert 'with coverage_gate = "speed" predictions fall back' in line, line


def test_warning_range_is_the_gates_range():
    """The ranges the warning quotes (coverage_gate.GATE_RANGES) are where scale.py's gate
    acts: exactly 1 at and inside their ends, below 1 just outside, min(1, x/lo, hi/x) at
    every value. Fails when the gate's percentiles and the warning's drift apart."""
    cov = json.loads((SHIPPED_DIR / "trajlm-small" / "config.json").read_text())["coverage"]
    ranges = gate_ranges(cov)
    assert set(ranges) == set(GATE_RANGES) == {"traj_speed_mps", "dt_s"}
    for key, (lo, hi) in ranges.items():
        x = torch.tensor([lo, hi, math.sqrt(lo * hi), lo * 0.98, hi * 1.02, lo / 3, hi * 3],
                         dtype=torch.float64)  # fmt: skip
        # only this feature's term of the gate (speed's high end: its windows', gate31)
        one = {k: cov[k] for k in (key, "window_speed_mps") if k in cov}
        g = gate_from_coverage(one, x, x)
        assert torch.equal(g[:3], torch.ones(3, dtype=torch.float64)), (key, g)
        assert torch.all(g[3:] < 1), (key, g)
        np.testing.assert_allclose(g.numpy(), range_factor(x.numpy(), lo, hi), rtol=1e-9)
    # and the line quotes those ends (a lone trajectory warns beyond the 1st-99th percentile
    # since session 19: 0.05 m/s is slower than 1-5 % of its training ones, 0.01 m/s than all)
    line = gate_warnings_line(cov, trips("parked"))
    lo, hi = ranges["traj_speed_mps"]
    assert f"{lo:.3g}-{hi:.3g} m/s (5th-95th percentile" in line, line


def gate_warnings_line(cov: dict, df: pl.DataFrame) -> str:
    lines = [w for w in coverage_warnings(cov, df) if w.startswith("median speed")]
    assert len(lines) == 1, lines
    return lines[0]


def test_trajlm_small_warns_where_its_gate_acts():
    """The shipped gated checkpoint: a walker (1.4 m/s is inside its 0.15-16 m/s) is silent, a
    history standing nearly still is told the gate shrinks toward constant velocity."""
    import trajlm

    small = trajlm.TrajLM.from_pretrained("trajlm-small")
    df = trips("inside").with_columns(pl.col("t") - T0 + 1_372_665_600)  # Porto's 2013 hours
    still = df.with_columns(lat=41.15 + (pl.col("lat") - 41.15) / 400,
                            lon=-8.61 + (pl.col("lon") + 8.61) / 400)  # fmt: skip
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        small.predict(df, steps=3)
        quiet = [str(w.message) for w in caught if w.category is CoverageWarning]
        small.predict(still, steps=3)
    loud = [str(w.message) for w in caught if w.category is CoverageWarning][len(quiet) :]
    assert not [w for w in quiet if "median" in w], quiet
    assert any("median speed" in w and "keeps" in w and "constant velocity" in w for w in loud)


# ----------------------------------------------------------- item 2: the input's names


def _tiny(path: Path) -> Path:
    from trajlm.model import ModelConfig, TrajectoryModel

    torch.manual_seed(0)
    cfg = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32, stats=dict(STATS))
    TrajectoryModel(cfg).save_pretrained(path)
    return path


def _named(df: pl.DataFrame) -> pl.DataFrame:
    return df.rename({"traj_id": "vehicle", "t": "timestamp", "lat": "latitude",
                      "lon": "longitude"})  # fmt: skip


USER = ["vehicle", "step", "timestamp", "latitude", "longitude", "std_m"]
TRAJLM = ["traj_id", "step", "t", "lat", "lon", "std_m"]


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    import trajlm

    return trajlm.TrajLM.from_pretrained(_tiny(tmp_path_factory.mktemp("m") / "m"), threads=1)


@pytest.mark.parametrize("kind", ["polars", "lazy", "pandas"])
@pytest.mark.parametrize("how", [{"steps": 2}, {"seconds_ahead": [20, 40]}])
def test_api_keeps_the_input_kind_and_names(api, kind, how):
    df = _named(trips("inside", "slow"))
    data = {"polars": df, "lazy": df.lazy(), "pandas": df.to_pandas()}[kind]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CoverageWarning)
        out = api.predict(data, **how)
    assert type(out) is type(data)
    got = out.collect() if kind == "lazy" else pl.DataFrame(out) if kind == "pandas" else out
    assert got.columns == USER and sorted(set(got["vehicle"])) == ["inside", "slow"]
    canon = trips("inside", "slow")  # trajlm's own names in: the same names out
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CoverageWarning)
        back = api.predict(canon, **how)
    assert back.columns == TRAJLM
    np.testing.assert_allclose(back["lat"].to_numpy(), got["latitude"].to_numpy())


def test_api_keeps_datetimes_in_their_zone_and_geodataframes_in_their_crs(api):
    gpd = pytest.importorskip("geopandas")
    pdf = _named(trips("inside")).to_pandas()
    import pandas as pd

    pdf["timestamp"] = pd.to_datetime(pdf["timestamp"], unit="s", utc=True).dt.tz_convert(
        "Asia/Shanghai"
    )
    out = api.predict(pdf, steps=2)
    assert list(out.columns) == USER and str(out["timestamp"].dt.tz) == "Asia/Shanghai"
    gdf = gpd.GeoDataFrame(pdf.drop(columns=["latitude", "longitude"]), crs=4326,
                           geometry=gpd.points_from_xy(pdf["longitude"], pdf["latitude"]))  # fmt: skip
    gdf = gdf.to_crs(3763)
    got = api.predict(gdf, steps=2)
    assert isinstance(got, gpd.GeoDataFrame) and got.crs == gdf.crs
    assert list(got.columns) == ["vehicle", "step", "timestamp", "std_m", "geometry"]


def _csv(path: Path, df: pl.DataFrame) -> Path:
    df.write_csv(path)
    return path


@pytest.fixture(scope="module")
def cli_model(tmp_path_factory) -> Path:
    return _tiny(tmp_path_factory.mktemp("cm") / "m")


@pytest.mark.parametrize("extra", [["-k", "2"], ["--seconds-ahead", "20,40"]])
def test_cli_predict_writes_the_input_names(tmp_path, cli_model, extra):
    src = _csv(tmp_path / "fleet.csv", _named(trips("inside", "slow")))
    r = invoke("predict", "--model", cli_model, "--input", src, "--out", tmp_path / "p.csv",
               *extra)  # fmt: skip
    assert r.exit_code == 0, r.output
    out = pl.read_csv(tmp_path / "p.csv")
    assert out.columns == USER and set(out["vehicle"]) == {"inside", "slow"}
    assert "columns vehicle, step, timestamp, latitude, longitude, std_m" in said(r)
    assert "timestamp in Unix seconds UTC" in said(r)
    # an input in trajlm's names keeps them (as every output did before)
    old = _csv(tmp_path / "old.csv", trips("inside", "slow"))
    r = invoke("predict", "--model", cli_model, "--input", old, "--out", tmp_path / "q.csv",
               *extra)  # fmt: skip
    assert r.exit_code == 0, r.output
    q = pl.read_csv(tmp_path / "q.csv")
    assert q.columns == TRAJLM
    np.testing.assert_allclose(q["lat"].to_numpy(), out["latitude"].to_numpy())


def test_cli_predict_names_with_projected_input_and_geojson(tmp_path, cli_model):
    """Projected --crs input: the positions are written in that CRS under the input's northing
    / easting names (session 27, newuser27: they were WGS84 lat / lon while `trajlm recover
    --crs` wrote the CRS); GeoJSON keeps the id / time names as properties."""
    from trajlm.data.geo import from_wgs84

    df = trips("inside")
    y, x = from_wgs84(df["lat"].to_numpy(), df["lon"].to_numpy(), "EPSG:3763")
    proj = _csv(tmp_path / "tm.csv", pl.DataFrame({"car": df["traj_id"], "when": df["t"],
                                                   "north": y, "east": x}))  # fmt: skip
    r = invoke("predict", "--model", cli_model, "--input", proj, "--out", tmp_path / "p.csv",
               "--traj-col", "car", "--time-col", "when", "--lat-col", "north", "--lon-col",
               "east", "--crs", "EPSG:3763", "-k", "2")  # fmt: skip
    assert r.exit_code == 0, r.output
    pred = pl.read_csv(tmp_path / "p.csv")
    assert pred.columns == ["car", "step", "when", "north", "east", "std_m"]
    assert abs(pred["north"].mean() - float(y.mean())) < 2_000  # metres in EPSG:3763
    src = _csv(tmp_path / "fleet.csv", _named(df))
    r = invoke("predict", "--model", cli_model, "--input", src, "--out", tmp_path / "p.geojson",
               "-k", "2")  # fmt: skip
    assert r.exit_code == 0, r.output
    feat = json.loads((tmp_path / "p.geojson").read_text())["features"][0]
    assert set(feat["properties"]) == {"vehicle", "step", "timestamp", "std_m"}
    assert feat["geometry"]["type"] == "Point"


def test_cli_predict_help_says_the_names_are_kept():
    r = invoke("predict", "--help")
    text = " ".join(r.output.split())
    assert "ID and TIME named as the input's id and time columns" in text
