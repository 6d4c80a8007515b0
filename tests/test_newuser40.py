"""newuser40: a shipping analyst's Danube barges, AIS-like pings every 1-30 min logged in the UTM
zone each barge is in ("33N" west of 18 E, "34N" east): a frame's `utm_zone` column beside
eastings / northings (docs/api.md "Session 40 (newuser40)")."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
from pyproj import Transformer

import trajlm
from trajlm.data.coerce_utm_zone import zone_epsg
from trajlm.errors import TrajlmInputError

COLS = {"traj_col": "barge_no", "time_col": "ping", "lat_col": "northing", "lon_col": "easting"}


def barges(lons: list[float]) -> pd.DataFrame:
    """One barge (id 7, an integer) along 47.75 N at the given longitudes, each fix in its zone."""
    rows = []
    for i, lon in enumerate(lons):
        zone = "33N" if lon < 18.0 else "34N"
        tr = Transformer.from_crs(4326, zone_epsg(zone), always_xy=True)
        e, n = tr.transform(lon, 47.75)
        rows.append({"barge_no": 7, "ping": 1_773_000_000 + 600 * i, "easting": e,
                     "northing": n, "utm_zone": zone})  # fmt: skip
    return pd.DataFrame(rows)


CROSSING = [17.90, 17.94, 17.98, 18.02, 18.06, 18.10]


def test_zone_epsg_reads_movebank_zones() -> None:
    assert zone_epsg("33N") == 32633
    assert zone_epsg(" 19s ") == 32719
    assert zone_epsg("33") is None  # no hemisphere: not guessed
    assert zone_epsg("61N") is None


def test_crs_beside_two_zones_is_one_line_not_a_silent_misplacement() -> None:
    # on main a frame given crs="EPSG:32633" read the 34N rows in 33N without a word
    df = barges(CROSSING)
    with pytest.raises(TrajlmInputError) as e:
        trajlm.to_canonical(df, crs="EPSG:32633", **COLS)
    text = str(e.value)
    assert "field utm_zone" in text and "33N: 3 rows, 34N: 3 rows" in text
    assert "the rows of 34N would land" in text and "to_crs(" in text
    assert "\n" not in text


def test_two_zones_without_crs_name_the_zones_not_pass_crs() -> None:
    with pytest.raises(TrajlmInputError) as e:
        trajlm.to_canonical(barges(CROSSING), **COLS)
    assert "2 UTM zones" in str(e.value) and "pass crs=" not in str(e.value)


def test_one_zone_without_crs_reads_in_that_zone_and_says_so() -> None:
    df = barges([16.50, 16.54, 16.58, 16.62])
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        out = trajlm.to_canonical(df, **COLS)
    assert any("read as EPSG:32633" in str(w.message) for w in said)
    assert out["lat"].to_list() == pytest.approx([47.75] * 4, abs=1e-6)
    assert out["lon"].to_list() == pytest.approx([16.50, 16.54, 16.58, 16.62], abs=1e-6)


def test_crs_agreeing_with_the_one_zone_reads_as_before_and_disagreeing_is_told() -> None:
    df = barges([18.50, 18.54, 18.58])
    out = trajlm.to_canonical(df, crs=32634, **COLS)
    assert out["lon"].to_list() == pytest.approx([18.50, 18.54, 18.58], abs=1e-6)
    with pytest.raises(TrajlmInputError, match="the rows of 34N would land"):
        trajlm.to_canonical(df, crs="EPSG:32633", **COLS)


def test_degrees_or_unreadable_zones_beside_the_column_read_as_before() -> None:
    deg = pd.DataFrame({"barge_no": [1, 1, 1], "ping": [1_773_000_000 + 600 * i for i in range(3)], "northing": [47.7] * 3,
                        "easting": [18.1, 18.2, 18.3], "utm_zone": ["33N", "34N", "34N"]})  # fmt: skip
    assert trajlm.to_canonical(deg, **COLS).height == 3  # degrees: the zones say nothing here
    bare = barges([16.50, 16.54, 16.58]).assign(utm_zone="33")  # no hemisphere: not guessed
    out = trajlm.to_canonical(bare, crs=32633, **COLS)
    assert out["lat"].to_list() == pytest.approx([47.75] * 3, abs=1e-6)


def barge_pings_with_bad_fixes() -> pd.DataFrame:
    """Eight barges at ~3 m/s, a ping every 6-7 min; one fix of barge 2 is 30 km off (about
    80 m/s in and out): far under 340 m/s, far over the barges' own speeds."""
    rows = []
    for b in range(1, 9):
        for i in range(40):
            lat = 47.75 + (0.27 if (b == 2 and i == 20) else 0.0)
            rows.append({"barge_no": b, "ping": 1_773_000_000 + 360 * i + 20 * (i % 3),
                         "lat": lat, "lon": 17.0 + 0.015 * i + 0.1 * b})  # fmt: skip
    return pd.DataFrame(rows)


def test_clean_says_bad_fixes_under_340_mps_as_ingest_does() -> None:
    # on main trajlm.clean said only steps over 340 m/s: the 30-km fix passed unsaid, while
    # `trajlm data ingest` of the same rows said "2 steps faster than 20 m/s"
    df = barge_pings_with_bad_fixes()
    cols = {"traj_col": "barge_no", "time_col": "ping"}
    with pytest.warns(UserWarning, match=r"^2 step\(s\) .* faster than 20 m/s \(4x this input's "
                      r"99th-percentile step speed.*kept.*max_speed_mps=20\) drops them"):  # fmt: skip
        out, report = trajlm.clean(df, return_report=True, **cols)
    assert len(out) == len(df) and report.impossible_speed["steps"] == 2
    assert report.impossible_speed["threshold_mps"] == 20.0
    out, report = trajlm.clean(df, return_report=True, max_speed_mps=20, **cols)
    assert len(out) == len(df) - 1 and report.impossible_speed is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # steady barges: nothing to say
        trajlm.clean(df[df.barge_no != 2], return_report=True, **cols)


def test_local_text_times_come_back_on_the_named_clock() -> None:
    # on main the barges' zone-less local text, read with tz=, came back as UTC datetimes: an
    # hour off the pings' own clock beside them (newuser25 #19, newuser27 #20 left it)
    df = barge_pings_with_bad_fixes().query("barge_no != 2")
    df["ping"] = (
        pd.to_datetime(df["ping"], unit="s", utc=True)
        .dt.tz_convert("Europe/Budapest")
        .dt.strftime("%Y-%m-%d %H:%M:%S")
    )
    cols = {"traj_col": "barge_no", "time_col": "ping", "tz": "Europe/Budapest"}
    out = trajlm.clean(df, return_report=False, **cols)
    assert str(out["ping"].dt.tz) == "Europe/Budapest"
    assert out["ping"].iloc[0].strftime("%Y-%m-%d %H:%M:%S") == df["ping"].iloc[0]  # same clock
    naive = df.assign(ping=pd.to_datetime(df["ping"]))  # naive datetimes: answered so already
    again = trajlm.clean(naive, return_report=False, **cols)
    assert out["ping"].equals(again["ping"])
    utc = trajlm.clean(df, return_report=False, traj_col="barge_no", time_col="ping")
    assert str(utc["ping"].dt.tz) == "UTC"  # no zone named: UTC, as before


def test_trajlm_names_the_model_row_beside_its_val_checked_row() -> None:
    # on main `compare=[("trajlm", "kNN continuation")]` on a fitted run's table was refused:
    # "no row named 'trajlm'" (rows: trajlm:ft_full; trajlm:ft_full (val-checked: ...))
    from trajlm.eval.row_pairs import resolve_pairs

    names = ["constant velocity", "kNN continuation", "trajlm:ft_full",
             "trajlm:ft_full (val-checked: constant velocity [time])"]  # fmt: skip
    assert resolve_pairs([("trajlm", "kNN continuation")], names) == [
        ("trajlm:ft_full", "kNN continuation")
    ]
    two = [*names, "trajlm:other"]  # two model rows: still ambiguous, still refused
    with pytest.raises(TrajlmInputError, match="no row named 'trajlm'"):
        resolve_pairs([("trajlm", "kNN continuation")], two)
