"""What each mode can physically do (ModeLimits per mode, aliases) and the validity checks'
thresholds (ValidityConfig, with the noise-aware baselines of dense reports); split out of
trajlm/reason/validity.py, which re-exports every name."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from numbers import Real
from typing import Any

import numpy as np

from trajlm.errors import UserError


@dataclass(frozen=True)
class ModeLimits:
    """What a mode can physically do: top speed (m/s) and the largest |acceleration| (m/s^2)
    a GPS track of it shows at 5-60 s sampling (braking included)."""

    max_speed_mps: float
    max_accel_mps2: float


# Generous limits: a check should flag the impossible, not the unusual (that is anomaly
# detection's job). Sources: typical top speeds per mode with headroom for GPS noise.
DEFAULT_LIMITS: dict[str, ModeLimits] = {
    "walk": ModeLimits(3.0, 1.5),  # 10.8 km/h: a brisk walk, not a run
    "run": ModeLimits(7.0, 3.0),
    "bike": ModeLimits(14.0, 2.5),  # 50 km/h downhill
    "bus": ModeLimits(28.0, 2.5),  # 100 km/h
    "car": ModeLimits(50.0, 6.0),  # 180 km/h; hard braking ~ 8 m/s^2 is rare at >= 5 s sampling
    "train": ModeLimits(90.0, 2.0),  # 320 km/h
    "subway": ModeLimits(35.0, 2.0),
    "vessel": ModeLimits(26.0, 1.0),  # 50 knots
    "airplane": ModeLimits(300.0, 10.0),
    "any": ModeLimits(90.0, 8.0),  # unknown mode: the fastest ground mode
}
ALIASES = {"taxi": "car", "motorcycle": "car", "truck": "car", "boat": "vessel",
           "ship": "vessel", "railway": "train", "rail": "train", "metro": "subway",
           "walking": "walk", "running": "run", "bicycle": "bike", "cycling": "bike",
           "plane": "airplane", "unknown": "any"}  # fmt: skip


LIMITS_FORM = ("limits maps a mode to ModeLimits(max_speed_mps, max_accel_mps2) or a dict, e.g. "
               "{'bike': {'max_speed_mps': 10}}; modes: " + ", ".join(DEFAULT_LIMITS)
               + " (or a new one)")  # fmt: skip


def limit_mode(name: Any) -> str:
    """A ``limits`` key as the mode it overrides (aliases: taxi -> car); a name that is not a
    mode but close to one ("bikes", "speed") is refused rather than added as a new mode."""
    import difflib

    if not isinstance(name, str) or not name.strip():
        raise UserError(f"limits key {name!r}: not a mode name", hint=LIMITS_FORM)
    key = ALIASES.get(name.strip().lower(), name.strip().lower())
    if key in DEFAULT_LIMITS:
        return key
    fields = ("max_speed_mps", "max_accel_mps2", "speed", "accel", "max_speed", "max_accel")
    if key in fields:
        raise UserError(f"limits key {name!r} is a limit, not a mode", hint=LIMITS_FORM)
    close = difflib.get_close_matches(key, [*DEFAULT_LIMITS, *ALIASES], n=1, cutoff=0.8)
    if close:
        raise UserError(
            f"limits key {name!r} is not a mode; did you mean {close[0]!r}?", hint=LIMITS_FORM
        )
    return key


@dataclass
class ValidityConfig:
    """Thresholds; `limits` adds or overrides modes ({"bike": ModeLimits(10, 2)} or a dict
    {"bike": {"max_speed_mps": 10}})."""

    limits: dict[str, Any] = field(default_factory=dict)
    teleport_min_m: float = 1000.0  # shorter jumps are speed violations, not teleports
    teleport_factor: float = 3.0  # x the mode's speed limit
    off_road_m: float = 50.0  # distance to the nearest road that counts as off the network
    # Noise-aware speed / acceleration on dense reports (a 2-s AIS feed): GPS noise of
    # gps_noise_m per axis makes a 2-s step's speed wrong by ~3.5 m/s and its acceleration by
    # ~3 m/s^2. A step shorter than the baseline fails only when the point also fails measured
    # back to the last point at least a baseline earlier: baseline = max(min_baseline_s, the
    # time over which noise_sigmas x the noise stays under the mode's limit, at most
    # 30 s). Steps at least
    # a baseline long (5-60 s sampling) are judged exactly as before.
    gps_noise_m: float = 5.0
    min_baseline_s: float = 5.0
    noise_sigmas: float = 4.0
    # The report's own speed (AIS SOG; session 17, validity_sog.py): a step agrees with it within
    # sog_tol_mps + sog_tol_frac x the report + the GPS noise over the step; faster than
    # sog_mismatch_factor x both reports + that (over at most sog_max_gap_s) is a glitch.
    sog_tol_mps: float = 2.0
    sog_tol_frac: float = 0.3
    sog_mismatch_factor: float = 2.0
    sog_max_gap_s: float = 300.0
    # A frozen position (session 18, validity_sog.frozen_steps): a step of at most frozen_frac x
    # the distance the reports at both ends (>= frozen_min_mps) imply over it, when that
    # distance is >= frozen_min_m (far beyond GPS noise) and the step <= sog_max_gap_s long.
    frozen_frac: float = 0.25
    frozen_min_mps: float = 1.0  # ~2 kn: a ship at anchor or drifting is not "under way"
    frozen_min_m: float = 50.0

    def baselines(self, max_speed, max_accel) -> tuple[np.ndarray, np.ndarray]:
        """(speed baseline, acceleration baseline) in seconds per point."""
        k, s, lo, hi = self.noise_sigmas, self.gps_noise_m, self.min_baseline_s, 30.0
        b_speed = np.clip(k * np.sqrt(2.0) * s / max_speed, lo, max(hi, lo))
        b_accel = np.clip(np.sqrt(k * np.sqrt(6.0) * s / max_accel), lo, max(hi, lo))
        return b_speed, b_accel

    def table(self) -> dict[str, ModeLimits]:
        out = dict(DEFAULT_LIMITS)
        for name, lim in self.limits.items():
            key = limit_mode(name)
            if isinstance(lim, dict):
                unknown = set(lim) - {"max_speed_mps", "max_accel_mps2"}
                if unknown:
                    raise UserError(f"limits[{name!r}]: unknown key(s) {sorted(unknown)}",
                                    hint="use max_speed_mps and max_accel_mps2")  # fmt: skip
                lim = replace(out.get(key, DEFAULT_LIMITS["any"]), **lim)
            if not isinstance(lim, ModeLimits):
                raise UserError(
                    f"limits[{name!r}] = {lim!r}: not a ModeLimits or a dict", hint=LIMITS_FORM
                )
            for f, v in (
                ("max_speed_mps", lim.max_speed_mps),
                ("max_accel_mps2", lim.max_accel_mps2),
            ):
                ok = isinstance(v, Real) and not isinstance(v, bool) and math.isfinite(v)
                if not ok or v <= 0:
                    raise UserError(f"limits[{name!r}].{f} = {v!r}: must be a number > 0",
                                    hint=LIMITS_FORM)  # fmt: skip
            out[key] = lim
        return out

    def limits_of(self, modes: np.ndarray | list[str] | str) -> tuple[np.ndarray, np.ndarray]:
        """(max speed, max accel) per entry of `modes`; an unknown name is a UserError, except
        in a label column (`strict=False` path of ``modes_of``), where it reads as "any"."""
        table = self.table()
        names = np.atleast_1d(np.asarray(modes, dtype=object))
        uniq, inv = np.unique(names.astype(str), return_inverse=True)
        speed = np.array([table[m].max_speed_mps for m in uniq])
        accel = np.array([table[m].max_accel_mps2 for m in uniq])
        return speed[inv], accel[inv]

    def canonical_mode(self, mode: Any, strict: bool = True) -> str:
        m = ALIASES.get(str(mode).strip().lower(), str(mode).strip().lower())
        if m in self.table():
            return m
        if strict:
            raise UserError(f"unknown mode {mode!r}", hint=f"one of {sorted(self.table())}, "
                            "or add it with limits={name: ModeLimits(...)}")  # fmt: skip
        return "any"


def speeds_over_baseline(
    traj, t, x, y, missing, base_s
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per point: speed (m/s) measured back to its anchor (the last point with a position in
    its trajectory at least ``base_s`` seconds earlier; NaN where none), the anchor's row
    (-1: none) and the seconds to it. (P,) each; times going backwards are read
    through their running maximum."""
    P = len(t)
    if P == 0:
        return np.zeros(0), np.zeros(0, np.int64), np.zeros(0)
    rows = np.arange(P)
    first = np.r_[True, traj[1:] != traj[:-1]]
    tr = np.cumsum(first) - 1
    start = np.flatnonzero(first)
    t_rel = np.nan_to_num(t - t[start][tr], nan=0.0, posinf=0.0, neginf=0.0)
    run = _cummax_by(np.maximum(t_rel, 0.0), first)  # non-decreasing within a trajectory
    span = float(run.max()) + float(np.max(base_s)) + 1.0
    key = run + tr * span  # globally non-decreasing
    a = np.searchsorted(key, key - base_s, side="right") - 1
    last_pos = np.maximum.accumulate(np.where(missing, -1, rows))
    a = np.where(a >= 0, last_pos[np.maximum(a, 0)], -1)
    a = np.where((a >= start[tr]) & (a < rows) & ~missing, a, -1)
    ai = np.maximum(a, 0)
    dt = np.where(a >= 0, t - t[ai], np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        v = np.where(dt > 0, np.hypot(x - x[ai], y - y[ai]) / dt, np.nan)
    return v, a, dt


def _cummax_by(v: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Running maximum of ``v`` restarting at each ``first`` row (values >= 0)."""
    tr = np.cumsum(first) - 1
    big = float(v.max()) + 1.0 if len(v) else 1.0
    return np.maximum.accumulate(v + tr * big) - tr * big
