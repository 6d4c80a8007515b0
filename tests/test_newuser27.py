"""Session 27 (newuser27): session 26's new users' leftovers a user could not work around
(docs/api.md "Session 27 (newuser27)").

- "every vehicle, 10 minutes ahead" gave one row per van-day piece: `predict(latest=True)` /
  `trajlm predict --latest` answer each vehicle's latest piece only.
- `trajlm predict --crs` wrote WGS84 lat / lon while `trajlm recover --crs` wrote the CRS: both
  write the CRS back now, under the input's x / y names.
- `trajlm predict` said "results give them back in milliseconds" and wrote ISO datetimes: it
  writes Unix ms back (as the API gives them).
- The milliseconds note came with every call: once per process (per column and unit); coverage
  lines (speed, sampling, step) were one warning each: one warning per call.
- Receivers' exact repeats: `trajlm predict` dropped them with a line, the API refused them:
  the API drops and counts them too (one warning, the CLI's words)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest
from helpers import tiny_model as _model
from reliability_helpers import invoke
from test_api_selector import saved  # noqa: F401 (a module-scoped fixture)

import trajlm
from trajlm.errors import TrajlmInputError
from trajlm.model.coverage import CoverageWarning

T0_MS = 1_794_800_000_000


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory) -> Path:
    return _model(tmp_path_factory.mktemp("nu27") / "m")


@pytest.fixture(scope="module")
def model(model_dir: Path) -> trajlm.TrajLM:
    return trajlm.TrajLM.from_pretrained(model_dir, threads=1)


def _vans(repeats: int = 0) -> pd.DataFrame:
    """Two vans, two drives each (two hours apart: two pieces), 30-s fixes, epoch ms times;
    ``repeats`` rows of each van given twice (an export's pages)."""
    rows = []
    for v in range(2):
        for d in range(2):
            t0 = T0_MS + d * 7_200_000
            rows += [{"vehicle_id": f"V{v}", "timestamp": t0 + 30_000 * k,
                      "lat": 41.15 + 2e-4 * k + 0.01 * d, "lon": -8.61 + 0.01 * v}
                     for k in range(10)]  # fmt: skip
    df = pd.DataFrame(rows)
    if repeats:
        df = pd.concat([df, df.iloc[list(range(3, 3 + repeats))]], ignore_index=True)
    return df


def _said(call) -> tuple[object, list[warnings.WarningMessage]]:
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        out = call()
    return out, list(seen)


# ------------------------------------------------------------------ one answer per vehicle
def test_latest_gives_one_answer_per_vehicle_from_its_latest_piece(model) -> None:
    every, seen = _said(lambda: model.predict(_vans(), steps=2))
    assert len(every) == 8 and sorted(set(every["piece"])) == [0, 1]  # 2 vans x 2 pieces x 2
    (cut,) = [w for w in seen if "read as movers" in str(w.message)]
    assert "predict(latest=True): one answer per vehicle_id" in str(cut.message)
    latest, _ = _said(lambda: model.predict(_vans(), steps=2, latest=True))
    assert len(latest) == 4 and set(latest["piece"]) == {1}
    assert sorted(set(latest["vehicle_id"])) == ["V0", "V1"]
    mine = every[every["piece"] == 1].reset_index(drop=True)
    pd.testing.assert_frame_equal(latest.reset_index(drop=True), mine)  # the same answers
    trips = _vans().rename(columns={"vehicle_id": "trip_id"})  # trips: nothing to choose
    a, _ = _said(lambda: model.predict(trips, steps=2, latest=True))
    assert len(a) == 4 and "piece" not in a.columns
    with pytest.raises(TrajlmInputError, match="latest must be True or False"):
        model.predict(_vans(), steps=2, latest="yes")


# ------------------------------------------------------------------ repeats: one behaviour
def test_the_api_drops_and_counts_exact_repeats_as_the_cli_does(model) -> None:
    pred, seen = _said(lambda: model.predict(_vans(repeats=3), steps=2))
    assert len(pred) == 8  # was: TrajlmInputError "duplicate timestamp ... trajlm.clean(df)"
    lines = [str(w.message) for w in seen if "repeat an earlier row" in str(w.message)]
    assert lines == ["input: 3 row(s) repeat an earlier row of their trajectory (same time, "
                     "position within 0.0001 deg; first: row 40): dropped, the first copy kept "
                     "(receivers' duplicates)"]  # fmt: skip
    assert seen[0].filename == __file__
    emb, seen = _said(lambda: model.embed(_vans(repeats=1)))
    assert len(emb) == 4 and any("1 row(s) repeat" in str(w.message) for w in seen)
    moved = _vans()
    moved.loc[9, "timestamp"] = moved.loc[8, "timestamp"]  # the same time, another place
    with pytest.raises(TrajlmInputError, match="duplicate timestamp"):
        model.predict(moved, steps=2)


# ------------------------------------------------------------------ notes said once
def test_the_milliseconds_note_is_said_once_per_column(model) -> None:
    def notes(seen):
        return [str(w.message) for w in seen if "read as Unix milliseconds" in str(w.message)]

    _, first = _said(lambda: model.predict(_vans(), steps=1))
    _, again = _said(lambda: (trajlm.clean(_vans()), model.predict(_vans(), steps=1)))
    assert len(notes(first)) == 1 and notes(again) == []
    other = _vans().rename(columns={"timestamp": "ts"})
    _, seen = _said(lambda: model.predict(other, steps=1, time_col="ts"))
    assert len(notes(seen)) == 1 and "'ts'" in notes(seen)[0]  # another column: its own note


def test_coverage_lines_are_one_warning_per_call(model, monkeypatch) -> None:
    import trajlm.api_checks as checks

    lines = ["median speed 0.04 m/s ...", "median sampling interval 3.6e+03 s ...",
             "median step 150 m ..."]  # fmt: skip
    monkeypatch.setattr(checks, "coverage_warnings", lambda *a, **k: list(lines))
    _, seen = _said(lambda: model.predict(_vans(), steps=1))
    (cov,) = [w for w in seen if w.category is CoverageWarning]
    assert str(cov.message) == "input outside the training coverage: " + "; ".join(lines)
    assert cov.filename == __file__


# ------------------------------------------------------------------ the CLI
def _projected_csv(path: Path, repeats: int = 0) -> Path:
    from pyproj import Transformer

    df = _vans(repeats)
    x, y = Transformer.from_crs(4326, 3857, always_xy=True).transform(df.lon, df.lat)
    df.drop(columns=["lat", "lon"]).assign(x=x, y=y).to_csv(path, index=False)
    return path


def test_cli_predict_writes_the_crs_and_the_ms_it_read(model_dir, tmp_path: Path) -> None:
    src = _projected_csv(tmp_path / "vans.csv", repeats=2)
    out = tmp_path / "pred.csv"
    r = invoke("predict", "--model", model_dir, "--input", src, "--crs", "EPSG:3857",
               "--steps", "2", "--out", out)  # fmt: skip
    assert r.exit_code == 0, r.output
    pred = pl.read_csv(out)
    assert pred.columns == ["vehicle_id", "piece", "step", "timestamp", "y", "x", "std_m"]
    assert pred["timestamp"].dtype == pl.Int64 and pred["timestamp"].min() > T0_MS  # ms back
    assert pred["y"].min() > 5e6 and abs(pred["x"].mean() + 958_500) < 5_000  # metres, 3857
    assert "timestamp in Unix milliseconds UTC, as the input, y/x in EPSG:3857" in r.output
    assert "2 row(s) repeat an earlier row" in r.output  # the API's words (dropped, counted)
    rec_in = pd.read_csv(src).drop_duplicates()
    rec_in.loc[[4, 5], ["x", "y"]] = np.nan
    rec_in.to_csv(tmp_path / "gaps.csv", index=False)
    r = invoke("recover", "--model", model_dir, "--input", tmp_path / "gaps.csv", "--crs",
               "EPSG:3857", "--out", tmp_path / "rec.csv")  # fmt: skip
    assert r.exit_code == 0, r.output
    rec = pl.read_csv(tmp_path / "rec.csv")
    assert {"x", "y", "timestamp"} <= set(rec.columns) and rec["timestamp"].dtype == pl.Int64
    assert rec["y"].min() > 5e6  # the same CRS as predict writes


def test_cli_predict_latest(model_dir, tmp_path: Path) -> None:
    _vans().to_csv(tmp_path / "vans.csv", index=False)
    r = invoke("predict", "--model", model_dir, "--input", tmp_path / "vans.csv", "--steps",
               "1", "--latest", "--out", tmp_path / "p.csv")  # fmt: skip
    assert r.exit_code == 0, r.output
    pred = pl.read_csv(tmp_path / "p.csv")
    assert pred["vehicle_id"].to_list() == ["V0", "V1"] and pred["piece"].to_list() == [1, 1]


# ------------------------------------------------------------------ Part 2: a travel survey
def test_ingest_says_naive_local_times_that_go_back_an_hour(tmp_path: Path) -> None:
    """A trip across the end of daylight time, in naive local text: read as UTC its clock
    goes back an hour and ingest re-sorted it with only a count; now a warning names --tz."""
    local = pd.Timestamp("2026-11-01 06:40", tz="UTC") + pd.to_timedelta(np.arange(60) * 30, "s")
    text = local.tz_convert("America/Chicago").strftime("%Y-%m-%d %H:%M:%S")
    df = pd.DataFrame({"trip_id": "P07-T022", "local_time": text,
                       "latitude": 41.88 + 1e-4 * np.arange(60), "longitude": -87.63})  # fmt: skip
    df.to_csv(tmp_path / "survey.csv", index=False)
    r = invoke("data", "ingest", tmp_path / "survey.csv", "--out", tmp_path / "st", "--time-col",
               "local_time")  # fmt: skip
    assert r.exit_code == 0, r.output
    text = " ".join(r.output.split())
    assert "go back in time within their trajectory and were re-sorted" in text and "--tz" in text
    # with --tz America/Chicago the hour is read in order and nothing is said (the 1,000-row
    # survey of scripts/newuser27/gen_survey.py: 91 + 117 rows read as the earlier / later hour)


def _night_trip() -> pd.DataFrame:
    """One trip's fixes every 30 s from 01:40 CDT to 01:10 CST on 1 Nov 2026 (Chicago), as a
    survey app writes them: naive local text, the hour 01:00-02:00 twice."""
    utc = pd.Timestamp("2026-11-01 06:40", tz="UTC") + pd.to_timedelta(np.arange(60) * 30, "s")
    text = utc.tz_convert("America/Chicago").strftime("%Y-%m-%d %H:%M:%S")
    return pd.DataFrame({"trip_id": "P07-T022", "local_time": text,
                         "latitude": 41.88 + 1e-4 * np.arange(60), "longitude": -87.63})  # fmt: skip


def test_tz_reads_naive_local_text_and_a_repeated_hour_is_refused_without_it() -> None:
    df = _night_trip()
    cols = dict(traj_col="trip_id", time_col="local_time")
    with pytest.raises(TrajlmInputError, match=r"go back 0:59:30 within trajectory 'P07-T022'"):
        trajlm.to_canonical(df, **cols)  # was: read as UTC and re-sorted, nothing said
    table = trajlm.to_canonical(df, tz="America/Chicago", **cols)  # was refused: "string"
    assert (np.diff(table["t"].to_numpy()) == 30).all()
    assert table["t"][0] == int(pd.Timestamp("2026-11-01 06:40", tz="UTC").timestamp())
    clean, _ = trajlm.clean(df, tz="America/Chicago", **cols)  # aware UTC datetimes back ...
    again = trajlm.to_canonical(clean, tz="America/Chicago", **cols)  # ... fed on, same tz=
    assert again["t"].to_list() == table["t"].to_list()
    zoned = df.assign(local_time=df["local_time"] + "Z")
    with pytest.warns(UserWarning, match="tz='America/Chicago' did not move them"):  # fix36
        moved = trajlm.to_canonical(zoned, tz="America/Chicago", **cols)  # text with its zone
    assert set(moved["t"]) == {int(pd.Timestamp(s).timestamp()) for s in zoned["local_time"]}


def test_travel_time_baselines_predict_frames_read_as_fit_read_them() -> None:
    from trajlm.baselines import DistanceOverMeanSpeed, LinearRegressionTTE

    trips = []  # LinearRegressionTTE: GradientBoostingTTE's fit / predict (_Regressor), faster
    for k in range(12):
        trip = _night_trip().assign(trip_id=f"T{k}")
        trip["local_time"] = pd.to_datetime(trip["local_time"]) + pd.Timedelta(days=k + 2)
        trips.append(trip.iloc[: 20 + k].assign(local_time=lambda d: d.local_time.astype(str)))
    df = pd.concat(trips, ignore_index=True)
    cols = dict(traj_col="trip_id", time_col="local_time", lat_col="latitude", lon_col="longitude")
    for est in (LinearRegressionTTE(), DistanceOverMeanSpeed()):
        fitted = est.fit(df, **cols)
        a = fitted.predict(df, **cols)  # was a TypeError: no column options there
        b = fitted.predict(df)  # the columns fit was given
        assert len(a) == 12 and np.allclose(a, b) and (a > 0).all()


@pytest.mark.slow  # fits a 1-epoch candidate selector (test_api_selector's fixture)
def test_a_selector_answers_latest_and_drops_repeats(saved) -> None:  # noqa: F811
    _, test, _, folder = saved
    model = trajlm.TrajLM.from_pretrained(folder)
    ids = test["traj_id"].unique(maintain_order=True).head(2).to_list()
    a, b = (test.filter(pl.col("traj_id") == i) for i in ids)
    b = b.with_columns(pl.col("t") - b["t"].min() + a["t"].max() + 7_200)  # 2 h later: a piece
    van = pl.concat([a, b, a.head(1)]).with_columns(pl.lit("V").alias("vehicle_id"))
    van = van.select("vehicle_id", "t", "lat", "lon").to_pandas()
    pred, seen = _said(lambda: model.predict(van, steps=2, latest=True))
    assert len(pred) == 2 and set(pred["piece"]) == {1}
    assert any("1 row(s) repeat an earlier row" in str(w.message) for w in seen)
