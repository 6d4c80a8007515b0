"""Readers for the remaining shared data sets: hurricanes (time from several columns), icebergs
(CSVs inside a zip, per-file sensor columns), Porto map-matched blocks, MF-JSON, trackintel
positionfixes, and the MAT animals/vehicles refusal. Real-data tests skip when the slice is
absent; the synthetic bad-input cases always run."""

from __future__ import annotations

import dataclasses
import json
import zipfile

import polars as pl
import pytest
from helpers import need, utc

from trajlm.data.readers import PRESETS, ColumnMap, iter_read, read
from trajlm.data.schema import DropReport, TrajlmInputError, validate


def check(df: pl.DataFrame, rep: DropReport, n_points: int, n_traj: int) -> None:
    assert len(df) == n_points and df["traj_id"].n_unique() == n_traj
    assert rep.rows_in == len(df) + rep.total
    skip = {"duplicate timestamp within trajectory", "before 1990"}  # historical data sets
    assert [p for p in validate(df) if p.issue not in skip] == []


# --- real data ---------------------------------------------------------------------------------
def test_hurricanes_time_from_parts():
    path = need("hurricanes", "Hurricanes_1944_to_2013.csv")
    df, rep = read(path, "csv", columns=PRESETS["hurricanes"])
    check(df, rep, 26_783, 1_003)
    assert rep.total == 0
    # line 2: 1944,7,13,6,1,NOT_NAMED,19.6,-68.6,...,tid 2000,class L1
    first = df.filter(pl.col("traj_id") == "2000").row(0, named=True)
    assert first["t"] == utc("1944-07-13T06:00:00") and first["lon"] == -68.6  # W negative
    assert first["label"] == "L1" and first["name"] == "NOT_NAMED"
    assert df["label"].value_counts().height == 6


def test_icebergs_zip_members():
    path = need("icebergs", "icebergs_v5.zip")
    cm = dataclasses.replace(PRESETS["icebergs"], zip_members="consol/a0*.csv")  # 9 members
    df, rep = read(path, "csv", columns=cm)
    check(df, rep, 213, 9)
    a01 = df.filter(pl.col("traj_id") == "a01")
    # consol/a01.csv line 2: 1978204,0,0,0,-60.2193,-48.4826,1,0,0 (nic empty, sass fix)
    assert a01["t"][0] == utc("1978-07-23T00:00:00") and a01["lat"][0] == -60.2193
    assert a01["coord_source"][0] == "sass"
    assert set(df["coord_source"]) <= {"sass", "nic", "ers", "qscat", "ascat"}
    chunks = list(iter_read(path, "csv", columns=cm, chunk_rows=40))
    assert len(chunks) > 2 and sum(c["traj_id"].n_unique() for c, _ in chunks) == 9


def test_icebergs_typo_date_is_named():
    path = need("icebergs", "icebergs_v5.zip")
    cm = dataclasses.replace(PRESETS["icebergs"], zip_members="consol/d23.csv")
    with pytest.raises(TrajlmInputError, match=r"icebergs_v5.zip/consol/d23.csv line 2309"):
        read(path, "csv", columns=cm)  # date 2301208: a typo in the source, "in the future"


def test_porto_mapmatched():
    root = need("porto_mapmatched")
    df, rep = read(root, "porto_mapmatched")  # the two *_input.txt files
    check(df, rep, 10_457, 200)
    first = df.filter(pl.col("traj_id") == "train_input/1").row(0, named=True)
    assert first["t"] == 1372640943 and first["lat"] == 41.150358 and first["segment_id"] == 2791
    out, _ = read(root / "Porto" / "valid" / "valid_output.txt", "porto_mapmatched")
    assert len(out) == 5_185 and out["traj_id"].n_unique() == 100


def test_mfjson_samples():
    folder = need("movingfeatures_json")
    df, rep = read(folder, "mfjson")
    check(df, rep, 38, 2)
    for tid in ("mf-trajectory", "movingfeatures"):  # LineString+datetimes and MovingPoint
        tr = df.filter(pl.col("traj_id") == tid)
        assert tr["t"][0] == utc("2018-12-31T06:00:00") and (tr["lat"][0], tr["lon"][0]) == (
            7.6,
            111.9,
        )


def test_trackintel_positionfixes():
    folder = need("trackintel", "examples", "data")
    df, rep = read(folder, "csv", columns=PRESETS["trackintel"])
    # 8 posmo fixes share a whole second with an earlier one (fractional times): sub_second_fix
    check(df, rep, 2_293 + 416 + 247 + 1_327 + 6 - 8, 5)
    assert rep.dropped == {"sub_second_fix": 8}
    posmo = df.filter(pl.col("traj_id") == "posmo_trajectory/0")
    assert posmo["t"][0] == utc("2019-01-25T20:00:16")  # naive, fractional: UTC, floored
    assert posmo["lat"][0] == 47.0516249 and posmo["user_id"][0] == "0"


@pytest.mark.parametrize("name", ["animals", "vehicles"])
def test_mat_relative_planar_refused(name):
    path = need(name, "specific_train.csv")
    # vehicles' EPSG:2100 is reprojected now (trajlm.data.geo); their elapsed times still refuse
    why = "elapsed.*absolute start time" + (".*reprojected" if name == "animals" else "")
    for mode in ("raise", "skip"):
        with pytest.raises(TrajlmInputError, match=why):
            read(path, "csv", columns=PRESETS[f"mat_{name}"], on_error=mode)


# --- synthetic: zip ----------------------------------------------------------------------------
HDR = "traj_id,t,lat,lon\n"


def make_zip(tmp_path, members: dict[str, str]):
    p = tmp_path / "tracks.zip"
    with zipfile.ZipFile(p, "w") as z:
        for name, text in members.items():
            z.writestr(name, text)
    return p


def test_zip_bad_member(tmp_path):
    p = make_zip(
        tmp_path,
        {
            "d/good.csv": HDR + "a,1600000000,41.1,-8.6\na,1600000015,41.2,-8.5\n",
            "d/bad.csv": HDR + "b,1600000000,41.1,-8.6\nb,1600000015,41.2\n",
            "d/README.txt": "not data\n",
        },
    )
    with pytest.raises(TrajlmInputError, match=r"tracks.zip/d/bad.csv line 3.*expected 4"):
        read(p, "csv")
    df, rep = read(p, "csv", on_error="skip")
    assert len(df) == 3 and rep.dropped == {"malformed_row": 1} and rep.rows_in == 4
    with pytest.raises(TrajlmInputError, match="no zip member matches"):
        read(p, "csv", columns=ColumnMap(zip_members="*.tsv"))
    notzip = tmp_path / "x.zip"
    notzip.write_bytes(b"PK not really")
    with pytest.raises(TrajlmInputError, match="not a readable zip"):
        read(notzip, "csv")


def test_zip_member_missing_columns_and_sources(tmp_path):
    cm = ColumnMap(
        traj_id=None, coord_sources={"s": ("s_1", "s_2"), "n": ("n_1", "n_2")}, no_fix=0.0
    )
    p = make_zip(
        tmp_path,
        {
            "a.csv": "t,n_1,n_2,s_1,s_2\n1600000000,0,0,-60,-40\n1600086400,-61,-41,0,0\n"
            "1600172800,0,0,0,0\n",
            "b.csv": "t,x,y\n1600000000,1,2\n",
        },
    )
    with pytest.raises(TrajlmInputError, match=r"tracks.zip/b.csv.*missing column"):
        read(p, "csv", columns=cm)
    df, rep = read(p, "csv", columns=dataclasses.replace(cm, zip_members="a.csv"))
    assert df["coord_source"].to_list() == ["s", "n"] and df["lat"].to_list() == [-60, -61]
    assert rep.dropped == {"no_fix": 1} and rep.rows_in == 3  # counted in raise mode too


# --- synthetic: time from parts ----------------------------------------------------------------
def test_time_parts_impossible_date(tmp_path):
    p = tmp_path / "h.csv"
    p.write_text(
        "Year,Month,Day,Hour,tid,lat,lon,class\n"
        "1944,2,28,18,1,20.0,-70.0,TS\n"
        "1944,2,30,0,1,20.5,-70.5,TS\n"  # Feb 30
        "1944,2,29,6,1,21.0,-71.0,TS\n"  # 1944 is a leap year
    )
    cm = PRESETS["hurricanes"]
    cm = dataclasses.replace(cm, extra={"label": "class"})
    with pytest.raises(TrajlmInputError, match=r"h.csv line 3 field Year/Month/Day/Hour: time"):
        read(p, "csv", columns=cm)
    df, rep = read(p, "csv", columns=cm, on_error="skip")
    assert df["t"].to_list() == [utc("1944-02-28T18:00:00"), utc("1944-02-29T06:00:00")]
    assert rep.dropped == {"malformed_row": 1}
    # Without min_t the 1944 rows are pre-GPS and dropped as such.
    _, rep = read(p, "csv", columns=dataclasses.replace(cm, min_t=None), on_error="skip")
    assert rep.dropped["timestamp_before_1990"] == 2


def test_ingest_historical_keeps_sparse_tracks(tmp_path):
    from trajlm.data.ingest import ingest

    p = tmp_path / "h.csv"
    rows = [f"1950,9,{d},{h},7,{20 + d / 10},-70,L2\n" for d in (1, 2) for h in (0, 6, 12, 18)]
    p.write_text("Year,Month,Day,Hour,tid,lat,lon,class\n" + "".join(rows))
    cm = {"extra": {"label": "class"}}
    man = ingest([p], "csv", tmp_path / "store", column_preset="hurricanes", column_map=cm)
    assert man["n_points"] == 8 and man["n_trajectories"] == 1  # no min_t drop, no 6 h split


# --- synthetic: MF-JSON ------------------------------------------------------------------------
def mf(coords, times, fid=None):
    f = {"type": "Feature", "temporalGeometry": {"type": "MovingPoint", "coordinates": coords,
                                                 "datetimes": times}}  # fmt: skip
    if fid is not None:
        f["id"] = fid
    return f


def test_mfjson_length_mismatch_and_formats(tmp_path):
    good = mf([[-8.6, 41.1], [-8.5, 41.2]], [1600000000000, "2020-09-13T12:26:55Z"], "g")
    bad = mf([[-8.6, 41.1], [-8.5, 41.2], [-8.4, 41.3]], ["2020-01-01T00:00:00Z"] * 2, "b")
    p = tmp_path / "fc.json"
    p.write_text(json.dumps({"type": "FeatureCollection", "features": [good, bad]}))
    with pytest.raises(TrajlmInputError, match=r"fc.json field features\[1\].*3 coordinates but 2"):
        read(p, "mfjson")
    df, rep = read(p, "mfjson", on_error="skip")
    assert df["traj_id"].to_list() == ["fc/g", "fc/g"] and df["t"].to_list() == [
        1600000000,
        1600000015,
    ]
    assert rep.dropped == {"invalid_mfjson": 1} and rep.rows_in == 3
    broken = tmp_path / "broken.json"
    broken.write_text('{"type": "Feature",\n "temporalGeometry": [')
    with pytest.raises(TrajlmInputError, match="broken.json line 2: not valid JSON"):
        read(broken, "mfjson")
    assert read(broken, "mfjson", on_error="skip")[1].dropped == {"invalid_json": 1}
    proj = tmp_path / "proj.json"
    doc = {**mf([[500000, 4200000]], ["2020-01-01T00:00:00Z"]),
           "crs": {"type": "Name", "properties": {"name": "EPSG:2100"}}}  # fmt: skip
    proj.write_text(json.dumps(doc))
    with pytest.raises(TrajlmInputError, match="EPSG:2100.*not WGS84"):
        read(proj, "mfjson", on_error="skip")


# --- synthetic: Porto map-matched --------------------------------------------------------------
def test_mapmatched_blocks(tmp_path):
    p = tmp_path / "x_input.txt"
    p.write_text(
        "1600000000 41.1 -8.6 5\n1600000015 41.2 -8.5 6\n-1\n"
        "1600000000 41.3 -8.4 7\n1600000015 41.4\n-2\n"  # short line
        "1600000030 41.5 -8.3 8\n"  # after the last marker: truncated file
    )
    with pytest.raises(TrajlmInputError, match="x_input.txt line 5: expected 4 fields"):
        read(p, "porto_mapmatched")
    df, rep = read(p, "porto_mapmatched", on_error="skip")
    assert df["traj_id"].to_list() == ["x_input/1", "x_input/1", "x_input/2"]
    assert df["segment_id"].to_list() == [5, 6, 7]
    assert rep.dropped == {"malformed_row": 1, "unterminated_trajectory": 1}
    chunks = list(iter_read(p, "porto_mapmatched", on_error="skip", chunk_rows=2))
    assert sum(len(c) for c, _ in chunks) == 3
    assert sum(c["traj_id"].n_unique() for c, _ in chunks) == 2  # whole trajectories
    q = tmp_path / "y_input.txt"  # marker-opens layout (as SOURCE.md describes it)
    q.write_text("-1\n1600000000 41.1 -8.6 5\n-2\n1600000000 41.3 -8.4 7\n1600000015 41.4 -8 7\n")
    df, rep = read(q, "porto_mapmatched")
    assert df["traj_id"].to_list() == ["y_input/1", "y_input/2", "y_input/2"] and rep.total == 0
