"""kNN continuation shrunk per query by geostop26's scale head, as one more prediction-verdict
engine (session 27, scaleengine27; issue 15).

geostop26 (``trajlm.eval.stop_head``) regresses, per query, the MAE-optimal factor by which to
shrink kNN continuation's path (``last + s x (kNN - last)``) from the history, the asked times
and kNN's answer; on GeoLife test it read -3.5 % vs kNN (CI below 0), opt-in. Here it becomes
the engine "kNN scaled [time]" of `trajlm train`'s val verdict (eval/predict_verdict.py):

- **Fit at train time, on TRAIN only** (``fit_scaled``): the train trips sorted by their first
  fix into ``BLOCKS`` time-ordered blocks (walkers.time_blocks); the last ``FOLDS`` blocks are
  the head's rows, each answered by a kNN (the verdict's tuned settings) indexed on the blocks
  before it, so no row's kNN reads its own future; up to ``WINDOWS`` windows a trip, at most
  ``MAX_ROWS`` rows (seeded). The head's hyper-parameters are geostop26's, fixed.
- **Chosen only where val shows it** (``scaled_candidate``): scored on the val trips the other
  engines are scored on, it answers only where the paired bootstrap 95 % upper bound of its val
  ADE over the engine the verdict chose without it (the model or the best baseline) is under
  1: the verdict's own guarded rule with the scaled engine as the challenger.
- **Skipped, with the reason saved**, on trains under ``MIN_TRIPS`` trips or ``MIN_ROWS`` rows
  (the folds would hold a handful of trips: a head fitted on them is noise), and where the fit
  ran past ``FIT_CAP_S`` seconds.
- **Saved without pickle** (``Forest``): the boosted trees as a Parquet table of numbers (one
  row per node: feature, threshold, children, leaf value), SHA-1 checked like kNN's windows,
  evaluated in numpy (the same numbers as scikit-learn's ``predict``, tested). Refitting at
  load was the other choice: it needs the train store at every load and ~10-60 s of CPU, and a
  copied run folder has no store; the trees are ~200 x 29 rows.
- **Asked times**: like the verdict's "[time]" engines it reads the asked times (three of the
  head's 16 features: the asked 5th time, its ratio to the history's clock, constant velocity's
  displacement at it); ``trajlm eval`` gives it the true target times, as it gives every [time]
  baseline; ``predict(steps=k)`` asks at the history's median interval (then those features are
  geostop26's ``timeless`` ones); ``at_times`` / ``seconds_ahead`` are read as asked.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

# the head's module (and scikit-learn) load where the engine is fitted or answers: the verdict
# modules import this one for its names, and a plain from_pretrained loads no sklearn (newuser24)

SCALED = "kNN scaled [time]"  # also in predict_verdict.ENGINES (the names a verdict holds)
SCALE_NAME = "val_verdict_scale.parquet"
BLOCKS, FOLDS, WINDOWS = 5, 3, 8  # geostop26's folds (walk25's scheme)
MIN_TRIPS = 100  # train trips: fewer leaves each fold ~20 trips, ~150 head rows
MIN_ROWS = 500
MAX_ROWS = 40_000  # GeoLife's folds give ~13k; the HGB fit is linear in rows
FIT_CAP_S = 300.0  # wall-clock guard on the folds + fit (said where it acts)
SHRINK_SPAN = 1.5  # stop_head.SHRINK_GRID's 0 .. 1.5: the baseline and any leaf lie within it
_COLUMNS = ("tree", "node", "feature", "threshold", "missing_left", "left", "right", "leaf",
            "value")  # fmt: skip


# ------------------------------------------------------------------------------ the trees
class Forest:
    """A fitted HistGradientBoostingRegressor's trees as arrays: predict = baseline + the sum
    over trees of the leaf each row reaches (x <= threshold goes left; NaN as at fit)."""

    def __init__(self, table: pl.DataFrame, baseline: float) -> None:
        t = table.sort("tree", "node")
        tree = t["tree"].to_numpy().astype(np.int64)
        starts = np.searchsorted(tree, np.unique(tree))
        offset = starts[np.searchsorted(np.unique(tree), tree)]
        self.roots = starts
        self.feature = t["feature"].to_numpy().astype(np.int64)
        self.threshold = t["threshold"].to_numpy().astype(np.float64)
        self.missing_left = t["missing_left"].to_numpy().astype(bool)
        self.left = t["left"].to_numpy().astype(np.int64) + offset
        self.right = t["right"].to_numpy().astype(np.int64) + offset
        self.leaf = t["leaf"].to_numpy().astype(bool)
        self.value = t["value"].to_numpy().astype(np.float64)
        self.baseline = float(baseline)
        self.n_features = int(self.feature[~self.leaf].max()) + 1 if (~self.leaf).any() else 0

    @classmethod
    def from_hgb(cls, est: Any) -> Forest:
        """From a fitted scikit-learn HistGradientBoostingRegressor (numerical features)."""
        parts = []
        for i, (tree,) in enumerate(est._predictors):
            n = tree.nodes
            parts.append(pl.DataFrame({
                "tree": np.full(len(n), i, np.int32), "node": np.arange(len(n), dtype=np.int32),
                "feature": n["feature_idx"].astype(np.int32), "threshold": n["num_threshold"],
                "missing_left": n["missing_go_to_left"].astype(bool),
                "left": n["left"].astype(np.int32), "right": n["right"].astype(np.int32),
                "leaf": n["is_leaf"].astype(bool), "value": n["value"]}))  # fmt: skip
        return cls(pl.concat(parts), float(np.ravel(est._baseline_prediction)[0]))

    def table(self) -> pl.DataFrame:
        """The nodes as saved (local child indices per tree)."""
        tree = np.repeat(np.arange(len(self.roots)), np.diff(np.r_[self.roots, len(self.leaf)]))
        off = self.roots[tree]
        return pl.DataFrame({
            "tree": tree.astype(np.int32), "node": (np.arange(len(tree)) - off).astype(np.int32),
            "feature": self.feature.astype(np.int32), "threshold": self.threshold,
            "missing_left": self.missing_left, "left": (self.left - off).astype(np.int32),
            "right": (self.right - off).astype(np.int32), "leaf": self.leaf, "value": self.value})  # fmt: skip

    def predict(self, x: np.ndarray) -> np.ndarray:
        """(N,) for features x (N, n_features)."""
        x = np.asarray(x, np.float64)
        node = np.broadcast_to(self.roots, (len(x), len(self.roots))).copy()
        rows = np.arange(len(x))[:, None]
        while not (done := self.leaf[node]).all():
            f = self.feature[node]
            v = x[rows, np.where(done, 0, f)]
            go_left = np.where(np.isnan(v), self.missing_left[node], v <= self.threshold[node])
            node = np.where(done, node, np.where(go_left, self.left[node], self.right[node]))
        return self.baseline + self.value[node].sum(1)


def forest_ok(table: pl.DataFrame) -> bool:
    """A saved forest table is whole: its columns, finite numbers, children inside each tree."""
    from trajlm.eval.stop_head import FEATURES

    if any(c not in table.columns for c in _COLUMNS) or table.height == 0:
        return False
    t = table.sort("tree", "node")
    size = t.group_by("tree", maintain_order=True).len()["len"].to_numpy()
    per = np.repeat(size, size)
    inner = ~t["leaf"].to_numpy().astype(bool)
    kids = np.concatenate([t["left"].to_numpy()[inner], t["right"].to_numpy()[inner]])
    feats = t["feature"].to_numpy()[inner]
    node = np.tile(t["node"].to_numpy()[inner], 2)
    value = t["value"].to_numpy()
    # badin27: a child at or before its parent (scikit-learn numbers them after it) looped
    # Forest.predict for ever; a NaN threshold sent every row right, a leaf of 1e308
    # overflowed: a shrink's step is within the grid's span
    return bool(
        np.isfinite(value).all()
        and (np.abs(value[~inner]) <= SHRINK_SPAN).all()  # leaves: what predict adds
        and (kids >= 0).all()
        and (kids < np.concatenate([per[inner], per[inner]])).all()
        and (kids > node).all()
        and not np.isnan(t["threshold"].to_numpy()[inner]).any()
        and ((feats >= 0) & (feats < len(FEATURES))).all()
    )


# ------------------------------------------------------------------------------ answering
def to_horizon(
    t: np.ndarray, lengths: np.ndarray, t_future: np.ndarray, horizon: int
) -> np.ndarray:
    """Asked times (N, k) carried on to ``horizon`` steps at the asked steps' own pace: the
    head was fitted on 5-step asks (its asked-time features read the 5th)."""
    k = t_future.shape[1]
    if k >= horizon:
        return t_future[:, :horizon]
    last = np.asarray(t, np.float64)[np.arange(len(t)), np.asarray(lengths) - 1]
    pace = (t_future[:, -1] - last) / k
    return np.concatenate(
        [t_future, t_future[:, -1:] + pace[:, None] * np.arange(1, horizon - k + 1)], 1
    )


class ScaledKNN:
    """kNN continuation (``knn``: anything with ``predict(xy, lengths, k, t, t_future[, keys])``
    in metres: a fitted KNNContinuation, or the verdict's saved one) shrunk per query by the
    scale head (``forest``), at the baselines' array level."""

    name = display_name = SCALED

    def __init__(self, knn: Any, forest: Forest, horizon: int = 5) -> None:
        self.knn, self.forest, self.horizon = knn, forest, int(horizon)
        self.projection_ = getattr(knn, "projection_", None)

    def shrink(self, xy: np.ndarray, lengths: np.ndarray, t: np.ndarray, t_future: np.ndarray,
               knn: np.ndarray) -> np.ndarray:  # fmt: skip
        """(N,) the head's factor for each query, clipped to the grid it was fitted on."""
        from trajlm.eval.stop_head import SHRINK_GRID, history_features

        feats = history_features(xy, t, lengths, t_future, knn)
        return np.clip(self.forest.predict(feats), SHRINK_GRID[0], SHRINK_GRID[-1])

    def predict(self, xy: np.ndarray, lengths: np.ndarray, k: int, t: np.ndarray,
                t_future: np.ndarray, keys: np.ndarray | None = None) -> np.ndarray:  # fmt: skip
        xy, lengths = np.asarray(xy, np.float64), np.asarray(lengths)
        ask = to_horizon(t, lengths, np.asarray(t_future, np.float64), self.horizon)
        extra = {} if keys is None else {"keys": keys}
        pts = np.asarray(self.knn.predict(xy, lengths, self.horizon, t, ask, **extra))
        last = xy[np.arange(len(xy)), lengths - 1]
        s = self.shrink(xy, lengths, t, ask, pts)
        return (last[:, None] + s[:, None, None] * (pts - last[:, None]))[:, :k]


# ------------------------------------------------------------------------------ fitting
def skip_reason(train: pl.DataFrame) -> str | None:
    """Why the head is not fitted on this train split (None: it is)."""
    n = train["traj_id"].n_unique() if train.height else 0
    if n < MIN_TRIPS:
        return f"train has {n} trips, under the {MIN_TRIPS} its time-ordered folds need"
    return None


def head_rows(train: pl.DataFrame, knn: Any, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(features, MAE-optimal shrinks) of the fold windows: train's last FOLDS time blocks,
    each answered by a kNN of ``knn``'s settings indexed on the blocks before it."""
    from trajlm.data.protocol_tasks import make_prediction_task
    from trajlm.eval import baselines as B
    from trajlm.eval.stop_head import FEATURES, history_features, optimal_shrink
    from trajlm.eval.walkers import time_blocks

    proj, h = knn.projection_, int(knn.horizon)
    blocked = time_blocks(train, BLOCKS)
    feats, labels = [], []
    for b in range(BLOCKS - FOLDS, BLOCKS):
        lib = blocked.filter(pl.col("_b") < b).drop("_b")
        task = make_prediction_task(blocked.filter(pl.col("_b") == b).drop("_b"), k=h,
                                    windows=WINDOWS)  # fmt: skip
        if not len(task.lengths) or not lib.height:
            continue
        fold = B.KNNContinuation(knn.n_neighbors, knn.history, h, knn.aggregate,
                                 random_state=seed).fit(lib, proj)  # fmt: skip
        xy, t0 = task.xy(proj), task.hist_t[:, :1]
        ht, tt = task.hist_t - t0, task.target_t - t0
        pts = fold.predict(xy, task.lengths, h, ht, tt)
        last = xy[np.arange(len(xy)), task.lengths - 1]
        tx, ty = proj.forward(task.target_latlon[..., 0], task.target_latlon[..., 1])
        feats.append(history_features(xy, ht, task.lengths, tt, pts))
        labels.append(optimal_shrink(last, pts - last[:, None], np.stack([tx, ty], -1)))
    if not feats:
        return np.zeros((0, len(FEATURES))), np.zeros(0)
    x, y = np.concatenate(feats), np.concatenate(labels)
    if len(y) > MAX_ROWS:
        keep = np.sort(np.random.default_rng(seed).choice(len(y), MAX_ROWS, replace=False))
        x, y = x[keep], y[keep]
    return x, y


def fit_scaled(train: pl.DataFrame, knn: Any, seed: int = 0) -> tuple[ScaledKNN | None, dict]:
    """The engine fitted on ``train`` around the verdict's fitted kNN (``knn``), and what the
    fit did ({"rows", "fit_s"}, or {"skipped": reason})."""
    from trajlm.eval.stop_head import fit_scale_head

    if (why := skip_reason(train)) is not None:
        return None, {"skipped": why}
    start = time.perf_counter()
    x, y = head_rows(train, knn, seed)
    if len(y) < MIN_ROWS:
        return None, {"skipped": f"its folds hold {len(y)} windows, under {MIN_ROWS}"}
    if (spent := time.perf_counter() - start) > FIT_CAP_S:
        return None, {"skipped": f"its folds took {spent:.0f} s, past the {FIT_CAP_S:.0f} s cap"}
    forest = Forest.from_hgb(fit_scale_head(x, y, seed))
    info = {"rows": len(y), "fit_s": round(time.perf_counter() - start, 2), "seed": seed}
    return ScaledKNN(knn, forest, int(knn.horizon)), info


def scaled_candidate(train: pl.DataFrame, task: Any, ests: dict, steps: dict, answer: Any,
                     chosen_err: np.ndarray, ok: np.ndarray, chosen: str) -> dict:  # fmt: skip
    """Fit the engine around ``ests``'s kNN continuation, score it on ``task`` (val) and say
    whether it answers: the 95 % upper bound of its val ADE over ``chosen``'s (``chosen_err``,
    per trip) under 1. Adds it to ``ests`` and its per-step errors to ``steps`` (its spread is
    then measured with the others'); ``answer(est) -> (N, k, 2)`` lat/lon as the verdict's.
    Returns {"val_scaled": ...} (or {} without a kNN to scale)."""
    from trajlm.eval import metrics as M
    from trajlm.eval.compare import paired_bootstrap_ratio

    knn = ests.get("kNN continuation")
    if knn is None:
        return {}
    try:
        est, info = fit_scaled(train, knn)
    except ValueError as e:  # a split the head cannot fit (one shrink everywhere): said
        est, info = None, {"skipped": f"the head could not be fitted ({e})"}
    if est is None:
        return {"val_scaled": info}
    est.projection_ = knn.projection_
    e = M.point_errors(answer(est), task.target_latlon)
    mine = e.mean(1)
    if not np.isfinite(mine[ok]).all():
        return {"val_scaled": info | {"skipped": "non-finite answers on val"}}
    steps[SCALED], ests[SCALED] = e, est
    r = paired_bootstrap_ratio(mine[ok], chosen_err[ok])
    return {"val_scaled": info | {
        "val_ade_m": float(mine[ok].mean()), "vs": chosen, "ratio": float(r["ratio"]),
        "lo": float(r["lo"]), "hi": float(r["hi"]), "answers": bool(r["hi"] < 1)}}  # fmt: skip


# ------------------------------------------------------------------------------ saved
def scale_params(check: dict, est: ScaledKNN) -> dict:
    """The verdict's "scale" entry (the table's SHA-1 is added when it is saved)."""
    from trajlm.eval.stop_head import FEATURES

    s = check["val_scaled"]
    return {"baseline": est.forest.baseline, "features": list(FEATURES), "rows": s["rows"],
            "fit_s": s["fit_s"], "n_trees": len(est.forest.roots)}  # fmt: skip


def scale_fields_ok(v: dict) -> bool:
    """A saved scaled verdict has its forest's entry (badin-style hand edits: False)."""
    from trajlm.eval.stop_head import FEATURES

    s = v.get("scale")
    return (
        isinstance(s, dict)
        and isinstance(s.get("table_sha1"), str)
        and isinstance(s.get("baseline"), int | float)
        and not isinstance(s.get("baseline"), bool)
        and bool(np.isfinite(s["baseline"]))
        and 0.0 <= s["baseline"] <= SHRINK_SPAN  # badin27: a median of the grid's shrinks
        and s.get("features") == list(FEATURES)
    )


def load_scaled(path: Path, baseline: float, knn: Any, horizon: int) -> ScaledKNN:
    """The verdict's engine from its saved trees (``path``, SHA-1 checked by the caller:
    predict_verdict.load_index) around its saved kNN (``knn``: the verdict's kNN answering at
    the array level)."""
    from trajlm.errors import TrajlmInputError

    table = pl.read_parquet(path)
    if not forest_ok(table):
        raise TrajlmInputError(f"{path}: not a scale head this trajlm reads; train again")
    return ScaledKNN(knn, Forest(table, baseline), horizon)


__all__ = ["FIT_CAP_S", "Forest", "MIN_TRIPS", "SCALED", "SCALE_NAME", "ScaledKNN", "fit_scaled",
           "forest_ok", "head_rows", "load_scaled", "scale_fields_ok", "scale_params",
           "scaled_candidate", "skip_reason"]  # fmt: skip
