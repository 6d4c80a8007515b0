"""A history's motion state: stopped, starting or moving (session 28, uncert28).

The radii's circles (eval/radii_bins.py) are fitted per horizon and relative-std bin. Session
26 found the held-out 1-2 s movers short of their 90 % circle where the history ends stopped or
starting (cyclists 64 / 78 % inside it, a GPX bus 53 / 72 %), while moving ones held 88-94 %:
one factor per bin mixes stop-and-go histories, whose next minutes may be a stop or a start,
with moving ones. The state is read from the history alone:

- ``recent_speed``: the straight-line distance from the last fix back to the latest fix at least
  ``RECENT_S`` before it (the first fix in a shorter history), over that time. A chord, not the
  path: GPS jitter on a stopped 1-s mover adds path length but little chord.
- ``motion_state``: "stopped" under ``STOP_MPS``; "starting" when the history's mean speed
  (eval/dead_reckoning_spread.mean_speed) is under ``START_RATIO`` x the recent speed (it moved
  slower, or stood, before its last seconds); else "moving". "unknown" where a speed is NaN.
"""

from __future__ import annotations

from typing import Any

import numpy as np

RECENT_S = 10.0  # the recent speed reads the last this many seconds (at least one interval)
STOP_MPS = 0.5  # under this recent speed a history ends stopped (walkers move at ~1.3 m/s)
START_RATIO = 0.5  # mean speed under this x the recent one: the history has just started
STATES = ("stopped", "starting", "moving")
# a multiplier outside this span is no val fit's (trajlm-small's: 1.0-1.8): a hand-edited 1e300
# or 1e-9 gave circles of 1e300 m or 0 m (badin28)
MULT_SPAN = (0.1, 20.0)


def recent_speed(t: np.ndarray, x: np.ndarray, y: np.ndarray) -> float:
    """m/s over the last ``RECENT_S`` seconds of one history (t s, x / y metres, in time order);
    NaN with fewer than 2 fixes or no time between them."""
    if len(t) < 2:
        return float("nan")
    back = np.nonzero(t[-1] - t[:-1] >= RECENT_S)[0]
    i = int(back[-1]) if len(back) else 0
    span = float(t[-1] - t[i])
    return float(np.hypot(x[-1] - x[i], y[-1] - y[i]) / span) if span > 0 else float("nan")


def motion_state(recent: Any, mean: Any) -> np.ndarray:
    """Per history: "stopped", "starting", "moving" or "unknown" (module doc)."""
    r, m = np.asarray(recent, np.float64), np.asarray(mean, np.float64)
    out = np.full(r.shape, "unknown", dtype=object)
    ok = np.isfinite(r) & np.isfinite(m)
    out[ok & (r < STOP_MPS)] = "stopped"
    out[ok & (r >= STOP_MPS) & (m < START_RATIO * r)] = "starting"
    out[ok & (r >= STOP_MPS) & (m >= START_RATIO * r)] = "moving"
    return out.astype(str)


def read_motion(d: Any, levels: list[int]) -> tuple[dict | None, dict | None]:
    """A radii file's "motion" entry (session 28) as (multipliers, 1-2 s movers' multipliers);
    ValueError naming the field for a malformed one (a hand-edited multiplier would widen
    circles silently)."""
    if d is None:
        return None, None
    if not isinstance(d, dict) or not set(d) <= {"states", "fast_states"}:
        raise ValueError("motion: expected {'states': {state: {level: x}}, 'fast_states': ...}")
    out = []
    for key in ("states", "fast_states"):
        one = {}
        if not isinstance(d.get(key, {}), dict):
            raise ValueError(f"motion.{key}: expected {{state: {{level: multiplier}}}}")
        for name, m in d.get(key, {}).items():
            if name not in STATES or not isinstance(m, dict):
                raise ValueError(f"motion.{key}.{name}: expected one of {list(STATES)} with "
                                 "{level: multiplier}")  # fmt: skip
            if not all(str(k).isdigit() for k in m):  # int('abc') said no field (badin28)
                raise ValueError(f"motion.{key}.{name}: levels are whole percentages "
                                 f"{levels}, got {list(m)}")  # fmt: skip
            vals = {int(k): v for k, v in m.items()}
            lo, hi = MULT_SPAN
            if sorted(vals) != levels or not all(
                not isinstance(v, bool) and isinstance(v, int | float) and np.isfinite(v)
                and lo <= v <= hi for v in vals.values()
            ):  # fmt: skip
                raise ValueError(f"motion.{key}.{name}: a multiplier in [{lo:g}, {hi:g}] for "
                                 f"each level {levels}, got {m!r}")  # fmt: skip
            one[name] = {k: float(v) for k, v in vals.items()}
        out.append(one or None)
    return out[0], out[1]


def motion_crossing(factors: list[dict[int, float]], motion: dict | None,
                    motion_fast: dict | None) -> str | None:  # fmt: skip
    """Where a state's multipliers make a higher level's circle smaller than a lower one's in
    some bin (``factors``: each bin's {level: factor}), in words; None where none does
    (a hand-edited 90 % multiplier of 50 put r90_m above r95_m silently: badin28)."""
    for key, ms in (("states", motion), ("fast_states", motion_fast)):
        for name, m in (ms or {}).items():
            for f in factors:
                got = [f[lv] * m[lv] for lv in sorted(f)]
                if got != sorted(got):
                    return f"motion.{key}.{name}: its multipliers make circles cross ({got})"
    return None


__all__ = [
    "MULT_SPAN",
    "RECENT_S",
    "START_RATIO",
    "STATES",
    "STOP_MPS",
    "motion_crossing",
    "motion_state",
    "read_motion",
    "recent_speed",
]
