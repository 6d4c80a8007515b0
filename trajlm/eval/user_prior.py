"""A known user's own mode mix as features (issue 15, session 9; opt-in, a probe).

On the ``user_time`` split every test user has train segments, and users differ a lot in how
they travel (one rides a bike, another takes the bus). ``UserPrior`` turns the train labels of
the segment's user into K smoothed class shares: ``(counts + alpha * global share) / (n +
alpha)``. A user with no train segment gets the global share (the ``time`` split's new users).

Leak guard: a train row must not see its own label, or GB learns to trust a share that test rows
never get so clean. ``fit_transform`` encodes each train row out of fold (the row's fold's
labels hidden), the same way a test row sees only other segments' labels.
"""

from __future__ import annotations

import numpy as np


class UserPrior:
    """Smoothed per-user class shares from train labels (out of fold for the train rows)."""

    def __init__(self, alpha: float = 5.0, n_folds: int = 5, seed: int = 0) -> None:
        self.alpha, self.n_folds, self.seed = alpha, n_folds, seed

    def _shares(self, users_fit, y_fit, users) -> np.ndarray:
        idx = np.searchsorted(self.classes_, y_fit)
        glob = np.bincount(idx, minlength=len(self.classes_)) / max(1, len(idx))
        out = np.empty((len(users), len(self.classes_)))
        for u in np.unique(users):
            c = np.bincount(idx[users_fit == u], minlength=len(self.classes_))
            out[users == u] = (c + self.alpha * glob) / (c.sum() + self.alpha)
        return out

    def fit(self, users: np.ndarray, y: np.ndarray) -> UserPrior:
        self.users_, self.y_ = np.asarray(users).astype(str), np.asarray(y).astype(str)
        self.classes_ = np.unique(self.y_)
        return self

    def transform(self, users: np.ndarray) -> np.ndarray:
        """(N, K) shares for rows that are not train rows (val, test, a score fold)."""
        return self._shares(self.users_, self.y_, np.asarray(users).astype(str))

    def fit_transform(self, users: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Fit, then (N, K) shares of the train rows themselves, each out of fold."""
        self.fit(users, y)
        fold = np.random.default_rng(self.seed).integers(0, self.n_folds, len(self.y_))
        out = np.empty((len(self.y_), len(self.classes_)))
        for k in range(self.n_folds):
            m = fold == k
            out[m] = self._shares(self.users_[~m], self.y_[~m], self.users_[m])
        return out
