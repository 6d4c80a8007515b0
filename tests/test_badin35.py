"""badin35: hostile inputs on the middle-aged surfaces (scripts/badin35/probe.py): each test
is a case that was a traceback, a silent wrong or an unclear line at 1017fee5."""

from __future__ import annotations

import json
import warnings

import numpy as np
import polars as pl
import pytest
from helpers import STATS, invoke_cli

import trajlm
from trajlm.errors import TrajlmInputError

T0 = 1_710_099_497


def _track(n: int = 12, lat: float = 45.07, lon: float = 7.68) -> pl.DataFrame:
    return pl.DataFrame({"traj_id": ["a"] * n, "t": [T0 + 15 * k for k in range(n)],
                         "lat": [lat] * n, "lon": [lon + 1e-4 * k for k in range(n)]})  # fmt: skip


def _geojson(path, lines) -> object:
    feats = [{"type": "Feature", "properties": {"way_id": i},
              "geometry": {"type": "LineString", "coordinates": c}} for i, c in enumerate(lines)]  # fmt: skip
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    return path


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    from trajlm.data.ingest import synth_store

    d = tmp_path_factory.mktemp("badin35") / "store"
    synth_store(d, n_trajectories=10, seed=0, overwrite=False)
    return d


def _said(r) -> str:
    return " ".join(r.output.split())


def test_inspect_of_a_store_without_its_index_is_one_line(store, tmp_path):
    import shutil

    cut = tmp_path / "cut"
    shutil.copytree(store, cut)
    (cut / "index.parquet").unlink()
    r = invoke_cli(["data", "inspect", str(cut)])  # was FileNotFoundError, exit 1
    assert r.exit_code == 2 and "index.parquet is missing" in _said(r)


def test_networks_that_are_folders_unreadable_or_hold_nan_are_one_line(tmp_path):
    pytest.importorskip("geopandas")
    from trajlm.roads import read_network

    (tmp_path / "net.geojson").mkdir()
    with pytest.raises(TrajlmInputError, match="a folder, not a road network"):
        read_network(tmp_path / "net.geojson")  # was DataSourceError
    (tmp_path / "bad.geojson").write_text('{"type": nope')
    with pytest.raises(TrajlmInputError, match="not a readable GeoJSON"):
        read_network(tmp_path / "bad.geojson")
    nan = _geojson(tmp_path / "nan.geojson", [[[7.676, 45.06], [7.679, 45.06]]])
    nan.write_text(nan.read_text().replace("7.679", "NaN"))
    with pytest.raises(TrajlmInputError, match="not a finite number"):
        read_network(nan)  # was GEOSException


def test_match_on_a_network_no_fix_is_near_answers_every_fix_unmatched(tmp_path):
    pytest.importorskip("geopandas")
    far = _geojson(tmp_path / "far.geojson", [[[8.676, 45.06], [8.679, 45.06]]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = trajlm.TrajLM.match(_track(), far)  # was IndexError
    assert len(m) == 12 and m["edge_id"].null_count() == 12


@pytest.mark.parametrize("value", [-1, "10", float("nan"), True])
def test_match_options_out_of_range_are_refused(value):
    from trajlm.roads import MatchConfig

    with pytest.raises(TrajlmInputError, match="sigma_m must be"):  # -1 was taken as 1 m
        MatchConfig(sigma_m=value)


def _route(*args: str):
    return invoke_cli(["route", "--synthetic-seed", "0", "--depart", "2024-03-10T08:00:00Z",
                       *args])  # fmt: skip


def test_route_from_far_off_the_network_is_refused_not_snapped():
    r = _route("--from", "46.0,7.665", "--to", "45.078,7.695")  # was a 1.5 km route, exit 0
    assert r.exit_code == 2 and "102.3 km from the nearest junction" in _said(r)


def test_route_contradictory_or_misordered_options_are_one_line(store):
    r = _route("--from", "45.062,7.665", "--to", "45.078,7.695", "--speeds-mode", "car")
    assert r.exit_code == 2 and "give --speeds STORE too" in _said(r)  # was ignored
    r = _route("--from", "45.062,7.665", "--to", "45.078,7.695", "--avoid", "45.08,7.7,45.06,7.66")
    assert r.exit_code == 2 and "--avoid" in _said(r) and "np.float64" not in r.output
    r = _route("--from", "45.062,7.665", "--to", "45.078,7.695", "--speeds", str(store),
               "--speeds-mode", "nope")  # fmt: skip
    assert r.exit_code == 2 and "has that label; its labels: bike" in _said(r)  # was IndexError


def test_route_between_unconnected_parts_says_so_not_the_avoided_area(tmp_path):
    pytest.importorskip("geopandas")
    net = _geojson(tmp_path / "two.geojson", [[[7.66, 45.06], [7.67, 45.06]],
                                               [[7.70, 45.06], [7.71, 45.06]]])  # fmt: skip
    r = invoke_cli(["route", "--network", str(net), "--from", "45.06,7.66", "--to", "45.06,7.71",
                    "--depart", "2024-03-10T08:00:00Z"])  # fmt: skip
    assert r.exit_code == 2 and "its parts are not connected" in _said(r)


@pytest.mark.parametrize(
    ("csv", "said"),
    [
        ("o_lat,o_lon,d_lat,d_lon,depart\nnorth,7.68,45.075,7.695,1710099497\n",
         "field o_lat: 'north' at file line 2 is not a number"),  # was ValueError, exit 1
        ("o_lat,o_lon,d_lat,d_lon,origin_lat,origin_lon,destination_lat,destination_lon,depart\n"
         "45.07,7.68,45.075,7.695,1,1,1,1,1710099497\n",
         "columns o_lat, origin_lat all name o_lat"),  # was: the first read, silently
        ("o_lat,o_lon,d_lat,d_lon,depart\n45.07,7.68,45.075,7.695,1710099497\n"
         "45.07,7.68,45.075,7.695,2024-03-10T19:38:17Z\n",
         "mixes Unix seconds ('1710099497' (file line 2)) and time text"),
    ],
)  # fmt: skip
def test_travel_time_tables_with_text_coordinates_two_names_or_mixed_times(tmp_path, csv, said):
    (tmp_path / "trips.csv").write_text(csv)
    r = invoke_cli(["travel-time", "--model", str(tmp_path / "no_model"), "--input",
                    str(tmp_path / "trips.csv"), "--out", str(tmp_path / "out.csv")])  # fmt: skip
    assert r.exit_code == 2 and said in _said(r)


SEL = "[selector]\nmax_train_windows = 300\n[selector.network]\nmax_epochs = 1\n"
REC = "[recovery]\nmax_train_rows = 2000\n[recovery.network]\nmax_epochs = 1\n"


@pytest.mark.parametrize(
    ("command", "config", "said"),
    [
        ("train-selector", SEL.replace("[selector]\n", "[selector]\ntop_k = 0\n"),
         "[selector].top_k: give a whole number >= 1, got 0"),  # was exit 0, silently
        ("train-selector", SEL.replace("[selector]\n", "[selector]\ntop_k = -2\n"),
         "[selector].top_k: give a whole number >= 1"),  # was numpy's negative dimensions
        ("train-selector", SEL + "lr = nan\n", "lr must be a finite number > 0"),
        ("train-selector", SEL + "d_hidden = 0\n", "d_hidden must be a number >= 1"),
        ("train-selector", SEL + "[selector.place_grid]\nw_place = []\n",
         "place_grid.w_place: give a non-empty list"),  # was min() of an empty sequence
        ("train-recovery", REC.replace("[recovery]\n", '[recovery]\nradius_m = "far"\n'),
         "[recovery].radius_m: give a number > 0, got 'far'"),  # was TypeError
        ("train-recovery", REC.replace("[recovery]\n", "[recovery]\nintervals = [0]\n"),
         "[recovery].intervals: give a number > 0, got 0"),  # was a divide-by-zero fit
        ("train-recovery", REC.replace("[recovery]\n", "[recovery]\nspeed_m_s = 0\n"),
         "[recovery].speed_m_s: give a number > 0"),
        ("train-recovery", REC.replace("max_train_rows = 2000", "max_train_rows = 0"),
         "[recovery].max_train_rows: give a whole number >= 1"),  # was ZeroDivisionError
        ("train-recovery", REC.replace("[recovery]\n", "[recovery]\ntrain_mask_seeds = [1.5]\n"),
         "train_mask_seeds: give a whole number >= 0, got 1.5"),  # was read as 1
    ],
)  # fmt: skip
def test_selector_and_recovery_config_values_are_refused_naming_the_key(store, tmp_path, command,
                                                                        config, said):  # fmt: skip
    (tmp_path / "c.toml").write_text(config)
    r = invoke_cli([command, "--data", str(store), "--out", str(tmp_path / "out"), "--config",
                    str(tmp_path / "c.toml")])  # fmt: skip
    assert r.exit_code == 2 and said in _said(r)
    assert not (tmp_path / "out" / "config.json").exists()


def test_a_config_folder_is_named_as_a_folder(tmp_path, store):
    r = invoke_cli(["train-selector", "--data", str(store), "--out", str(tmp_path / "o"),
                    "--config", str(tmp_path)])  # fmt: skip
    assert r.exit_code == 2 and "is a folder; give a .toml file with [selector]" in _said(r)
    r = invoke_cli(["data", "corpus", str(tmp_path), "--out", str(tmp_path / "c")])
    assert r.exit_code == 2 and "is a folder; give the corpus spec's .toml file" in _said(r)


def test_python_twins_refuse_wrong_types_in_one_line(tmp_path):
    from trajlm._safety import write_marker

    df = _track()
    with pytest.raises(TrajlmInputError, match="config must be a CleanConfig"):
        trajlm.clean(df, {"max_speed_mps": 5})  # was AttributeError
    with pytest.raises(TrajlmInputError, match="config must be a ValidityConfig"):
        trajlm.check_validity(df, config={"max_speed_mps": 5})
    with pytest.raises(TrajlmInputError, match="not a road network"):
        trajlm.check_validity(df, "car", 5)
    with pytest.raises(TrajlmInputError, match="exact_times must be True or False"):
        trajlm.read(tmp_path, exact_times="yes")  # was taken as True
    write_marker(tmp_path, "selector")
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(TrajlmInputError, match="a trajlm selector folder, not trajectory data"):
        trajlm.read(tmp_path)  # was its config.json read as MF-JSON


def test_check_validity_reads_a_network_path(tmp_path):
    pytest.importorskip("geopandas")
    net = _geojson(tmp_path / "n.geojson", [[[7.679, 45.07], [7.69, 45.07]]])
    out = trajlm.check_validity(_track(), "car", str(net))  # was AttributeError on the path
    assert len(out) == 12


def test_next_place_local_tz_without_time_of_day_is_refused():
    with pytest.raises(TrajlmInputError, match="local_tz .* sets the clock"):
        trajlm.next_place(_track(), local_tz="Europe/Rome")  # was ignored


def test_passages_between_one_place_and_itself_says_so():
    with pytest.raises(TrajlmInputError, match="a and b are the same place"):
        trajlm.passages(_track(), (45.07, 7.68), (45.07, 7.68))  # was "radius_m below 0"


def test_every_under_a_second_on_whole_second_times_names_every():
    from trajlm.data.recover_grid import with_grid_rows

    gap = pl.DataFrame({"traj_id": ["a", "a"], "t": [T0, T0 + 60]})
    with pytest.raises(TrajlmInputError, match="under a second, but the times are whole"):
        with_grid_rows(gap, 0.001)  # was "duplicate timestamp" in the caller's input


@pytest.fixture(scope="module")
def infill(tmp_path_factory):
    import torch

    from trajlm.model import ModelConfig, TrajectoryModel

    torch.manual_seed(0)
    path = tmp_path_factory.mktemp("infill") / "m"
    cfg = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32, stats=STATS,
                      infill_heads=True)  # fmt: skip
    TrajectoryModel(cfg).save_pretrained(path)
    return trajlm.TrajLM.from_pretrained(path, threads=1)


def test_travel_time_depart_before_1990_names_depart(infill):
    with pytest.raises(TrajlmInputError, match="field depart: departure -1 is no trip's time"):
        infill.travel_time(np.array([[45.07, 7.68]]), np.array([[45.075, 7.695]]), -1)


def test_http_post_on_the_map_page_says_get(infill):
    from fastapi.testclient import TestClient

    from trajlm.serve.app import create_app

    with TestClient(create_app(infill), raise_server_exceptions=False) as client:
        r = client.post("/", json={})
        assert r.status_code == 405 and r.json()["error"] == "/ takes GET, not POST"
        rows = [{"traj_id": "a", "t": T0 + 30 * k, "lat": None if k == 2 else 45.07,
                 "lon": None if k == 2 else 7.68 + 1e-4 * k} for k in range(5)]  # fmt: skip
        r = client.post("/recover", json={"trajectories": rows, "every": "1ms"})
        assert r.status_code == 422 and r.json()["field"] == "every"


def test_reach_memory_far_from_the_trajectories_is_said(infill):
    porto = _track(lat=41.15, lon=-8.61).with_columns(traj_id=pl.lit("p"))
    with pytest.warns(UserWarning, match="memory: its past trips lie 1,3.. km"):  # was unsaid
        infill.reach(_track(), [(45.07, 7.681)], memory=porto)


def test_route_recovery_asked_far_from_its_library_says_so(store, tmp_path):
    from trajlm.model.coverage import CoverageWarning

    (tmp_path / "rec.toml").write_text(REC)
    r = invoke_cli(["train-recovery", "--data", str(store), "--out", str(tmp_path / "rec"),
                    "--config", str(tmp_path / "rec.toml")])  # fmt: skip
    assert r.exit_code == 0, r.output
    rec = trajlm.TrajLM.from_pretrained(tmp_path / "rec")
    far = _track(lat=41.15, lon=-8.61).with_columns(
        lat=pl.when(pl.int_range(pl.len()) == 5).then(None).otherwise(pl.col("lat")),
        lon=pl.when(pl.int_range(pl.len()) == 5).then(None).otherwise(pl.col("lon")))  # fmt: skip
    with pytest.warns(CoverageWarning, match="route library reaches"):  # was a projection note
        rec.recover(far)


def test_thinning_a_dense_long_history_is_linear_and_keeps_the_same_points():
    import time

    from trajlm.api_rollout import thin_history

    rng = np.random.default_rng(0)
    t = np.cumsum(rng.integers(1, 9, 2000)).astype(np.int64)
    df = pl.DataFrame({"traj_id": ["a"] * len(t), "t": t, "lat": 0.0, "lon": 0.0})
    keep, j = np.zeros(len(t), bool), len(t) - 1  # the walk back from the last fix, as before
    while j >= 0:
        keep[j] = True
        j = int(np.searchsorted(t, t[j] - 12.0, side="right")) - 1
    assert thin_history(df, 12.0)["t"].to_list() == t[keep].tolist()
    n = 300_000  # 7.7 CPU s at 1017fee5 (an int array searched by a float, copied per call)
    big = pl.DataFrame({"traj_id": ["a"] * n, "t": np.arange(n, dtype=np.int64) * 5,
                        "lat": 0.0, "lon": 0.0})  # fmt: skip
    cpu = time.process_time()
    assert thin_history(big, 12.0).height == 100_000
    assert time.process_time() - cpu < 2.0
