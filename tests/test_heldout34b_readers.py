"""Session 34 (heldout34b): four held-out kinds with no options (docs/data.md "Session 34
(heldout34b)").

Before: a Komoot API tour (`date` + `coordinates.items[].t` in ms since the start) and an OGC
SensorThings `HistoricalLocations?$expand=Locations` answer (a GeoJSON Point inside a one-item
`Locations` list) were "not a trajectory JSON" / "no latitude and no longitude"; a pandas frame
of an ArcGIS Field Maps export (`3/14/2024 3:11:13 PM`, its 14 deciding month-first) was refused
as a day/month guess that ingest reads from the same file."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import trajlm
from trajlm.data.readers import read
from trajlm.errors import TrajlmInputError

START = pd.Timestamp("2024-06-01T09:20:50+02:00")


def _tour(
    path: Path, items: list[dict], date: str | None = "2024-06-01T09:20:50.000+02:00"
) -> Path:
    doc = {
        "id": 1590335373,
        "type": "tour_recorded",
        "_embedded": {"coordinates": {"items": items}},
    }
    if date is not None:
        doc["date"] = date
    path.write_text(json.dumps(doc))
    return path


def _items(n: int = 8, with_t: bool = True) -> list[dict]:
    return [{"lat": 47.42 + k * 1e-4, "lng": 8.59 + k * 2e-4, "alt": 420.0}
            | ({"t": 3000 + 2500 * k} if with_t else {}) for k in range(n)]  # fmt: skip


def test_komoot_tour_times_count_from_its_date_in_milliseconds(tmp_path: Path) -> None:
    df = read(_tour(tmp_path / "tour_1590335373.json", _items()))[0].sort("t")
    assert df.height == 8 and df["traj_id"].unique().to_list() == ["tour_1590335373"]
    t0 = START.timestamp()
    assert df["t"].to_list() == pytest.approx([t0 + 3 + 2.5 * k for k in range(8)], abs=1)
    assert df["lat"][0] == pytest.approx(47.42) and df["lon"][0] == pytest.approx(8.59)


@pytest.mark.parametrize(
    ("items", "date", "said"),
    [(_items(with_t=False), "2024-06-01T09:20:50.000+02:00", "planned tour"),
     (_items(), None, "milliseconds from the tour's start")],
)  # fmt: skip
def test_komoot_tour_without_times_or_start_is_one_line(
    tmp_path: Path, items: list, date: str | None, said: str
) -> None:
    with pytest.raises(TrajlmInputError, match=said):
        read(_tour(tmp_path / "tour.json", items, date))


def _things(path: Path) -> Path:
    path.mkdir()
    for k in (1, 2):
        value = [
            {
                "@iot.id": 10 * k + j,
                "time": f"2024-09-10T06:0{j}:00.000Z",
                "Locations": [
                    {
                        "@iot.id": 500 + 10 * k + j,
                        "encodingType": "application/geo+json",
                        "location": {
                            "type": "Point",
                            "coordinates": [11.5 + j / 1e3, 48.1 + k / 1e2],
                        },
                    }
                ],
            }
            for j in range(6)
        ][::-1]  # fmt: skip  (newest first, as FROST answers)
        (path / f"thing_{k}.json").write_text(json.dumps({"@iot.count": 6, "value": value}))
    return path


def test_sensorthings_historical_locations_read_lon_lat_in_geojson_order(tmp_path: Path) -> None:
    df = read(_things(tmp_path / "things"))[0].sort("traj_id", "t")
    assert df.height == 12 and sorted(df["traj_id"].unique()) == ["thing_1", "thing_2"]
    one = df.filter(df["traj_id"] == "thing_2")
    assert one["lat"].to_list() == pytest.approx([48.12] * 6)
    assert one["lon"].to_list() == pytest.approx([11.5 + j / 1e3 for j in range(6)])
    t0 = pd.Timestamp("2024-09-10T06:00:00Z").timestamp()
    assert one["t"].to_list() == [t0 + 60 * j for j in range(6)]


def test_field_maps_frame_reads_slashed_dates_its_values_decide() -> None:
    times = [f"3/14/2024 3:1{k}:13 PM" for k in range(6)]
    df = pd.DataFrame({"full_name": "Crew 1", "location_timestamp": times,
                       "lat": [44.05 + k * 1e-4 for k in range(6)], "lon": -121.31})  # fmt: skip
    out = trajlm.to_canonical(df)
    t0 = pd.Timestamp("2024-03-14T15:10:13Z").timestamp()
    assert sorted(out["t"].to_list()) == [t0 + 60 * k for k in range(6)]


def test_field_maps_frame_still_refuses_dates_nothing_decides() -> None:
    df = pd.DataFrame({"vehicle_id": "TRK-101", "t": [f"05/06/2024 7:0{k}:00 AM" for k in range(4)],
                       "lat": 36.7, "lon": -119.7})  # fmt: skip
    with pytest.raises(TrajlmInputError, match="day/month order"):
        trajlm.to_canonical(df)
