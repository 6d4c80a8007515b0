"""Session 32 (review32): the review's fixes to session 32's merged code (docs/testing.md
"Session 32 (review32)"): warnings said at the caller's line, an SQLite table name quoted,
a stay said only where it is answered, two cleaning keywords for one setting refused."""

from __future__ import annotations

import json
import sqlite3
import warnings
from pathlib import Path

import pandas as pd
import polars as pl
import pytest

import trajlm
from trajlm.api_stays import hold_stays
from trajlm.data.readers import read
from trajlm.errors import TrajlmInputError
from trajlm.llm.ask_data import jitter_note


def _said(call) -> list[warnings.WarningMessage]:  # noqa: ANN001 (a callable)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        call()
    return list(w)


def test_a_paths_read_warning_points_at_the_callers_line(tmp_path: Path) -> None:
    p = tmp_path / "fleet.csv"
    rows = [f"VAN-1,2026-03-02T08:0{m}:00Z,55.7{m},37.6" for m in range(8)]
    p.write_text("vehicle_id,timestamp,latitude,longitude\n" + "\n".join(rows)
                 + "\nVAN-1,2026-03-02T08:09:00Z,,\n")  # fmt: skip
    said = [
        w for w in _said(lambda: trajlm.to_canonical(p)) if "dropped as no_fix" in str(w.message)
    ]
    assert len(said) == 1 and said[0].filename == __file__  # was trajlm/data/coerce.py


def _positions(db: sqlite3.Connection, table: str, n: int) -> None:
    quoted = '"' + table.replace('"', '""') + '"'  # SQL's own quoting of a name
    db.execute(f"CREATE TABLE {quoted} (device_id TEXT, timestamp INTEGER, latitude REAL, "
               "longitude REAL)")  # fmt: skip
    db.executemany(f"INSERT INTO {quoted} VALUES (?, ?, ?, ?)",
                   [("d1", 1767600000 + 60 * i, 60.17 + i / 1000, 24.94) for i in range(n)])  # fmt: skip


def test_an_sqlite_table_name_with_a_quote_reads_and_the_pick_is_said_at_the_caller(
    tmp_path: Path,
) -> None:
    p = tmp_path / "app.db"
    db = sqlite3.connect(p)
    _positions(db, 'gps "raw"', 6)  # was: "an SQLite database that does not read (near ...)"
    _positions(db, "gps_old", 3)
    db.commit()
    db.close()
    got: list = []
    said = _said(lambda: got.append(read(p)))
    df, _ = got[0]
    assert df.height == 6 and df["lat"].max() == pytest.approx(60.175)
    pick = [w for w in said if "the largest of 2" in str(w.message)]
    assert len(pick) == 1 and pick[0].filename == __file__  # was device_logs.py


def _still(tid: str, lat: float) -> pl.DataFrame:
    """A phone lying still 30 min, a fix every 5 min."""
    t = 1_767_600_000 + 300 * pl.int_range(7, eager=True)
    return pl.DataFrame({"traj_id": tid, "t": t, "lat": lat, "lon": 4.89})


def test_a_stay_is_said_only_for_the_trajectories_answered() -> None:
    history = pl.concat([_still("a", 52.37), _still("b", 52.40)])
    out = pl.DataFrame({"traj_id": ["a"], "step": [1], "t": [1_767_602_100], "lat": [52.5],
                        "lon": [5.0], "std_m": [40.0]})  # fmt: skip
    said: list = []
    w = _said(lambda: said.append(hold_stays(out, history)))
    held = said[0]
    assert held["lat"].item() == pytest.approx(52.37)  # a held at its stay
    line = [str(x.message) for x in w if "end in a stay" in str(x.message)]
    assert len(line) == 1 and line[0].startswith("predict: 1 trajectory(ies)"), line  # was 2
    assert "'b'" not in line[0]


@pytest.mark.parametrize(
    ("keywords", "message"),
    [
        ({"stop_minutes": 5, "stop_min_s": 600}, "stop_minutes=5 and stop_min_s=600"),
        ({"min_interval": 5, "min_interval_s": 10}, "min_interval=5 and min_interval_s=10"),
        ({"split_at_stops": False, "stop_minutes": 5}, "split_at_stops=False and stop_minutes"),
        ({"split_at_stops": False, "stop_min_s": 600}, "split_at_stops=False and stop_min_s"),
    ],
)
def test_two_cleaning_keywords_for_one_setting_are_one_line(keywords: dict, message: str) -> None:
    df = pd.DataFrame({"id": ["a"] * 3, "t": [0, 60, 120], "lat": [52.0] * 3, "lon": [4.0] * 3})
    with pytest.raises(TrajlmInputError, match=message):  # before: one of them silently won
        trajlm.clean(df, traj_col="id", return_report=False, **keywords)


def test_the_jitter_note_reads_a_stores_manifest_once_and_skips_an_odd_one(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text(json.dumps({"columns": {"accuracy_m": "Float64"}}))
    assert "jitter counts as distance" in jitter_note(str(tmp_path))
    (tmp_path / "manifest.json").write_text("[]")  # not a manifest: no note, no AttributeError
    assert jitter_note(tmp_path) is None
    assert jitter_note(pl.DataFrame()) is None
