"""leftovers15 item 1: sub-second input times (1-10 Hz loggers, .2 s stamps) come back exact
from predict / recover / at_times / the CLI, not floored to the second; whole-second input
gives the same results as before (integer times, same values)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import polars as pl
import pytest

from trajlm.data.coerce import coerce
from trajlm.data.coerce_out import exact_times, from_canonical
from trajlm.data.times import sub_seconds, text_style, times_as_text

T0 = 1714557600  # 2024-05-01T10:00:00Z


def _track(frac: float = 0.2, n: int = 20, dt: float = 2.0) -> pl.DataFrame:
    return pl.DataFrame({"traj_id": ["a"] * n, "t": T0 + frac + np.arange(n) * dt,
                         "lat": 41.15 + np.arange(n) * 1e-4,
                         "lon": -8.61 + np.arange(n) * 1e-4})  # fmt: skip


@pytest.fixture(scope="module")
def small():
    from trajlm import TrajLM

    return TrajLM.from_pretrained("trajlm-small")


def test_sub_seconds_of_each_time_kind():
    assert sub_seconds(pl.DataFrame({"t": [1.0, 2.0]}), "t") is None
    assert sub_seconds(pl.DataFrame({"t": [1, 2]}), "t") is None
    f = sub_seconds(pl.DataFrame({"t": [10.25, 11.5]}), "t")
    assert f.to_list() == pytest.approx([0.25, 0.5])
    iso = pl.DataFrame({"t": ["2024-05-01T10:00:00.200Z", "2024-05-01T10:00:01.200Z"]})
    assert sub_seconds(iso, "t").to_list() == pytest.approx([0.2, 0.2])
    dt = pl.DataFrame({"t": pd.to_datetime(["2024-05-01 10:00:00.4", "2024-05-01 10:00:01.0"])})
    assert sub_seconds(dt, "t").to_list() == pytest.approx([0.4, 0.0])


def test_exact_times_puts_the_fraction_back():
    df, layout = coerce(_track())
    assert df["t"].dtype == pl.Int64 and df["t"][0] == T0  # the model reads whole seconds
    pred = pl.DataFrame({"traj_id": ["a", "a"], "step": [1, 2], "t": [T0 + 40, T0 + 45]})
    out = exact_times(pred, layout)
    assert out["t"].to_list() == pytest.approx([T0 + 40.2, T0 + 45.2])  # after the last fix
    back = from_canonical(df, layout=layout)
    assert back["t"].to_list() == pytest.approx(_track()["t"].to_list())  # rows of the input


def test_whole_second_input_is_unchanged():
    df, layout = coerce(_track(frac=0.0).with_columns(pl.col("t").cast(pl.Int64)))
    assert layout.frac is None
    pred = pl.DataFrame({"traj_id": ["a"], "step": [1], "t": [T0 + 40]})
    assert exact_times(pred, layout).equals(pred)


def test_iso_text_written_to_the_millisecond():
    s = pl.Series(["2024-05-01T10:00:00.200Z"])
    style = text_style(s, pl.Series(["a"]), pl.Series([T0]))
    out = times_as_text(pl.Series([T0 + 10.2]), pl.Series(["a"]), style)
    assert out.to_list() == ["2024-05-01T10:00:10.200Z"]
    whole = times_as_text(pl.Series([T0 + 10]), pl.Series(["a"]), style)
    assert whole.to_list() == ["2024-05-01T10:00:10Z"]


def test_predict_and_recover_keep_sub_second_times(small):
    warnings.simplefilter("ignore")
    tr = _track()
    p = small.predict(tr, seconds_ahead=[5, 10])
    assert p["t"].to_list() == pytest.approx([T0 + 38.2 + 5, T0 + 38.2 + 10])
    p = small.predict(tr, steps=2)
    assert np.allclose(p["t"].to_numpy() % 1, 0.2)
    p = small.predict(tr, at_times=[T0 + 40.7, T0 + 43.0])
    assert p["t"].to_list() == pytest.approx([T0 + 40.7, T0 + 43.0])
    gap = tr.with_columns(lat=pl.when(pl.int_range(20).is_between(5, 8)).then(None)
                          .otherwise(pl.col("lat")))  # fmt: skip
    r = small.recover(gap)
    assert r["t"].to_list() == pytest.approx(tr["t"].to_list())
    pdf = tr.to_pandas().assign(t=pd.to_datetime(tr["t"].to_numpy(), unit="s", utc=True))
    p = small.predict(pdf, steps=1)
    assert p["t"].iloc[0].microsecond == 200_000


def test_whole_second_predictions_bit_identical(small):
    warnings.simplefilter("ignore")
    tr = _track(frac=0.0).with_columns(pl.col("t").cast(pl.Int64))
    p = small.predict(tr, at_times=[T0 + 40, T0 + 43])
    assert p["t"].dtype == pl.Int64 and p["t"].to_list() == [T0 + 40, T0 + 43]
    q = small.predict(tr, seconds_ahead=[2, 5])
    assert q["t"].dtype == pl.Int64


def test_cli_predict_writes_sub_second_times(tmp_path):
    from typer.testing import CliRunner

    from trajlm.cli import app

    src = tmp_path / "in.csv"
    _track().with_columns(t=pl.from_epoch((pl.col("t") * 1e6).round().cast(pl.Int64), "us")
                          .dt.strftime("%Y-%m-%dT%H:%M:%S%.3fZ")).write_csv(src)  # fmt: skip
    out = tmp_path / "p.csv"
    res = CliRunner().invoke(app, ["predict", "--model", "trajlm-small", "--input", str(src),
                                   "--out", str(out), "--steps", "2"])  # fmt: skip
    assert res.exit_code == 0, res.output
    ts = pl.read_csv(out)["t"].to_list()
    assert all(t.endswith(".200Z") for t in ts), ts
