"""Session 26 (badin26): hostile inputs on this session's new surfaces, each fix pinned
(docs/reliability.md "Session 26 (badin26)"; the cases: scripts/badin26/). Every test runs on a
tiny synthetic input, no trained model (< 3 s each)."""

from __future__ import annotations

import warnings
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

import trajlm
from trajlm.cli import app
from trajlm.data.store import read_store

T0 = 1_772_000_000


def _ingest(tmp_path: Path, name: str, lines: list[str]) -> tuple[int, str, Path]:
    src, out = tmp_path / f"{name}.csv", tmp_path / f"{name}_store"
    src.write_text("\n".join(lines) + "\n")
    res = CliRunner().invoke(app, ["data", "ingest", str(src), "--out", str(out)])
    return res.exit_code, res.output, out


def _run(unit: str, lon: float, n: int = 12) -> list[str]:
    return [f"{unit},2026-01-05 06:{k // 6:02d}:{10 * (k % 6):02d},45.1,{lon + 1e-4 * k}"
            for k in range(n)]  # fmt: skip


def test_a_reused_id_does_not_merge_into_an_id_already_named_like_its_split(tmp_path) -> None:
    # '12' holds two movers at the same times; the file also has a vehicle '12#2' (before: the
    # split run was named '12#2' too, the two merged and 12 rows went as duplicate times)
    rows = ["unit_id,time,lat,lon", *_run("12", -75.0), *_run("12#2", -74.0), *_run("12", -75.2)]
    code, out, store = _ingest(tmp_path, "avl", rows)
    assert code == 0, out
    df = read_store(store)
    assert df.height == 36 and df["traj_id"].n_unique() == 3, out
    assert "'12#3'" in out and (df["traj_id"] == "12#2_0").sum() == 12
    assert df.filter(pl.col("traj_id") == "12#2_0")["lon"].min() > -74.01  # only its own fixes


def _phone(acc: list) -> pl.DataFrame:
    n = len(acc)
    return pl.DataFrame({"traj_id": ["a"] * n, "t": T0 + 10 * np.arange(n),
                         "lat": 45.1 + 1e-4 * np.arange(n), "lon": -73.5 + 1e-4 * np.arange(n),
                         "accuracy_m": acc})  # fmt: skip


def test_a_nan_accuracy_is_no_estimate_and_is_kept_as_null_is() -> None:
    # polars orders NaN above every number: NaN fixes were dropped as low_accuracy
    out, report = trajlm.clean(_phone([5.0, float("nan"), 6.0, None, 1500.0]))
    assert out.height == 4 and report.dropped == {"low_accuracy": 1}


def test_a_zone_column_of_one_offset_is_read_and_an_unknown_one_names_the_row(tmp_path) -> None:
    def zones(value: str) -> list[str]:
        return ["unit_id,Local Time,Time Zone,lat,lon"] + [
            f"T1,2025-10-09 08:{5 * k:02d}:00,{value},{35 + 1e-3 * k},-100" for k in range(6)
        ]

    code, out, store = _ingest(tmp_path, "off", zones("+05:00"))  # was "missing column t"
    assert code == 0, out
    assert read_store(store)["t"][0] == 1759978800  # 08:00 at UTC+5 = 03:00 UTC
    code, out, _ = _ingest(tmp_path, "mars", zones("Mars/Olympus"))
    assert code == 2 and "line 2" in out and "'Mars/Olympus' is not a time zone" in out, out
    assert "missing column" not in out


def test_a_spread_too_large_to_be_measured_is_not_read() -> None:
    from trajlm.eval.engine_spread import spread_ok

    s = {"factors": {"50": 1.0, "90": 2.0, "95": 3.0}, "sigma": 1.5}
    assert spread_ok(s)
    assert not spread_ok({**s, "sigma": 1e308})  # answered std_m inf with numpy's overflow
    assert not spread_ok({**s, "factors": {"50": 1e308, "90": 1e308, "95": 1e308}})


def _hist(points: int) -> pl.DataFrame:
    return pl.DataFrame({"traj_id": ["a"] * points, "t": T0 + 10 * np.arange(points),
                         "lat": 41.15 + 1e-4 * np.arange(points), "lon": [-8.61] * points})  # fmt: skip


def _said(fn) -> tuple[object, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = fn()
    return got, [str(w.message) for w in caught]


def test_engine_spread_says_why_std_is_nan() -> None:
    from trajlm.api_predict_verdict import engine_spread

    api = SimpleNamespace(path="run")
    rows = pl.DataFrame({"traj_id": ["a"] * 2, "step": [1, 2], "t": T0 + 10 + np.array([10, 20]),
                         "lat": 41.15, "lon": -8.61, "std_m": np.nan, "engine": "linear-3"})  # fmt: skip
    good = {"factors": {"50": 1.0, "90": 2.0, "95": 3.0}, "sigma": 1.5}
    out, said = _said(lambda: engine_spread(api, {"spread": {"linear-3": good}}, rows,
                                            _hist(2), None))  # fmt: skip
    assert out["std_m"].is_nan().all()  # 2 fixes: no constant-velocity error to read against
    assert any("under 3 fixes" in s and "'a'" in s for s in said), said
    api = SimpleNamespace(path="run")
    edited = {"spread": {"linear-3": {**good, "sigma": float("nan")}}}
    _, said = _said(lambda: engine_spread(api, edited, rows, _hist(5), None))
    assert any("edited?" in s for s in said) and not any("before session 26" in s for s in said)


def test_dead_reckoning_asked_before_the_last_fix_is_nan_and_said() -> None:
    from trajlm.api_predict_verdict import time_aware_asked

    hist = _hist(6).with_columns(sog_mps=pl.lit(10.0), cog_deg=pl.lit(0.0))
    last_t = hist.group_by("traj_id", maintain_order=True).agg(pl.col("t").last())
    req = np.array([[-7200.0, 30.0]])  # 2 h before the last fix: was run backwards, 72 km
    for engine in ("dead reckoning [time]", "constant velocity [time]"):
        out, said = _said(lambda e=engine: time_aware_asked({"engine": e}, hist, last_t, req, None))
        assert np.isnan(out["lat"][0]) and np.isfinite(out["lat"][1]), (engine, out)
        assert any("before a trajectory's last point" in s for s in said), said


def test_the_single_point_line_names_the_verdict_engine_not_a_class() -> None:
    from trajlm.data.features import LocalProjection
    from trajlm.eval.frames import predict_canonical
    from trajlm.eval.predict_verdict import VerdictBaseline

    one = _hist(1)
    _, said = _said(lambda: predict_canonical(VerdictBaseline("linear-3"), one,
                                              LocalProjection.fit(one), 3))  # fmt: skip
    assert any("linear-3 holds each" in s for s in said) and not any(
        "VerdictBaseline" in s for s in said
    )


@pytest.mark.parametrize(("value", "want"), [("12", 12.0), (12, 12.0), ("x", None), (True, None),
                                             ([12], None), (None, None)])  # fmt: skip
def test_http_rows_read_numeric_text_speed_as_the_api_does(value, want) -> None:
    from trajlm.serve.motion import number_or_none

    assert number_or_none(value) == want


def test_an_accuracy_written_with_its_unit_is_said_not_silently_kept() -> None:
    df = _phone([5.0, 6.0, 7.0, 8.0]).with_columns(
        accuracy_m=pl.Series(["5", "1500 m", "6", "NaN"])
    )
    (out, report), said = _said(lambda: trajlm.clean(df))
    # session 27 (readers27): the unit is read, so the cell-tower fix goes (was kept, said)
    assert out.height == 3 and report.dropped["low_accuracy"] == 1, said
    df = df.with_columns(accuracy_m=pl.Series(["5", "1500 yd", "6", "NaN"]))  # a unit not read
    (out, report), said = _said(lambda: trajlm.clean(df))
    assert out.height == 4 and not report.dropped
    assert any("'1500 yd'" in s and "1 value(s) are not a number" in s for s in said), said


def test_radii_under_a_damaged_spread_say_the_spread_is_unreadable() -> None:
    from trajlm.api_predict_verdict import model_keeps_call

    api = SimpleNamespace(path="run")
    v = {"engine": "linear-3", "spread": {"linear-3": {"factors": {}, "sigma": float("nan")}}}
    kept, said = _said(lambda: model_keeps_call(api, v, 3, False, [90], None))
    assert kept and any("not one this trajlm reads" in s for s in said), said


def test_clean_of_a_canonical_frame_written_0_360_keeps_the_fixes_past_180() -> None:
    df = pl.DataFrame({"traj_id": ["f"] * 4, "t": T0 + 10 * np.arange(4),
                       "lat": [45.0, 45.001, 45.002, 45.003], "lon": [179.8, 179.9, 180.1, 180.3]})  # fmt: skip
    out, report = trajlm.clean(df)  # was: 2 of 4 dropped as lon_out_of_range
    assert out.height == 4 and not report.dropped and report.repaired["lon_0_360"] == 2
    np.testing.assert_allclose(out["lon"].to_numpy(), [179.8, 179.9, -179.9, -179.7])


def test_an_e7_named_column_holding_degrees_is_refused_in_the_api_as_ingest_refuses_it() -> None:
    from trajlm.data.schema import TrajlmInputError

    df = pl.DataFrame({"traj_id": ["a"] * 4, "t": T0 + 10 * np.arange(4),
                       "latitudeE7": [45.1, 45.11, 45.12, 45.13],
                       "longitudeE7": [-73.5, -73.49, -73.48, -73.47]})  # fmt: skip
    with pytest.raises(TrajlmInputError, match="45.1 is not a whole number.*rename the column"):
        trajlm.clean(df)  # was: read as 4.5e-6 degrees, given back as 45.0 / -74.0
    whole = df.with_columns(pl.col("latitudeE7", "longitudeE7") * 1e7)
    whole = whole.with_columns(pl.col("latitudeE7", "longitudeE7").round(0))
    out, _ = trajlm.clean(
        whole.with_columns(latitudeE7=pl.Series([451e6, float("nan"), 4512e5, 4513e5]))
    )
    assert out.height == 3  # NaN is a missing fix, not a fraction


@pytest.mark.parametrize(("text", "seconds"), [("1ms", 0.001), ("5 ms", 0.005), ("1 msec", 0.001),
                                               ("30m", 1800.0), ("2 hrs", 7200.0), ("1M", None)])  # fmt: skip
def test_recover_every_reads_milliseconds_and_refuses_pandas_month(text, seconds) -> None:
    from trajlm.data.recover_grid import every_seconds
    from trajlm.data.schema import TrajlmInputError

    if seconds is None:  # pandas' 'M' is a month: 60 s would be silently wrong
        with pytest.raises(TrajlmInputError, match="every="):
            every_seconds(text)
    else:  # '1ms' was read as 1 minute (the 'm' unit and a plural 's')
        assert every_seconds(text) == pytest.approx(seconds)
