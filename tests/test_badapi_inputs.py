"""What the adversarial-input tester (badapi) found in the data a user passes, now refused with
one ``trajlm.errors`` line: a missing position in ``to_text`` (it wrote an int64 overflow),
``to_text`` on any frame, ``trajlm.ask`` on a path that is not a store (a bare StopIteration),
boolean coordinates (read as 0/1 degrees), HTTP traj_id 1 and "1" (merged into one trajectory)
and µs / ns epochs (told to divide by 1000). docs/reliability.md, "Session 13 (badfix)"."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import polars as pl
import pytest
from reliability_helpers import PORTO_T0, two_porto_trips

import trajlm
from trajlm.errors import MissingFileError, TrajlmInputError
from trajlm.llm.text import ENCODINGS, to_text

T0 = PORTO_T0


_g = two_porto_trips


# ------------------------------------------------------------------ 1: to_text, missing position
@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("col", ["lat", "lon", "t"])
@pytest.mark.parametrize("missing", [None, float("nan")])
def test_to_text_refuses_a_missing_position(encoding, col, missing):
    c = trajlm.to_canonical(_g())
    if col == "t" and missing is not None:
        c = c.with_columns(pl.col("t").cast(pl.Float64))
    bad = c.with_columns(pl.when(pl.int_range(pl.len()) == 3).then(missing).otherwise(pl.col(col))
                         .alias(col))  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy RuntimeWarning on the way
        with pytest.raises(
            TrajlmInputError, match=rf"{col} is missing at row 3 of trajectory 'T0'"
        ):
            to_text(bad, encoding)


def test_to_text_refuses_missing_positions_in_a_users_frame():
    g = _g()
    g.loc[3, "latitude"] = np.nan
    before = g.copy()
    with pytest.raises(TrajlmInputError, match=r"missing value .* row 3, trip_id 'T0'"):
        to_text(g, "delta")  # predict's line
    pd.testing.assert_frame_equal(g, before)  # the input is never modified


def test_to_text_takes_the_frames_the_rest_of_the_api_takes():
    g = _g()
    want = to_text(trajlm.to_canonical(g), "delta")["text"].to_list()
    assert to_text(g, "delta")["text"].to_list() == want  # pandas, the caller's names
    assert to_text(pl.from_pandas(g), "delta")["text"].to_list() == want  # Polars
    assert to_text(pl.from_pandas(g).lazy(), "delta")["text"].to_list() == want  # LazyFrame
    renamed = g.rename(columns={"trip_id": "car"})
    assert to_text(renamed, "delta", traj_col="car")["text"].to_list() == want
    with pytest.raises(TypeError, match=r"to_text\(\) .* 'trajcol'; did you mean traj_col="):
        to_text(renamed, "delta", trajcol="car")
    with pytest.raises(TrajlmInputError, match="no file or folder 'abc'"):  # a str is a path
        to_text("abc")
    for junk in (None, [1, 2]):
        with pytest.raises(TrajlmInputError, match="cannot read"):
            to_text(junk)


@pytest.mark.parametrize("precision", [-1, 10, 50, 2.5, True])
def test_to_text_precision_is_0_to_9(precision):
    with pytest.raises(TrajlmInputError, match="precision"):
        to_text(trajlm.to_canonical(_g()), "fixed", precision)
    assert "41.150000000" in to_text(trajlm.to_canonical(_g()), "fixed", 9)["text"][0]


# ------------------------------------------------------------------ 3: ask on a non-store path
def test_ask_on_a_path_that_is_not_a_store_says_so(tmp_path):
    csv = tmp_path / "points.csv"
    _g().to_csv(csv, index=False)
    store = tmp_path / "store"
    (store / "points" / "split=train").mkdir(parents=True)
    (store / "manifest.json").write_text(json.dumps({"n_points": 0}))
    (store / "points" / "split=train" / "part-0.parquet").write_bytes(b"")
    cases = {
        tmp_path / "nope": "no such path",
        tmp_path: "trajlm data ingest",
        csv: "a file, not a store",
        store / "manifest.json": "give the store folder",
    }
    for path, words in cases.items():
        for given in (path, str(path)):
            with pytest.raises(MissingFileError, match="is not a trajlm store") as e:
                trajlm.ask("how many trips?", given)
            assert words in str(e.value) and "\n" not in str(e.value)
            assert isinstance(e.value, FileNotFoundError | ValueError)


# ------------------------------------------------------------------ 4: boolean coordinates
@pytest.mark.parametrize("col", ["latitude", "longitude"])
def test_boolean_coordinates_are_refused(col):
    g = _g()
    g[col] = g[col] > g[col].median()
    with pytest.raises(TrajlmInputError, match=rf"column '{col}' is boolean"):
        trajlm.to_canonical(g)
    with pytest.raises(TrajlmInputError, match="is boolean"):
        trajlm.to_canonical(pl.from_pandas(g))
    with pytest.raises(TrajlmInputError, match="is boolean"):
        trajlm.check_validity(g)
    with pytest.raises(TrajlmInputError, match="is boolean"):
        trajlm.baselines.ConstantVelocity().predict(g, steps=2)


def test_boolean_times_are_refused():
    g = _g().assign(timestamp=lambda d: d.latitude > 41.151)
    with pytest.raises(TrajlmInputError, match="Boolean"):
        trajlm.to_canonical(g)


# ------------------------------------------------------------------ 12: µs / ns epochs
@pytest.mark.parametrize(("scale", "words"), [
    (1e3, "milliseconds: divide by 1000"), (1e6, "microseconds: divide by 1e6"),
    (1e9, "nanoseconds: divide by 1e9")])  # fmt: skip
def test_epoch_unit_hint_follows_the_magnitude(scale, words):
    """Session 19: Unix numbers of one unit's 1990-2100 range are read in that unit (said in
    a warning, as ingest reads files); the hint stays for numbers that are no date in it."""
    g = _g().assign(timestamp=(T0 + 15.0 * np.arange(16)) * scale)
    with pytest.warns(UserWarning, match=words.split(":")[0]):
        table = trajlm.to_canonical(g)
    assert table["t"].to_list()[:2] == [int(T0), int(T0) + 15]
    with pytest.raises(TrajlmInputError, match=words):  # 1976 in that unit: no date by size
        trajlm.to_canonical(g.assign(timestamp=(2e8 + 15.0 * np.arange(16)) * scale))


# ------------------------------------------------------------------ 6, 12 over HTTP
@pytest.fixture(scope="module")
def client():
    pytest.importorskip("fastapi")
    pytest.importorskip("httpx")
    from fastapi.testclient import TestClient
    from helpers import STATS

    from trajlm.model import ModelConfig, TrajectoryModel
    from trajlm.serve import create_app

    cfg = ModelConfig(d_model=16, n_layers=1, n_heads=2, max_len=16, stats=STATS)
    with TestClient(create_app(trajlm.TrajLM(TrajectoryModel(cfg), threads=1))) as c:
        yield c


def _rows(tid, t0=T0, scale=1.0):
    return [{"traj_id": tid, "t": (t0 + 15 * i) * scale, "lat": 41.15 + 0.0002 * i,
             "lon": -8.61 + 0.0001 * i} for i in range(6)]  # fmt: skip


def test_http_refuses_traj_id_1_and_string_1(client):
    r = client.post("/predict", json={"steps": 2, "trajectories": _rows(1) + _rows("1")})
    assert r.status_code == 422, r.text
    assert "traj_id mixes value types (int, str" in r.json()["error"]
    ok = client.post("/predict", json={"steps": 2, "trajectories": _rows(1) + _rows(2)})
    assert ok.status_code == 200, ok.text
    assert ok.json()["n_trajectories"] == 2


@pytest.mark.parametrize(("scale", "words"), [(10**6, "microseconds"), (10**9, "nanoseconds")])
def test_http_epoch_unit_hint(client, scale, words):
    # since session 20 (httpuser20) read by their size, as the Python API reads them (they
    # were refused with "divide by 1e6" / "1e9"); the answer says so and keeps the unit
    r = client.post("/predict", json={"steps": 2, "trajectories": _rows("a", scale=scale)})
    assert r.status_code == 200, r.text
    assert any(words in w for w in r.json()["warnings"]), r.json()
    # the same rows in seconds give the same instant (an untrained model: its step is not 15 s)
    base = client.post("/predict", json={"steps": 2, "trajectories": _rows("a")}).json()
    assert r.json()["points"][0]["t"] == pytest.approx(base["points"][0]["t"] * scale, abs=scale)
