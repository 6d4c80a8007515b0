"""Session 35 (newuser35): a city's micromobility researcher with Mobility Data Specification
(MDS) `trips` pages from two operators (docs/api.md "Session 35 (newuser35)").

Before: the JSON reader found each trip's `route` (a GeoJSON FeatureCollection of Points with a
`timestamp` property) but named it `#1`, `#2`, ... by its place in the page: a folder of pages
merged every page's first trip into one trajectory (1,122 trips -> 130 tracks jumping across
days), dropped `trip_id`, `device_id` and `vehicle_type`, let route points without a timestamp
vanish uncounted, and read the `status_changes` feed beside the pages as tracks of events (a
folder of both operators was refused naming two `status_changes.json`)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import polars as pl
import pytest
from helpers import invoke_cli

import trajlm
from trajlm.data.schema import TrajlmInputError
from trajlm.data.store import read_store

T0 = 1_790_900_000_000  # 2026-10-02, Unix ms


def _trip(k: int, device: str, n: int = 8, t0: int = T0, step_ms: int = 5000) -> dict:
    feats = [
        {
            "type": "Feature",
            "properties": {"timestamp": t0 + i * step_ms},
            "geometry": {
                "type": "Point",
                "coordinates": [-118.49 + 0.0004 * i + 0.01 * k, 34.01 + 0.0003 * i],
            },
        }
        for i in range(n)
    ]
    return {
        "provider_id": "63f13c48-34ff-49d2-aca7-cf6a5b6171c3",
        "provider_name": "op",
        "device_id": device,
        "vehicle_id": f"V{k}",
        "vehicle_type": "scooter",
        "propulsion_type": ["electric"],
        "trip_id": f"trip-{k}",
        "trip_duration": (n - 1) * step_ms // 1000,
        "trip_distance": 300,
        "route": {"type": "FeatureCollection", "features": feats},
        "start_time": t0,
        "end_time": t0 + (n - 1) * step_ms,
    }


def _page(path: Path, trips: list[dict], top: bool = False) -> Path:
    doc = (
        {"version": "1.2.0", "trips": trips}
        if top
        else {"version": "0.4.1", "data": {"trips": trips}}
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc))
    return path


def _status(path: Path, n: int) -> Path:
    ev = [
        {"device_id": "dev-a", "vehicle_type": "scooter", "event_type": "available", "event_time": T0 + i,
         "event_location": {"type": "Feature", "properties": {"timestamp": T0 + i},
                            "geometry": {"type": "Point", "coordinates": [-118.49, 34.01]}}}
        for i in range(n)
    ]  # fmt: skip
    path.write_text(json.dumps({"version": "0.4.1", "data": {"status_changes": ev}}))
    return path


def _read(path: Path) -> pl.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return trajlm.read(path)


def _two_operators(root: Path) -> Path:
    """Two operators' folders, each with two pages whose first trip is route #1 of its page."""
    hour = 3_600_000
    _page(root / "op_a" / "trips_0001.json", [_trip(1, "dev-a", t0=T0), _trip(2, "dev-b", t0=T0)])
    _page(root / "op_a" / "trips_0002.json", [_trip(3, "dev-a", t0=T0 + 5 * hour)])
    _page(
        root / "op_b" / "trips_2026100200.json",
        [_trip(4, "dev-c", t0=T0, step_ms=30_000)],
        top=True,
    )
    _status(root / "op_a" / "status_changes.json", 6)
    _status(root / "op_b" / "status_changes.json", 4)
    return root


def test_pages_read_one_trajectory_per_trip_id_with_device_and_type(tmp_path):
    df = _read(_two_operators(tmp_path / "raw"))
    assert sorted(df["traj_id"].unique()) == ["trip-1", "trip-2", "trip-3", "trip-4"]
    per = df.group_by("traj_id").agg(
        pl.len(), pl.col("vehicle_id").first(), pl.col("label").first()
    )
    owners = dict(zip(per["traj_id"], per["vehicle_id"], strict=True))
    assert owners == {"trip-1": "dev-a", "trip-2": "dev-b", "trip-3": "dev-a", "trip-4": "dev-c"}
    assert set(per["len"]) == {8} and set(per["label"]) == {"scooter"}


def test_status_changes_beside_the_pages_said_and_not_read_as_tracks(tmp_path):
    root = _two_operators(tmp_path / "raw")
    with pytest.warns(UserWarning, match=r"10 MDS status_changes event\(s\) not read"):
        df = trajlm.read(root)
    assert len(df) == 4 * 8  # no event point among the routes


def test_route_listed_newest_first_read_in_time_order(tmp_path):
    trip = _trip(1, "dev-a")
    trip["route"]["features"].reverse()
    df = _read(_page(tmp_path / "trips.json", [trip]))
    assert df["t"].to_list() == sorted(df["t"].to_list())
    first = df.row(0, named=True)
    assert first["t"] == T0 // 1000 and first["lon"] == pytest.approx(-118.48)


def test_route_points_without_timestamp_named_then_counted(tmp_path):
    bad = _trip(2, "dev-b")
    for f in bad["route"]["features"]:
        f["properties"] = {}
    page = _page(tmp_path / "raw" / "trips_0002.json", [_trip(1, "dev-a"), bad])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(TrajlmInputError) as e:
            trajlm.read(page)
    assert "trips_0002.json" in str(e.value) and "$.data.trips[1].route.features[0]" in str(e.value)
    out = tmp_path / "store"
    r = invoke_cli(["data", "ingest", page, "--out", out, "--on-error", "skip"])
    assert r.exit_code == 0, r.output[-1500:]
    store = read_store(out)
    assert sorted(store["source_traj_id"].unique()) == ["trip-1"]
    assert (
        json.loads((out / "manifest.json").read_text())["drop_report"]["dropped"]["malformed_row"]
        == 8
    )


def test_cli_ingest_keeps_owner_and_label(tmp_path):
    out = tmp_path / "store"
    r = invoke_cli(["data", "ingest", _two_operators(tmp_path / "raw"), "--out", out])
    assert r.exit_code == 0, r.output[-1500:]
    assert "format: mds" in r.output and "'device_id' kept as the trajectories' vehicle" in r.output
    assert read_store(out)["source_traj_id"].n_unique() == 4


def test_other_json_with_trips_not_taken_for_mds(tmp_path):
    """A JSON document with a `trips` key but no MDS trip (no route, no trip_id / device_id) is
    left to the generic JSON reader."""
    from trajlm.data.readers.mds import mds_files

    p = tmp_path / "plan.json"
    p.write_text(json.dumps({"trips": [{"name": "a", "stops": [1, 2]}]}))
    assert mds_files(p) == []


def _day_of_trips(device: str, first: int, ends_at_start: bool = True) -> list[dict]:
    """Three rides of one scooter on one day; each starts where the last ended (parked 2 h
    between rides) unless `ends_at_start` is False (an operator's van moved it)."""
    hour = 3_600_000
    trips, at = [], (-118.49, 34.01)
    for k in range(3):
        trip = _trip(first + k, device, n=6, t0=T0 + k * 2 * hour)
        feats = trip["route"]["features"]
        for i, f in enumerate(feats):  # 6 fixes 300 m east of where it stood
            f["geometry"]["coordinates"] = [at[0] + 0.00065 * i, at[1]]
        at = (at[0] + 0.00325, at[1]) if ends_at_start else (at[0] + 0.02, at[1] + 0.02)
        trips.append(trip)
    return trips


def test_places_between_a_scooters_rides(tmp_path):
    """An MDS device's rides hold no fix while it stands parked: the window rule found no stay
    in a month of trips ("no stay in the 129,618 fixes"); the time between two of a mover's
    trips that end and start at one place is a stay there."""
    df = _read(_page(tmp_path / "trips.json", _day_of_trips("dev-a", 1)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pl_ = trajlm.places(df)
    assert pl_.height == 2 and set(pl_["vehicle_id"]) == {"dev-a"}
    assert pl_["stay_s"].to_list() == [2 * 3600 - 25, 2 * 3600 - 25]
    moved = _read(_page(tmp_path / "moved.json", _day_of_trips("dev-b", 1, ends_at_start=False)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(TrajlmInputError, match="no stay"):
            trajlm.places(moved)  # ends and starts far apart: moved, not parked


def test_places_from_a_store_has_no_empty_trip_id_column(tmp_path):
    """A store's `source_traj_id` names trips; places are per mover: the CLI's answer carried an
    empty `source_traj_id` column on every row."""
    hour = 3_600_000
    trips = _day_of_trips("dev-a", 1) + [
        {**t, "trip_id": f"x{k}"} for k, t in enumerate(_day_of_trips("dev-b", 9))
    ]
    for t in trips:  # a fresh day each so ingest's splits all hold trips
        t["start_time"] += hour
    store = tmp_path / "store"
    assert (
        invoke_cli(
            ["data", "ingest", _page(tmp_path / "trips.json", trips), "--out", store]
        ).exit_code
        == 0
    )
    out = tmp_path / "places.csv"
    for split in ("train", "val", "test"):
        r = invoke_cli(["places", "--input", store, "--split", split, "--out", out, "--overwrite"])
        if r.exit_code == 0:
            break
    assert r.exit_code == 0, r.output[-800:]
    got = pl.read_csv(out)
    assert "source_traj_id" not in got.columns and got["vehicle_id"].null_count() == 0


def test_map_ticks_read_whole_degrees():
    """`trajlm data plot` of a city west of -118: ticks "-0.09" with "-1.184e2" in a corner."""
    from trajlm.viz import plot_trajectories

    df = pl.DataFrame({"traj_id": ["a"] * 3, "t": [0, 5, 10], "lat": [34.01, 34.02, 34.03],
                       "lon": [-118.49, -118.47, -118.45]})  # fmt: skip
    fig = plot_trajectories(df)
    ax = fig.axes[0]
    assert not ax.xaxis.get_major_formatter().get_useOffset()
    fig.canvas.draw()
    assert all(
        t.get_text().startswith(("−118", "-118")) for t in ax.get_xticklabels() if t.get_text()
    )


def test_ask_on_a_read_frame_with_a_repeated_fix(tmp_path):
    """An operator's route repeating a point's timestamp (same ms, 6 m apart): trajlm.read keeps
    it (uncleaned, as documented), the model calls drop it, and `trajlm.ask` refused the frame
    ("duplicate timestamp within trajectory")."""
    trip = _trip(1, "dev-a")
    feats = trip["route"]["features"]
    feats.insert(4, json.loads(json.dumps(feats[3])))
    feats[4]["geometry"]["coordinates"][1] += 0.00005
    df = _read(_page(tmp_path / "trips.json", [trip, _trip(2, "dev-b")]))
    assert df.filter(pl.col("traj_id") == "trip-1").height == 9
    ans = trajlm.ask("how many trips?", df)
    assert "2" in str(ans) and any("repeat an earlier row" in n for n in ans.notes)
