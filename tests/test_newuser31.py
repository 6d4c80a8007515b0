"""Session 31 (newuser31): a city council's transit analyst (docs/api.md "Session 31
(newuser31)").

- A bus AVL download in SIRI-VM / BODS names (`VehicleRef`, `DatedVehicleJourneyRef`) was
  refused by `trajlm data ingest` and by every Python call ("no column is recognised as the
  trajectory id"): the journey is now the trajectory and the bus its kept owner.
- `trajlm.passages` on a frame without a recognised id listed all ~110 id names (a
  3,000-character line).
- `TrajLM` had no `similar`: from a notebook only `trajlm.tasks.embed.similar` on canonical
  Polars tables (an AttributeError on pandas).
- A bike-share trip log (Divvy's `start_lat` / `end_lat` / `start_lng` / `end_lng` /
  `started_at`): ingest asked which latitude to read, and `trajlm travel-time` did not find
  `start_lng`, `end_lng` or `started_at`.
- Rental rides keyed by `ride_id` beside a `vehicle_id` were read by the vehicle (its rides as
  one track)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest
from helpers import tiny_model as _model
from reliability_helpers import invoke

import trajlm
from trajlm.data.coerce_pieces import mover_column
from trajlm.data.column_names import find_columns
from trajlm.data.schema import TrajlmInputError
from trajlm.data.store import read_store

T0 = pd.Timestamp("2026-03-10T06:00:00Z")


def _avl(buses: int = 2, journeys: int = 3, n: int = 12) -> pd.DataFrame:
    """SIRI-VM pings: each bus runs `journeys` journeys back to back (a 5-min layover at the
    terminal pinged under the next journey's ref), a ping every 20 s."""
    rows = []
    for b in range(buses):
        t = T0 + pd.Timedelta(seconds=300 * b)
        for j in range(journeys):
            lat, lon = 41.15 + 0.01 * b, -8.61 + 0.002 * j
            for i in range(n):
                still = i < 3  # the layover's pings: the bus stands at the terminal
                lat += 0 if still else 8.0 * 20 / 111_320
                lon += 0 if still else 3.0 * 20 / (111_320 * math.cos(math.radians(lat)))
                rows.append({"VehicleRef": f"YJ0{b}BUS", "LineRef": "4",
                             "DatedVehicleJourneyRef": f"4-{b}-{j:02d}",
                             "RecordedAtTime": t, "Latitude": lat, "Longitude": lon})  # fmt: skip
                t += pd.Timedelta(seconds=20)
    return pd.DataFrame(rows)


def test_siri_vm_names_ingest_journeys_with_the_bus_as_owner(tmp_path: Path) -> None:
    csv = tmp_path / "avl.csv"
    _avl().assign(
        RecordedAtTime=lambda d: d["RecordedAtTime"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    ).to_csv(csv, index=False)
    r = invoke("data", "ingest", csv, "--out", tmp_path / "s")
    assert r.exit_code == 0, r.output  # was: "no column is recognised as the trajectory id"
    assert "traj_id <- 'DatedVehicleJourneyRef'" in r.output
    assert "owner: 'VehicleRef'" in r.output
    got = read_store(tmp_path / "s")
    assert got["source_traj_id"].n_unique() == 6  # the journeys
    assert got["vehicle_id"].n_unique() == 2  # the buses


def test_siri_vm_frames_are_read_by_journey_and_latest_gives_each_bus_once() -> None:
    cols = list(_avl().columns)
    assert find_columns("traj_id", cols) == ["DatedVehicleJourneyRef"]
    assert mover_column(cols) == "VehicleRef"
    assert find_columns("traj_id", ["VehicleRef", "RecordedAtTime"]) == ["VehicleRef"]
    # a rental's ride beside the scooter's vehicle_id is the trip; trip_id still wins
    assert find_columns("traj_id", ["ride_id", "vehicle_id", "ts"]) == ["ride_id"]
    assert find_columns("traj_id", ["trip_id", "ride_id"]) == ["trip_id"]


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> trajlm.TrajLM:
    return trajlm.TrajLM.from_pretrained(_model(tmp_path_factory.mktemp("nu31") / "m"), threads=1)


def test_latest_on_siri_vm_frames_answers_each_bus(model) -> None:
    out = model.predict(_avl(), steps=2, latest=True)
    assert sorted(set(out["DatedVehicleJourneyRef"])) == ["4-0-02", "4-1-02"]  # the last of each


def test_similar_from_a_pandas_frame(model) -> None:
    avl = _avl()
    out = model.similar(avl, k=2)  # was: AttributeError
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == ["DatedVehicleJourneyRef", "rank", "match", "distance"]
    assert len(out) == 6 * 2
    assert (out["DatedVehicleJourneyRef"] != out["match"]).all()  # each query's own row skipped
    assert (np.diff(out["distance"].to_numpy().reshape(6, 2), axis=1) >= 0).all()
    # against a database that holds the query: its copy first, at distance 0
    one = avl[avl["DatedVehicleJourneyRef"] == "4-1-01"]
    hit = model.similar(pl.from_pandas(one), pl.from_pandas(avl), k=1)
    assert isinstance(hit, pl.DataFrame)
    assert hit["match"].to_list() == ["4-1-01"] and hit["distance"][0] == 0.0
    emb = model.embed(avl).set_index("DatedVehicleJourneyRef").filter(like="emb_")
    want = np.linalg.norm(emb.loc["4-0-00"].to_numpy() - emb.loc["4-0-01"].to_numpy())
    pair = out[(out["DatedVehicleJourneyRef"] == "4-0-00") & (out["match"] == "4-0-01")]
    if len(pair):
        assert pair["distance"].iloc[0] == pytest.approx(want, rel=1e-5)
    with pytest.raises(TrajlmInputError, match="k=6 is more than the 5 trajectories"):
        model.similar(avl, k=6)


def test_passages_without_an_id_says_so_in_one_short_line() -> None:
    df = _avl().rename(columns={"DatedVehicleJourneyRef": "Run", "VehicleRef": "Bus"})
    with pytest.raises(TrajlmInputError) as e:
        trajlm.passages(df, a=(41.15, -8.61), b=(41.16, -8.61))
    line = str(e.value)
    assert len(line) < 600, line  # was ~3,000 characters: every recognised id name
    assert "'Run'" in line and "traj_col" in line


def _trips(path: Path) -> Path:
    rows = ["ride_id,rideable_type,started_at,ended_at,start_lat,start_lng,end_lat,end_lng"]
    for i in range(4):
        rows.append(f"R{i},electric_bike,2026-03-10 07:0{i}:00,2026-03-10 07:1{i}:00,"
                    f"53.80{i},-1.55{i},53.81{i},-1.54{i}")  # fmt: skip
    path.write_text("\n".join(rows) + "\n")
    return path


def test_a_trip_log_is_named_at_ingest_and_read_by_travel_time(tmp_path: Path) -> None:
    log = _trips(tmp_path / "bike_trips.csv")
    r = invoke("data", "ingest", log, "--out", tmp_path / "s")
    assert r.exit_code == 2
    assert "a trip log: one row per trip" in r.output and "trajlm travel-time" in r.output
    run = _model(tmp_path / "m")  # no infilling heads: the columns are found, then refused
    r = invoke("travel-time", "--input", log, "--model", run, "--out", tmp_path / "t.csv")
    assert r.exit_code == 2
    assert "no column for" not in r.output  # was: o_lon, d_lon, depart not found
    assert "cannot travel time" in r.output


def test_a_trip_log_frame_says_trip_log_in_python() -> None:
    log = pd.DataFrame({"ride_id": ["R0", "R1"], "started_at": pd.to_datetime(["2026-03-10 07:00"] * 2),
                        "ended_at": pd.to_datetime(["2026-03-10 07:10"] * 2),
                        "start_lat": [41.15, 41.16], "start_lng": [-8.61, -8.62]})  # fmt: skip
    with pytest.raises(TrajlmInputError, match="a trip log: one row per trip"):
        trajlm.to_canonical(log)


def test_ask_reads_a_siri_vm_frame_by_journey_as_ingest_does() -> None:
    avl = _avl()  # 2 buses x 3 journeys of 12 pings 20 s apart: 220 s each
    assert "6" in str(trajlm.ask("how many trips are there?", avl)).splitlines()[0]
    assert str(trajlm.ask("how many buses are there?", avl)).splitlines()[0] == "2"
    med = str(trajlm.ask("what is the median trip duration in minutes?", avl)).splitlines()[0]
    assert med.startswith("3.67 min"), med  # 11 intervals of 20 s; was each bus as one trip


def test_http_ask_takes_trajectories_as_the_other_endpoints_name_the_rows(model) -> None:
    pytest.importorskip("httpx")
    from fastapi.testclient import TestClient

    from trajlm.serve import create_app

    rows = _avl().assign(
        RecordedAtTime=lambda d: d["RecordedAtTime"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    )
    body = {"question": "how many buses are there?", "trajectories": rows.to_dict("records")}
    with TestClient(create_app(model)) as c:
        r = c.post(
            "/ask", json=body
        )  # was 422 "field trajectories: Extra inputs are not permitted"
        assert r.status_code == 200, r.text
        assert r.json()["value"] == 2
        body = {"question": "how many trips are there?", "rows": rows.to_dict("records")}
        assert c.post("/ask", json=body).json()["value"] == 6
