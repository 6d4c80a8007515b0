"""Session 33 (heldout33b): held-out files the readers refused with no way on.

Before: an Arrow IPC stream (`.arrows`) was "cannot tell the format from the name", and one saved
as `.arrow` was not an IPC file to Polars; a `position` struct of `lat` / `lon` doubles
(flattened to `position.lat`) was taken for FIT's semicircle field `position_lat` and refused
"not a whole number"; a logbook's degrees and decimal minutes with no minute mark
(`41 07.909N`, `008 42.218W`) were "not a number, nor degrees / minutes / seconds text".
docs/data.md "Session 33 (heldout33b)"."""

from __future__ import annotations

from pathlib import Path

import pytest

from trajlm.data.readers import read
from trajlm.errors import TrajlmInputError

T0 = 1772437200  # 2026-03-02 07:40:00 UTC


def _stream(path: Path) -> None:
    import pyarrow as pa

    n = 6
    table = pa.table({
        "vehicle": ["VAN-01"] * n + ["VAN-02"] * n,
        "ts": pa.array([(T0 + 15 * i) * 10**6 for i in range(n)] * 2,
                       type=pa.timestamp("us", tz="Europe/Madrid")),
        "position": pa.array([{"lat": 40.42 + 1e-4 * i + 0.01 * k, "lon": -3.70 + 1e-4 * i}
                              for k in range(2) for i in range(n)],
                             type=pa.struct([("lat", pa.float64()), ("lon", pa.float64())])),
    })  # fmt: skip
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_stream(sink, table.schema) as w:
        for batch in table.to_batches(max_chunksize=4):
            w.write_batch(batch)


@pytest.mark.parametrize("name", ["vans.arrows", "vans.arrow"])
def test_an_arrow_stream_with_a_position_struct_is_read(tmp_path: Path, name: str) -> None:
    _stream(tmp_path / name)
    df, _ = read(tmp_path / name)  # was: "cannot tell the format" / semicircles refused
    assert df.height == 12 and df["traj_id"].n_unique() == 2
    assert df["t"].min() == T0  # a zoned timestamp: the instant kept (not read as Madrid's 08:40)
    assert df["lat"].min() == pytest.approx(40.42) and df["lon"].min() == pytest.approx(-3.70)


def test_fit_names_still_say_semicircles(tmp_path: Path) -> None:
    p = tmp_path / "ride.csv"
    p.write_text("timestamp,position_lat,position_long\n2026-03-02T07:40:00Z,40.42,-3.7\n")
    with pytest.raises(TrajlmInputError, match="semicircles"):
        read(p)


def test_degrees_and_unmarked_decimal_minutes_with_a_letter_are_read(tmp_path: Path) -> None:
    p = tmp_path / "logbook.csv"
    rows = [f"2026-03-02T07:{40 + i}:00Z,Boat 1,41 07.{900 + i}N,008 42.218W" for i in range(4)]
    p.write_text("time,boat,lat,lon\n" + "\n".join(rows) + "\n")
    df, _ = read(p)  # was: "not a number, nor degrees / minutes / seconds text"
    assert df["lat"][0] == pytest.approx(41 + 7.9 / 60) and df["lon"][0] == pytest.approx(
        -(8 + 42.218 / 60)
    )


def test_unmarked_minutes_without_a_letter_stay_unread(tmp_path: Path) -> None:
    p = tmp_path / "logbook.csv"
    p.write_text("time,boat,lat,lon\n2026-03-02T07:40:00Z,Boat 1,41 07.900,-8.7\n")
    with pytest.raises(TrajlmInputError, match="hemisphere letter"):
        read(p)


def test_a_frame_with_a_position_column_of_dicts_is_read() -> None:
    import pandas as pd

    import trajlm

    df = pd.DataFrame({"vehicle": ["VAN-01"] * 4,
                       "ts": pd.to_datetime([T0 + 15 * i for i in range(4)], unit="s", utc=True),
                       "position": [{"lat": 40.42 + 1e-4 * i, "lon": -3.70} for i in range(4)]})  # fmt: skip
    out = trajlm.to_canonical(df)  # was: "position.lat ... not a whole number ... semicircles"
    assert out.height == 4 and out["lat"].max() == pytest.approx(40.4203)


def test_predict_on_ambiguous_dates_names_the_cli_way(tmp_path: Path) -> None:
    from helpers import invoke_cli

    p = tmp_path / "logbook.csv"
    rows = [f"02/03/2026 08:{40 + i},Boat 1,41.13,-8.70" for i in range(6)]
    p.write_text("time,boat,lat,lon\n" + "\n".join(rows) + "\n")
    r = invoke_cli(["predict", "--model", "trajlm-small", "--input", p,
                    "--out", tmp_path / "o.csv", "--threads", "1"])  # fmt: skip
    assert r.exit_code == 2 and "day/month order" in r.output  # told, as before
    assert "--time-format dmy" in r.output  # was: only "parse them first, e.g. pd.to_datetime"


@pytest.mark.parametrize("name", ["trace_full_4ca002.json", "trace_full_4ca002.json.gz"])
def test_a_gzipped_adsb_trace_is_read(tmp_path: Path, name: str) -> None:
    import gzip
    import json

    rows = [[5.0 * i, 53.42 + 1e-3 * i, -6.27, "ground" if i < 2 else 1000, 300, 90, 0]
            for i in range(8)]  # fmt: skip
    doc = {"icao": "4ca002", "timestamp": float(T0), "trace": rows}
    (tmp_path / name).write_bytes(gzip.compress(json.dumps(doc).encode()))  # as readsb writes
    df, _ = read(tmp_path / name)  # was: "not valid JSON ('utf-8' codec can't decode byte 0x8b"
    assert df.height == 8 and df["t"].min() == T0 and df["t"].max() == T0 + 35
    assert df["lat"].max() == pytest.approx(53.427)
