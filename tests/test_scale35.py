"""Session 35 (scale35): `trajlm eval` reads only the columns it uses, and sorts nothing twice.

- `read_store` re-sorted the concatenation of its splits and `check_model_input` sorted it
  again; the splits' sorted parts are now merged (trajlm/data/table_order.py) and a table in
  order is not sorted again. Same rows, same order.
- `trajlm eval` read every column of the store; cli_eval_columns.eval_columns names what the
  run reads. The table is the same as with every column.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from helpers import table_without_seconds, tiny_model, wide_fleet
from polars.testing import assert_frame_equal
from rich.console import Console

from trajlm import cli_eval_columns
from trajlm.cli_eval import run_eval_command
from trajlm.cli_eval_columns import eval_columns
from trajlm.data.schema import check_model_input
from trajlm.data.store import SPLITS, part_files, read_part, read_store, write_store
from trajlm.data.table_order import in_traj_order, merge_traj_sorted, traj_sorted

T0 = 1_700_000_000


def _stable_sort(frames: list[pl.DataFrame]) -> pl.DataFrame:
    return pl.concat(frames).sort(["traj_id", "t"], maintain_order=True)


def _frame(ids: list[str], n: int = 3, t0: int = T0, tag: str = "a") -> pl.DataFrame:
    return pl.DataFrame({"traj_id": [i for i in ids for _ in range(n)],
                         "t": [t0 + 10 * j for _ in ids for j in range(n)],
                         "lat": np.arange(len(ids) * n, dtype=float),
                         "tag": [tag] * (len(ids) * n)})  # fmt: skip


def test_in_traj_order_reads_ties_nulls_and_steps_back():
    df = _frame(["a", "b", "c"])
    assert in_traj_order(df) and in_traj_order(df, strict=True)
    tie = pl.concat([df.head(2), df.head(2).tail(1), df.tail(7)])  # (a, t1) twice
    assert in_traj_order(tie) and not in_traj_order(tie, strict=True)
    assert not in_traj_order(df.reverse())
    back = df.with_columns(pl.when(pl.int_range(pl.len()) == 4).then(0).otherwise(pl.col("t"))
                           .alias("t"))  # fmt: skip
    assert not in_traj_order(back)
    assert not in_traj_order(df.with_columns(pl.lit(None, pl.Utf8).alias("traj_id")))
    assert in_traj_order(df.head(0)) and in_traj_order(df.head(1))


@pytest.mark.parametrize(
    "frames",
    [
        [_frame(["b", "e", "f"], tag="train"), _frame(["a", "g"], tag="val"),
         _frame(["c", "d"], tag="test")],  # a store's splits: blocks interleaved
        [_frame(["a", "b"]), _frame(["c"]), _frame(["d", "e"])],  # in order already
        [_frame(["a", "c"]), _frame([], tag="val"), _frame(["b"])],  # an empty split
        [_frame(["a", "c"]), _frame(["c", "d"], t0=T0 + 5)],  # a trajectory in two frames
        [_frame(["a", "c"]), _frame(["c"], tag="b")],  # ... at the very same times
        [_frame(["c", "a"]), _frame(["b"])],  # a frame out of order
    ],
)  # fmt: skip
def test_merge_is_the_stable_sort_of_the_concatenation(frames):
    assert_frame_equal(merge_traj_sorted(frames), _stable_sort(frames), check_exact=True)


def test_traj_sorted_is_the_sort_and_keeps_a_sorted_table_itself():
    df = _frame(["a", "b"])
    assert traj_sorted(df) is df
    shuffled = df.sample(fraction=1.0, shuffle=True, seed=1)
    assert_frame_equal(traj_sorted(shuffled), df.sort(["traj_id", "t"], maintain_order=True))


def _old_read(store) -> pl.DataFrame:
    frames = [pl.concat([read_part(f, None) for f in part_files(store, s)]).with_columns(
        pl.lit(s).alias("split")) for s in SPLITS]  # fmt: skip
    return _stable_sort(frames)


@pytest.mark.parametrize("split_by", ["time", "user"])
def test_read_store_and_check_give_the_old_table(tmp_path, split_by):
    write_store(wide_fleet(), tmp_path / "s", rows_per_file=100, split_by=split_by)
    assert len(part_files(tmp_path / "s", "train")) > 1
    old, new = _old_read(tmp_path / "s"), read_store(tmp_path / "s")
    assert_frame_equal(new, old, check_exact=True)
    old = check_model_input(old.sort(["traj_id", "t"], maintain_order=True))
    assert_frame_equal(check_model_input(new), old, check_exact=True)
    core = read_store(tmp_path / "s", columns=["traj_id", "t", "lat", "lon"])
    assert_frame_equal(core, old.select(core.columns), check_exact=True)


def test_the_columns_eval_reads(tmp_path):
    write_store(wide_fleet(), tmp_path / "s")
    s = tmp_path / "s"
    core = ["traj_id", "t", "lat", "lon"]
    assert eval_columns(s, "predict", None, "time") == core
    assert eval_columns(s, "tte", None, None) == core
    assert eval_columns(s, "predict", None, "user") == [*core, "vehicle_id"]
    assert eval_columns(s, "predict", None, "time", at_report_times=True) == [
        *core, "sog_mps", "cog_deg"]  # fmt: skip
    run = [tmp_path / "run"]
    assert eval_columns(s, "recover", run, "time") == [
        *core,
        "sog_mps",
        "cog_deg",
        "source_traj_id",
    ]
    assert eval_columns(s, "classify", None, "time") is None
    assert eval_columns(s, "predict", None, "time", predictions=["answers.csv"]) is None


@pytest.mark.parametrize(
    ("split_by", "options"),
    [("time", {}), ("user", {}), ("time", {"at_report_times": True}),
     ("time", {"holdout_by": "user"}), ("time", {"task": "recover"}), ("time", {"model": True})],
)  # fmt: skip
def test_eval_reads_fewer_columns_and_gives_the_same_table(
    tmp_path, monkeypatch, split_by, options
):
    """The table from the columns eval_columns names equals the table from every column (the
    seconds and the commit left out)."""
    store = tmp_path / "s"
    write_store(wide_fleet(), store, rows_per_file=150, split_by=split_by)
    task = options.pop("task", "predict")
    models = [tiny_model(tmp_path / "m")] if options.pop("model", False) else None
    seen = []
    read = read_store

    def spy(path, split=None, columns=None):
        seen.append(columns)
        return read(path, split=split, columns=columns)

    monkeypatch.setattr("trajlm.data.store.read_store", spy)
    quiet = Console(quiet=True)
    narrow = run_eval_command(task, store, models, 1, None, quiet, **options)
    monkeypatch.setattr(cli_eval_columns, "eval_columns", lambda *a, **k: None)
    whole = run_eval_command(task, store, models, 1, None, quiet, **options)
    assert seen[0] is not None and "accuracy_m" not in seen[0] and seen[-1] is None
    assert ("vehicle_id" in seen[0]) == ("user" in (split_by, options.get("holdout_by")))
    assert ("source_traj_id" in seen[0]) == (models is not None)
    assert table_without_seconds(narrow) == table_without_seconds(whole)


def test_run_keys_are_traj_keys():
    """table_points' keys from one CRC per trajectory run: traj_keys' np.unique over every
    point's id was eval's peak at 6.1 M fixes; the keys are the same."""
    from trajlm.data.retrieval import run_keys, traj_keys

    ids = pl.Series(["b_0", "b_0", "a_1", "é_2", "é_2", "é_2", "z"])
    assert np.array_equal(run_keys(ids), traj_keys(ids.to_numpy()))
    assert run_keys(ids.head(0)).shape == (0,) and run_keys(ids).dtype == np.int64
