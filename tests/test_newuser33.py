"""Session 33 (newuser33): a fleet data engineer's month of day files in a data lake
(docs/data.md "Session 33 (newuser33)").

- Day files under Hive-style `region=north/` / `region=south/` folders, vans numbered per
  region: `V0001` of the north and of the south were read as one mover, sorted into a track
  zigzagging between the cities (warned as fast steps, kept), and their fixes at the same
  second dropped as `duplicate_timestamp`.
- The vendor renamed `vehicle_id` to `unit_id` (and added `accuracy`) mid-month: a folder of
  the month was refused at the first new file ("missing column(s) ['vehicle_id']").
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from trajlm.data.readers import read

T0 = 1_793_520_000  # 2026-11-01T06:40Z


def _van(lat0: float, lon0: float, n: int = 30, t0: int = T0) -> dict:
    k = np.arange(n)
    return {"t": t0 + 60 * k, "lat": lat0 + 0.004 * k, "lon": lon0 + 0.002 * k}


def _day_file(path: Path, lat0: float, lon0: float, id_col: str = "vehicle_id", **extra) -> None:
    rows = []
    for v in ("V0001", "V0002"):
        van = _van(lat0 + (0.05 if v == "V0002" else 0.0), lon0)
        ts = [f"{np.datetime64(int(t), 's')}Z" for t in van["t"]]
        rows.append(pl.DataFrame({id_col: v, "ts": ts, "lat": van["lat"], "lon": van["lon"]}))
    df = pl.concat(rows).with_columns(**{k: pl.lit(v) for k, v in extra.items()})
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".parquet":
        df.write_parquet(path)
    else:
        df.write_csv(path)


def test_reused_ids_across_region_partitions_are_two_movers(tmp_path: Path) -> None:
    north = tmp_path / "raw" / "region=north" / "date=2026-11-01.csv"
    south = tmp_path / "raw" / "region=south" / "date=2026-11-01.csv"
    _day_file(north, 53.22, 6.57)
    _day_file(south, 51.44, 5.48)  # 200 km away, the same ids at the same seconds
    with pytest.warns(UserWarning, match="ids read per partition"):
        df, report = read(tmp_path / "raw")
    assert report.dropped.get("duplicate_timestamp", 0) == 0
    assert len(df) == 120
    assert sorted(df["traj_id"].unique()) == [
        "north/V0001", "north/V0002", "south/V0001", "south/V0002"
    ]  # fmt: skip
    steps = df.sort("traj_id", "t").group_by("traj_id").agg(pl.col("lat").diff().abs().max())
    assert steps["lat"].max() < 0.01  # no jump between the cities inside a track


def test_time_partitions_and_one_region_keep_ids(tmp_path: Path) -> None:
    from trajlm.data.readers._partitions import partition_of, qualifying_keys

    for day, t0 in (("2026-11-01", 0), ("2026-11-02", 1)):
        path = tmp_path / "raw" / "region=north" / f"date={day}" / "fixes.csv"
        _day_file(path, 53.22 + t0, 6.57)
    df, _ = read(tmp_path / "raw")
    assert set(df["traj_id"].str.replace(r"_\d+$", "").unique()) <= {"V0001", "V0002"}
    assert partition_of(Path("raw/region=north/date=2026-11-01/x.csv")) == (("region", "north"),)
    assert partition_of(Path("lake/year=2026/month=11/day=01/depot=7/f.csv")) == (("depot", "7"),)
    assert qualifying_keys([Path("dt=2026-11-01/a.csv"), Path("dt=2026-11-02/a.csv")]) == []


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_vendor_renamed_id_column_mid_month(tmp_path: Path, suffix: str) -> None:
    _day_file(tmp_path / "raw" / f"d15{suffix}", 53.22, 6.57)
    day16 = tmp_path / "raw" / f"d16{suffix}"
    _day_file(day16, 53.22, 6.57, id_col="unit_id", accuracy=5.0)
    shifted = pl.read_csv(day16) if suffix == ".csv" else pl.read_parquet(day16)
    shifted = shifted.with_columns(  # the next day
        pl.col("ts").str.replace("2026-11-01", "2026-11-02")
    )
    shifted.write_csv(day16) if suffix == ".csv" else shifted.write_parquet(day16)
    with pytest.warns(UserWarning, match="read 'unit_id' as 'vehicle_id'"):
        df, report = read(tmp_path / "raw")
    assert report.rows_in == 120 and len(df) == 120
    days = df.with_columns(day=(pl.col("t") // 86_400)).group_by("day").len()
    assert sorted(days["len"]) == [60, 60]


def _points(store: Path) -> pl.DataFrame:
    return pl.read_parquet(store / "points" / "**" / "*.parquet", hive_partitioning=True).sort(
        "traj_id", "t"
    )


def test_month_from_nightly_stores_equals_month_from_raw_files(tmp_path: Path) -> None:
    from trajlm.data.ingest import ingest

    raw, nights = tmp_path / "raw", []
    for day in (1, 2, 3):
        for region, (lat, lon) in {"north": (53.22, 6.57), "south": (51.44, 5.48)}.items():
            f = raw / f"region={region}" / f"date=2026-11-0{day}.csv"
            v2 = {"id_col": "unit_id", "accuracy": 4.0} if day == 3 else {}  # the new schema
            _day_file(f, lat + 0.01 * day, lon, **v2)
            shifted = pl.read_csv(f).with_columns(
                pl.col("ts").str.replace("2026-11-01", f"2026-11-0{day}")
            )
            shifted.write_csv(f)
        night = sorted(raw.glob(f"region=*/date=2026-11-0{day}.csv"))
        with warnings.catch_warnings():  # ids per partition, said
            warnings.simplefilter("ignore")
            ingest(night, "auto", tmp_path / f"n{day}")
        nights.append(tmp_path / f"n{day}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ingest(raw, "auto", tmp_path / "direct")
        ingest(nights, "auto", tmp_path / "merged")  # a store given to ingest: its points
    cols = ["traj_id", "t", "lat", "lon", "vehicle_id", "split"]
    direct, merged = _points(tmp_path / "direct"), _points(tmp_path / "merged")
    assert len(direct) == 360
    assert direct.select(cols).equals(merged.select(cols))
    assert merged["vehicle_id"].null_count() == 0  # `unit_id` nights keep their owner too


def test_ingest_off_a_terminal_logs_plain_progress(tmp_path: Path, monkeypatch, capsys) -> None:
    import trajlm.data.ingest_progress as prog
    from trajlm.data.ingest import ingest

    _day_file(tmp_path / "day.csv", 53.22, 6.57)
    monkeypatch.setattr(prog, "EVERY_S", 0.0)  # a line at every chunk
    monkeypatch.setattr(prog.sys.stderr, "isatty", lambda: False, raising=False)
    ingest(tmp_path / "day.csv", "auto", tmp_path / "s", progress=True, chunk_rows=50)
    lines = [x for x in capsys.readouterr().err.splitlines() if x.startswith("ingest: ")]
    assert len(lines) >= 2 and all(" rows read, " in x and " kept (" in x for x in lines)


def test_cli_console_prints_run_names_not_emoji(capsys) -> None:
    from trajlm._cli_boundary import console

    console.print("warning: trajlm:car: outside training coverage")  # a run named `car`
    assert "trajlm:car: outside" in capsys.readouterr().out


def test_latest_reads_a_trip_without_owner_as_its_own_mover() -> None:
    from trajlm.data.coerce_pieces import latest_trips

    rows = [("a_0", 0, "V1", "a"), ("a_1", 100, "V1", "a"), ("b_0", 50, None, "b"),
            ("c_0", 60, None, "c"), ("c_1", 200, None, "c")]  # fmt: skip
    df = pl.DataFrame(rows, schema=["traj_id", "t", "vehicle_id", "source_traj_id"], orient="row")
    df = df.with_columns(lat=pl.lit(52.0), lon=pl.lit(6.0))
    assert sorted(latest_trips(df)["traj_id"]) == ["a_1", "b_0", "c_1"]  # was ["a_1", "c_1"]


def test_inspect_reads_a_part_file_at_a_time_with_the_same_figures(tmp_path: Path) -> None:
    from trajlm.data.store import read_store, write_store
    from trajlm.data.store_inspect import intervals_and_labels

    rng = np.random.default_rng(0)
    rows = []
    for k in range(40):
        n = int(rng.integers(5, 30))
        t = T0 + 1000 * k + np.cumsum(rng.integers(1, 90, n))
        rows.append(pl.DataFrame({"traj_id": f"v{k:02d}", "t": t, "lat": 52.0 + 0.001 * np.arange(n),
                                  "lon": 6.0, "label": ["car", "bus", None][k % 3]}))  # fmt: skip
    write_store(pl.concat(rows), tmp_path / "s", rows_per_file=100)  # several part files a split
    assert len(list((tmp_path / "s" / "points" / "split=train").glob("*.parquet"))) > 1
    whole = read_store(tmp_path / "s", columns=["traj_id", "t", "label"])  # the old way
    same = pl.col("traj_id") == pl.col("traj_id").shift(1)
    old = whole.select(pl.when(same).then(pl.col("t").diff()).alias("dt"))["dt"].drop_nulls()
    from trajlm.data.store import part_files, read_part

    files = [f for s in ("train", "val", "test") for f in part_files(tmp_path / "s", s)]
    dt, labels = intervals_and_labels(files, read_part, has_label=True)
    assert sorted(dt.to_list()) == sorted(old.to_list())
    assert labels == dict(whole["label"].fill_null("(none)").value_counts().iter_rows())


def test_val_check_reads_a_fixed_sample_of_whole_train_trips(tmp_path: Path) -> None:
    from trajlm.data.store import read_store, write_store
    from trajlm.data.store_sample import train_for_check

    rows = [pl.DataFrame({"traj_id": f"v{k:02d}", "t": T0 + 3600 * k + 60 * np.arange(20),
                          "lat": 52.0 + 0.001 * np.arange(20), "lon": 6.0}) for k in range(50)]  # fmt: skip
    write_store(pl.concat(rows), tmp_path / "s", rows_per_file=200)
    whole, said = train_for_check(tmp_path / "s")
    assert said is None and whole.equals(read_store(tmp_path / "s", split="train").drop("split"))
    part, said = train_for_check(tmp_path / "s", max_points=300)
    again, _ = train_for_check(tmp_path / "s", max_points=300)
    assert said is not None and "15 of 40 train trips" in said and part.equals(again)
    assert part.group_by("traj_id").len()["len"].to_list() == [20] * 15  # whole trips only
