"""Session 23 (cols23): a time zone named in the time column's header.

Before: heldout23's elk collars (`Acq. Time (MDT)`) were not found, and named by hand were read
as UTC (6 h off) with only a "no zone" note; `local time (PST)` was left to be named by hand.
Now an abbreviation or a written offset is the column's fixed offset, said at ingest; one that
names several zones (IST, CST) is refused in one line naming --tz / --utc-offset."""

from __future__ import annotations

import calendar
from pathlib import Path

import pytest
from typer.testing import CliRunner

from trajlm.cli import app
from trajlm.data.store import read_store
from trajlm.data.zone_names import header_zone


def _write(path: Path, tcol: str, clock: str = "2024-05-01 12:00:{s:02d}") -> Path:
    rows = [f"CollarID,{tcol},Latitude [deg],Longitude [deg]"]
    for i in range(3):
        rows += [f"E{i},{clock.format(s=10 * k)},44.{49 + i},-110.{27 + k}" for k in range(5)]
    path.write_text("\n".join(rows) + "\n")
    return path


def _ingest(path: Path, out: Path, *extra: str) -> tuple[int, str]:
    res = CliRunner().invoke(app, ["data", "ingest", str(path), "--out", str(out), *extra])
    return res.exit_code, res.output


def _first_t(store: Path) -> int:
    return int(read_store(store)["t"].min())


NOON_UTC = calendar.timegm((2024, 5, 1, 12, 0, 0))


@pytest.mark.parametrize(
    ("tcol", "hours"),
    [("Acq. Time (MDT)", -6), ("local time (PST)", -8), ("Timestamp [CET]", 1),
     ("Zeit (UTC+2)", 2), ("time (GMT-03:30)", -3.5), ("time (UTC)", 0)],
)  # fmt: skip
def test_a_zone_in_the_header_is_the_columns_offset(tmp_path: Path, tcol: str, hours: float):
    code, out = _ingest(_write(tmp_path / "c.csv", tcol), tmp_path / "s")
    assert code == 0, out
    assert _first_t(tmp_path / "s") == NOON_UTC - int(hours * 3600)
    if hours:
        assert "read as" in out and "UTC" in out and "no zone" not in out


def test_named_by_hand_the_zone_is_still_read(tmp_path: Path) -> None:
    path = _write(tmp_path / "c.csv", "Acq. Time (MDT)")
    code, out = _ingest(path, tmp_path / "s", "--time-col", "Acq. Time (MDT)")
    assert code == 0, out
    assert _first_t(tmp_path / "s") == NOON_UTC + 6 * 3600


def test_a_zone_given_by_hand_wins_over_the_header(tmp_path: Path) -> None:
    path = _write(tmp_path / "c.csv", "Acq. Time (MDT)")
    code, out = _ingest(path, tmp_path / "s", "--utc-offset", "-7")
    assert code == 0, out
    assert _first_t(tmp_path / "s") == NOON_UTC + 7 * 3600


@pytest.mark.parametrize("zone", ["IST", "CST"])
def test_an_ambiguous_abbreviation_is_refused_in_one_line(tmp_path: Path, zone: str) -> None:
    code, out = _ingest(_write(tmp_path / "c.csv", f"time ({zone})"), tmp_path / "s")
    assert code != 0
    assert "Traceback" not in out and "--tz" in out and "--utc-offset" in out and zone in out
    path = tmp_path / "c.csv"  # the zone given by hand: read
    code, out = _ingest(path, tmp_path / "s2", "--tz", "Asia/Kolkata")
    assert code == 0, out
    assert _first_t(tmp_path / "s2") == NOON_UTC - int(5.5 * 3600)


def test_units_are_no_zones() -> None:
    for unit in ("speed (m/s)", "time (s)", "t [ms]", "Latitude [deg]", "(MDT)", "SOG (kn)"):
        assert header_zone(unit) is None, unit
    assert header_zone("Acq. Time (MDT)").offset_s == -6 * 3600  # type: ignore[union-attr]


def test_a_utc_header_is_not_called_zoneless(tmp_path: Path) -> None:
    code, out = _ingest(_write(tmp_path / "c.csv", "Date/Time (UTC)"), tmp_path / "s")
    assert code == 0, out
    assert "no zone" not in out and _first_t(tmp_path / "s") == NOON_UTC
    code, out = _ingest(_write(tmp_path / "d.csv", "timestamp"), tmp_path / "s2")
    assert "no zone" in out  # a header without a zone still says it


def test_the_python_api_reads_the_headers_zone_too() -> None:
    import polars as pl

    from trajlm.data.coerce import coerce
    from trajlm.data.schema import TrajlmInputError

    clock = [f"2024-05-01 12:00:{s:02d}" for s in range(0, 50, 10)]
    df = pl.DataFrame({"CollarID": ["a"] * 5, "Acq. Time (MDT)": clock,
                       "lat": [44.0 + 0.001 * i for i in range(5)], "lon": [-110.0] * 5})  # fmt: skip
    with pytest.warns(UserWarning, match="UTC-6 h"):
        assert coerce(df)[0]["t"][0] == NOON_UTC + 6 * 3600
    as_dt = df.with_columns(pl.col("Acq. Time (MDT)").str.to_datetime())
    with pytest.warns(UserWarning, match="UTC-6 h"):
        assert coerce(as_dt)[0]["t"][0] == NOON_UTC + 6 * 3600
    zoned = df.with_columns(pl.col("Acq. Time (MDT)") + "-06:00")  # the values say it
    assert coerce(zoned)[0]["t"][0] == NOON_UTC + 6 * 3600
    with pytest.raises(TrajlmInputError, match="tz="):
        coerce(df.rename({"Acq. Time (MDT)": "time (IST)"}))
