"""Session 35 (fix35): `trajlm predict --input FILE` takes `--tz` / `--utc-offset`, as ingest and
`trajlm.read(tz=)` do. Before: a report whose title names CST was told "give the zone: --tz",
an option `trajlm predict` did not have (heldout35). docs/data.md "Session 35 (fix35)"."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from helpers import invoke_cli, utc


def _report(tmp_path: Path) -> Path:
    p = tmp_path / "report.csv"
    p.write_text("Location History\nDate Range: 11/02/2026 - 11/03/2026 (CST)\n\n"
                 "Vehicle Name,Time,Latitude,Longitude\n" + "".join(
                     f"Truck 11,2026-11-02 07:{k:02d}:00,{29.76 + k * 1e-3},-95.37\n"
                     for k in range(12)))  # fmt: skip
    return p


def _predict(tmp_path: Path, *options: str):
    out = tmp_path / "out.csv"
    r = invoke_cli(["predict", "--model", "trajlm-small", "--input", _report(tmp_path), "--out",
                    out, "--threads", "1", *options])  # fmt: skip
    return r, out


def test_predict_takes_tz(tmp_path: Path) -> None:
    r, out = _predict(tmp_path, "--tz", "America/Chicago")
    assert r.exit_code == 0, r.output[-1500:]  # was: No such option: --tz
    assert pl.read_csv(out)["t"].min() > utc("2026-11-02T13:11:00Z")  # 07:11 CST = 13:11 UTC


def test_predict_takes_utc_offset(tmp_path: Path) -> None:
    r, out = _predict(tmp_path, "--utc-offset", "-6")
    assert r.exit_code == 0, r.output[-1500:]
    assert pl.read_csv(out)["t"].min() > utc("2026-11-02T13:11:00Z")


def test_a_bad_zone_names_tz(tmp_path: Path) -> None:
    r, _ = _predict(tmp_path, "--tz", "Mars/Base")
    assert r.exit_code == 2 and "--tz Mars/Base: unknown time zone" in r.output


def test_without_a_zone_the_title_asks_for_an_option_predict_has(tmp_path: Path) -> None:
    r, _ = _predict(tmp_path)
    assert r.exit_code == 2 and "--tz" in r.output
    assert "--tz is an option of" not in r.output  # predict has it now


def _gpx(tmp_path: Path) -> Path:
    pts = [
        ("41.150", "00"),
        ("41.151", "10"),
        ("41.1515", "10"),
        ("41.152", "20"),
        ("41.153", "30"),
    ]
    p = tmp_path / "dup.gpx"
    p.write_text('<?xml version="1.0"?><gpx version="1.1"><trk><trkseg>' + "".join(
        f'<trkpt lat="{a}" lon="-8.61"><time>2020-01-01T00:00:{s}Z</time></trkpt>'
        for a, s in pts) + "</trkseg></trk></gpx>\n")  # fmt: skip
    return p


def test_a_repeated_time_in_a_gpx_names_on_error_skip_which_drops_it(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    args = ["predict", "--model", "trajlm-small", "--input", _gpx(tmp_path), "--out", out,
            "--threads", "1"]  # fmt: skip
    r = invoke_cli(args)
    assert r.exit_code == 2 and "--on-error skip keeps the first" in r.output
    assert "trajlm.clean(df" not in r.output  # was: the Python way, on the command line
    r = invoke_cli([*args, "--on-error", "skip"])  # was: refused the same, skip given
    assert r.exit_code == 0, r.output[-1500:]
    assert "dropped {'duplicate_timestamp': 1} of 5 records" in r.output
