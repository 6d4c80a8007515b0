"""Records with no key naming their mover that read as several movers mixed (fix40; badin39 left
it: an MQTT log captured without `mosquitto_sub -v` (no topic) or with a one-level topic (`gps`)
was read as one mover zig-zagging between devices, its same-second fixes dropped as copies and
"208 steps faster than 340 m/s: a swapped lat/lon?" said, the wrong cause). Two signs a single
mover does not give: fixes at the same second far apart, and a large share of the steps in time
order faster than sound. Either, past its floor, refuses the read in one line; no key can be
named where none exists, so the line says what would tell the movers apart."""

from __future__ import annotations

import math

SAMPLE = 5000  # records read for the check
APART_M = 100.0  # two fixes of one second this far apart are no one mover
FAST_MPS = 340.0  # a step faster than sound is no one mover's
MIN_SAME = 5  # at least this many same-second pairs apart (and 5 % of the records) ...
SAME_SHARE = 0.05
MIN_FAST = 10  # ... or this many steps faster than sound (and 20 % of the steps)
FAST_SHARE = 0.2
BACK = 6  # fixes before a fast step that its end may come back near (movers interleaved)
MIXED_HINT = ("give each record a key naming its mover (a device / vehicle id); an MQTT log "
              "needs each line's topic naming the device: capture it with `mosquitto_sub -v`")  # fmt: skip


def seconds_of(values: list) -> list[float | None]:
    """Record times as Unix seconds: numbers (seconds, or milliseconds past 1e11) or ISO text."""
    import polars as pl

    if all(isinstance(v, int | float) for v in values if v is not None):
        return [
            None if v is None else float(v) / (1000.0 if abs(v) > 1e11 else 1.0) for v in values
        ]
    text = pl.Series([v if isinstance(v, str) else None for v in values], dtype=pl.Utf8)
    try:
        stamp = text.str.to_datetime(strict=False, time_unit="ms", time_zone="UTC")
    except Exception:  # mixed zones / forms: the reader's own checks read them
        return [None] * len(values)
    return [None if v is None else v / 1000.0 for v in stamp.dt.epoch("ms").to_list()]


def mixed_movers(times: list[float | None], lat: list, lon: list) -> str | None:
    """Why the records (their times in seconds, latitudes, longitudes) are several movers
    mixed, or None where they may be one. A fast step counts only where it lands back near one
    of the few fixes before it (a zig-zag between movers): one fast mover (a satellite, a jet)
    does not come back."""
    import numpy as np

    from trajlm.data.geometry import haversine

    rows = [(t, float(a), float(b)) for t, a, b in zip(times[:SAMPLE], lat[:SAMPLE], lon[:SAMPLE], strict=False)
            if t is not None and isinstance(a, int | float) and isinstance(b, int | float)
            and math.isfinite(t) and abs(a) <= 90 and abs(b) <= 180]  # fmt: skip
    if len(rows) < MIN_FAST:
        return None
    rows.sort(key=lambda r: r[0])  # stable: file order within a second
    t, la, lo = (np.array(c, dtype=float) for c in zip(*rows, strict=True))
    d = haversine(la[:-1], lo[:-1], la[1:], lo[1:])
    one_second = np.floor(t[:-1]) == np.floor(t[1:])
    same = int((one_second & (d >= APART_M)).sum())
    dt = np.where(one_second, np.nan, t[1:] - t[:-1])
    with np.errstate(invalid="ignore", divide="ignore"):
        fast = np.flatnonzero(d / dt > FAST_MPS)
    back = 0
    for i in fast:  # step i: row i -> i + 1; back near one of rows i - BACK .. i - 1?
        lo_i = max(0, i - BACK)
        if i > lo_i:
            near = haversine(la[lo_i:i], lo[lo_i:i], la[i + 1], lo[i + 1])
            back += bool((near < np.maximum(APART_M * 10, d[i] / 4)).any())
    steps = int((~one_second).sum())
    said = []
    if same >= max(MIN_SAME, SAME_SHARE * len(rows)):
        said.append(f"{same:,} pair(s) of fixes in one second {APART_M:g} m or more apart")
    if back >= max(MIN_FAST, FAST_SHARE * steps):
        said.append(f"{back:,} of {steps:,} steps in time order faster than {FAST_MPS:g} m/s "
                    "and back near a fix just before")  # fmt: skip
    if not said:
        return None
    return (f"the {len(rows):,} records carry no key naming their mover, and they read as "
            f"several movers mixed ({'; '.join(said)})")  # fmt: skip
