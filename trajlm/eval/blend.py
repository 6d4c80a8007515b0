"""A reliability-gated blend of two next-point predictors (issue 15): kNN continuation (the
base) and a model, mixed per trajectory as ``base + w(x) (model - base)``.

The gate ``w(x) = sigmoid(x . coef + intercept)`` reads reliability features known at query
time (``reliability_features``: how close and how consistent the kNN neighbours were, the
model's own predicted spread, the history's speed, turn and length, and how much the two
disagree). It is fit on the **val** split only (``fit`` refuses test inputs), either by
directly minimising the blended 5-step ADE (``objective="ade"``, a smooth Euclidean error
with an L2 penalty on the standardised features) or as a weighted logistic classifier of
"the model was closer" (``objective="classify"``, weight = |ADE difference|).
``cross_fit_predict`` gives an honest val number: each trajectory's blend comes from a gate
fit without any of that trajectory's windows.

All arrays are metres in one local plane: base, model, target (N, k, 2).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from trajlm.data.retrieval import Retrieved

FEATURE_NAMES = (
    "log kNN distance",  # mean feature distance to the neighbours (m)
    "log kNN spread",  # how far the neighbours' k-th points lie from their median (m)
    "kNN found",  # 0 where the history was too short and kNN fell back to constant velocity
    "log model std",  # the Gaussian head's std of the k-th point (m)
    "log speed",  # last history step, m/s
    "turn",  # |heading change| over the last two history steps (rad)
    "log history length",
    "log disagreement",  # |model - kNN| at the k-th point (m)
)


@dataclass
class BlendInputs:
    """What the gate sees for N queries of one split. ``split`` names where they come from
    (``fit`` refuses "test"); ``groups`` (N,) trajectory ids for cross-fitting; ``target``
    (N, k, 2) only needed to fit."""

    base: np.ndarray
    model: np.ndarray
    features: np.ndarray
    split: str
    groups: np.ndarray | None = None
    target: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.base)

    def subset(self, rows: np.ndarray) -> BlendInputs:
        pick = lambda a: None if a is None else a[rows]  # noqa: E731
        return replace(self, base=self.base[rows], model=self.model[rows],
                       features=self.features[rows], groups=pick(self.groups),
                       target=pick(self.target))  # fmt: skip


def reliability_features(
    hist_xy: np.ndarray,
    lengths: np.ndarray,
    hist_t: np.ndarray,
    retrieved: Retrieved,
    base: np.ndarray,
    model: np.ndarray,
    model_std: np.ndarray | None = None,
) -> np.ndarray:
    """(N, len(FEATURE_NAMES)) gate inputs. hist_xy (N, T, 2) metres, right-padded to
    ``lengths``; hist_t (N, T) seconds; model_std (N, k, 2) metres or None (an "mse" head:
    the feature is 0)."""
    lengths = np.asarray(lengths)
    rows = np.arange(len(hist_xy))
    i1, i2, i3 = lengths - 1, np.maximum(lengths - 2, 0), np.maximum(lengths - 3, 0)
    step = hist_xy[rows, i1] - hist_xy[rows, i2]  # (N, 2)
    prev = hist_xy[rows, i2] - hist_xy[rows, i3]
    dt = np.maximum(hist_t[rows, i1] - hist_t[rows, i2], 1.0)
    speed = np.linalg.norm(step, axis=1) / dt
    turn = np.abs(np.angle(np.exp(1j * (np.arctan2(step[:, 1], step[:, 0])
                                        - np.arctan2(prev[:, 1], prev[:, 0])))))  # fmt: skip
    turn = np.where(lengths >= 3, turn, 0.0)
    found = retrieved.found.astype(np.float64)
    dist = np.where(retrieved.found, np.nan_to_num(retrieved.distance), 0.0)
    spread = np.where(retrieved.found, np.nan_to_num(retrieved.spread), 0.0)
    std = np.zeros(len(base)) if model_std is None else np.linalg.norm(model_std[:, -1], axis=1)
    disagree = np.linalg.norm(model[:, -1] - base[:, -1], axis=1)
    cols = [np.log1p(dist), np.log1p(spread), found, np.log1p(np.nan_to_num(std)),
            np.log1p(speed), turn, np.log(lengths), np.log1p(disagree)]  # fmt: skip
    return np.stack(cols, axis=1)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # exact in [0, 1], no overflow


def row_ade(pred: np.ndarray, target: np.ndarray) -> np.ndarray:
    """(N,) mean Euclidean error over the k steps."""
    return np.linalg.norm(pred - target, axis=-1).mean(1)


class GatedBlend:
    """``base + w(x) (model - base)`` with a learned per-query gate w(x) in [0, 1].

    alpha: L2 penalty on the standardised feature weights (the intercept is free), relative
    to the base's mean ADE, so it is scale-free. ``features``: indices into FEATURE_NAMES to
    use (default all). Deterministic: a fixed start (w = 1/2) and a deterministic optimiser.
    """

    def __init__(
        self, alpha: float = 0.1, objective: str = "ade", features: tuple[int, ...] | None = None
    ) -> None:
        if objective not in ("ade", "classify"):
            raise ValueError(f"objective must be 'ade' or 'classify', got {objective!r}")
        self.alpha, self.objective, self.features = alpha, objective, features

    def _x(self, inputs: BlendInputs) -> np.ndarray:
        x = inputs.features if self.features is None else inputs.features[:, list(self.features)]
        return (x - self.mean_) / self.scale_

    def fit(self, inputs: BlendInputs) -> GatedBlend:
        if inputs.split == "test":
            raise ValueError("GatedBlend.fit on test inputs: fit the gate on val only")
        if inputs.target is None:
            raise ValueError("GatedBlend.fit needs inputs.target")
        x = inputs.features if self.features is None else inputs.features[:, list(self.features)]
        self.mean_ = x.mean(0)
        self.scale_ = np.where(x.std(0) > 1e-9, x.std(0), 1.0)
        x = (x - self.mean_) / self.scale_
        if self.objective == "classify":
            self._fit_classifier(x, inputs)
        else:
            self._fit_ade(x, inputs)
        self.fit_split_ = inputs.split
        return self

    def _fit_classifier(self, x: np.ndarray, inputs: BlendInputs) -> None:
        from sklearn.linear_model import LogisticRegression

        gap = row_ade(inputs.base, inputs.target) - row_ade(inputs.model, inputs.target)
        y = (gap > 0).astype(int)  # 1: the model was closer
        if y.min() == y.max():  # one class only: a constant gate
            self.coef_, self.intercept_ = np.zeros(x.shape[1]), 8.0 * (2 * y[0] - 1)
            return
        # sklearn's C is 1 / penalty on the summed (weighted) loss
        w = np.abs(gap) / max(np.abs(gap).mean(), 1e-9)
        clf = LogisticRegression(C=1.0 / (self.alpha * len(y)), max_iter=1000)
        clf.fit(x, y, sample_weight=w)
        self.coef_, self.intercept_ = clf.coef_[0].astype(np.float64), float(clf.intercept_[0])

    def _fit_ade(self, x: np.ndarray, inputs: BlendInputs) -> None:
        from scipy.optimize import minimize

        base, diff, tgt = inputs.base, inputs.model - inputs.base, inputs.target
        scale = max(row_ade(base, tgt).mean(), 1e-9)  # the loss in units of kNN's ADE
        eps2 = 1.0  # 1 m: smooth at zero error
        n, k = len(base), base.shape[1]

        def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
            coef, b = theta[:-1], theta[-1]
            w = _sigmoid(x @ coef + b)  # (N,)
            err = base + w[:, None, None] * diff - tgt  # (N, k, 2)
            norm = np.sqrt((err**2).sum(-1) + eps2)  # (N, k)
            f = norm.mean() / scale + 0.5 * self.alpha * coef @ coef
            dw = ((err * diff).sum(-1) / norm).sum(1) / (n * k * scale)  # dL/dw (N,)
            dz = dw * w * (1 - w)
            grad = np.concatenate([x.T @ dz + self.alpha * coef, [dz.sum()]])
            return float(f), grad

        res = minimize(loss, np.zeros(x.shape[1] + 1), jac=True, method="L-BFGS-B",
                       options={"maxiter": 500})  # fmt: skip
        self.coef_, self.intercept_ = res.x[:-1], float(res.x[-1])

    def gate(self, inputs: BlendInputs) -> np.ndarray:
        """(N,) blend weights in [0, 1]: 0 is the base, 1 the model."""
        return _sigmoid(self._x(inputs) @ self.coef_ + self.intercept_)

    def predict(self, inputs: BlendInputs) -> np.ndarray:
        """(N, k, 2) blended predictions."""
        return blend(inputs.base, inputs.model, self.gate(inputs))


def blend(base: np.ndarray, model: np.ndarray, w: np.ndarray | float) -> np.ndarray:
    """base + w (model - base), w per row (N,) or one number; w = 0 is base, 1 model, exactly."""
    w = np.broadcast_to(np.asarray(w, np.float64), (len(base),))[:, None, None]
    mixed = np.where(w == 0, base, base + w * (model - base))
    return np.where(w == 1, model, mixed)  # exact at both ends, not up to rounding


def cross_fit_predict(
    est: GatedBlend, inputs: BlendInputs, score_rows: np.ndarray, n_folds: int = 5, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold (blend, gate) for ``score_rows`` of ``inputs``: trajectories (``groups``)
    are dealt into ``n_folds`` folds; each fold's rows are predicted by a gate fit on every
    row (all windows) of the other folds' trajectories."""
    if inputs.groups is None:
        raise ValueError("cross_fit_predict needs inputs.groups (trajectory ids)")
    uniq = np.unique(inputs.groups)
    fold_of = dict(zip(uniq, np.random.default_rng(seed).permutation(len(uniq)) % n_folds,
                       strict=True))  # fmt: skip
    fold = np.array([fold_of[g] for g in inputs.groups])
    score_rows = np.asarray(score_rows)
    out = np.empty_like(inputs.base[score_rows])
    gates = np.empty(len(score_rows))
    for f in range(n_folds):
        held = fold[score_rows] == f
        if not held.any():
            continue
        model = GatedBlend(est.alpha, est.objective, est.features).fit(
            inputs.subset(np.flatnonzero(fold != f))
        )
        part = inputs.subset(score_rows[held])
        out[held], gates[held] = model.predict(part), model.gate(part)
    return out, gates
