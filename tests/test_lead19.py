"""The lead's fixes in session 19 (each test fails on the code before its fix)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

SMALL = Path("trajlm/checkpoints/trajlm-small/model.safetensors")
needs_small = pytest.mark.skipif(not SMALL.is_file(), reason="trajlm-small not built")


def _taxis_with_a_glitch(path: Path) -> Path:
    """Three straight 15-s taxi tracks, positions only; trip 1's last fix jumps 1 km north."""
    t0 = pd.Timestamp("2013-07-01 03:00")
    rows = []
    for trip in range(3):
        for i in range(12):
            rows.append({"trip": trip, "lat": 41.15 + 0.01 * trip + 0.0008 * i,
                         "lon": -8.61 + 0.0006 * i,
                         "timestamp": str(t0 + pd.Timedelta(seconds=15 * i))})  # fmt: skip
    rows[23]["lat"] += 0.009
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


@needs_small
def test_cli_steps_skip_a_glitched_last_fix_on_positions_only(tmp_path):
    """`trajlm predict --steps` on a position-only table starts trip 1 from the fix before its
    glitched last one, as the API does (movers19's rule; the CLI read only the reports' rule,
    so it extrapolated the 1-km jump)."""
    from trajlm.cli import app

    src, out = _taxis_with_a_glitch(tmp_path / "taxis.csv"), tmp_path / "pred.csv"
    args = ["predict", "--model", "trajlm-small", "--input", str(src), "--steps", "1",
            "--out", str(out), "--threads", "1"]  # fmt: skip
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0, r.output
    assert "glitch" in r.output
    pred = pd.read_csv(out).set_index("trip")
    # the track's next point is 41.1696 (from the fix before the glitch, 41.1688, one step on);
    # from the glitch (41.1778) it would be ~1 km north
    assert abs(pred.loc[1, "lat"] - 41.1696) < 0.002


@needs_small
def test_single_point_warnings_say_the_callers_ids():
    """Warnings name an integer id as the caller wrote it (9), not trajlm's text id ('9')
    (docs/status.md session 18 "Open" 7); text ids stay quoted."""
    import warnings

    import trajlm

    m = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
    t0 = pd.Timestamp("2013-07-01 03:00", tz="UTC")
    rows = [{"trip": 7, "lat": 41.15 + 0.001 * i, "lon": -8.61,
             "time": t0 + pd.Timedelta(seconds=15 * i)} for i in range(5)]  # fmt: skip
    df = pd.DataFrame([*rows, {"trip": 9, "lat": 41.15, "lon": -8.6, "time": t0}])
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        m.predict(df, steps=1)
        m.embed(df)
        m.predict(df.assign(trip=df.trip.map(lambda x: f"car{x}")), steps=1)
    said = [str(x.message) for x in w if "single point" in str(x.message)]
    assert len(said) == 3
    assert "(e.g. 9)" in said[0] and "(e.g. 9)" in said[1]
    assert "(e.g. 'car9')" in said[2]


def test_patched_models_name_a_short_history_by_the_callers_id():
    """_check_patch says an integer id as written (7 has 3), not trajlm's text ('7' has 3)."""
    import polars as pl
    from test_usertest_ux9 import _patched, _track

    from trajlm.errors import TrajlmInputError

    frame = pl.concat([_track(3, "7"), _track(6, "8")]).with_columns(
        pl.col("traj_id").cast(pl.Int64)
    )
    with pytest.raises(TrajlmInputError, match=r"; 7 has 3 \("):
        _patched().predict(frame, steps=2)


def test_a_named_column_layout_is_recorded_for_ask(tmp_path):
    """`ingest --columns liverpool_bus` records the layout in the manifest (ask19: "bus trips"
    on such a store were refused, the same CSV ingested without --columns was answered)."""
    from trajlm.data.ingest import ingest
    from trajlm.data.store import load_manifest

    rows = ['"id","vehicle_id","trip_id","timestamp","latitude","longitude","bearing","origin",'
            '"destination","route_name","direction","operator"']  # fmt: skip
    for trip in range(6):
        for i in range(12):
            rows.append(f'{trip * 100 + i},"47{trip}","{trip}","2026-01-26 15:{10 + i:02d}:02",'
                        f"{53.44 + 0.001 * i + 0.01 * trip},{-2.92 + 0.001 * i},53,A,B,\"14\","
                        "outbound,AMSY")  # fmt: skip
    src = tmp_path / "route.csv"
    src.write_text("\n".join(rows) + "\n")
    ingest([src], "csv", tmp_path / "store", column_preset="liverpool_bus")
    assert load_manifest(tmp_path / "store")["reading"]["columns"] == "liverpool_bus"


@pytest.mark.parametrize("form", ["pandas", "polars"])
def test_ask_reads_hours_on_a_zoned_frames_own_clock(form):
    """Trips starting 17:26 / 18:26 / 19:26 in Sao Paulo: two started after 18:00 there (gisuser19:
    ask counted UTC hours, 3); "UTC" in the question still reads UTC, and a UTC frame is UTC."""
    import polars as pl

    import trajlm

    rows = []
    for k, hh in enumerate(["17:26", "18:26", "19:26"]):
        t0 = pd.Timestamp(f"2025-05-06 {hh}", tz="America/Sao_Paulo")
        rows += [{"trip": k, "time": t0 + pd.Timedelta(seconds=30 * i),
                  "lat": -23.55 + 0.001 * i + 0.01 * k, "lon": -46.63 + 0.001 * i}
                 for i in range(10)]  # fmt: skip
    df = pd.DataFrame(rows)
    frame = pl.from_pandas(df) if form == "polars" else df
    assert str(trajlm.ask("How many trips started after 18:00?", frame)) == "2"
    assert str(trajlm.ask("How many trips started after 18:00 UTC?", frame)) == "3"
    utc = df.assign(time=df.time.dt.tz_convert("UTC"))
    assert str(trajlm.ask("How many trips started after 18:00?", utc)) == "3"


def test_train_config_names_the_trip_contrast_objective(tmp_path):
    """premise19's contrastive pretraining from a TrainConfig (`trajlm train --config`):
    `trip_contrast_weight > 0` trains next-point + trip InfoNCE and logs the term; bad values
    and a mix beside it are one line."""
    import json

    from test_rollout_loss import TINY, _train_cfg

    from trajlm.data.ingest import synth_store
    from trajlm.data.store import load_stats
    from trajlm.model import ModelConfig
    from trajlm.train.build import default_objective
    from trajlm.train.objectives import NextPointTripContrast
    from trajlm.train.trainer import TrainConfig, Trainer

    cfg = _train_cfg(trip_contrast_weight=0.5)
    assert isinstance(default_objective(cfg, None), NextPointTripContrast)
    synth_store(tmp_path / "s", n_trajectories=30, seed=1, overwrite=False)
    mc = ModelConfig(**TINY)
    mc.stats = load_stats(tmp_path / "s").to_dict()
    Trainer(tmp_path / "s", tmp_path / "run", model_config=mc, train_config=cfg).fit()
    logs = [json.loads(x) for x in (tmp_path / "run/metrics.jsonl").read_text().splitlines()]
    assert any(k.startswith("contrast") or "trip" in k for r in logs for k in r), logs[:2]
    for bad in ({"trip_contrast_weight": -1.0}, {"trip_contrast_temperature": 0.0},
                {"trip_contrast_weight": 1.0, "rollout_weight": 1.0}):  # fmt: skip
        with pytest.raises(ValueError, match="trip_contrast"):
            TrainConfig(**bad)


def test_a_label_column_of_lists_is_one_line():
    """ModelClassifier.fit with a list-typed label column: one line naming it (badin19: a numpy
    traceback from data/segments.py)."""
    import polars as pl

    from trajlm.errors import TrajlmInputError
    from trajlm.tasks.classify import labelled

    df = pl.DataFrame({"traj_id": ["a", "a"], "t": [0, 15], "lat": [41.1, 41.2],
                       "lon": [-8.6, -8.6], "mode": [["car"], ["car"]]})  # fmt: skip
    with pytest.raises(TrajlmInputError, match="class column 'mode' holds List"):
        labelled(df, "mode", "train")
    with pytest.raises(TrajlmInputError, match="class column 'label' holds List"):
        labelled(df.rename({"mode": "label"}), "label", "train")
    assert (
        labelled(df.with_columns(pl.lit("car").alias("mode")), "mode", "train")["label"][0] == "car"
    )


def test_a_time_no_epoch_unit_makes_a_date_gets_no_divisor():
    """t = 1e300 (badin19 over HTTP): 'divide by 1e9' would still be no date; say so instead."""
    import pandas as pd

    import trajlm
    from trajlm.errors import TrajlmInputError

    df = pd.DataFrame({"id": [1, 1], "t": [1e300, 1e300], "lat": [41.1, 41.2], "lon": [-8.6, -8.6]})
    with pytest.raises(TrajlmInputError, match="no Unix time in any unit") as e:
        trajlm.to_canonical(df)
    assert "divide" not in str(e.value)
