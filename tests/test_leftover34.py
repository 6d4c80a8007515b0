"""Session 34 (leftover34): session 33's written leftovers (docs/reliability.md "Session 34
(leftover34)"). Each test failed on main f3f47f24.

- Hive partition folders read as PyArrow / Polars read them: an empty `region=` value beside
  `region=x`, and `a=b=c` beside `a=b=d`, were not partitions, so one id across them was one
  mover (badin33b).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_newuser33 import _day_file

from trajlm.data.readers import read


@pytest.mark.parametrize(
    ("first", "second", "ids"),
    [
        ("region=", "region=x", {"V0001", "V0002", "x/V0001", "x/V0002"}),
        ("a=b=c", "a=b=d", {"b=c/V0001", "b=c/V0002", "b=d/V0001", "b=d/V0002"}),
        ("region=__HIVE_DEFAULT_PARTITION__", "region=x", {"V0001", "V0002", "x/V0001", "x/V0002"}),
    ],
)
def test_empty_and_two_equals_partitions_are_two_movers(
    tmp_path: Path, first: str, second: str, ids: set[str]
) -> None:
    _day_file(tmp_path / "raw" / first / "d.csv", 53.22, 6.57)
    _day_file(tmp_path / "raw" / second / "d.csv", 51.44, 5.48)  # 200 km away, same seconds
    with pytest.warns(UserWarning, match="ids read per partition"):
        df, report = read(tmp_path / "raw")
    assert report.dropped.get("duplicate_timestamp", 0) == 0
    assert len(df) == 120
    assert set(df["traj_id"].unique()) == ids


def test_partition_values_split_at_the_first_equals_sign() -> None:
    from trajlm.data.readers._partitions import partition_of

    assert partition_of(Path("lake/a=b=c/f.csv")) == (("a", "b=c"),)
    assert partition_of(Path("lake/region=/f.csv")) == (("region", ""),)
    assert partition_of(Path("lake/date=/f.csv")) == ()  # a time key, empty or not
