"""Session 31 (leftover31): session 30's leftovers. A short Traccar export read by its mover
(`deviceid`), not its row key `id`, whatever its length; with no mover column the refusal names
the row key, not --max-gap-s. Data are generated here."""

from __future__ import annotations

from pathlib import Path

import pytest

from trajlm.data.readers import read
from trajlm.data.readers.detect import resolve_columns
from trajlm.data.readers.layouts import ROW_KEY
from trajlm.data.schema import TrajlmInputError

HEAD = "id,protocol,deviceid,servertime,devicetime,fixtime,valid,latitude,longitude,speed"


def _traccar(path: Path, n: int, head: str = HEAD) -> Path:
    rows = [head]
    for i in range(n):
        dev, k = 1 + i % 2, i // 2
        fix = f"2024-05-01 10:{k // 60:02d}:{k % 60:02d}"
        rows.append(f"{7000 + i},osmand,{dev},{fix},{fix},{fix},1,"
                    f"{38.7 + k * 1e-4 + dev * 0.01:.5f},{-9.1 + k * 1e-4:.5f},5")  # fmt: skip
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.mark.parametrize("n", [4, 40, 99, 100, 300])
def test_a_traccar_export_of_any_length_is_read_by_its_device(tmp_path: Path, n: int) -> None:
    path = _traccar(tmp_path / "tc_positions.csv", n)
    cm, guessed = resolve_columns(path, "csv", None)
    assert cm is not None and cm.traj_id == "deviceid" and guessed[ROW_KEY] == "id"
    df, _ = read(path, "csv")  # was under 100 rows: n trips of one point each
    assert df["traj_id"].n_unique() == 2 and len(df) == n


def test_a_short_file_whose_lower_id_does_not_repeat_keeps_its_id(tmp_path: Path) -> None:
    # `id` unique, `deviceid` unique too: no mover with several fixes, the name stands
    path = tmp_path / "two.csv"
    path.write_text(f"{HEAD}\n1,osmand,8,t,t,2024-05-01 10:00:00,1,38.7,-9.1,5\n"
                    "2,osmand,9,t,t,2024-05-01 10:00:05,1,38.7,-9.1,5\n")  # fmt: skip
    cm, guessed = resolve_columns(path, "csv", None)
    assert cm is not None and cm.traj_id == "id" and ROW_KEY not in guessed
    # a trip id that repeats is never judged a row key, short or long
    trips = tmp_path / "trips.csv"
    trips.write_text("trip_id,vehicle_id,t,lat,lon\n" + "\n".join(
        f"T{i // 3},V1,{1_700_000_000 + i},38.7,-9.1" for i in range(9)) + "\n")  # fmt: skip
    cm, guessed = resolve_columns(trips, "csv", None)
    assert cm is not None and cm.traj_id == "trip_id" and ROW_KEY not in guessed


def test_a_short_trip_id_unique_per_row_gives_way_to_a_repeating_vehicle(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text("trip_id,vehicle_id,t,lat,lon\n" + "\n".join(
        f"R{i},V{i % 2},{1_700_000_000 + 10 * i},38.7,{-9.1 + i * 1e-4:.4f}" for i in range(12)) + "\n")  # fmt: skip
    df, _ = read(path, "csv")
    assert sorted(df["traj_id"].unique().to_list()) == ["V0", "V1"]


def test_a_frame_of_few_rows_is_read_by_its_device() -> None:
    import pandas as pd

    import trajlm

    n = 10  # heldout30 fixed frames of 100+ rows only
    tc = pd.DataFrame({"id": range(880001, 880001 + n), "deviceid": [1400, 1401] * (n // 2),
                       "fixtime": [f"2026-02-03 20:00:{i:02d}" for i in range(n)],
                       "latitude": -43.5, "longitude": [172.6 + i * 1e-4 for i in range(n)]})  # fmt: skip
    assert trajlm.to_canonical(tc)["traj_id"].n_unique() == 2


def test_no_mover_column_names_the_row_key_not_max_gap(tmp_path: Path) -> None:
    from trajlm.data.ingest import ingest

    path = _traccar(tmp_path / "tc.csv", 40, HEAD.replace("deviceid", "channel"))
    with pytest.raises(TrajlmInputError) as e:
        ingest([path], "auto", tmp_path / "store", progress=False)
    text = str(e.value)
    assert "'id'" in text and "row key" in text and "--traj-col" in text
    assert "--max-gap-s" not in text  # was: "pass a larger --max-gap-s" (no gap to widen)
