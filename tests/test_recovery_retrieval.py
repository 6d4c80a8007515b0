"""Route retrieval for recovery (trajlm.data.route_retrieval, trajlm.eval.recovery_candidates;
docs/recovery-retrieval.md): leak guard, warped ends, readings at the hidden times, the
untrained selector equals its base, and the results script end to end."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from trajlm.data.features import LocalProjection
from trajlm.data.protocol_tasks import make_recovery_task
from trajlm.data.route_retrieval import RouteLibrary, read_piece
from trajlm.eval.candidate_selector import CandidateSelector, SelectorConfig, predict_selector
from trajlm.eval.recovery_baselines import CubicSplineInterpolation
from trajlm.eval.recovery_candidates import (
    build_recovery_candidates,
    concat_sets,
    library_from_frame,
    route_rule,
    task_keys,
)

T0 = 1_372_636_800  # 2013-07-01


def l_path(n: int = 21, speed: float = 10.0, step_s: float = 15.0) -> np.ndarray:
    """An L-shaped street: east for half the points, then north; (n, 2) metres."""
    d = np.arange(n) * speed * step_s
    half = d[n // 2]
    return np.stack([np.minimum(d, half), np.maximum(d - half, 0.0)], 1)


def frame(paths: dict[str, np.ndarray], proj: LocalProjection, t0: dict | None = None):
    rows = []
    for key, xy in paths.items():
        lat, lon = proj.inverse(xy[:, 0], xy[:, 1])
        start = (t0 or {}).get(key, T0)
        rows += [{"traj_id": key, "t": start + 15 * i, "lat": a, "lon": o}
                 for i, (a, o) in enumerate(zip(lat, lon, strict=True))]  # fmt: skip
    return pl.DataFrame(rows).with_columns(pl.col("t").cast(pl.Int64))


PROJ = LocalProjection(41.15, -8.61)


def test_read_piece_ends_match_a_and_b_exactly():
    rng = np.random.default_rng(0)
    xy, t = rng.normal(0, 300, (7, 2)), np.cumsum(rng.uniform(5, 30, 7))
    a, b = np.array([12.0, -4.0]), np.array([500.0, 250.0])
    for by in ("time", "arc"):
        out = read_piece(xy, t, a, b, np.array([0.0, 1.0]), by)
        np.testing.assert_allclose(out, [a, b], atol=1e-9)
    # a piece that is already at A and B is not moved
    mid = read_piece(xy, t, xy[0], xy[-1], (t[3] - t[0]) / (t[-1] - t[0]) * np.ones(1))
    np.testing.assert_allclose(mid[0], xy[3], atol=1e-9)
    with pytest.raises(ValueError):
        read_piece(xy, t, a, b, np.array([0.5]), "speed")


def test_leak_guard_leaves_the_own_trajectory_out():
    path = l_path()
    lib = library_from_frame(frame({"own": path, "other": path + [30.0, 0.0]}, PROJ), PROJ)
    keys = task_keys(frame({"own": path, "other": path + [30.0, 0.0]}, PROJ))
    assert keys.tolist() == [0, 1]  # task order is sorted: "other" (key 0), then "own" (1)
    a, b = path[[3]], path[[9]]
    ta, tb = np.array([T0 + 45.0]), np.array([T0 + 135.0])
    seen = lib.query(a, ta, b, tb)
    assert seen.found[0] == 2 and seen.d_a[0, 0] < 1e-6 and seen.source[0, 0] == 1  # itself
    left = lib.query(a, ta, b, tb, exclude=np.array([1]))
    assert left.found[0] == 1 and set(left.source[0][left.start[0] >= 0]) == {0}
    # an implausible elapsed time (the gap is 10x longer than the piece) finds nothing
    assert lib.query(a, ta, b, ta + 900.0).found[0] == 0
    # B before A on the library trip (the other direction) is not a piece
    assert lib.query(b, ta, a, tb).found[0] == 0


def test_train_candidates_never_read_their_own_trip():
    rng = np.random.default_rng(1)
    paths = {f"t{i}": l_path() + rng.normal(0, 5, (21, 2)) for i in range(6)}
    df = frame(paths, PROJ, {f"t{i}": T0 + 600 * i for i in range(6)})
    lib = library_from_frame(df, PROJ)
    task = make_recovery_task(df, "downsample", interval_s=60)
    cs, _, hidden = build_recovery_candidates(task, PROJ, lib, exclude=task_keys(df),
                                              split="train")  # fmt: skip
    own = task_keys(df)[task.groups[hidden]]
    assert (cs.source[:, 7:] >= 0).any()  # pieces were found ...
    assert not (cs.source == own[:, None]).any()  # ... never from the query's own trip


def test_readings_at_the_hidden_times_follow_the_street():
    """A library taxi drove the L; the query drove it later and twice as slowly. Linear
    interpolation cuts the corner; the route median puts every hidden point on the street."""
    fast = l_path(21, speed=10.0)
    slow = l_path(41, speed=5.0)  # the same street, half the speed
    lib = library_from_frame(frame({"lib": fast}, PROJ), PROJ, radius_m=20.0, max_ratio=2.5)
    q = frame({"q": slow}, PROJ, {"q": T0 + 3600})
    task = make_recovery_task(q, "downsample", interval_s=240)  # one point in 16
    cs, target, hidden = build_recovery_candidates(task, PROJ, lib, base="linear")
    med = cs.last + cs.cands[:, 4, 0]
    assert np.linalg.norm(med - target[:, 0], axis=1).max() < 0.5
    lin = cs.last + cs.cands[:, 1, 0]
    assert np.linalg.norm(lin - target[:, 0], axis=1).max() > 100.0  # the chord cuts the corner
    # the rule takes the route where a piece was found, the base where none was
    np.testing.assert_allclose(route_rule(cs, 1), med)
    np.testing.assert_array_equal(route_rule(cs, 2), cs.last)


def test_untrained_selector_returns_the_base_exactly():
    rng = np.random.default_rng(2)
    paths = {f"t{i}": l_path() + rng.normal(0, 8, (21, 2)) for i in range(5)}
    df = frame(paths, PROJ, {f"t{i}": T0 + 600 * i for i in range(5)})
    lib = library_from_frame(df.filter(pl.col("traj_id") != "t4"), PROJ)
    task = make_recovery_task(df.filter(pl.col("traj_id") == "t4"), "random", seed=0)
    cs, _, hidden = build_recovery_candidates(task, PROJ, lib, base="akima")
    cs = concat_sets([cs, cs])
    model = CandidateSelector(SelectorConfig(), cs.query_feats.shape[1], cs.cand_feats.shape[2])
    pred = predict_selector(model, cs)[:, 0]
    xy = task.xy(PROJ)
    akima = CubicSplineInterpolation("akima")._recover(task.t, xy, task.known, task.groups)
    np.testing.assert_array_equal(pred, np.concatenate([akima[hidden]] * 2))
    assert np.isfinite(cs.cand_feats).all() and np.isfinite(cs.query_feats).all()


def test_library_rejects_unsorted_rows_and_bad_settings():
    with pytest.raises(ValueError):
        RouteLibrary().fit(np.zeros((3, 2)), np.arange(3), np.array([1, 0, 0]))
    with pytest.raises(ValueError):
        RouteLibrary(radius_m=0.0)


def test_results_script_end_to_end(tmp_path):
    from trajlm.data.ingest import synth_store

    path = Path(__file__).resolve().parents[1] / "scripts" / "recovery_retrieval_results.py"
    spec = importlib.util.spec_from_file_location("recovery_retrieval_results", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    store = tmp_path / "synth"
    synth_store(store, n_trajectories=40, seed=2)
    out = tmp_path / "rr"
    mod.main(["--data", str(store), "--out", str(out), "--seeds", "0", "--mask-seeds", "0",
              "--intervals", "120", "--max-epochs", "2"])  # fmt: skip
    doc = json.loads((out / "retrieval_val.json").read_text())
    rows = {(r["setting"], r["method"]): r for r in doc["rows"]}
    assert {s for s, _ in rows} == {"random 50 %", "every 120 s"}
    for setting in ("random 50 %", "every 120 s"):
        sel = rows[(setting, f"selector over candidates (base {doc['base'][setting]})")]
        assert len(sel["mae_m_per_seed"]) == 1 and sel["ci_points"]["lo"] <= sel["ci_points"]["hi"]
        base = rows[(setting, doc["base"][setting])]["mae_m"]
        assert rows[(setting, "oracle")]["mae_m"] <= 1.01 * base
    assert "route median" in (out / "retrieval_val.md").read_text()
