"""review32b: a maintainer's review of session 32's later merges (docs/testing.md)."""

from __future__ import annotations

import pytest

from trajlm.errors import TrajlmInputError


def test_read_on_error_refused_as_input_error(tmp_path):
    """trajlm.read(on_error=...) outside raise / skip: one TrajlmInputError naming the keyword
    (was a bare ValueError, unlike every other keyword check of the API)."""
    from trajlm.data.read_file import read_file

    path = tmp_path / "t.csv"
    path.write_text("traj_id,t,lat,lon\na,0,41.1,-8.6\n")
    with pytest.raises(TrajlmInputError, match="on_error must be 'raise' or 'skip'") as e:
        read_file(path, on_error="ignore")
    assert e.value.field == "on_error" and "\n" not in str(e.value)


def test_radians_factor_named_as_what_it_is():
    """180 / pi is degrees per radian (the name said radians per degree)."""
    import math

    from trajlm.data import radians_check

    assert radians_check.DEG_PER_RAD == pytest.approx(math.degrees(1.0))
    assert not hasattr(radians_check, "RAD_PER_DEG_FACTOR")
