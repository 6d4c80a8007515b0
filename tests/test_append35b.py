"""Session 35 (append35): scale35's `ingest --append` follow-ups.

- manifest.json keeps the cleaning settings of a store's first ingest (``clean_config``), so the
  FIRST append is checked against them too (before, only a later append's were: a first append
  cleaned otherwise was taken silently); resplit keeps them; a store written before they were
  recorded is said, not refused.
- an appended test split is in (traj_id, t) order file by file, not as a whole: every reader of
  it either sorts (read_store) or needs only each trajectory in one run, in time order (the
  streaming readers), which an append keeps.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from test_append35 import _bytes, _files, _ingest, _table

from trajlm.data.store import (
    iter_store_batches,
    load_manifest,
    part_files,
    read_store,
    resplit_store,
    write_store,
)
from trajlm.data.store_append import append_store
from trajlm.data.store_chunks import iter_column_chunks
from trajlm.data.table_order import in_traj_order


def test_a_first_append_cleaned_otherwise_is_refused(tmp_path):
    store = tmp_path / "s"
    assert _ingest(_files(tmp_path, range(4)), store).exit_code == 0
    said = load_manifest(store)["clean_config"]  # the first ingest's settings, on disk
    assert said["max_gap_s"] == 1800 and said["min_points"] == 2
    before = _bytes(store)
    r = _ingest(_files(tmp_path, range(4, 5)), store, "--append", "--max-gap-s", "600")
    assert r.exit_code == 2, r.output
    assert "cleaned with other settings" in r.output and "max_gap_s: 1800" in r.output
    r = _ingest(_files(tmp_path, range(4, 5)), store, "--append", "--min-points", "5")
    assert r.exit_code == 2 and "min_points: 2 there, 5 here" in r.output
    assert _bytes(store) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".s.tmp-")]
    r = _ingest(_files(tmp_path, range(4, 5)), store, "--append", "--max-gap-s", "1800")
    assert r.exit_code == 2 and "gap_intervals: 3.0 there, None here" in r.output  # a gap given:
    # that gap alone, no longer the x-times-median rule of the default: other cleaning
    assert _bytes(store) == before
    r = _ingest(_files(tmp_path, range(4, 5)), store, "--append")  # the same options: appended
    assert r.exit_code == 0, r.output
    m = load_manifest(store)
    assert m["clean_config"] == said and m["appends"][-1]["clean_config"] == said


def test_the_python_twin_checks_the_first_ingest_too(tmp_path):
    import trajlm

    trajlm.ingest(_files(tmp_path, range(3)), "auto", tmp_path / "py", overwrite=False)
    with pytest.raises(ValueError, match="cleaned with other settings.*max_gap_s"):
        trajlm.ingest(_files(tmp_path, range(3, 4)), "auto", tmp_path / "py", append=True,
                      clean_overrides={"max_gap_s": 900})  # fmt: skip
    assert "appends" not in load_manifest(tmp_path / "py")


def test_resplit_keeps_the_cleaning_settings(tmp_path):
    assert _ingest(_files(tmp_path, range(4)), tmp_path / "s").exit_code == 0
    resplit_store(tmp_path / "s", tmp_path / "r", "time")
    assert (
        load_manifest(tmp_path / "r")["clean_config"]
        == load_manifest(tmp_path / "s")["clean_config"]
    )


def test_a_store_without_the_record_is_said_then_checked_on_its_append(tmp_path):
    """write_store (a store of a table, or one written before append35) keeps no settings:
    its first append says the settings are not checked; the append's own are then recorded."""
    write_store(_table([f"m{k:02d}" for k in range(20)], 0), tmp_path / "s")
    write_store(_table(["n1", "n2"], 3), tmp_path / "n")
    write_store(_table(["p1", "p2"], 5), tmp_path / "p")
    with pytest.warns(UserWarning, match="does not record the cleaning settings"):
        append_store(tmp_path / "s", tmp_path / "n", ["n"], {"max_gap_s": 1800})
    with pytest.raises(ValueError, match="max_gap_s: 1800 there, 600 here"):
        append_store(tmp_path / "s", tmp_path / "p", ["p"], {"max_gap_s": 600})


def _appended(tmp_path):
    """A store whose appended ids sort before, between and after its own ("a1" < "m00" ..)."""
    write_store(_table([f"m{k:02d}" for k in range(40)], 0), tmp_path / "s", rows_per_file=60)
    write_store(_table(["a1", "n5", "z9"], 3), tmp_path / "n")
    append_store(tmp_path / "s", tmp_path / "n", ["n"])
    return tmp_path / "s"


def test_an_appended_test_split_is_ordered_per_file_and_each_trip_is_one_run(tmp_path):
    store = _appended(tmp_path)
    files = part_files(store, "test")
    stream = pl.concat(list(iter_store_batches(store, "test")))
    assert len(files) > 1 and not in_traj_order(stream)  # the split as a whole is not in order
    assert all(in_traj_order(pl.read_parquet(f)) for f in files)  # each file is
    runs = stream.select(pl.col("traj_id").rle().struct.unnest())
    assert runs["value"].n_unique() == runs.height  # no trajectory in two runs
    sorted_t = stream.select((pl.col("t").diff().over("traj_id").fill_null(1) > 0).all()).item()
    assert sorted_t  # within a trajectory, time order
    whole = read_store(store, split="test")  # the reader that sorts: the whole split in order
    assert in_traj_order(whole)
    assert whole.drop("split").equals(stream.sort(["traj_id", "t"]))


def test_the_streaming_readers_see_the_same_trips_as_the_sorted_read(tmp_path):
    """iter_column_chunks (TrajectoryWindows, validation's test loss) cuts trajectories where the
    id changes: on an appended split it yields each trajectory whole, once."""
    store = _appended(tmp_path)
    got = []
    for cols, starts, lens in iter_column_chunks(part_files(store, "test"), read_rows=7):
        got += [(int(cols["t"][s]), int(n), bool(np.all(np.diff(cols["t"][s : s + n]) > 0)))
                for s, n in zip(starts, lens, strict=True)]  # fmt: skip
    want = (read_store(store, split="test").group_by("traj_id", maintain_order=True)
            .agg(pl.col("t").first(), pl.len()))  # fmt: skip
    assert sorted(got) == sorted((int(t), int(n), True) for _, t, n in want.iter_rows())


def test_json_keys_of_an_append_are_documented():
    from pathlib import Path

    text = Path(__file__).resolve().parents[1].joinpath("docs", "data.md").read_text()
    said = text[text.index("**`trajlm data ingest ... --json`**") :][:900]
    assert "`appended`" in said and "`store_after`" in said


@pytest.mark.parametrize("depart", ["2024-03-10T08:00:00", "2024-03-10T08:00:00Z", "1710057600"])
def test_route_says_a_zoneless_depart_is_read_as_utc(depart):
    """badin35's leftover: `trajlm route --depart 2024-03-10T08:00` read the time as UTC unsaid."""
    from helpers import invoke_cli

    r = invoke_cli(["route", "--synthetic-seed", "0", "--depart", depart,
                    "--from", "45.062,7.665", "--to", "45.078,7.695"])  # fmt: skip
    assert r.exit_code == 0, r.output
    noted = "--depart '2024-03-10T08:00:00' has no zone; read as UTC" in r.stderr
    assert noted == (depart == "2024-03-10T08:00:00")
    assert "has no zone" not in r.stdout  # stdout holds the routes alone
