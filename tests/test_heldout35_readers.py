"""Session 35 (heldout35): eight held-out kinds through the readers.

Before: a notebook's `df.to_json()` (pandas' default orient) and Google Fit's Takeout points were
"no MovingPoint temporalGeometry ..." (no way on); an Esri JSON FeatureSet in Web Mercator "look
projected ... no option can remap it"; SUMO's `fcd.xml` "cannot tell the format from the name";
Strava streams beside `activities.json` "top level is not a JSON object"; Motive's records
"keys name no time" (`located_at`); a simulator's `stamp` / `agent` columns "missing
column(s)"; and a table of scooters sorted by time with no id name was read as ONE scooter
jumping across the city (warned only as "a swapped lat/lon or a bad fix"). docs/data.md
"Session 35 (heldout35)"."""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import pandas as pd
import pytest

from trajlm.data.readers import ColumnMap, read
from trajlm.errors import TrajlmInputError

T0 = 1790000000  # 2026-09-21 14:13:20 UTC


def _two_movers(n: int = 30) -> pd.DataFrame:
    """Two scooters 5 km apart, a ping every 10 s, rows sorted by time (interleaved)."""
    rows = []
    for k in range(n):
        for j, name in enumerate(("S1", "S2")):
            rows.append({"scooter": name, "ts": pd.Timestamp(T0 + 10 * k + j, unit="s"),
                         "lat": 38.70 + 0.045 * j + k * 5e-5, "lng": -9.14 + k * 5e-5})  # fmt: skip
    return pd.DataFrame(rows)


# -- pandas to_json ---------------------------------------------------------------------------


@pytest.mark.parametrize("orient", ["columns", "split", "index"])
def test_a_pandas_to_json_frame_reads_in_each_orient(tmp_path: Path, orient: str) -> None:
    df = _two_movers()
    df["trip_id"] = df["scooter"]  # an id pandas would keep
    p = tmp_path / "pings.json"
    df.to_json(p, orient=orient, date_format="iso")
    out, _ = read(p)  # was: "no MovingPoint temporalGeometry ..."
    assert sorted(out["traj_id"].unique()) == ["S1", "S2"]
    assert out.height == 60 and out["t"].min() == T0


def test_a_frame_sorted_by_time_without_an_id_name_is_not_one_mover(tmp_path: Path) -> None:
    p = tmp_path / "pings.json"
    _two_movers().to_json(p)  # pandas' default: orient="columns", epoch milliseconds
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out, _ = read(p)
    assert sorted(out["traj_id"].unique()) == ["S1", "S2"]  # was one mover jumping 5 km
    assert any("'scooter'" in str(x.message) for x in w)


def test_a_csv_sorted_by_time_without_an_id_name_names_the_id(tmp_path: Path) -> None:
    p = tmp_path / "pings.csv"
    _two_movers().to_csv(p, index=False)
    with pytest.raises(TrajlmInputError, match="--traj-col 'scooter'"):
        read(p)  # was: one trajectory, its steps "faster than 340 m/s"
    out, _ = read(p, columns=ColumnMap(traj_id="scooter", t="ts", lon="lng"))
    assert out["traj_id"].n_unique() == 2


def test_one_mover_with_a_text_column_is_still_one_mover(tmp_path: Path) -> None:
    df = _two_movers()
    df = df[df["scooter"] == "S1"].assign(status=["moving", "idle"] * 15)
    p = tmp_path / "one.csv"
    df.drop(columns="scooter").to_csv(p, index=False)
    out, _ = read(p)
    assert out["traj_id"].n_unique() == 1 and out.height == 30


# -- Esri JSON ---------------------------------------------------------------------------------


def _merc(lat: float, lon: float) -> tuple[float, float]:
    r = 6378137.0
    return r * math.radians(lon), r * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _esri(wkid: int, project: bool) -> dict:
    feats = []
    for k in range(20):
        lat, lon = 38.58 + k * 1e-4, -121.49 + k * 1e-4
        x, y = _merc(lat, lon) if project else (lon, lat)
        feats.append({"attributes": {"objectid": k + 1, "full_name": "Ana Ruiz",
                                     "location_timestamp": (T0 + 5 * k) * 1000},
                      "geometry": {"x": x, "y": y}})  # fmt: skip
    return {"geometryType": "esriGeometryPoint", "spatialReference": {"wkid": wkid},
            "features": feats}  # fmt: skip


@pytest.mark.parametrize(("wkid", "project"), [(102100, True), (4326, False)])
def test_an_esri_json_featureset_is_reprojected(tmp_path: Path, wkid: int, project: bool) -> None:
    pytest.importorskip("pyproj")
    p = tmp_path / "query.json"
    p.write_text(json.dumps(_esri(wkid, project)))
    out, _ = read(p)  # was: "they look projected (metres) ... no option can remap it"
    assert out.height == 20 and out["traj_id"].unique().to_list() == ["Ana Ruiz"]
    assert abs(out["lat"][0] - 38.58) < 1e-6 and abs(out["lon"][0] + 121.49) < 1e-6
    assert out["t"].min() == T0


def test_an_esri_json_of_lines_is_one_line(tmp_path: Path) -> None:
    doc = {"geometryType": "esriGeometryPolyline", "spatialReference": {"wkid": 4326},
           "features": [{"attributes": {}, "geometry": {"paths": [[[1, 2], [3, 4]]]}}]}  # fmt: skip
    p = tmp_path / "lines.json"
    p.write_text(json.dumps(doc))
    with pytest.raises(TrajlmInputError, match="esriGeometryPolyline"):
        read(p)


# -- Google Fit ---------------------------------------------------------------------------------


def _fit_point(k: int) -> dict:
    ns = (T0 + 30 * k) * 10**9
    vals = [45.76 + k * 1e-4, 4.84 + k * 1e-4, 12.0, 170.0]
    return {"fitValue": [{"value": {"fpVal": v}} for v in vals], "startTimeNanos": ns,
            "endTimeNanos": ns, "dataTypeName": "com.google.location.sample"}  # fmt: skip


def test_google_fit_location_samples_read_beside_step_counts(tmp_path: Path) -> None:
    d = tmp_path / "All Data"
    d.mkdir()
    (d / "derived_com.google.location.sample_merge.json").write_text(
        json.dumps({"Data Source": "derived:com.google.location.sample",
                    "Data Points": [_fit_point(k) for k in range(10)]}))  # fmt: skip
    steps = [{"fitValue": [{"value": {"intVal": 40}}], "startTimeNanos": T0 * 10**9,
              "endTimeNanos": T0 * 10**9, "dataTypeName": "com.google.step_count.delta"}]  # fmt: skip
    (d / "derived_com.google.step_count.delta.json").write_text(
        json.dumps({"Data Source": "derived:com.google.step_count.delta", "Data Points": steps})
    )
    out, report = read(d)  # was: "no MovingPoint temporalGeometry ..."
    assert out.height == 10 and out["t"].min() == T0
    assert abs(out["lat"][0] - 45.76) < 1e-9 and abs(out["lon"][0] - 4.84) < 1e-9
    assert report.dropped.get("empty_file") == 1  # the step counts: said, not read
    with pytest.raises(TrajlmInputError, match="no positions"):
        read(d / "derived_com.google.step_count.delta.json")


# -- Strava streams ------------------------------------------------------------------------------


def test_strava_streams_read_with_the_start_in_activities_json(tmp_path: Path) -> None:
    d = tmp_path / "strava"
    d.mkdir()
    streams = {"latlng": {"data": [[40.0 + k * 1e-4, -105.27] for k in range(12)]},
               "time": {"data": list(range(0, 24, 2))}}  # fmt: skip
    (d / "streams_14800000001.json").write_text(json.dumps(streams))
    with pytest.raises(TrajlmInputError, match="activities.json"):  # alone: told where the start is
        read(d / "streams_14800000001.json")
    acts = [{"id": 14800000001, "start_date": "2026-09-21T14:13:20Z", "type": "Ride"}]
    (d / "activities.json").write_text(json.dumps(acts))
    out, _ = read(d)  # was: "activities.json field $: top level is not a JSON object"
    assert out.height == 12 and out["t"].min() == T0 and out["t"].max() == T0 + 22


# -- SUMO FCD ------------------------------------------------------------------------------------


def _fcd(geo: bool) -> str:
    steps = []
    for s in range(10):
        x, y = (11.34 + s * 1e-4, 44.49) if geo else (1200.5 + 10 * s, 800.0)
        steps.append(f'<timestep time="{21600 + s}.00"><vehicle id="flow_0.1" x="{x}" y="{y}" '
                     f'angle="90.00" type="bus" speed="8.00" pos="1.0" lane="e_0"/></timestep>')  # fmt: skip
    return '<?xml version="1.0"?>\n<fcd-export>\n' + "\n".join(steps) + "\n</fcd-export>\n"


def test_sumo_fcd_asks_for_the_day_and_reads_with_it(tmp_path: Path) -> None:
    p = tmp_path / "fcd.xml"
    p.write_text(_fcd(geo=True))
    with pytest.raises(TrajlmInputError, match="time-origin"):  # was: "cannot tell the format"
        read(p)
    out, _ = read(p, columns=ColumnMap(time_origin="2026-11-30T00:00:00Z"))
    start = pd.Timestamp("2026-11-30T06:00:00Z").value // 10**9
    assert out["traj_id"].unique().to_list() == ["flow_0.1"] and out["t"].min() == start
    assert abs(out["lon"][0] - 11.34) < 1e-9 and abs(out["lat"][0] - 44.49) < 1e-9


def test_trajlm_read_takes_the_time_origin_its_refusal_names(tmp_path: Path) -> None:
    import trajlm

    p = tmp_path / "fcd.xml"
    p.write_text(_fcd(geo=True))
    with pytest.raises(TrajlmInputError, match="time_origin= in Python"):
        trajlm.read(p)
    df = trajlm.read(p, time_origin="2026-11-30T00:00:00Z")  # was: no such keyword
    assert df["t"].min() == pd.Timestamp("2026-11-30T06:00:00Z").value // 10**9
    with pytest.raises(TrajlmInputError, match="time_origin"):
        trajlm.read(p, time_origin="yesterday")


def test_sumo_fcd_in_network_metres_is_one_line(tmp_path: Path) -> None:
    p = tmp_path / "fcd.xml"
    p.write_text(_fcd(geo=False))
    with pytest.raises(TrajlmInputError, match="fcd-output.geo"):
        read(p, columns=ColumnMap(time_origin="2026-11-30T00:00:00Z"))


# -- names ---------------------------------------------------------------------------------------


def test_motive_located_at_and_a_simulators_stamp_agent(tmp_path: Path) -> None:
    recs = [{"vehicle_location": {"id": 1000 + k, "located_at": f"2026-09-21T14:{13 + k}:20Z",
                                  "lat": 32.78 + k * 1e-3, "lon": -96.8, "kph": 40.0}}
            for k in range(6)]  # fmt: skip
    p = tmp_path / "vehicle_locations_410001.json"
    p.write_text(json.dumps({"vehicle_locations": recs}))
    out, _ = read(p)  # was: "their keys name no time"
    assert out.height == 6 and out["t"].min() == T0
    q = tmp_path / "agents.csv"
    q.write_text("stamp,agent,lat,lon,heading_rad\n" + "".join(
        f"{T0 + k}.250000,robot-{j},{59.43 + j * 0.01 + k * 1e-5},24.74,1.57\n"
        for k in range(5) for j in range(2)))  # fmt: skip
    out, _ = read(q)  # was: "missing column(s) ['traj_id', 't']"
    assert sorted(out["traj_id"].unique()) == ["robot-0", "robot-1"] and out["t"].min() == T0


# -- a report's title line naming its zone ---------------------------------------------------------


def _report(zone: str) -> str:
    head = ("Location History Report\nAccount: Gulf Coast Plumbing LLC\n"
            f"Date Range: 11/02/2026 12:00 AM - 11/03/2026 11:59 PM ({zone})\n\n"
            "Vehicle Name,Date,Time,Latitude,Longitude\n")  # fmt: skip
    return head + "".join(
        f"Truck 11,11/02/2026,07:{10 + k:02d}:00 AM,{29.76 + k * 1e-3},-95.37\n" for k in range(6)
    )


def test_a_title_line_naming_an_ambiguous_zone_asks_for_it(tmp_path: Path) -> None:
    p = tmp_path / "location_history.csv"
    p.write_text(_report("CST"))
    with pytest.raises(TrajlmInputError, match="title line .* names the zone 'CST'"):
        read(p, columns=ColumnMap(time_format="mdy"))  # was: read as UTC, 6 h off
    out, _ = read(p, columns=ColumnMap(time_format="mdy", tz="America/Chicago"))
    assert out["t"].min() == pd.Timestamp("2026-11-02 13:10:00Z").value // 10**9


def test_trajlm_read_takes_the_options_the_refusals_name(tmp_path: Path) -> None:
    import trajlm

    p = tmp_path / "location_history.csv"
    p.write_text(_report("CST"))
    df = trajlm.read(p, time_format="mdy", tz="America/Chicago")  # was: no such keywords
    assert df["t"].min() == pd.Timestamp("2026-11-02 13:10:00Z").value // 10**9
    with pytest.raises(TrajlmInputError, match="Mars/Base"):
        trajlm.read(p, time_format="mdy", tz="Mars/Base")


def test_a_title_line_naming_a_zone_places_the_times(tmp_path: Path) -> None:
    p = tmp_path / "location_history.csv"
    p.write_text(_report("UTC-6"))
    out, _ = read(p, columns=ColumnMap(time_format="mdy"))  # was: read as UTC
    assert out["t"].min() == pd.Timestamp("2026-11-02 13:10:00Z").value // 10**9


# -- ingest cuts record tables in a folder at gaps, as the API path does -------------------------------


def test_ingest_cuts_a_folder_of_fit_points_at_gaps(tmp_path: Path) -> None:
    from trajlm.data.ingest import ingest

    d = tmp_path / "All Data"
    d.mkdir()
    pts = [_fit_point(k) for k in range(10)]
    late = [_fit_point(k) for k in range(10)]
    for p in late:  # the same walk again three hours later
        p["startTimeNanos"] += 3 * 3600 * 10**9
    (d / "derived_com.google.location.sample_merge.json").write_text(
        json.dumps({"Data Source": "derived:com.google.location.sample", "Data Points": pts + late})
    )
    (d / "derived_com.google.heart_rate.bpm.json").write_text(
        json.dumps(
            {
                "Data Source": "x",
                "Data Points": [
                    {
                        "dataTypeName": "com.google.heart_rate.bpm",
                        "fitValue": [],
                        "startTimeNanos": 1,
                    }
                ],
            }
        )  # fmt: skip
    )
    summary = ingest([d], "mfjson", tmp_path / "store")
    assert summary["n_trajectories"] == 2  # was 1: a folder's JSON was never cut at gaps
