"""badin37: hostile inputs on session 36's surfaces (docs/reliability.md "Session 37 (badin37)"):
a local plane (`--crs local`) mixed with degrees, far planes, `--crs` dropped on stores and GPX,
wide per-player tables, `frames@RATE`, fixed-offset zones, message envelopes, TopoJSON, list
pairs and course columns. Each test failed before its fix (silently wrong or unclear)."""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import polars as pl
import pytest
from helpers import invoke_cli

import trajlm
from trajlm.errors import TrajlmInputError

T0 = 1_793_692_800  # 2026-11-03T08:00:00Z


def _walk(n_movers: int = 3, n: int = 80, x0: float = 10.0, y0: float = 10.0,
          v: float = 3.0) -> pl.DataFrame:  # fmt: skip
    """Movers walking v m/s across a pitch, one fix a second (x / y metres)."""
    rows = []
    for k in range(n_movers):
        for i in range(n):
            ang = 0.3 * k + 0.02 * i
            rows.append(
                (f"P{k}", T0 + i, x0 + v * i * math.cos(ang) + k, y0 + v * i * math.sin(ang))
            )
    return (
        pl.DataFrame(rows, schema=["id", "t", "x", "y"], orient="row")
        .with_columns(time=pl.from_epoch("t").dt.strftime("%Y-%m-%dT%H:%M:%SZ"))
        .select("id", "time", "x", "y")
    )


def _degrees(df: pl.DataFrame) -> pl.DataFrame:
    return df.select("id", "time", lat=41.15 + pl.col("y") / 111_320.0,
                     lon=-8.61 + pl.col("x") / 84_000.0)  # fmt: skip


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict:
    d = tmp_path_factory.mktemp("b37")
    pitch, deg = d / "pitch.csv", d / "porto.csv"
    _walk().write_csv(pitch)
    _degrees(_walk()).write_csv(deg)
    later = _walk().with_columns(
        pl.col("id") + "_b",
        time=pl.from_epoch(pl.lit(T0 + 7200) + pl.int_range(pl.len()) % 80).dt.strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        ),
    )
    later.write_csv(d / "pitch_later.csv")
    _degrees(later).write_csv(d / "porto_later.csv")
    local, store = d / "local", d / "deg"
    assert (
        invoke_cli(["data", "ingest", str(pitch), "--out", str(local), "--crs", "local"]).exit_code
        == 0
    )
    assert invoke_cli(["data", "ingest", str(deg), "--out", str(store)]).exit_code == 0
    return {"dir": d, "pitch": pitch, "deg": deg, "local": local, "store": store}


def _digest(folder: Path) -> list:
    return sorted((p.name, p.stat().st_size) for p in folder.rglob("*") if p.is_file())


@pytest.mark.parametrize("src,new,opts", [("local", "porto_later.csv", []),
                                          ("store", "pitch_later.csv", ["--crs", "local"])])  # fmt: skip
def test_append_across_planes_is_refused(files, tmp_path, src, new, opts):
    import shutil

    store = tmp_path / "s"
    shutil.copytree(files[src], store)
    before = _digest(store)
    r = invoke_cli(
        ["data", "ingest", str(files["dir"] / new), "--out", str(store), "--append", *opts]
    )
    assert r.exit_code == 2, r.output[-800:]
    assert "one store keeps one kind of position" in r.output
    assert _digest(store) == before


def test_degrees_read_as_local_are_refused_on_every_route(files):
    with pytest.raises(TrajlmInputError, match="look like degrees"):
        trajlm.read(files["deg"], crs="local")
    frame = pl.read_csv(files["deg"])
    with pytest.raises(TrajlmInputError, match="look like degrees"):
        trajlm.to_canonical(frame, crs="local")


def test_crs_on_a_store_is_refused_not_dropped(files):
    from trajlm._cli_points import read_points

    with pytest.raises(TrajlmInputError, match="crs"):
        trajlm.read(files["store"], crs="local")
    with pytest.raises(TrajlmInputError, match="leave out --crs"):
        read_points(files["store"], "--input", None, {"crs": "local"})


def test_similar_across_planes_is_refused(files, tmp_path):
    r = invoke_cli(["similar", "--model", str(tmp_path / "no_model"), "--query", str(files["pitch"]),
                    "--crs", "local", "--database", str(files["store"]), "--out", str(tmp_path / "s.csv")])  # fmt: skip
    assert r.exit_code == 2
    assert "no distance between them" in r.output


def test_crs_on_a_degree_format_is_refused(files, tmp_path):
    gpx = tmp_path / "t.gpx"
    pts = "".join(f"<trkpt lat='41.{1000 + i}' lon='-8.{6000 + i}'><time>2026-11-03T08:00:{i:02d}Z"
                  "</time></trkpt>" for i in range(30))  # fmt: skip
    gpx.write_text("<?xml version='1.0'?><gpx version='1.1' xmlns='http://www.topografix.com/GPX/1/1'>"
                   f"<trk><trkseg>{pts}</trkseg></trk></gpx>")  # fmt: skip
    r = invoke_cli(["data", "ingest", str(gpx), "--out", str(tmp_path / "g"), "--crs", "local"])
    assert r.exit_code == 2 and "a CRS does not apply" in r.output, r.output[-600:]
    with pytest.raises(TrajlmInputError, match="a CRS does not apply"):
        trajlm.read(gpx, crs="local")
    r = invoke_cli(
        ["data", "ingest", str(gpx), "--out", str(tmp_path / "g2"), "--utc-offset", "25"]
    )
    assert r.exit_code == 2 and "outside [-14, 14]" in r.output


def test_a_plane_far_from_its_origin_is_refused(tmp_path):
    utm = tmp_path / "utm.csv"
    _walk().with_columns(pl.col("x") + 500_000.0, pl.col("y") + 4_550_000.0).write_csv(utm)
    with pytest.raises(TrajlmInputError, match="km from its origin"):
        trajlm.read(utm, crs="local")


def test_places_refuses_pitch_metres_read_as_degrees(files):
    frame = _walk(n=25).rename({"x": "lon", "y": "lat"})  # inside the degree ranges
    with pytest.raises(TrajlmInputError, match="look like metres on a plane"):
        trajlm.places(frame)


def test_a_local_ingest_says_no_radians(tmp_path):
    slow = tmp_path / "slow.csv"  # players jogging 0.8 m/s: the stand-in's lat / lon near 1 N 1 E
    _walk(v=0.8).write_csv(slow)  # read as radians move at a plausible speed
    r = invoke_cli(["data", "ingest", str(slow), "--out", str(tmp_path / "s"), "--crs", "local"])
    assert r.exit_code == 0
    assert "radians" not in r.output


def test_frame_rates_and_naive_origins_are_named(tmp_path):
    from trajlm.data.readers import ColumnMap

    assert (
        "frames@25, frames@12.5"
        in ColumnMap(time_format="frames@-5", time_origin="2026-11-03T15:00:00Z").option_error()
    )
    assert (
        "has no zone"
        in ColumnMap(time_format="frames@25", time_origin="2026-11-03T15:00:00").option_error()
    )


def test_predict_reads_frames_with_an_origin_and_a_plane_in_metres(tmp_path):
    from trajlm._cli_points import read_points

    f = tmp_path / "frames.csv"
    f.write_text("frame_no,player,x,y\n" + "".join(f"{i},{p},{10 + 0.12 * i + 7 * p:.2f},{30 + 0.05 * i:.2f}\n"
                                                 for p in range(3) for i in range(0, 600, 5)))  # fmt: skip
    df, layout = read_points(f, "--input", None, {"crs": "local", "time_col": "frame_no"}, with_layout=True,
                             time_origin=T0, time_format="frames@25")  # fmt: skip
    assert layout.crs == "local" and (layout.lat_col, layout.lon_col) == ("y", "x")
    assert df["t"].max() - df["t"].min() == 23  # 595 frames at 25 per second


def test_fixed_offsets_written_as_zones_are_pointed_to_utc_offset(files):
    frame = _degrees(_walk()).with_columns(pl.col("time").str.strip_suffix("Z").str.to_datetime())
    with pytest.raises(TrajlmInputError, match="utc_offset=5.75"):
        trajlm.to_canonical(frame, tz="+05:45")
    with pytest.raises(TrajlmInputError, match="not a clock on the Earth"):  # was a ComputeError
        trajlm.to_canonical(
            frame.with_columns(pl.col("time").dt.replace_time_zone("Asia/Tokyo")), tz="+25:00"
        )


def test_wide_single_letter_players_and_lone_columns(tmp_path):
    cols = ["A_x", "A_y", "B_x", "B_y", "C_x", "C_y", "D_x"]
    lines = ["Time [s]," + ",".join(cols)] + [f"{i}," + ",".join(f"{10 + k + 0.8 * i:.1f}" for k in range(7))
                                              for i in range(60)]  # fmt: skip
    f = tmp_path / "wide.csv"
    f.write_text("\n".join(lines) + "\n")
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        df = trajlm.read(f, crs="local", time_origin="2026-11-03T15:00:00Z")
    assert sorted(df["traj_id"].unique()) == ["A", "B", "C"]
    assert any("D_x have no x / y partner" in str(w.message) for w in said)


def test_envelopes_with_object_or_unreadable_payloads(tmp_path):
    msgs = [{"topic": "t", "partition": 0, "offset": i, "ts": (T0 + 40 + i * 10) * 1000, "key": f"v{i % 2}",
             "payload": {"vehicle_id": f"v{i % 2}", "lat": 53.3 + i * 1e-4, "lon": -6.2 + i * 1e-4,
                         "fix_time": T0 + i * 10}} for i in range(60)]  # fmt: skip
    obj = tmp_path / "obj.ndjson"
    obj.write_text("".join(json.dumps(m) + "\n" for m in msgs))
    df = trajlm.read(obj)
    assert int(df["t"].min()) == T0  # the fix's own time, not the envelope's send time
    bad = tmp_path / "bad.ndjson"
    bad.write_text("".join(json.dumps({**m, "payload": "lat=1 lon=2"}) + "\n" for m in msgs))
    with pytest.raises(TrajlmInputError, match="'payload' holds no readable fix"):
        trajlm.read(bad)


def test_topojson_scale_zero_and_unnamed_pairs_are_said(tmp_path):
    topo = {"type": "Topology", "transform": {"scale": [0, 0], "translate": [4.8, 52.3]},
            "objects": {"t": {"type": "GeometryCollection", "geometries": [{"type": "LineString", "arcs": [0],
                "properties": {"name": "a", "coordTimes": [f"2026-09-12T07:15:{i:02d}Z" for i in range(10)]}}]}},
            "arcs": [[[0, 0]] + [[10, 10]] * 9]}  # fmt: skip
    f = tmp_path / "t.topojson"
    f.write_text(json.dumps(topo))
    with pytest.raises(TrajlmInputError, match="one place"):
        trajlm.read(f)
    rows = [
        {"vehicleId": "a", "recordedAt": T0 + i, "coords": [45.5 + i * 1e-4, 4.8 + i * 1e-4]}
        for i in range(30)
    ]
    p = tmp_path / "pairs.ndjson"
    p.write_text("".join(json.dumps(r) + "\n" for r in rows))
    with pytest.warns(UserWarning, match="read as \\[longitude, latitude\\]"):
        trajlm.read(p)


def test_course_units_are_said_and_negative_headings_kept():
    from trajlm.data.schema import conform

    base = {"traj_id": ["a"] * 4, "t": [1, 2, 3, 4], "lat": [1.0] * 4, "lon": [1.0] * 4}
    with pytest.warns(UserWarning, match="beyond 4 pi"):
        out = conform(pl.DataFrame({**base, "cog_rad": [90.0, 180.0, 270.0, 359.0]}))
    assert out["cog_deg"].null_count() == 4
    out = conform(pl.DataFrame({**base, "cog_deg": [-90.0, -180.0, 90.0, 0.0]}))
    assert out["cog_deg"].to_list() == [270.0, 180.0, 90.0, 0.0]
    with pytest.warns(UserWarning, match="over 360 degrees"):
        conform(pl.DataFrame({**base, "cog_deg": [1600.0, 3200.0, 4800.0, 100.0]}))
