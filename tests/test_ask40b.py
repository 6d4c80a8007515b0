"""ask40b: a second fresh measure's one silent wrong (scripts/ask40b holds set 40b) as a general rule, on made
movers that are not the measure's. Before (main 205f65d8): time "moving" / "stopped" was split at the 1 m/s stop
speed whatever the mover, so a herd walking at 3 km/h was read as mostly standing still ("how many hours did the cows
spend on the move" answered 3.70 h of 10.85 h); now refused in one line, while a van's moving time is still read."""

from __future__ import annotations

import pandas as pd
import pytest

from trajlm.llm.plan import CannotAnswer
from trajlm.questions import Asker


def _movers(m_per_min: float, mode: str, pause_min: int = 0) -> pd.DataFrame:
    """Two movers, M-1 and M-2, one trip a day for 3 days from Mon 2 March 2026 09:00 UTC: 30 one-minute steps north
    at ``m_per_min``, standing still for ``pause_min`` of them in the middle."""
    rows = []
    for n, vid in enumerate(["M-1", "M-2"], start=1):
        for day in pd.date_range("2026-03-02", periods=3, tz="UTC"):
            lat = 51.0 + 0.1 * n
            for k in range(31):
                if k and not (10 < k <= 10 + pause_min):
                    lat += m_per_min / 111_320
                rows.append((f"{vid}-{day.day}", day + pd.Timedelta(hours=9, minutes=k), lat,
                             0.01 * day.day + 0.05 * n, vid, mode))  # fmt: skip
    return pd.DataFrame(rows, columns=["traj_id", "t", "lat", "lon", "vehicle_id", "mode"])


def test_slow_movers_moving_time_is_refused_not_guessed() -> None:
    herd = Asker(_movers(50.0, "grazing"))  # 3 km/h: under twice the 3.6 km/h stop speed
    for q in ["How many hours was M-1 moving?", "How long did M-2 stop in total?"]:
        with pytest.raises(CannotAnswer, match="slow travel, not standing"):
            herd(q)
    lasted = herd("What was the total duration of grazing trips, in hours?")
    assert lasted.value == pytest.approx(
        3.0, abs=0.01
    )  # 6 trips of 30 min: what can be asked instead


def test_a_vans_moving_time_is_still_read() -> None:
    vans = Asker(_movers(500.0, "delivery", pause_min=10))  # 30 km/h, 10 still minutes a trip
    moving = vans("How many minutes was M-1 moving?")
    assert moving.value == pytest.approx(3 * 20.0, abs=0.5)


def test_a_walkers_real_stops_are_still_read() -> None:
    walkers = Asker(
        _movers(90.0, "patrol", pause_min=10)
    )  # 5.4 km/h with 10 still minutes a trip: a real stay
    stopped = walkers("How many minutes was M-1 stopped?")
    assert stopped.value == pytest.approx(3 * 10.0, abs=0.5)
