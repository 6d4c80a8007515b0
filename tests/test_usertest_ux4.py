"""Fixes of what the session-11 new user hit when reading data (user-test report items 2, 3, 4,
6, 10, 11, 12; docs/data.md "Session 11 (ux4)"): sub-second fixes, naive local times, impossible
speeds said, --time-format help and values, every missing column with candidates, baselines'
fit column options, GeoJSON Point features. Synthetic data only, each test well under 10 s."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from reliability_helpers import fails, invoke, said

from trajlm.data.ingest import ingest
from trajlm.data.readers import ColumnMap, read
from trajlm.data.schema import TrajlmInputError
from trajlm.data.store import read_store

T0 = 1_790_000_000  # 2026-09-21T14:13:20Z


def _rows(n: int = 12, k: int = 2, dt: float = 8.0) -> list[tuple[str, float, float, float]]:
    return [(f"v{j}", T0 + dt * i, 41.15 + 1e-4 * i + 1e-3 * j, -8.61 + 1e-4 * i)
            for j in range(k) for i in range(n)]  # fmt: skip


def _write(path: Path, head: str, lines: list[str]) -> Path:
    path.write_text(head + "\n" + "\n".join(lines) + "\n")
    return path


# ------------------------------------------------------------------ item 2: sub-second fixes


def test_sub_second_fixes_are_their_own_reason_not_duplicates(tmp_path):
    lines = [f"{v},{int(t * 1000)},{la},{lo}" for v, t, la, lo in _rows()]
    lines.insert(3, f"v0,{int((T0 + 16) * 1000) + 437},41.1502,-8.6098")  # same second as row 2
    lines.insert(4, f"v0,{int((T0 + 16) * 1000) + 823},41.1502,-8.6098")  # and another
    lines.append(lines[0])  # an exact repeat: a real duplicate
    p = _write(tmp_path / "ms.csv", "driver,ts_ms,lat,lng", lines)
    m = ingest(p, "csv", tmp_path / "st", column_map={"traj_id": "driver", "t": "ts_ms",
               "time_format": "unix_ms"})  # fmt: skip
    assert m["drop_report"]["dropped"] == {"sub_second_fix": 2, "duplicate_timestamp": 1}
    # the kept fix of that second is the earliest one (row 2, exactly on the second)
    df, rep = read(p, "csv", columns=ColumnMap("driver", "ts_ms", "lat", "lng", "unix_ms"))
    assert rep.dropped["sub_second_fix"] == 2 and len(df) == 25  # 24 + the exact repeat


def test_gpx_with_milliseconds_reads_without_duplicates(tmp_path):
    pts = "".join(
        f'<trkpt lat="{41.15 + 1e-4 * i}" lon="-8.61"><time>2026-09-21T07:51:{i // 2:02d}'
        f".{437 if i % 2 == 0 else 823}Z</time></trkpt>"
        for i in range(10)
    )
    p = tmp_path / "run.gpx"
    p.write_text(f'<?xml version="1.0"?><gpx version="1.1"><trk><trkseg>{pts}</trkseg></trk></gpx>')
    df, rep = read(p)
    assert rep.dropped == {"sub_second_fix": 5} and len(df) == 5
    assert df["t"].is_unique().all()  # what predict / similar read (read_points -> read)


# ------------------------------------------------------------------ item 3: naive local times


def _ferry(tmp_path: Path) -> Path:
    lines = [f"{v},{pd.Timestamp(t, unit='s'):%d.%m.%Y %H:%M:%S},{la},{lo}"
             for v, t, la, lo in _rows()]  # fmt: skip
    return _write(tmp_path / "ferry.csv", "voyage,local_time,lat,lon", lines)


FERRY = ["--traj-col", "voyage", "--time-col", "local_time", "--time-format", "%d.%m.%Y %H:%M:%S"]


def test_naive_times_are_said_and_utc_offset_or_tz_shifts_them(tmp_path):
    p = _ferry(tmp_path)
    r = invoke("data", "ingest", p, "--out", tmp_path / "a", *FERRY)
    assert r.exit_code == 0, r.output
    # a name that says local: a warning since session 28 (newuser28), was the plain note
    assert "times in 'local_time' are named as local clock times and carry no zone" in said(r)
    assert "read as UTC" in said(r) and "--utc-offset HOURS" in said(r)
    for opt, val in (("--utc-offset", "3"), ("--tz", "Europe/Helsinki")):  # EEST in September
        out = tmp_path / opt.strip("-")
        r = invoke("data", "ingest", p, "--out", out, *FERRY, opt, val)
        assert r.exit_code == 0, r.output
        assert "no zone" not in said(r)
        a = read_store(tmp_path / "a")["t"].min()
        b = read_store(out)["t"].min()
        assert a - b == 3 * 3600


def test_zoned_or_numeric_times_get_no_note(tmp_path):
    lines = [f"{v},{pd.Timestamp(t, unit='s', tz='UTC').isoformat()},{la},{lo}"
             for v, t, la, lo in _rows()]  # fmt: skip
    p = _write(tmp_path / "z.csv", "traj_id,t,lat,lon", lines)
    m = ingest(p, "csv", tmp_path / "st")
    assert "times_naive" not in m["reading"]
    q = _write(tmp_path / "n.csv", "traj_id,t,lat,lon", [f"{v},{int(t)},{a},{b}"
                                                         for v, t, a, b in _rows()])  # fmt: skip
    assert "times_naive" not in ingest(q, "csv", tmp_path / "st2")["reading"]


def test_bad_zone_options_are_one_line(tmp_path):
    p = _ferry(tmp_path)
    fails("data", "ingest", p, "--out", tmp_path / "s", *FERRY, "--tz", "Mars/Olympus",
          names=("unknown time zone 'Mars/Olympus'",))  # fmt: skip
    fails("data", "ingest", p, "--out", tmp_path / "s", *FERRY, "--tz", "UTC",
          "--utc-offset", "2", names=("--tz", "--utc-offset"))  # fmt: skip


# ------------------------------------------------------------------ item 4: impossible speed


def test_swapped_row_mid_trip_is_warned_with_the_option_that_drops_it(tmp_path):
    lines = [f"{v},{int(t)},{la},{lo}" for v, t, la, lo in _rows()]
    v, t, la, lo = _rows()[5]
    lines[5] = f"{v},{int(t)},{lo},{la}"  # lat/lon swapped in one row
    p = _write(tmp_path / "sw.csv", "traj_id,t,lat,lon", lines)
    r = invoke("data", "ingest", p, "--out", tmp_path / "a")
    assert r.exit_code == 0, r.output
    text = said(r)
    assert "warning: 2 step(s) between consecutive points are faster than 340 m/s" in text
    assert "--max-speed-mps 340 drops them" in text
    r = invoke("data", "ingest", p, "--out", tmp_path / "b", "--max-speed-mps", "340")
    # (session 27: a one-trip store also warns that its val / test splits are empty)
    assert (
        r.exit_code == 0 and "faster than 340 m/s" not in said(r) and "speed_outlier 1" in said(r)
    )
    ok = _write(tmp_path / "ok.csv", "traj_id,t,lat,lon", [f"{v},{int(t)},{a},{b}"
                                                           for v, t, a, b in _rows()])  # fmt: skip
    assert "impossible_speed" not in ingest(ok, "csv", tmp_path / "c")["reading"]


# ------------------------------------------------------------------ item 6: --time-format


def test_time_format_help_lists_real_choices_and_errors_show_the_text(tmp_path):
    r = invoke("data", "ingest", "--help")
    assert "a strptime pattern such as '%d.%m.%Y %H:%M:%S'" in said(r)
    p = _ferry(tmp_path)
    args = ("data", "ingest", p, "--out", tmp_path / "s", "--traj-col", "voyage",
            "--time-col", "local_time")  # fmt: skip
    fails(*args, "--time-format", "strptime",
          names=("'strptime' is not a time format", "unix_ms", "%d.%m.%Y"))  # fmt: skip
    # (session 17: dotted dd.mm.yyyy times are read day-first; session 18: slashes too when a
    # day over 12 tells the order; session 24: dashes alike; spaces stay a question)
    p.write_text(re.sub(r"(\d\d)\.(\d\d)\.(\d{4})", r"\1 \2 \3", p.read_text()))
    text = fails(*args, names=("line 2 field local_time", "not ISO-8601", "--time-format"))
    assert "value None" not in text and f"value '{pd.Timestamp(T0, unit='s'):%d %m %Y}" in text


# ------------------------------------------------------------------ item 10: missing columns


def test_every_missing_column_is_named_with_candidates(tmp_path):
    # (session 17: `ts_ms` itself is now read as Unix ms, its unit in its name; `ts_ping` not)
    p = _write(tmp_path / "ms.csv", "driver,ts_ping,lat,lng", ["d1,1790000000000,41.1,-8.6"])
    fails("data", "ingest", p, "--out", tmp_path / "s",
          names=("['traj_id', 't']", "traj_id -> 'driver'", "t -> 'ts_ping'"))  # fmt: skip
    fails("data", "ingest", p, "--out", tmp_path / "s", "--traj-col", "drivr",
          names=("['drivr', 't']", "drivr -> 'driver'"))  # fmt: skip


# ------------------------------------------------------------------ item 11: baselines' fit


def test_baseline_fit_takes_the_column_options_of_predict():
    from trajlm.baselines import ConstantVelocity, DistanceOverMeanSpeed, KNNContinuation

    df = pd.DataFrame(_rows(n=20, k=4), columns=["trip", "when", "y", "x"])
    df["when"] = pd.to_datetime(df["when"], unit="s", utc=True)
    kw = dict(traj_col="trip", time_col="when", lat_col="y", lon_col="x")
    knn = KNNContinuation(n_neighbors=2, history=3).fit(df, **kw)
    assert knn.n_windows_ > 0
    out = knn.predict(df, steps=3, **kw)
    assert list(out.columns[:2]) == ["trip", "step"] and len(out) == 12
    assert ConstantVelocity().fit(df, **kw).predict(df, steps=2, **kw).shape[0] == 8
    assert DistanceOverMeanSpeed().fit(df, **kw).speed_mps_ > 0


# ------------------------------------------------------------------ item 12: GeoJSON points


def _points(path: Path, props: dict) -> Path:
    feats = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [lo, la]},
              "properties": {"id": i, "time": pd.Timestamp(t, unit="s", tz="UTC").isoformat(),
                             **{k: f(v) for k, f in props.items()}}}
             for i, (v, t, la, lo) in enumerate(_rows())]  # fmt: skip
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    return path


def test_geojson_point_features_are_read_as_a_point_table(tmp_path):
    p = _points(tmp_path / "pfs.geojson", {"User": lambda v: int(v[1:])})
    df, rep = read(p)
    assert sorted(df["traj_id"].unique()) == ["pfs/0", "pfs/1"] and rep.total == 0
    assert df["t"].min() == T0
    r = invoke("data", "ingest", p, "--out", tmp_path / "st")
    assert r.exit_code == 0, r.output
    assert "traj_id <- 'User', t <- 'time'" in said(r)


def test_geojson_points_without_usable_properties_are_one_line_without_skip_hint(tmp_path):
    p = _points(tmp_path / "anon.geojson", {})
    for extra in ((), ("--on-error", "skip")):
        text = fails("data", "ingest", p, "--out", tmp_path / "s", *extra,
                     names=("GeoJSON Point features", "--traj-col / --time-col"))  # fmt: skip
        assert "on-error skip" not in text and "invalid_mfjson" not in text
    with pytest.raises(TrajlmInputError, match="no property 'vehicle'"):
        read(p, columns=ColumnMap(traj_id="vehicle"))
    df, _ = read(p, columns=ColumnMap(traj_id="id"))  # named: taken as given (one fix each)
    assert df["traj_id"].n_unique() == 24


def test_api_frames_with_sub_second_fixes_keep_the_earliest_of_each_second():
    """A 1-10 Hz logger's frame through the Python API: fixes in one second but distinct below
    it had become 'duplicate timestamp' refusals after flooring; now the earliest of each
    second is kept with one warning pointing at the caller, and exact repeats still refuse."""
    import warnings

    import numpy as np

    from trajlm.data.coerce import to_canonical

    ms = np.array([0, 437, 823, 1000, 2000, 2500, 3000, 4000])
    t = pd.to_datetime(1_700_000_000_000 + ms, unit="ms", utc=True)
    df = pd.DataFrame({"traj_id": "a", "time": t, "lat": 41.15 + np.arange(8) * 1e-4, "lon": -8.61})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = to_canonical(df)
    assert out["t"].to_list() == [1_700_000_000 + s for s in range(5)]
    assert out["lat"][0] == 41.15  # the earliest of second 0 kept
    (w,) = [w for w in caught if "less than a second" in str(w.message)]
    assert "3 fix(es)" in str(w.message) and w.filename == __file__
    with pytest.raises(TrajlmInputError, match="duplicate timestamp"):
        to_canonical(pd.concat([df, df.iloc[[0]]]))  # an exact repeat is still refused


def test_pandas_column_mixing_numbers_and_text_is_one_line():
    """An object column Arrow cannot type (a number beside 'garbage') raised pyarrow's
    ArrowInvalid from pl.from_pandas; now one TrajlmInputError naming the column."""
    from trajlm.data.coerce import to_canonical

    df = pd.DataFrame({"traj_id": ["a"] * 3, "t": [1.7e9, "garbage", 1.7e9 + 2],
                       "lat": [41.1] * 3, "lon": [-8.6] * 3})  # fmt: skip
    with pytest.raises(TrajlmInputError, match="'t' mixes value types"):
        to_canonical(df)
