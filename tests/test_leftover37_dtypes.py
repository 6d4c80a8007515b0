"""leftover37 item 4: pandas position columns as nullable ``Float64`` or ``double[pyarrow]``
came back as numpy float64 (ids and times kept their dtypes). Decided: the caller's dtype comes
back where it holds float64 answers exactly (those two); numpy float32 and ``float[pyarrow]``
would round the answers (~0.4 m at 41 degrees) and stay float64."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from helpers import tiny_infill_trajlm

import trajlm


def _frame() -> pd.DataFrame:
    rows = [{"vehicle": f"v{v}", "time": pd.Timestamp("2026-06-03 10:00") + pd.Timedelta(seconds=10 * i),
             "lat": 41.15 + 0.0005 * i + 0.01 * v, "lon": -8.61 + 0.0004 * i}
            for v in range(2) for i in range(20)]  # fmt: skip
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def lm():
    return tiny_infill_trajlm()


@pytest.mark.parametrize("dtype", ["Float64", "double[pyarrow]"])
def test_lossless_position_dtypes_come_back(lm, dtype) -> None:
    plain = lm.predict(_frame(), steps=2)
    given = _frame().astype({"lat": dtype, "lon": dtype})
    out = lm.predict(given, steps=2)
    assert str(out["lat"].dtype) == dtype and str(out["lon"].dtype) == dtype  # was float64
    assert out["vehicle"].dtype == plain["vehicle"].dtype
    assert out["time"].dtype == plain["time"].dtype
    np.testing.assert_array_equal(out["lat"].to_numpy(dtype=np.float64), plain["lat"].to_numpy())
    cleaned = trajlm.clean(given, tz="UTC")[0]
    assert str(cleaned["lat"].dtype) == dtype


@pytest.mark.parametrize("dtype", ["float32", "float[pyarrow]"])
def test_lossy_position_dtypes_stay_float64(lm, dtype) -> None:
    out = lm.predict(_frame().astype({"lat": dtype, "lon": dtype}), steps=2)
    assert out["lat"].dtype == np.float64 and out["lon"].dtype == np.float64
