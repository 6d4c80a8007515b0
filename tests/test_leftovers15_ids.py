"""leftovers15 item 3: the gap split renames every trip "ID_k" (also when it is not split);
the user's own id is kept beside it in ``source_traj_id`` (an additive column: ids, order and
sampling unchanged) through clean, the store, the API's results and `trajlm predict`."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import polars as pl

from trajlm.data.clean import SOURCE_ID, CleanConfig, clean
from trajlm.data.store import read_store

T0 = 1714557600


def _trips() -> pd.DataFrame:
    rows = []
    for trip, gap_at in ((17, None), (42, 8)):  # trip 42 has a 2 h silence after 8 points
        for i in range(16):
            t = T0 + 10 * i + (7200 if gap_at is not None and i >= gap_at else 0)
            rows.append((trip, t, 41.15 + 1e-4 * i, -8.61 + 1e-4 * i))
    return pd.DataFrame(rows, columns=["trip_id", "t", "lat", "lon"])


def test_clean_keeps_the_users_id():
    out, _ = clean(_trips(), CleanConfig(max_gap_s=1800, min_points=2))
    assert sorted(out["trip_id"].unique()) == ["17_0", "42_0", "42_1"]  # as before
    assert out[SOURCE_ID].dtype == np.int64  # the user's dtype
    pairs = dict(zip(out["trip_id"], out[SOURCE_ID], strict=True))
    assert pairs == {"17_0": 17, "42_0": 42, "42_1": 42}
    again, _ = clean(pl.from_pandas(out).rename({"trip_id": "traj_id"}).with_columns(
        pl.col(SOURCE_ID).cast(pl.Utf8)), CleanConfig(max_gap_s=1800))  # fmt: skip
    assert set(again[SOURCE_ID].unique()) == {"17", "42"}  # cleaning twice: still the user's


def _store(tmp_path):
    from trajlm.data.ingest import ingest

    src = tmp_path / "trips.csv"
    _trips().rename(columns={"trip_id": "traj_id"}).to_csv(src, index=False)
    ingest(src, "csv", tmp_path / "st", preset="default")
    return tmp_path / "st"


def test_store_and_old_stores(tmp_path):
    df = read_store(_store(tmp_path))
    assert dict(zip(df["traj_id"], df[SOURCE_ID], strict=True))["42_1"] == "42"
    old = read_store("/tmp/stores/porto", split="val") if __import__("os").path.isdir(
        "/tmp/stores/porto") else None  # fmt: skip
    assert old is None or SOURCE_ID not in old.columns  # a store of before loads as it was


def test_api_and_cli_predict_carry_the_users_id(tmp_path):
    from typer.testing import CliRunner

    from trajlm import TrajLM
    from trajlm.cli import app

    store = _store(tmp_path)
    warnings.simplefilter("ignore")
    pts = read_store(store).drop("split")
    pred = TrajLM.from_pretrained("trajlm-small").predict(pts, steps=2)
    assert set(zip(pred["traj_id"], pred[SOURCE_ID], strict=True)) == {
        ("17_0", "17"), ("42_0", "42"), ("42_1", "42")}  # fmt: skip
    out = tmp_path / "p.csv"
    res = CliRunner().invoke(app, ["predict", "--model", "trajlm-small", "--input", str(store),
                                   "--split", "all", "--out", str(out), "--steps", "1"])  # fmt: skip
    assert res.exit_code == 0, res.output
    got = pl.read_csv(out, schema_overrides={SOURCE_ID: pl.Utf8})
    assert SOURCE_ID in got.columns and set(got[SOURCE_ID]) <= {"17", "42"}
