"""Transport-mode classification (PROTOCOL.md task 4): features, baseline, harness (the segments
are cut by trajlm.data.segments, re-exported here).

Pipeline on GeoLife:

    df, _ = read(root / "geolife" / "Data", "geolife", on_error="skip")  # per-point `label`
    df, _ = clean(df, PRESETS["geolife"])          # thin >= 15 s, split at 300 s, >= 10 points
    result = run_classify_eval(df)                 # segments -> split -> features -> GB

Labelling happens on the raw points (the reader joins labels.txt intervals to every fix), then
the protocol's cleaning runs on whole trajectories, and only then are segments of constant class
cut. So segment points have the same >= 15 s spacing as every other GeoLife task, and a segment
never spans a > 300 s gap. A segment is a maximal run of consecutive points of one trajectory
with the same *mapped* class (a subway leg straight into a train leg is one "rail" segment);
unlabelled points (time that was walking or not annotated: the shared copy has no `walk` rows)
break runs and are not a class.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import polars as pl

# moved to trajlm/data/motion_features.py (the hybrid classifier head needs them); re-exported
from trajlm.data.motion_features import (  # noqa: F401
    STOP_SPEED_MPS,
    segment_features,
)

# moved to trajlm/data/segments.py (the classifier needs them too); re-exported for old callers
from trajlm.data.segments import (  # noqa: F401
    CLASS_MAP,
    make_mode_segments,
    segment_labels,
    split_segments,
)
from trajlm.eval.classify_ensembles import MeanEnsemble, ProbabilityEnsemble  # noqa: F401
from trajlm.eval.classify_gb import FeatureGBClassifier  # noqa: F401
from trajlm.eval.classify_notes import dropped_classes
from trajlm.eval.report import METRIC_COLUMNS, EvalResult, add_differences, git_commit

for _k, _col in {
    "accuracy_pct": ("accuracy (%)", "{:.1f}"),
    "macro_f1_pct": ("macro-F1 (%)", "{:.1f}"),
}.items():  # let EvalResult.to_markdown show these columns
    METRIC_COLUMNS.setdefault(_k, _col)


# ------------------------------------------------------------------------------- models


class ClassifierModel(Protocol):
    """What ``run_classify_eval`` calls. ``fit`` is optional (checked with hasattr)."""

    name: str

    def classify(self, segments: pl.DataFrame) -> np.ndarray:
        """(N,) class strings, rows in sorted segment-id order."""
        ...


class MajorityClassifier:
    """Always the most frequent train class: the floor any model must beat."""

    name = "majority class"

    def fit(self, train: pl.DataFrame, val: pl.DataFrame | None = None) -> MajorityClassifier:
        labels, counts = np.unique(segment_labels(train), return_counts=True)
        self.class_ = str(labels[np.argmax(counts)])
        return self

    def classify(self, segments: pl.DataFrame) -> np.ndarray:
        return np.full(segments["traj_id"].n_unique(), self.class_)


# ------------------------------------------------------------------------------ metrics


def classification_metrics(
    pred: np.ndarray, true: np.ndarray, classes: list[str]
) -> tuple[dict[str, float], np.ndarray]:
    """Accuracy, macro-F1 and per-class F1 in %, and the confusion matrix (true x pred).

    Macro-F1 averages over the classes present in ``true`` (a class absent from the test split
    has no F1; its entry is NaN), so it stays comparable when a split lacks a class.
    """
    from sklearn.metrics import confusion_matrix, f1_score

    pred, true = np.asarray(pred).astype(str), np.asarray(true).astype(str)
    f1 = f1_score(true, pred, labels=classes, average=None, zero_division=0)
    present = np.isin(classes, true)
    f1 = np.where(present, f1, np.nan)
    m = {"accuracy_pct": float(np.mean(pred == true) * 100.0)}
    m["macro_f1_pct"] = float(np.mean(f1[present]) * 100.0) if present.any() else float("nan")
    m.update({f"f1_{c}_pct": float(v * 100.0) for c, v in zip(classes, f1, strict=True)})
    return m, confusion_matrix(true, pred, labels=classes)


def save_confusion_png(cm: np.ndarray, classes: list[str], title: str, path: Path) -> None:
    """Row-normalized confusion matrix heat map with counts, as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    frac = cm / np.maximum(cm.sum(axis=1, keepdims=True), 1)
    fig, ax = plt.subplots(figsize=(4.2, 3.8), dpi=120)
    ax.imshow(frac, cmap="Blues", vmin=0, vmax=1)
    for i, j in np.ndindex(cm.shape):
        ax.text(j, i, str(cm[i, j]), ha="center", va="center",
                color="white" if frac[i, j] > 0.5 else "black")  # fmt: skip
    ax.set_xticks(range(len(classes)), classes)
    ax.set_yticks(range(len(classes)), classes)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


# ------------------------------------------------------------------------------ harness


def run_classify_eval(
    df: pl.DataFrame,
    models: tuple[Any, ...] = (),
    seeds: tuple[int, ...] = (0, 1, 2),
    out: str | Path | None = None,
    class_map: Mapping[str, str] = CLASS_MAP,
    min_points: int = 10,
    split_by: str = "time",
    verbose: bool = True,
    score_on: str = "test",  # issue 15: "val" while tuning, so test is read once
    parts: Mapping[str, pl.DataFrame] | None = None,
) -> EvalResult:
    """Cut segments, split them by time, fit the baselines on train, score everything on test.

    ``df`` is a cleaned canonical table with a per-point ``label``. Baselines: majority class,
    and ``FeatureGBClassifier`` (plain and class-balanced) refit for each seed in ``seeds``
    (its ``random_state``; mean ± std). ``models`` are ``ClassifierModel`` objects (or lists of them:
    seed replicates of one method, reported as mean ± std), fitted with ``fit(train, val)``
    when they have it. ``split_by``: see ``split_segments``. ``score_on="val"`` scores on val instead of test (tuning). With ``out``, writes ``eval_classify.json``/``.md``
    and one confusion-matrix PNG per method. ``parts``: the caller's own train / val / test
    segments (session 21: `trajlm eval --test-data` / `--split-by source`), used as given;
    ``df`` then only names the classes dropped. With ``parts`` the baselines include GB tuned
    by grouped CV on train (``TunedGBClassifier``, up to TUNE_MAX_SEGMENTS train segments).
    """
    given_parts = parts is not None
    if parts is None:
        segments, seg_report = make_mode_segments(df, class_map, min_points)
        parts = split_segments(segments, split_by)
    else:
        segments = pl.concat([p for p in parts.values() if len(p)], how="diagonal_relaxed")
        seg_report = None
    if score_on not in ("val", "test"):
        raise ValueError(f'score_on must be "val" or "test", got {score_on!r}')
    train, val, test = parts["train"], parts["val"], parts[score_on]
    if len(train) == 0 or len(test) == 0:
        raise ValueError("classification needs non-empty train and test splits of segments")
    present = set(segments["label"].unique().to_list())
    classes = sorted(set(class_map.values()) & present)  # "N classes": those with segments
    y_test = segment_labels(test)
    runs: list[tuple[str, list[Any]]] = [("majority class", [MajorityClassifier()])]
    for cw in (None, "balanced"):
        gbs = [FeatureGBClassifier(class_weight=cw, random_state=s) for s in seeds]
        runs.append((gbs[0].name, gbs))
    if given_parts:  # whole labelled trajectories (small sets): GB tuned by grouped CV too
        from trajlm.eval.classify_gb_cv import TUNE_MAX_SEGMENTS, TunedGBClassifier

        if train["traj_id"].n_unique() <= TUNE_MAX_SEGMENTS:
            tuned = [TunedGBClassifier(random_state=s) for s in seeds]
            runs.append((tuned[0].name, tuned))
    baselines = {name for name, _ in runs}  # refit for each of ``seeds``
    for m in models:  # a list / tuple of models = seed replicates of one method (mean ± std)
        group = list(m) if isinstance(m, (list, tuple)) else [m]
        runs.append((group[0].name, group))
    rows, cms = [], {}
    for name, ms in runs:
        scores, fit_s, pred_s, cm_sum, hits = [], [], [], 0, []
        for m in ms:
            t0 = time.perf_counter()
            if hasattr(m, "fit"):
                m.fit(train, val)
            t1 = time.perf_counter()
            pred = m.classify(test)
            fit_s.append(t1 - t0)
            pred_s.append(time.perf_counter() - t1)
            s, cm = classification_metrics(pred, y_test, classes)
            scores.append(s)
            hits.append(np.asarray(pred) == np.asarray(y_test))  # (N,) per test segment
            cm_sum = cm_sum + cm
        mean = {k: float(np.mean([s[k] for s in scores])) for k in scores[0]}
        std = {k: float(np.std([s[k] for s in scores])) for k in scores[0]}  # NaN: class absent
        cms[name] = cm_sum
        rows.append(
            {"setting": f"{len(classes)} classes, split by {split_by}"
                        + (" (SCORED ON VAL)" if score_on == "val" else ""), "method": name, "metrics": mean,
             "std": std if len(ms) > 1 else None, "n_trajectories": len(y_test),
             "n_points": len(test), "fit_s": float(np.mean(fit_s)),
             "predict_s": float(np.mean(pred_s)),
             "params": {"runs": len(ms), "confusion_matrix_sum_over_runs": cm_sum.tolist(),
                        "classes": classes},
             "_per_item": np.mean(hits, 0)}  # for the CI to the best baseline
        )  # fmt: skip
    counts = {
        s: dict(zip(*np.unique(segment_labels(p), return_counts=True), strict=True))
        if len(p)
        else {}
        for s, p in parts.items()
    }
    meta = {
        "n_trajectories": int(segments["traj_id"].n_unique()),
        "n_points": len(segments),
        "split_sizes": {
            s: {"n_trajectories": p["traj_id"].n_unique(), "n_points": len(p)}
            for s, p in parts.items()
        },
        "class_counts": {s: {str(k): int(v) for k, v in c.items()} for s, c in counts.items()},
        "segment_report": seg_report.to_dict() if seg_report is not None else None,
        "class_map": dict(class_map),
        "split_by": split_by,
        "scored_on": score_on,
        "seeds": {
            name: [getattr(m, "seed", None) for m in ms] if name not in baselines else list(seeds)
            for name, ms in runs
            if name != "majority class"
        },
        "dropped_classes": dropped_classes(df, segments, class_map),
        "git_commit": git_commit(),
    }
    result = EvalResult("classify", rows, meta)
    add_differences(result, "accuracy_pct", baselines)  # paired bootstrap CI (leftovers15)
    if out is not None:
        result.save(out)
        for name, cm in cms.items():
            slug = "".join(ch if ch.isalnum() else "_" for ch in name).strip("_")
            save_confusion_png(cm, classes, f"{name} (test, summed over runs)",
                               Path(out) / f"confusion_{slug}.png")  # fmt: skip
    if verbose:
        print(result.to_markdown())
    return result
