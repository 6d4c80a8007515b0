"""review36: typed reasons where the CLI and the API read message text, and private names that
crossed modules given public ones (docs/testing.md "Session 36 (review36)")."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from trajlm._cli_boundary import one_line, out_of_memory
from trajlm.errors import DayMonthGuess, EarlyNumericTimes, TrajlmInputError

ROOT = Path(__file__).resolve().parents[1]


def test_out_of_memory_by_type_first_then_the_cpu_allocators_text():
    torch = pytest.importorskip("torch")
    # an accelerator's allocator: its own type, whatever the text says (main read the text only)
    assert out_of_memory(torch.OutOfMemoryError("XPU allocator: tried to allocate 2.00 GiB"))
    assert out_of_memory(MemoryError())  # NumPy's _ArrayMemoryError is one too
    cpu = RuntimeError(
        "[enforce fail at alloc_cpu.cpp:127] err == 0. DefaultCPUAllocator: can't allocate "
        "memory: you tried to allocate 10000000000000 bytes. Error code 12"
    )
    assert out_of_memory(cpu)  # the last fallback: torch gives this one no type
    assert "9,313.2 GiB asked at once" in one_line(cpu)
    assert not out_of_memory(RuntimeError("mat1 and mat2 shapes cannot be multiplied"))
    assert not out_of_memory(ValueError("out of memory"))  # not an allocator's error


def test_a_real_cpu_allocation_failure_counts():
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError) as e:
        torch.empty(10**15, dtype=torch.uint8)  # a petabyte: refused at once, nothing touched
    assert out_of_memory(e.value)


def test_said_of_moves_the_field_and_keeps_the_rest():
    e = TrajlmInputError("no lat column", field="to", hint="give lat/lon")
    again = e.said_of("order")
    assert str(again) == "field order: no lat column; give lat/lon" and again.field == "order"
    unplaced = TrajlmInputError("empty table").said_of("memory")
    assert str(unplaced) == "field memory: empty table"
    in_file = TrajlmInputError("bad row", path="/x.csv", line=3, field="to")
    assert str(in_file.said_of("order")) == "field order: /x.csv line 3 field to: bad row"


def test_divert_names_its_own_argument_for_a_bad_order():
    import pandas as pd

    import trajlm

    hist = pd.DataFrame({"van": ["a"] * 3, "t": [0, 60, 120], "lat": [41.1, 41.11, 41.12],
                         "lon": [-8.6, -8.61, -8.62]})  # fmt: skip
    with pytest.raises(TrajlmInputError) as e:
        trajlm.divert(hist, pd.DataFrame({"x": [1.0]}))
    assert e.value.field == "order" and str(e.value).startswith("field order: ")


def test_the_cli_rewords_by_type_not_by_text():
    import polars as pl

    from trajlm.data.times import time_column_seconds

    with pytest.raises(DayMonthGuess):
        time_column_seconds(pl.DataFrame({"t": ["02/03/2026 10:00", "04/05/2026 11:00"]}), "t")
    from trajlm.data.schema import check_model_input

    early = pl.DataFrame({"traj_id": ["a", "a"], "t": [10, 20], "lat": [1.0, 1.0],
                          "lon": [2.0, 2.001]})  # fmt: skip
    with pytest.raises(EarlyNumericTimes):
        check_model_input(early)


FIXED = {  # home module -> private names other modules imported (review36)
    "trajlm.data.clean_common": {"_FIRST", "_report", "_check_sorted", "_step_speed_mps"},
    "trajlm.data.segments": {"_FIRST"},
    "trajlm.data.store": {
        "_iso",
        "_check_table",
        "_write_split",
        "_legacy_store",
        "_swap_files_in",
        "_open",
    },
    "trajlm.data.times": {"_time_to_seconds"},
    "trajlm.train.run_dir": {"_legacy_run"},
    "trajlm.eval.frames": {"_PredictsFrames", "_RecoversFrames"},
    "trajlm.model.generate": {"_next_point", "_to_output"},
    "trajlm.objectives.anchors": {"_shift_right", "_shift_left", "_anchors", "_stat"},
    "trajlm.cli_finetune_classify": {
        "_classify_parts",
        "_min_points",
        "_val_check",
        "_score_test",
        "_save_engine",
        "_classify_summary",
    },
    "trajlm.eval.task_scoring": {
        "_Projected",
        "_timed",
        "_recovery_errors",
        "_score_predict",
        "_score_recover",
        "_score_tte",
    },  # fmt: skip
    "trajlm.reason.explain": {
        "_steps",
        "_still_speed",
        "_stop_runs",
        "_when_where",
        "_duration",
        "_distance",
    },  # fmt: skip
    "trajlm.reason.validity_limits": {"_limit_name", "_over_baseline"},
    "trajlm.tasks.classify_labels": {"_refuse_one_class", "_warn_small_classes"},
    "trajlm.eval.candidates": {"_Block", "_pool"},
    "trajlm.eval.dead_reckoning_reports": {"_mistrusted", "_origins"},
    "trajlm.eval.tte_baselines": {"_xy", "_few_threads"},
    "trajlm.eval.baselines": {"_table", "_xy", "_few_threads"},
    "trajlm.eval.protocol": {"_Projected"},
    "trajlm.eval.knn_check": {"_answer"},
    "trajlm.eval.horizon": {"_AtTimes"},
    "trajlm.cli_tasks": {"_model"},
    "trajlm.serve.errors": {"_need", "_handlers"},
    "trajlm.api_inputs": {"_warn_nan", "_latlon", "_od_points", "_seconds_kind"},
    "trajlm.api_predict_verdict": {"_far", "_pv"},
    "trajlm.api_checks": {"_choose_threads"},
    "trajlm.api": {"_choose_threads"},
    "trajlm.data.ingest_columns": {"_labelled"},
    "trajlm.data.synthetic_kinematics": {"_knots", "_legs"},
    "trajlm.data.motion_features": {"_point_kinematics"},
    "trajlm.eval.ratios": {"_ratio"},
    "trajlm.eval.recovery_baselines": {"_known_neighbours"},
    "trajlm.eval.report": {"_clean"},
    "trajlm.eval.tte_residual": {"_check_od"},
    "trajlm.serve.rows": {"_bad", "_is_num", "_table"},
    "trajlm.serve.convert": {"_RECORDING"},
    "trajlm.serve.info": {"_jsonable"},
    "trajlm._safety": {"_pid_alive"},
}


def test_the_names_made_public_are_imported_by_them():
    """Outside the modules other session-36 helpers edit (data/coerce*.py, which keeps the
    old names as aliases), nobody imports the private names these got public ones for."""
    found = []
    for folder in ("trajlm", "tests", "scripts", "bench"):
        for f in (ROOT / folder).rglob("*.py"):
            rel = f.relative_to(ROOT).as_posix()
            if rel.startswith("trajlm/data/coerce"):
                continue
            for node in ast.walk(ast.parse(f.read_text())):
                if isinstance(node, ast.ImportFrom) and node.module in FIXED:
                    found += [f"{rel}:{node.lineno} {a.name}" for a in node.names
                              if a.name in FIXED[node.module]]  # fmt: skip
    assert found == []


def test_split_modules_keep_their_old_import_paths():
    """Files past ~400 lines split along their ideas (review36): every moved name is still
    importable where it was, as the same object (monkeypatching the old path still works)."""
    import trajlm.cli_data as cli_data
    import trajlm.cli_data_ingest as ingest
    import trajlm.data.store as store
    import trajlm.data.store_read as store_read
    import trajlm.eval.eval_splits as eval_splits
    import trajlm.eval.knn_tune as knn_tune
    import trajlm.eval.protocol as protocol
    import trajlm.eval.radii_bins as radii_bins
    import trajlm.eval.radii_regime as radii_regime
    import trajlm.model.coverage as coverage
    import trajlm.model.coverage_card as coverage_card
    import trajlm.model.coverage_clock as coverage_clock

    moved = {
        ingest: (cli_data, ["data_ingest", "ingest_summary", "format_line", "FORMAT_HELP"]),
        store_read: (store, ["read_store", "open_store", "load_manifest", "verify_store",
                             "inspect_store", "iter_store_batches", "store_zone", "is_store"]),
        eval_splits: (protocol, ["split_tables", "parse_shift", "shift_clock", "make_tte_task"]),
        knn_tune: (protocol, ["tune_knn"]),
        coverage_card: (coverage, ["load_coverage"]),
        coverage_clock: (coverage, ["clock_warnings", "sampled_seen", "WEEKDAYS"]),
        radii_regime: (radii_bins, ["regime", "seconds"]),
    }  # fmt: skip
    for home, (old, names) in moved.items():
        for name in names:
            assert getattr(old, name) is getattr(home, name), (old.__name__, name)
    assert protocol._split is protocol.split_tables  # past sessions' scripts import _split
