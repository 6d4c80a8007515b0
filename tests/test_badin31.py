"""badin31: the hostile-input fixes of session 31 (docs/reliability.md "Session 31 (badin31)")."""

from __future__ import annotations

import subprocess
import sys
import textwrap

_JALALI = textwrap.dedent("""
    import resource
    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
    import polars as pl
    from trajlm.data.readers._times import parse_time
    df = pl.DataFrame({"t": ["1405/09/02 06:53:01", "1403/12/30 00:00:00", "1404/12/30 00:00:00",
                             None, "x"]})
    print(df.select(parse_time("t", "jalali")).to_series().to_list())
    print(df.select(parse_time("t", "jalali", tz="Asia/Tehran")).to_series().to_list())
""")


def test_solar_hijri_times_parse_in_bounded_memory() -> None:
    # was: polars 2.1 expanded the Hijri conversion inside each of parse_time's dozen formats
    # and a 1-row parse took > 4.9 GB (a 5-row `--time-format jalali --tz` ingest: 21 GB)
    p = subprocess.run([sys.executable, "-c", _JALALI], capture_output=True, text=True,
                       timeout=120)  # fmt: skip
    assert p.returncode == 0, p.stderr[-500:]
    utc, tehran = p.stdout.splitlines()
    assert utc == "[1795416781, 1742428800, None, None, None]"  # 1404 is no leap year
    assert tehran == "[1795404181, 1742416200, None, None, None]"  # UTC+03:30


def test_move_map_refuses_what_it_cannot_count() -> None:
    import numpy as np
    import pytest

    from trajlm.data.move_map import MoveMap

    line, t = np.c_[np.arange(0, 500, 10.0), np.zeros(50)], np.arange(50.0)
    for bad in ({"cell_m": float("nan")}, {"cell_m": float("inf")}, {"step_m": float("nan")},
                {"side": float("nan")}, {"n_dirs": 8.7}):  # fmt: skip
        with pytest.raises(ValueError, match="MoveMap needs finite"):
            MoveMap(**bad)  # was: accepted (NaN cells, one infinite cell, 8.7 read as 8)
    with pytest.raises(ValueError, match=r"track 0 has xy of shape \(50,\)"):
        MoveMap().fit([(np.arange(50.0), t)], 60, 200)  # was: an IndexError
    with pytest.raises(ValueError, match="t of shape"):
        MoveMap().fit([(line, t[:-1])], 60, 200)  # was: a numpy broadcast error
    with pytest.raises(ValueError, match="max_gap_s > 0"):
        MoveMap().fit([(line, t)], float("nan"), 200)  # was: an empty map, no word
    with pytest.warns(UserWarning, match="counted none of 49 pairs.*metres"):
        MoveMap().fit([(np.c_[41.15 + t * 1e-4, -8.61 + t * 0], t)], 60, 200)  # degrees
    m = MoveMap().fit([(line, t)], 60, 200)
    assert m.counts(np.array([[np.nan, 0.0], [20.0, 0.0]])).sum(-1)[0] == 0  # was: a count
    assert m.counts(np.array([[20.0, 0.0]])).sum() > 0


def test_at_times_names_a_missing_file(tmp_path) -> None:
    import pytest

    from trajlm._cli_times import parse_at_times
    from trajlm._safety import UserError

    with pytest.raises(UserError, match="'times.txt': no such file"):
        parse_at_times("times.txt")  # was: "'times.txt' is not a time"
    (tmp_path / "t.txt").write_text("2026-03-02T08:01:00Z\n1772438490\n")
    assert parse_at_times(str(tmp_path / "t.txt")) == [1772438460, 1772438490]
    assert parse_at_times("2026-03-02T08:01:00.5Z") == [1772438460]  # a suffix, not a file
