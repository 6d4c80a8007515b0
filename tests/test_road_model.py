"""The road domain in the model (issue 19): road inputs through the loader into the model,
road-path anchors (= shortest-path interpolation), snapping, and a tiny training run."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

pytest.importorskip("shapely")  # the matcher's candidate index

from test_roads import PROJ, graph_from_xy

from trajlm.data.ingest import synth_store
from trajlm.data.loader import TrajectoryWindows, WindowConfig
from trajlm.data.store import load_stats, read_store
from trajlm.model.config import ModelConfig
from trajlm.model.embedding import edge_bucket
from trajlm.model.transformer import TrajectoryModel
from trajlm.objectives import masking as mk
from trajlm.objectives.sequence import build_infill
from trajlm.roads.anchor import RoadAnchor, RoadPaths, network_from_spec
from trajlm.roads.network import from_polylines
from trajlm.roads.recover import interpolate_on_roads

ROAD_COLUMNS = ("segment_id", "segment_frac")


@pytest.fixture(scope="module")
def city_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("roadcity") / "city"
    synth_store(path, n_trajectories=30, seed=3)
    return path


def test_edge_bucket_hash_is_fixed_and_in_range():
    ids = torch.tensor([-1, 0, 1, 2, 541, 12345678901])
    # fixed values: a checkpoint's edge embedding must mean the same bucket in every process
    assert edge_bucket(ids, 1024).tolist() == [0, 1, 903, 781, 50, 67]
    b = edge_bucket(torch.arange(-5, 5000), 64)
    assert int(b[:5].max()) == 0 and int(b[5:].min()) >= 1 and int(b.max()) <= 64
    assert len(torch.unique(b[5:])) == 64  # every bucket is used


def test_road_features_round_trip_loader_to_model_inputs(city_store):
    cfg = WindowConfig(max_len=16, min_len=1, road_columns=ROAD_COLUMNS, read_rows=50)
    items = list(TrajectoryWindows(city_store, "train", cfg))
    df = read_store(city_store, split="train").sort(["traj_id", "t"])
    seg, frac = df["segment_id"].to_numpy(), df["segment_frac"].to_numpy()
    # windows without stride cover the split's rows in order (50-row reads: carry-over)
    got_id = np.concatenate([w["edge_id"][w["mask"]].numpy() for w in items])
    got_frac = np.concatenate([w["edge_frac"][w["mask"]].numpy() for w in items])
    np.testing.assert_array_equal(got_id, seg)
    np.testing.assert_allclose(got_frac, frac, atol=1e-6)
    w = next(w for w in items if not w["mask"].all())
    assert (w["edge_id"][~w["mask"]] == -1).all() and w["edge_id"].dtype == torch.int64
    # into the model's inputs: the infilling features get (bucket, fraction), none if hidden
    batch = {k: torch.stack([it[k] for it in items[:4]]) for k in items[0]}
    model = TrajectoryModel(ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=16,
                                        infill_heads=True, n_edge_buckets=32))  # fmt: skip
    mask = batch["mask"]
    hidden = mk.random_points(mask, 0.5, torch.Generator().manual_seed(0), domains="space")
    ib = build_infill(batch, hidden, model.embed.stats, spans=False, edge_buckets=32)
    assert ib.feats.shape[-1] == 11
    feats = torch.gather(ib.feats, 1, ib.slot.clamp_min(0)[..., None].expand(-1, -1, 11))
    seen = mask & ~hidden.space
    want = edge_bucket(batch["edge_id"], 32).float()
    assert torch.equal(feats[..., 9][seen], want[seen])
    assert torch.allclose(feats[..., 10][seen], batch["edge_frac"][seen])
    assert (feats[..., 9:][hidden.space & mask] == 0).all()  # a hidden point's edge is hidden
    out = model(batch)  # causal path reads them too
    assert out.pred.shape == (4, 16, 3) and torch.isfinite(out.loss)
    # the edge embedding changes the output: ids are read
    other = {**batch, "edge_id": torch.where(mask, batch["edge_id"] + 7, -1)}
    assert not torch.allclose(model(other).pred, out.pred)


def _l_graph():
    # an L with a shortcut missing: (0,0)-(300,0)-(300,300), plus a side street (300,0)-(600,0)
    return graph_from_xy([[[0, 0], [300, 0]], [[300, 0], [300, 300]], [[300, 0], [600, 0]]])


def test_road_path_anchor_equals_shortest_path_interpolation():
    g = _l_graph()
    t = np.array([0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0])
    xy = np.array([[0, 0], [0, 0], [0, 0], [300, 300], [0, 0], [0, 0], [500, 0.0]])
    known = np.array([True, False, False, True, False, False, True])
    xy[~known] = np.nan
    ref = interpolate_on_roads(g, t, xy, known, np.zeros(7, int))
    anchor = RoadAnchor(g, PROJ).anchor(
        np.nan_to_num(xy)[None], t[None], np.ones((1, 7), bool), known[None], ~known[None]
    )[0]
    np.testing.assert_allclose(anchor[~known], ref[~known], atol=1e-6)
    np.testing.assert_allclose(anchor[1], [200.0, 0.0], atol=1e-6)  # around the corner
    np.testing.assert_allclose(anchor[4], [300.0, 300 - 500 / 3], atol=1e-6)  # 1/3 of 500 m
    assert np.isnan(anchor[known]).all()
    # vectorized tables: the next hop of 0 -> 2 passes the corner node, the distance adds up
    paths = RoadPaths(g)
    assert np.isfinite(paths.dist).all() and paths.dist.max() == pytest.approx(600.0)


def test_fastest_route_anchor_takes_the_fast_detour():
    # A -> B straight (400 m at 5 m/s, 80 s) or via C (2 x 300 m at 20 m/s, 30 s); the fixes
    # lie on the streets leading to A (from S) and away from B (to E)
    lines_xy = [[[0, 0], [400, 0]], [[0, 0], [200, 224]], [[200, 224], [400, 0]],
                [[0, -100], [0, 0]], [[400, 0], [400, -100]]]  # fmt: skip
    lines = []
    for xy in lines_xy:
        lat, lon = PROJ.inverse(np.array(xy, float)[:, 0], np.array(xy, float)[:, 1])
        lines.append(np.stack([lon, lat], 1))
    g = from_polylines(lines, ["local"] * 5, np.array([5.0, 20, 20, 10, 10]), np.arange(5),
                       np.zeros(5, bool), PROJ)  # fmt: skip
    # one hidden fix halfway in time: 250 m of 500 (shortest) or 350 m of 700 (fastest)
    xy = np.array([[0, -50], [0, 0], [400, -50.0]])[None]
    t, mask = np.array([[0.0, 10.0, 20.0]]), np.ones((1, 3), bool)
    known = np.array([[True, False, True]])
    short = RoadAnchor(g, PROJ, route="shortest").anchor(xy, t, mask, known, ~known)[0, 1]
    fast = RoadAnchor(g, PROJ, route="fastest").anchor(xy, t, mask, known, ~known)[0, 1]
    np.testing.assert_allclose(short, [200.0, 0.0], atol=1e-6)
    np.testing.assert_allclose(fast, [200.0, 224.0], atol=1.0)  # at C, halfway round
    assert RoadPaths(g, "time").dist.max() > RoadPaths(g).dist.max()  # metres along routes


def test_road_path_anchor_on_the_synthetic_city_matches_the_baseline():
    graph = network_from_spec("synthetic:seed=1,n=20")
    from trajlm.data.synthetic import generate_city

    pts = generate_city(n_trajectories=20, seed=1).points
    xy = np.stack(graph.projection.forward(pts["lat"].to_numpy(), pts["lon"].to_numpy()), 1)
    t = pts["t"].to_numpy().astype(float)
    groups = pts["traj_id"].rank("dense").to_numpy()
    known = np.r_[True, np.diff(groups) != 0] | (np.arange(len(t)) % 9 == 0)
    known |= np.r_[np.diff(groups) != 0, True]
    ref = interpolate_on_roads(graph, t, xy, known, groups)
    bounds = np.flatnonzero(np.r_[True, np.diff(groups) != 0, True])
    lens = np.diff(bounds)
    T, B = int(lens.max()), len(lens)
    mask = np.arange(T)[None] < lens[:, None]
    idx = np.zeros((B, T), int)
    idx[mask] = np.arange(len(t))
    got = RoadAnchor(graph, graph.projection).anchor(
        xy[idx], t[idx], mask, known[idx] & mask, ~known[idx] & mask
    )[mask]
    np.testing.assert_allclose(got[~known], ref[~known], atol=1e-5)


def _distance_to_network(g, pts):
    a, b, _, _ = g.segments()
    d = b - a
    r = pts[:, None, :] - a[None]
    w = np.clip((r * d).sum(-1) / np.maximum((d**2).sum(-1), 1e-12), 0, 1)
    return np.hypot(*(r - w[..., None] * d).transpose(2, 0, 1)).min(1)


def test_snapping_puts_points_on_edges():
    g = _l_graph()
    t = np.arange(6) * 10.0
    xy = np.array([[0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [300, 300.0]])
    known = np.array([True, False, False, False, False, True])
    rng = np.random.default_rng(0)
    guess = np.array([[0, 0], [90, 60], [250, 80], [200, 200], [320, 260], [300, 300.0]])
    guess[1:5] += rng.normal(0, 20, (4, 2))
    assert _distance_to_network(g, guess[~known]).min() > 10  # off the road before
    out = interpolate_on_roads(g, t, xy, known, np.zeros(6, int), guess=guess)
    assert _distance_to_network(g, out[~known]).max() < 1e-6


def test_one_step_with_road_inputs_and_anchors_reaches_the_edge_embedding(city_store):
    from trajlm.train.objectives import ObjectiveMix, objective_loss

    cfg = WindowConfig(max_len=24, road_columns=ROAD_COLUMNS)
    items = list(TrajectoryWindows(city_store, "train", cfg))[:6]
    batch = {k: torch.stack([it[k] for it in items]) for k in items[0]}
    stats = load_stats(city_store)
    mc = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=24, infill_heads=True,
                     infill_anchor_inputs=True, n_edge_buckets=16, road_anchor=True,
                     stats=stats.to_dict())  # fmt: skip
    model = TrajectoryModel(mc)
    road = RoadAnchor(network_from_spec("synthetic:seed=3,n=30"), stats.projection)
    mix = ObjectiveMix(causal=0.0, points=1.0, downsample_prob=1.0)
    loss, parts = objective_loss(model, batch, mix, torch.Generator().manual_seed(0), road)
    loss.backward()
    assert parts["objective"] == "points" and torch.isfinite(loss)
    # the step read road-path anchors: the same batch without them gives another loss
    plain = objective_loss(model, batch, mix, torch.Generator().manual_seed(0))[0]
    assert abs(float(plain.detach()) - float(loss.detach())) > 1e-4
    assert model.embed.edge_embed.weight.grad.abs().sum() > 0


@pytest.mark.slow
def test_tiny_train_step_with_road_features(city_store, tmp_path):
    from trajlm.tasks.recover import ModelRecoverer
    from trajlm.train.config import TrainConfig
    from trajlm.train.trainer import Trainer

    mc = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32, infill_heads=True,
                     infill_anchor_inputs=True, n_edge_buckets=64)  # fmt: skip
    tc = TrainConfig(max_steps=4, batch_size=4, max_len=32, eval_every=0, save_every=4,
                     cpu_threads=1, progress=False, objectives={"causal": 1.0, "points": 3.0},
                     road_network="synthetic:seed=3,n=30", road_columns=list(ROAD_COLUMNS))  # fmt: skip
    trainer = Trainer(city_store, tmp_path / "run", mc, tc)
    before = trainer.model.embed.edge_embed.weight.detach().clone()
    trainer.fit()
    logs = [json.loads(x) for x in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()]
    assert all(np.isfinite(r["loss"]) for r in logs if "loss" in r) and logs
    model = TrajectoryModel.from_pretrained(tmp_path / "run" / "best")
    assert model.config.road_anchor and model.config.n_edge_buckets == 64
    assert not torch.equal(model.embed.edge_embed.weight, before)  # road inputs were trained
    with pytest.raises(ValueError, match="road"):
        ModelRecoverer(model)  # a road model needs its network
    from trajlm.data.protocol_tasks import make_recovery_task

    test = read_store(city_store, split="test").sort(["traj_id", "t"])
    task = make_recovery_task(test, "downsample", interval_s=120)
    graph = network_from_spec("synthetic:seed=3,n=30")
    out = ModelRecoverer(model, road=graph, road_ids="way").recover(task)
    assert out.shape == task.latlon.shape and np.isfinite(out).all()
    # trajlm eval --task recover: a road model needs --network, and scores with it
    gpd = pytest.importorskip("geopandas")
    import shapely
    from typer.testing import CliRunner

    from trajlm.cli import app

    f = graph.edges_frame()
    gpd.GeoDataFrame(
        {"way_id": f["way_id"], "oneway": "yes"},
        geometry=[shapely.LineString(c) for c in f["geometry"]], crs=4326,
    ).to_file(tmp_path / "net.geojson", driver="GeoJSON")  # fmt: skip
    args = ["eval", "--task", "recover", "--data", str(city_store), "--seeds", "1",
            "--model", str(tmp_path / "run" / "best")]  # fmt: skip
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 2 and "give --network" in r.output
    r = CliRunner().invoke(app, [*args, "--network", str(tmp_path / "net.geojson")])
    assert r.exit_code == 0, r.output
    assert "trajlm:run" in r.output and "shortest path" in r.output  # RUN/best named RUN


@pytest.mark.slow
def test_road_recovery_results_script_smoke(tmp_path):
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "scripts" / "road_recovery_results.py"
    spec = importlib.util.spec_from_file_location("road_recovery_results", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    main = mod.main
    out = main(["--out", str(tmp_path), "--n", "40", "--steps", "2", "--seeds", "0", "1"])
    names = [r["method"] for r in out["rows"]]
    anchor = "model + road-path anchor (fastest route)"
    assert "shortest path" in names and f"{anchor} -> snap" in names and "fastest path" in names
    row = next(r for r in out["rows"] if r["method"] == anchor)
    assert len(row["per_seed_m"]) == 2 and row["ci_vs_shortest_m"][0] <= row["ci_vs_shortest_m"][1]
    assert "| shortest path |" in (tmp_path / "road_recovery.md").read_text()
