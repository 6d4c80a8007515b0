"""Session 36 (heldout36): eight held-out kinds through the readers.

Before: an ORC file (Hive / Spark) and an Avro container (a Kafka Connect sink) were "cannot
tell the format from the name"; `kcat -J` lines (the fix as JSON text in `payload`, the
envelope's `ts` the send time) "missing column(s) ['traj_id', 'lat', 'lon']"; Endomondo's
workouts (lists of one-key objects) "keys name no time"; a TopoJSON Topology "no MovingPoint
temporalGeometry ..."; a Citi Bike trip table was asked which latitude to read (ingest) or its
time column (frames, `trajlm predict --input`), as if it held tracks. docs/data.md "Session 36
(heldout36)"."""

from __future__ import annotations

import gzip
import json
import warnings
from pathlib import Path

import pandas as pd
import pytest

import trajlm
from trajlm.data.readers import read
from trajlm.errors import TrajlmInputError

T0 = 1793692800  # 2026-11-03 08:00:00 UTC


def _fixes(n: int = 20, movers: int = 2) -> list[dict]:
    """`movers` vans 3 km apart, a fix every 10 s, rows in time order (interleaved)."""
    return [{"van": f"V{j}", "t": T0 + 10 * k, "lat": 53.55 + 0.03 * j + k * 1e-4,
             "lon": 9.99 + k * 1e-4} for k in range(n) for j in range(movers)]  # fmt: skip


# -- ORC / Avro -------------------------------------------------------------------------------


def _orc(path: Path, rows: list[dict]) -> None:
    import pyarrow as pa
    import pyarrow.orc as orc

    orc.write_table(pa.table({
        "device_id": [r["van"] for r in rows],
        "event_time": pa.array([pd.Timestamp(r["t"], unit="s").to_pydatetime() for r in rows],
                               pa.timestamp("ms")),
        "latitude": [r["lat"] for r in rows], "longitude": [r["lon"] for r in rows],
    }), str(path))  # fmt: skip


def test_an_orc_file_reads_as_a_table(tmp_path: Path) -> None:
    p = tmp_path / "positions.orc"
    _orc(p, _fixes())
    out, _ = read(p)  # was: "cannot tell the format from the name"
    assert sorted(out["traj_id"].unique()) == ["V0", "V1"]
    assert out.height == 40 and out["t"].min() == T0


def test_a_hive_folder_of_orc_parts_reads_every_part(tmp_path: Path) -> None:
    rows = _fixes()
    for day, half in (("2026-11-03", rows[:20]), ("2026-11-04", rows[20:])):
        d = tmp_path / "positions" / f"dt={day}"
        d.mkdir(parents=True)
        _orc(d / "part-00000-3f1c.c000.snappy.orc", half)
    out, _ = read(tmp_path / "positions")
    assert out.height == 40 and sorted(out["traj_id"].unique()) == ["V0", "V1"]


def test_an_avro_container_with_a_nested_position_reads(tmp_path: Path) -> None:
    import polars as pl

    rows = _fixes()
    p = tmp_path / "telemetry.avro"
    pl.DataFrame({
        "vehicleId": [r["van"] for r in rows],
        "recordedAt": pl.Series([r["t"] * 1000 for r in rows]).cast(pl.Datetime("ms")),
        "position": [{"latitude": r["lat"], "longitude": r["lon"]} for r in rows],
    }).write_avro(p)  # fmt: skip
    out, _ = read(p)  # was: "cannot tell the format from the name"
    assert sorted(out["traj_id"].unique()) == ["V0", "V1"] and out.height == 40
    assert out["t"].min() == T0
    v0 = out.filter(out["traj_id"] == "V0").sort("t")
    assert abs(v0["lat"][0] - 53.55) < 1e-9 and abs(v0["lon"][0] - 9.99) < 1e-9


@pytest.mark.parametrize("name, what", [("telemetry.avro", "an Avro object container file"),
                                        ("positions.orc", "an ORC file")])  # fmt: skip
def test_a_damaged_lake_file_is_one_line(tmp_path: Path, name: str, what: str) -> None:
    p = tmp_path / name
    p.write_bytes(b"Obj\x01 not really a table")
    with pytest.raises(TrajlmInputError, match=f"not readable as {what}"):
        read(p)


# -- message envelopes ------------------------------------------------------------------------


def _envelopes(path: Path, late_s: int = 30) -> None:
    lines = []
    for off, r in enumerate(_fixes()):
        msg = {"vehicle_id": r["van"], "lat": r["lat"], "lon": r["lon"],
               "fix_time": pd.Timestamp(r["t"], unit="s").strftime("%Y-%m-%dT%H:%M:%SZ")}  # fmt: skip
        lines.append({"topic": "vehicle-positions", "partition": 0, "offset": off,
                      "ts": (r["t"] + late_s) * 1000, "key": r["van"],
                      "payload": json.dumps(msg)})  # fmt: skip
    with gzip.open(path, "wt") as f:
        f.write("".join(json.dumps(x) + "\n" for x in lines))


def test_kcat_envelopes_read_the_fix_and_its_time_not_the_send_time(tmp_path: Path) -> None:
    p = tmp_path / "vehicle-positions.ndjson.gz"
    _envelopes(p)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out, _ = read(p)  # was: "missing column(s) ['traj_id', 'lat', 'lon']"
    assert sorted(out["traj_id"].unique()) == ["V0", "V1"] and out.height == 40
    assert out["t"].min() == T0  # the fix's time, not the envelope's ts (30 s later)
    assert any("message envelope" in str(x.message) and "'payload'" in str(x.message) for x in w)


def test_json_text_beside_a_position_of_its_own_is_left_alone(tmp_path: Path) -> None:
    p = tmp_path / "rows.jsonl"
    rows = [
        {"vehicle_id": r.pop("van"), **r, "meta": json.dumps({"lat": 1.0, "lon": 2.0})}
        for r in _fixes()
    ]
    p.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out, _ = read(p)
    assert out.height == 40 and abs(out["lat"].min() - 53.55) < 1e-9  # not the meta's 1.0


# -- trip logs --------------------------------------------------------------------------------

_CITIBIKE = ("ride_id,rideable_type,started_at,ended_at,start_station_name,start_station_id,"
             "end_station_name,end_station_id,start_lat,start_lng,end_lat,end_lng,member_casual")  # fmt: skip
_LEGACY = ('"tripduration","starttime","stoptime","start station id","start station name",'
           '"start station latitude","start station longitude","end station id",'
           '"end station name","end station latitude","end station longitude","bikeid"')  # fmt: skip


def _trip_log(path: Path, header: str) -> Path:
    rows = [header]
    for i in range(6):
        rows.append(",".join([f"R{i}", "classic_bike", f"2026-11-0{i + 1} 08:00:00.000",
                              f"2026-11-0{i + 1} 08:12:00.000", "W 21 St", "6140.05", "E 2 St",
                              "5556.02", "40.74", "-73.99", "40.72", "-73.98", "member"]))  # fmt: skip
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.mark.parametrize("header", [_CITIBIKE, _LEGACY], ids=["2021", "legacy"])
def test_a_bike_share_trip_table_is_told_a_trip_log(tmp_path: Path, header: str) -> None:
    p = _trip_log(tmp_path / "tripdata.csv", header)
    with pytest.raises(TrajlmInputError, match="a trip log: one row per trip") as e:
        read(p)
    assert "not trajectories" in str(e.value) and "--lat-col" not in str(e.value)


def test_a_trip_log_frame_is_told_before_its_time_column() -> None:
    df = pd.read_csv(pd.io.common.StringIO(_CITIBIKE + "\nR0,classic_bike,2026-11-01 08:00:00,"
                                           "2026-11-01 08:12:00,a,1,b,2,40.74,-73.99,40.72,"
                                           "-73.98,member\n"))  # fmt: skip
    with pytest.raises(TrajlmInputError, match="a trip log") as e:
        trajlm.to_canonical(df)
    assert "no t column" not in str(e.value)  # was: "no t column: none of the recognised names"


def test_a_track_with_start_and_end_columns_beside_its_own_is_a_track(tmp_path: Path) -> None:
    p = tmp_path / "track.csv"
    p.write_text("id,time,lat,lon,start_lat,start_lon,end_lat,end_lon\n" + "".join(
        f"a,2026-11-03T08:00:{k * 5:02d}Z,{40.74 + k * 1e-4},-73.99,40.74,-73.99,40.75,-73.98\n"
        for k in range(8)))  # fmt: skip
    out, _ = read(p)
    assert out.height == 8  # a plain lat / lon pair: read, not a trip log


# -- TopoJSON ---------------------------------------------------------------------------------


def _topology(quantized: bool) -> tuple[dict, list[tuple[float, float]]]:
    pts = [(4.89 + k * 1e-3, 52.37 + k * 5e-4) for k in range(10)]
    times = [pd.Timestamp(T0 + 4 * k, unit="s").strftime("%Y-%m-%dT%H:%M:%SZ") for k in range(10)]
    if quantized:
        sx, sy, tx, ty = 1e-5, 1e-5, 4.0, 52.0
        q = [(round((x - tx) / sx), round((y - ty) / sy)) for x, y in pts]
        arc = [list(q[0])] + [[q[i][0] - q[i - 1][0], q[i][1] - q[i - 1][1]] for i in range(1, 10)]
        extra = {"transform": {"scale": [sx, sy], "translate": [tx, ty]}}
    else:
        arc, extra = [list(p) for p in pts], {}
    # the track stored as one arc, drawn backwards (~0): the geometry reverses it
    geom = {"type": "LineString", "arcs": [~0],
            "properties": {"name": "Rit 1", "coordTimes": times[::-1]}}  # fmt: skip
    doc = {"type": "Topology", "arcs": [arc], **extra,
           "objects": {"tracks": {"type": "GeometryCollection", "geometries": [geom]}}}  # fmt: skip
    return doc, pts


@pytest.mark.parametrize("quantized", [True, False])
def test_a_topojson_track_reads_with_its_times(tmp_path: Path, quantized: bool) -> None:
    doc, pts = _topology(quantized)
    p = tmp_path / "tracks.topojson"
    p.write_text(json.dumps(doc))
    out, _ = read(p)  # was: "no MovingPoint temporalGeometry ..."
    out = out.sort("t")
    assert out.height == 10 and out["t"].min() == T0 and out["t"].max() == T0 + 36
    assert abs(out["lon"][-1] - pts[-1][0]) < 1e-5 and abs(out["lat"][-1] - pts[-1][1]) < 1e-5


# -- Endomondo --------------------------------------------------------------------------------


def _workout(t0: int, n: int = 12) -> list:
    points = [[{"location": [[{"latitude": 59.31 + k * 1e-4}, {"longitude": 18.07}]]},
               {"altitude": 20.0}, {"distance": k * 0.01},
               {"timestamp": pd.Timestamp(t0 + 3 * k, unit="s").strftime("%a %b %d %H:%M:%S UTC %Y")}]
              for k in range(n)]  # fmt: skip
    return [{"name": "Running"}, {"sport": "RUNNING"}, {"start_time": "2026-11-03 08:00:00.0"},
            {"duration_s": 33}, {"points": points}]  # fmt: skip


def test_an_endomondo_workout_reads_with_its_java_date_times(tmp_path: Path) -> None:
    d = tmp_path / "Workouts"
    d.mkdir()
    (d / "2026-11-03 08:00:00.0.json").write_text(json.dumps(_workout(T0)))
    (d / "2026-11-05 08:00:00.0.json").write_text(json.dumps(_workout(T0 + 2 * 86400)))
    out, _ = read(d)  # was: "... look like positions but their keys name no time"
    assert out["traj_id"].n_unique() == 2 and out.height == 24
    assert out["t"].min() == T0 and abs(out["lat"].max() - (59.31 + 11e-4)) < 1e-9


def test_record_lists_are_not_reshaped() -> None:
    from trajlm.data.readers._keyed_lists import merged

    records = [{"lat": 1.0}, {"lat": 2.0}]  # one key each, the same key: records
    assert merged(records) is records
    plain = {"points": [{"lat": 1.0, "lon": 2.0, "t": 3}]}
    assert merged(plain) is plain


def test_a_damaged_topology_is_one_line(tmp_path: Path) -> None:
    doc, _ = _topology(quantized=True)
    doc["transform"] = {"scale": [1e-5, 1e-5]}  # no translate
    p = tmp_path / "tracks.topojson"
    p.write_text(json.dumps(doc))
    with pytest.raises(TrajlmInputError, match="TopoJSON Topology whose arcs or transform") as e:
        read(p)
    assert str(e.value).count("field $") == 1


# -- probe traces -----------------------------------------------------------------------------


def test_a_probe_table_keyed_by_traceid_is_read_by_trace(tmp_path: Path) -> None:
    p = tmp_path / "probes.csv"
    rows = _fixes()
    p.write_text("traceid,timestamp,lat,lon,heading,speed\n" + "".join(
        f"{r['van']}X9,{pd.Timestamp(r['t'], unit='s'):%Y-%m-%d %H:%M:%S},{r['lat']},{r['lon']},"
        f"90,36\n" for r in rows))  # fmt: skip
    out, _ = read(p)  # was: "no column is recognised as the trajectory id ... --traj-col"
    assert sorted(out["traj_id"].unique()) == ["V0X9", "V1X9"] and out.height == 40
