"""review37: files past ~400 lines split along their ideas, private names that crossed modules
given public ones, store_zone's unreachable copy removed (docs/testing.md "Session 37
(review37)")."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

MOVED = {  # new home -> (old module, names still importable there as the same object)
    "trajlm.question_extras": ("trajlm.questions", []),
    "trajlm.ask_keywords": ("trajlm.questions", ["COLUMN_KEYS", "keyword_columns"]),
    "trajlm.data.ingest_cleaning": (
        "trajlm.data.ingest",
        ["FORMAT_PRESET", "SOURCE_OVERRIDES", "check_overrides", "clean_config"],
    ),
    "trajlm._cli_config": (
        "trajlm._cli_io",
        ["load_config", "toml_section", "selector_network", "config_numbers", "configs_from"],
    ),
    "trajlm._safety": ("trajlm._cli_io", ["must_exist"]),
    "trajlm.api_asked_times": (
        "trajlm.api_inputs",
        ["asked_ahead", "seconds_and_kind", "utc_seconds", "checked_seconds_ahead", "MAX_AHEAD_S"],
    ),
    "trajlm.eval.answer_queries": (
        "trajlm.eval.own_answers",
        [
            "window_ids",
            "scored_task",
            "prediction_queries",
            "recovery_variants",
            "gap_ids",
            "recovery_queries",
            "asks_path",
            "write_table",
        ],
    ),  # fmt: skip
    "trajlm.cli_data_ingest_words": ("trajlm.cli_data_ingest", ["ingest_summary", "format_line"]),
    "trajlm.data.coerce_points": (
        "trajlm.data.coerce_shapes",
        ["split_point", "pack_point", "point_for_file", "one_item_points"],
    ),
}


def test_split_modules_keep_their_old_import_paths():
    for home, (old, names) in MOVED.items():
        new_mod, old_mod = importlib.import_module(home), importlib.import_module(old)
        for name in names:
            assert getattr(old_mod, name) is getattr(new_mod, name), (old, name)


FIXED = {  # home module -> private names other modules imported before review37
    "trajlm.data.readers._headers": {"_geometry", "_binary_file"},
    "trajlm.data.readers.detect": {"_dir_format", "_file_format"},
    "trajlm.data.readers.file_format": {"_first_line", "_csv_format", "_mixed_tracks"},
    "trajlm.data.readers._time_columns": {
        "_OFFSET_NAMES",
        "_DAY_FIRST_WORDS",
        "_LOCAL_TIMES",
        "_ZONE_NAMES",
    },  # fmt: skip
    "trajlm.data.readers._times": {"_slashed"},
    "trajlm.data.readers.gpx": {"_frame"},
    "trajlm.data.readers._sources": {"_check_member"},
    "trajlm.data.readers._lines": {"_check_member"},
    "trajlm.data.readers._tabular_times": {
        "_time_expr",
        "_local_times",
        "_zone_reader",
        "_time_hint",
    },  # fmt: skip
    "trajlm.data.readers.format_detect": {"_dir_format"},
    "trajlm.data.coerce": {"_pick", "_time_to_seconds"},
    "trajlm.data.store": {"_is_store"},
    "trajlm.llm.vehicles": {"_is_kind", "_SEA_LABELS"},
    "trajlm.data.column_names": {"_words"},
    "trajlm.api_inputs": {"_ahead", "_seconds", "_key_text"},
}


def importers_of(fixed: dict[str, set[str]]) -> list[str]:
    """`file:line name` of each `from MODULE import name` of `fixed`'s names in the repo."""
    found = []
    for folder in ("trajlm", "tests", "scripts", "bench"):
        for f in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(f.read_text())):
                if isinstance(node, ast.ImportFrom) and node.module in fixed:
                    found += [f"{f.relative_to(ROOT)}:{node.lineno} {a.name}" for a in node.names
                              if a.name in fixed[node.module]]  # fmt: skip
    return found


def test_nobody_imports_the_names_made_public():
    assert importers_of(FIXED) == []


def test_no_statement_follows_a_return_at_a_functions_top_level():
    """leftover37's merge left a second copy of store_zone's body after its `return None`."""
    dead = []
    for f in (ROOT / "trajlm" / "data").glob("store*.py"):
        for node in ast.walk(ast.parse(f.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                body = node.body
                ends = [i for i, s in enumerate(body) if isinstance(s, ast.Return)]
                if ends and ends[0] < len(body) - 1:
                    dead.append(f"{f.name}:{body[ends[0] + 1].lineno} ({node.name})")
    assert dead == []
