"""data18: resplit names the hours of each split, a mistyped config key gets a "did you
mean", a shipped folder with copies of the same files ingests in one go, and the other
leftovers of cliuser18's run (docs/data.md "Session 18 (data18)")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from reliability_helpers import invoke, said


def _day_csv(path: Path) -> Path:
    """24 trips, one starting at each hour of 2024-03-05 UTC, 10 points 15 s apart."""
    rows = ["traj_id,t,lat,lon"]
    for h in range(24):
        t0 = 1709596800 + 3600 * h
        rows += [f"trip{h},{t0 + 15 * k},{41.15 + 0.0004 * k},{-8.61 + 0.001 * h}"
                 for k in range(10)]  # fmt: skip
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.fixture(scope="module")
def day_store(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("day")
    r = invoke("data", "ingest", _day_csv(d / "day.csv"), "--format", "csv", "--out", d / "s")
    assert r.exit_code == 0, r.output
    return d / "s"


def test_resplit_by_hour_says_and_records_the_hours_of_each_split(day_store, tmp_path):
    r = invoke("data", "resplit", day_store, "--by", "hour=21", "--out", tmp_path / "h")
    assert r.exit_code == 0, r.output
    text = said(r)
    assert "test 21-23" in text and "(UTC)" in text, text
    hours = json.loads((tmp_path / "h" / "manifest.json").read_text())["split_hours_utc"]
    assert hours["test"] == [21, 22, 23]
    assert sorted(hours["train"] + hours["val"]) == list(range(21))


def test_resplit_by_hour_auto_names_the_hours_it_chose(day_store, tmp_path):
    r = invoke("data", "resplit", day_store, "--by", "hour", "--out", tmp_path / "h")
    assert r.exit_code == 0, r.output
    hours = json.loads((tmp_path / "h" / "manifest.json").read_text())["split_hours_utc"]
    assert hours["test"] and min(hours["test"]) > max(hours["train"] + hours["val"])
    assert f"test {min(hours['test']):02d}-23" in said(r)


def test_resplit_by_user_or_time_records_no_hours(day_store, tmp_path):
    r = invoke("data", "resplit", day_store, "--by", "time", "--out", tmp_path / "t")
    assert r.exit_code == 0, r.output
    assert "split_hours_utc" not in json.loads((tmp_path / "t" / "manifest.json").read_text())
    assert "hours (UTC)" not in said(r)
