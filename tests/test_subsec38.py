"""Session 38 (subsec38): sub-second stores. Before (d90d52f5) a store kept whole seconds:
`coerce` / the readers kept the earliest fix of each second (`sub_second_fix`), so ETH / UCY at
0.4 s, 10 Hz drones and 25 Hz tracking were stored and scored at 1-s steps, and a model's
rollout never stepped under a second (generate's 1-s floor). `data ingest --sub-second` keeps
every fix with `t` as Float64 exact seconds (docs/contracts.md "Session 38 (subsec38)")."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import torch
from helpers import invoke_cli

from trajlm.data.loader import gather_windows
from trajlm.data.store import read_store
from trajlm.data.store_read import inspect_store
from trajlm.data.subsec_store import min_step_s, time_resolution_s

ORIGIN = "2026-12-07T12:00Z"


def _eth(path: Path, n: int = 40, steps: int = 30) -> Path:
    """An ETH / UCY file (frame ped x y, a row every 10 frames = 0.4 s): walkers on lines."""
    rows = []
    for p in range(1, n + 1):
        speed, heading = 1.0 + 0.01 * p, 0.15 * p
        x0, y0, f0 = 2.0 + 0.3 * p, 3.0 + 0.2 * p, 10 * (2 * p)
        for k in range(steps):
            x = x0 + math.cos(heading) * speed * 0.4 * k
            y = y0 + math.sin(heading) * speed * 0.4 * k
            rows.append((f0 + 10 * k, p, round(x, 2), round(y, 2)))
    path.write_text("".join(f"{f:.1f}\t{p:.1f}\t{x:.2f}\t{y:.2f}\n" for f, p, x, y in sorted(rows)))
    return path


def _ingest(src: Path, out: Path, *extra: str) -> str:
    r = invoke_cli(["data", "ingest", src, "--out", out, "--time-origin", ORIGIN, *extra])
    assert r.exit_code == 0, r.output[-1500:]
    return r.output


def _manifest(store: Path) -> dict:
    return json.loads((store / "manifest.json").read_text())


@pytest.fixture(scope="module")
def plaza(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 0.4-s pedestrian store, ingested with --sub-second."""
    tmp = tmp_path_factory.mktemp("subsec38")
    store = tmp / "eth"
    out = _ingest(_eth(tmp / "biwi_plaza.txt"), store, "--sub-second")
    assert "a median step of 0.4 s" in out  # said at ingest
    return store


def test_sub_second_ingest_keeps_every_fix_at_its_exact_time(plaza: Path) -> None:
    m = _manifest(plaza)
    assert m["drop_report"]["rows_in"] == m["drop_report"]["rows_kept"] == 40 * 30  # was 1 a s
    assert "sub_second_fix" not in m["drop_report"]["dropped"]
    assert m["columns"]["t"] == "Float64"
    assert time_resolution_s(m) == pytest.approx(0.4)
    df = read_store(plaza)
    dt = df.select(pl.col("t").diff().over("traj_id"))["t"].drop_nulls().to_numpy()
    np.testing.assert_allclose(dt, 0.4, atol=1e-6)  # exact to float64 at today's epochs


def test_without_the_option_a_store_keeps_whole_seconds_and_names_it(tmp_path: Path) -> None:
    store = tmp_path / "whole"
    out = _ingest(_eth(tmp_path / "biwi_plaza.txt"), store)
    m = _manifest(store)
    assert m["columns"]["t"] == "Int64"
    assert time_resolution_s(m) is None and "time_resolution_s" not in m["reading"]
    assert m["drop_report"]["dropped"]["sub_second_fix"] > 0
    assert "--sub-second" in out  # the thinned read names the option that keeps every fix


def test_lat_lon_input_at_10_hz_keeps_its_milliseconds(tmp_path: Path) -> None:
    src = tmp_path / "drone.csv"
    lines = ["drone_id,time,lat,lon"]
    for d in range(3):
        for k in range(50):
            ms = 100 * k + 50 * d
            lines.append(f"d{d},2026-03-01T10:00:{ms // 1000:02d}.{ms % 1000:03d}Z,"
                         f"{48.1 + d * 0.001 + k * 1e-6:.7f},{11.5 + k * 2e-6:.7f}")  # fmt: skip
    src.write_text("\n".join(lines) + "\n")
    store = tmp_path / "drone"
    r = invoke_cli(["data", "ingest", src, "--out", store, "--sub-second"])
    assert r.exit_code == 0, r.output[-1500:]
    df = read_store(store).sort("traj_id", "t")
    assert len(df) == 150
    assert time_resolution_s(_manifest(store)) == pytest.approx(0.1)
    first = df.filter(pl.col("source_traj_id") == "d1")["t"][:2].to_list()
    assert first[0] % 1 == pytest.approx(0.05, abs=1e-6)  # 10:00:00.050
    assert first[1] - first[0] == pytest.approx(0.1, abs=1e-6)


def test_inspect_states_the_interval(plaza: Path) -> None:
    info = inspect_store(plaza)
    assert info["sampling_interval_s"]["p50"] == 0.4  # rounded to the ms, not 0.40000009
    assert "0.4 s" in info["time_resolution"] and "2.5 Hz" in info["time_resolution"]


def test_windows_read_exact_times_and_whole_seconds_as_before() -> None:
    t_int = np.array([100, 101, 103, 110, 111], dtype=np.int64)
    xy = np.arange(10, dtype=np.float64).reshape(5, 2)
    w = gather_windows(xy, t_int, np.array([0, 3]), np.array([3, 2]), 3)
    assert w["t0"].tolist() == [100, 110] and w["t0"].dtype == np.int64
    assert w["t"].tolist() == [[0, 1, 3], [0, 1, 0]]  # as t - t[start], bit for bit
    t_f = np.array([100.8, 101.2, 101.6], dtype=np.float64)
    w = gather_windows(xy[:3], t_f, np.array([0]), np.array([3]), 3)
    assert w["t0"].tolist() == [100]  # the calendar features' whole second
    np.testing.assert_allclose(w["t"][0], [0.0, 0.4, 0.8], atol=1e-5)  # from the first fix


def test_a_rollout_steps_under_a_second_only_for_a_sub_second_model() -> None:
    assert min_step_s({"dt_mean": 15.0}) == 1.0  # whole-second data: the 1-s floor as ever
    assert min_step_s({"dt_mean": 1.0}) == 1.0
    assert min_step_s({"dt_mean": 0.0}) == 1.0  # no steps fitted
    assert min_step_s({"dt_mean": 0.4}) == pytest.approx(0.1)
    assert float(min_step_s({"dt_mean": torch.tensor(15.0)})) == 1.0
    assert float(min_step_s({"dt_mean": torch.tensor(0.4)})) == pytest.approx(0.1)


def test_eval_scores_8_in_12_out_steps_of_0_4_s(plaza: Path, tmp_path: Path) -> None:
    out = tmp_path / "eval.json"
    r = invoke_cli(["eval", "--task", "predict", "--data", plaza, "--obs-len", "8",
                    "--pred-len", "12", "--windows", "all", "--out", out])  # fmt: skip
    assert r.exit_code == 0, r.output[-1500:]
    assert "the first 8 points in" in r.output and "k=12" in r.output
    rows = {row["method"]: row for row in json.loads(out.read_text())["results"]}
    cv = rows["constant velocity"]
    assert cv["n_points"] % 12 == 0 and cv["n_points"] > 0
    # walkers on straight lines at 0.4-s steps: constant velocity is near exact (2-cm rounding
    # of the file), where at 1-s steps of whole seconds the 0.4-s phase would not be
    assert cv["metrics"]["mae_m"] < 0.1 and "kNN continuation" in rows


def test_a_run_of_a_sub_second_store_predicts_at_its_cadence(plaza: Path, tmp_path: Path) -> None:
    run = tmp_path / "run"
    r = invoke_cli(["train", "--data", plaza, "--out", run, "--max-steps", "2", "--seed", "0",
                    "--no-val-check"])  # fmt: skip
    assert r.exit_code == 0, r.output[-1500:]
    out = tmp_path / "p.csv"
    r = invoke_cli(["predict", "--model", run, "--input", plaza, "--steps", "4", "--out", out])
    assert r.exit_code == 0, r.output[-1500:]
    assert "time resolution is 1 s" not in r.output  # no fix thinned away
    p = pl.read_csv(out).sort("traj_id", "step")
    dt = p.select(pl.col("t").diff().over("traj_id"))["t"].drop_nulls().to_numpy()
    assert len(dt) and np.all((dt > 0.1) & (dt < 0.9))  # was a second apart (the 1-s floor)
    # the API given a frame of 0.4-s fixes: coerce thins it to one a second, and a sub-second
    # run reads every fix back (said in one line, not "dropped ... 1 s")
    from trajlm.api import TrajLM
    from trajlm.data.local_plane import as_plane_columns

    frame = as_plane_columns(read_store(plaza, split="test").drop("split", "source_traj_id"))
    with pytest.warns(UserWarning, match="reads every fix at its exact time"):
        a = TrajLM.from_pretrained(run).predict(frame, steps=4, crs="local", fallback=False)
    dt = a.sort("traj_id", "step").select(pl.col("t").diff().over("traj_id"))["t"].drop_nulls()
    assert len(dt) and bool(((dt > 0.1) & (dt < 0.9)).all())


def test_whole_valued_float_times_make_a_whole_second_store(tmp_path: Path) -> None:
    """A Python caller's float times with no fractions (pandas often reads times as float) give
    the Int64 store of before subsec38, not a sub-second one; fractions keep Float64 (lead: a
    whole-valued float store had broken the val check's report-time windows, irreg27 / 28)."""
    from trajlm.data.store import write_store

    t = 1_700_000_000.0 + np.arange(20) * 10.0
    base = {"traj_id": ["a"] * 20, "lat": 41.15 + np.arange(20) * 1e-4, "lon": [-8.61] * 20}
    write_store(pl.DataFrame(base | {"t": t}), tmp_path / "whole", fractions=(1.0, 0.0, 0.0))
    assert read_store(tmp_path / "whole", split="train")["t"].dtype == pl.Int64
    write_store(pl.DataFrame(base | {"t": t + 0.4}), tmp_path / "exact", fractions=(1.0, 0.0, 0.0))
    got = read_store(tmp_path / "exact", split="train")["t"]
    assert got.dtype == pl.Float64 and got[0] == pytest.approx(1_700_000_000.4)
