"""zones36 (docs/api.md "Session 36 (zones36)"): one rule for a zone option (`--tz` /
`--utc-offset`, `tz=` / `utc_offset=`) on times that carry their instant (Unix numbers, `Z` /
`+01:00` text, zoned datetimes, a UTC GPX) on every route: the instants are never moved, the
zone is the clock of local hours where the route keeps one (a store, a frame or a path given
to a model call), and it is said once, in the same words (`kept_clock_line`)."""

from __future__ import annotations

import datetime as dt
import json
import warnings

import polars as pl
import pytest
from helpers import invoke_cli, tiny_infill_trajlm

import trajlm
from trajlm.data.coerce import coerce
from trajlm.errors import TrajlmInputError

TZ = "America/New_York"
T0 = 1_772_438_400  # 2026-03-02T08:00:00Z (03:00 in New York)
SAID = (
    f"times: those in 'time' carry their instant (Unix numbers), so tz='{TZ}' did not move them; "
)


def _unix_csv(tmp_path):
    path = tmp_path / "unix.csv"
    pl.DataFrame({"id": ["a"] * 8, "time": [T0 + 30 * i for i in range(8)],
                  "lat": [41.15 + 0.0005 * i for i in range(8)], "lon": [-8.61] * 8}).write_csv(path)  # fmt: skip
    return path


def _gpx(tmp_path, zone: str):
    pts = "".join(f'<trkpt lat="52.0{i}" lon="5.0"><time>2026-11-01T10:00:{i}0{zone}</time></trkpt>'
                  for i in range(4))  # fmt: skip
    path = tmp_path / f"t{zone or 'naive'}.gpx"
    path.write_text('<?xml version="1.0"?><gpx version="1.1" creator="t"><trk><trkseg>'
                    f"{pts}</trkseg></trk></gpx>")  # fmt: skip
    return path


def _said(fn) -> tuple[object, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = fn()
    return got, [str(w.message) for w in caught if "carry their instant" in str(w.message)]


def test_every_python_route_says_the_same_line_once(tmp_path):
    path = _unix_csv(tmp_path)
    frame = pl.read_csv(path)
    lines = {
        "ingest": _said(lambda: trajlm.ingest(path, "csv", tmp_path / "s", column_map={"tz": TZ}))[1],
        "read": _said(lambda: trajlm.read(path, tz=TZ))[1],
        "path": _said(lambda: coerce(str(path), tz=TZ))[1],
        "frame": _said(lambda: coerce(frame, tz=TZ))[1],
    }  # fmt: skip
    # before: trajlm.ingest said nothing, read / a path said "tz America/New_York not used"
    assert all(len(v) == 1 and v[0].startswith(SAID) for v in lines.values()), lines
    assert "store's local clock" in lines["ingest"][0]
    assert "keeps no clock" in lines["read"][0]  # a table, no clock: said so
    assert "frame's local clock" in lines["path"][0] and lines["path"] == lines["frame"]


def test_a_path_keeps_the_zone_as_the_clock_of_asked_times(tmp_path):
    path = _unix_csv(tmp_path)
    (_, layout), _ = _said(lambda: coerce(str(path), tz=TZ))
    assert layout.named_zone == TZ  # before: None, the zone dropped once the file was read
    model = tiny_infill_trajlm()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        local = model.predict(path, tz=TZ, at_times=[dt.datetime(2026, 3, 2, 3, 5)])
        aware = model.predict(path, tz=TZ, at_times=[dt.datetime(2026, 3, 2, 8, 5, tzinfo=dt.UTC)])
    # 03:05 asked on the New York clock is 08:05Z, as it is for the frame (before: 03:05Z)
    assert local["time"].to_list() == aware["time"].to_list()


def test_a_zoned_datetime_frame_says_the_zone_is_its_clock():
    t = pl.datetime_range(dt.datetime(2026, 3, 2, 9), dt.datetime(2026, 3, 2, 9, 3), "30s",
                          eager=True).dt.replace_time_zone("Europe/Rome")  # fmt: skip
    frame = pl.DataFrame({"id": ["a"] * len(t), "time": t, "lat": [41.15 + 0.0005 * i for i in range(len(t))],
                          "lon": [-8.61] * len(t)})  # fmt: skip
    (out, layout), lines = _said(lambda: coerce(frame, tz=TZ))
    assert len(lines) == 1 and "(a zoned datetime column)" in lines[0]  # before: unsaid
    assert layout.named_zone == TZ and out["t"][0] == T0  # not moved


def test_cli_ingest_says_it_once_naming_the_column(tmp_path):
    r = invoke_cli(["data", "ingest", _unix_csv(tmp_path), "--out", tmp_path / "s", "--tz", TZ])
    assert r.exit_code == 0, r.output[-800:]
    said = SAID.replace(f"tz='{TZ}'", f"--tz {TZ}")
    assert r.output.count("carry their instant") == 1 and said in r.output  # before: "they"
    local = json.loads((tmp_path / "s" / "manifest.json").read_text())["reading"]["local_time"]
    assert local["times_kept"] and local["times_kind"] == "Unix numbers"


def test_a_utc_gpx_takes_the_zone_as_the_stores_clock(tmp_path):
    gpx = _gpx(tmp_path, "Z")
    r = invoke_cli(["data", "ingest", gpx, "--out", tmp_path / "s", "--tz", TZ])
    # before: refused ("gpx times are read as the format defines them"), trajlm.read took it
    assert r.exit_code == 0 and "did not move them" in r.output, r.output[-800:]
    local = json.loads((tmp_path / "s" / "manifest.json").read_text())["reading"]["local_time"]
    assert local["tz"] == TZ and local["times_kept"]
    assert trajlm.read(tmp_path / "s")["t"].min() == trajlm.read(gpx)["t"].min()


def test_a_naive_gpx_zone_is_refused_as_ingest_refuses_it(tmp_path):
    gpx = _gpx(tmp_path, "")
    with pytest.raises(TrajlmInputError, match="gpx times are read as the format defines them"):
        trajlm.read(gpx, tz=TZ)  # before: dropped unsaid (the times read as UTC)
    r = invoke_cli(["data", "ingest", gpx, "--out", tmp_path / "s", "--tz", TZ])
    assert r.exit_code != 0 and "read as the format defines them" in r.output


def test_predict_input_tz_says_the_answers_clock(tmp_path):
    out = tmp_path / "p.csv"
    r = invoke_cli(["predict", "--model", "trajlm-small", "--input", _unix_csv(tmp_path), "--tz", TZ,
                    "--out", out, "--threads", "1"])  # fmt: skip
    assert r.exit_code == 0, r.output[-800:]
    # before: "tz America/New_York not used: the times in 'time' are Unix numbers"
    assert f"so --tz {TZ} did not move them; predictions come back in Unix seconds" in r.output
    assert "not used" not in r.output
