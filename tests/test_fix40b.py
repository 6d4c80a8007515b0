"""Session 40 (fix40b): badin40's and fix40's leftovers (docs/reliability.md "Session 40
(fix40b)"): a stop shorter than the data's own sampling interval refused in one line (badin40
319: no stop found, nothing said), MQTT logs whose payloads no rule reads said as such, key=value
payloads saved without their topic read. Synthetic data only."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from reliability_helpers import fails, invoke, said

import trajlm
from trajlm.data.clean_split import StopSplitter
from trajlm.errors import TrajlmInputError

T0 = 1_793_692_800


def _stay(n: int = 2200, step_s: float = 0.4) -> pl.DataFrame:
    """A walker every `step_s` s: moving 11 m a fix, standing still from fix 100 to 2000."""
    lat = [40.7 + (1e-4 * i if i < 100 or i > 2000 else 0.01) for i in range(n)]
    return pl.DataFrame({"traj_id": ["a"] * n, "t": [T0 + step_s * i for i in range(n)],
                         "lat": lat, "lon": [-74.0] * n})  # fmt: skip


def test_stop_shorter_than_the_sampling_interval_is_refused_naming_both() -> None:
    with pytest.raises(TrajlmInputError) as e:
        StopSplitter(min_duration_s=0.06).apply(_stay())
    text = str(e.value)
    assert "--stop-minutes" in text and "0.06 s" in text and "0.4 s between fixes" in text
    assert "0.00667 min" in text  # the shortest stop that can hold two fixes, rounded up


def test_a_stop_as_long_as_the_interval_or_longer_still_splits() -> None:
    from trajlm.data.clean_split import sampling_interval_s

    assert sampling_interval_s(_stay()) == pytest.approx(0.4)
    out, report = StopSplitter(min_duration_s=600).apply(_stay())
    assert report.to_dict()["repaired"]["stop_splits"] == 1
    _, report = StopSplitter(min_duration_s=0.4).apply(_stay(300))  # 0.4 s holds two fixes
    assert report.to_dict()["dropped"].get("stopped", 0) > 0


def test_ingest_refuses_stop_minutes_under_the_interval_and_writes_nothing(tmp_path: Path) -> None:
    src = tmp_path / "stay.csv"
    df = _stay().rename({"traj_id": "device", "t": "ts"})
    df.write_csv(src)
    before = src.read_bytes()
    out = tmp_path / "store"
    text = fails("data", "ingest", src, "--out", out, "--sub-second", "--split-at-stops",
                 "--stop-minutes", "0.001", names=("--stop-minutes", "0.4 s"))  # fmt: skip
    assert "no stop can be found" in text
    assert not out.exists() and src.read_bytes() == before
    r = invoke("data", "ingest", src, "--out", tmp_path / "ok", "--sub-second",
               "--split-at-stops", "--stop-minutes", "1")  # fmt: skip
    assert r.exit_code == 0, said(r)


def _log(tmp_path: Path, name: str, lines: list[str]) -> Path:
    p = tmp_path / name
    p.write_text("\n".join(lines) + "\n")
    return p


@pytest.mark.parametrize(
    ("lines", "words"),
    [
        ([f"fleet/{d}/gps 40.7{i:02d},-74.0{i:02d}" for i in range(15) for d in "ab"],
         ("line 1", "'40.700,-74.000'", "2 numbers and no Unix time")),
        ([f"fleet/{d}/gps {T0 + 10 * i},nan,nan" for i in range(15) for d in "ab"],
         ("line 1", "no rule reads its payload '1793692800,nan,nan'")),
        (["fleet/cb016/status online"] * 5, ("line 1", "'online'", "JSON objects, key=value")),
        (["", "fleet/cb016/gps"] * 5, ("line 2", "topic with no payload", "mosquitto_sub -v")),
        ([f"fleet/cb0/gps lat=40.7;lon=-74.0;ts={T0}"], ("one MQTT log line", "one fix")),
    ],
)  # fmt: skip
def test_mqtt_logs_no_rule_reads_say_what_they_lack(tmp_path: Path, lines, words) -> None:
    """badin40 141-147: each was "cannot tell the format from the name; pass --format"."""
    src = _log(tmp_path, "gps.log", lines)
    with pytest.raises(TrajlmInputError) as e:
        trajlm.read(src)
    text = str(e.value)
    assert "gps.log" in text and "cannot tell the format" not in text
    for word in words:
        assert word in text, text


def test_key_value_payloads_without_their_topic_are_read_as_one_mover(tmp_path: Path) -> None:
    """fix40's leftover: `mosquitto_sub` without -v writes the payloads alone."""
    one = [
        f"lat={40.7 + 1e-4 * i:.5f};lon={-74.0 + 1e-4 * i:.5f};ts={T0 + 10 * i}" for i in range(30)
    ]
    with pytest.warns(UserWarning, match="without their topics.*read as one mover"):
        df = trajlm.read(_log(tmp_path, "one.log", one))
    assert df.height == 30 and df["traj_id"].n_unique() == 1
    assert df["lat"].min() == pytest.approx(40.7)
    two = [f"lat={40.7 + 1e-4 * i + 0.05 * k:.5f};lon=-74.0;ts={T0 + 10 * i}"
           for i in range(30) for k in range(2)]  # fmt: skip
    with pytest.raises(TrajlmInputError, match="several movers mixed.*no line names its topic"):
        trajlm.read(_log(tmp_path, "two.log", two))


def _json(tmp_path: Path, name: str, doc: object) -> Path:
    p = tmp_path / name
    p.write_text(json.dumps(doc))
    return p


_PUSH = {"latitude": 52.24, "longitude": 21.04, "timestamp": 1_794_240_122_000}


@pytest.mark.parametrize(
    ("doc", "words"),
    [
        ({"locations": {}}, ("$.locations is {}", "no position records")),
        ({"locations": None}, ("$.locations is null",)),
        ({"locations": {"uid1": {"-push1": _PUSH}}}, ("one position record", "$.locations.uid1.-push1")),
        ({"latitude": [{"ts": T0 * 1000 + i, "value": "45.6"} for i in range(5)]},
         ("one series ('latitude'", "no longitude series")),
    ],
)  # fmt: skip
def test_emptied_or_cut_exports_say_what_is_missing(tmp_path: Path, doc, words) -> None:
    """badin40 270-272, 301: Firebase / ThingsBoard documents emptied or cut were "no
    MovingPoint temporalGeometry ..."."""
    with pytest.raises(TrajlmInputError) as e:
        trajlm.read(_json(tmp_path, "export.json", doc))
    text = str(e.value)
    assert "export.json" in text and "MovingPoint" not in text
    for word in words:
        assert word in text, text


def test_event_streams_without_data_or_with_cut_payloads_say_so(tmp_path: Path) -> None:
    """badin40 293, 294, 296: a Particle stream of `:ok` only was "missing column(s) [':ok']",
    one whose JSON text payloads were cut "top level is not a JSON object"."""
    waiting = tmp_path / "waiting.txt"
    waiting.write_text(":ok\n\nevent: loc\n\n")
    with pytest.raises(TrajlmInputError, match="waiting.txt.*event stream.*no `data:` line"):
        trajlm.read(waiting)
    inner = '{\\"cmd\\":\\"loc\\",\\"loc\\":{\\"lat\\":30.26,\\"lo:-97.7}}'
    cut = tmp_path / "cut.txt"
    cut.write_text(":ok\n\n" + "".join(
        f'event: loc\ndata: {{"data":"{inner}","coreid":"e00f"}}\n\n' for _ in range(3)))  # fmt: skip
    with pytest.raises(
        TrajlmInputError, match="cut.txt.*JSON text in 'data', which does not parse"
    ):
        trajlm.read(cut)


def test_a_bad_time_in_json_records_names_the_records_own_key(tmp_path: Path) -> None:
    """badin40 265, 290: a Mapillary `captured_at` / Amazon Location `SampleTime` that is no
    time was said of `timestamp`, a name the file does not hold."""
    doc = {"DevicePositions": [{"DeviceId": "truck-11", "Position": [-122.28 + 1e-4 * i, 47.59],
                                "SampleTime": "soon"} for i in range(5)]}  # fmt: skip
    with pytest.raises(TrajlmInputError, match="field SampleTime: time is missing"):
        trajlm.read(_json(tmp_path, "positions.json", doc))


_RC = ["This file is created using RaceChrono v9.0.6 ( http://racechrono.com/ ).", "Format,3",
       'Session title,"Silverstone 5 Dec"', "Session type,Lap timing", "Created,05/12/2026,15:33",
       "Note,", ""]  # fmt: skip


def test_a_lap_timer_export_of_its_preamble_alone_says_there_is_no_table(tmp_path: Path) -> None:
    """badin40 254, 259: was "missing column(s) ... the file has ['This file is created ...']"."""
    head = tmp_path / "head.csv"
    head.write_text("\n".join([*_RC, "Timestamp,Fragment ID,Latitude,Longitude,Speed"]) + "\n")
    with pytest.raises(TrajlmInputError, match="head.csv: the file ends after its header .line 8"):
        trajlm.read(head)
    title = tmp_path / "title.csv"
    title.write_text("\n".join(_RC) + "\n")
    with pytest.raises(TrajlmInputError, match="title.csv: 7 line.s. of text and no table"):
        trajlm.read(title)
    other = tmp_path / "other.csv"  # a table of names no rule reads: the old line
    other.write_text("a,b\n1,2\n3,4\n")
    with pytest.raises(TrajlmInputError, match="missing column"):
        trajlm.read(other)


def test_read_refuses_a_column_keyword_naming_read_and_the_way_on(tmp_path: Path) -> None:
    """badin40 70: `trajlm.read(path, traj_col=)` was Python's TypeError naming `read_file`."""
    src = tmp_path / "a.csv"
    _stay(20).write_csv(src)
    with pytest.raises(TypeError, match=r"trajlm.read\(\) takes no column names \(traj_col='_id'\)"
                       r"; trajlm.ingest.*model call given the path takes traj_col="):  # fmt: skip
        trajlm.read(src, traj_col="_id")
    with pytest.raises(TypeError, match="did you mean format="):
        trajlm.read(src, fromat="csv")


def _wkt_csv(tmp_path: Path, name: str, first: float, second: float) -> Path:
    p = tmp_path / name
    rows = [f'a,{T0 + 10 * i},"POINT({first + 1e-4 * i:.5f} {second + 1e-4 * i:.5f})"'
            for i in range(30)]  # fmt: skip
    p.write_text("device,ts,geog\n" + "\n".join(rows) + "\n")
    return p


def test_wkt_points_with_no_speed_landing_in_a_polar_circle_are_said_not_swapped(
    tmp_path: Path,
) -> None:
    """fix40's leftover: New York written POINT(lat lon) with no speed was read near
    Antarctica unsaid. Nothing tells the order, so it is read as WKT writes it, and said."""
    with pytest.warns(UserWarning, match="inside a polar circle.*no speed or course.*40.7000 N"):
        df = trajlm.read(_wkt_csv(tmp_path, "ny.csv", 40.7, -74.0))
    assert df["lat"].min() == pytest.approx(-74.0)  # read as written, not guessed
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # WKT order off the poles: nothing said
        trajlm.read(_wkt_csv(tmp_path, "ok.csv", -74.0, 40.7))
    with warnings.catch_warnings():  # a polar track both ways round (Svalbard): nothing said
        warnings.simplefilter("error")
        trajlm.read(_wkt_csv(tmp_path, "svalbard.csv", 78.2, 78.2))


def test_a_point_of_two_number_texts_in_a_list_is_named(tmp_path: Path) -> None:
    """badin40 85: an Elasticsearch geo_point saved as ["-9.14", "38.7"] was "keys name no
    latitude and no longitude", its key not among those listed."""
    hits = [{"_id": f"v-{i}", "_source": {"vehicle": "v1", "@timestamp": T0 + 10 * i,
             "location": [f"{-9.14 + 1e-4 * i:.4f}", "38.7"]}} for i in range(10)]  # fmt: skip
    with pytest.raises(TrajlmInputError, match=r"'_source.location' holds \['-9.1400', '38.7'\]: "
                       "two numbers written as text"):  # fmt: skip
        trajlm.read(_json(tmp_path, "hits.json", {"hits": {"hits": hits}}))


def test_times_on_an_hours_only_offset_are_answered_on_it() -> None:
    """badin40 202: times written `...+03` (ISO 8601's hours-only offset) were answered in Z."""
    rows = [{"traj_id": d, "ts": f"2026-11-03T08:{i // 2:02d}:{30 * (i % 2):02d}+03",
             "lat": 40.703 + 0.01 * k, "lon": -73.997 + 1e-4 * i}
            for k, d in enumerate("ab") for i in range(16)]  # fmt: skip
    got = trajlm.parked(pl.DataFrame(rows))
    assert got["last_fix"].to_list() == ["2026-11-03T08:07:30+03:00"] * 2


def test_http_answers_on_an_hours_only_offset() -> None:
    """badin40 202: /parked on times ending `+03` answered `...Z` (the HTTP route's own offset
    reading)."""
    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    from fastapi.testclient import TestClient
    from helpers import tiny_infill_trajlm

    from trajlm.serve import create_app

    rows = [{"traj_id": "a", "ts": f"2026-11-03T08:{i // 2:02d}:{30 * (i % 2):02d}+03",
             "lat": 40.703, "lon": -73.997 + 1e-4 * i} for i in range(16)]  # fmt: skip
    with TestClient(create_app(tiny_infill_trajlm())) as client:
        r = client.post("/parked", json={"trajectories": rows})
    assert r.status_code == 200, r.text
    assert r.json()["results"][0]["last_fix"].endswith("+03:00"), r.text
