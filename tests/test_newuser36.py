"""newuser36: a sports scientist's player tracking in pitch metres, GPS vests, UWB tags.

Before: x / y metres were read as degrees (a warning about 340 m/s only), wide `Home_11_x`
tables were refused pointing at one player's columns, a `Player` column was no id (14 vests one
track), frame numbers after `--time-origin` were read as seconds. After: `crs="local"` reads x /
y metres on a plane and every output of it comes back in x / y metres (docs/data.md "Session
36 (newuser36)")."""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from helpers import invoke_cli, tiny_infill_trajlm

from trajlm.data import geo
from trajlm.data.geometry import haversine
from trajlm.data.store import read_store
from trajlm.errors import TrajlmInputError

KICKOFF = "2026-11-28T15:00:00Z"


def _ingest(src: Path, store: Path, *options: str, ok: bool = True):
    """`trajlm data ingest SRC --out STORE OPTIONS`: the manifest (ok) or the refusal's text."""
    r = invoke_cli(["data", "ingest", src, "--out", store, *options])
    if ok:
        assert r.exit_code == 0, r.output[-1500:]
        return json.loads((store / "manifest.json").read_text()), r.output
    assert r.exit_code == 2, r.output[-1500:]
    assert not store.exists()  # nothing half-written
    return " ".join(r.output.split())


def _players(n_frames: int = 120, hz: float = 2.0, seed: int = 0) -> dict[str, np.ndarray]:
    """Four movers on a pitch (centre origin), x / y metres per frame: circling at ~4 m/s (the
    ball ~8) inside the pitch."""
    rng = np.random.default_rng(seed)
    out = {}
    for name in ("H1", "H2", "A1", "ball"):
        radius, speed = rng.uniform(10, 20), (8.0 if name == "ball" else 4.0)
        angle = rng.uniform(0, 2 * math.pi) + np.arange(n_frames) * speed / radius / hz
        centre = rng.uniform(-20, 20, 2)
        out[name] = centre + radius * np.column_stack([np.cos(angle), np.sin(angle)])
    return out


def _long_csv(path: Path, hz: float = 2.0) -> Path:
    rows = ["frame,timestamp,player_id,x,y"]
    for name, xy in _players(hz=hz).items():
        for i, (x, y) in enumerate(xy):
            ms = int(i * 1000 / hz)
            t = f"2026-11-28T15:{ms // 60000:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}Z"
            rows.append(f"{i},{t},{name},{x:.2f},{y:.2f}")
    path.write_text("\n".join(rows) + "\n")
    return path


def _wide_csv(path: Path) -> Path:
    players = _players(hz=1.0)
    names = list(players)
    head = ["Period", "Frame", "Time [s]"] + [f"{n}_{a}" for n in names for a in "xy"]
    lines = [",".join(head)]
    for i in range(len(players["H1"])):
        cells = [f"{v + 52.5:.2f}" for n in names for v in players[n][i]]  # corner origin
        if i < 10:
            cells[2:4] = ["", ""]  # H2 comes on late: empty cells, no point
        lines.append(",".join(["1", str(i + 1), f"{i:.2f}", *cells]))
    path.write_text("\n".join(lines) + "\n")
    return path


def test_local_plane_round_trips_and_keeps_distances():
    x = np.array([0.0, 105.0, -52.5, 30.0, 2_000.0])
    y = np.array([0.0, 68.0, -34.0, -12.5, 1_500.0])
    lat, lon = geo.to_wgs84(x, y, "local")
    assert (lat[0], lon[0]) == geo.LOCAL_ANCHOR != (0.0, 0.0)  # the origin is no null island
    x2, y2 = geo.from_wgs84(lat, lon, "local")
    np.testing.assert_allclose(x2, x, atol=1e-6)
    np.testing.assert_allclose(y2, y, atol=1e-6)
    # the haversine distance the rest of trajlm measures is the plane's distance
    d = haversine(lat[:-1], lon[:-1], lat[1:], lon[1:])
    np.testing.assert_allclose(d, np.hypot(np.diff(x), np.diff(y)), rtol=2e-6)
    assert not geo.is_wgs84("local") and not geo.is_geographic("local")
    assert geo.crs_refusal("LOCAL") is None and geo.crs_name("local") == "local metres"


def test_metres_read_as_degrees_are_refused_naming_crs_local(tmp_path):
    src = _long_csv(tmp_path / "tracking.csv")
    said = _ingest(src, tmp_path / "store", ok=False)
    assert "look like metres on a plane" in said and "--crs local" in said


def test_crs_local_store_answers_in_metres(tmp_path):
    src = _long_csv(tmp_path / "tracking.csv")
    store = tmp_path / "store"
    manifest, _ = _ingest(src, store, "--crs", "local")
    assert manifest["n_trajectories"] == 4  # the ball is its own mover
    assert manifest["reading"]["crs"] == "local"
    inspected = invoke_cli(["data", "inspect", str(store)])
    assert "min_x_m" in inspected.output and "min_lat" not in inspected.output
    out = tmp_path / "pred.csv"
    r = invoke_cli(["predict", "--model", "trajlm-small", "--input", str(store), "--split",
                    "all", "--steps", "2", "--out", str(out)])  # fmt: skip
    if "trajlm-small" in r.output and r.exit_code != 0:
        pytest.skip("trajlm-small's weights are not built here")
    assert r.exit_code == 0, r.output
    pred = pl.read_csv(out)
    assert {"x", "y"} <= set(pred.columns) and "lat" not in pred.columns
    raw = pl.read_csv(src)
    assert pred["x"].abs().max() < raw["x"].abs().max() + 50  # metres on the pitch, not ~1 deg
    assert "local metres" in r.output


def test_degrees_given_as_local_are_refused(tmp_path):
    lines = ["id,time,lat,lon"]
    for i in range(60):
        lines.append(f"a,2026-11-28T15:00:{i:02d}Z,{53.46 + i * 2e-5:.6f},{-2.29 + i * 3e-5:.6f}")
    src = tmp_path / "vest.csv"
    src.write_text("\n".join(lines) + "\n")
    said = _ingest(src, tmp_path / "store", "--crs", "local", ok=False)
    assert "--crs local: the coordinates look like degrees" in said


def test_wide_xy_table_reads_one_mover_per_pair(tmp_path):
    src = _wide_csv(tmp_path / "match.csv")
    store = tmp_path / "store"
    manifest, said = _ingest(src, store, "--crs", "local", "--time-origin", KICKOFF)
    assert "4 x / y column pairs" in " ".join(said.split())
    assert manifest["n_trajectories"] == 4
    pts = read_store(store)
    assert sorted(pts["source_traj_id"].unique().to_list()) == ["A1", "H1", "H2", "ball"]
    assert (pts.filter(pl.col("source_traj_id") == "H2").height) == 110  # empty cells left out
    # without --crs the same table is refused, not read as degrees
    assert "--crs local" in _ingest(src, tmp_path / "s2", "--time-origin", KICKOFF, ok=False)


def test_sensor_triples_are_no_wide_movers():
    from trajlm.data.readers.wide_pairs import wide_pairs

    imu = ["time", "lat", "lon", "acc_x", "acc_y", "gyro_x", "gyro_y", "mag_x", "mag_y"]
    assert wide_pairs(imu) == {}
    assert wide_pairs(["t", "acc_x", "acc_y", "gyro_x", "gyro_y", "mag_x", "mag_y"]) == {}
    assert set(wide_pairs(["t", "Home_1_x", "Home_1_y", "Away_2_x", "Away_2_y", "Ball_x", "Ball_y"])) == {
        "Home_1", "Away_2", "Ball"}  # fmt: skip


def test_player_column_names_each_vest(tmp_path):
    lines = ["Player,Timestamp,Latitude,Longitude"]
    for k in range(3):
        for i in range(40):
            lines.append(f"Player {k},2026-12-03 10:30:{i:02d},{53.46 + k * 1e-4 + i * 2e-5:.6f},"
                         f"{-2.29 + i * 3e-5:.6f}")  # fmt: skip
    src = tmp_path / "vests.csv"
    src.write_text("\n".join(lines) + "\n")
    manifest, _ = _ingest(src, tmp_path / "store")
    assert manifest["n_trajectories"] == 3  # was 1: every vest one jumping track


def test_frame_numbers_read_at_their_rate(tmp_path):
    src = _long_csv(tmp_path / "tracking.csv", hz=2.0)
    store = tmp_path / "store"
    opts = ["--crs", "local", "--time-col", "frame", "--time-origin", KICKOFF]
    _ingest(src, store, *opts, "--time-format", "frames@2")
    pts = read_store(store).filter(pl.col("source_traj_id") == "H1")
    span = pts["t"].max() - pts["t"].min()
    assert span == 59  # 120 frames at 2 per second, whole seconds kept
    said = _ingest(src, tmp_path / "s2", *opts, ok=False)
    assert "counts frames, not seconds" in said and "--time-format frames@25" in said
    said = _ingest(src, tmp_path / "s3", *opts, "--time-format", "frames@0", ok=False)
    assert "frame rate must be above 0" in said


def test_python_predict_on_pitch_metres(tmp_path):
    df = pl.read_csv(_long_csv(tmp_path / "tracking.csv"))
    model = tiny_infill_trajlm()
    with pytest.raises(TrajlmInputError, match="crs='local'"):
        model.predict(df, steps=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pred = model.predict(df, steps=2, crs="local")
    assert {"x", "y"} <= set(pred.columns)
    last = df.group_by("player_id").agg(pl.col("x").last(), pl.col("y").last())
    got = pred.filter(pl.col("step") == 1).join(last, on="player_id", suffix="_in")
    moved = np.hypot(got["x"] - got["x_in"], got["y"] - got["y_in"])
    assert moved.max() < 30  # metres from the last fix, not degrees' 100 km


def test_data_plot_of_a_local_store_draws_metres(tmp_path):
    src = _long_csv(tmp_path / "tracking.csv")
    store = tmp_path / "store"
    _ingest(src, store, "--crs", "local")
    from trajlm.viz import plot_trajectories

    fig = plot_trajectories(read_store(store), None, local_plane=True)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "x (m)"
    lo, hi = ax.get_xlim()
    assert hi - lo > 10  # metres, not 1e-4 degrees
    manifest = json.loads((store / "manifest.json").read_text())
    assert manifest["reading"]["crs"] == "local"


def test_similar_takes_crs_local_for_x_y_found_by_name(tmp_path):
    src = _long_csv(tmp_path / "tracking.csv")
    store = tmp_path / "store"
    _ingest(src, store, "--crs", "local")
    out = tmp_path / "similar.csv"
    r = invoke_cli(["similar", "--model", "trajlm-small", "--query", src, "--crs", "local",
                    "--database", store, "--k", "2", "--out", out])  # fmt: skip
    if r.exit_code != 0 and "trajlm-small" in r.output:
        pytest.skip("trajlm-small's weights are not built here")
    assert r.exit_code == 0, r.output[-1500:]  # was: "look like metres" (--crs dropped)
    assert pl.read_csv(out).height == 8


def test_a_player_running_inside_100_m_is_no_stay():
    from trajlm.api_stays import stays_at_end

    n = 12 * 60  # 12 minutes at 1 Hz, circling 15 m about one spot at ~4 m/s
    angle = np.arange(n) * 4.0 / 15.0
    y, x = 15 * np.sin(angle), 15 * np.cos(angle)
    lat, lon = geo.to_wgs84(x, y, "local")
    runner = pl.DataFrame(
        {"traj_id": "H7", "t": np.arange(n) + 1_795_878_000, "lat": lat, "lon": lon}
    )
    assert stays_at_end(runner).height == 0  # was held at the circle's centre
    rng = np.random.default_rng(0)  # a phone at home: a fix a minute, 10-40 m of jitter
    jit = rng.normal(0, 20, (15, 2))
    la, lo = geo.to_wgs84(jit[:, 0], jit[:, 1], "local")
    phone = pl.DataFrame(
        {"traj_id": "P07", "t": np.arange(15) * 60 + 1_795_878_000, "lat": la, "lon": lo}
    )
    assert stays_at_end(phone).height == 1  # still a stay


def test_python_predict_on_a_local_path_answers_in_metres(tmp_path):
    src = _long_csv(tmp_path / "tracking.csv")
    store = tmp_path / "store"
    _ingest(src, store, "--crs", "local")
    model = tiny_infill_trajlm()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from_file = model.predict(str(src), steps=1, crs="local")
        from_store = model.predict(str(store), steps=1)
    for pred in (from_file, from_store):
        assert {"x", "y"} <= set(pred.columns) and "lat" not in pred.columns
        assert pred["x"].abs().max() < 100  # metres about the centre spot, not ~1 degree


def test_trajlm_read_refuses_metres_and_reads_them_with_crs_local(tmp_path):
    import trajlm

    src = _long_csv(tmp_path / "tracking.csv")
    with pytest.raises(TrajlmInputError, match="look like metres on a plane.*crs='local'"):
        trajlm.read(src)  # was: the metres returned as lat / lon
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = trajlm.read(src, crs="local")
    assert {"x", "y"} <= set(got.columns) and "lat" not in got.columns
    raw = pl.read_csv(src)
    assert got["x"].abs().max() <= raw["x"].abs().max() + 1e-6
    with pytest.raises(TrajlmInputError, match="crs"):
        trajlm.read(src, crs="EPSG:99999999")
