"""fix40: badin39's leftovers (docs/reliability.md "Session 40 (fix40)"). Each test fails at
32ac984f: a WKT `POINT(lat lon)` beside a speed read off Africa; swapped names beside a speed
column of 0 / NaN / text read without a word; ISO comma decimals refused; `trajlm.read` with no
way to keep sub-second fixes; MQTT lines with no topic (or a one-level one) read as one mover
zig-zagging; two TeslaMate exports joined read by their row key; Metrica / TRACAB cut short
refused under `--on-error skip`; "It's 04/11/2026" as "relative dates are not supported"; the
JSON point's swap said with a frame's `lat_col=`. Guards: what was right stays right."""

from __future__ import annotations

import json
import math
import warnings
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from helpers import invoke_cli

import trajlm
from trajlm.data.store import read_store

T0 = int(datetime(2026, 11, 3, 8, 0, tzinfo=UTC).timestamp())


def _vans(n_vans: int = 3, n: int = 80, dt: int = 5, seed: int = 1) -> pl.DataFrame:
    """Vans around Dublin (53.35 N -6.26 E) turning as they go, with their true speed (m/s)."""
    rng = np.random.default_rng(seed)
    rows = []
    for v in range(n_vans):
        lat, lon, heading = 53.35 + 0.01 * v, -6.26 + 0.01 * v, rng.uniform(0, 360)
        for i in range(n):
            speed = rng.uniform(6, 14)
            rows.append((f"VAN{v}", T0 + i * dt, lat, lon, speed))
            heading += rng.normal(0, 35)
            north, east = (
                speed * dt * math.cos(math.radians(heading)),
                speed * dt * math.sin(math.radians(heading)),
            )
            lat += north / 111_195.0
            lon += east / (111_195.0 * math.cos(math.radians(lat)))
    return pl.DataFrame(rows, schema=["vehicle_id", "t", "lat", "lon", "speed_mps"], orient="row")


def _ingest(src: Path, out: Path, *options: str) -> tuple[int, str]:
    r = invoke_cli(["data", "ingest", src, "--out", out, *options])
    return r.exit_code, " ".join(r.output.split())


# ---- (a) WKT POINT(lat lon) ------------------------------------------------------------


def _wkt_csv(path: Path, lat_first: bool, speed: bool = True) -> Path:
    df = _vans()
    order = ("lat", "lon") if lat_first else ("lon", "lat")
    out = df.select(
        "vehicle_id",
        ts=pl.from_epoch("t").dt.strftime("%Y-%m-%d %H:%M:%S UTC"),
        geog=pl.format("POINT({} {})", *order),
        **({"speed_mps": pl.col("speed_mps")} if speed else {}),
    )
    out.write_csv(path)
    return path


def test_a_wkt_point_written_lat_first_beside_a_speed_is_read_swapped_and_said(tmp_path):
    code, said = _ingest(_wkt_csv(tmp_path / "bq.csv", lat_first=True), tmp_path / "s")
    assert code == 0, said
    df = read_store(tmp_path / "s")
    assert df["lat"].is_between(53.0, 54.0).all() and df["lon"].is_between(-7.0, -6.0).all()
    assert "'geog' are written latitude first" in said and "--lat-col" in said


def test_a_wkt_point_in_wkt_order_or_without_a_speed_is_read_as_before(tmp_path):
    code, said = _ingest(_wkt_csv(tmp_path / "a.csv", lat_first=False), tmp_path / "s")
    assert code == 0 and "latitude first" not in said
    assert read_store(tmp_path / "s")["lat"].is_between(53.0, 54.0).all()
    # no speed: nothing tells, WKT's order as before (said as a limit in the docs)
    code, said = _ingest(_wkt_csv(tmp_path / "b.csv", True, speed=False), tmp_path / "s2")
    assert code == 0 and read_store(tmp_path / "s2")["lat"].is_between(-7.0, -6.0).all()


# ---- (b) swapped names beside a speed that says nothing ----------------------------------


def _swapped(path: Path, speed: object) -> Path:
    df = _vans().with_columns(speed=pl.lit(speed)).drop("speed_mps")
    df.rename({"lat": "lon", "lon": "lat"}).write_csv(path)
    return path


@pytest.mark.parametrize("speed", [0.0, float("nan"), "fast"])
def test_swapped_names_beside_a_speed_that_says_nothing_are_said(tmp_path, speed):
    code, said = _ingest(_swapped(tmp_path / "v.csv", speed), tmp_path / "s")
    assert code == 0, said
    assert "not checked" in said and "--lat-col lon --lon-col lat" in said
    assert "-6.2" in said  # where the fixes lie as named (the user sees the Irish Sea's east)


def test_a_frame_with_swapped_names_beside_a_zero_speed_is_said():
    df = _vans().drop("speed_mps").rename({"lat": "lon", "lon": "lat"})
    df = df.with_columns(speed=pl.lit(0.0), t=pl.from_epoch("t").dt.replace_time_zone("UTC"))
    with pytest.warns(UserWarning, match="not checked.*lat_col='lon', lon_col='lat'"):
        trajlm.clean(df, return_report=False)


def test_a_signed_speed_is_read_by_its_size(tmp_path):
    df = _vans().with_columns(speed=-pl.col("speed_mps")).drop("speed_mps")
    df.rename({"lat": "lon", "lon": "lat"}).write_csv(tmp_path / "v.csv")
    code, said = _ingest(tmp_path / "v.csv", tmp_path / "s")
    assert code == 0 and "holds the longitude" in said
    assert read_store(tmp_path / "s")["lat"].is_between(53.0, 54.0).all()


def test_a_zero_speed_of_fixes_that_stand_still_says_nothing(tmp_path):
    df = _vans().with_columns(lat=pl.lit(53.35), lon=pl.lit(-6.26), speed=pl.lit(0.0))
    df.drop("speed_mps").write_csv(tmp_path / "v.csv")
    code, said = _ingest(tmp_path / "v.csv", tmp_path / "s")
    assert "not checked" not in said


# ---- (c) ISO comma decimals -------------------------------------------------------------


def test_iso_times_with_a_comma_decimal_are_read(tmp_path):
    rows = ["id,time,lat,lon"] + [
        f'w,"2026-03-01T10:00:{i // 2:02d},{5 * (i % 2)}00Z",{41.15 + i * 1e-5},-8.61'
        for i in range(40)
    ]
    (tmp_path / "c.csv").write_text("\n".join(rows) + "\n")
    code, said = _ingest(tmp_path / "c.csv", tmp_path / "s", "--sub-second")
    assert code == 0, said
    t = read_store(tmp_path / "s")["t"]
    assert t.len() == 40 and float(t[1] - t[0]) == pytest.approx(0.5)
    df = trajlm.read(tmp_path / "c.csv")  # whole seconds: the Python read too
    assert df.height == 20


# ---- (d) trajlm.read(sub_second=True) --------------------------------------------------


def test_read_keeps_sub_second_fixes_when_asked(tmp_path):
    rows = ["id,t,lat,lon"] + [f"w,{T0 + i / 10:.1f},{41.15 + i * 1e-5},-8.61" for i in range(50)]
    (tmp_path / "w.csv").write_text("\n".join(rows) + "\n")
    with pytest.warns(UserWarning, match="sub_second=True keeps every fix"):
        assert trajlm.read(tmp_path / "w.csv", exact_times=True).height == 5
    df = trajlm.read(tmp_path / "w.csv", sub_second=True)
    assert df.height == 50 and df["t"].dtype == pl.Float64
    assert df["t"].diff().drop_nulls().round(3).unique().to_list() == [0.1]
    with pytest.raises(ValueError, match="sub_second must be True or False"):
        trajlm.read(tmp_path / "w.csv", sub_second="yes")


# ---- (e) MQTT lines without a topic -----------------------------------------------------


def _mqtt_lines(topic: str | None) -> list[str]:
    """Three trackers 20 km apart reporting every 5 s, interleaved as a broker delivers them."""
    out = []
    for i in range(60):
        for d, (lat, lon) in enumerate([(55.67, 12.56), (55.85, 12.40), (55.50, 12.20)]):
            payload = json.dumps({"ts": T0 + 5 * i, "lat": lat + i * 1e-4, "lon": lon, "sats": 9})
            out.append(payload if topic is None else f"{topic.format(d=d)} {payload}")
    return out


@pytest.mark.parametrize("topic", [None, "gps"])
def test_mqtt_lines_naming_no_device_are_refused(tmp_path, topic):
    (tmp_path / "gps.log").write_text("\n".join(_mqtt_lines(topic)) + "\n")
    code, said = _ingest(tmp_path / "gps.log", tmp_path / "s")
    assert code != 0 and "several movers mixed" in said and "mosquitto_sub -v" in said
    assert "gps.log" in said and "Traceback" not in said
    assert not (tmp_path / "s").exists()


def test_mqtt_lines_whose_topic_names_the_device_are_read(tmp_path):
    (tmp_path / "gps.log").write_text("\n".join(_mqtt_lines("fleet/trk{d}/gps")) + "\n")
    code, said = _ingest(tmp_path / "gps.log", tmp_path / "s")
    assert code == 0, said
    assert read_store(tmp_path / "s")["source_traj_id"].n_unique() == 3


def test_one_fast_mover_without_an_id_is_no_mix_of_movers(tmp_path):
    """A satellite's positions (7.7 km/s, wheretheiss.at's records): fast, but it never comes
    back near a fix just before, so it is one mover (read, not refused)."""
    recs = [{"timestamp": T0 + 10 * i, "latitude": 51.6 * math.sin(2 * math.pi * i * 10 / 5560),
             "longitude": ((i * 10 / 5560 * 360) + 180) % 360 - 180} for i in range(200)]  # fmt: skip
    (tmp_path / "iss.json").write_text(json.dumps(recs))
    code, said = _ingest(tmp_path / "iss.json", tmp_path / "s")
    assert "several movers mixed" not in said and code == 0, said


# ---- (f) TeslaMate exports joined --------------------------------------------------------


def test_two_teslamate_exports_joined_are_read_by_drive_not_by_row_key(tmp_path):
    df = _vans(n_vans=1, n=120).with_columns(drive_id=(pl.int_range(120) // 40) + 1)
    cars = []
    for car, shift in ((1, 0.0), (2, 0.05)):
        cars.append(df.select(
            id=pl.int_range(1, 121), date=pl.from_epoch(pl.col("t") + 7 * car).dt.strftime(
                "%Y-%m-%d %H:%M:%S.000"), latitude=pl.col("lat") + shift,
            longitude="lon", speed=(pl.col("speed_mps") * 3.6).round(0).cast(pl.Int64),
            car_id=pl.lit(car), drive_id="drive_id"))  # fmt: skip
    pl.concat(cars).write_csv(tmp_path / "positions.csv")
    code, said = _ingest(tmp_path / "positions.csv", tmp_path / "s")
    assert code == 0, said
    assert "traj_id <- 'drive_id'" in said
    st = read_store(tmp_path / "s")
    assert st["traj_id"].n_unique() == 6  # 3 drives of each car, none mixing the two
    assert st.group_by("traj_id").agg(pl.col("vehicle_id").n_unique())["vehicle_id"].max() == 1


def test_an_export_saved_twice_is_read_by_its_trip_id_with_the_copies_counted(tmp_path):
    df = _vans(n_vans=2, n=60).with_columns(
        drive_id=pl.col("vehicle_id").str.slice(3).cast(pl.Int64) + 1
    )
    one = df.select(id=pl.int_range(1, df.height + 1), date=pl.from_epoch("t").dt.strftime(
        "%Y-%m-%d %H:%M:%S"), latitude="lat", longitude="lon", car_id=pl.lit(1), drive_id="drive_id")  # fmt: skip
    pl.concat([one, one]).write_csv(tmp_path / "positions.csv")
    code, said = _ingest(tmp_path / "positions.csv", tmp_path / "s")
    assert code == 0 and "traj_id <- 'drive_id'" in said, said
    assert "duplicate_timestamp" in said and read_store(tmp_path / "s")["traj_id"].n_unique() == 2


# ---- (g) Metrica / TRACAB cut short under --on-error skip ---------------------------------


def _metrica(path: Path, frames: int = 200) -> list[str]:
    lines = [",,,Home,,Home,,", ",,,1,,2,,", "Period,Frame,Time [s],Player1,,Player2,,Ball,"]
    for f in range(1, frames + 1):
        a = f / frames
        lines.append(f"1,{f},{f / 25:.2f},{0.2 + 0.3 * a:.5f},0.5,0.6,{0.3 + 0.2 * a:.5f},0.5,0.5")
    return lines


def _tracab(frames: int = 200) -> list[str]:
    return [f"{1000 + f}:1,1,7,{-2000 + 5 * f},300,0.00;0,2,4,100,{-500 + 3 * f},0.00;:0,0,0,"
            "0.00,H,Alive;:" for f in range(frames)]  # fmt: skip


@pytest.mark.parametrize("kind", ["metrica", "tracab"])
def test_a_feed_cut_short_is_counted_and_said_under_skip(tmp_path, kind):
    lines = _metrica(tmp_path) if kind == "metrica" else _tracab()
    name = "Home.csv" if kind == "metrica" else "match.dat"
    (tmp_path / name).write_text("\n".join(lines[:150]) + "\n" + lines[150][:22])
    origin = ["--time-origin", "2026-11-03T15:00:00Z"]
    code, said = _ingest(tmp_path / name, tmp_path / "s1", *origin)
    assert code != 0 and "line 151" in said and "--on-error skip" in said
    code, said = _ingest(tmp_path / name, tmp_path / "s2", *origin, "--on-error", "skip")
    assert code == 0, said
    assert "line 151" in said and "left out" in said and "cut_short_line" in said
    man = json.loads((tmp_path / "s2" / "manifest.json").read_text())
    assert "cut_short_line" in json.dumps(man)
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        df = trajlm.read(tmp_path / name, time_origin="2026-11-03T15:00:00Z", on_error="skip")
    assert df.height > 0 and any("cut_short_line" in str(w.message) for w in got)


def test_a_metrica_header_cut_short_is_said_as_such(tmp_path):
    lines = _metrica(tmp_path)
    (tmp_path / "Home.csv").write_text(lines[0] + "\n" + lines[1][:6])
    code, said = _ingest(
        tmp_path / "Home.csv", tmp_path / "s", "--time-origin", "2026-11-03T15:00Z"
    )
    assert code != 0 and "a Metrica header cut short: 2 of its 3 lines" in said
    assert "appear more than once" not in said


# ---- (h) a stated today in numbers ---------------------------------------------------------


def test_a_stated_today_in_numbers_is_read_by_one_rule_or_refused():
    from trajlm.llm.plan import CannotAnswer
    from trajlm.llm.stated_today import stated_today

    with pytest.raises(CannotAnswer, match="4 November or 11 April"):
        stated_today("It's 04/11/2026. How many trips yesterday?", [2026])
    for q in (
        "It's 13/11/2026. How many trips yesterday?",
        "Today is 11.13.2026. trips yesterday?",
    ):
        assert "12 November 2026" in stated_today(q, [2026])
    assert "3 April 2026" in stated_today("it is 04-04-2026, trips yesterday", [2026])
    with pytest.raises(CannotAnswer, match="no date"):
        stated_today("It's 31/02/2026. How many trips yesterday?", [2026])


# ---- (i) the JSON point's swap said for a file ----------------------------------------------


def test_a_json_point_swap_is_said_with_a_files_remedy(tmp_path):
    df = _vans()
    hits = [{"_id": str(k), "_source": {"@timestamp": datetime.fromtimestamp(r["t"], UTC).isoformat(),
             "vehicle": {"id": r["vehicle_id"]}, "location": [r["lat"], r["lon"]],
             "speed_kmh": round(r["speed_mps"] * 3.6, 1)}}
            for k, r in enumerate(df.iter_rows(named=True))]  # fmt: skip
    (tmp_path / "es.json").write_text(json.dumps({"hits": {"hits": hits}}))
    code, said = _ingest(tmp_path / "es.json", tmp_path / "s")
    assert code == 0, said
    assert "'_source.location' are written latitude first" in said
    assert "lat_col=" not in said and '{"lat": ..., "lon": ...}' in said
    assert read_store(tmp_path / "s")["lat"].is_between(53.0, 54.0).all()
