"""to_text / encode times: datetimes (any unit, tz-aware or naive) read as the API reads them,
and sub-second times: whole seconds, with one warning (newuser5 items 3 and 4)."""

from __future__ import annotations

import warnings

import polars as pl
import pytest

from trajlm.llm.text import ENCODINGS, encode, from_text, to_text

T0 = 1_710_750_600  # 2024-03-18T08:30:00Z


def _frame(t) -> pl.DataFrame:
    return pl.DataFrame({"traj_id": ["a"] * 4, "t": t, "lat": [41.15, 41.1501, 41.1502, 41.1503],
                         "lon": [-8.61, -8.6101, -8.6102, -8.6103]})  # fmt: skip


@pytest.mark.parametrize("unit", ["ms", "us", "ns"])
@pytest.mark.parametrize("zone", [None, "UTC", "Europe/Lisbon"])
def test_datetimes_are_read_as_the_api_reads_them(unit, zone):
    seconds = _frame([T0 + 15 * i for i in range(4)])
    t = pl.from_epoch(seconds["t"], time_unit="s").cast(pl.Datetime(unit))
    if zone is not None:
        t = t.dt.replace_time_zone("UTC").dt.convert_time_zone(zone)
    df = seconds.with_columns(t.alias("t"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # whole seconds: no warning
        for enc in ENCODINGS:
            assert to_text(df, enc)["text"].to_list() == to_text(seconds, enc)["text"].to_list()
    back = from_text(to_text(df, "fixed")["text"][0], "fixed")
    assert back["t"].to_list() == seconds["t"].to_list()


def test_sub_second_times_warn_once_and_keep_whole_seconds():
    floats = _frame([T0 + 0.5 + 15 * i for i in range(4)])
    micro = floats.with_columns(pl.from_epoch((pl.col("t") * 1e6).cast(pl.Int64), time_unit="us"))
    for df in (floats, micro):
        with pytest.warns(UserWarning, match="parts of a second") as caught:
            out = to_text(df, "delta")
        assert len([w for w in caught if "parts of a second" in str(w.message)]) == 1
        back = from_text(out["text"][0], "delta")
        assert back["t"].to_list() == [T0 + 15 * i for i in range(4)]  # rounded down


def test_encode_takes_datetime64_arrays():
    t = pl.from_epoch(pl.Series([T0, T0 + 15]), time_unit="s").cast(pl.Datetime("us")).to_numpy()
    assert encode(t, [41.15, 41.1501], [-8.61, -8.6101]).startswith("2024-03-18T08:30:00Z")
