"""Session 16 (movers2), item 2: naive local times across a DST fall-back are never re-sorted
silently in the Python API: refused without ``tz=``, read like ingest's ``--tz`` with it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from trajlm.data.coerce import coerce
from trajlm.errors import TrajlmInputError


def _oslo(n: int = 10) -> pd.DataFrame:
    """n fixes 1 min apart heading north across the Oslo fall-back (02:59 CEST, 02:00 CET...)."""
    t = pd.date_range("2025-10-26 00:59:00", periods=n, freq="1min", tz="UTC")
    return pd.DataFrame({"id": "x", "timestamp": t.tz_convert("Europe/Oslo"),
                         "lat": 60 + np.arange(n) * 1e-3, "lon": 10.0})  # fmt: skip


def _naive(df: pd.DataFrame) -> pd.DataFrame:
    return df.assign(timestamp=df.timestamp.dt.tz_localize(None))


def test_naive_fall_back_without_zone_is_refused_in_one_line():
    with pytest.raises(TrajlmInputError) as e:
        coerce(_naive(_oslo()))
    msg = str(e.value)
    assert "go back 0:59:00 within trajectory 'x' at row 1" in msg, msg
    assert "02:59:00 -> 2025-10-26 02:00:00" in msg and "tz='Europe/Oslo'" in msg, msg
    assert "\n" not in msg


def test_naive_fall_back_with_zone_reads_as_the_aware_times():
    aware, _ = coerce(_oslo())
    df, layout = coerce(_naive(_oslo()), tz="Europe/Oslo")
    assert df["t"].to_list() == aware["t"].to_list()
    assert np.all(np.diff(df["lat"].to_numpy()) > 0)  # still heading north, in caller order
    assert layout.time_zone == "Europe/Oslo"  # results come back aware: no new ambiguity


def test_the_second_pass_of_the_repeated_hour_alone_reads_earliest_like_ingest():
    t = pd.date_range("2025-10-26 02:10", periods=5, freq="1min")  # naive, in the repeated hour
    df = pd.DataFrame({"id": "y", "timestamp": t, "lat": 60.0, "lon": 10.0})
    out, _ = coerce(df, tz="Europe/Oslo")
    first = pd.Timestamp("2025-10-26 02:10").tz_localize("Europe/Oslo", ambiguous=True)
    assert str(first.tzname()) == "CEST"
    expect = int(first.timestamp())
    assert out["t"][0] == expect


def test_shuffled_naive_rows_are_still_sorted_and_interleaved_tracks_name_their_rows():
    base = pd.DataFrame({"id": "z", "timestamp": pd.date_range("2025-06-01", periods=12,
                         freq="1min"), "lat": 50.0, "lon": 5.0})  # fmt: skip
    shuffled = base.sample(frac=1.0, random_state=0)
    out, _ = coerce(shuffled)
    assert out["t"].is_sorted()
    two = pd.concat([_naive(_oslo()), base]).sort_index(kind="stable")  # rows interleaved
    with pytest.raises(TrajlmInputError, match=r"trajectory 'x' at row 2 \(2025-10-26 02:59"):
        coerce(two)


def test_zone_errors_are_one_line():
    gap = pd.DataFrame({"id": "g", "timestamp": pd.to_datetime(["2025-03-30 01:59",
                        "2025-03-30 02:30"]), "lat": 60.0, "lon": 10.0})  # fmt: skip
    with pytest.raises(TrajlmInputError, match=r"row 1: .*does not exist in Europe/Oslo: "
                       r"clocks went forward from 02:00 to 03:00"):  # fmt: skip
        coerce(gap, tz="Europe/Oslo")
    unix = pd.DataFrame({"id": "u", "t": [1.7e9, 1.7e9 + 5], "lat": 60.0, "lon": 10.0})
    with pytest.warns(UserWarning, match="tz='Europe/Oslo' did not move them"):  # fix36: kept
        assert coerce(unix, tz="Europe/Oslo")[1].named_zone == "Europe/Oslo"
    with pytest.raises(TrajlmInputError, match="not a time zone"):
        coerce(_naive(_oslo()), tz="Europe/Nowhere")


def test_the_api_takes_tz():
    from trajlm._arguments import check_keywords
    from trajlm.api import PREDICT_KEYWORDS

    check_keywords("TrajLM.predict", {"tz": "Europe/Oslo"}, PREDICT_KEYWORDS)  # no error


def test_a_row_seconds_out_of_order_is_sorted_not_refused():
    # an AIS feed in receive order or a logger's retransmission: ordinary, sorted as before
    t = pd.date_range("2025-10-26 01:00", periods=30, freq="10s")
    df = pd.DataFrame({"id": "v", "timestamp": t, "lat": 60 + np.arange(30) * 1e-4, "lon": 10.0})
    df = df.iloc[[0, 1, 3, 2, *range(4, 30)]]  # one report 10 s late
    out, _ = coerce(df)
    assert out["t"].is_sorted() and out.height == 30
