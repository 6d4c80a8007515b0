"""Session 40 (badin40): hostile inputs on session 39's surfaces (scripts/badin40/probe.py,
docs/reliability.md "Session 40 (badin40)"). Each test failed on main 32ac984f: silent wrongs
(jumps over 1 % of a feed's steps unsaid, a corpus source of 500 m/s steps unsaid, GPS lock
columns missed, a key=value payload's repeated key, a point key of lists and text, a 2.5-point
minimum) and unclear lines (JSON text positions and geohashes no rule reads, VBOX headers, an
event stream of no JSON). Synthetic data only."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import polars as pl
import pytest
from reliability_helpers import invoke, said

import trajlm
from trajlm.errors import TrajlmInputError

T0 = 1_793_692_800


def _jumpy_csv(path: Path, n: int = 40) -> Path:
    """Two walkers at ~1.4 m/s, 10 s apart, each with its 8th fix thrown 2 km off (a step of
    ~220 m/s in and out: under 340 m/s; 4 of 78 steps, 5 %)."""
    rows = ["device,ts,lat,lon"]
    for k, dev in enumerate("ab"):
        for i in range(n):
            off = 0.02 if i == 7 else 0.0
            rows.append(f"{dev},{T0 + 10 * i},{40.7 + 0.01 * k + 1e-4 * i + off:.6f},{-74.0 + 1e-4 * i:.6f}")  # fmt: skip
    path.write_text("\n".join(rows) + "\n")
    return path


# -- 1. jumps over 1 % of the steps: the 99th percentile was a jump's ------------------------


def test_ingest_says_jumps_that_are_more_than_one_percent_of_the_steps(tmp_path):
    """On main the p99 step speed was a jump's (4 of 78 steps), 4x it over 340 m/s: nothing
    was said and the manifest held no jump_steps."""
    r = invoke("data", "ingest", _jumpy_csv(tmp_path / "j.csv"), "--out", tmp_path / "s")
    assert r.exit_code == 0, r.output
    text = " ".join(said(r).split())
    assert "warning: 4 step(s) between consecutive points are faster than" in text, text
    assert "its 99th being a jump's" in text
    m = json.loads((tmp_path / "s" / "manifest.json").read_text())
    assert m["reading"]["jump_steps"]["steps"] == 4
    limit = text.split("--max-speed-mps ")[1].split()[0]
    r = invoke("data", "ingest", tmp_path / "j.csv", "--out", tmp_path / "d", "--max-speed-mps", limit)  # fmt: skip
    assert r.exit_code == 0 and "step(s) between consecutive points" not in said(r)


def test_jump_limit_keeps_a_clean_feeds_p99_and_caps_at_340():
    from trajlm.data.clean_common import jump_limit
    from trajlm.data.corpus_clean import jump_steps

    assert jump_limit(10.0, 12.0) == 48.0  # p99 / p90 = 1.2: the p99 as before
    assert jump_limit(1.5, 222.0) == 20.0  # the p99 a jump's: 3x p90, the 20 m/s floor
    assert jump_limit(500.0, 500.0) == 340.0  # every step impossible: capped, so counted
    n = 6  # a track whose every step is 5 km in 10 s (corpus: said nothing on main)
    df = pl.DataFrame({"traj_id": ["j"] * n, "t": [T0 + 10 * i for i in range(n)],
                       "lat": [63.43 + (0.05 if i % 2 else 0.0) for i in range(n)],
                       "lon": [10.39] * n})  # fmt: skip
    steps, limit, fastest = jump_steps(df)
    assert steps == n - 1 and limit == 340.0 and fastest > 500


def test_corpus_says_a_sources_jumps_over_one_percent(tmp_path):
    """newuser39's bus feed with 12 trips (4 jump steps of 348: 1.1 %) was built unsaid."""
    from test_newuser39 import _avl_csv, _build

    _avl_csv(tmp_path / "avl.csv", n_trips=12)
    record, lines = _build(tmp_path)
    assert [m for m in lines if m.startswith("corpus: avl: 4 step(s) faster than")], lines
    assert record["sources"][0]["jumps"]["steps"] == 4


# -- 2. GPS lock columns ------------------------------------------------------------------


def _lock_csv(path: Path, name: str, values: list) -> Path:
    rows = [f"2026-09-12T10:{k // 60:02d}:{k % 60:02d}Z,{47.23 + k * 1e-4:.6f},{11.38 + k * 1e-4:.6f},{v}"
            for k, v in enumerate(values)]  # fmt: skip
    path.write_text(f"date,lat,lon,{name}\n" + "\n".join(rows) + "\n")
    return path


@pytest.mark.parametrize(
    ("name", "values", "dropped"),
    [("gps_fix", ["no fix", "nan", "", "3D"] * 15, 15), ("fix", ["true", "false"] * 30, 30)],
)
def test_lock_columns_with_nan_cells_or_true_false_drop_their_no_fix_rows(tmp_path, name, values, dropped):  # fmt: skip
    with pytest.warns(UserWarning, match=rf"dropped {{'no_fix': {dropped}}}"):
        df = trajlm.read(_lock_csv(tmp_path / "g.csv", name, values))
    assert df.height == len(values) - dropped


def test_json_records_without_gps_lock_are_dropped(tmp_path):
    """A Particle tracker's `loc.lck` 0 (no lock): read as fixes on main."""
    recs = [{"coreid": "e00f", "loc": {"lck": 0 if i % 3 == 0 else 1, "time": T0 + 10 * i,
                                       "lat": 30.26 + i * 1e-4, "lon": -97.77}}
            for i in range(30)]  # fmt: skip
    (tmp_path / "p.json").write_text(json.dumps(recs))
    with pytest.warns(UserWarning, match=r"dropped \{'no_fix': 10\}"):
        df = trajlm.read(tmp_path / "p.json")
    assert df.height == 20


# -- 3. MQTT key=value giving a key twice -------------------------------------------------------


def test_mqtt_payload_giving_a_key_two_values_is_one_line(tmp_path):
    lines = [f"fleet/cb{k}/gps lat={40.7 + 1e-4 * i:.5f};lon=-74.0;ts={T0 + 10 * i};lat=10.0"
             for i in range(10) for k in range(2)]  # fmt: skip
    (tmp_path / "kv.log").write_text("\n".join(lines) + "\n")
    with pytest.raises(TrajlmInputError, match=r"kv.log line 1: the key=value payload gives a "
                       r"key two values \(lat=40.7 and lat=10.0\)"):  # fmt: skip
        trajlm.read(tmp_path / "kv.log")


# -- 4. a whole-number cleaning setting given a fraction ------------------------------------


def test_min_points_of_two_and_a_half_is_refused(tmp_path):
    from test_newuser39 import _spec

    from trajlm.data.corpus import load_corpus_spec
    from trajlm.errors import ConfigError

    with pytest.raises(ConfigError, match=r"min_points must be a whole number >= 1 .*got 2\.5"):
        load_corpus_spec(_spec(tmp_path, "clean = { min_points = 2.5 }\n"), str(tmp_path))
    load_corpus_spec(_spec(tmp_path, "clean = { min_points = 3.0 }\n"), str(tmp_path))


# -- 5. JSON positions written as text no rule reads ---------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "said_"),
    [("position", "40.7,-74.0,12.5", "'position' holds '40.7,-74.0,12.5', text that reads as no"),
     ("position", "91,200", "text that reads as no position"),
     ("location", "POINT EMPTY", "'location' holds 'POINT EMPTY'"),
     ("location", "MULTIPOINT ((-74 40.7), (-74 40.8))", "\"POINT (lon lat)\" (WKT, one point)"),
     ("geohash", "dr5aiwlo", "'geohash' holds 'dr5aiwlo', no geohash"),
     ("geohash", "d", "'geohash' holds 'd', no geohash")],
)  # fmt: skip
def test_json_text_positions_no_rule_reads_are_named(tmp_path, key, value, said_):
    """Were "keys name no latitude and no longitude" or "top level is not a JSON object"."""
    recs = [{"unit": "a", "ts": T0 + 10 * i, key: value} for i in range(12)]
    (tmp_path / "r.json").write_text(json.dumps(recs))
    with pytest.raises(TrajlmInputError) as e:
        trajlm.read(tmp_path / "r.json")
    assert said_ in str(e.value) and "hold no position trajlm reads" in str(e.value), str(e.value)


def test_a_point_key_of_lists_and_text_is_refused(tmp_path):
    """[40.7, -74.0] read as [lon, lat] beside "40.7,-74.0" read lat first: latitudes from
    -74 to 40.7, without a word."""
    recs = [{"device": "a", "ts": T0 + 10 * i,
             "position": f"{40.7 + 1e-4 * i},-74.0" if i % 2 else [40.7 + 1e-4 * i, -74.0]}
            for i in range(12)]  # fmt: skip
    (tmp_path / "m.json").write_text(json.dumps(recs))
    with pytest.raises(TrajlmInputError, match=r"'position' holds \[a, b\] lists in some records"):
        trajlm.read(tmp_path / "m.json")
    text = [{**r, "position": f"{40.7 + 1e-4 * i},-74.0"} for i, r in enumerate(recs)]
    (tmp_path / "t.json").write_text(json.dumps(text))
    assert trajlm.read(tmp_path / "t.json")["lat"].is_between(40.69, 40.71).all()


# -- 6. VBOX headers; an event stream of no JSON -------------------------------------------


def _vbo(path: Path, created: str = "05/12/2026 @ 14:03:22", names: str = "sats time lat long velocity") -> Path:  # fmt: skip
    data = [f"012 1403{22 + i // 10:02d}.{i % 10}0 +03124.{55173 + 30 * i:05d} +00060.19512 187.6"
            for i in range(30)]  # fmt: skip
    text = (f"File created on {created}\r\n\r\n[header]\r\nsatellites\r\ntime\r\n\r\n"
            f"[column names]\r\n{names}\r\n\r\n[data]\r\n" + "\r\n".join(data) + "\r\n")  # fmt: skip
    path.write_text(text)
    return path


def test_vbox_headers_that_cannot_be_read_are_one_line(tmp_path):
    assert trajlm.read(_vbo(tmp_path / "ok.vbo"))["lat"].is_between(52.07, 52.08).all()
    with pytest.raises(TrajlmInputError, match=r"bad.vbo line 1: its `File created on` line holds no date"):  # fmt: skip
        trajlm.read(_vbo(tmp_path / "bad.vbo", created="32/13/2026 @ 14:03:22"))
    with pytest.raises(TrajlmInputError, match=r"\[column names\] lack time, lat or long"):
        trajlm.read(_vbo(tmp_path / "xy.vbo", names="sats time x y velocity"))
    lost = _vbo(tmp_path / "lost.vbo")
    lost.write_text(lost.read_text().replace("[column names]", "[colnames]"))
    with pytest.raises(TrajlmInputError, match=r"a VBOX file with no \[column names\] section"):
        trajlm.read(lost)


def test_event_stream_whose_data_is_no_json_is_one_line(tmp_path):
    """Was "no position records in it: $ is an empty list"."""
    events = "".join(f"event: loc\ndata: lat={30 + i * 1e-4} lon=-97.7\n\n" for i in range(5))
    (tmp_path / "s.txt").write_text(":ok\n\n" + events)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(TrajlmInputError, match=r"a saved event stream whose 5 event\(s\) carry data that is no JSON object"):  # fmt: skip
            trajlm.read(tmp_path / "s.txt")


def test_dynamodb_export_without_its_data_or_a_manifest_alone_is_one_line(tmp_path):
    """Was "top level is not a JSON object" (the manifests read as data)."""
    base = tmp_path / "AWSDynamoDB" / "01764050400000-7c1e9a2f"
    base.mkdir(parents=True)
    entry = {"itemCount": 3, "dataFileS3Key": "AWSDynamoDB/01764050400000-7c1e9a2f/data/ab.json.gz"}
    (base / "manifest-files.json").write_text(json.dumps(entry) + "\n")
    (base / "manifest-summary.json").write_text(json.dumps({"itemCount": 3}))
    with pytest.raises(TrajlmInputError, match=r"names 1 data file\(s\) \(e.g. ab.json.gz\), none of them"):  # fmt: skip
        trajlm.read(tmp_path / "AWSDynamoDB")
    with pytest.raises(TrajlmInputError, match=r"a DynamoDB export's manifest \(it names"):
        trajlm.read(base / "manifest-files.json")


def test_thingsboard_series_whose_times_never_meet_is_one_line(tmp_path):
    """A latitude and a longitude logged 1 ms apart: was "no MovingPoint temporalGeometry"."""
    lat = [{"ts": T0 * 1000 + 20_000 * i, "value": f"{45.6 + i * 1e-4:.6f}"} for i in range(10)]
    lon = [{"ts": p["ts"] + 1, "value": "4.85"} for p in lat]
    (tmp_path / "tb.json").write_text(json.dumps({"latitude": lat, "longitude": lon}))
    with pytest.raises(TrajlmInputError, match=r"'latitude' and 'longitude' values never share a time"):  # fmt: skip
        trajlm.read(tmp_path / "tb.json")
    lon = [{"ts": p["ts"], "value": "4.85"} for p in lat]
    (tmp_path / "ok.json").write_text(json.dumps({"latitude": lat, "longitude": lon}))
    assert trajlm.read(tmp_path / "ok.json").height == 10
