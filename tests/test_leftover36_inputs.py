"""leftover36 (docs/api.md "Session 36 (leftover36)"): a file given by path answers under its own
id / time names (as the frame read from it does); `resplit --by hour=abc` names the value; a road
network given by path is read once while unchanged; a Motive record's truck is its trajectory,
not its driver."""

from __future__ import annotations

import json
import os

import polars as pl
import pytest

import trajlm


def _buses(tmp_path):
    rows = [(f"bus{k}", f"2026-11-02T13:{i:02d}:00Z", 41.15 + 1e-3 * i + 0.01 * k, -8.61)
            for k in range(2) for i in range(30)]  # fmt: skip
    frame = pl.DataFrame(rows, schema=["vehicle", "time", "latitude", "longitude"], orient="row")
    path = tmp_path / "buses.csv"
    frame.write_csv(path)
    return path


@pytest.fixture(scope="module")
def small():
    return trajlm.TrajLM.from_pretrained("trajlm-small")


def test_a_path_answers_under_the_files_id_and_time_names(tmp_path, small) -> None:
    """The file's answers name its `vehicle` and `time` as the frame read from it does (they
    were `traj_id` / `vehicle_id` / `t`, Unix seconds); the positions are the same."""
    path = _buses(tmp_path)
    by_path = small.predict(path, steps=2)
    by_frame = small.predict(pl.read_csv(path).with_columns(pl.col("time").str.to_datetime(time_zone="UTC")),
                             steps=2)  # fmt: skip
    assert by_path.columns[0] == "vehicle" and "time" in by_path.columns, by_path.columns
    assert "traj_id" not in by_path.columns and "t" not in by_path.columns
    assert by_path["time"].dtype == pl.Datetime("us", "UTC")
    assert by_path["time"].to_list() == by_frame["time"].to_list()
    assert by_path["lat"].to_list() == by_frame["latitude"].to_list()


def test_a_store_path_keeps_trajlms_names(tmp_path, small) -> None:
    from helpers import invoke_cli

    s = tmp_path / "s"
    assert invoke_cli(["data", "ingest", _buses(tmp_path), "--out", s]).exit_code == 0
    out = small.predict(s, steps=2)
    assert "traj_id" in out.columns and "t" in out.columns


def test_resplit_hour_not_a_number_names_the_value(tmp_path) -> None:
    from helpers import invoke_cli

    s = tmp_path / "s"
    assert invoke_cli(["data", "ingest", _buses(tmp_path), "--out", s]).exit_code == 0
    r = invoke_cli(["data", "resplit", s, "--by", "hour=abc", "--out", tmp_path / "h"])
    assert r.exit_code == 2 and "got 'abc'" in r.output, r.output


def test_a_network_path_is_read_once_while_unchanged(tmp_path, monkeypatch) -> None:
    pytest.importorskip("geopandas")
    from trajlm.roads import network

    net = tmp_path / "n.geojson"
    line = {"type": "Feature", "properties": {"highway": "residential"},
            "geometry": {"type": "LineString", "coordinates": [[7.679, 45.07], [7.69, 45.07]]}}  # fmt: skip
    net.write_text(json.dumps({"type": "FeatureCollection", "features": [line]}))
    reads = []
    real = network.read_network
    monkeypatch.setattr(network, "read_network", lambda p: reads.append(p) or real(p))
    a = network.read_network_once(net)
    assert network.read_network_once(str(net)) is a and len(reads) == 1
    os.utime(net, ns=(0, os.stat(net).st_mtime_ns + 10**9))  # the file changed: read again
    assert network.read_network_once(net) is not a and len(reads) == 2


def test_a_motive_record_is_its_truck_not_its_driver(tmp_path) -> None:
    """Two trucks driven by one driver (`driver.id` 906) at the same instants: two tracks (they
    were one, 906, and half the fixes dropped as repeated times)."""
    for vid, dlat in ((411621, 0.0), (443561, 0.1)):
        recs = [{"vehicle_location": {"id": 1000 * vid + i, "located_at": f"2026-07-14T16:{i:02d}:29Z",
                 "lat": 33.1 + 0.002 * i + dlat, "lon": -96.78, "driver": {"id": 906},
                 "vehicle": {"id": vid}}} for i in range(20)]  # fmt: skip
        (tmp_path / f"vehicle_locations_{vid}.json").write_text(
            json.dumps({"vehicle_locations": recs})
        )
    df = trajlm.read(tmp_path)
    assert sorted(df["traj_id"].unique().to_list()) == ["411621", "443561"]
    assert df.height == 40


def test_mds_keeps_the_provider_and_the_scooters_sticker(tmp_path) -> None:
    """newuser35: an MDS trip's `vehicle_id` (the code on the scooter) and `provider_name` were
    dropped ("columns not kept"); now columns `vehicle_code` and `provider_name`, while
    `device_id` stays the owner (`vehicle_id`)."""
    from helpers import invoke_cli
    from test_newuser35_mds import _page, _trip

    from trajlm.data.store import read_store

    raw = _page(tmp_path / "raw" / "trips.json", [_trip(k, f"dev-{k % 2}") for k in range(4)])
    out = tmp_path / "s"
    r = invoke_cli(["data", "ingest", raw, "--out", out])
    assert r.exit_code == 0 and "columns not kept" not in r.output, r.output[-1500:]
    pts = read_store(out)
    assert sorted(pts["vehicle_code"].unique().to_list()) == ["V0", "V1", "V2", "V3"]
    assert pts["provider_name"].unique().to_list() == ["op"]
    assert sorted(pts["vehicle_id"].unique().to_list()) == ["dev-0", "dev-1"]
