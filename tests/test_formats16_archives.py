"""Session 16 (formats16): exports as downloaded (a Strava bulk-export .zip, Garmin Connect's
export with its FIT files in a zip inside the zip) and research sets whose times are seconds
elapsed from 0 (`--time-origin`). Generators: tests/_formats16_files.py."""

from __future__ import annotations

import polars as pl
import pytest
from _formats16_files import garmin_zip, strava_zip
from reliability_helpers import invoke

from trajlm.data.readers import read


def _same_points(df: pl.DataFrame, pts) -> bool:
    """Every truth point at its second within 1e-6 degrees (FIT semicircles: ~1e-7)."""
    got = {t: (la, lo) for t, la, lo in df.select("t", "lat", "lon").iter_rows()}
    return len(got) == len(pts) and all(
        p[0] in got and abs(got[p[0]][0] - p[1]) < 1e-6 and abs(got[p[0]][1] - p[2]) < 1e-6
        for p in pts
    )


def test_strava_export_zip_reads_every_activity_with_its_type(tmp_path):
    pytest.importorskip("fitdecode", reason="FIT needs the optional trajlm[formats] extra")
    data, truth = strava_zip()
    (tmp_path / "export_98765.zip").write_bytes(data)
    df, _ = read(tmp_path / "export_98765.zip")
    assert df.height == sum(len(p) for _, p in truth.values())
    for aid, (typ, pts) in truth.items():
        mine = df.filter(pl.col("traj_id").str.contains(aid))
        assert _same_points(mine, pts), aid
        assert mine["label"].unique().to_list() == [typ]


def test_garmin_export_zip_reads_the_fit_files_of_its_inner_zip(tmp_path):
    pytest.importorskip("fitdecode", reason="FIT needs the optional trajlm[formats] extra")
    data, truth = garmin_zip()
    (tmp_path / "garmin_export.zip").write_bytes(data)
    df, _ = read(tmp_path / "garmin_export.zip")
    assert df.height == sum(len(p) for p in truth.values())
    for name, pts in truth.items():
        mine = df.filter(pl.col("traj_id").str.contains(name, literal=True))
        assert mine.height == len(pts), name


def test_a_zip_of_csvs_reads_as_before(tmp_path):
    """Control: a zip whose members are CSVs still goes through the CSV path."""
    import zipfile

    with zipfile.ZipFile(tmp_path / "fleet.zip", "w") as z:
        z.writestr(
            "a.csv", "traj_id,t,lat,lon\nx,1785000000,46.05,14.50\nx,1785000010,46.051,14.501\n"
        )
    df, _ = read(tmp_path / "fleet.zip")
    assert df.height == 2 and df["traj_id"].unique().to_list() == ["x"]


def _elapsed_csv(path) -> None:
    rows = ["tid,t,lat,lon"] + [
        f"v{k},{10 * i},{-33.44 + 1e-4 * i + 0.01 * k},{-70.66}"
        for k in range(2)
        for i in range(20)
    ]
    path.write_text("\n".join(rows) + "\n")


def test_time_origin_reads_seconds_elapsed_from_zero(tmp_path):
    _elapsed_csv(tmp_path / "elapsed.csv")
    r = invoke(
        "data",
        "ingest",
        tmp_path / "elapsed.csv",
        "--time-origin",
        "2020-01-01T00:00Z",
        "--out",
        tmp_path / "st",
    )
    assert r.exit_code == 0, r.output
    st = pl.read_parquet(tmp_path / "st" / "points" / "**" / "*.parquet")
    assert st.height == 40
    assert sorted(set(st["t"].to_list())) == [1_577_836_800 + 10 * i for i in range(20)]


def test_without_time_origin_elapsed_seconds_name_the_option(tmp_path):
    _elapsed_csv(tmp_path / "elapsed.csv")
    r = invoke("data", "ingest", tmp_path / "elapsed.csv", "--out", tmp_path / "st")
    assert r.exit_code == 2 and "--time-origin" in r.output, r.output


def test_repeated_dst_hour_split_across_reader_chunks_reads_on_as_it_started(tmp_path):
    """Lisbon, 2021-10-31: 01:00-02:00 local happens twice. A 20-s track through both passes,
    read in chunks of 450 / 100 rows (the boundary inside the second pass), is exact."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from trajlm.data.readers import ColumnMap, iter_read

    t0, rows, truth = 1_635_634_800, ["traj_id,t,lat,lon"], []  # 2021-10-30T23:00Z
    for i in range(540):
        u = t0 + 20 * i
        wall = datetime.fromtimestamp(u, UTC).astimezone(ZoneInfo("Europe/Lisbon"))
        rows.append(f"A,{wall:%Y-%m-%d %H:%M:%S},{38.8 + 1e-4 * i:.4f},-9.3")
        truth.append(u)
    (tmp_path / "lisbon.csv").write_text("\n".join(rows) + "\n")
    for chunk_rows in (500_000, 450, 100):
        cm = ColumnMap(tz="Europe/Lisbon")
        parts = [
            c
            for c, _ in iter_read(tmp_path / "lisbon.csv", "csv", columns=cm, chunk_rows=chunk_rows)
        ]
        assert sorted(pl.concat(parts)["t"].to_list()) == truth, chunk_rows


def test_unzipped_garmin_export_folder_reads_its_zip_of_fit_files(tmp_path):
    """The folder the Garmin export unzips to: JSON summaries (not read) beside the FITs' zip."""
    pytest.importorskip("fitdecode", reason="FIT needs the optional trajlm[formats] extra")
    import io
    import zipfile

    data, truth = garmin_zip()
    zipfile.ZipFile(io.BytesIO(data)).extractall(tmp_path / "garmin")
    df, _ = read(tmp_path / "garmin")
    assert df.height == sum(len(p) for p in truth.values())
    assert df["label"].unique().to_list() == ["running"]
