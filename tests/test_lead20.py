"""The lead's fixes of session 20 (findings the helpers listed outside their files)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import trajlm


def _porto_trip(n: int = 20) -> pd.DataFrame:
    k = np.arange(n)
    return pd.DataFrame({"traj_id": 1, "t": 1_372_636_800 + 15 * k,
                         "lat": 41.15 + 0.0003 * k, "lon": -8.61 + 0.0004 * k})  # fmt: skip


def test_swapped_lat_lon_named_for_a_model_of_several_cities(small):
    """httpuser20: trajlm-small's box spans three cities (> 5 deg), so a Porto trip given as
    (lon, lat) got the far-off line without the swap hint; each region is small."""
    swapped = _porto_trip().rename(columns={"lat": "lon", "lon": "lat"})
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        small.predict(swapped, steps=1)
    text = " ".join(str(w.message) for w in said)
    assert "with lat and lon swapped they would be inside" in text, text
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        small.predict(_porto_trip(), steps=1)
    assert not any("swapped" in str(w.message) for w in said)


def test_holdout_by_user_with_nothing_held_out_speaks_of_users():
    """heldout20: a by-user hold-out that held nothing out talked about hours and suggested
    `user`, the option given."""
    import polars as pl

    from trajlm._safety import UserError
    from trajlm.cli_eval_notes import check_scored_split

    df = pl.DataFrame({"traj_id": ["a", "b"], "t": [0, 3600], "split": ["train", "val"]})
    with pytest.raises(UserError) as e:
        check_scored_split(df, "user", "test", "store")
    text = str(e.value)
    assert "users" in text and "hours" not in text and "or --holdout-by user" not in text


def test_a_missing_asked_time_is_one_line(small):
    """badin20: at_times=[pd.NaT, ...] was a polars TypeError."""
    df = _porto_trip()
    df["t"] = pd.to_datetime(df["t"], unit="s", utc=True)
    later = pd.Timestamp("2013-07-01 00:10:00", tz="UTC")
    with pytest.raises(trajlm.TrajlmInputError, match=r"at_times\[0\] is a missing time"):
        small.predict(df, at_times=[pd.NaT, later])


def test_anomaly_detector_names_a_wrong_keyword():
    """badin20: a misspelt column keyword was `coerce() got an unexpected keyword argument`."""
    from trajlm._arguments import ArgumentError
    from trajlm.reason.anomaly import AnomalyDetector

    det = AnomalyDetector.__new__(AnomalyDetector)
    with pytest.raises(ArgumentError, match="did you mean lat_col="):
        det._canonical(_porto_trip(), {"lat_column": "lat"})
