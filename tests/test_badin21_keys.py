"""badin21 (patch for the lead, api_inputs.py): a per-vehicle dict that names a vehicle and
one of its pieces, or a vehicle whose id looks like another's piece id."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from trajlm.data.schema import TrajlmInputError

T0 = 1_700_000_000


def _vans(a: str, b: str) -> pd.DataFrame:
    rows = []
    for vid, gap in ((a, 3600), (b, 0)):
        for i in range(30):
            t = T0 + 15 * i + (gap if i >= 15 else 0)
            rows.append((vid, t, 41.15 + 1e-4 * i, -8.61 + 1e-4 * i))
    return pd.DataFrame(rows, columns=["vehicle_id", "t", "lat", "lon"])


def test_vehicle_and_its_piece_in_one_dict_is_one_line(trajlm_small):
    with warnings.catch_warnings(), pytest.raises(TrajlmInputError, match="'A' and 'A_1'"):
        warnings.simplefilter("ignore")
        trajlm_small.predict(_vans("A", "B"), seconds_ahead={"A": [60], "A_1": [30]})


def test_a_vehicle_named_like_a_piece_is_that_vehicle(trajlm_small):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = trajlm_small.predict(_vans("X", "X_1"), seconds_ahead={"X": [60], "X_1": [30]})
    got = {(r.vehicle_id, r.piece): r.t for r in out.itertuples()}
    last_x, last_x1 = T0 + 15 * 29 + 3600, T0 + 15 * 29
    assert got == {("X", 1): last_x + 60, ("X_1", 0): last_x1 + 30}
    assert np.isfinite(out["lat"]).all()


@pytest.mark.parametrize("draft", [True, "trajlm-small", 3])
def test_draft_that_is_no_checkpoint_is_one_line(trajlm_small, draft):
    with warnings.catch_warnings(), pytest.raises(TrajlmInputError, match="draft="):
        warnings.simplefilter("ignore")
        trajlm_small.predict(_vans("A", "B"), steps=2, draft=draft)
