"""Session 24 (geo24): another data set as extra retrieval memory (``trajlm.data.pool_resample``,
``scripts/candidate_results.py --extra-pool``, docs/candidates.md "Session 24 (geo24)"): a
sparse track is resampled onto the library's rhythm along its own straight pieces, cut at long
gaps, and the script adds it to the local pool's library behind the option."""

from __future__ import annotations

import json

import numpy as np
import polars as pl
import pytest
from test_results_scripts import load_script

from trajlm.data.features import LocalProjection
from trajlm.data.pool_resample import resample_pool

PROJ = LocalProjection(39.9, 116.4)


def _track(t: np.ndarray, x: np.ndarray, traj: str = "a") -> pl.DataFrame:
    lat, lon = PROJ.inverse(x, np.zeros_like(x))
    return pl.DataFrame(
        {"traj_id": [traj] * len(t), "t": t.astype(np.int64), "lat": lat, "lon": lon}
    )


def test_a_sparse_straight_track_is_resampled_on_its_line():
    # 10 m/s east, a fix every 100 s -> every 10 s: points 100 m apart, in time order
    df = _track(np.arange(0, 1001, 100), 10.0 * np.arange(0, 1001, 100))
    xy, keys = resample_pool(df, PROJ, interval_s=10, max_gap_s=150)
    assert len(xy) == 101 and set(keys.tolist()) == {0}
    np.testing.assert_allclose(np.diff(xy[:, 0]), 100.0, atol=1e-6)
    np.testing.assert_allclose(xy[:, 1], 0.0, atol=1e-6)


def test_long_gaps_cut_short_pieces_drop_and_duplicates_are_read_once():
    t = np.r_[np.arange(0, 201, 20), 1000, 1020, np.arange(2000, 2201, 20)]
    df = _track(t, np.arange(len(t), dtype=float))
    df = pl.concat([df, df.head(3)])  # byte-identical repeats of three fixes
    xy, keys = resample_pool(df, PROJ, interval_s=20, max_gap_s=60, min_points=5)
    # pieces: 0-200 s (11 points), 1000-1020 s (2 points: dropped), 2000-2200 s (11 points)
    assert np.bincount(keys).tolist() == [11, 11]
    with pytest.raises(ValueError, match="interval_s"):
        resample_pool(df, PROJ, interval_s=0, max_gap_s=60)


@pytest.mark.slow
def test_candidate_results_extra_pool_end_to_end(tmp_path, capsys):
    from trajlm.data.ingest import synth_store

    store, extra = tmp_path / "synth", tmp_path / "extra"
    synth_store(store, n_trajectories=60, seed=1)
    synth_store(extra, n_trajectories=20, seed=2)
    out = tmp_path / "cand.json"
    args = ["--data", str(store), "--stage", "val", "--seeds", "0", "--w-place", "0.1",
            "--w-heading", "0", "--n-place", "5", "--top-k", "3", "--max-epochs", "2",
            "--local", "1.0,300,3", "--cache", str(tmp_path / "cache")]  # fmt: skip
    load_script("candidate_results").main([*args, "--extra-pool", str(extra), "--out", str(out)])
    assert "extra pool" in capsys.readouterr().out
    assert json.loads(out.read_text())["tables"]["val"][3]["mae_m"] > 0


@pytest.mark.slow
def test_geolife_memory_knn_script_runs_and_a_zero_speed_key_changes_nothing(tmp_path):
    from trajlm.data.ingest import synth_store

    store, extra = tmp_path / "synth", tmp_path / "extra"
    synth_store(store, n_trajectories=40, seed=1)
    synth_store(extra, n_trajectories=10, seed=2)
    out = tmp_path / "mem.md"
    load_script("geolife_memory_knn").main(
        [
            "--data",
            str(store),
            "--extra",
            str(extra),
            "--max-gap",
            "60",
            "--w-speed",
            "0",
            "--out",
            str(out),
        ]  # fmt: skip
    )
    lines = out.read_text().splitlines()
    assert sum("train + extra" in line for line in lines) == 3  # one row per pool
    speed = next(line for line in lines if "speed-keyed w=0" in line)
    assert speed.endswith("+0.00 [+0.00, +0.00] |")  # w = 0: the plain kNN's neighbours
