"""leftovers15 item 4: a class column named label / mode / transport_mode / activity is kept as
the store's label without --label-col (Python ingest and the CLI), said in the summary; an
explicit --label-col still wins."""

from __future__ import annotations

import pandas as pd
import pytest

from trajlm.data.ingest import ingest
from trajlm.data.store import read_store


def _csv(tmp_path, name: str, extra: dict | None = None):
    rows = [(trip, 1714557600 + 10 * i, 41.15 + 1e-4 * i, -8.61 + 1e-4 * i)
            for trip in ("a", "b") for i in range(12)]  # fmt: skip
    df = pd.DataFrame(rows, columns=["traj_id", "t", "lat", "lon"])
    df[name] = df["traj_id"].map({"a": "walk", "b": "bus"})
    for k, v in (extra or {}).items():
        df[k] = v
    path = tmp_path / "in.csv"
    df.to_csv(path, index=False)
    return path


@pytest.mark.parametrize("name", ["label", "mode", "Transport Mode", "activity"])
def test_common_class_names_are_kept_as_label(tmp_path, name):
    m = ingest(_csv(tmp_path, name), "csv", tmp_path / "st")
    assert m["reading"]["label_column"] == name
    df = read_store(tmp_path / "st")
    assert set(df["label"].unique()) == {"walk", "bus"}


def test_explicit_label_col_wins(tmp_path):
    path = _csv(tmp_path, "mode", extra={"kind": "x"})
    m = ingest(path, "csv", tmp_path / "st", column_map={"extra": {"label": "kind"}})
    assert "label_column" not in m["reading"]
    assert read_store(tmp_path / "st")["label"].unique().to_list() == ["x"]


def test_cli_says_which_column_was_taken(tmp_path):
    from typer.testing import CliRunner

    from trajlm.cli import app

    res = CliRunner().invoke(app, ["data", "ingest", str(_csv(tmp_path, "mode")), "--out",
                                   str(tmp_path / "st")])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "label: 'mode' kept as the store's label" in " ".join(res.output.split())
