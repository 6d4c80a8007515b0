"""Session 30 (badin30): regressions for the hostile inputs fixed this session
(docs/reliability.md "Session 30 (badin30)"; the cases are scripts/badin30/*.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import trajlm
from trajlm.errors import TrajlmInputError


def test_an_infinite_latitude_is_a_damaged_row_not_a_projected_coordinate():
    """cli.py 22 / api: a lat of inf was told "'lat' reaches inf, which is not a latitude in
    degrees; for projected coordinates pass --crs" (no CRS reads an inf); now the rows' line."""
    df = pd.DataFrame({"traj_id": ["a"] * 3, "t": [1772359200, 1772359215, 1772359230],
                       "lat": [np.inf, 41.15, 41.15], "lon": [-8.61, -8.60, -8.59]})  # fmt: skip
    with pytest.raises(TrajlmInputError) as e:
        trajlm.to_canonical(df)
    msg = str(e.value)
    assert "infinite" in msg and "projected" not in msg and "crs" not in msg.lower(), msg
    big = df.assign(lat=[4115000.0, 41.15, 41.15])  # a finite projected-looking value: as before
    with pytest.raises(TrajlmInputError, match="projected"):
        trajlm.to_canonical(big)
