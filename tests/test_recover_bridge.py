"""Recovery with a causal checkpoint: the bidirectional bridge (trajlm/tasks/recover_bridge.py)."""

from __future__ import annotations

import math
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import polars as pl
import pytest
import torch

from trajlm.data.features import LocalProjection
from trajlm.model.config import ModelConfig
from trajlm.model.transformer import TrajectoryModel
from trajlm.tasks.recover_bridge import (
    BridgeRecoverer,
    akima_xy,
    bridge_xy,
    guard_mask,
    linear_xy,
    neighbours,
)

SMALL = Path(__file__).resolve().parents[1] / "trajlm/checkpoints/trajlm-small/model.safetensors"
T0 = 1_709_500_000
STATS = {"lat0": 41.16, "lon0": -8.61, "xy_mean": [0.0, 0.0], "xy_scale": 2000.0,
         "dxy_scale": 100.0, "dt_mean": 15.0, "dt_scale": 5.0, "n_points": 1000}  # fmt: skip


def tiny(scale: float = 1.0) -> TrajectoryModel:
    torch.manual_seed(0)
    m = TrajectoryModel(
        ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=32, stats=STATS)
    ).eval()
    with torch.no_grad():
        for p in m.parameters():
            p.mul_(scale)
    return m


def curve(n: int = 40, dt: float = 15.0, tid: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(t, latlon) of a smooth turn at ~8 m/s in Porto."""
    s = np.arange(n) * dt
    ang = s / (n * dt) * math.pi / 2
    r = 8.0 * n * dt / (math.pi / 2)
    x, y = r * np.sin(ang), r * (1 - np.cos(ang))
    lat, lon = LocalProjection(41.15, -8.61).inverse(x + 300.0 * tid, y)
    return (T0 + s).astype(np.int64), np.stack([lat, lon], 1)


def task(n_traj: int = 2, hide=lambda i: i % 2 == 1) -> SimpleNamespace:
    ts, lls, gs = [], [], []
    for g in range(n_traj):
        t, ll = curve(tid=g)
        ts.append(t), lls.append(ll), gs.append(np.full(len(t), g))
    t, ll, groups = np.concatenate(ts), np.concatenate(lls), np.concatenate(gs)
    i = np.concatenate([np.arange(len(x)) for x in ts])
    last = np.r_[groups[1:] != groups[:-1], True]
    known = ~(hide(i) & (i > 0) & ~last)
    return SimpleNamespace(groups=groups, t=t, latlon=ll, known=known)


def test_neighbours_and_guard_mask_stay_in_their_trajectory():
    known = np.array([1, 0, 0, 1, 1, 0, 1, 0], bool)
    groups = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    prev, nxt = neighbours(known, groups)
    assert prev.tolist() == [0, 0, 0, 3, 4, 4, 6, 6]
    assert nxt.tolist() == [0, 3, 3, 3, 4, 6, 6, -1]
    k2 = guard_mask(np.ones(9, bool), np.array([0] * 5 + [1] * 4))
    assert k2.tolist() == [1, 0, 1, 0, 1, 1, 0, 1, 1]  # ends kept, every other one hidden


def test_bridge_meets_both_anchors_and_leaves_known_rows():
    t, ll = curve(n=30)
    proj = LocalProjection(41.15, -8.61)
    xy = np.stack(proj.forward(ll[:, 0], ll[:, 1]), 1)
    # hidden rows AT the anchors' times (w = 0 and 1) and inside the gap
    t = np.r_[t[:10], t[9], t[10:20], t[20], t[20:]]
    xy = np.r_[xy[:10], [[0.0, 0.0]], xy[10:20], [[0.0, 0.0]], xy[20:]]
    known = np.ones(len(t), bool)
    known[10:22] = False  # rows 10 (t of row 9) .. 21 (t of row 22)
    groups = np.zeros(len(t), np.int64)
    for blend in ("bridge", "blend"):
        out = bridge_xy(tiny(3.0), xy, t, known, groups, proj, blend)
        assert np.isfinite(out).all()
        np.testing.assert_allclose(out[10], xy[9], atol=1e-6)
        np.testing.assert_allclose(out[21], xy[22], atol=1e-6)
        np.testing.assert_array_equal(out[known], xy[known])
    # a garbage model's gap is not the straight line: the rollouts are read
    assert np.abs(out[12:20] - linear_xy(xy, t, known, groups)[12:20]).max() > 1.0


def test_one_sided_gaps_use_the_one_side():
    t, ll = curve(n=30)
    proj = LocalProjection(41.15, -8.61)
    xy = np.stack(proj.forward(ll[:, 0], ll[:, 1]), 1)
    known = np.ones(30, bool)
    known[:4] = False  # before the first known point: the backward rollout only
    known[-3:] = False  # after the last: the forward one
    out = bridge_xy(tiny(), xy, t, known, np.zeros(30, np.int64), proj)
    assert np.isfinite(out).all()
    np.testing.assert_array_equal(out[known], xy[known])
    assert not np.allclose(out[:4], xy[4])  # not just the nearest known point repeated


def test_recoverer_fills_hidden_rows_only():
    tk = task()
    out = BridgeRecoverer(tiny(), guard_power=8.0).recover(tk)
    assert out.shape == tk.latlon.shape and np.isfinite(out).all()
    np.testing.assert_array_equal(out[tk.known], tk.latlon[tk.known])


def test_guard_falls_back_to_interpolation_for_a_garbage_model():
    tk = task(hide=lambda i: i % 3 == 1)
    m = tiny(25.0)  # weights blown up: its rollouts are nonsense
    proj = LocalProjection(float(tk.latlon[:, 0].mean()), float(tk.latlon[:, 1].mean()))
    xy = np.stack(proj.forward(tk.latlon[:, 0], tk.latlon[:, 1]), 1)
    interp = akima_xy(xy, tk.t, tk.known, tk.groups)
    hidden = ~tk.known

    def err(rec):
        ll = rec.recover(tk)
        return np.linalg.norm(np.stack(proj.forward(ll[:, 0], ll[:, 1]), 1) - xy, axis=1)[hidden]

    raw, guarded = BridgeRecoverer(m), BridgeRecoverer(m, guard_power=8.0)
    e_raw, e_guard = err(raw), err(guarded)
    e_interp = np.linalg.norm(interp - xy, axis=1)[hidden]
    assert guarded.last_gate.max() < 0.05
    assert e_raw.mean() > 2 * e_interp.mean()
    assert e_guard.mean() < e_interp.mean() + 0.1 * (e_raw.mean() - e_interp.mean())


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="blend"):
        BridgeRecoverer(tiny(), blend="mean")
    with pytest.raises(ValueError, match="history"):
        BridgeRecoverer(tiny(), history="future")
    with pytest.raises(ValueError, match="fallback"):
        BridgeRecoverer(tiny(), fallback="cubic")


@pytest.mark.skipif(not SMALL.is_file(), reason="trajlm-small not built")
def test_api_recover_with_trajlm_small():
    import trajlm

    tk = task()
    df = pl.DataFrame({"trip": tk.groups.astype(str), "ts": tk.t,
                       "latitude": np.where(tk.known, tk.latlon[:, 0], np.nan),
                       "longitude": np.where(tk.known, tk.latlon[:, 1], np.nan)})  # fmt: skip
    m = trajlm.TrajLM.from_pretrained("trajlm-small")
    assert "recover" in m.tasks and "travel_time" not in m.tasks
    out = m.recover(df)
    assert out["recovered"].to_numpy().tolist() == (~tk.known).tolist()
    assert out["latitude"].null_count() == 0
    np.testing.assert_array_equal(out["latitude"].to_numpy()[tk.known], tk.latlon[tk.known, 0])
    err = np.abs(out["latitude"].to_numpy() - tk.latlon[:, 0]).max() * 111_320
    assert err < 50.0  # a smooth 8 m/s turn, 15 s gaps
    with pytest.raises(ValueError, match="infilling heads"):
        m.travel_time([(41.15, -8.61)], [(41.16, -8.6)], 1_710_000_000)
    with pytest.raises(ValueError, match="span"):
        m.recover(df, mode="span")


@pytest.mark.skipif(not SMALL.is_file(), reason="trajlm-small not built")
def test_cli_recover_with_trajlm_small(tmp_path):
    from typer.testing import CliRunner

    from trajlm.cli import app

    tk = task()
    df = pl.DataFrame({"trip": tk.groups.astype(str), "ts": tk.t,
                       "latitude": np.where(tk.known, tk.latlon[:, 0], np.nan),
                       "longitude": np.where(tk.known, tk.latlon[:, 1], np.nan)})  # fmt: skip
    src = tmp_path / "gaps.csv"
    df.write_csv(src)
    r = CliRunner().invoke(app, ["recover", "--model", "trajlm-small", "--input", str(src),
                                 "--out", str(tmp_path / "r.csv")])  # fmt: skip
    assert r.exit_code == 0, r.output
    got = pl.read_csv(tmp_path / "r.csv")
    assert got.columns == ["trip", "ts", "latitude", "longitude", "recovered"]
    assert got["recovered"].sum() == int((~tk.known).sum()) and got["latitude"].null_count() == 0
    od = tmp_path / "od.csv"
    od.write_text("origin_lat,origin_lon,dest_lat,dest_lon,departure\n"
                  "41.15,-8.61,41.16,-8.60,2024-03-04T03:00:00Z\n")  # fmt: skip
    r = CliRunner().invoke(app, ["travel-time", "--model", "trajlm-small", "--input", str(od),
                                 "--out", str(tmp_path / "t.csv")])  # fmt: skip
    assert r.exit_code == 2 and "infilling heads" in r.output
