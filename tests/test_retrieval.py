"""Issue 15 lever 2, retrieval: the index leaves the query's own trajectory out, holds train
trajectories only, is deterministic and round-trips; an untrained retrieval-base model rolls
out exactly the iterated one-step retrieval; training windows carry their trajectory key."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from helpers import STATS

from trajlm.data.retrieval import RetrievalIndex, traj_keys
from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.model.retrieval import window_base_steps

T0 = 1_700_000_000


def _tracks(n_traj: int = 12, n_pts: int = 30, seed: int = 0):
    """Per-point xy (n, 2) metres and keys (n,): wiggly tracks of different speeds."""
    rng = np.random.default_rng(seed)
    xy, keys = [], []
    for i in range(n_traj):
        heading = np.cumsum(rng.normal(0, 0.3, n_pts))
        speed = 50 + 20 * i
        steps = speed * np.stack([np.cos(heading), np.sin(heading)], 1)
        xy.append(np.cumsum(steps, 0) + rng.normal(0, 500, 2))
        keys.append(np.full(n_pts, traj_keys(np.array([f"trip-{i}"]))[0]))
    return np.concatenate(xy), np.concatenate(keys)


def test_index_leaves_the_query_trajectory_out():
    xy, keys = _tracks()
    index = RetrievalIndex(history=5, horizon=5, n_neighbors=3).fit(xy, keys)
    q = xy[60:65][None]  # trajectory 2's points 0-4: its own window is in the library
    own = keys[60]
    feats, _, _ = index.features(q, np.array([5]))
    dist, nb = index.neighbours(feats, 3)
    assert index.traj_keys_[nb[0, 0]] == own and dist[0, 0] < 1e-9  # without: itself first
    dist, nb = index.neighbours(feats, 3, exclude=np.array([own]))
    assert (index.traj_keys_[nb[0]] != own).all() and dist[0, 0] > 1.0
    # ... also when most of the library is that trajectory (the loop asks for more)
    many = np.r_[np.full(len(xy) - 30, own), keys[-30:]]
    big = RetrievalIndex(history=5, horizon=5, n_neighbors=8).fit(xy, many)
    _, nb = big.neighbours(feats, 8, exclude=np.array([own]))
    assert (big.traj_keys_[nb[0]] != own).all()
    # the answer to the query: with n_neighbors = 1 and no guard, the window's own future
    got = index.query(q, np.array([5]), k=1, n_neighbors=1)
    assert np.allclose(got.continuation[0, 0], xy[65] - xy[64])
    got = index.query(q, np.array([5]), k=1, n_neighbors=1, exclude=np.array([own]))
    assert not np.allclose(got.continuation[0, 0], xy[65] - xy[64])


def test_index_is_deterministic_and_round_trips(tmp_path):
    xy, keys = _tracks()
    a = RetrievalIndex(n_neighbors=4, max_windows=100).fit(xy, keys)
    b = RetrievalIndex(n_neighbors=4, max_windows=100).fit(xy, keys)
    q, n = xy[None, 100:108], np.array([8])
    assert np.array_equal(a.query(q, n).continuation, b.query(q, n).continuation)
    a.save(tmp_path / "r.tmp")  # any suffix: written where asked
    c = RetrievalIndex.load(tmp_path / "r.tmp")
    assert np.array_equal(c.traj_keys_, a.traj_keys_) and c.n_neighbors == 4
    assert np.array_equal(c.query(q, n).continuation, a.query(q, n).continuation)
    assert traj_keys(np.array(["x", "y", "x"])).tolist()[0] == traj_keys(np.array(["x"]))[0]


def test_index_of_a_store_holds_train_trajectories_only(tmp_path):
    from trajlm.data.clean import PRESETS, clean
    from trajlm.data.loader import TrajectoryWindows, WindowConfig
    from trajlm.data.store import read_store, write_store
    from trajlm.data.synthetic import generate_city
    from trajlm.model.retrieval import build_index

    city = generate_city(n_trajectories=40, seed=1, center_lat=41.15, center_lon=-8.61)
    df, rep = clean(city.points, PRESETS["default"])
    write_store(df, tmp_path / "store", report=rep)
    index = build_index(tmp_path / "store", ModelConfig(residual_base="retrieval"))
    split = {s: set(traj_keys(read_store(tmp_path / "store", s)["traj_id"].to_numpy()).tolist())
             for s in ("train", "val", "test")}  # fmt: skip
    held = set(index.traj_keys_.tolist())
    assert held and held <= split["train"]
    assert not held & (split["val"] | split["test"])
    # training windows carry their trajectory's key (the guard's input)
    ds = TrajectoryWindows(tmp_path / "store", "train", WindowConfig(max_len=16, traj_keys=True))
    got = {int(w["traj_key"]) for w in ds}
    assert got == split["train"]
    assert "traj_key" not in next(iter(TrajectoryWindows(tmp_path / "store", "train")))


def _model(index, seed: int = 0, mode: str = "requery"):
    torch.manual_seed(seed)
    cfg = ModelConfig(d_model=32, n_layers=2, n_heads=2, max_len=64, pos_type="rope_time",
                      stats=STATS, residual_base="retrieval", retrieval_mode=mode)  # fmt: skip
    m = TrajectoryModel(cfg).eval()
    m.retrieval = index
    return m


def _batch(xy: np.ndarray, starts, T: int = 9):
    pos = torch.tensor(np.stack([xy[s : s + T] for s in starts]), dtype=torch.float32)
    B = len(starts)
    t = torch.arange(T, dtype=torch.float32).expand(B, T) * 15.0
    mask = torch.ones(B, T, dtype=torch.bool)
    mask[1, 7:] = False
    return {"pos": pos, "t": t.clone(), "t0": torch.full((B,), T0), "mask": mask}


@pytest.mark.parametrize("use_cache", [True, False])
def test_untrained_retrieval_model_is_the_iterated_one_step_retrieval(use_cache):
    xy, keys = _tracks()
    index = RetrievalIndex(n_neighbors=3).fit(xy[:300], keys[:300])  # queries: unseen trips
    batch = _batch(xy, [300, 330, 345])
    out = _model(index).generate(batch, 4, use_cache=use_cache)["pos"].double().numpy()
    hist = batch["pos"].double().numpy()
    n = batch["mask"].sum(1).numpy()
    track = np.zeros((3, 9 + 4, 2))
    track[:, :9] = hist
    for s in range(4):  # re-query on the rolled-out history before every step
        step = index.query(track, n + s, k=1).continuation[:, 0]
        track[np.arange(3), n + s] = track[np.arange(3), n + s - 1] + step
        assert np.abs(out[:, s] - track[np.arange(3), n + s]).max() < 1e-2


@pytest.mark.parametrize("use_cache", [True, False])
def test_untrained_anchored_retrieval_model_is_knn_continuation(use_cache):
    """retrieval_mode "anchored": step s reads step s of the continuation from the rollout's
    start, so before training the model rolls out exactly kNN continuation."""
    from trajlm.eval.baselines import KNNContinuation

    xy, keys = _tracks()
    index = RetrievalIndex(n_neighbors=3).fit(xy[:300], keys[:300])
    batch = _batch(xy, [300, 330, 345])
    out = _model(index, mode="anchored").generate(batch, 5, use_cache=use_cache)["pos"]
    knn = KNNContinuation(n_neighbors=3)
    knn.index_ = index
    want = knn.predict(batch["pos"].double().numpy(), batch["mask"].sum(1).numpy(), 5)
    assert np.abs(out.double().numpy() - want).max() < 1e-2


def test_anchored_training_base_reads_the_lagged_continuation():
    xy, keys = _tracks()
    index = RetrievalIndex(n_neighbors=2).fit(xy[:300], keys[:300])
    batch = _batch(xy, [300, 330, 345])
    feats = torch.zeros(3, 9, 3)
    torch.manual_seed(0)
    got = window_base_steps(index, batch["pos"], batch["mask"], STATS, feats, None, 4)
    assert not torch.allclose(got, window_base_steps(index, batch["pos"], batch["mask"],
                                                     STATS, feats))  # fmt: skip
    p = batch["pos"].double().numpy()
    for t in range(4, 9):  # row 0: the base is step (t - end) of the continuation from end
        cands = []
        for end in range(max(4, t - 4), t + 1):
            c = index.query(p[:1, end - 4 : end + 1], np.array([5])).continuation[0]
            lag = t - end
            cands.append((c[lag] - (c[lag - 1] if lag else 0)) / STATS["dxy_scale"])
        dist = [np.abs(got[0, t, :2].double().numpy() - c).max() for c in cands]
        assert min(dist) < 1e-4
        assert np.isclose(float(got[0, t, 3]) * 4, int(np.argmin(dist[::-1])))  # the lag read


def test_training_forward_leaves_the_window_trajectory_out():
    xy, keys = _tracks()
    index = RetrievalIndex(n_neighbors=1).fit(xy, keys)
    batch = _batch(xy, [0, 30, 60])
    feats = torch.zeros(3, 9, 3)
    base = window_base_steps(index, batch["pos"], batch["mask"], STATS, feats)
    true = (batch["pos"][:, 5:] - batch["pos"][:, 4:-1]) / STATS["dxy_scale"]
    assert torch.allclose(base[0, 4:-1, :2], true[0], atol=1e-4)  # the leak: its own future
    own = torch.tensor(keys[[0, 30, 60]])
    guarded = window_base_steps(index, batch["pos"], batch["mask"], STATS, feats, own)
    assert (guarded[0, 4:-1, :2] - true[0]).abs().max() > 0.1
    assert torch.equal(guarded[:, :4, :3], feats[:, :4])  # < history points: the fallback
    assert not guarded[:, :4, 4].any() and guarded[:, 4:7, 4].all()  # found only with 5 points
    assert not guarded[..., 3].any()  # lag 0 (max_lag 0)
    assert (guarded[:, 4:7, 5] > 0).all()  # distance to the (one: no spread) neighbour
    m = _model(index)
    out = m({**batch, "traj_key": own})
    assert out.loss is not None and torch.isfinite(out.loss)
    m.retrieval = None
    with pytest.raises(ValueError, match="needs its index"):
        m(batch)


def test_a_large_retrieval_step_is_kept():
    """The glitch rule (a step beyond max_step_norm is not repeated) is constant velocity's:
    a large retrieval step is what similar train histories did (e.g. jump back after a GPS
    jump) and is kept as it is."""
    xy, keys = _tracks()
    m = _model(RetrievalIndex().fit(xy, keys))
    big = torch.tensor([[40.0, -30.0, 0.5, 0.25, 1.0, 0.3, 0.2]])  # a 1.6 km step; lag 1 of 4
    mean, _ = m.step_head(torch.randn(1, m.config.d_model), big)
    assert torch.equal(mean, big[:, :3])


def test_precomputed_answers_match_the_query():
    """Training looks up each train point's answer, computed once with its own trajectory
    left out; it equals querying the window (and a point not in the table is queried)."""
    xy, keys = _tracks()
    index = RetrievalIndex(n_neighbors=3).fit(xy, keys)
    t = np.tile(T0 + 15 * np.arange(30), 12)
    index.precompute(xy, keys, t)
    batch = _batch(xy, [0, 30, 60])
    own = torch.tensor(keys[[0, 30, 60]])
    t_abs = batch["t"].long() + batch["t0"][:, None]
    t_abs[2] += 7  # row 2: times not in the table -> queried
    feats = torch.zeros(3, 9, 3)
    looked = window_base_steps(index, batch["pos"], batch["mask"], STATS, feats, own, 0, t_abs)
    asked = window_base_steps(index, batch["pos"], batch["mask"], STATS, feats, own)
    assert torch.allclose(looked, asked, atol=1e-4)
    _, _, hit = index.lookup(keys[[0, 60]], np.array([T0 + 15 * 4, T0 + 15 * 3]))
    assert hit.tolist() == [True, False]  # point 3 of a trip has no 5-point history


@pytest.mark.slow
def test_trainer_builds_the_index_and_the_diag_script_reads_the_run(tmp_path, capsys):
    """A retrieval model trains end to end (index from the train split, windows with their
    trajectory keys), saves retrieval.npz beside RUN/ and RUN/best weights, loads it back, and
    scripts/retrieval_diag.py tables the run against its base."""
    import importlib.util
    from pathlib import Path

    from trajlm.data.ingest import synth_store
    from trajlm.train.config import TrainConfig
    from trajlm.train.trainer import Trainer

    synth_store(tmp_path / "s", n_trajectories=40, seed=2)
    mc = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32, pos_type="rope_time",
                     residual_base="retrieval", retrieval_mode="anchored")  # fmt: skip
    tc = TrainConfig(batch_size=4, max_len=32, max_steps=4, eval_every=2, progress=False,
                     cpu_threads=1, warmup_steps=1)  # fmt: skip
    trainer = Trainer(tmp_path / "s", tmp_path / "run", mc, tc)
    assert trainer.model.retrieval is not None and len(trainer.model.retrieval.table_[0])
    trainer.fit()
    for d in ("run", "run/best"):
        assert (tmp_path / d / "retrieval.npz").is_file()
    m = TrajectoryModel.from_pretrained(tmp_path / "run")
    assert m.retrieval.n_windows_ == trainer.model.retrieval.n_windows_
    path = Path(__file__).resolve().parent.parent / "scripts" / "retrieval_diag.py"
    spec = importlib.util.spec_from_file_location("retrieval_diag", path)
    diag = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(diag)
    diag.main(["--data", str(tmp_path / "s"), "--run", str(tmp_path / "run"), "--base-quality"])
    out = capsys.readouterr().out
    assert "| base (anchored) |" in out and "| trained (requery) |" in out
    assert "ADE model - base per trip" in out and "| val |" in out


def test_a_glitch_size_retrieval_step_is_not_corrected():
    """The loss never trains steps beyond max_step_norm, so a retrieval base of that size is
    taken as it is even by a model whose correction and gate are not zero."""
    xy, keys = _tracks()
    m = _model(RetrievalIndex().fit(xy, keys))
    torch.nn.init.normal_(m.head.mean.weight)
    torch.nn.init.normal_(m.base_gate.weight)
    h = torch.randn(2, m.config.d_model)
    base = torch.tensor([[40.0, -3.0, 0.5, 0.25, 1.0, 0.3, 0.2],
                         [4.0, -3.0, 0.5, 0.25, 1.0, 0.3, 0.2]])  # fmt: skip
    mean, _ = m.step_head(h, base)
    assert torch.equal(mean[0], base[0, :3])
    assert not torch.allclose(mean[1], base[1, :3])  # an ordinary step is corrected


def test_a_loader_state_saved_before_traj_keys_still_loads(tmp_path):
    from trajlm.data.ingest import synth_store
    from trajlm.data.loader import TrajectoryWindows

    synth_store(tmp_path / "s", n_trajectories=10, seed=2)
    ds = TrajectoryWindows(tmp_path / "s", "train")
    state = ds.state_dict()
    del state["config"]["traj_keys"]  # as written before the field existed
    ds.load_state_dict(state)
    state["config"]["max_len"] = 7
    with pytest.raises(ValueError, match="saved with config"):
        ds.load_state_dict(state)
