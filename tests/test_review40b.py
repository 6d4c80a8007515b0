"""review40b moved one idea out of each of five files at the 400-line cap, code unchanged
(docs/testing.md "Session 40 (review40b)"): the names re-exported from their old modules are the
moved objects themselves, so an old import reads the same code as a new one."""

from __future__ import annotations

from collections import Counter

import pytest


@pytest.mark.parametrize(
    "old, new, names",
    [
        ("trajlm.data.schema", "trajlm.data.drop_report", ("DropReport", "SHAPING")),
        ("trajlm.data.column_names", "trajlm.data.column_spelling", ("normalised", "column_words")),
        (
            "trajlm.data.readers.tabular",
            "trajlm.data.readers._table_points",
            ("table_coords", "to_points", "column_fields"),
        ),  # fmt: skip
    ],
)
def test_a_moved_name_is_the_same_object_from_its_old_module(old, new, names):
    import importlib

    before, after = importlib.import_module(old), importlib.import_module(new)
    for name in names:
        assert getattr(before, name) is getattr(after, name), f"{old}.{name}"


def test_the_moved_pieces_answer_as_before():
    from trajlm.data.column_names import column_words, find_columns, normalised
    from trajlm.data.schema import DropReport
    from trajlm.serve.model_times import as_seconds, sub_second

    assert normalised("# Latitude [°]") == "latitude"
    assert column_words("pubMillis") == ["pub", "millis"]
    assert find_columns("lat", ["id", "GPS Latitude (deg)"]) == ["GPS Latitude (deg)"]
    report = DropReport(10, Counter({"thinned": 3, "bad_lat": 1}))
    assert (report.total, report.bad, report.rows_kept) == (4, 1, 6)
    import polars as pl

    half = pl.DataFrame({"t": [1_600_000_000.0, 1_600_000_000.5]})
    assert sub_second(half) and not sub_second(as_seconds(half))
    assert as_seconds(half)["t"].to_list() == [1_600_000_000, 1_600_000_000]
