"""Session 34 (fix34): leftovers of heldout34 and leftover34. docs/reliability.md
"Session 34 (fix34)"."""

from __future__ import annotations

import sqlite3
import warnings
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from trajlm.cli import app

SMALL = str(Path(__file__).resolve().parents[1] / "trajlm" / "checkpoints" / "trajlm-small")
T0 = 1772400000


def _cli_predict(tmp_path: Path, src: Path, *extra: str) -> pl.DataFrame:
    out = tmp_path / f"out_{src.stem}.csv"
    r = CliRunner().invoke(app, ["predict", "--input", str(src), "--model", SMALL, "--out",
                                 str(out), "--threads", "1", *extra])  # fmt: skip
    assert r.exit_code == 0, r.output
    return pl.read_csv(out)


def _api_predict(src) -> pl.DataFrame:
    import trajlm

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return trajlm.TrajLM.from_pretrained("trajlm-small", threads=1).predict(src)


def _two_trips_with_a_gap(tmp_path: Path) -> Path:
    """Two trips of 12 fixes at 10 s, each silent 2 h after its 6th fix (ingest's gap rule
    cuts both)."""
    rows = ["traj_id,t,lat,lon"] + [
        f"{tid},{T0 + 10 * k + (7200 if k >= 6 else 0)},{41.15 + k * 1e-4},{-8.61 + d}"
        for tid, d in (("a", 0.0), ("b", 0.01)) for k in range(12)]  # fmt: skip
    p = tmp_path / "gap.csv"
    p.write_text("\n".join(rows) + "\n")
    return p


def _oruxmaps(tmp_path: Path) -> Path:
    """An OruxMaps-like SQLite: one track, points with `trkpt` glued to their columns, silent
    2 h in the middle."""
    p = tmp_path / "oruxmapstracks.db"
    con = sqlite3.connect(p)
    con.execute("CREATE TABLE tracks (_id INTEGER PRIMARY KEY, trackname TEXT)")
    con.execute("CREATE TABLE trackpoints (_id INTEGER PRIMARY KEY, trkptseg INTEGER, "
                "trkptlat REAL, trkptlon REAL, trkptalt REAL, trkpttime INTEGER)")  # fmt: skip
    con.execute("INSERT INTO tracks VALUES (1, 'walk')")
    for k in range(12):
        t = (T0 + 10 * k + (7200 if k >= 6 else 0)) * 1000
        con.execute("INSERT INTO trackpoints VALUES (?, 1, ?, -8.61, 10.0, ?)",
                    (k + 1, 41.15 + k * 1e-4, t))  # fmt: skip
    con.commit()
    con.close()
    return p


@pytest.mark.parametrize("kind", ["csv", "sqlite"])
def test_predict_input_cuts_a_file_into_the_pieces_the_api_reads(tmp_path: Path, kind) -> None:
    # main: the CLI answered once per id (a: 5 rows), the API once per gap piece (10 rows)
    src = _two_trips_with_a_gap(tmp_path) if kind == "csv" else _oruxmaps(tmp_path)
    cli, api = _cli_predict(tmp_path, src), _api_predict(str(src))
    assert "piece" in cli.columns and cli.height == api.height
    key = ["piece", "step"]
    assert cli.sort(key)["lat"].to_list() == pytest.approx(api.sort(key)["lat"].to_list(),
                                                           abs=1e-6)  # fmt: skip


def test_predict_input_traj_col_still_reads_each_id_whole(tmp_path: Path) -> None:
    src = _two_trips_with_a_gap(tmp_path)
    got = _cli_predict(tmp_path, src, "--traj-col", "traj_id")
    assert "piece" not in got.columns and got.height == 10


# 2. Times carry the input's decimals. A track written to the hundredth of a second at
# irregular intervals: main answered 1772441228.4099982 (API, CLI, CSV and datetimes alike) and
# wrote ISO text truncated to .409Z.
STEPS = (4.56, 5.13, 3.77, 4.91, 4.56, 4.91, 5.13, 3.77, 4.56, 4.91, 4.91)


def _hundredths() -> pl.DataFrame:
    t = [1772441171.24]
    for s in STEPS:
        t.append(round(t[-1] + s, 2))
    return pl.DataFrame({"traj_id": ["a"] * 12, "t": t,
                         "lat": [41.15 + k * 1e-4 for k in range(12)], "lon": [-8.61] * 12})  # fmt: skip


def _decimals(values) -> int:
    return max(len(repr(float(v)).split(".")[1]) for v in values)


def test_api_answers_carry_the_inputs_decimals() -> None:
    df = _hundredths()
    got = _api_predict(df)["t"]
    assert _decimals(got) <= 2, got.to_list()  # main: 1772441228.4099982
    asked = _api_predict(df.with_columns(pl.col("t") + 0))  # unchanged frame, same answer
    assert asked["t"].to_list() == got.to_list()
    pdt = _api_predict(df.with_columns(pl.from_epoch((pl.col("t") * 1000).round().cast(pl.Int64),
                                                     "ms").dt.replace_time_zone("UTC")).to_pandas())  # fmt: skip
    us = [ts.microsecond for ts in pdt["t"]]
    assert all(u % 10_000 == 0 for u in us), us  # main: .409998


def test_cli_answers_carry_the_inputs_decimals_as_numbers_and_iso(tmp_path: Path) -> None:
    df = _hundredths()
    src = tmp_path / "hundredths.csv"
    df.write_csv(src)
    got = _cli_predict(tmp_path, src)
    assert _decimals(got["t"]) <= 2, got["t"].to_list()
    iso = tmp_path / "iso.csv"
    df.with_columns(time=pl.from_epoch((pl.col("t") * 1000).round().cast(pl.Int64), "ms")
                    .dt.strftime("%Y-%m-%dT%H:%M:%S%.3fZ")).drop("t").write_csv(iso)  # fmt: skip
    text = _cli_predict(tmp_path, iso)["time"]
    ms = text.str.to_datetime("%Y-%m-%dT%H:%M:%S%.3fZ").dt.epoch("ms").to_list()
    assert ms == [round(s * 1000) for s in got["t"]], text.to_list()  # main: .409Z for .410


def test_seconds_ahead_times_are_the_sums_asked() -> None:
    df = _hundredths()
    got = _api_predict_ahead(df, [1.5, 3.25])
    last = df["t"][-1]
    assert got == [round(last + 1.5, 6), round(last + 3.25, 6)] and _decimals(got) <= 2, got


def _api_predict_ahead(df: pl.DataFrame, ahead: list[float]) -> list[float]:
    import trajlm

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
        return m.predict(df, seconds_ahead=ahead)["t"].to_list()


# 3. Zone words after an ISO date in a frame: read as the file route reads them (main: every
# one refused "not ISO dates"; tz= did not resolve CST / IST there as --tz does).
def _worded(times: list[str]):
    import pandas as pd

    return pd.DataFrame({"traj_id": "a", "time": times, "lat": [41.1 + 1e-3 * k for k in range(6)],
                         "lon": -87.6})  # fmt: skip


@pytest.mark.parametrize(
    ("word", "kw", "utc_first"),
    [
        ("AKST", {}, "2026-03-02T16:40:02"),  # one zone: -09:00, no option needed
        ("CST", {"tz": "America/Chicago"}, "2026-03-02T13:40:02"),  # -06:00
        ("CST", {"tz": "Asia/Shanghai"}, "2026-03-01T23:40:02"),  # +08:00
        ("IST", {"tz": "Asia/Kolkata"}, "2026-03-02T02:10:02"),  # +05:30
        ("UTC", {}, "2026-03-02T07:40:02"),
    ],
)
def test_a_frames_zone_word_is_read_as_the_file_route_reads_it(word, kw, utc_first) -> None:
    from datetime import UTC, datetime

    import trajlm

    frame = _worded([f"2026-03-02 07:4{k}:02 {word}" for k in range(6)])
    t = trajlm.to_canonical(frame, **kw)["t"]
    assert datetime.fromtimestamp(t[0], UTC).strftime("%Y-%m-%dT%H:%M:%S") == utc_first
    assert t.diff().drop_nulls().to_list() == [60] * 5


@pytest.mark.parametrize("kw", [{}, {"tz": "Europe/Berlin"}])
def test_an_unresolved_zone_word_in_a_frame_is_refused_naming_tz(kw) -> None:
    import trajlm
    from trajlm.errors import TrajlmInputError

    frame = _worded([f"2026-07-02 07:4{k}:02 IST" for k in range(6)])
    with pytest.raises(TrajlmInputError, match=r"IST names several zones.*tz="):
        trajlm.to_canonical(frame, **kw)


def test_a_frames_zone_word_answers_with_its_offset() -> None:
    import pandas as pd

    frame = pd.DataFrame({"traj_id": "a", "time": [f"2026-03-02 08:4{k}:11 AKST" for k in range(8)],
                          "lat": [61.2 + 1e-4 * k for k in range(8)], "lon": -149.9})  # fmt: skip
    got = _api_predict_ahead_frame(frame)
    assert got[0] == "2026-03-02 08:48:11-09:00"  # the input's clock, its offset written


def _api_predict_ahead_frame(frame) -> list:
    import trajlm

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
        return m.predict(frame, steps=2)["time"].tolist()


# 4. A frame numbering people again inside each household: read as the pair, as the file is
# (main: refused, "the mover is the pair ... df['mover'] = ...").
def test_a_nested_id_frame_reads_as_its_file_does(tmp_path: Path) -> None:
    import pandas as pd

    import trajlm

    rows = [(hh, person, f"2026-09-14T06:{k // 3:02d}:{20 * (k % 3):02d}Z",
             47.37 + hh % 10 / 100 + person / 1000 + k * 1e-4, 8.54)
            for hh in (1000, 1001, 1002) for person in (1, 2) for k in range(8)]  # fmt: skip
    df = pd.DataFrame(rows, columns=["hhid", "persid", "fixtime", "lat", "lon"])
    src = tmp_path / "survey.csv"
    df.to_csv(src, index=False)
    with pytest.warns(UserWarning, match=r"read as ids like '1000/1' in column 'hhid/persid'"):
        frame = trajlm.to_canonical(df.assign(fixtime=pd.to_datetime(df["fixtime"])))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        path = trajlm.to_canonical(str(src))
    assert frame.sort("traj_id", "t").select("traj_id", "t").equals(
        path.sort("traj_id", "t").select("traj_id", "t"))  # fmt: skip


# 5. OruxMaps' points read with pd.read_sql: the columns' glued prefix (`trkptlat`,
# `trkpttime`) taken off as the file route takes it (main: "no t column").
def test_an_oruxmaps_frame_reads_as_its_database_file_does(tmp_path: Path) -> None:
    import pandas as pd

    import trajlm

    src = _oruxmaps(tmp_path)
    with sqlite3.connect(src) as con:
        frame = pd.read_sql("SELECT * FROM trackpoints", con)
    with pytest.warns(UserWarning, match="without the prefix they share: 'trkpttime'"):
        trajlm.to_canonical(frame, split_gaps=True)
    got, want = _api_predict(frame), _api_predict(str(src))
    assert got["piece"].nunique() == want["piece"].n_unique() == 2
    assert list(got["trkptlat"]) == pytest.approx(want["lat"].to_list(), abs=1e-6)
    with pytest.raises(trajlm.TrajlmInputError, match="split_gaps=True"):
        trajlm.to_canonical(frame)  # one line, not `_id` (a row number) read as 12 movers
