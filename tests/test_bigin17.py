"""Session 17 (bigin17): bad inputs that `trajlm data ingest` mishandled (found by badin17).

1. a CSV with a 2 GiB line: the naive-time sample read the whole line (12.7 GB RSS) before the
   line reader refused it; 2. random bytes named .csv were called UTF-16 / cp1252; 3. an empty
   GeoJSON said "no points left ... {}"; 4. --crs on data in degrees was accepted silently.
"""

from __future__ import annotations

import tracemalloc

import numpy as np
import pandas as pd
import pytest
from reliability_helpers import fails

from trajlm.data.readers import read
from trajlm.data.readers._encoding import is_binary
from trajlm.data.readers.detect import naive_times
from trajlm.data.schema import TrajlmInputError

HEADER = b"traj_id,time,lat,lon\n"
ROWS = "a,2024-01-01T00:00:{:02d}Z,41.15,-8.61\n"


def long_line_csv(path, n_bytes):
    """A header, one line of `n_bytes` NULs (a zero-filled block), then a good row."""
    with open(path, "wb") as f:
        f.write(HEADER)
        f.write(b"\0" * n_bytes + b"\n")
        f.write(ROWS.format(0).encode())
    return path


# ---------------------------------------------------------------- 1. an over-long line
def test_time_zone_sample_reads_a_bounded_head_not_the_long_line(tmp_path):
    """Before: the sample read the 8 MB line whole (as text: peak > 8 MB); now 1 MiB."""
    path = long_line_csv(tmp_path / "long.csv", 8 << 20)
    tracemalloc.start()
    try:
        naive_times(path, "csv", None)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 << 20, f"peak {peak:,} bytes"


def test_ingest_refuses_an_over_long_line_naming_file_and_line(tmp_path, monkeypatch):
    monkeypatch.setenv("TRAJLM_MAX_LINE_BYTES", str(1 << 20))
    path = long_line_csv(tmp_path / "claims.csv", 3 << 20)
    fails("data", "ingest", path, "--out", tmp_path / "st",
          names=("claims.csv line 2", "longer than 1,048,576 bytes", "TRAJLM_MAX_LINE_BYTES"))  # fmt: skip
    assert not (tmp_path / "st").exists()


def test_time_zone_note_still_given_for_naive_times(tmp_path):
    path, head = tmp_path / "n.csv", b"traj_id,t,lat,lon\n"
    path.write_bytes(head + "".join(ROWS.format(i) for i in range(3)).replace("Z", "").encode())
    assert naive_times(path, "csv", None) == "t"
    path.write_bytes(head + "".join(ROWS.format(i) for i in range(3)).encode())
    assert naive_times(path, "csv", None) is None


# ---------------------------------------------------------------- 2. random bytes named .csv
@pytest.mark.parametrize("mark", [b"", b"\xff\xfe", b"\xfe\xff"])
@pytest.mark.parametrize("seed", range(6))
def test_random_bytes_named_csv_are_called_binary(tmp_path, seed, mark):
    path = tmp_path / "export.csv"
    path.write_bytes(mark + np.random.default_rng(seed).bytes(20_000))
    with pytest.raises(TrajlmInputError) as e:
        read(path)
    msg = str(e.value)
    assert "binary" in msg and "export.csv" in msg, msg
    assert "UTF-16" not in msg and "cp1252" not in msg, msg


def test_text_in_other_encodings_is_not_called_binary():
    text = "traj_id,time,lat,lon,name\nà,2024-01-01T00:00:00Z,38.7,-9.1,Αθήνα 轨迹\n" * 40
    for enc in ("utf-8", "utf-16", "utf-16-le", "utf-16-be"):
        assert not is_binary(text.encode(enc)[:4096]), enc
    latin = "traj_id;heure;lat;lon\nà;2024-01-01 00:00:00;38,7;-9,1\n" * 40
    assert not is_binary(latin.encode("cp1252")[:4096])
    assert not is_binary(("α,β\nΑθήνα,1\n" * 100).encode("cp1253")[:4096])


def test_cli_says_binary_for_random_bytes(tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes(np.random.default_rng(7).bytes(50_000))
    fails("data", "ingest", path, "--out", tmp_path / "st", names=("r.csv", "binary data"))


# ---------------------------------------------------------------- 3. empty GeoJSON
@pytest.mark.parametrize(
    "text, what",
    [("", "file is empty"), ("  \n", "file is empty"),
     ('{"type": "FeatureCollection", "features": []}', "has no features")],
)  # fmt: skip
def test_empty_geojson_says_why(tmp_path, text, what):
    path = tmp_path / "trips.geojson"
    path.write_text(text)
    text_out = fails(
        "data", "ingest", path, "--out", tmp_path / "st", names=(what, "trips.geojson")
    )
    assert "{}" not in text_out
    with pytest.raises(TrajlmInputError, match="empty_file"):  # skip: counted, then "nothing"
        from trajlm.data.ingest import ingest

        ingest(path, "auto", tmp_path / "st2", on_error="skip")


# ---------------------------------------------------------------- 4. --crs on degrees
ATHENS = [(37.97, 23.72), (37.971, 23.721), (37.972, 23.722), (38.5, 22.0), (38.51, 22.01)]


def _table(points):
    return pd.DataFrame({"traj_id": ["a"] * len(points), "t": 1_700_000_000 + 10 * np.arange(len(points)),
                         "lat": [p[0] for p in points], "lon": [p[1] for p in points]})  # fmt: skip


@pytest.mark.parametrize(
    "points, crs",
    [(ATHENS, "EPSG:2100"), ([(41.15, -8.61), (41.151, -8.611)], "EPSG:32629"),
     ([(41.15, -8.61), (41.151, -8.611)], "EPSG:3857")],
)  # fmt: skip
def test_crs_on_degrees_is_refused_naming_the_option(tmp_path, points, crs):
    path = tmp_path / "deg.csv"
    _table(points).to_csv(path, index=False)
    fails("data", "ingest", path, "--crs", crs, "--out", tmp_path / "st",
          names=(f"--crs={crs}", "look like WGS84 degrees", "leave out --crs"))  # fmt: skip
    from trajlm.data.coerce import to_canonical

    with pytest.raises(TrajlmInputError, match=f"crs={crs}: the coordinates look like WGS84"):
        to_canonical(_table(points), crs=crs)


def test_projected_data_is_still_read_small_coordinates_included(tmp_path):
    from trajlm.data import geo
    from trajlm.data.coerce import to_canonical

    x, y = geo.from_wgs84(np.array([p[0] for p in ATHENS]), np.array([p[1] for p in ATHENS]), 2100)
    grid = _table(list(zip(y, x, strict=True)))  # lat = northing, lon = easting
    got = to_canonical(grid, crs="EPSG:2100")
    assert np.abs(got["lat"].to_numpy() - [p[0] for p in ATHENS]).max() < 1e-6
    # a track near a plane's origin (metres inside +-90 / +-180, 150 m long): kept
    near = _table([(5.0, 5.0), (40.0, 75.0), (80.0, 150.0)])
    path = tmp_path / "near.csv"
    near.to_csv(path, index=False)
    from trajlm.data.readers import ColumnMap

    df, _ = read(path, "csv", columns=ColumnMap(time_format="unix", crs="EPSG:3857"))
    assert len(df) == 3 and np.abs(df["lat"].to_numpy()).max() < 0.01
