"""Route retrieval options for people (session 9, GeoLife; docs/recovery-retrieval.md):
pieces walked in reverse start at A and end at B exactly, the own trip stays excluded with
them, the defaults (Porto's recipe) are unchanged, and the diagnostic script runs."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
from test_recovery_retrieval import PROJ, T0, frame, l_path

from trajlm.data.protocol_tasks import make_recovery_task
from trajlm.data.route_retrieval import RouteLibrary, read_pieces
from trajlm.eval.recovery_candidates import build_recovery_candidates, library_from_frame, task_keys

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"


def _query(lib: RouteLibrary, path: np.ndarray, i: int, j: int, exclude=None):
    a, b = path[[i]], path[[j]]
    ta, tb = np.array([T0 + 15.0 * i]), np.array([T0 + 15.0 * j])
    return a, b, lib.query(a, ta, b, tb, exclude=exclude)


def test_reversed_pieces_start_at_a_and_end_at_b_and_follow_the_street():
    path = l_path()
    back = path[::-1] + [6.0, -4.0]  # the L walked the other way, a few metres off
    df = frame({"back": back}, PROJ)
    fwd = library_from_frame(df, PROJ)
    rev = library_from_frame(df, PROJ, reverse=True)
    a, b, p = _query(fwd, path, 3, 15)
    assert p.found[0] == 0  # forward only: B -> A is no piece (cars, one-way streets)
    a, b, p = _query(rev, path, 3, 15)
    assert p.found[0] == 1 and p.start[0, 0] > p.end[0, 0]  # reversed: start (near A) > end
    assert abs(p.ratio[0, 0] - 1.0) < 1e-9 and p.d_a[0, 0] < 10 and p.d_b[0, 0] < 10
    frac = np.array([0.0, 0.25, 0.5, 0.75, 1.0])
    gap = np.zeros(len(frac), np.int64)
    for by in ("time", "arc"):
        out = read_pieces(rev, p, a, b, gap, frac, by)[:, 0]
        np.testing.assert_allclose(out[[0, -1]], [a[0], b[0]], atol=1e-9)  # ends exact
        truth = path[[3, 6, 9, 12, 15]]  # the hidden times on the query's own street
        assert np.linalg.norm(out - truth, axis=1).max() < 8.0  # the corner is kept
    chord = a[0] + 0.5 * (b[0] - a[0])
    assert np.linalg.norm(chord - path[9]) > 100  # what a straight line would say


def test_reverse_keeps_the_own_trip_out():
    path = l_path()
    loop = np.concatenate([path, path[::-1][1:]])  # out and back: both directions, one trip
    paths = {"own": loop, "other": path[::-1] + [20.0, 0.0]}
    df = frame(paths, PROJ)
    lib = library_from_frame(df, PROJ, reverse=True)
    keys = task_keys(df)
    assert keys.tolist() == [0, 1]  # "other" key 0, "own" key 1
    _, _, seen = _query(lib, loop, 3, 9)
    assert set(seen.source[0][seen.start[0] >= 0]) == {0, 1}
    _, _, left = _query(lib, loop, 3, 9, exclude=np.array([1]))
    assert set(left.source[0][left.start[0] >= 0]) == {0}  # only the other trip, reversed
    task = make_recovery_task(df, "downsample", interval_s=60)
    cs, _, hidden = build_recovery_candidates(task, PROJ, lib, exclude=keys, split="train")
    own = keys[task.groups[hidden]]
    assert (cs.source[:, 7:] >= 0).any() and not (cs.source == own[:, None]).any()


def test_defaults_are_porto_forward_only_and_unchanged():
    lib = RouteLibrary()
    assert (lib.radius_m, lib.max_ratio, lib.slack_s, lib.speed_m_s, lib.max_pieces,
            lib.reverse) == (100.0, 2.0, 30.0, 2.0, 16, False)  # fmt: skip
    # with reverse off, trips driven the other way change nothing, bit for bit
    rng = np.random.default_rng(3)
    fwd = {f"f{i}": l_path() + rng.normal(0, 10, (21, 2)) for i in range(5)}
    bwd = {f"r{i}": l_path()[::-1] + rng.normal(0, 10, (21, 2)) for i in range(5)}
    q = frame({"q": l_path() + rng.normal(0, 5, (21, 2))}, PROJ, {"q": T0 + 3600})
    task = make_recovery_task(q, "random", seed=0)
    only = library_from_frame(frame(fwd, PROJ), PROJ)
    both = library_from_frame(frame({**fwd, **bwd}, PROJ), PROJ)
    cs1, _, _ = build_recovery_candidates(task, PROJ, only)
    cs2, _, _ = build_recovery_candidates(task, PROJ, both)
    np.testing.assert_array_equal(cs1.cands, cs2.cands)
    np.testing.assert_array_equal(cs1.query_feats, cs2.query_feats)
    # ... and with reverse on they are found (more pieces per gap)
    rev = library_from_frame(frame({**fwd, **bwd}, PROJ), PROJ, reverse=True)
    cs3, _, _ = build_recovery_candidates(task, PROJ, rev)
    assert (cs3.query_feats[:, 5] > cs1.query_feats[:, 5]).any()


def test_diagnose_script_and_library_flags(tmp_path):
    from trajlm.data.ingest import synth_store

    spec = importlib.util.spec_from_file_location(
        "rr_diag", SCRIPTS / "recovery_retrieval_diagnose.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    store = tmp_path / "synth"
    synth_store(store, n_trajectories=40, seed=2)
    out = tmp_path / "d"
    res = mod.main(["--data", str(store), "--out", str(out), "--mask-seeds", "0",
                    "--intervals", "120", "--reverse", "--radius", "150"])  # fmt: skip
    doc = json.loads((out / "diagnose_val.json").read_text())
    assert doc["library"]["reverse"] is True and doc["library"]["radius_m"] == 150.0
    for d in res.values():
        assert (
            0 <= d["coverage_points"] <= 1 and d["oracle_all_candidates"] <= d["akima_mae"] + 1e-9
        )
        assert d["floor_covered_perfect"] <= d["akima_mae"] + 1e-9
        assert d["floor_best_of_two"] <= d["akima_mae"] + 1e-9
        assert abs(sum(r["points"] for r in d["by_seconds"]) - 1) < 1e-9
        assert abs(sum(r["akima_mass"] for r in d["by_metres"]) - 1) < 1e-9


def test_predictor_and_config_carry_reverse(tmp_path):
    import pytest

    from trajlm.cli_recovery import recovery_params
    from trajlm.errors import ConfigError
    from trajlm.eval.route_recovery_predictor import LIB_KEYS, RouteRecoveryPredictor

    assert RouteRecoveryPredictor().reverse is False
    # saved with the params (config.json) and handed to the library on fit and load
    assert "reverse" in LIB_KEYS and RouteRecoveryPredictor(reverse=True).get_params()["reverse"]
    root = Path(__file__).resolve().parents[1] / "configs"
    p = recovery_params(root / "geolife_recovery.toml")
    assert (p["reverse"], p["radius_m"], p["max_ratio"], p["slack_s"]) == (True, 150.0, 3.0, 60.0)
    assert recovery_params(root / "porto_recovery.toml")["reverse"] is False
    bad = tmp_path / "bad.toml"
    bad.write_text('[recovery]\nreverse = "yes"\n')
    with pytest.raises(ConfigError, match="reverse: give true or false"):
        recovery_params(bad)
