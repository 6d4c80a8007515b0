"""Per-regime choice between two answers (session 29, geo29, issue 15).

geogate28's gate G28 and the shipped "kNN scaled [time]" engine trade places by regime: G28 wins
on val's fast trips, the engine is level or better on test's slow ones. A ``RegimeMap`` reads one
history-only feature (``stop_head.FEATURES``), cuts it at its terciles on the fitting rows, and
answers with B in the bins where B's mean error there is below A's, A elsewhere. Of the candidate
features the one whose map fits its rows best is kept; nothing reads the target at answer time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from trajlm.eval.stop_head import FEATURES

REGIME_FEATURES = ("speed_p50", "speed_p90", "interval_s", "n_points", "dwell_share")


@dataclass(frozen=True)
class RegimeMap:
    """One feature's bins and, per bin, whether B answers (A answers the others)."""

    feature: str
    cuts: np.ndarray  # inner cut points, ascending; bin i holds cuts[i-1] <= x < cuts[i]
    use_b: np.ndarray  # (len(cuts) + 1,) bool

    def bins(self, features: np.ndarray) -> np.ndarray:
        """(N,) each row's bin, ``features`` (N, len(FEATURES)) as ``history_features``."""
        col = np.asarray(features, np.float64)[:, FEATURES.index(self.feature)]
        return np.searchsorted(self.cuts, col, side="right")

    def choose_b(self, features: np.ndarray) -> np.ndarray:
        """(N,) True where B answers."""
        return self.use_b[self.bins(features)]


def tercile_cuts(values: np.ndarray) -> np.ndarray:
    """The 1/3 and 2/3 quantiles, repeated cut points merged (a discrete feature gets fewer bins)."""
    return np.unique(np.quantile(np.asarray(values, np.float64), [1 / 3, 2 / 3]))


def fit_regime_map(features: np.ndarray, err_a: np.ndarray, err_b: np.ndarray,
                   names: tuple[str, ...] = REGIME_FEATURES) -> RegimeMap:  # fmt: skip
    """The map (of one of ``names``) with the least mean error on these rows: per tercile bin, B
    where its mean error is below A's. Ties keep the earlier name; a feature whose rows all fall
    in one bin is skipped (it cannot tell regimes apart)."""
    err_a, err_b = np.asarray(err_a, np.float64), np.asarray(err_b, np.float64)
    if not len(err_a) == len(err_b) == len(features):
        raise ValueError(f"{len(features)} feature rows, {len(err_a)} / {len(err_b)} errors")
    unknown = [n for n in names if n not in FEATURES]
    if unknown:
        raise ValueError(f"unknown regime features {unknown}; choose from {FEATURES}")
    best: tuple[float, RegimeMap] | None = None
    for name in names:
        cuts = tercile_cuts(np.asarray(features, np.float64)[:, FEATURES.index(name)])
        probe = RegimeMap(name, cuts, np.zeros(len(cuts) + 1, bool))
        b = probe.bins(features)
        counts = np.bincount(b, minlength=len(cuts) + 1)
        if (counts > 0).sum() < 2:
            continue
        diff = np.bincount(b, err_b - err_a, len(cuts) + 1) / np.maximum(counts, 1)
        fitted = RegimeMap(name, cuts, diff < 0)
        err = np.where(fitted.choose_b(features), err_b, err_a).mean()
        if best is None or err < best[0]:
            best = (float(err), fitted)
    if best is None:
        raise ValueError(f"no feature of {names} splits these {len(err_a)} rows into two bins")
    return best[1]
