"""Session 34 (heldout34): MovingPandas' segment lines (`to_line_gdf()`: one 2-vertex LineString
per step, `prev_t` -> `t`) as a GeoDataFrame and saved to a GeoPackage, and the new file kinds
through `TrajLM.predict(path)`.

Before: the GeoDataFrame was "LineStrings need their times in a list column", the GeoPackage
"no point layer with times"; `predict("x.csv.zst")` "cannot tell the format from the name".
docs/data.md "Session 34 (heldout34)"."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

import trajlm
from trajlm.data.readers import read

gpd = pytest.importorskip("geopandas")
shapely = pytest.importorskip("shapely")

T0 = pd.Timestamp("2026-08-17 04:45:00")
pytestmark = pytest.mark.filterwarnings("ignore:the times in")  # naive, as MovingPandas writes


def _steps(ids: tuple[str, ...] = ("HADAG 62", "HADAG 63"), n: int = 6) -> object:
    rows = []
    for j, v in enumerate(ids):
        pts = [(9.93 + k * 5e-4, 53.54 + j / 100, T0 + pd.Timedelta(seconds=20 * k))
               for k in range(n)]  # fmt: skip
        for (x0, y0, t0), (x1, y1, t1) in zip(pts, pts[1:], strict=False):
            rows.append((v, t1, t0, shapely.LineString([(x0, y0), (x1, y1)])))
    return gpd.GeoDataFrame(rows, columns=["vessel_id", "t", "prev_t", "geometry"], crs=4326)


def test_segment_lines_frame_reads_each_vertex_at_its_end_time() -> None:
    out = trajlm.to_canonical(_steps())  # was: "LineStrings need their times in a list column"
    assert out.height == 12 and sorted(out["traj_id"].unique()) == ["HADAG 62", "HADAG 63"]
    one = out.filter(out["traj_id"] == "HADAG 62").sort("t")
    start = T0.tz_localize("UTC").timestamp()
    assert one["t"].to_list() == [start + 20 * k for k in range(6)]  # shared vertices once
    assert one["lon"].to_list() == pytest.approx([9.93 + k * 5e-4 for k in range(6)])


def test_segment_lines_with_their_columns_swapped_still_start_at_the_earlier_time() -> None:
    g = _steps()[["vessel_id", "prev_t", "t", "geometry"]]  # order of the columns: no matter
    out = trajlm.to_canonical(g.rename(columns={"prev_t": "a_time", "t": "b_time"}))
    one = out.filter(out["traj_id"] == "HADAG 63").sort("t")
    assert one["lat"].to_list() == pytest.approx([53.55] * 6) and one.height == 6


def test_whole_lines_with_times_only_at_their_ends_are_refused() -> None:
    line = shapely.LineString([(9.93, 53.54), (9.94, 53.55), (9.95, 53.54)])
    g = gpd.GeoDataFrame({"vessel_id": ["a"], "start_t": [T0], "end_t": [T0 + pd.Timedelta("5min")],
                          "geometry": [line]}, crs=4326)  # fmt: skip
    with pytest.raises(trajlm.TrajlmInputError, match="times only at its ends"):
        trajlm.to_canonical(g)  # MovingPandas' to_traj_gdf: no time for the middle vertex


def test_a_geopackage_of_segment_lines_reads_as_points(tmp_path: Path) -> None:
    pytest.importorskip("pyogrio")
    p = tmp_path / "ferries.gpkg"
    _steps().to_file(p, layer="ferries", driver="GPKG")
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        df, _ = read(p)  # was: "no point layer with times"
    assert df.height == 12 and sorted(df["traj_id"].unique()) == ["HADAG 62", "HADAG 63"]
    assert any("read as steps from 'prev_t' to 't'" in str(w.message) for w in got)


def test_predict_on_a_zstd_file_path(tmp_path: Path) -> None:
    import pyarrow as pa

    rows = ["MMSI,BaseDateTime,LAT,LON"] + [
        f"366{v},{(T0 + pd.Timedelta(seconds=10 * k)).isoformat()},{33.7 + k * 1e-4},{-118.25 + v / 100}"
        for v in range(2) for k in range(30)
    ]  # fmt: skip
    p = tmp_path / "AIS_2024_01_05.csv.zst"
    with pa.CompressedOutputStream(str(p), "zstd") as f:
        f.write(("\n".join(rows) + "\n").encode())
    m = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = m.predict(str(p), steps=2)  # was: "cannot tell the format from the name"
    assert len(out) == 4 and m.last_engine


def test_a_frame_numbering_people_again_in_each_household_is_read_as_the_pair() -> None:
    rows = [(hh, person, pd.Timestamp("2026-09-14 06:00", tz="UTC") + pd.Timedelta(seconds=20 * k),
             47.37 + hh % 10 / 100 + person / 1000 + k * 1e-4, 8.54)
            for hh in (1000, 1001, 1002) for person in (1, 2) for k in range(8)]  # fmt: skip
    df = pd.DataFrame(rows, columns=["hhid", "persid", "fixtime", "lat", "lon"])
    m = trajlm.TrajLM.from_pretrained("trajlm-small", threads=1)
    with pytest.warns(UserWarning, match=r"'persid' numbers the movers again inside"):
        said = m.predict(df, steps=1)  # was: "traj_col='hhid' (or 'persid')", then refused
    assert sorted(said["hhid/persid"]) == [f"{h}/{k}" for h in (1000, 1001, 1002) for k in (1, 2)]
    df["mover"] = df["hhid"].astype(str) + "/" + df["persid"].astype(str)  # as the hint says
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = m.predict(df, traj_col="mover", steps=1)
    assert sorted(out["mover"].unique()) == [f"{h}/{k}" for h in (1000, 1001, 1002) for k in (1, 2)]
