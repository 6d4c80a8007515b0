"""Session 25 (newuser25): session 24's leftovers 2-4.

- ISO text times with a UTC offset (`+01:00`) came back from the Python API as UTC datetimes
  while `trajlm predict --out` wrote the input's offset: now text like the input's, each
  trajectory on its own offset (Z / zone-less text and datetimes: as before).
- The API accepted (0, 0) fixes with only a coverage warning (ingest drops them): now one line
  (raise), and `trajlm.clean` drops and counts them as `null_island` (skip).
- `trajlm predict` of a CSV with a WKT `geometry` column wrote `geometry.y` / `geometry.x`:
  now a WKT POINT column again, as the Python API gives it back."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import polars as pl
import pytest
from helpers import tiny_model
from reliability_helpers import invoke

import trajlm
from trajlm.errors import TrajlmInputError


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> trajlm.TrajLM:
    return trajlm.TrajLM.from_pretrained(tiny_model(tmp_path_factory.mktemp("nu25") / "m"))


def _trips(times: dict[str, str], n: int = 10) -> pd.DataFrame:
    """One trip per id, fixes a minute apart from the ISO prefix given, with its zone suffix."""
    rows = []
    for i, (trip, zone) in enumerate(times.items()):
        rows += [{"trip": trip, "timestamp": f"2026-03-28T08:{k:02d}:00{zone}",
                  "lat": 45.75 + 3e-4 * k, "lon": 4.84 + 1e-3 * i} for k in range(n)]  # fmt: skip
    return pd.DataFrame(rows)


def test_offset_text_comes_back_as_text_on_each_trips_own_offset(model) -> None:
    pdf = _trips({"a": "+01:00", "b": "+02:00"})  # two trips either side of a DST change
    out = model.predict(pdf, steps=2)  # (the tiny model's steps are its own, ~15 s)
    stamps = out["timestamp"].tolist()
    assert [s[-6:] for s in stamps] == ["+01:00", "+01:00", "+02:00", "+02:00"]
    assert all(s.startswith("2026-03-28T08:09:") or s.startswith("2026-03-28T08:1") for s in stamps)
    got = model.predict(pl.from_pandas(pdf), steps=1)  # Polars too
    assert got["timestamp"].to_list() == [stamps[0], stamps[2]]
    gap = pdf.assign(lat=pdf["lat"].where(~(pdf.index % 10).isin([3, 6])))
    rec = model.recover(gap)  # the caller's own rows: their times exactly as given
    assert rec["timestamp"].tolist() == pdf["timestamp"].tolist()
    kept, _ = trajlm.clean(pdf)
    assert kept["timestamp"].tolist() == pdf["timestamp"].tolist()


def test_utc_text_and_aware_datetimes_keep_their_types(model) -> None:
    z = model.predict(_trips({"a": "Z"}), steps=1)
    assert str(z["timestamp"].dt.tz) == "UTC"  # Z text: UTC datetimes, as before
    utc = model.predict(_trips({"a": "+00:00"}), steps=1)  # pandas' own CSV of UTC times
    assert str(utc["timestamp"].dt.tz) == "UTC"
    aware = _trips({"a": ""}).assign(
        timestamp=lambda d: pd.to_datetime(d["timestamp"]).dt.tz_localize("Europe/Paris")
    )
    out = model.predict(aware, steps=1)
    assert str(out["timestamp"].dt.tz) == "Europe/Paris"
    assert out["timestamp"].iloc[0] > pd.Timestamp("2026-03-28 08:09", tz="Europe/Paris")


def test_null_island_is_refused_in_one_line_and_clean_drops_it(model) -> None:
    pdf = _trips({"a": "+01:00", "b": "+01:00"})
    pdf.loc[3, ["lat", "lon"]] = 0.0
    with pytest.raises(TrajlmInputError) as e:
        model.predict(pdf, steps=1)
    text = str(e.value)
    assert "position (0, 0)" in text and "1 row(s)" in text and "'a'" in text
    assert "trajlm.clean(df, return_report=True)" in text and len(text.splitlines()) == 1
    kept, report = trajlm.clean(pdf)
    assert dict(report.dropped) == {"null_island": 1} and len(kept) == len(pdf) - 1
    assert len(model.predict(kept, steps=1)) == 2
    near = pdf.assign(lat=0.0, lon=[1e-4 * (k + 1) for k in range(len(pdf))], trip="gulf")
    near["timestamp"] = [f"2026-03-28T08:{k:02d}:00Z" for k in range(len(near))]
    assert len(model.predict(near, steps=1)) == 1  # near (0, 0) is a place: kept


def test_cli_predict_gives_a_wkt_point_column_back(tmp_path: Path) -> None:
    rows = ["trip,timestamp,geometry"]
    rows += [f'T0,2026-05-04T08:{k:02d}:00+02:00,"POINT ({-8.61 + 2e-4 * k:.6f} {41.15 + 1e-4 * k:.6f})"'
             for k in range(10)]  # fmt: skip
    (tmp_path / "w.csv").write_text("\n".join(rows) + "\n")
    r = invoke("predict", "--model", tiny_model(tmp_path / "m"), "--input", tmp_path / "w.csv",
               "--out", tmp_path / "p.csv", "-k", "2")  # fmt: skip
    assert r.exit_code == 0, r.output
    out = pl.read_csv(tmp_path / "p.csv")
    assert out.columns == ["trip", "step", "timestamp", "geometry", "std_m"]
    assert out["geometry"].str.starts_with("POINT (-8.60").all()
    assert "geometry as the input's (WKT POINT, WGS84)" in r.output
    assert out["timestamp"].str.ends_with("+02:00").all()


def _phones(path: Path, zones: tuple[str, ...] = ("Europe/Berlin",)) -> Path:
    """A phone study's export: naive local times beside a column naming their zone."""
    rows = ["participant_id,local_time,tz,latitude,longitude,activity"]
    for p, zone in enumerate(zones * 2):
        rows += [f"P{p},2026-06-0{p + 1} 07:{k:02d}:00,{zone},{52.5 + 1e-3 * k},{13.4 + 0.01 * p},"
                 "on_foot" for k in range(12)]  # fmt: skip
    path.write_text("\n".join(rows) + "\n")
    return path


def test_local_times_beside_a_zone_column_are_read_in_that_zone(tmp_path: Path) -> None:
    """`local_time` + `tz` was refused ("missing column(s) ['t'] ... closest: t -> 'tz'")."""
    from trajlm.data.store import read_store

    r = invoke("data", "ingest", _phones(tmp_path / "p.csv"), "--out", tmp_path / "s")
    assert r.exit_code == 0, r.output
    assert "t <- 'local_time', tz <- 'Europe/Berlin'" in r.output
    first = read_store(tmp_path / "s").sort("t")["t"][0]
    assert first == 1780290000  # 2026-06-01 07:00 in Berlin (CEST) = 05:00 UTC
    r = invoke("data", "ingest", _phones(tmp_path / "q.csv", ("Europe/Berlin", "Asia/Tokyo")),
               "--out", tmp_path / "s2")  # fmt: skip
    # two zones: each row read in its own since session 26 (readers26; was "missing column t")
    assert r.exit_code == 0 and "each row's zone from 'tz'" in r.output, r.output


def test_a_frame_with_local_time_and_tz_is_read_as_ingest_reads_it(model, tmp_path: Path) -> None:
    """`trajlm predict --input` / the API refused the same export (`no t column`)."""
    pdf = pd.read_csv(_phones(tmp_path / "p.csv"))
    out = model.predict(pdf, steps=1)
    assert str(out["local_time"].dt.tz) == "Europe/Berlin"
    first = out.sort_values("participant_id")["local_time"].iloc[0]
    assert first > pd.Timestamp("2026-06-01 07:11", tz="Europe/Berlin")  # local, not UTC + 2 h
    assert first < pd.Timestamp("2026-06-01 07:20", tz="Europe/Berlin")
