"""Session 38 (heldout38): eight held-out kinds through the readers, on the study's own seeded
generators (scripts/heldout38/gen_logs.py, gen_devices.py) and small hand-made variants.

Before (d90d52f5): an Elasticsearch `_search` response (geo_point arrays `[lon, lat]`,
`@timestamp`) was "no MovingPoint temporalGeometry ..."; a BigQuery CSV with `ST_GEOGPOINT` WKT
in `geog` "missing column(s) ['lat', 'lon']"; a Splunk export without an id-named column was
refused as "metres on a plane" advising --crs local; an MQTT subscriber's log and InfluxDB line
protocol "cannot tell the format from the name"; GoPro's GPS5 CSV (`GPS (Lat.) [deg]`) "missing
column(s)"; TeslaMate's positions refused on the `id` row key without naming `drive_id`.
docs/data.md "Session 38 (heldout38)"."""

from __future__ import annotations

import importlib.util
import json
import warnings
from pathlib import Path

import numpy as np
import pytest

from trajlm.data.column_names import normalised
from trajlm.data.readers import read
from trajlm.data.readers._message_lines import message_kind
from trajlm.errors import TrajlmInputError

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts" / "heldout38"


def _gen(kind: str, out: Path, seed: int = 5) -> Path:
    """One set of the study's generators written into `out`; the path of its file."""
    for script in ("gen_logs.py", "gen_devices.py"):
        spec = importlib.util.spec_from_file_location("heldout38_gen", SCRIPTS / script)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)  # type: ignore[union-attr]
        if kind in mod.FILES:
            getattr(mod, kind)(np.random.default_rng(seed), out)
            return out / mod.FILES[kind]
    raise KeyError(kind)


def _read(path: Path, **kw):  # noqa: ANN202
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out, _ = read(path, **kw)
    return out, " ".join(str(x.message) for x in w)


def _movers(df) -> int:  # noqa: ANN001
    return df["traj_id"].n_unique()


# -- Elasticsearch: hits._source, geo_point [lon, lat], @timestamp -----------------------------


def test_elasticsearch_search_response_reads_geo_point_arrays(tmp_path: Path) -> None:
    p = _gen("elastic", tmp_path)
    hits = json.loads(p.read_text())["hits"]["hits"]
    df, _ = _read(p)
    assert _movers(df) == len({h["_source"]["vehicle"]["id"] for h in hits}) == 9
    assert len(df) == len(hits)
    first = min(hits, key=lambda h: h["_source"]["@timestamp"])
    lon, lat = first["_source"]["location"]
    row = df.sort("t").row(0, named=True)
    assert (row["lat"], row["lon"]) == (lat, lon)  # Elasticsearch's array order, not swapped


def test_a_pair_named_lat_first_is_read_lat_first(tmp_path: Path) -> None:
    recs = [{"ts": f"2026-11-03T08:{m:02d}:00Z", "id": "a", "latlng": [52.0 + m / 1e3, 4.3]}
            for m in range(30)]  # fmt: skip
    p = tmp_path / "points.json"
    p.write_text(json.dumps({"data": recs}))
    df, _ = _read(p)
    assert df["lat"].min() == pytest.approx(52.0) and df["lon"].max() == pytest.approx(4.3)


def test_normalised_reads_at_timestamp_and_a_qualifier_in_parentheses() -> None:
    assert normalised("@timestamp") == "timestamp"
    assert normalised("_source.@timestamp") == "_source_timestamp"
    assert normalised("GPS (Lat.) [deg]") == "gps_lat"
    assert normalised("_id") == "_id"  # a row key keeps its underscore
    assert normalised("Time (UTC)") == "time"


# -- BigQuery: a WKT POINT column whatever its name ---------------------------------------------


def test_bigquery_geog_wkt_column_is_the_position(tmp_path: Path) -> None:
    p = _gen("bigquery", tmp_path)
    df, _ = _read(p)
    assert _movers(df) == 8
    line = p.read_text().splitlines()[1].split(",")
    lon, lat = line[2].removeprefix("POINT(").removesuffix(")").split()
    got = df.filter((df["traj_id"] == line[0]) & (df["lat"] == float(lat)))
    assert len(got) == 1 and got["lon"][0] == float(lon)


def test_a_text_column_not_all_wkt_is_not_a_position(tmp_path: Path) -> None:
    p = tmp_path / "mixed.csv"
    rows = [f"v1,2026-11-03 08:{m:02d}:00 UTC,POINT(4.3 52.0)" for m in range(20)]
    p.write_text("vehicle_id,ts,note\n" + "\n".join(rows + ["v1,2026-11-03 09:00:00 UTC,n/a"]))
    with pytest.raises(TrajlmInputError, match="missing column"):
        read(p)


# -- Splunk: one mover's jumps are several movers, not metres on a plane ---------------------------


def test_splunk_export_without_id_is_read_by_its_unit_on_the_path_route(tmp_path: Path) -> None:
    """Was: "1 repeated time(s) at a different position ... on_error="skip""; then (session
    38) told `traj_col=NAME`; since leftover39 its `unit`, the one mover-named column whose
    values keep the steps possible (the file newest first), is read as the id, said."""
    import trajlm

    p = _gen("splunk", tmp_path)
    with pytest.warns(UserWarning, match="'unit' read as the trajectory id"):
        df = trajlm.read(p)
    assert df["traj_id"].n_unique() == 10


def test_a_plane_of_metres_is_still_told_crs_local() -> None:
    import polars as pl

    from trajlm.data.local_plane import interleaved_movers

    pitch = pl.DataFrame({"traj_id": ["a"] * 4, "t": [0, 1, 2, 3],
                          "lat": [-30.0, 12.0, 33.0, -5.0], "lon": [-50.0, 40.0, 2.0, 51.0]})  # fmt: skip
    city = pitch.with_columns(lat=40.4 + pl.col("lat") / 1e3, lon=-3.7 + pl.col("lon") / 1e3)
    assert not interleaved_movers(pitch) and interleaved_movers(city)
    k = pl.int_range(0, 60, eager=True).cast(pl.Float64)  # one car, its times 60x too short
    smooth = pl.DataFrame({"traj_id": ["a"] * 60, "t": k, "lat": 40.4 + k * 3e-4,
                           "lon": -3.7 + (k * 0.3).sin() * 1e-4})  # fmt: skip
    assert not interleaved_movers(smooth)  # fast, but no jumps across the area


# -- MQTT subscriber log: the mover in the topic ------------------------------------------------


def test_mqtt_log_reads_the_mover_from_the_topic(tmp_path: Path) -> None:
    p = _gen("mqtt", tmp_path)
    assert message_kind(p) == "mqtt"
    df, said = _read(p)
    assert _movers(df) == 7 and len(df) == len(p.read_text().splitlines())
    assert "topic's level 2" in said


def test_mqtt_payload_with_its_own_id_and_a_text_payload(tmp_path: Path) -> None:
    lines = [f'tele/gw1/pos {{"id": "car{k % 2}", "ts": {1793687543 + 10 * k}, '
             f'"lat": {55.6 + k / 1e4}, "lon": 12.5}}' for k in range(40)]  # fmt: skip
    p = tmp_path / "sub.log"
    p.write_text("\n".join([*lines, "tele/gw1/LWT Online"]) + "\n")
    df, said = _read(p)
    assert _movers(df) == 2  # the payload's id, not the one topic
    assert "1 line(s) whose payload is no JSON object" in said


def test_a_log_of_other_lines_is_no_message_dump(tmp_path: Path) -> None:
    p = tmp_path / "app.log"
    p.write_text("".join(f"2026-11-03 08:00:{s:02d} INFO started worker {s}\n" for s in range(9)))
    assert message_kind(p) is None


# -- InfluxDB line protocol -----------------------------------------------------------------


def test_influx_line_protocol_export(tmp_path: Path) -> None:
    p = _gen("influx", tmp_path)
    assert message_kind(p) == "line_protocol"
    df, _ = _read(p)
    body = [x for x in p.read_text().splitlines() if not x.startswith(("#", "CREATE"))]
    assert _movers(df) == 6 and len(df) == len(body)
    first = min(body, key=lambda x: int(x.rsplit(" ", 1)[1]))
    assert df["t"].min() == int(first.rsplit(" ", 1)[1]) // 10**9


def test_line_protocol_escapes_strings_and_second_precision(tmp_path: Path) -> None:
    lines = [f'pos,device=van\\ 1,site=a lat={52 + k / 1e4},lon=4.3,note="ok, fine",n={k}i '
             f"{1793687543 + 10 * k}" for k in range(30)]  # fmt: skip
    p = tmp_path / "pos.lp"
    p.write_text("\n".join(lines) + "\n")
    df, _ = _read(p)
    assert df["traj_id"].unique().to_list() == ["van 1"]
    assert df["t"].min() == 1793687543 and len(df) == 30


# -- GoPro GPS5, TeslaMate, Samsung Health -------------------------------------------------------


def test_gopro_gps5_csv(tmp_path: Path) -> None:
    p = _gen("gopro", tmp_path)
    df, report = read(p)
    assert _movers(df) == 1 and df["lat"].is_between(47.1, 47.4).all()
    assert len(df) < 4400 / 15  # ~18 Hz kept at one fix a second, as every logger's
    assert "sub_second_fix" in str(report.__dict__)


def test_teslamate_positions_read_by_drive(tmp_path: Path) -> None:
    p = _gen("teslamate", tmp_path)
    df, _ = _read(p)
    assert _movers(df) == 12  # drive_id, not the row key `id`


def test_row_key_beside_two_non_trip_ids_names_them(tmp_path: Path) -> None:
    rows = [f"{k},2026-11-03 08:{k // 60:02d}:{k % 60:02d},{52 + k / 1e4},4.3,{k % 2},{k % 3}"
            for k in range(150)]  # fmt: skip
    p = tmp_path / "pos.csv"
    p.write_text("id,date,latitude,longitude,car_id,fleet_id\n" + "\n".join(rows))
    with pytest.raises(TrajlmInputError, match="'car_id' / 'fleet_id' may name the mover"):
        read(p)


def test_samsung_health_export_folder(tmp_path: Path) -> None:
    p = _gen("samsung", tmp_path)
    df, _ = _read(p)
    assert _movers(df) == 6


def test_a_bare_power_is_watts_only_beside_a_rider_s_sensors() -> None:
    from trajlm.data.readers._sensors import table_sensors

    car = ["id", "date", "latitude", "longitude", "speed", "power", "car_id", "drive_id"]
    assert "power_w" not in table_sensors(car, set())  # TeslaMate's kW (was kept as watts)
    ride = ["time", "lat", "lon", "hr", "cadence", "power"]
    assert table_sensors(ride, set())["power_w"] == "power"
    assert table_sensors(["time", "lat", "lon", "watts"], set())["power_w"] == "watts"
