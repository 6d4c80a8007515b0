"""Session 26 (heldout26): held-out exports the readers refused or read wrong with no options.

Before: a ferry's GeoJSON with longitudes unwrapped past 180 (180.2 for -179.8) was refused, and
the hint (`--on-error skip`) dropped every fix east of the antimeridian; a robot's `rostopic echo
-p` CSV (`%time`, `field.latitude`) was "missing t"; a Google Takeout Records.json with a phone
and a tablet (two `deviceTag`s) was read as one track jumping km every few seconds; an endurance
ride's `bib`, refuse trucks' `veh` and a seiner export's `Vessel Name` were not taken as the id."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trajlm.cli import app
from trajlm.data.store import read_store

T0 = 1_760_000_000  # 2025-10-09 08:53:20 UTC


def _ingest(path: Path, out: Path, *opts: str) -> tuple[int, str]:
    res = CliRunner().invoke(app, ["data", "ingest", str(path), "--out", str(out), *opts])
    return res.exit_code, res.output


def _iso(t: int) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(t, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _ferry(tmp_path: Path, lons: list[list[float]]) -> Path:
    feats = [
        {
            "type": "Feature",
            "properties": {"coordTimes": [_iso(T0 + 86400 * i + 60 * k) for k in range(len(xs))]},
            "geometry": {
                "type": "LineString",
                "coordinates": [[x, -16.8 + 1e-3 * k] for k, x in enumerate(xs)],
            },
        }
        for i, xs in enumerate(lons)
    ]
    path = tmp_path / "ferry.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    return path


def test_longitudes_unwrapped_past_180_are_read_across_the_antimeridian(tmp_path: Path) -> None:
    east = [179.90 + 0.02 * k for k in range(12)]  # 179.90 ... 180.12: a 0..360 writer
    west = [-179.60 - 0.02 * k for k in range(12)]  # the other way, written as usual
    code, out = _ingest(_ferry(tmp_path, [east, west]), tmp_path / "s")
    assert code == 0, out
    assert "lon_0_360" in out, out  # said in the report, not silent
    df = read_store(tmp_path / "s")
    assert len(df) == 24, df  # nothing dropped
    assert df["lon"].max() <= 180 and df["lon"].min() >= -180
    assert df.filter(df["lon"] < 0).height == 12 + 6  # 180.02 ... 180.12 now -179.98 ... -179.88


def test_a_stray_longitude_past_180_in_a_european_track_is_still_refused(tmp_path: Path) -> None:
    stray = [2.1 + 1e-3 * k for k in range(12)]
    stray[5] = 200.0  # a bad fix, not a 0..360 track (it would span more than half the globe)
    code, out = _ingest(_ferry(tmp_path, [stray]), tmp_path / "s")
    assert code == 2, out
    assert "longitude outside [-180, 180]" in out and "200.0" in out, out


def test_a_rostopic_navsatfix_csv_is_read(tmp_path: Path) -> None:
    cols = "%time,field.header.seq,field.header.stamp,field.header.frame_id,field.status.status,field.latitude,field.longitude"
    rows = [
        f"{(T0 + k) * 10**9 + 1500000},{k},{(T0 + k) * 10**9},gps,2,{51.98 + 1e-5 * k:.9f},{5.66:.9f}"
        for k in range(20)
    ]
    (tmp_path / "fix.csv").write_text("\n".join([cols, *rows]) + "\n")
    code, out = _ingest(tmp_path / "fix.csv", tmp_path / "s")
    assert code == 0, out
    assert "t <- '%time'" in out and "unix_ns" in out, out
    df = read_store(tmp_path / "s")
    assert len(df) == 20 and df["lat"].min() == pytest.approx(51.98)


def test_takeout_records_of_two_devices_are_two_tracks(tmp_path: Path) -> None:
    locs = []
    for k in range(20):
        locs.append(
            {
                "latitudeE7": 481370000 + 5000 * k,
                "longitudeE7": 115750000,
                "deviceTag": 11,
                "timestamp": _iso(T0 + 30 * k),
            }
        )
        locs.append(
            {
                "latitudeE7": 481370000,
                "longitudeE7": 115750000,
                "deviceTag": -22,
                "timestamp": _iso(T0 + 30 * k + 3),
            }
        )
    (tmp_path / "Records.json").write_text(json.dumps({"locations": locs}))
    code, out = _ingest(tmp_path / "Records.json", tmp_path / "s")
    assert code == 0, out
    assert "faster than" not in out, out  # was: 38 steps of ~5 km in 3 s
    df = read_store(tmp_path / "s")
    assert df["source_traj_id"].n_unique() == 2, df["source_traj_id"].unique()
    moving = df.filter(df["source_traj_id"].str.contains("device11"))
    assert len(moving) == 20 and moving["lat"].max() == pytest.approx(48.1465)


@pytest.mark.parametrize("name", ["bib", "veh", "Vessel Name"])
def test_race_bibs_refuse_trucks_and_vessel_names_are_the_id(tmp_path: Path, name: str) -> None:
    rows = [f'"{name}",timestamp,lat,lon']
    for i in range(2):  # two movers at the same times: one track would go back in time
        rows += [
            f"{101 + i},{_iso(T0 + 5 * k)},{43.9 + 1e-4 * k},{2.1 + 0.01 * i}" for k in range(10)
        ]
    (tmp_path / "ride.csv").write_text("\n".join(rows) + "\n")
    code, out = _ingest(tmp_path / "ride.csv", tmp_path / "s")
    assert code == 0, out
    assert f"traj_id <- '{name}'" in out, out
    assert read_store(tmp_path / "s")["source_traj_id"].n_unique() == 2


def test_a_takeout_frame_reads_latitude_e7_and_device_tag_in_the_python_api() -> None:
    import pandas as pd

    import trajlm

    rows = [
        {
            "latitudeE7": 481370000 + 5000 * k,
            "longitudeE7": 115750000,
            "deviceTag": tag,
            "timestamp": _iso(T0 + 30 * k + d),
        }
        for tag, d in ((11, 0), (-22, 3))
        for k in range(8)
    ]  # pd.json_normalize(json.load(f)["locations"]) of a Records.json
    out = trajlm.to_canonical(pd.DataFrame(rows))
    assert out["traj_id"].n_unique() == 2  # was: 'latitudeE7' ... not a latitude in degrees
    assert out["lat"].min() == pytest.approx(48.137) and out["lon"].max() == pytest.approx(11.575)


@pytest.mark.parametrize(
    ("lat", "lon", "k"), [("position_lat", "position_long", 2**31 / 180), ("lat_e7", "lon_e7", 1e7)]
)
def test_clean_gives_scaled_degrees_back_in_their_unit(lat: str, lon: str, k: float) -> None:
    import pandas as pd

    import trajlm

    rows = [{"bib": b, "timestamp": _iso(T0 + 5 * i), lat: round((43.9 + 1e-4 * i) * k), lon: round((2.1 + 0.01 * b) * k)}
            for b in (1, 2) for i in range(8)]  # fmt: skip
    df = pd.DataFrame(rows)
    df.loc[3, [lat, lon]] = None  # a record without a fix: the refusal names trajlm.clean
    cleaned, _ = trajlm.clean(df)
    assert cleaned[lat].tolist() == df[lat].dropna().tolist()  # was: degrees under `position_lat`
    again = trajlm.to_canonical(cleaned)  # what predict reads next: scaled once, not twice
    assert again["lat"].min() == pytest.approx(43.9, abs=1e-6)


@pytest.mark.slow  # trajlm-small's recover: ~17 s on a loaded 2-core box
def test_one_movers_frame_from_trajlm_clean_is_recovered(small) -> None:
    import numpy as np
    import pandas as pd

    import trajlm

    one = pd.DataFrame({"time": pd.date_range("2026-04-01", periods=30, freq="60s", tz="UTC"),
                        "lat": -16.8 + 1e-3 * np.arange(30), "lon": 179.0 + 1e-3 * np.arange(30)})  # fmt: skip
    df = pd.concat([one, one.assign(time=one.time + pd.Timedelta(hours=5))], ignore_index=True)
    cleaned, _ = trajlm.clean(df)  # no id column: cut at the 5-h gap, a `piece` column added
    gap = cleaned.copy()
    gap.loc[12:14, ["lat", "lon"]] = np.nan
    out = small.recover(gap)  # was: polars DuplicateError "column 'piece' is duplicate"
    assert list(out.columns) == ["time", "lat", "lon", "piece", "recovered"]
    assert out["lat"].notna().all() and out["recovered"].sum() == 3


def test_a_frame_with_longitudes_past_180_is_read_in_the_python_api() -> None:
    import pandas as pd

    import trajlm

    rows = [
        {"crossing": 1, "time": _iso(T0 + 60 * k), "lat": -16.8 + 1e-3 * k, "lon": 179.9 + 0.02 * k}
        for k in range(12)
    ]
    with pytest.warns(UserWarning, match="written 0..360"):
        out = trajlm.to_canonical(pd.DataFrame(rows), traj_col="crossing")
    assert (
        len(out) == 12 and out["lon"].max() <= 180
    )  # was: "out of range [-180, 180]", clean dropped them
    assert out["lon"].min() == pytest.approx(-179.98)  # 180.02
