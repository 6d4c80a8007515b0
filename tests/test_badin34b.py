"""Session 34 (badin34b): hostile inputs on session 34's own surfaces (scripts/badin34b/probe.py,
docs/reliability.md "Session 34 (badin34b)"). Each test fails on main f9086b05: tracebacks (an
empty point in hex EWKB, an empty .dta, `--utc-offset nan`, `parked(at=<milliseconds>)`),
silent wrongs (a parked position across 180 degrees, tar members left out unsaid, a divert
order half the earth away or a van given no time, unsaid) and unclear lines."""

from __future__ import annotations

import io
import struct
import tarfile
import warnings
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

import trajlm
from trajlm.cli import app
from trajlm.data.readers import read
from trajlm.errors import TrajlmInputError

T0 = 1772359200


def _feed(lon=lambda k: -8.61) -> pl.DataFrame:
    return pl.DataFrame({"van_id": ["V1"] * 30, "t": [T0 + 30 * k for k in range(30)],
                         "lat": [41.16] * 30, "lon": [lon(k) for k in range(30)]})  # fmt: skip


def test_parked_across_the_antimeridian_stays_there() -> None:
    got = trajlm.parked(_feed(lambda k: 179.9999 if k % 2 else -179.9999))
    assert got["parked"][0]
    assert abs(got["lon"][0]) > 179.99  # was 0.0: the plain median of +-179.9999
    assert got["spread_m"][0] < 50  # was 10,859 km


def test_parked_at_in_milliseconds_is_one_line() -> None:
    with pytest.raises(TrajlmInputError, match=r"no Unix seconds .*milliseconds\? give 1772359800"):
        trajlm.parked(_feed(), at=1772359800000)  # was ValueError: year 58133 is out of range


def test_parked_with_every_fix_too_inaccurate_says_so() -> None:
    with pytest.raises(TrajlmInputError, match="stated accuracy is over 200 m"):
        trajlm.parked(_feed().with_columns(accuracy=pl.lit(5000.0)))


def _two_vans() -> pl.DataFrame:
    rows = [(v, T0 + 30 * k, 41.15 + (0.01 if v == "V2" else 0) + 1e-3 * k, -8.61) for v in ("V1", "V2")
            for k in range(20)]  # fmt: skip
    return pl.DataFrame(rows, schema=["van_id", "t", "lat", "lon"], orient="row")


def test_divert_order_half_the_earth_away_is_said() -> None:
    with pytest.warns(
        UserWarning, match=r"order 0 \(-8\.59, 41\.17\) is 7,5\d\d km from the nearest van"
    ):
        trajlm.divert(_two_vans(), (-8.59, 41.17))  # lat / lon exchanged: answered unsaid


def test_divert_vans_with_no_pace_are_said() -> None:
    still = _two_vans().group_by("van_id").last()
    with pytest.warns(UserWarning, match=r"2 van\(s\) \(V\d, V\d\) have no moving legs.*memory="):
        out = trajlm.divert(still, (41.17, -8.59))
    assert out["eta_s"].is_null().all()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a van with a pace and a near order: nothing said
        trajlm.divert(_two_vans(), (41.17, -8.59))


def test_cli_divert_service_s_nan_names_the_option(tmp_path: Path) -> None:
    _two_vans().write_csv(tmp_path / "f.csv")
    res = CliRunner().invoke(app, ["divert", "--input", str(tmp_path / "f.csv"), "--order", "41.17,-8.59",
                                   "--service-s", "nan", "--out", str(tmp_path / "o.csv")])  # fmt: skip
    assert res.exit_code == 2
    assert "--service-s must be a number of seconds >= 0, got nan" in res.output  # was: --input


def _ewkb(lon: float, lat: float) -> str:
    return (struct.pack("<BII", 1, 0x20000001, 4326) + struct.pack("<dd", lon, lat)).hex().upper()


def test_hex_ewkb_empty_points_are_rows_with_no_fix(tmp_path: Path) -> None:
    rows = [f"v1,{T0 + 10 * k},{_ewkb(float('nan'), float('nan')) if k == 3 else _ewkb(13.4 + 1e-4 * k, 52.5)}"
            for k in range(8)]  # fmt: skip
    p = tmp_path / "pings.csv"
    p.write_text("vehicle_id,recorded_at,geom\n" + "\n".join(rows) + "\n")
    df = read(p)[0]  # was GEOSException: getX called on empty Point
    assert df.height == 7 and 3 * 10 + T0 not in df["t"].to_list()


def test_an_empty_or_text_dta_is_one_line(tmp_path: Path) -> None:
    empty, text = tmp_path / "e.dta", tmp_path / "t.dta"
    empty.write_bytes(b"")
    text.write_text("hello,world\n")
    with pytest.raises(TrajlmInputError, match=r"empty \(0 bytes\)"):
        read(empty)  # was struct.error: unpack requires a buffer of 1 bytes
    with pytest.raises(
        TrajlmInputError, match=r"named as a Stata \(\.dta\) file but it is not one"
    ):
        read(text)  # was "cannot tell the format from the name"


def _tar(members: list[tuple[str, bytes | None]]) -> bytes:
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w:gz") as t:
        for name, data in members:
            info = tarfile.TarInfo(name)
            if data is None:
                info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
                t.addfile(info)
            else:
                info.size = len(data)
                t.addfile(info, io.BytesIO(data))
    return b.getvalue()


CSV = ("traj_id,t,lat,lon\n" + "".join(f"a,{T0 + 10 * k},41.15,{-8.61 + 1e-4 * k}\n" for k in range(8))).encode()  # fmt: skip


@pytest.mark.parametrize(("members", "said"), [
    ([("d/a.csv", CSV), ("../x.csv", CSV.replace(b"a,", b"b,"))], r"1 member\(s\) not read: .*'\.\./x\.csv'"),
    ([("d/a.csv", CSV), ("d/p.csv", None)], r"not read: links.*'d/p\.csv'"),
    ([("d/a.csv", CSV), ("in.tgz", _tar([("b.csv", CSV)]))], r"archive\(s\) inside the archive not unpacked: 'in\.tgz'"),
    ([("d/a.csv", CSV), ("d/a.csv", CSV.replace(b"a,", b"b,"))], r"stored twice, the last copy read.*'d/a\.csv'"),
])  # fmt: skip
def test_tar_members_left_out_are_said(tmp_path: Path, members, said) -> None:
    p = tmp_path / "dump.tgz"
    p.write_bytes(_tar(members))
    with pytest.warns(UserWarning, match=said):
        read(p)


def test_ingest_utc_offset_nan_is_one_line(tmp_path: Path) -> None:
    p = tmp_path / "n.csv"
    p.write_text(
        "traj_id,t,lat,lon\n"
        + "".join(f"a,2026-03-01 10:0{k}:00,41.15,-8.6{k}\n" for k in range(6))
    )
    res = CliRunner().invoke(
        app, ["data", "ingest", str(p), "--out", str(tmp_path / "s"), "--utc-offset", "nan"]
    )
    assert res.exit_code == 2 and (res.exception is None or isinstance(res.exception, SystemExit))
    assert "--utc-offset must be a number of hours" in res.output  # was ValueError traceback


def test_home_range_across_the_antimeridian() -> None:
    from trajlm.questions import ask

    pts = [(10.0, 179.99), (10.0, -179.99), (10.02, -179.99), (10.02, 179.99)] * 3
    df = pl.DataFrame({"animal_id": ["Kito"] * 12, "t": [T0 + 3600 * i for i in range(12)],
                       "lat": [p[0] for p in pts], "lon": [p[1] for p in pts]})  # fmt: skip
    got = ask("What was the home range of Kito, in square km?", df, planner="rules").value
    assert got == pytest.approx(2.2 * 2.2, rel=0.05)  # was 87,663 km²


def test_mf_csv_3d_positions_are_read_as_triples(tmp_path: Path) -> None:
    head = ("@stboundedby,urn:x-ogc:def:crs:EPSG:6.6:4326,3D,35.6 139.7,35.7 139.8,"
            "2026-05-20T00:30:00Z,2026-05-20T01:00:00Z,sec\n@columns,mfidref,trajectory,state,xsd:token\n")  # fmt: skip
    rows = "".join(f"p1,{10 * k},{10 * k + 10},35.68 {139.76 + 1e-4 * k} 30.0 35.68 {139.76 + 1e-4 * (k + 1)} 30.0,walking\n"
                   for k in range(6))  # fmt: skip
    p = tmp_path / "w.csv"
    p.write_text(head + rows)
    df = read(p)[0]  # was: 6 numbers read as 3 (lat, lon) pairs, then "latitude outside [-90, 90]"
    assert df["lat"].to_list() == pytest.approx([35.68] * df.height)
    assert df["lon"].min() == pytest.approx(139.76)
    p.write_text(head + rows.replace(" 30.0", "", 1))  # 5 numbers under 3D: one line
    with pytest.raises(TrajlmInputError, match=r"not 2\+ positions of 3 \(@stboundedby says 3D\)"):
        read(p)


@pytest.fixture(scope="module")
def small_store(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("byo")
    rows = [f"trip{k},{T0 + 3600 * k + 15 * s},{41.14 + 5e-4 * k + 1e-4 * s * (1 + k % 3)},{-8.62 + 3e-4 * k + 1.5e-4 * s}"
            for k in range(60) for s in range(40)]  # fmt: skip
    (root / "raw.csv").write_text("traj_id,t,lat,lon\n" + "\n".join(rows) + "\n")
    assert (
        CliRunner()
        .invoke(app, ["data", "ingest", str(root / "raw.csv"), "--out", str(root / "s")])
        .exit_code
        == 0
    )
    return root / "s"


def test_queries_windows_refusal_names_the_keyword(small_store: Path) -> None:
    with pytest.raises(TrajlmInputError, match=r"^windows 0: must be one, all or a number"):
        trajlm.queries(small_store, windows=0)  # was "--windows 0" from Python


def test_scored_answers_far_from_their_windows_are_said(small_store: Path) -> None:
    inputs, asks = trajlm.queries(small_store)
    last = inputs.groupby("query_id").tail(1).set_index("query_id")
    good = asks.assign(lat=asks["query_id"].map(last["lat"]), lon=asks["query_id"].map(last["lon"]))
    swapped = good.assign(lat=good["lon"], lon=good["lat"])[["query_id", "k", "lat", "lon"]]
    with pytest.warns(UserWarning, match=r"a median 7,5\d\d km from their windows' last input fix"):
        trajlm.score(small_store, swapped, name="mine")  # was scored unsaid
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trajlm.score(small_store, good[["query_id", "k", "lat", "lon"]], name="mine")
    assert not [w for w in caught if "last input fix" in str(w.message)]


def test_ingest_json_that_fails_leaves_stdout_empty(tmp_path: Path) -> None:
    import subprocess
    import sys

    p = tmp_path / "bad.csv"
    p.write_text("traj_id,t,lat,lon\na,x,41,-8\n")
    run = subprocess.run([sys.executable, "-c", "from trajlm.cli import app; app()", "data", "ingest", str(p),
                          "--out", str(tmp_path / "s"), "--json"], capture_output=True, text=True, cwd=tmp_path)  # fmt: skip
    assert run.returncode == 2 and "field t" in run.stderr
    assert run.stdout == ""  # was "\n" (the progress bar's stop): no JSON, yet not empty


def test_czml_cartesian_past_the_moon_is_one_line(tmp_path: Path) -> None:
    import json

    doc = [{"id": "document", "version": "1.0"},
           {"id": "sat", "position": {"epoch": "2026-06-02T08:00:00Z", "cartesian": [0, 1e12, 0, 0, 5, 1e12, 1, 0]}}]  # fmt: skip
    p = tmp_path / "far.czml"
    p.write_text(json.dumps(doc))
    with pytest.raises(
        TrajlmInputError, match=r"'sat' sample 1: .* km above the ground, past the Moon"
    ):
        read(p)  # was "no points left after reading and cleaning ... null_island"


def test_mf_csv_segment_ending_before_it_starts_is_one_line(tmp_path: Path) -> None:
    head = ("@stboundedby,urn:x-ogc:def:crs:EPSG:6.6:4326,2D,35.6 139.7,35.7 139.8,"
            "2026-05-20T00:30:00Z,2026-05-20T01:00:00Z,sec\n@columns,mfidref,trajectory,state,xsd:token\n")  # fmt: skip
    rows = [f"p1,{10 * k},{10 * k + 10},35.68 {139.76 + 1e-4 * k} 35.68 {139.76 + 1e-4 * (k + 1)},walking"
            for k in range(6)]  # fmt: skip
    rows[2] = rows[2].replace("p1,20,30,", "p1,30,20,")
    p = tmp_path / "w.csv"
    p.write_text(head + "\n".join(rows) + "\n")
    with pytest.raises(
        TrajlmInputError, match=r"line 5 field end: the segment ends \(20\) before it starts \(30\)"
    ):
        read(p)  # was read with its times reversed and one point dropped as a duplicate time


def _day(vid: str, lat: float) -> str:
    return "vehicle_id,ts,lat,lon\n" + "".join(
        f"{vid},{T0 + 10 * k},{lat},{-8.61 + 1e-4 * k}\n" for k in range(6)
    )


def test_partition_folders_with_no_key_of_two_values_are_said(tmp_path: Path) -> None:
    for rel, lat in (("region=n/d.csv", 41.1), ("depot=n/d.csv", 38.7)):
        (tmp_path / rel).parent.mkdir(parents=True)
        (tmp_path / rel).write_text(_day("V1", lat))
    with pytest.warns(
        UserWarning, match=r"different partition folders \(depot=n, region=n\) .*read as written"
    ):
        read(
            tmp_path
        )  # was: one mover V1 across both, its second file's rows dropped as repeats, unsaid
    one = tmp_path / "one"
    (one / "region=n").mkdir(parents=True)
    (one / "region=n/d.csv").write_text(_day("V1", 41.1))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        read(one)
    assert not [w for w in caught if "partition" in str(w.message)]
