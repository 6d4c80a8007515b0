"""Validity with the report's own speed (session 17, ships17): an AIS report's SOG (a GPS log's
speed) is measured by the mover's receiver, independently of the positions.

- A step whose implied speed agrees with the reported speed at either end (within
  ``ValidityConfig.sog_tol_mps`` + ``sog_tol_frac`` x the report + the GPS noise over the
  step) is real movement: it fails neither ``teleport`` nor ``speed``, whatever the mode's limit.
- A point whose step in is faster than ``sog_mismatch_factor`` x both reports (that one and the
  previous one) + the tolerance, over at most ``sog_max_gap_s``, is a position glitch even under
  the mode's limit: code ``reported_speed``. One bad fix makes two such steps (out and back);
  as for teleports, the good point after it is measured from the point before the glitch.

Rows without a reported speed (NaN, "not available") are judged as before; so is a table
without a speed column (``reported_speed`` returns None).
"""

from __future__ import annotations

import numpy as np

from trajlm.data.clean_split import reported_speed  # noqa: F401  (the reported speed per row)

KNOT_MPS = 1852.0 / 3600.0


def step_from(
    q: np.ndarray, t: np.ndarray, x: np.ndarray, y: np.ndarray, where: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(dt, dist, speed) of the step from row ``q[i]`` to each row i (s, m, m/s): the step
    over a blamed point that the re-measuring checks take. Speed is NaN where dt <= 0; dt
    is NaN where ``where`` (if given) is False."""
    dt = t - t[q] if where is None else np.where(where, t - t[q], np.nan)
    dist = np.hypot(x - x[q], y - y[q])
    with np.errstate(divide="ignore", invalid="ignore"):
        speed = np.where(dt > 0, dist / dt, np.nan)
    return dt, dist, speed


def sog_checks(
    speed: np.ndarray, dt: np.ndarray, prev: np.ndarray, has_prev: np.ndarray,
    reported: np.ndarray, cfg,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """(agree, mismatch, threshold) per point, for the step into it from row ``prev`` with
    implied ``speed`` over ``dt`` seconds (module doc); ``cfg`` a ValidityConfig."""
    r = np.asarray(reported, np.float64)
    rp = np.where(has_prev, r[np.where(has_prev, prev, 0)], np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        lo, hi = np.fmin(r, rp), np.fmax(r, rp)  # NaN only where neither end reports
        noise = cfg.noise_sigmas * np.sqrt(2.0) * cfg.gps_noise_m / dt
        tol = cfg.sog_tol_mps + cfg.sog_tol_frac * hi + np.nan_to_num(noise, nan=np.inf)
        agree = has_prev & (speed >= lo - tol) & (speed <= hi + tol)
        both = np.isfinite(r) & np.isfinite(rp)
        thr = cfg.sog_mismatch_factor * hi + tol
        mismatch = has_prev & both & (dt <= cfg.sog_max_gap_s) & (speed > thr)
    return agree, mismatch, np.where(mismatch, thr, np.nan)


def sog_reason(value: float, limit: float, reported: float, before: float) -> str:
    """The sentence for a ``reported_speed`` failure."""
    return (f"moves at {value:.1f} m/s ({value / KNOT_MPS:.1f} kn) but reports "
            f"{reported / KNOT_MPS:.1f} kn here and {before / KNOT_MPS:.1f} kn before "
            f"(over {limit / KNOT_MPS:.1f} kn: a position glitch)")  # fmt: skip


def frozen_steps(
    dist: np.ndarray, dt: np.ndarray, prev: np.ndarray, has_prev: np.ndarray,
    reported: np.ndarray, start: np.ndarray, cfg,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """A frozen position (a transponder repeating one fix while its log says the ship moves):
    per point, (frozen, expected metres, new previous row). A step is frozen when the reports
    at both ends say >= ``cfg.frozen_min_mps``, the step is at most ``cfg.sog_max_gap_s`` long,
    it moved at most ``cfg.frozen_frac`` of the distance they imply (a lone such step: 0.4 of
    that), and the run of such steps it belongs to implies >= ``cfg.frozen_min_m`` in all (far
    beyond GPS noise). A point after a frozen one is
    measured from the last point that was not frozen (the stretch's start: where the ship was
    then), so the fix that ends the stretch is not blamed as a jump."""
    r = np.asarray(reported, np.float64)
    rp = np.where(has_prev, r[np.where(has_prev, prev, 0)], np.nan)
    with np.errstate(invalid="ignore"):
        lo = np.minimum(r, rp)  # NaN where either end has no report
        expected = lo * dt
        still = (
            has_prev & (dt > 0) & (dt <= cfg.sog_max_gap_s) & (lo >= cfg.frozen_min_mps)
            & (dist <= cfg.frozen_frac * expected)
        )  # fmt: skip
    # dense reports (2 s at 30 kn: 31 m a step): a run of such steps is judged on its sum
    new = still & ~np.r_[False, still[:-1]]
    run = np.cumsum(new)
    total = np.bincount(
        run[still], np.nan_to_num(expected[still]), minlength=int(run.max(initial=0)) + 1
    )
    steps = np.bincount(run[still], minlength=len(total))
    # a lone still step (a glitch can land a fix where the next one falls) must be nearly nil
    alone = (steps[run] < 2) & ~(dist <= 0.4 * cfg.frozen_frac * expected)
    frozen = still & (total[run] >= cfg.frozen_min_m) & ~alone
    P = len(r)
    if not frozen.any():
        return frozen, np.full(P, np.nan), prev
    rows = np.arange(P)
    last_ok = np.maximum.accumulate(np.where(has_prev & frozen, -1, rows))
    after = has_prev & frozen[prev]
    base = last_ok[prev]
    new_prev = np.where(after & (base >= start), base, prev)
    return frozen, np.where(frozen, expected, np.nan), new_prev


def frozen_reason(value: float, limit: float, reported: float, before: float) -> str:
    """The sentence for a ``frozen`` point: moved ``value`` m where the reports imply ``limit``."""
    return (f"moves {value:.0f} m but reports {reported / KNOT_MPS:.1f} kn here and "
            f"{before / KNOT_MPS:.1f} kn before (~{limit:.0f} m expected: a frozen position or "
            "a stale speed report)")  # fmt: skip


def lone_glitch(
    t: np.ndarray, x: np.ndarray, y: np.ndarray, prev: np.ndarray, has_prev: np.ndarray,
    mismatch: np.ndarray, bad: np.ndarray, keep: np.ndarray, reported: np.ndarray, cfg,
) -> np.ndarray:  # fmt: skip
    """Points whose ``reported_speed`` failure belongs to the point before them: a glitch
    whose step in stayed under the threshold (a fix 300 m off across the track at 7 kn) and
    whose step out failed. True where the point's previous point is not ``bad``, the step
    from the point before that one agrees with the reports, and the previous point is a
    detour (the path through it longer than the direct one by over twice the GPS noise).
    ``keep``: points never re-measured (a second track: two ships on one MMSI; a point whose
    own step out fails too: it is the glitch)."""
    lone = has_prev & mismatch & ~keep
    pj = np.where(lone, prev, 0)
    lone &= ~bad[pj] & has_prev[pj]
    q = np.where(lone, prev[pj], 0)
    dt_q, direct, sp_q = step_from(q, t, x, y, where=lone)
    agree_q, mis_q, _ = sog_checks(sp_q, dt_q, q, lone & (dt_q > 0), reported, cfg)
    detour = np.hypot(x[pj] - x[q], y[pj] - y[q]) + np.hypot(x - x[pj], y - y[pj]) - direct
    noise = 2.0 * cfg.noise_sigmas * np.sqrt(2.0) * cfg.gps_noise_m
    return lone & (dt_q > 0) & agree_q & ~mis_q & (detour > noise)
