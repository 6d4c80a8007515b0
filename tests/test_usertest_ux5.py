"""Session 11 (ux5; docs/reliability.md): what the new user hit in the model paths. Coverage
warnings only about what the model reads (8); every CLI warning one `warning:` line, once (14);
seconds_ahead rolls on to the asked time and its NaN warning names trajectory, cause and reach
(9); travel_time warns on places outside coverage and origin == destination (7); `trajlm
recover` / `trajlm travel-time` on a file (13); `similar` column options per input and
--exclude-self (15); pandas errors name index labels, `predict --split all`, eval's caution
under 10 trajectories (16b/d/f)."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest
import torch
from helpers import STATS
from reliability_helpers import invoke

import trajlm
from trajlm.data.store import write_store
from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.model.coverage import CoverageWarning, coverage_warnings

MONDAY = 1_709_510_400  # 2024-03-04 00:00 UTC
COV = {
    "bbox": {"min_lat": 41.10, "min_lon": -8.70, "max_lat": 41.20, "max_lon": -8.55},
    "xy_box_m": [-7000.0, -6000.0, 7000.0, 6000.0],
    "hour_hist": [100] * 8 + [0] * 16,  # trained 00-07 UTC
    "weekday_hist": [100] * 7,
    "clock_shift_prob": 0.0,
    "traj_speed_mps": {"p1": 0.1, "p5": 0.2, "p50": 8.0, "p95": 60.0, "p99": 80.0},
    "dt_s": {"p1": 1.0, "p5": 2.0, "p50": 15.0, "p95": 60.0, "p99": 120.0},
    "speed_mps": {"p1": 0.1, "p5": 0.5, "p50": 8.0, "p95": 40.0, "p99": 60.0},
}


def config(**kw) -> ModelConfig:
    cfg = dict(d_model=16, n_layers=1, n_heads=2, max_len=32, stats=dict(STATS), coverage=COV)
    return ModelConfig(**{**cfg, **kw})


def tiny(path: Path, **kw) -> Path:
    torch.manual_seed(0)
    TrajectoryModel(config(**kw)).save_pretrained(path)
    return path


def track(tid: str = "a", n: int = 20, hour: int = 3, lat0: float = 41.15, dt: float = 15.0):
    d = 8.0 * dt * np.arange(n)  # 8 m/s north-east
    return pl.DataFrame({
        "traj_id": tid, "t": MONDAY + hour * 3600 + (dt * np.arange(n)).astype(np.int64),
        "lat": lat0 + d / 111_320 / math.sqrt(2),
        "lon": -8.61 + d / (111_320 * math.cos(math.radians(41.15))) / math.sqrt(2),
    })  # fmt: skip


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("ux5")
    return {"full": tiny(root / "full", context="full"),
            "infill": tiny(root / "infill", context="full", infill_heads=True)}  # fmt: skip


def lines(result, prefix: str = "warning:") -> list[str]:
    return [ln for ln in result.output.splitlines() if ln.startswith(prefix)]


# ---------------------------------------------------------------- 8: what the model reads
def test_clock_warnings_only_for_a_model_that_reads_the_clock():
    evening = track(hour=21)
    hour = [w for w in coverage_warnings(config(context="full"), evening) if "hour of day" in w]
    assert len(hour) == 1 and "21 UTC never seen" in hour[0]
    assert not [w for w in coverage_warnings(config(context="motion"), evening) if "hour" in w]
    m = TrajectoryModel(config(context="full")).eval()
    m.embed.context = "motion"  # switched after loading: the clock is hidden now
    assert not [w for w in coverage_warnings(m, evening) if "hour" in w]


def test_position_warning_only_for_a_model_that_reads_positions():
    far = track(lat0=60.15)  # Helsinki
    store = [w for w in coverage_warnings(config(), far) if w.startswith("positions")]
    frame = [w for w in coverage_warnings(config(position_frame="trajectory"), far)
             if w.startswith("positions")]  # fmt: skip
    assert len(store) == 1 and "not read by this model" not in store[0]
    assert frame == []  # ux7: a model that reads no position is not told about it (noise)
    swapped = track().select("traj_id", "t", lat="lon", lon="lat")  # (lon, lat) as (lat, lon)
    assert any("swapped" in w for w in coverage_warnings(config(), swapped))
    wide = {**COV, "bbox": {"min_lat": 13.7, "min_lon": -8.7, "max_lat": 45.1, "max_lon": 100.5}}
    assert not any("swapped" in w for w in coverage_warnings(config(coverage=wide), far))


# --------------------------------------------------------------- 14: one warning formatter
def test_cli_warnings_are_one_line_each_never_raw(tmp_path, runs):
    src = tmp_path / "far.csv"
    pl.concat([track("a", hour=12, lat0=60.15), track("b", hour=12, lat0=60.2)]).write_csv(src)
    r = invoke("predict", "--model", runs["full"], "--input", src, "--seconds-ahead", "30,60",
               "--out", tmp_path / "p.csv")  # fmt: skip
    assert r.exit_code == 0, r.output
    said = lines(r)
    assert any("hour of day 12 UTC never seen" in w for w in said)
    assert any("positions up to" in w for w in said)
    assert len(said) == len(set(said)), said  # no line twice
    assert "UserWarning" not in r.output and ".py:" not in r.output


def test_boundary_routes_any_python_warning_once(tmp_path, runs, monkeypatch):
    import trajlm.cli_tasks as cli_tasks

    write = cli_tasks.write_table

    def noisy(df, out):
        for _ in range(3):
            warnings.warn("something odd", UserWarning, stacklevel=2)
        write(df, out)

    monkeypatch.setattr(cli_tasks, "write_table", noisy)
    od = tmp_path / "od.csv"
    od.write_text("o_lat,o_lon,d_lat,d_lon,depart\n41.15,-8.61,41.16,-8.60,1709510400\n")
    r = invoke("travel-time", "--model", runs["infill"], "--input", od, "--out", tmp_path / "t.csv")
    assert r.exit_code == 0, r.output
    assert lines(r).count("warning: something odd") == 1
    assert "UserWarning" not in r.output and ".py:" not in r.output


# ------------------------------------------------------------- 9: seconds_ahead and its NaN
def test_seconds_ahead_rolls_on_until_the_asked_time(runs):
    import trajlm.api_rollout as ro

    m = trajlm.TrajLM.from_pretrained(runs["full"], threads=1)
    df = track()
    pred = ro.rollout_until(m.model, df, {"a": math.inf}, 5)
    assert pred["step"].to_list() == list(range(1, ro.MAX_STEPS // 5 * 5 + 1))
    assert np.isfinite(pred["lat"].to_numpy()).all()


def test_seconds_ahead_nan_warning_names_trajectory_cause_and_reach(runs, monkeypatch):
    import trajlm.api_rollout as ro

    monkeypatch.setattr(ro, "MAX_STEPS", 4)
    m = trajlm.TrajLM.from_pretrained(runs["full"], threads=1)
    with pytest.warns(UserWarning) as said:
        out = m.predict(track("trip-7"), seconds_ahead=[1e6])
    assert out["lat"].is_nan().all()
    text = " ".join(str(w.message) for w in said)
    assert "'trip-7'" in text and "beyond the rollout" in text and "steps reached" in text
    assert "--steps" in text or "steps=" in text
    with pytest.warns(UserWarning) as said:
        m.predict(track("trip-8"), at_times=[MONDAY])  # before the last point
    assert "before a trajectory's last point" in str(said[0].message)
    assert "'trip-8'" in str(said[0].message)


# ---------------------------------------------------------------------- 7: travel_time
def test_travel_time_warns_outside_coverage_and_for_zero_distance(runs):
    m = trajlm.TrajLM.from_pretrained(runs["infill"], threads=1)
    with pytest.warns(CoverageWarning, match="origins and destinations") as said:
        m.travel_time([(-8.61, 41.15)], [(-8.59, 41.158)], depart=MONDAY)  # swapped
    assert any("swapped" in str(w.message) for w in said)
    with pytest.warns(UserWarning, match="origin == destination"):
        m.travel_time([(41.15, -8.61)], [(41.15, -8.61)], depart=MONDAY)


# -------------------------------------------------------------- 13: recover / travel-time
def test_cli_recover_and_travel_time_on_a_users_file(tmp_path, runs):
    gaps = track().rename({"traj_id": "trip", "t": "ts", "lat": "latitude", "lon": "longitude"})
    gaps = gaps.with_columns(
        pl.when(pl.int_range(pl.len()).is_between(5, 8)).then(None).otherwise(pl.col("latitude"))
        .alias("latitude")
    )  # fmt: skip
    src = tmp_path / "gaps.csv"
    gaps.write_csv(src)
    r = invoke("recover", "--model", runs["infill"], "--input", src, "--out", tmp_path / "r.csv")
    assert r.exit_code == 0, r.output
    out = pl.read_csv(tmp_path / "r.csv")
    assert out.columns == ["trip", "ts", "latitude", "longitude", "recovered"]
    assert out["recovered"].sum() == 4 and out["latitude"].null_count() == 0
    # a causal model recovers through the bridge of its rollouts (session 12); span needs heads
    r = invoke("recover", "--model", runs["full"], "--input", src, "--out", tmp_path / "x.csv")
    assert r.exit_code == 0, r.output
    assert pl.read_csv(tmp_path / "x.csv")["latitude"].null_count() == 0
    r = invoke("recover", "--model", runs["full"], "--input", src, "--out", tmp_path / "y.csv",
               "--mode", "span")  # fmt: skip
    assert r.exit_code == 2 and "infilling heads" in r.output and "Traceback" not in r.output
    od = tmp_path / "od.csv"
    od.write_text("origin_lat,origin_lon,dest_lat,dest_lon,departure\n"
                  "41.15,-8.61,41.16,-8.60,2024-03-04T03:00:00Z\n")  # fmt: skip
    r = invoke("travel-time", "--model", runs["infill"], "--input", od, "--out", tmp_path / "t.csv")
    assert r.exit_code == 0, r.output
    assert pl.read_csv(tmp_path / "t.csv")["travel_time_s"].is_not_null().all()
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    r = invoke(
        "travel-time", "--model", runs["infill"], "--input", bad, "--out", tmp_path / "u.csv"
    )
    assert r.exit_code == 2 and "no column for o_lat" in r.output


# ------------------------------------------------------------------------- 15: similar
def test_similar_column_options_per_input_and_exclude_self(tmp_path, runs):
    q = tmp_path / "q.csv"
    pl.concat([track("a"), track("b", lat0=41.16)]).rename({"traj_id": "Courier ID"}).write_csv(q)
    base = pl.concat([track("c"), track("d", lat0=41.16), track("e", lat0=41.17)])
    db, van = tmp_path / "db.csv", tmp_path / "van.csv"
    base.rename({"traj_id": "vehicle_id"}).write_csv(db)  # detected without an option
    base.rename({"traj_id": "van"}).write_csv(van)
    r = invoke("similar", "--model", runs["full"], "--query", q, "--database", db, "--traj-col",
               "Courier ID", "--out", tmp_path / "s.csv", "--k", "2")  # fmt: skip
    assert r.exit_code == 0, r.output  # --traj-col applies to the query only
    r = invoke("similar", "--model", runs["full"], "--query", q, "--database", van, "--traj-col",
               "Courier ID", "--db-traj-col", "van", "--out", tmp_path / "s2.csv", "--k", "2")  # fmt: skip
    assert r.exit_code == 0, r.output
    r = invoke("similar", "--model", runs["full"], "--query", q, "--database", db, "--traj-col",
               "Courierx", "--out", tmp_path / "s4.csv", "--k", "2")  # fmt: skip
    assert r.exit_code == 2 and "'Courierx' is not a column" in r.output  # never silent
    r = invoke("similar", "--model", runs["full"], "--query", db, "--database", db,
               "--exclude-self", "--k", "2", "--out", tmp_path / "s3.csv")  # fmt: skip
    assert r.exit_code == 0, r.output
    s = pl.read_csv(tmp_path / "s3.csv")
    assert len(s) == 6 and (s["query"] != s["match"]).all()


# --------------------------------------------------------------------------- 16b, d, f
def test_pandas_errors_name_index_labels(runs):
    m = trajlm.TrajLM.from_pretrained(runs["full"], threads=1)
    df = track(n=40).to_pandas()
    df.loc[25, "t"] = df.loc[24, "t"]  # a duplicate time at index label 25
    with pytest.raises(ValueError, match="index label 25"):
        m.predict(df.iloc[5:])  # position 20 of the filtered frame


@pytest.fixture(scope="module")
def small_store(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("st") / "store"
    write_store(pl.concat([track(f"t{i}", hour=i % 8) for i in range(12)]), out)
    return out


def test_predict_split_all_and_eval_caution(tmp_path, runs, small_store):
    r = invoke("predict", "--model", runs["full"], "--input", small_store, "--split", "all",
               "--out", tmp_path / "p.csv", "--steps", "2")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert pl.read_csv(tmp_path / "p.csv")["traj_id"].n_unique() == 12
    r = invoke("eval", "--task", "predict", "--data", small_store, "--seeds", "1")
    assert r.exit_code == 0, r.output
    assert any("no reliable CI" in w for w in lines(r))


def test_pandas_filtered_recover_output_has_no_helper_column(runs):
    m = trajlm.TrajLM.from_pretrained(runs["infill"], threads=1)
    df = track(n=30).to_pandas().iloc[3:]
    df.loc[10, "lat"] = np.nan
    out = m.recover(df)
    assert isinstance(out, pd.DataFrame) and list(out.columns) == [*df.columns, "recovered"]
