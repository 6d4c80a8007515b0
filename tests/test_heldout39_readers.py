"""Session 39 (heldout39): eight held-out kinds through the readers, on the study's own seeded
generators (scripts/heldout39/gen_track.py, gen_cloud.py) and small hand-made variants.

Before (a28c0e89): a Racelogic VBOX `.vbo` was "cannot tell the format from the name"; a
Mapillary `images` answer "several latitudes ... and no time" (`geometry` beside
`computed_geometry`, `captured_at`); a Firebase Realtime Database export and a ThingsBoard
timeseries answer "no MovingPoint temporalGeometry ..."; Amazon Location's position history
"keys name no time" (`SampleTime` beside `ReceivedTime`); a DynamoDB export folder read its
manifests ("top level is not a JSON object") and left its `.json.gz` data unread; a Particle
event stream saved with curl was read as a CSV ("missing column(s) ... [':ok']").
docs/data.md "Session 39 (heldout39)"."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from helpers import read_warned, study_file, unix_of

from trajlm.data.readers import read
from trajlm.data.readers._event_stream import event_records, is_event_stream
from trajlm.data.readers._json_fields import record_fields
from trajlm.data.readers._json_reshape import reshaped
from trajlm.data.readers.vbo import is_vbo
from trajlm.errors import TrajlmInputError


def gen39(kind: str, out: Path, seed: int = 5) -> Path:
    """One set of the study's generators written into `out`; the path of its file / folder."""
    return study_file("heldout39", ("gen_track.py", "gen_cloud.py"), kind, out, seed)


_read = read_warned
_unix = unix_of


# -- Racelogic VBOX: minutes, west positive, HHMMSS.SS of the header's day ---------------------


def test_vbox_file_reads_minutes_west_positive_on_the_header_day(tmp_path: Path) -> None:
    p = gen39("vbox", tmp_path)
    assert is_vbo(p)
    lines = p.read_text().splitlines()
    first = lines[lines.index("[data]") + 1].split()
    df, _, _ = _read(p)
    assert df["traj_id"].n_unique() == 1
    row = df.sort("t").row(0, named=True)
    assert row["lat"] == pytest.approx(float(first[2]) / 60, abs=1e-7)
    assert row["lon"] == pytest.approx(-float(first[3]) / 60, abs=1e-7)  # west: negative
    assert row["lon"] < 0 and 51.9 < row["lat"] < 52.2  # Silverstone, not 60x off nor mirrored
    assert row["t"] == _unix("2026-12-05T14:03:22Z")  # `140322.00` on 05/12/2026
    assert len(df) == 480  # 8 minutes at 10 Hz, a fix a second kept


def _vbo(body: list[str], created: str | None = "File created on 31/12/2025 @ 23:59:50") -> str:
    head = [created] if created else []
    return "\r\n".join([*head, "", "[column names]", "sats time lat long velocity", "",
                        "[data]", *body]) + "\r\n"  # fmt: skip


def test_vbox_times_past_midnight_are_the_next_day(tmp_path: Path) -> None:
    rows = [f"012 {t} -02000.00000 -00030.00000 010.0" for t in
            ("235958.00", "235959.00", "000000.00", "000001.00")]  # fmt: skip
    p = tmp_path / "night.vbo"
    p.write_text(_vbo(rows))
    df, _, _ = _read(p)
    assert df.sort("t")["t"].to_list() == [_unix("2025-12-31T23:59:58Z") + k for k in range(4)]
    assert df["lat"][0] == pytest.approx(-2000 / 60)  # south: `-`; east: `-` long
    assert df["lon"][0] == pytest.approx(0.5)


def test_vbox_without_its_created_line_is_told_the_day(tmp_path: Path) -> None:
    p = tmp_path / "cut.vbo"
    p.write_text(_vbo(["012 120000.00 +03000.00000 +00030.00000 010.0"] * 3, created=None))
    with pytest.raises(TrajlmInputError, match="File created on"):
        read(p)


# -- RaceChrono CSV v3: its units and sources rows part of the header ---------------------------


def test_racechrono_csv_skips_its_units_and_sources_rows(tmp_path: Path) -> None:
    p = gen39("racechrono", tmp_path)
    df, report, said = _read(p)
    lines = p.read_text().splitlines()
    first = lines[12].split(",")
    row = df.sort("t").row(0, named=True)
    assert row["t"] == int(float(first[0]))
    assert (row["lat"], row["lon"]) == (float(first[10]), float(first[11]))
    assert "no_fix" not in report.dropped  # was: the 2 rows under the header, as no_fix
    assert "'Accuracy'" not in said  # was: "'m'" read as an accuracy value


def test_a_row_with_its_position_missing_or_in_dms_is_data(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    p.write_text("id,time,lat,lon\na,start,,\n"
                 + "".join(f"a,2026-01-01T00:00:{k:02d}Z,52.{k},4.{k}\n" for k in range(1, 9)))  # fmt: skip
    _, report, _ = _read(p)
    assert report.dropped.get("no_fix") == 1  # counted, not skipped as a label row


# -- Mapillary: the camera's geometry, captured_at, a sequence a mover -------------------------


def test_mapillary_images_read_by_sequence_at_the_camera_fix(tmp_path: Path) -> None:
    p = gen39("mapillary", tmp_path)
    data = json.loads(p.read_text())["data"]
    df, _, _ = _read(p)
    assert df["traj_id"].n_unique() == len({d["sequence"] for d in data}) == 5  # not creators
    first = min(data, key=lambda d: d["captured_at"])
    row = df.sort("t").row(0, named=True)
    assert row["t"] == first["captured_at"] // 1000
    assert [row["lon"], row["lat"]] == first["geometry"]["coordinates"]  # not computed_geometry


def test_two_measured_positions_are_still_refused() -> None:
    recs = [{"t": 1_700_000_000 + k, "a": {"lat": 1.0, "lon": 2.0}, "b": {"lat": 1.1, "lon": 2.1}}
            for k in range(5)]  # fmt: skip
    assert record_fields(recs) is None  # neither is a worked-out copy: no pick


# -- Firebase Realtime Database: records keyed by push id under each uid -----------------------


def test_firebase_export_reads_each_uid_as_a_mover(tmp_path: Path) -> None:
    p = gen39("firebase", tmp_path)
    locs = json.loads(p.read_text())["locations"]
    df, _, _ = _read(p)
    assert sorted(df["traj_id"].unique()) == sorted(locs)  # the `users` branch not read
    assert len(df) == sum(len(v) for v in locs.values())


def test_objects_of_different_shapes_are_not_made_records() -> None:
    doc = {"settings": {"a": {"x": 1}, "b": {"y": 2}}}
    assert reshaped(doc) is doc


# -- Amazon Location: SampleTime, not the service's ReceivedTime --------------------------------


def test_amazon_location_history_reads_the_sample_time(tmp_path: Path) -> None:
    d = gen39("aws", tmp_path)
    df, _, _ = _read(d)
    assert df["traj_id"].n_unique() == 4
    pos = json.loads((d / "truck-11.json").read_text())["DevicePositions"]
    got = df.filter(df["traj_id"] == "truck-11").sort("t")
    assert got["t"].to_list() == [_unix(x["SampleTime"]) for x in pos]
    assert got["lat"][0] == pos[0]["Position"][1]  # [lon, lat]


# -- DynamoDB export folder: typed values, the manifests' data files ---------------------------


def test_dynamodb_export_folder_reads_its_data_not_its_manifests(tmp_path: Path) -> None:
    d = gen39("dynamodb", tmp_path)
    df, _, said = _read(d)
    items = [json.loads(x)["Item"] for f in d.rglob("data/*.json.gz")
             for x in gzip.open(f, "rt")]  # fmt: skip
    assert len(df) == len(items) and df["traj_id"].n_unique() == 8
    one = min(items, key=lambda i: int(i["ts"]["N"]))
    row = df.sort("t").row(0, named=True)
    assert (row["lat"], row["lon"]) == (float(one["lat"]["N"]), float(one["lng"]["N"]))
    assert "not read" not in said  # the .json.gz data is what is read


def test_dynamodb_json_scan_output_is_untyped() -> None:
    doc = {"Items": [{"id": {"S": "a"}, "t": {"N": "1700000000"}, "lat": {"N": "1.5"},
                      "lon": {"N": "2"}, "tags": {"L": [{"S": "x"}]}}]}  # fmt: skip
    assert reshaped(doc) == [{"id": "a", "t": 1700000000, "lat": 1.5, "lon": 2, "tags": ["x"]}]


# -- Particle event stream: SSE lines, the payload's own fix time ------------------------------


def test_particle_event_stream_reads_each_device_at_its_fix_time(tmp_path: Path) -> None:
    p = gen39("particle", tmp_path)
    assert is_event_stream(p)
    events = [json.loads(x[6:]) for x in p.read_text().splitlines() if x.startswith("data: ")]
    df, _, _ = _read(p)
    assert df["traj_id"].n_unique() == len({e["coreid"] for e in events}) == 5
    first = min(events, key=lambda e: json.loads(e["data"])["loc"]["time"])
    row = df.sort("t").row(0, named=True)
    assert row["t"] == json.loads(first["data"])["loc"]["time"]  # not `published_at`


def test_event_stream_passes_over_data_that_is_no_json_object() -> None:
    text = ':ok\n\nevent: loc\ndata: {"a": 1}\n\nevent: ping\ndata: hello\n\n'
    assert event_records(text) == ([{"event": "loc", "a": 1}], 1)


def test_a_csv_is_no_event_stream(tmp_path: Path) -> None:
    p = tmp_path / "data.txt"
    p.write_text("data:lat,lon\n1,2\n")
    assert not is_event_stream(p)


# -- ThingsBoard: one list of {ts, value} a key ------------------------------------------------


def test_thingsboard_timeseries_answer_reads_one_record_per_ts(tmp_path: Path) -> None:
    p = gen39("thingsboard", tmp_path)
    doc = json.loads(p.read_text())
    df, _, _ = _read(p)
    assert len(df) == len(doc["latitude"])
    row = df.sort("t").row(0, named=True)
    last = doc["latitude"][-1]  # newest first: the last is the first fix
    assert row["t"] == last["ts"] // 1000 and row["lat"] == float(last["value"])
