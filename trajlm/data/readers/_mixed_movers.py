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
MIXED_HINT = ("give each record a key naming its mover (a device / vehicle id); an MQTT log "
              "needs each line's topic naming the device: capture it with `mosquitto_sub -v`")  # fmt: skip


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    from trajlm.data.geometry import haversine

    return float(haversine(a[0], a[1], b[0], b[1]))


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
    mixed, or None where they may be one."""
    rows = [(t, float(a), float(b)) for t, a, b in zip(times[:SAMPLE], lat[:SAMPLE], lon[:SAMPLE], strict=False)
            if t is not None and isinstance(a, int | float) and isinstance(b, int | float)
            and math.isfinite(t) and abs(a) <= 90 and abs(b) <= 180]  # fmt: skip
    if len(rows) < MIN_FAST:
        return None
    rows.sort(key=lambda r: r[0])  # stable: file order within a second
    same = fast = steps = 0
    for (t0, a0, b0), (t1, a1, b1) in zip(rows, rows[1:], strict=False):
        d = _metres((a0, b0), (a1, b1))
        if math.floor(t0) == math.floor(t1):
            same += d >= APART_M
        else:
            steps += 1
            fast += d / (t1 - t0) > FAST_MPS
    said = []
    if same >= max(MIN_SAME, SAME_SHARE * len(rows)):
        said.append(f"{same:,} pair(s) of fixes in one second {APART_M:g} m or more apart")
    if fast >= max(MIN_FAST, FAST_SHARE * steps):
        said.append(f"{fast:,} of {steps:,} steps in time order faster than {FAST_MPS:g} m/s")
    if not said:
        return None
    return (f"the {len(rows):,} records carry no key naming their mover, and they read as "
            f"several movers mixed ({'; '.join(said)})")  # fmt: skip
