"""leftovers15 item 2: Python datetimes without a zone are read as UTC with one warning per
call that names the column and how to give the zone; aware datetimes and numbers are silent."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import polars as pl
import pytest

from trajlm.data.coerce import coerce


def _frame(n: int = 12) -> pd.DataFrame:
    return pd.DataFrame({"trip_id": ["a"] * n,
                         "timestamp": pd.date_range("2024-05-01 10:00", periods=n, freq="5s"),
                         "lat": 41.15 + np.arange(n) * 1e-4,
                         "lon": -8.61 + np.arange(n) * 1e-4})  # fmt: skip


def _said(fn) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn()
    return [str(w.message) for w in caught if "no time zone" in str(w.message)]


def test_naive_datetimes_are_said_once_naming_the_column():
    said = _said(lambda: coerce(_frame()))
    assert len(said) == 1
    assert "'timestamp'" in said[0] and "read as UTC" in said[0] and "tz_localize" in said[0]
    pl_naive = pl.from_pandas(_frame())
    assert len(_said(lambda: coerce(pl_naive))) == 1


def test_aware_datetimes_and_numbers_are_silent():
    aware = _frame().assign(timestamp=lambda d: d["timestamp"].dt.tz_localize("Europe/Lisbon"))
    assert _said(lambda: coerce(aware)) == []
    epoch = _frame().assign(
        timestamp=lambda d: d["timestamp"].astype("datetime64[s]").astype("int64")
    )
    assert _said(lambda: coerce(epoch)) == []


def test_one_warning_per_api_call():
    from trajlm import TrajLM

    m = TrajLM.from_pretrained("trajlm-small")  # reads no clock: said all the same
    assert len(_said(lambda: m.predict(_frame(), steps=2))) == 1
    gap = _frame()
    gap.loc[4:6, ["lat", "lon"]] = np.nan
    assert len(_said(lambda: m.recover(gap))) == 1


@pytest.mark.parametrize("zone", ["UTC", "Asia/Tokyo"])
def test_localized_input_is_silent_in_the_api(zone):
    from trajlm import TrajLM

    m = TrajLM.from_pretrained("trajlm-small")
    aware = _frame().assign(timestamp=lambda d: d["timestamp"].dt.tz_localize(zone))
    assert _said(lambda: m.predict(aware, steps=2)) == []
