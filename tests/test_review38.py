"""review38: `data_ingest` split into named steps, private names that crossed modules (and that
tests imported) given public ones, data/geo.py split by idea (docs/testing.md "Session 38
(review38)"). Behaviour is unchanged: scripts/review38/ingest_cases.py diffs 73 ingest commands
before / after; these tests hold the old import paths and the steps' translations."""

from __future__ import annotations

import ast
import calendar
import importlib
import re
from pathlib import Path

import pytest
from test_review37 import importers_of

from trajlm._safety import UserError
from trajlm.cli_data_ingest_options import check_options, clean_overrides, column_mapping

ROOT = Path(__file__).resolve().parents[1]

MOVED = {  # new home -> (old module, names still importable there as the same object)
    "trajlm.data.geo_crs": (
        "trajlm.data.geo",
        [
            "INSTALL",
            "WGS84_NAMES",
            "require",
            "LOCAL_CRS",
            "LOCAL_ANCHOR",
            "LOCAL_MAX_M",
            "is_local",
            "is_wgs84",
            "is_geographic",
            "parse_crs",
            "crs_refusal",
            "crs_name",
            "transformer",
            "to_wgs84",
            "from_wgs84",
            "reproject_columns",
            "to_wgs84_each",
        ],
    ),  # fmt: skip
    "trajlm.data.geo_planes": (
        "trajlm.data.geo",
        ["EXTENT_WARN_KM", "AeqdProjection", "local_xy", "check_extent"],
    ),
    "trajlm.data.geo_interop": ("trajlm.data.geo", ["to_geopandas", "write_geoparquet"]),
    "trajlm.cli_data_ingest_options": ("trajlm.cli_data_ingest", ["STOP_DRIFT_MAX_KN"]),
    "trajlm.cli_data_ingest_words": ("trajlm.cli_data", ["ingest_summary", "format_line"]),
}


def test_split_modules_keep_their_old_import_paths():
    for home, (old, names) in MOVED.items():
        new_mod, old_mod = importlib.import_module(home), importlib.import_module(old)
        for name in names:
            assert getattr(old_mod, name) is getattr(new_mod, name), (old, name)


def test_geo_holds_every_public_name_it_held():
    """data/geo.py before the split defined these (d90d52f5); each is still there."""
    import trajlm.data.geo as geo

    held = {n for home, (old, names) in MOVED.items() if old == "trajlm.data.geo" for n in names}
    assert len(held) == 23 and all(hasattr(geo, n) for n in held)


FIXED = {  # home module -> private names other modules (or tests) imported before review38
    "trajlm.data.readers._mf_features": {"_Bad", "_MapMarker", "_NotWgs84", "_PointFeature",
                                         "_crs_error", "_crs_ok", "_features", "_track"},
    "trajlm.data.readers._table_columns": {"_check_columns", "_coord_axes", "_coord_cols",
                                           "_needed", "_present_sources", "_suggest"},
    "trajlm.data.readers.tabular": {"_check_columns", "_coord_cols", "_needed", "_coords",
                                    "_empty", "_fields", "_to_points"},
    "trajlm.data.readers._column_values": {"_fractional", "_header_zone", "_other_ids", "_row_key"},
    "trajlm.data.readers.detect": {"_header"},
    "trajlm.data.readers.layouts": {"_NORTH", "_UTM_ZONE", "_id_sample"},
    "trajlm.data.readers.format_detect": {"_DIR_PATTERNS", "_not_read"},
    "trajlm.data.readers.file_format": {"_TABULAR"},
    "trajlm.data.readers._gis_detect": {"_kml_fields_only"},
    "trajlm.data.readers.gis_files": {"_kml_fields_only"},
    "trajlm.data.zone_names": {"_OFFSET_PARTS"},
    "trajlm.data.readers._row_zones": {"_OFFSET_IN_TEXT"},
    "trajlm.errors": {"_where"},
    "trajlm.data.coerce": {"_FRAC"},
    "trajlm.data.readers._point_text": {"_lon_first"},
    "trajlm.data.readers._coord_forms": {"_AXIS"},
    "trajlm.llm.answer": {"_three_digits"},
    "trajlm.llm.endpoints": {"_name"},
    "trajlm.llm.fleet_words": {"_kind_of"},
    "trajlm.llm.patrol_words": {"_modes_labelled"},
    "trajlm.llm.refusals": {"_GROUP"},
    # names tests imported
    "trajlm.data.coerce_epochs": {"_unit_by_size"},
    "trajlm.questions": {"_read_as"},
    "trajlm.serve.motion": {"_number"},
    "trajlm.api_evaluate": {"_as_keywords", "_asked_times"},
    "trajlm.tasks.recover_bridge": {"_gaps"},
    "trajlm.cli_train_check": {"_check", "_unchecked"},
    "trajlm.data.readers._lake_batches": {"_avro_batches"},
    "trajlm.cli": {"_reach_memory"},
    "trajlm.data.adapters": {"_first_of_each_second"},
    "trajlm.tasks.contrastive": {"_embed_batch"},
    "trajlm.eval.scaled_knn_engine": {"_to_horizon"},
    "trajlm.model.generate": {"_cached_rollout", "_patch_rollout"},
    "trajlm.finetune.trainer": {"_metres_summary"},
    "trajlm.cli_eval_seeds": {"_seed_groups"},
    "trajlm.cli_finetune": {"_finetune_into"},
    "trajlm.api_reach": {"_reach_table"},
}  # fmt: skip


def test_nobody_imports_the_names_made_public():
    assert importers_of(FIXED) == []


def test_data_ingest_is_a_list_of_named_steps():
    """It was one 325-line function; its body now calls the steps (the option list is typer's)."""
    tree = ast.parse((ROOT / "trajlm" / "cli_data_ingest.py").read_text())
    fn = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "data_ingest")
    body = fn.body[1:]  # after the docstring
    assert body[-1].end_lineno - body[0].lineno + 1 <= 40


def test_ingest_options_are_checked_one_line_each():
    base = dict(format="csv", preset="auto", on_error="raise", columns=None, max_speed_mps=None,
                max_gap_s=None, max_hdop=None, max_accuracy_m=None, stop_radius_m=None,
                stop_minutes=None, min_interval=None, stop_drift_kn=None, split_at_stops=False,
                sep=None, utc_offset=None)  # fmt: skip
    check_options(**base)  # nothing wrong: no line
    for wrong, said in [
        ({"format": "bogus"}, "--format: unknown value 'bogus'"),
        ({"max_gap_s": 0.0}, "--max-gap-s must be a finite number > 0"),
        ({"stop_minutes": 5.0}, "need --split-at-stops"),
        ({"stop_drift_kn": 2.5, "split_at_stops": True}, "--stop-drift-kn must be"),
        ({"max_accuracy_m": -1.0}, "--max-accuracy-m must be"),
        ({"sep": ";;"}, "--sep must be one character"),
        ({"utc_offset": float("nan")}, "--utc-offset must be"),
    ]:
        with pytest.raises(UserError, match=re.escape(said)):
            check_options(**(base | wrong))


def test_ingest_options_become_what_ingest_takes():
    none = dict(max_speed_mps=None, max_gap_s=None, max_hdop=None, max_accuracy_m=None,
                min_points=None, min_interval=None, split_at_stops=False, stop_minutes=None,
                stop_radius_m=None, stop_drift_kn=None)  # fmt: skip
    assert clean_overrides(**none) == {}
    stops = clean_overrides(**(none | {"split_at_stops": True, "stop_minutes": 12.0}))
    assert stops == {"stop_min_s": 720.0}
    assert clean_overrides(**(none | {"max_accuracy_m": 0.0})) == {"max_accuracy_m": None}
    drift = clean_overrides(**(none | {"split_at_stops": True, "stop_drift_kn": 0.0}))
    assert drift["stop_drift_mps"] is None  # 0 kn: the box alone
    cols = dict.fromkeys(["traj_col", "time_col", "lat_col", "lon_col", "time_format", "sep",
                          "zip_members", "layer", "pitch_size", "full_rate", "sub_second", "crs",
                          "utc_offset", "tz", "time_origin", "min_year", "label_col"])  # fmt: skip
    assert column_mapping(**cols) == {}
    assert column_mapping(**(cols | {"sub_second": True})) == {"sub_second": True}  # subsec38
    got = column_mapping(**(cols | {"utc_offset": 5.5, "min_year": 2001, "label_col": "mode"}))
    assert got == {"utc_offset_s": 19800, "min_t": calendar.timegm((2001, 1, 1, 0, 0, 0)),
                   "extra": {"label": "mode"}}  # fmt: skip
