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
