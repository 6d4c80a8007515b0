"""Session 40 (heldout40): eight held-out kinds through the readers, on the study's own seeded
generators (scripts/heldout40/gen_radio.py, gen_export.py) and small hand-made variants.

Before (32ac984f): an APRS log (aprs.fi raw packets) was read as a CSV of its commas ("missing
column(s)"); Meshtastic's MQTT JSON "keys name no latitude" (`payload.latitude_i`); a BlackVue
dashcam's `Record/` of `.gps` NMEA "no file trajlm reads"; the Argo GDAC profile index "missing
column(s) ['traj_id', 't']"; an iNaturalist export refused on its Rails zone names after taking
`updated_at` as the time; a ForeFlight track log "a trip log"; Swarm's `checkins1.json` "a
Komoot planned tour"; Navixy's `track/read` answers read 2 h off in Riga without a word.
docs/data.md "Session 40 (heldout40)"."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from helpers import read_warned, study_file, unix_of

from trajlm.data.readers._json_fields import record_fields
from trajlm.data.readers._json_zone import naive_json_key
from trajlm.data.readers._nmea_lines import is_prefixed_nmea, sentence
from trajlm.data.readers.aprs import is_aprs_log, position
from trajlm.data.readers.argo_index import is_argo_index
from trajlm.data.readers.file_format import file_format
from trajlm.data.readers.stacked_csv import is_stacked_csv
from trajlm.errors import TrajlmInputError


def gen40(kind: str, out: Path, seed: int = 7) -> Path:
    """One set of the study's generators written into `out`; the path of its file / folder."""
    return study_file("heldout40", ("gen_radio.py", "gen_export.py"), kind, out, seed)


_read = read_warned
_unix = unix_of


# -- APRS: packets heard, decoded positions, the callsign the mover ----------------------------


def test_aprs_log_reads_each_station_at_the_time_heard(tmp_path: Path) -> None:
    p = gen40("aprs", tmp_path)
    assert is_aprs_log(p) and file_format(p) == "csv"
    df, report, _ = _read(p)
    assert set(df["traj_id"].unique()) == {"OH3ABC-9", "OH3KXR-7", "OH2TQ-9", "OG3LSZ-12"}
    assert 60 < df["lat"].min() and df["lat"].max() < 63  # around Tampere
    assert 21 < df["lon"].min() and df["lon"].max() < 27  # east: not mirrored
    assert report.dropped.get("no_fix", 0) > 0  # status / telemetry packets counted


def test_aprs_positions_decode_each_form() -> None:
    assert position("=4903.50N/07201.75W>") == pytest.approx((49.058333, -72.029167), abs=1e-6)
    assert position("/092345z4903.50N/07201.75W>") == pytest.approx((49.058333, -72.029167), abs=1e-6)  # fmt: skip
    assert position("!49  .  N/072  .  W#") == pytest.approx((49.0, -72.0))  # ambiguity spaces
    lat, lon = position("!/5L!!<*e7>7P[")  # the APRS spec's compressed example
    assert lat == pytest.approx(49.5, abs=1e-4) and lon == pytest.approx(-72.75, abs=1e-4)
    assert position(">status text") is None and position(":N0CALL   :hi") is None


def test_a_csv_whose_first_field_holds_a_callsign_arrow_is_no_aprs_log(tmp_path: Path) -> None:
    p = tmp_path / "routes.txt"
    p.write_text("name,lat,lon,time\nA>B,1,2,2026-01-01T00:00:00Z\nC>D,1,2,2026-01-01T00:01:00Z\n")
    assert not is_aprs_log(p)


# -- Meshtastic MQTT JSON: latitude_i x 1e7, the fix's own time, the node not the packet --------


def test_meshtastic_json_reads_nodes_at_their_fix_time(tmp_path: Path) -> None:
    p = gen40("meshtastic", tmp_path)
    lines = [json.loads(x) for x in p.read_text().splitlines()]
    pos = {(d["from"], d["payload"]["time"]): d["payload"] for d in lines if d["type"] == "position"}  # fmt: skip
    df, _, _ = _read(p)
    assert df["traj_id"].n_unique() == 5  # the nodes (`from`), not 1 a packet id
    assert df.unique(["traj_id", "t"]).height == len(pos)  # a packet heard twice: one fix
    row = df.sort("t").row(0, named=True)
    (node, t), pay = min(pos.items(), key=lambda kv: kv[0][1])
    assert row["t"] == t  # `payload.time`, not the gateway's `timestamp`
    assert row["lat"] == pytest.approx(pay["latitude_i"] / 1e7)
    assert row["traj_id"] == str(node)


def test_a_message_id_repeated_at_one_time_is_no_mover() -> None:
    recs = [{"id": k // 2, "dev": f"d{k % 3}", "lat": 1.0 + k, "lon": 2.0, "time": 100 + k // 2}
            for k in range(12)]  # fmt: skip
    assert record_fields(recs).get("traj_id") != "id"
    moved = [{"id": f"v{k % 2}", "lat": 1.0 + k, "lon": 2.0, "time": 100 + k} for k in range(12)]
    assert record_fields(moved)["traj_id"] == "id"  # repeats at different times: a mover


# -- BlackVue `.gps`: NMEA behind `[Unix ms]` ---------------------------------------------------


def test_blackvue_record_folder_reads_its_gps_clips(tmp_path: Path) -> None:
    d = gen40("blackvue", tmp_path)
    files = sorted(d.glob("*.gps"))
    assert len(files) == 8 and is_prefixed_nmea(files[0])
    df, report, _ = _read(d)
    assert df["traj_id"].n_unique() == 8  # a clip a trajectory
    assert report.dropped.get("no_fix", 0) == 4  # the first seconds' void RMCs
    assert 52.4 < df["lat"].min() and df["lon"].max() < 13.6  # Berlin


def test_a_prefix_is_taken_off_only_before_a_sentence() -> None:
    assert sentence("[1764943402000]$GPRMC,1,A*00") == "$GPRMC,1,A*00"
    assert sentence("2026-12-05 14:03:22 $GNGGA,1") == "$GNGGA,1"
    assert sentence("price $5,00") == "price $5,00"  # no talker + type after the `$`


def test_a_gps_file_that_is_no_nmea_is_not_read_as_nmea(tmp_path: Path) -> None:
    p = tmp_path / "waypoints.gps"
    p.write_text("lat,lon\n1,2\n3,4\n")
    assert not is_prefixed_nmea(p) and file_format(p) != "nmea"


# -- Argo GDAC profile index: the float from the path, `date` not `date_update` ---------------


def test_argo_index_reads_floats_from_their_paths(tmp_path: Path) -> None:
    p = gen40("argo", tmp_path)
    assert is_argo_index(p)
    rows = pd.read_csv(p, comment="#")
    df, report, _ = _read(p)
    assert df["traj_id"].n_unique() == rows["file"].str.split("/").str[1].nunique() == 6
    assert report.dropped.get("no_fix", 0) == int(rows["latitude"].isna().sum())
    first = rows.dropna(subset=["latitude"]).iloc[0]
    wmo = first["file"].split("/")[1]
    got = df.filter(df["traj_id"] == wmo).sort("t").row(0, named=True)
    assert got["t"] == int(pd.Timestamp(str(first["date"]), tz="UTC").timestamp())
    assert got["lat"] == pytest.approx(first["latitude"])


def test_a_csv_starting_file_date_but_not_argos_header_is_not_an_argo_index(tmp_path: Path) -> None:  # fmt: skip
    p = tmp_path / "x.csv"
    p.write_text("file,date,lat,lon\na.nc,2026-01-01,1,2\n")
    assert not is_argo_index(p)


# -- iNaturalist: time_observed_at, its own UTC beside a Rails zone name ------------------------


def test_inaturalist_reads_the_observed_time_and_tells_rows_without_one(tmp_path: Path) -> None:
    p = gen40("inaturalist", tmp_path)
    rows = pd.read_csv(p)
    with pytest.raises(TrajlmInputError, match="time_observed_at"):
        _read(p)  # a row with only `observed_on`: told in one line, with on_error="skip"
    df, report, _ = _read(p, on_error="skip")
    timed = rows.dropna(subset=["time_observed_at"])
    assert len(df) + sum(report.dropped.values()) >= len(timed)
    first = timed.sort_values("time_observed_at").iloc[0]
    assert df["t"].min() == _unix(first["time_observed_at"].replace(" UTC", "Z"))  # not updated_at


# -- ForeFlight: the fixes' table under the flight's summary -----------------------------------


def test_foreflight_track_log_reads_the_fixes_under_the_summary(tmp_path: Path) -> None:
    p = gen40("foreflight", tmp_path)
    assert is_stacked_csv(p)
    fixes = pd.read_csv(p, skiprows=2)
    df, _, _ = _read(p)
    assert df["traj_id"].n_unique() == 1
    assert df["t"].min() == int(fixes["Timestamp"].min())
    assert len(df) == fixes["Timestamp"].astype(int).nunique()  # a fix a second kept


def test_a_plain_csv_and_a_trip_log_are_no_stacked_csv(tmp_path: Path) -> None:
    plain = tmp_path / "plain.csv"
    plain.write_text("time,lat,lon\n" + "".join(f"{k},1,2\n" for k in range(6)))
    trips = tmp_path / "trips.csv"
    trips.write_text("start_lat,start_lng,end_lat,end_lng,started_at\n" + "1,2,3,4,x\n" * 6)
    assert not is_stacked_csv(plain) and not is_stacked_csv(trips)


# -- Swarm check-ins: createdAt, the user not the venue, no Komoot tour ------------------------


def test_swarm_checkins_read_as_one_user_at_created_at(tmp_path: Path) -> None:
    p = gen40("swarm", tmp_path)
    items = json.loads(p.read_text())["items"]
    df, _, _ = _read(p)
    assert df["traj_id"].n_unique() == 1  # not a mover a venue (`venue.id`)
    assert len(df) == len(items)
    assert df["t"].min() == _unix(min(i["createdAt"] for i in items) + "Z")


def test_a_komoot_tour_without_times_is_still_told(tmp_path: Path) -> None:
    p = tmp_path / "tour.json"
    p.write_text(json.dumps({"items": [{"lat": 1.0, "lng": 2.0, "alt": 3.0}] * 5}))
    with pytest.raises(TrajlmInputError, match="Komoot planned tour"):
        _read(p)


# -- Navixy: naive `get_time`, said; a zone option reads it on that clock ----------------------


def test_navixy_naive_times_are_said_and_read_on_the_zone_given(tmp_path: Path) -> None:
    from trajlm.data.readers import ColumnMap

    d = gen40("navixy", tmp_path)
    assert naive_json_key(d) == "get_time"
    first = json.loads(sorted(d.glob("*.json"))[0].read_text())["list"][0]
    utc, _, _ = _read(d)
    riga, _, _ = _read(d, columns=ColumnMap(tz="Europe/Riga"))
    local = pd.Timestamp(first["get_time"]).tz_localize("Europe/Riga")
    assert int(local.timestamp()) in set(riga["t"].to_list())
    assert (utc["t"].sort() - riga["t"].sort()).unique().to_list() == [7200]  # UTC+2 in December


def test_zoned_json_times_are_not_called_naive(tmp_path: Path) -> None:
    p = tmp_path / "a.json"
    p.write_text(json.dumps({"list": [{"lat": 1, "lng": 2, "time": f"2026-01-01T00:0{k}:00Z"} for k in range(5)]}))  # fmt: skip
    assert naive_json_key(p) is None
