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
