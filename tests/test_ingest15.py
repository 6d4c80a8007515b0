"""Session 15 (ingest15): local times across DST changes (--tz) and row keys taken as trip ids
(Traccar's tc_positions.csv). Data are generated here."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from trajlm.data.readers import read
from trajlm.data.readers._common import ColumnMap
from trajlm.data.readers.detect import resolve_columns
from trajlm.data.readers.layouts import ROW_KEY
from trajlm.data.schema import TrajlmInputError

LISBON = "Europe/Lisbon"


def _csv(path: Path, times: list[tuple[str, str]]) -> Path:
    rows = ["traj_id,t,lat,lon"]
    rows += [f"{tid},{t},38.7,{-9.1 - i * 1e-4:.4f}" for i, (tid, t) in enumerate(times)]
    path.write_text("\n".join(rows) + "\n")
    return path


def _utc(text: str) -> int:
    return int(dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC).timestamp())


def test_repeated_hour_second_pass_is_the_later_instant(tmp_path: Path) -> None:
    day = "2021-10-31 "  # Lisbon: 02:00 WEST -> 01:00 WET, so 01:00-01:59 happens twice
    walls = ["00:50", "01:10", "01:50", "01:05", "01:40", "02:10"]
    path = _csv(tmp_path / "autumn.csv", [("a", f"{day}{w}:00") for w in walls])
    df, rep = read(path, "csv", columns=ColumnMap(tz=LISBON))
    want = ["2021-10-30T23:50", "2021-10-31T00:10", "2021-10-31T00:50", "2021-10-31T01:05",
            "2021-10-31T01:40", "2021-10-31T02:10"]  # fmt: skip
    assert df["t"].to_list() == [_utc(w) for w in want]
    assert rep.repaired["ambiguous_local_time_as_earlier"] == 2
    assert rep.repaired["ambiguous_local_time_as_later"] == 2
    assert "sorted_by_time" not in rep.repaired  # increasing as read: nothing re-sorted


def test_repeated_hour_per_trajectory_and_parquet(tmp_path: Path) -> None:
    """Interleaved trajectories are resolved each on its own; a naive Parquet datetime too."""
    day = "2021-10-31 "
    rows = [("a", "01:50"), ("b", "01:20"), ("a", "01:10"), ("b", "01:30")]
    df = pl.DataFrame(
        {
            "traj_id": [r[0] for r in rows],
            "t": [dt.datetime.fromisoformat(f"{day}{w}:00") for _, w in rows],
            "lat": [38.7] * 4,
            "lon": [-9.1, -9.2, -9.1001, -9.2001],
        }
    )
    df.write_parquet(tmp_path / "p.parquet")
    out, rep = read(tmp_path / "p.parquet", "parquet", columns=ColumnMap(tz=LISBON))
    got = dict(zip(out.select("traj_id", "lon").rows(), out["t"], strict=True))
    assert got[("a", -9.1)] == _utc("2021-10-31T00:50")  # first pass (WEST)
    assert got[("a", -9.1001)] == _utc("2021-10-31T01:10")  # went back: second pass (WET)
    assert got[("b", -9.2)] == _utc("2021-10-31T00:20")  # b never goes back: earlier both
    assert got[("b", -9.2001)] == _utc("2021-10-31T00:30")
    assert rep.repaired["ambiguous_local_time_as_later"] == 1


def test_nonexistent_local_time_has_its_own_reason(tmp_path: Path) -> None:
    times = [("a", "2021-03-28 00:50:00"), ("a", "2021-03-28 01:30:00"), ("a", "2021-03-28 02:10:00"),
             ("a", "2021-03-28 02:20:00")]  # fmt: skip
    path = _csv(tmp_path / "spring.csv", times)
    with pytest.raises(TrajlmInputError) as e:
        read(path, "csv", columns=ColumnMap(tz=LISBON))
    msg = str(e.value)
    assert "nonexistent_local_time" in msg and LISBON in msg and "01:00 to 02:00" in msg
    assert "line 3" in msg and "not ISO-8601" not in msg
    df, rep = read(path, "csv", columns=ColumnMap(tz=LISBON), on_error="skip")
    assert rep.dropped == {"nonexistent_local_time": 1} and rep.rows_in == 4 and len(df) == 3
    assert "01:00 to 02:00 on 2021-03-28" in rep.first_problem
    assert df["t"].to_list() == [_utc("2021-03-28T00:50"), _utc("2021-03-28T01:10"),
                                 _utc("2021-03-28T01:20")]  # fmt: skip


def test_zones_without_a_change_are_unchanged(tmp_path: Path) -> None:
    """UTC = no zone and Asia/Tokyo = +9 h bit for bit, DST days and bad rows included; Lisbon
    away from its changes = zoneinfo's reading."""
    rng = random.Random(0)
    base = dt.datetime(2021, 3, 27)
    walls = [base + dt.timedelta(seconds=rng.randrange(0, 240 * 86400)) for _ in range(300)]
    walls += [dt.datetime(2021, 3, 28, 1, 30), dt.datetime(2021, 10, 31, 1, 30)]
    times = [("a" if i % 2 else "b", f"{w:%Y-%m-%d %H:%M:%S}") for i, w in enumerate(walls)]
    path = _csv(tmp_path / "any.csv", [*times, ("a", "not a time")])
    plain = read(path, "csv", on_error="skip")
    utc = read(path, "csv", columns=ColumnMap(tz="UTC"), on_error="skip")
    assert plain[0].equals(utc[0]) and plain[1] == utc[1]
    nine = read(path, "csv", columns=ColumnMap(utc_offset_s=9 * 3600), on_error="skip")
    tokyo = read(path, "csv", columns=ColumnMap(tz="Asia/Tokyo"), on_error="skip")
    assert nine[0].equals(tokyo[0]) and nine[1] == tokyo[1]
    away = [(tid, t) for tid, t in times if t[5:10] not in ("03-28", "10-31")]
    df, rep = read(_csv(tmp_path / "lis.csv", away), "csv", columns=ColumnMap(tz=LISBON))
    zone = ZoneInfo(LISBON)
    want = sorted((tid, int(dt.datetime.fromisoformat(t).replace(tzinfo=zone).timestamp()))
                  for tid, t in away)  # fmt: skip
    assert list(zip(df["traj_id"], df["t"], strict=True)) == want
    assert set(rep.repaired) == {"sorted_by_time"} and not rep.dropped  # random order


def _traccar(path: Path, n: int = 300, device: bool = True) -> Path:
    head = "id,protocol,deviceid,servertime,devicetime,fixtime,valid,latitude,longitude,speed"
    if not device:
        head = head.replace("deviceid", "channel")
    rows = [head]
    for i in range(n):
        dev, k = 1 + i % 3, i // 3
        fix = f"2024-05-01 10:{k // 60:02d}:{k % 60:02d}"
        late = f"2024-05-01 11:{k // 60:02d}:{k % 60:02d}"  # server / device clocks: later
        rows.append(f"{7000 + i},osmand,{dev},{late},{late},{fix},1,"
                    f"{38.7 + k * 1e-4 + dev * 0.01:.5f},{-9.1 + k * 1e-4:.5f},5")  # fmt: skip
    path.write_text("\n".join(rows) + "\n")
    return path


def test_traccar_row_key_gives_way_to_deviceid_and_fixtime(tmp_path: Path) -> None:
    path = _traccar(tmp_path / "tc_positions.csv")
    cm, guessed = resolve_columns(path, "csv", None)
    assert cm is not None and (cm.traj_id, cm.t) == ("deviceid", "fixtime")
    assert guessed[ROW_KEY] == "id"
    df, _ = read(path, "csv")
    assert df["traj_id"].n_unique() == 3 and len(df) == 300
    assert df["t"].min() == _utc("2024-05-01T10:00")  # the fix time, not the server's


def test_row_key_without_another_id_is_refused(tmp_path: Path) -> None:
    path = _traccar(tmp_path / "tc_positions.csv", device=False)
    with pytest.raises(TrajlmInputError, match=r"'id'.*row key.*--traj-col"):
        resolve_columns(path, "csv", None)
    # an explicit traj_id always wins, and a short file is not judged
    df, _ = read(path, "csv", columns=ColumnMap(traj_id="id", t="fixtime", lat="latitude",
                                                lon="longitude"))  # fmt: skip
    assert df["traj_id"].n_unique() == 300
    short = _traccar(tmp_path / "short.csv", n=30, device=False)
    cm, guessed = resolve_columns(short, "csv", None)
    assert cm is not None and cm.traj_id == "id" and ROW_KEY not in guessed
