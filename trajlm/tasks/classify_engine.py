"""The engine a saved classifier answers with (session 23, classify23).

`trajlm finetune --task classify` holds the fine-tuned model against gradient boosting on the
segment features (the fair GB, fitted on the same train split); unless the model is reliably
above it on val, the folder answers with GB (``classifier.json`` ``"engine": "gb"``) and says
so in every answer; the fine-tuned model is stored beside it (``engine="model"`` reads it).

Pickle-free: scikit-learn's HistGradientBoostingClassifier has no safe file format (skops is
not installed), so the folder keeps GB's train feature rows and labels
(``gb_train.safetensors``) and its parameters (JSON), and ``load`` refits it: deterministic
(fixed ``random_state``, no early stopping), checked against a digest of the probabilities it
gave on its train rows when saved (a differing scikit-learn version is one warning line).
Folders without ``"engine"`` are model folders, as before.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from trajlm.data.motion_features import segment_features

ENGINES = ("model", "gb")
GB_FILE = "gb_train.safetensors"


def _digest(proba: np.ndarray) -> str:
    return hashlib.sha256(np.round(proba, 6).astype(np.float64).tobytes()).hexdigest()


def _json_params(estimator: Any) -> dict:
    """The estimator's constructor parameters that JSON holds (all of them for GB's)."""
    params = estimator.get_params()
    bad = [k for k, v in params.items() if not isinstance(v, str | int | float | bool | None)]
    if bad:
        raise ValueError(f"GB parameters {bad} cannot be stored as JSON")
    return params


def save_gb_engine(
    directory: str | Path,
    params: dict,
    train: pl.DataFrame,
    name: str,
    why: str,
    choice: str | None = None,
) -> None:
    """Make the classifier saved in ``directory`` answer with gradient boosting: a
    HistGradientBoostingClassifier of ``params`` (e.g. the fitted baseline's
    ``model_.get_params()``) fitted on ``segment_features`` of the ``train`` segments, as
    ``load`` refits it; writes GB_FILE and adds ``engine`` / ``gb`` to classifier.json.
    ``name``: the baseline's name (e.g. "GB features [CV-tuned]"); ``why``: the val check; ``choice``: which GB and why (gbchoice23: default vs CV-tuned on
    val), stored as ``gb.choice`` when given."""
    import sklearn
    from safetensors.numpy import save_file
    from sklearn.ensemble import HistGradientBoostingClassifier

    from trajlm.data.segments import segment_labels

    d = Path(directory)
    meta = json.loads((d / "classifier.json").read_text())
    classes = [str(c) for c in meta["classes"]]
    X = np.ascontiguousarray(segment_features(train)[0], dtype=np.float64)
    y = np.asarray(segment_labels(train)).astype(str)
    if sorted(set(y)) != classes:
        raise ValueError(f"GB engine: train classes {sorted(set(y))} are not the model's {classes}")
    est = HistGradientBoostingClassifier(**params).fit(X, y)
    y_idx = np.searchsorted(np.asarray(classes), y).astype(np.int64)
    save_file({"X": X, "y": y_idx}, str(d / GB_FILE))
    meta["engine"] = "gb"
    meta["gb"] = {"name": name, "why": why, "params": _json_params(est),
                  "sklearn": sklearn.__version__,
                  "train_proba_sha256": _digest(est.predict_proba(X))}  # fmt: skip
    if choice:
        meta["gb"]["choice"] = choice
    (d / "classifier.json").write_text(json.dumps(meta, indent=2))


class GBEngine:
    """GB refitted from a folder's GB_FILE and classifier.json ``gb`` (``load``);
    ``predict_proba(segments)``: (N, K) in sorted segment-id order, columns in ``classes``."""

    def __init__(self, estimator: Any, classes: list[str], name: str, why: str) -> None:
        self.estimator, self.classes, self.name, self.why = estimator, classes, name, why

    @classmethod
    def load(cls, directory: str | Path, meta: dict) -> GBEngine:
        import sklearn
        from safetensors.numpy import load_file
        from sklearn.ensemble import HistGradientBoostingClassifier

        d = Path(directory)
        gb = meta.get("gb") or {}
        if not (d / GB_FILE).is_file() or "params" not in gb:
            raise FileNotFoundError(
                f"{d / 'classifier.json'}: engine gb, but {GB_FILE} or its parameters are "
                "missing; fine-tune the classifier again (or load it with engine='model')"
            )
        arrays = load_file(str(d / GB_FILE))
        classes = [str(c) for c in meta["classes"]]
        y = np.asarray(classes)[arrays["y"]]
        est = HistGradientBoostingClassifier(**gb["params"]).fit(arrays["X"], y)
        if _digest(est.predict_proba(arrays["X"])) != gb.get("train_proba_sha256"):
            warnings.warn(
                f"{d}: the gradient boosting refitted on load differs from the one saved "
                f"(scikit-learn {sklearn.__version__} here, {gb.get('sklearn')} when saved): "
                "its answers may differ slightly",
                stacklevel=3,
            )
        return cls(est, classes, gb.get("name", "GB features"), gb.get("why", ""))

    def predict_proba(self, segments: pl.DataFrame) -> np.ndarray:
        X = segment_features(segments.sort(["traj_id", "t"]))[0]
        return self.estimator.predict_proba(X)


def engine_of(classifier: Any) -> str:
    """What answers for ``classifier``: its ``engine_name`` (ModelClassifier), else its
    ``name``, else its type's name (a caller's own classifier object)."""
    name = getattr(classifier, "engine_name", None) or getattr(classifier, "name", None)
    return str(name or type(classifier).__name__)
