"""review39's splits keep every old import path: the same objects from the old module as from
the new one (as test_review37 / 38 / 38b check theirs). Behaviour before / after was checked
on fixed inputs by scripts/review38/ingest_cases.py, scripts/review39/ingest_api_cases.py,
scripts/review39/eval_cases.py and scripts/review39/same_outputs.py (docs/testing.md "Session 39 (review39)")."""

from __future__ import annotations

import importlib

import pytest

MOVED = [
    # (old module, new module, names)
    ("trajlm.data.ingest", "trajlm.data.ingest_chunks", ["INGEST_LOCAL"]),
    ("trajlm.data.ingest", "trajlm.data.ingest_plan", ["LOCAL_TIME_LAYOUTS"]),
    (
        "trajlm.data.retrieval",
        "trajlm.data.retrieval_vote",
        ["AGGREGATES", "spatial_median", "aggregate_continuations", "median_of_neighbours"],
    ),
    (
        "trajlm.data.retrieval",
        "trajlm.data.retrieval_points",
        ["traj_keys", "run_keys", "table_points", "last_point", "heading"],
    ),
    ("trajlm.cli_eval", "trajlm.cli_eval_checks", ["ALL_TASKS", "check_window_sizes"]),
    ("trajlm.cli_eval", "trajlm.cli_eval_result", ["MIN_SCORED", "WHOLE_DEFINITION"]),
]


@pytest.mark.parametrize(("old", "new", "names"), MOVED, ids=lambda v: str(v)[:40])
def test_old_import_paths_give_the_same_objects(old, new, names):
    old_mod, new_mod = importlib.import_module(old), importlib.import_module(new)
    for name in names:
        assert getattr(old_mod, name) is getattr(new_mod, name), name


def test_the_vote_block_size_lives_where_the_vote_reads_it():
    """GATHER_ITEMS is read by retrieval_vote.median_of_neighbours: it is not re-exported from
    retrieval.py, where patching a copy would silently change nothing (tests patch the vote's)."""
    import trajlm.data.retrieval as retrieval
    import trajlm.data.retrieval_vote as vote

    assert vote.GATHER_ITEMS == 1 << 21
    assert not hasattr(retrieval, "GATHER_ITEMS")


def test_ingest_steps_run_in_order_on_a_small_file(tmp_path):
    """The steps together give the store of before: its reading notes (a label kept whole,
    detected format) and its counts, on a file that reaches the plan's and the chunks' steps."""
    import warnings

    from trajlm.data.ingest import ingest

    rows = ["traj_id,t,lat,lon,label"]
    for k in range(2):
        rows += [f"a{k},{1_600_000_000 + 30 * i},{41.1 + 0.0004 * i},{-8.6 + 0.0003 * k},"
                 f"{'bus' if k else 'walk'}" for i in range(20)]  # fmt: skip
    (tmp_path / "a.csv").write_text("\n".join(rows) + "\n")
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        m = ingest(tmp_path / "a.csv", "auto", tmp_path / "store", chunk_rows=7)
    assert m["reading"] == {"format": "csv", "format_detected": True, "label_column": "label",
                            "whole_labelled": 2}  # fmt: skip
    assert m["n_points"] == 40 and m["n_trajectories"] == 2
    assert m["clean_config"]["max_gap_s"] is None  # kept whole, not split at gaps
    said = [str(w.message) for w in seen]
    assert len(said) == 1 and said[0].startswith("every labelled trajectory carries one class")
    assert seen[0].filename == __file__  # said at the caller's line, through the steps


def test_eval_refuses_an_option_before_reading_the_store(tmp_path):
    """check_eval_options runs first: a bad option is one line even when --data is no store
    (nothing read), as when the checks were inline in run_eval_command."""
    from rich.console import Console

    from trajlm._safety import UserError
    from trajlm.cli_eval import run_eval_command

    with pytest.raises(UserError, match="--seeds must be >= 1, got 0"):
        run_eval_command("predict", tmp_path / "nowhere", None, 0, None, Console())
    with pytest.raises(UserError, match="--shift is implemented for --task predict, not 'tte'"):
        run_eval_command("tte", tmp_path / "nowhere", None, 1, None, Console(),
                         shifts=["clock=+8h"])  # fmt: skip


def test_run_eval_rows_come_from_the_task_rows_module():
    """run_eval's per-task rows live in eval/task_rows.py; protocol.py keeps run_eval and
    its re-exports (TASKS, the tasks' makers, tune_knn, ProjectedBaseline, ...)."""
    import trajlm.eval.protocol as protocol
    import trajlm.eval.task_rows as task_rows

    assert protocol.predict_rows is task_rows.predict_rows
    assert protocol.TASKS == ("predict", "recover", "tte")
    for name in ("make_prediction_task", "make_recovery_task", "tune_knn", "ProjectedBaseline",
                 "split_tables", "_split", "ModelPredictor", "parse_shift"):  # fmt: skip
        assert hasattr(protocol, name), name
