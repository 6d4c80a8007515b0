"""Modes persist across a user's consecutive segments: a causal forward filter (issue 15, session 10).

On GeoLife's ``user_time`` train + val, a segment has its predecessor's (same user, previous in
time) mode 82 % of the time, 97 % when the gap between them is 5-30 min (docs/modes.md, "Session
10"). A per-segment classifier ignores that. ``ModeSequenceFilter`` is a hidden Markov model over
each user's segments in start-time order: hidden state = the mode, emission = the classifier's
probabilities divided by the train class shares (a scaled likelihood) raised to ``power`` (< 1
tempers an over-confident GB), transitions = train counts of (previous mode -> mode) per bin of
the gap between the two segments. The forward pass is *causal*: a segment's posterior uses its
own features and the segments before it, never a later one (tested).

Labelled history: the train segments' labels are known, so a chain restarts at each train segment
as a one-hot state; query segments (val, test, a score fold) are never read for labels. A query
passed together with the segments between it and the last train segment of its user (e.g. val +
test together) chains through them unlabelled, as a deployed filter would.

Optional ``user_gamma`` (default 0: off) multiplies each emission by (the user's smoothed train
mode mix / the global mix) ** gamma, the session-9 user prior moved from GB's inputs into the
filter.

    f = ModeSequenceFilter().fit(users, t_start, t_end, y)          # train segments
    post = f.filter(proba, q_users, q_start, q_end, classes=gb.classes_)
    clf = SequenceFilteredClassifier(FeatureGBClassifier()).fit(train)
    p = clf.predict_proba(pl.concat([val, test]))                  # rows in sorted segment ids
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from trajlm.data.segments import segment_labels

GAP_BINS_S = (300.0, 1800.0, 3600.0, 10800.0, 43200.0, 86400.0, 604800.0)


def segment_times(segments: pl.DataFrame, group_col: str = "user_id") -> dict[str, np.ndarray]:
    """``{"ids", "users", "t_start", "t_end"}`` per segment, sorted segment-id order."""
    if group_col not in segments.columns:
        raise ValueError(f"the sequence filter needs a {group_col!r} column per point")
    g = (
        segments.group_by("traj_id")
        .agg(
            pl.col("t").min().alias("t0"),
            pl.col("t").max().alias("t1"),
            pl.col(group_col).first().cast(pl.Utf8).alias("u"),
        )  # fmt: skip
        .sort("traj_id")
    )
    return {"ids": g["traj_id"].to_numpy(), "users": g["u"].to_numpy().astype(str),
            "t_start": g["t0"].to_numpy().astype(np.float64),
            "t_end": g["t1"].to_numpy().astype(np.float64)}  # fmt: skip


class ModeSequenceFilter:
    """Causal HMM forward filter over each user's segments (see the module docstring)."""

    def __init__(
        self,
        gap_bins_s: tuple[float, ...] = GAP_BINS_S,
        power: float = 0.75,
        alpha: float = 1.0,
        user_gamma: float = 0.0,
        user_alpha: float = 5.0,
    ) -> None:
        self.gap_bins_s, self.power, self.alpha = tuple(gap_bins_s), power, alpha
        self.user_gamma, self.user_alpha = user_gamma, user_alpha

    def _bin(self, gap: float) -> int:
        return int(np.searchsorted(np.asarray(self.gap_bins_s), gap, side="right"))

    def fit(
        self, users: np.ndarray, t_start: np.ndarray, t_end: np.ndarray, y: np.ndarray,
        classes: np.ndarray | None = None,
    ) -> ModeSequenceFilter:  # fmt: skip
        """Class shares, per-gap-bin transition matrices and the labelled history (train rows)."""
        y = np.asarray(y).astype(str)
        self.classes_ = np.unique(y) if classes is None else np.asarray(classes).astype(str)
        k = len(self.classes_)
        yi = np.searchsorted(self.classes_, y)
        if not np.array_equal(self.classes_[np.minimum(yi, k - 1)], y):
            raise ValueError("a train label is not among `classes`")
        self.h_users_, self.h_y_ = np.asarray(users).astype(str), yi
        self.h_t0_, self.h_t1_ = np.asarray(t_start, float), np.asarray(t_end, float)
        self.pi_ = np.bincount(yi, minlength=k) / max(1, len(yi))
        counts = np.zeros((len(self.gap_bins_s) + 1, k, k))
        for u in np.unique(self.h_users_):
            o = np.flatnonzero(self.h_users_ == u)
            o = o[np.argsort(self.h_t0_[o], kind="stable")]
            for a, b in zip(o[:-1], o[1:], strict=True):
                counts[self._bin(self.h_t0_[b] - self.h_t1_[a]), yi[a], yi[b]] += 1
        counts += self.alpha * k * self.pi_[None, None, :]  # smoothed toward the class shares
        self.transitions_ = counts / counts.sum(2, keepdims=True)
        self.user_mix_ = {
            u: (np.bincount(yi[self.h_users_ == u], minlength=k) + self.user_alpha * self.pi_)
            / ((self.h_users_ == u).sum() + self.user_alpha)
            for u in np.unique(self.h_users_)
        }
        return self

    def filter(
        self, proba: np.ndarray, users: np.ndarray, t_start: np.ndarray, t_end: np.ndarray,
        classes: np.ndarray | None = None,
    ) -> np.ndarray:  # fmt: skip
        """(N, K) posteriors of the query rows (columns ``classes_``); ``proba`` (N, K) in
        ``classes`` column order (default ``classes_``)."""
        p = np.asarray(proba, float)
        if classes is not None:
            given = [str(c) for c in classes]
            p = p[:, [given.index(c) for c in self.classes_]]
        users = np.asarray(users).astype(str)
        pi = np.clip(self.pi_, 1e-6, None)
        e = (np.clip(p, 1e-6, 1.0) / pi) ** self.power
        if self.user_gamma:
            for u in np.unique(users):
                e[users == u] *= (self.user_mix_.get(u, self.pi_) / pi) ** self.user_gamma
        k, n_h = len(self.classes_), len(self.h_users_)
        all_u = np.concatenate([self.h_users_, users])
        t0 = np.concatenate([self.h_t0_, np.asarray(t_start, float)])
        t1 = np.concatenate([self.h_t1_, np.asarray(t_end, float)])
        out = np.empty((len(users), k))
        for u in np.unique(users):
            o = np.flatnonzero(all_u == u)
            o = o[np.lexsort((o, t0[o]))]  # time order; ties: history first
            state, prev = None, None
            for i in o:
                if i < n_h:
                    state = np.eye(k)[self.h_y_[i]]
                else:
                    prior = pi if state is None else state @ self.transitions_[
                        self._bin(t0[i] - t1[prev])]  # fmt: skip
                    state = e[i - n_h] * prior
                    state = state / state.sum()
                    out[i - n_h] = state
                prev = i
        return out


class SequenceFilteredClassifier:
    """A segment classifier (``fit`` / ``predict_proba`` / ``classes_``) + ModeSequenceFilter.

    ``fit(train)`` fits the base classifier and the filter on the train segments;
    ``predict_proba(segments)`` filters the base probabilities over the given segments in each
    user's time order (pass every segment since the end of train, e.g. val + test, and select the
    rows wanted: rows follow the sorted segment ids).
    """

    def __init__(self, base: Any, seq: ModeSequenceFilter | None = None, name: str | None = None):
        self.base, self.seq = base, seq if seq is not None else ModeSequenceFilter()
        self.name = name or f"{base.name} + sequence filter"

    def fit(
        self, train: pl.DataFrame, val: pl.DataFrame | None = None
    ) -> SequenceFilteredClassifier:
        if not hasattr(self.base, "classes_"):
            self.base.fit(train, val)
        self.classes_ = np.asarray([str(c) for c in self.base.classes_])
        m = segment_times(train)
        self.seq.fit(m["users"], m["t_start"], m["t_end"], segment_labels(train), self.classes_)
        return self

    def predict_proba(self, segments: pl.DataFrame) -> np.ndarray:
        m = segment_times(segments)
        return self.seq.filter(self.base.predict_proba(segments), m["users"], m["t_start"],
                               m["t_end"], self.classes_)  # fmt: skip

    def classify(self, segments: pl.DataFrame) -> np.ndarray:
        return self.classes_[self.predict_proba(segments).argmax(1)].astype(str)
