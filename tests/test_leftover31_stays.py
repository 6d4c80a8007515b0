"""Session 31 (leftover31): a vessel in, moored two hours and out is one trip at ingest (no
gap cuts it); ingest says so and names --split-at-stops, which cuts it into two voyages.
Data are generated here (newuser30's feed's shape: MMSI, BaseDateTime, LAT, LON, SOG, COG)."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from trajlm.data.ingest import ingest
from trajlm.data.store import read_store


def _port_call(path: Path, sog: bool = True) -> Path:
    rows, t, lat = [], 1_780_000_000, 50.80
    for leg, (n, step_s, kn) in enumerate(((40, 60, 10.0), (40, 180, 0.0), (40, 60, 10.0))):
        for _ in range(n):
            v = kn * 0.514444
            lat += (v * step_s / 111_195.0) * (1 if leg == 0 else -1 if leg == 2 else 0)
            jitter = 0.00001 * (len(rows) % 3) if kn == 0 else 0.0
            rows.append(f"227100002,{t},{lat + jitter:.6f},-1.1,{kn:.1f},{0 if leg < 2 else 180}")
            t += step_s
    head = "MMSI,BaseDateTime,LAT,LON,SOG,COG"
    text = "\n".join([head, *rows]) + "\n"
    if not sog:
        text = "\n".join(",".join(r.split(",")[:4]) for r in text.splitlines()) + "\n"
    path.write_text(text)
    return path


def test_a_berth_inside_a_trip_is_said_and_split_at_stops_cuts_it(tmp_path: Path) -> None:
    path = _port_call(tmp_path / "ais.csv")
    with pytest.warns(UserWarning, match=r"1 of 1 trips hold a stay of 1 h.*--split-at-stops"):
        m = ingest([path], "auto", tmp_path / "one", progress=False)
    assert m["reading"]["long_stays"]["trips"] == 1
    assert m["reading"]["long_stays"]["longest_s"] >= 6000  # ~2 h moored
    assert read_store(tmp_path / "one")["traj_id"].n_unique() == 1
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        m = ingest([path], "auto", tmp_path / "two", progress=False,
                   clean_overrides={"stop_min_s": 600})  # fmt: skip
    assert "long_stays" not in m["reading"] and not [w for w in said if "stay of" in str(w.message)]
    assert read_store(tmp_path / "two")["traj_id"].n_unique() == 2  # in, out: two voyages


def test_no_reported_speed_no_line(tmp_path: Path) -> None:
    path = _port_call(tmp_path / "pos.csv", sog=False)  # a van's parking is not judged
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        m = ingest([path], "auto", tmp_path / "s", progress=False)
    assert "long_stays" not in m["reading"] and not [w for w in said if "stay of" in str(w.message)]
