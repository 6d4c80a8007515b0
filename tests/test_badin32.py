"""badin32: badin31's three silent wrongs (docs/reliability.md "Session 32 (badin32)"): lat / lon
in radians read as degrees, a dead-reckoning course in radians, a slow ship's m/s under a knots
name."""

from __future__ import annotations

import math
import warnings

import numpy as np
import polars as pl
import pytest

T0 = 1772359200


def _csv(path, rows: list[str], header: str = "id,time,lat,lon") -> str:
    path.write_text(header + "\n" + "".join(r + "\n" for r in rows))
    return str(path)


def _ingest(src: str, out) -> tuple[dict | None, list[str], Exception | None]:
    from trajlm.data.ingest import ingest

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            manifest = ingest(src, "csv", out, progress=False)
        except ValueError as e:
            return None, [str(w.message) for w in caught], e
    return manifest, [str(w.message) for w in caught], None


def test_radians_refused_by_a_reported_speed_and_said_without_one(tmp_path) -> None:
    # Porto in radians, a car at 10 m/s (19.4 kn) every 4 s: 40 m east = 8.3e-6 rad of longitude
    step = 40 / 6371008.8 / math.cos(0.7182)
    rad = [f"v,2026-03-01 10:00:{k * 4:02d},0.7182000,{-0.15027 + step * k:.9f}" for k in range(12)]
    src = _csv(tmp_path / "sog.csv", [r + ",19.4" for r in rad], "id,time,lat,lon,sog_kn")
    _, _, err = _ingest(src, tmp_path / "a")
    assert err is not None and "look like radians" in str(err) and "'lat' / 'lon'" in str(err)
    assert not (tmp_path / "a").exists()  # refused before any store is written
    # no reported speed: read (it may be the Gulf of Guinea), said once
    manifest, said, err = _ingest(_csv(tmp_path / "rad.csv", rad), tmp_path / "b")
    assert err is None and manifest["reading"].get("radians_suspected")
    assert sum("hold radians" in w for w in said) == 1
    # a real ship near 0 N 1 E at 9.7 kn (5 m/s), with and without its SOG: read quietly
    ship = [f"s,2026-03-01 10:{k:02d}:00,0.5,{1.0 + 0.0027 * k:.5f}" for k in range(12)]
    for name, rows, header in (("ship.csv", [r + ",9.7" for r in ship], "id,time,lat,lon,sog_kn"),
                               ("ship2.csv", ship, "id,time,lat,lon")):  # fmt: skip
        manifest, said, err = _ingest(_csv(tmp_path / name, rows, header), tmp_path / name[:-4])
        assert err is None and "radians_suspected" not in manifest["reading"]
        assert not any("radians" in w for w in said)


def _ship(sog: float, cog: float, dlat: float = 1e-3, dlon: float = 0.0, n: int = 8):
    return pl.DataFrame({"mmsi": ["235071200"] * n, "t": [T0 + 60 * k for k in range(n)],
                         "lat": [53.87 + dlat * k for k in range(n)],
                         "lon": [6.72 + dlon * k for k in range(n)],
                         "sog_kn": [sog] * n, "cog_deg": [cog] * n})  # fmt: skip


def _dr(df: pl.DataFrame) -> tuple[np.ndarray, list[str]]:
    from trajlm.eval.dead_reckoning import DeadReckoning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = DeadReckoning().predict(df, steps=2)
    return out.select("lat", "lon").to_numpy(), [str(w.message) for w in caught]


def test_dead_reckoning_course_in_radians_is_not_used() -> None:
    # eastbound at 1.09 m/s (2.1 kn: 1e-3 deg of longitude a minute at 53.87 N), COG 1.5708
    got, said = _dr(_ship(2.1, 1.5708, dlat=0.0, dlon=1e-3))
    assert any("reads like radians" in w and "'cog_deg'" in w for w in said)
    assert np.allclose(got[:, 0], 53.87, atol=1e-5)  # east, not sent north
    assert got[1, 1] > got[0, 1] > 6.72 + 7e-3
    # real degrees: a course of 5 degrees on a NNE ship, 90 on an eastbound one: used, quiet
    for df in (_ship(3.6, 5.0, dlon=1.4e-4), _ship(2.1, 90.0, dlat=0.0, dlon=1e-3)):
        _, said = _dr(df)
        assert not any("radians" in w or "does not match" in w for w in said)


def test_slow_ships_metres_per_second_under_a_knots_name_is_judged() -> None:
    # 111 m a minute is 1.85 m/s; the column says 1.85 "kn" (0.95 m/s): was never judged
    _, said = _dr(_ship(1.85, 0.0))
    assert any("m/s in a column named for knots" in w for w in said)
    _, said = _dr(_ship(3.6, 0.0))  # the same ship in knots: trusted
    assert not any("does not match" in w for w in said)
    _, said = _dr(_ship(0.3, 0.0, dlat=1e-4))  # 0.15 m/s, 11 m a minute: too little to judge
    assert not any("does not match" in w for w in said)
    with pytest.raises(ValueError):  # the table still needs its columns
        _dr(_ship(3.6, 0.0).drop("cog_deg"))
