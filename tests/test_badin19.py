"""Session 19 (badin19): hostile inputs through session 19's new code (JSON snapshots, epochs by
size, scaled-degree columns, sub-second recover, frames' epoch columns). Inputs are generated
here, seeded; each test failed on the code before its fix (docs/reliability.md "Session 19
(badin19)")."""

from __future__ import annotations

import json
import warnings
from datetime import UTC, datetime

import numpy as np
import polars as pl
import pytest

import trajlm
from trajlm.data.readers import read
from trajlm.data.schema import TrajlmInputError

T0 = 1_772_611_200  # 2026-03-04T08:00:00Z


def _pts(n: int, lat: float = 38.72, lon: float = -9.14) -> list[tuple]:
    return [(T0 + 10 * i, round(lat + 1e-4 * i, 6), round(lon + 1e-4 * i, 6)) for i in range(n)]


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _json(tmp_path, name: str, doc) -> object:
    p = tmp_path / name
    p.write_text(json.dumps(doc))
    return p


# ------------------------------------------------------------------ scaled-degree columns
@pytest.mark.parametrize("first_only", [False, True])
def test_a_micro_degree_column_holding_degrees_is_refused_not_read_near_0_0(tmp_path, first_only):
    """`latitude_mdeg` of 38.72 was divided by 1e6 (3.9e-05) without a word, the whole file or
    one row of it: now one line naming the file, line, column and the value."""
    rows = "".join(
        f"o,{_iso(t)},{la if (i == 0 or not first_only) else int(la * 1e6)},{int(lo * 1e6)}\n"
        for i, (t, la, lo) in enumerate(_pts(10))
    )
    p = tmp_path / "webfleet.csv"
    p.write_text("objectno,pos_time,latitude_mdeg,longitude_mdeg\n" + rows)
    with pytest.raises(TrajlmInputError) as e:
        read(p)
    msg = str(e.value)
    assert "webfleet.csv line 2" in msg and "latitude_mdeg" in msg and "38.72" in msg
    assert "not a whole number" in msg


def test_whole_micro_degrees_are_still_read(tmp_path):
    """The control: integers in `_mdeg` / `_e7` columns read as before."""
    p = tmp_path / "ok.csv"
    p.write_text("objectno,pos_time,latitude_mdeg,longitude_mdeg\n" + "".join(
        f"o,{_iso(t)},{round(la * 1e6)},{round(lo * 1e6)}\n" for t, la, lo in _pts(5)))  # fmt: skip
    df, _ = read(p)
    assert abs(df["lat"][0] - 38.72) < 1e-9


# ------------------------------------------------------------------ frames' epoch columns
def _frame(ts: list) -> pl.DataFrame:
    n = len(ts)
    return pl.DataFrame({"traj_id": ["a"] * n, "timestamp": ts,
                         "lat": [38.7 + 1e-4 * i for i in range(n)], "lon": [-9.1] * n})  # fmt: skip


def test_a_nan_time_in_a_float_frame_is_a_missing_value_not_a_polars_error():
    """One NaN among float Unix seconds was polars' InvalidOperationError (a cast to i64); now
    the schema's line naming the row, as the same NaN in a pandas frame is."""
    ts = [float(T0 + 10 * i) if i != 3 else float("nan") for i in range(10)]
    with pytest.raises(TrajlmInputError, match=r"missing value .* row 3"):
        trajlm.to_canonical(_frame(ts))


def test_an_infinite_time_is_one_line():
    """inf among float milliseconds: polars' InvalidOperationError before."""
    ts = [float((T0 + 10 * i) * 1000) if i != 3 else float("inf") for i in range(10)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(TrajlmInputError, match=r"field timestamp: 1 time\(s\) are infinite"):
            trajlm.to_canonical(_frame(ts))


# ------------------------------------------------------------------ sub-second recover
def _sub_second(
    known: tuple[int, ...], n: int = 20, dt: float = 0.2
) -> tuple[pl.DataFrame, np.ndarray]:
    ts = [datetime.fromtimestamp(T0 + dt * i, UTC) for i in range(n)]
    truth = np.array([41.15 + 12 * dt * i / 111_000 for i in range(n)])
    df = pl.DataFrame({"traj_id": ["s"] * n, "time": ts,
                       "lat": [truth[i] if i in known else None for i in range(n)],
                       "lon": [-8.61 if i in known else None for i in range(n)]})  # fmt: skip
    return df, truth


@pytest.mark.parametrize("known", [(0, 19), (3, 19), (0, 5, 16)])
def test_sub_second_recover_with_known_ends_is_not_refused(trajlm_small, known):
    """5 Hz, positions known at the first and last fix only: thinning to one a second kept the
    second's earliest fix (missing), so recover said "starts or ends with a missing position".
    The first / last second now keep their known fix; every row comes back, in order."""
    df, truth = _sub_second(known)
    df = df.slice(known[0], known[-1] - known[0] + 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = trajlm_small.recover(df)
    assert out.height == df.height and out["time"].to_list() == df["time"].to_list()
    assert int(out["recovered"].sum()) == df.height - len(known)
    assert np.abs(out["lat"].to_numpy() - truth[known[0] : known[-1] + 1]).max() * 111_000 < 25


def test_sub_second_recover_still_leaves_a_missing_end(trajlm_small):
    """The control: a known fix early in the last second and a missing one after it is still a
    track that ends with a missing position: those rows are left empty (fix31), not filled."""
    df, _ = _sub_second((0, 15))
    with pytest.warns(UserWarning, match="4 rows before the first or after the last known"):
        out = trajlm_small.recover(df)
    assert out["lat"][16:].null_count() == 4 and not out["recovered"][16:].any()


def test_a_frame_of_seconds_and_milliseconds_names_both_rows():
    """Half seconds, half ms in `timestamp` was "these look like milliseconds: divide by 1000",
    which would break the seconds."""
    ts = [(T0 + 10 * i) * (1000 if i > 4 else 1) for i in range(10)]
    with pytest.raises(TrajlmInputError, match=r"two units: row 0's 1772611200 is a date in "
                       r"seconds, row 5's 1772611250000 in milliseconds"):  # fmt: skip
        trajlm.to_canonical(_frame(ts))


def test_points_beside_a_multi_part_multipoint_are_said_as_given():
    """Points with one 2-part MultiPoint were refused as "found ['LineString', 'Point']" (a
    type the caller never gave)."""
    gpd = pytest.importorskip("geopandas")
    shp = pytest.importorskip("shapely.geometry")
    pts = [shp.Point(-9.14 + 1e-4 * i, 38.72 + 1e-4 * i) for i in range(6)]
    geoms = [*pts[:-1], shp.MultiPoint([pts[0], pts[1]])]
    times = [datetime.fromtimestamp(T0 + 10 * i, UTC) for i in range(6)]
    g = gpd.GeoDataFrame({"traj_id": ["a"] * 6, "time": times}, geometry=geoms, crs="EPSG:4326")
    with pytest.raises(TrajlmInputError, match=r"found \['MultiPoint', 'Point'\]: Points are one"):
        trajlm.to_canonical(g)


def test_a_zoned_time_column_named_by_hand_keeps_its_zone(tmp_path):
    """Samsara's `Time (America/Los_Angeles)` read its zone only when guessed: named with
    --time-col / ColumnMap(t=...) it was read as UTC, 8 h off ("have no zone; read as UTC")."""
    from trajlm.data.readers import ColumnMap

    p = tmp_path / "samsara.csv"
    p.write_text("vehicle,Time (America/Los_Angeles),lat,lon\n" + "".join(
        f"v,2026-03-04 08:00:{i:02d},{38.7 + i * 1e-4},-9.1\n" for i in range(5)))  # fmt: skip
    df, _ = read(p, columns=ColumnMap(t="Time (America/Los_Angeles)"))
    assert df["t"][0] == T0 + 8 * 3600  # 08:00 PST = 16:00 UTC
    df, _ = read(p, columns=ColumnMap(t="Time (America/Los_Angeles)", tz="UTC"))
    assert df["t"][0] == T0  # a zone given wins


def test_an_unknown_zone_in_a_header_named_by_hand_is_said(tmp_path):
    """`Time (Mars/Olympus)` named with ColumnMap(t=...) was read as UTC without a word."""
    from trajlm.data.readers import ColumnMap

    p = tmp_path / "zone.csv"
    p.write_text("vehicle,Time (Mars/Olympus),lat,lon\n" + "".join(
        f"v,2026-03-04 08:00:{i:02d},{38.7 + i * 1e-4},-9.1\n" for i in range(5)))  # fmt: skip
    with pytest.warns(UserWarning, match="zone 'Mars/Olympus' in the column name"):
        df, _ = read(p, columns=ColumnMap(t="Time (Mars/Olympus)"))
    assert df["t"][0] == T0
