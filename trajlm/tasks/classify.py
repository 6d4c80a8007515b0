"""Transport-mode classification with a trajectory model (PROTOCOL.md task 4).

``ModelClassifier`` is the ``run_classify_eval`` adapter: ``fit(train, val)`` fine-tunes a
``TrajectoryClassifier`` (trajlm.tasks.classify_head; full / selective / LoRA,
trajlm.finetune) and keeps the epoch with the best validation accuracy; ``classify(segments)``
returns one label per sorted segment, the class with the highest mean log-probability over the
segment's windows; ``save`` / ``load`` write and read a fitted one. How segments become windows
(thinning to ``n_points``, the hybrid head's features, augmentation, the refit step scale) is
trajlm.tasks.classify_windows; every name of those two modules stays importable from here.
"""

from __future__ import annotations

import copy
import json
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import torch
import torch.nn.functional as F

from trajlm.data.augment_segments import SegmentAugment
from trajlm.data.route_affinity import RouteAffinity
from trajlm.data.segments import segment_labels
from trajlm.model import ModelConfig, TrajectoryModel
from trajlm.tasks.classify_head import FeatureHead, TrajectoryClassifier
from trajlm.tasks.classify_labels import (
    MIN_CLASS_TRAJECTORIES,
    caller_has_label,
    drop_unlabelled,
    labelled,
    refuse_one_class,
    warn_small_classes,
)
from trajlm.tasks.classify_steps import fit_batch_size, warn_few_steps
from trajlm.tasks.classify_windows import RecutClassification, WindowPrep, window_dataset
from trajlm.tasks.task_frames import (
    CANONICAL,
    in_order,
    one_cut_line,
    task_frame,
    task_frame_order,
)

# re-exported: callers import these from here
__all__ = ["MIN_CLASS_TRAJECTORIES", "FeatureHead", "ModelClassifier", "RecutClassification",
           "TrajectoryClassifier", "WindowPrep", "labelled", "window_dataset"]  # fmt: skip


class ModelClassifier(WindowPrep):
    """``run_classify_eval`` adapter: fine-tunes a ``TrajectoryClassifier`` in ``fit``.

    model: a TrajectoryModel, a run / ``best`` directory, or None for a randomly initialised
    model of ``model_config`` (its NormStats fit on the train segments). mode: "full",
    "selective" (``n_last`` blocks + head), "lora" (rank ``lora_r``) or "frozen" (head only).
    Training: AdamW, ``epochs`` passes over the train windows, cosine LR; the epoch with the best
    val accuracy (segment level) is kept. After ``fit``: ``classes_``, ``info_`` (trainable
    params, train time, best epoch), ``classifier_``.

    Issue 15 options: ``features=True`` (the default; ``False`` = the plain head), the hybrid
    head (the baseline's segment features beside the pooled embedding); ``class_weight=
    "balanced"`` (opt-in), cross-entropy weighted
    by inverse train class frequency (for macro-F1); ``augment=SegmentAugment(...)`` (opt-in),
    the train segments re-cut every epoch (random crop / thinning / rotation, deterministic per
    (seed, epoch); trajlm.data.augment_segments), the hybrid head's features computed on each
    view (``augment_features="view"``) or on the whole segment (``"whole"``); val and test
    segments are read whole, as without it. ``route=RouteAffinity(...)`` (opt-in, session 8):
    route-affinity features (trajlm.data.route_affinity) appended to the hybrid head's.
    """

    def __init__(
        self,
        model: TrajectoryModel | str | Path | None = None,
        mode: str = "full",
        name: str | None = None,
        model_config: ModelConfig | None = None,
        n_last: int = 1,
        lora_r: int = 8,
        max_len: int = 64,
        n_points: int | None = None,
        head: str = "mlp",
        epochs: int = 8,
        batch_size: int | str = 32,
        lr: float = 1e-3,
        head_lr: float | None = None,
        weight_decay: float = 0.01,
        seed: int = 0,
        device: str = "cpu",
        verbose: bool = False,
        # issue 15: the hybrid head (default since session 6: above the plain head on val on
        # both splits, docs/modes.md) and class-balanced loss
        features: bool = True,
        class_weight: str | None = None,
        # issue 15, lever 5: train segments re-cut every epoch (opt-in)
        augment: SegmentAugment | None = None,
        augment_features: str = "view",
        # issue 14 item 7 (docs/pretraining.md): a trajectory-frame checkpoint's step scale on
        # the train segments' own (trajlm.train.pretrained REFIT_SCALES; "keep": as loaded)
        refit_scales: str = "keep",
        # issue 15, session 8: route-affinity features beside the motion ones (features=True;
        # an unfitted RouteAffinity, fitted on the train segments in fit; docs/modes.md)
        route: RouteAffinity | None = None,
    ) -> None:
        if isinstance(model, (str, Path)) and (Path(model) / "classifier.json").is_file():
            raise ValueError(f"{model} is a saved classifier, not a model to fine-tune: "
                             f"ModelClassifier.load({str(model)!r}) (or TrajLM.from_pretrained) "
                             "reads it")  # fmt: skip
        self._check_window_options(features, augment, augment_features, route)
        self.route, self.augment, self.augment_features = route, augment, augment_features
        if class_weight not in (None, "balanced"):
            raise ValueError(f'class_weight must be None or "balanced", got {class_weight!r}')
        if batch_size != "auto" and not (isinstance(batch_size, int) and batch_size >= 1):
            raise ValueError(f'batch_size must be an integer >= 1 or "auto", got {batch_size!r}')
        from trajlm.train.pretrained import REFIT_SCALES

        if refit_scales not in REFIT_SCALES:
            raise ValueError(f"refit_scales must be one of {REFIT_SCALES}, got {refit_scales!r}")
        self.features, self.class_weight, self.refit_scales = features, class_weight, refit_scales
        self.model, self.mode, self.model_config = model, mode, model_config
        self.n_last, self.lora_r, self.n_points, self.head = n_last, lora_r, n_points, head
        self.max_len = max(max_len, n_points or 0)
        self.epochs, self.batch_size, self.lr, self.head_lr = epochs, batch_size, lr, head_lr
        self.weight_decay, self.seed, self.device, self.verbose = (
            weight_decay,
            seed,
            device,
            verbose,
        )
        self.name = name or f"trajlm classifier ({mode})"

    def fit(
        self, train: Any, val: Any = None, label_col: str = "label", **columns: Any
    ) -> ModelClassifier:
        """``train`` / ``val``: any frame TrajLM takes (pandas, Polars, ...) with a class
        column, ``label_col`` (default "label"; e.g. ``label_col="mode"``); ``columns``: the
        caller's column names (``traj_col=``, ``time_col=``, ...). Warns when the kept
        classifier gives every val (else train) segment one class."""
        from trajlm.finetune.modes import apply_mode, count_trainable
        from trajlm.finetune.trainer import train_classifier

        caller_has_label(train, label_col, "train")
        caller_has_label(val, label_col, "val")
        with one_cut_line():  # a vehicle frame's cut said once, not once per frame (tidy23)
            train = labelled(task_frame(train, "train", **columns), label_col, "train")
            val = labelled(task_frame(val, "val", **columns), label_col, "val")
        train = drop_unlabelled(train, "train", label_col)
        val = drop_unlabelled(val, "val", label_col)
        labels = segment_labels(train)
        self.classes_ = sorted(np.unique(labels).tolist())
        self.class_counts_ = {c: int((labels == c).sum()) for c in self.classes_}
        refuse_one_class(self.class_counts_, label_col)
        warn_small_classes(self.class_counts_)
        backbone = apply_mode(self._backbone(train), self.mode, n_last=self.n_last,
                              lora_r=self.lora_r, seed=self.seed)  # fmt: skip
        torch.manual_seed(self.seed)
        self.route_ = copy.deepcopy(self.route).fit(train) if self.route is not None else None
        train = train.sort(["traj_id", "t"])
        train_feats = self._segment_features(train) if self.features else None
        n_features = train_feats.shape[1] if self.features else 0
        clf = TrajectoryClassifier(backbone, len(self.classes_), head=self.head,
                                   n_features=n_features)  # fmt: skip
        if n_features:
            clf.head.fit_scaler(train_feats)
        clf = clf.to(self.device)
        for p in clf.head.parameters():
            p.requires_grad_(True)
        tr, objective = self._train_windows(train, clf, train_feats)
        va = None
        if val is not None and len(val):
            vb, vo, _ = self._windows(val, clf)
            va = (vb, vo, segment_labels(val))
        weight = None
        if self.class_weight == "balanced":  # inverse frequency of the train windows' labels
            counts = np.bincount(tr[2], minlength=len(self.classes_)).astype(np.float64)
            weight = len(tr[2]) / (len(counts) * np.maximum(counts, 1.0))
            if objective is not None:
                objective.class_weight = torch.as_tensor(weight).float()
        t0 = time.perf_counter()
        batch_size = fit_batch_size(self.batch_size, len(tr[2]))
        best_epoch, history = train_classifier(
            clf, tr[0], tr[2], val=va, classes=self.classes_, predict=self._predict,
            epochs=self.epochs, batch_size=batch_size, lr=self.lr, head_lr=self.head_lr,
            weight_decay=self.weight_decay, seed=self.seed, device=self.device,
            verbose=self.verbose, class_weight=weight, objective=objective,
        )  # fmt: skip
        self.classifier_ = clf.eval()
        self.info_ = {**count_trainable(clf), "train_s": time.perf_counter() - t0,
                      "best_epoch": best_epoch, "history": history,
                      "batch_size": batch_size,
                      "steps": self.epochs * max(1, len(tr[2]) // batch_size)}  # fmt: skip
        warn_few_steps(self.info_["steps"], self.epochs, len(tr[2]), batch_size,
                       auto=self.batch_size == "auto")  # fmt: skip
        self._warn_one_class(va or self._windows(train, clf)[:2] + (segment_labels(train),),
                             "val" if va else "train")  # fmt: skip
        return self

    def _warn_one_class(self, scored: tuple, split: str) -> None:
        """One line when the fitted classifier predicts a single class for every segment of
        ``split`` (a majority-class model: its accuracy is that class's share)."""
        batch, owner, truth = scored
        pred = np.asarray(self.classes_)[self._predict(self.classifier_, batch, owner).argmax(1)]
        if len(pred) < 2 or len(self.classes_) < 2 or len(set(pred)) > 1:
            return
        share = float(np.mean(np.asarray(truth) == pred[0]) * 100.0)
        warnings.warn(
            f"ModelClassifier.fit: the kept classifier predicts {str(pred[0])!r} for all "
            f"{len(pred)} {split} segments (accuracy {share:.1f} % = that class's share): it "
            "has not learned to separate the classes; train longer (epochs=), try "
            "class_weight='balanced', or give more labelled trajectories",
            stacklevel=3,
        )

    @torch.no_grad()
    def _predict(self, clf: TrajectoryClassifier, batch: dict, owner: np.ndarray) -> np.ndarray:
        """(N_segments, K) mean log-probabilities over each segment's windows."""
        clf.eval()
        n = int(owner.max()) + 1 if len(owner) else 0
        out = torch.zeros(n, len(self.classes_), dtype=torch.float64)
        cnt = torch.zeros(n, dtype=torch.float64)
        own = torch.from_numpy(owner)
        W = len(owner)
        for a in range(0, W, 256):
            b = {k: v[a : a + 256].to(self.device) for k, v in batch.items()}
            lp = F.log_softmax(clf(b).float(), dim=-1).double().cpu()
            out.index_add_(0, own[a : a + 256], lp)
            cnt.index_add_(0, own[a : a + 256], torch.ones(len(lp), dtype=torch.float64))
        return (out / cnt.clamp(min=1)[:, None]).numpy()

    def predict_proba(self, segments: Any, **columns: Any) -> np.ndarray:
        """(N, K) class probabilities (geometric mean over windows; columns in ``classes_``
        order), rows in the order of ``ids(segments)`` (ids sorted as text); ``columns``: the
        caller's column names, as in ``fit``."""
        segments, order = task_frame_order(segments, "segments", "ModelClassifier.ids(df)",
                                           **columns)  # fmt: skip
        if getattr(self, "gb_engine_", None) is not None:  # the folder answers with GB
            return in_order(self.gb_engine_.predict_proba(segments), order)
        batch, owner, _ = self._windows(segments, self.classifier_)
        lp = in_order(self._predict(self.classifier_, batch, owner), order)
        p = np.exp(lp - lp.max(1, keepdims=True))
        return p / p.sum(1, keepdims=True)

    @property
    def engine_name(self) -> str:
        """What answers: "gradient boosting (<baseline>)" for a folder that `trajlm finetune`
        saved with GB as its engine (classify23), else "trajlm model (<mode>)"."""
        gb = getattr(self, "gb_engine_", None)
        return f"gradient boosting ({gb.name})" if gb is not None else f"trajlm model ({self.mode})"

    def save(self, directory: str | Path, overwrite: bool = False) -> int:
        """Write a fitted classifier (``load`` / ``from_pretrained`` read it back):
        ``classifier.json``, ``head.safetensors`` and the backbone as trajlm.tasks.task_io
        stores it: LoRA / selective / frozen fine-tunes of a base checkpoint keep only
        ``adapter/`` and a reference (path + sha256) to the base, never a merged copy; a full
        fine-tune (or a model built in memory) keeps ``backbone/``. The fitted object is not
        changed. Returns the bytes of what fine-tuning changed (adapter + head; whole backbone
        when it is stored). A folder already holding a classifier needs ``overwrite``; one
        trajlm did not write is never written into."""
        from safetensors.torch import save_file

        from trajlm.tasks.task_io import save_backbone, task_dir

        if self.route is not None:  # its index is train data; not stored yet (docs/modes.md)
            raise ValueError("saving a classifier with route features is not supported yet")
        d = task_dir(directory, "classifier.json", "classifier", overwrite)
        head = {
            k: v.detach().cpu().contiguous() for k, v in self.classifier_.head.state_dict().items()
        }
        save_file(head, str(d / "head.safetensors"), metadata={"format": "pt"})
        n = (d / "head.safetensors").stat().st_size
        base = getattr(self, "base_", None)
        n += save_backbone(self.classifier_.backbone_model, self.mode, d, base)
        meta = {"format": 2, "classes": list(self.classes_), "max_len": self.max_len,
                "mode": self.mode, "n_points": self.n_points, "head": self.head,
                "features": self.features, "class_weight": self.class_weight,
                "name": self.name, "info": {k: v for k, v in self.info_.items() if k != "history"},
                "seed": self.seed, "lr": self.lr, "epochs": self.epochs}  # fmt: skip
        if not_learned := getattr(self, "not_learned_", None):  # said at each classify (fix40c)
            meta["not_learned"] = dict(not_learned)
        if (src := getattr(self, "gb_source_", None)) is not None:  # loaded with a GB engine
            from trajlm.tasks.classify_engine import GB_FILE

            meta.update({k: json.loads((src / "classifier.json").read_text())[k]
                         for k in ("engine", "gb")})  # fmt: skip
            if src.resolve() != d.resolve():
                (d / GB_FILE).write_bytes((src / GB_FILE).read_bytes())
        (d / "classifier.json").write_text(json.dumps(meta, indent=2))
        return n

    save_pretrained = save

    @staticmethod
    def ids(segments: Any, **columns: Any) -> np.ndarray:
        """The segments' ids in the caller's type, in the order of ``classify`` /
        ``predict_proba``'s rows (sorted as text, as the canonical table's ids): e.g.
        ``dict(zip(clf.ids(test), clf.classify(test)))``. Session 20 (leftovers20): the bare
        arrays gave no ids and no documented order (analyst20 C1). A frame keyed by a vehicle /
        user / device cut at gaps (as TrajLM cuts it) gives the pieces' names, text such as
        ``'VAN-01_1'`` (piece 1 of VAN-01; session 22, pieces22), in piece order: by the
        vehicle (as text), then in time order (``'VAN-01_2'`` before ``'VAN-01_10'``; tidy23)."""
        from trajlm._arguments import with_gap_rule
        from trajlm.data.coerce import coerce
        from trajlm.data.coerce_names import cast_back
        from trajlm.data.coerce_pieces import piece_order

        canonical = isinstance(segments, pl.DataFrame) and set(CANONICAL) <= set(segments.columns)
        if canonical and not columns:  # passed unchanged (task_frame): sorted in its own type
            return segments["traj_id"].unique().sort().to_numpy()
        with warnings.catch_warnings():  # classify / predict_proba say what the read finds
            warnings.simplefilter("ignore")
            df, layout = coerce(segments, source="segments", **with_gap_rule(columns))
        s = df["traj_id"].unique().sort()
        if getattr(layout, "pieces", None) is not None:  # a vehicle cut: 'VAN-01_1' (pieces22)
            return in_order(s.to_numpy(), piece_order(s, layout))  # _2 before _10 (tidy23)
        return (s if layout.traj_dtype is None else cast_back(s, layout.traj_dtype)).to_numpy()

    @classmethod
    def load(
        cls, directory: str | Path, device: str = "cpu", engine: str | None = None
    ) -> ModelClassifier:
        """A fitted classifier written by ``save`` (safetensors + JSON only): base + adapter +
        head; directories of older versions (a merged ``backbone/``) load too. ``engine``:
        None answers as saved (`trajlm finetune --task classify` saves gradient boosting as
        the engine unless the model is reliably above it on val; ``engine_name`` says which),
        "model" the fine-tuned model, "gb" gradient boosting (trajlm.tasks.classify_engine)."""
        from safetensors.torch import load_file

        from trajlm.tasks.classify_engine import ENGINES, GBEngine
        from trajlm.tasks.task_io import BACKBONE_JSON, load_backbone

        if engine is not None and engine not in ENGINES:
            raise ValueError(f"engine must be None, 'model' or 'gb', got {engine!r}")
        d = Path(directory)
        meta = json.loads((d / "classifier.json").read_text())
        saved = meta.get("engine", "model")
        if engine == "gb" and saved != "gb":
            raise ValueError(f"{d}: no gradient-boosting engine saved here (engine "
                             f"{saved!r}); engine=None or 'model' reads it")  # fmt: skip
        self = cls(
            None,
            mode=meta["mode"],
            name=meta["name"],
            max_len=meta["max_len"],
            device=device,
            n_points=meta.get("n_points"),
            head=meta.get("head", "mlp"),
            features=meta.get("features", False),
            class_weight=meta.get("class_weight"),
        )
        self.seed = meta.get("seed")  # None: saved before session 13 (not recorded)
        self.classes_, self.info_ = meta["classes"], meta.get("info", {})
        self.not_learned_ = meta.get("not_learned", {})  # the data's classes the head never saw
        if (d / BACKBONE_JSON).exists():
            backbone = load_backbone(d)
        else:  # format 1: a merged full backbone
            backbone = TrajectoryModel.from_pretrained(d / "backbone")
        head = load_file(str(d / "head.safetensors"), device="cpu")
        n_features = len(head["feat_mean"]) if "feat_mean" in head else 0
        clf = TrajectoryClassifier(backbone, len(self.classes_), head=self.head,
                                   n_features=n_features)  # fmt: skip
        clf.head.load_state_dict(head)
        self.classifier_ = clf.to(device).eval()
        self.gb_engine_ = GBEngine.load(d, meta) if (engine or saved) == "gb" else None
        self.gb_source_ = d if self.gb_engine_ is not None else None  # save keeps the engine
        return self

    from_pretrained = load

    def classify(self, segments: Any, **columns: Any) -> np.ndarray:
        """One label per segment, as a bare array in the order of ``ids(segments)``: the
        segments' ids sorted as text (integer ids 1, 2, 10 come as 1, 10, 2), as
        ``predict_proba``'s rows; ``columns`` as in ``fit``. ``TrajLM.classify`` on a saved
        classifier gives a frame keyed by id."""
        p = self.predict_proba(segments, **columns)
        return np.asarray(self.classes_)[p.argmax(1)].astype(str)
