"""What it checks: the staged `parse_time` (session 32, suite32) gives the same table as the
one-expression `parse_time` it replaced, on 48 kinds of time text x 14 formats x units, zones,
offsets, `ambiguous`, `origin_s`, a column given as an expression; and how long each takes on a
large column. Prints only (no files).

    git show aa374f02:trajlm/data/readers/_times.py > /tmp/old_times.py
    PYTHONPATH=$PWD python scripts/suite32/parse_time_equiv.py --old /tmp/old_times.py
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import time

import polars as pl

from trajlm.data.readers import _times as NEW

ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
ap.add_argument("--old", required=True, help="the old _times.py (git show aa374f02:...)")
ap.add_argument("--rows", type=int, default=200_000, help="rows of the timing column")
args = ap.parse_args()
spec = importlib.util.spec_from_file_location("old_times", args.old)
OLD = importlib.util.module_from_spec(spec)
spec.loader.exec_module(OLD)
base = [
    "1600000000",
    "1600000015.7",
    " 1600000000 ",
    "-5",
    "x",
    "",
    None,
    "2026-03-08T01:50:00Z",
    "2026-03-08 01:50:00+02:00",
    "2026-03-08T01:50:00.123",
    "2026-03-08 01:50",
    "2026-03-08T01:50+0100",
    "2026/02/01 10:00:00",
    "2026-03-04 08:00:00 GMT",
    "2026-03-04 08:00:00 UTC",
    "2026-03-04",
    "20260304_080000",
    "20260304T080000Z",
    "20260912221503",
    "20260912221503.0",
    "24.10.2026 23:40:00",
    "24.10.2026 23:40",
    "14:23:05 21-Jul-2026",
    "10-ene-2026 00:40:46",
    "10 Jan 2026 00:40",
    "10 janvier 2026 00:40",
    "03/08/2026 01:50 AKST",
    "03/08/2026 01:50 AKDT",
    "03/08/2026 01:50 CST",
    "03/08/2026 01:50 (CEST)",
    "3/25/2026 1:30:00 PM",
    "3/25/2026 12:30 am",
    "25/03/2026 13:30",
    "15-01-2026 08:00",
    "01/02/2026",
    "2569-03-08 10:00:00",
    "1404/12/17 10:00:00",
    "45000.5",
    "45000",
    "1600000000000",
    "1600000000000000",
    "1600000000000000000",
    "2026-10-25 01:30:00",
    "2026-03-29 01:30:00",
    "2026-11-01T01:30:00",
    "Mar 8 2026 10:00",
    "2026-03-08T10:00:00.5Z",
    "2026-13-01 00:00:00",
]
groups = [
    base,
    [b for b in base if b is None or "/" not in b],
    ["24/11/2026 08:00", "11/12/2026 09:00"],
    ["11/24/2026 08:00", "11/12/2026 09:00"],
    ["1/2/2026 1:00 PM", "1/3/2026"],
]
formats = [
    None,
    "iso",
    "unix",
    "unix_ms",
    "unix_us",
    "unix_ns",
    "excel",
    "dmy",
    "mdy",
    "jalali",
    "%d.%m.%Y %H:%M:%S",
    "%Y-%m-%d %H:%M:%S%z",
    "%m/%d/%Y %H:%M",
    "%H:%M:%S",
]
n = bad = 0
cases = []
for g, tf, unit, tz, off, amb, origin in itertools.product(
    groups,
    formats,
    ["s", "ms"],
    [None, "Europe/Lisbon", "America/Anchorage"],
    [0, -7200],
    ["earliest", "latest"],
    [None, 1577836800],
):
    if origin is not None and (tf is not None or g is not base):
        continue
    if g is not base and tf not in (None, "dmy", "mdy"):
        continue
    if tz is None and amb == "latest":
        continue
    if tz is not None and off:
        continue
    if unit == "s" and (tz is not None or g is not base):
        continue
    cases.append((g, tf, unit, tz, off, amb, origin))
print(len(cases), flush=True)
for g, tf, unit, tz, off, amb, origin in cases:
    df = pl.DataFrame({"t": pl.Series(g, dtype=pl.Utf8)})
    for col in (
        ["t", pl.concat_str(pl.col("t"), pl.lit(""))]
        if tf is None and g is base and unit == "ms" and tz is None
        else ["t"]
    ):
        kw = dict(unit=unit, tz=tz, ambiguous=amb, origin_s=origin)
        try:
            a = df.select(OLD.parse_time(col, tf, off, **kw).alias("o"))
            ea = None
        except Exception as e:
            a, ea = None, type(e).__name__
        try:
            b = df.select(NEW.parse_time(col, tf, off, **kw).alias("o"))
            eb = None
        except Exception as e:
            b, eb = None, type(e).__name__
        n += 1
        if ea or eb:
            if ea != eb:
                bad += 1
                print("EXC", tf, unit, tz, off, ea, eb)
        elif not a.equals(b) or a.schema != b.schema:
            bad += 1
            if bad < 10:
                print("DIFF", tf, unit, tz, off, amb, origin, a["o"].to_list(), b["o"].to_list())
print("cases", n, "bad", bad)
# elapsed_h
df = pl.DataFrame({"t": ["1.5", "2", "x"]})
for tf in ["elapsed_h", None]:
    print(
        df.select(OLD.parse_time("t", tf, origin_s=100)).equals(
            df.select(NEW.parse_time("t", tf, origin_s=100))
        )
    )
# lazy and empty
e = pl.DataFrame({"t": pl.Series([], dtype=pl.Utf8)})
print(e.select(NEW.parse_time("t", None)).schema, e.select(OLD.parse_time("t", None)).schema)
print(
    df.lazy()
    .with_columns(x=NEW.parse_time("t", None))
    .collect()
    .equals(df.with_columns(x=OLD.parse_time("t", None)))
)

n = args.rows
start = pl.datetime(2026, 1, 1)
big = pl.DataFrame({"t": pl.datetime_range(start, start + pl.duration(seconds=n - 1), "1s",
                                           eager=True).dt.strftime("%Y-%m-%d %H:%M:%S")})  # fmt: skip
for name, mod in [("new", NEW), ("old", OLD)]:
    t0 = time.process_time()
    big.select(*mod.exact_time(mod.parse_time("t", None, unit="ms")))
    print(f"{name}: {n} ISO texts in {time.process_time() - t0:.2f} CPU s")
raise SystemExit(1 if bad else 0)  # a difference fails the check
