"""Route recommendation on a tiny hand-made graph and on the synthetic city: candidates,
the avoided area, the deadline, timing services, explanations, the picture, and
`trajlm route`'s one-line errors."""

import numpy as np
import polars as pl
import pytest
from reliability_helpers import fails, invoke

from trajlm.data.features import LocalProjection
from trajlm.errors import UserError
from trajlm.reason.route import (
    FreeFlowTimes,
    HistoricalSpeeds,
    TravelTimeService,
    recommend,
)
from trajlm.roads.network import from_polylines

PROJ = LocalProjection(45.0, 7.0)
T0 = 1_709_539_200  # 2024-03-04 08:00 UTC


def ll(x, y):
    lat, lon = PROJ.inverse(np.asarray(x, float), np.asarray(y, float))
    return np.stack([lon, lat], 1)


@pytest.fixture(scope="module")
def square():
    """O (0,0) -> D (1000, 0): straight along the bottom (1 km, 10 m/s) or over the top
    (0,0) -> (0,600) -> (1000,600) -> (1000,0) (2.2 km, 20 m/s: 110 s vs 100 s)."""
    lines = [ll([0, 1000], [0, 0]), ll([0, 0], [0, 600]), ll([0, 1000], [600, 600]),
             ll([1000, 1000], [600, 0])]  # fmt: skip
    speed = np.array([10.0, 20.0, 20.0, 20.0])
    return from_polylines(lines, np.array(["local", "arterial", "arterial", "arterial"]), speed,
                          np.arange(4), np.zeros(4, bool), PROJ)  # fmt: skip


def latlon(x, y):
    lat, lon = PROJ.inverse(np.array([x], float), np.array([y], float))
    return float(lat[0]), float(lon[0])


def test_fastest_first_then_the_alternative(square):
    r = recommend(square, latlon(0, 0), latlon(1000, 0), T0, FreeFlowTimes(), k=2)
    t = r.table
    assert t["traj_id"].to_list() == ["route_1", "route_2"]
    assert t["duration_s"].to_list() == pytest.approx([100.0, 110.0], rel=1e-3)
    assert t["length_m"].to_list() == pytest.approx([1000.0, 2200.0], rel=1e-3)
    assert t["valid"].all() and t["feasible"].all()
    assert r.explanations[0].startswith("Route 1 (route_1): 1.0 km mostly on local roads")
    assert "0.2 min slower than the fastest" in r.explanations[1]
    # the trajectory: a point every 15 s plus the arrival, ending at D
    tr = r.trajectories.filter(pl.col("traj_id") == "route_1")
    assert (tr["t"] - T0).to_list() == [0, 15, 30, 45, 60, 75, 90, 100]


def test_avoided_area_and_deadline(square):
    box = (*latlon(400, -50), *latlon(600, 50))  # over the bottom road
    r = recommend(square, latlon(0, 0), latlon(1000, 0), T0, avoid=box, k=2,
                  arrive_before=T0 + 105)  # fmt: skip
    assert len(r.table) == 1 and r.table["length_m"][0] == pytest.approx(2200.0, rel=1e-3)
    assert not r.table["on_time"][0] and not r.table["feasible"][0]
    assert "arriving 08:01:50 UTC, 0.1 min after the 08:01:45 deadline" in r.explanations[0]
    assert "outside the avoided area" in r.explanations[0]
    whole = (*latlon(-100, -100), *latlon(1100, 700))
    with pytest.raises(UserError):
        recommend(square, latlon(0, 0), latlon(1000, 0), T0, avoid=whole)


def test_a_travel_time_service_is_a_protocol(square):
    class Slow:
        def edge_times(self, graph, depart):
            return graph.length_m / 1.0

    assert isinstance(Slow(), TravelTimeService)
    r = recommend(square, latlon(0, 0), latlon(1000, 0), T0, Slow(), k=1)
    assert r.table["duration_s"][0] == pytest.approx(1000.0, rel=1e-3)
    assert r.table["valid"][0]  # 1 m/s is a valid (slow) car
    with pytest.raises(UserError, match="edge_times"):
        recommend(square, latlon(0, 0), latlon(1000, 0), T0, times=object())


def test_historical_speeds_from_points(square):
    # 20 fixes a minute apart at 5 m/s along the bottom road, at 08:xx
    x = np.arange(20) * 75.0 % 1000
    lat, lon = PROJ.inverse(x, np.zeros(20))
    df = pl.DataFrame({"traj_id": [f"{i // 10}" for i in range(20)],
                       "t": T0 + np.arange(20) * 15, "lat": lat, "lon": lon})  # fmt: skip
    hs = HistoricalSpeeds.from_points(df, square, min_obs=3)
    sec = hs.edge_times(square, T0)
    bottom = int(np.flatnonzero(square.length_m < 1001)[0])
    assert sec[bottom] == pytest.approx(1000.0 / 5.0, rel=0.05)


def test_cli_route_bad_input_is_one_line():
    fails("route", "--from", "45.0", "--to", "45.01,7.01", "--depart", "2024-03-04T08:00:00Z",
          "--synthetic-seed", "0", names=("--from", "LAT,LON"))  # fmt: skip
    fails("route", "--from", "45.0,7.0", "--to", "45.01,7.01", "--depart", "tomorrow",
          "--synthetic-seed", "0", names=("--depart", "ISO 8601"))  # fmt: skip
    fails("route", "--from", "45.0,7.0", "--to", "45.01,7.01", "--depart", "0",
          names=("--network", "--synthetic-seed"))  # fmt: skip
    fails("route", "--from", "45.0,7.0", "--to", "45.01,7.01", "--depart", "0",
          "--synthetic-seed", "0", "--avoid", "1,2,3", names=("--avoid",))  # fmt: skip


@pytest.mark.slow
def test_cli_route_on_the_synthetic_city(tmp_path):
    out, png = tmp_path / "r.csv", tmp_path / "r.png"
    r = invoke("route", "--from", "45.062,7.679", "--to", "45.078,7.70", "--depart",
               "2024-03-04T08:00:00Z", "--synthetic-seed", "0", "--avoid",
               "45.069,7.686,45.071,7.693", "--k", "3", "--out", out, "--plot", png)  # fmt: skip
    assert r.exit_code == 0, r.output
    assert r.output.count("Route ") == 3 and "outside the avoided area" in r.output
    table = pl.read_csv(out)
    assert table["rank"].to_list() == [1, 2, 3] and table["valid"].all()
    assert png.read_bytes()[:4] == b"\x89PNG" and png.stat().st_size > 10_000
