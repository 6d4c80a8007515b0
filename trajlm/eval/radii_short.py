"""Short-history multipliers of the radii (session 30, uncert30).

The circles' factors (eval/radii_bins.py) were fitted on val histories of 20 fixes and more.
A history of one to three fixes says little about its mover: with one fix the sampling interval
and speed are unknown (every answer gets the same ``std_m``), with two or three the model's
spread reads a speed from one or two steps. Such histories held fewer truths than the level on
held-out stores (session 29: T-Drive 39 / 68 / 74 % inside the 90 % circle with 1 / 2 / 3
fixes, 5-s scooters 81 % with 2-3), and far more on 1-2 s movers (their one-fix circle ~40x the
error).

A radii file may hold ``short``: ``{"fixes": {N: {level: multiplier}}, "fast_fixes": ...}``. A
history of n fixes takes the multiplier of the smallest N >= n; a history longer than every N
takes none (its factor as before). ``fast_fixes`` (optional), fitted on 1-2 s movers' answers
only, takes the place of ``fixes`` for a history sampled at or under the file's fast interval
(radii24's rule): on val their 3-fix circles held the level where other movers' fell short. Each multiplier is the split-conformal quantile, at the level, of err / (the
answer's radius without it) over val's answers in that bin, val sources weighted equally
(eval/radii_short_fit.py); a bin with fewer than ``min_n`` answers or ``min_groups`` sources
takes the quantile pooled over the short bins. A file without ``short`` acts as before.
scripts/uncert30/short_radii.py fits and measures it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trajlm.eval.motion_state import MULT_SPAN

Short = dict[int, dict[int, float]]  # {fixes cap: {level: multiplier}}


def short_multiplier(short: Short | None, level: int, fixes: Any,
                     shape: tuple[int, ...]) -> np.ndarray:  # fmt: skip
    """Per answer: the multiplier of its history's length bin at ``level`` (1 where it has
    none: no ``short``, a longer history, or an unknown length)."""
    out = np.ones(shape)
    if not short or fixes is None:
        return out
    n = np.broadcast_to(np.asarray(fixes, np.float64), shape)
    done = ~np.isfinite(n) | (n < 1)
    for cap in sorted(short):
        here = ~done & (n <= cap)
        out[here] = short[cap][level]
        done = done | here
    return out


def read_short(d: Any, levels: list[int]) -> tuple[Short | None, Short | None]:
    """A radii file's "short" entry as (multipliers, 1-2 s movers' multipliers); ValueError
    naming the field for a malformed one (a hand-edited multiplier would change circles
    silently)."""
    if d is None:
        return None, None
    if not isinstance(d, dict) or "fixes" not in d or not set(d) <= {"fixes", "fast_fixes"}:
        raise ValueError("short: expected {'fixes': {N: {level: multiplier}}, 'fast_fixes': ...}")
    got = []
    lo, hi = MULT_SPAN
    for name in ("fixes", "fast_fixes"):
        out = {}
        if not isinstance(d.get(name, {}), dict):
            raise ValueError(f"short.{name}: expected {{N: {{level: multiplier}}}}")
        for key, m in d.get(name, {}).items():
            if not str(key).isdigit() or int(key) < 1 or not isinstance(m, dict):
                raise ValueError(f"short.{name}.{key}: expected a whole number of fixes >= 1 "
                                 "with {level: multiplier}")  # fmt: skip
            if not all(str(k).isdigit() for k in m) or sorted(int(k) for k in m) != levels:
                raise ValueError(f"short.{name}.{key}: one multiplier per level {levels}, "
                                 f"got {list(m)}")  # fmt: skip
            vals = {int(k): v for k, v in m.items()}
            if not all(not isinstance(v, bool) and isinstance(v, int | float) and np.isfinite(v)
                       and lo <= v <= hi for v in vals.values()):  # fmt: skip
                raise ValueError(f"short.{name}.{key}: a multiplier in [{lo:g}, {hi:g}] for "
                                 f"each level {levels}, got {m!r}")  # fmt: skip
            out[int(key)] = {k: float(v) for k, v in vals.items()}
        got.append(out or None)
    return got[0], got[1]


def short_json(short: Short | None, fast: Short | None) -> dict:
    """``read_short``'s inverse: the file's "short" entry."""
    out = {}
    for name, s in (("fixes", short), ("fast_fixes", fast)):
        if s:
            out[name] = {str(n): {str(k): v for k, v in m.items()} for n, m in sorted(s.items())}
    return out


def short_crossing(factors: list[dict[int, float]], motions: list[dict[int, float]],
                   short: Short | None, name: str = "fixes") -> str | None:  # fmt: skip
    """Where a length bin's multipliers, with any motion state's (``motions``, the all-ones one
    included), make a higher level's circle smaller than a lower one's in some bin; None where
    none does. ``name``: the entry's field in the file ("fixes" or "fast_fixes")."""
    for cap, s in (short or {}).items():
        for m in motions:
            for f in factors:
                got = [f[lv] * m[lv] * s[lv] for lv in sorted(f)]
                if got != sorted(got):
                    return f"short.{name}.{cap}: its multipliers make circles cross ({got})"
    return None


__all__ = ["Short", "read_short", "short_crossing", "short_json", "short_multiplier"]
