"""Session 36 (scale36): `trajlm eval` holds the store once; `--save-verdict` reads less.

- eval read the store whole (merged into (traj_id, t) order) and cut the train / val / test
  tables out of it with filters: two copies. It now reads each split from its own part files
  (`_cli_io.read_splits_checked`), joins them without a copy, and `protocol.split_tables`
  slices the splits out (`split_blocks`). Same tables, same eval table.
- `--save-verdict` re-read every column of every split; it now reads train and val only,
  with the columns eval reads.
"""

from __future__ import annotations

import polars as pl
import pytest
from helpers import table_without_seconds, tiny_model, wide_fleet
from polars.testing import assert_frame_equal
from rich.console import Console

from trajlm import _cli_io as io
from trajlm.cli_eval import run_eval_command
from trajlm.cli_eval_columns import eval_columns
from trajlm.data.store import read_store, write_store
from trajlm.eval.eval_splits import split_blocks, split_tables
from trajlm.eval.val_verdict import read_verdict


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = tmp_path_factory.mktemp("scale36") / "s"
    write_store(wide_fleet(), s, rows_per_file=150)
    return s


@pytest.mark.parametrize("columns", [None, ["traj_id", "t", "lat", "lon"]])
def test_the_splits_read_one_by_one_are_the_old_tables(store, columns):
    old = split_tables(io.read_store_checked(store, "--data", columns=columns))
    df = io.read_splits_checked(store, "--data", columns=columns)
    assert split_blocks(df) is not None  # each split one run of rows: sliced
    new = split_tables(df)
    for s in old:
        assert_frame_equal(new[s], old[s], check_exact=True)
    merged = io.read_store_checked(store, "--data", columns=columns)
    assert split_blocks(merged) is None  # the old table's splits interleave: filtered


def test_the_split_tables_share_the_read_table(store):
    """No copy: each split table is a slice of the table read, on its very buffers."""
    df = io.read_splits_checked(store, "--data")
    chunks = df["lat"].get_chunks()
    assert len(chunks) == 3  # one per split, not re-chunked (a copy)
    parts = split_tables(df)
    for k, s in enumerate(("train", "val", "test")):
        assert _address(parts[s]["lat"]) == _address(chunks[k])


def _address(s: pl.Series) -> int:
    """Where a one-chunk float column's values start in memory (Arrow's export: no copy)."""
    arr = s.to_arrow()
    return arr.buffers()[1].address + 8 * arr.offset


def test_an_empty_split_and_a_table_without_splits(tmp_path):
    """An empty val split reads as an empty run; a table without `split` is cut as before."""
    s = tmp_path / "s"
    write_store(wide_fleet(30), s, fractions=(0.9, 0.0, 0.1))
    df = io.read_splits_checked(s, "--data")
    parts = split_tables(df)
    assert len(parts["val"]) == 0 and parts["val"].schema == parts["train"].schema
    old = split_tables(io.read_store_checked(s, "--data"))
    for k in old:
        assert_frame_equal(parts[k], old[k], check_exact=True)
    bare = split_tables(df.drop("split"))  # assign_splits, chronological
    assert sum(len(v) for v in bare.values()) == len(df)


@pytest.mark.parametrize(
    "options",
    [{}, {"score_on": "val"}, {"at_report_times": True}, {"task": "recover"}, {"task": "tte"},
     {"holdout_by": "user"}, {"model": True}],
)  # fmt: skip
def test_eval_gives_the_same_table_read_by_split(tmp_path, monkeypatch, store, options):
    """The table of eval reading split by split equals the table of the old whole read."""
    options = dict(options)
    task = options.pop("task", "predict")
    models = [tiny_model(tmp_path / "m")] if options.pop("model", False) else None
    quiet = Console(quiet=True)
    calls = []
    by_split = io.read_splits_checked

    def spy(*a, **k):
        calls.append(a)
        return by_split(*a, **k)

    monkeypatch.setattr(io, "read_splits_checked", spy)
    new = run_eval_command(task, store, models, 1, None, quiet, **options)
    assert len(calls) == (0 if options.get("holdout_by") else 1)
    monkeypatch.setattr(io, "read_splits_checked",
                        lambda path, option, columns=None, splits=None:
                        io.read_store_checked(path, option, columns=columns))  # fmt: skip
    old = run_eval_command(task, store, models, 1, None, quiet, **options)
    assert table_without_seconds(new) == table_without_seconds(old)


def test_save_verdict_reads_train_and_val_with_evals_columns(tmp_path, monkeypatch, store):
    """--save-verdict read every column of every split again; now train and val, with the
    columns eval reads. The verdict saved is the one from every column."""
    run = tiny_model(tmp_path / "m")
    seen = []

    def spy(path, split=None, columns=None):
        seen.append((split, columns))
        return read_store(path, split=split, columns=columns)

    monkeypatch.setattr("trajlm.data.store.read_store", spy)
    quiet = Console(quiet=True)
    run_eval_command("recover", store, [run], 1, None, quiet, save_verdict=True)
    new = read_verdict(run)["recover"]
    cols = eval_columns(store, "recover", [run], "time")
    assert seen == [(s, cols) for s in ("train", "val", "test", "train", "val")]
    assert "accuracy_m" not in cols and "vehicle_id" not in cols
    monkeypatch.setattr(io, "read_splits_checked",
                        lambda path, option, columns=None, splits=None:
                        io.read_store_checked(path, option))  # every column, as before  # fmt: skip
    run_eval_command("recover", store, [run], 1, None, quiet, save_verdict=True)
    assert read_verdict(run)["recover"] == new
