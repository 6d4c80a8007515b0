"""The candidate selector as a predictor: fit, predict, save, load (issue 15; docs/candidates.md).

``CandidateSelectorPredictor`` wraps the recipe of ``scripts/candidate_results.py`` (the one
behind the published numbers) in the prediction baselines' interface:

    sel = CandidateSelectorPredictor().fit(train_df, val_df, seed=0)  # train only; val tunes
    sel.predict(xy, lengths, 5)      # (N, 5, 2) metres in sel.projection_, like the baselines
    sel.predict(df, steps=5)         # a frame of any kind coerce reads (traj_id, step, t, ...)
    sel.predict_next(task)           # (N, 5, 2) lat/lon: what `trajlm eval` scores
    sel.save("out/sel-s0"); CandidateSelectorPredictor.load("out/sel-s0")

``fit`` tunes the plain kNN (``tune_knn``) and the place-aware kNN on val, builds the three
retrieval pools (shape, place, local) on TRAIN only, builds candidate sets for train windows
(own trajectory left out of retrieval) and val windows, and trains the selector with early
stopping on the val windows. A saved selector is a folder: ``config.json`` (``kind`` =
"candidate_selector", the tuned settings, the projection), ``selector.safetensors`` (the
network) and ``indexes.npz`` (the pools' arrays); no pickle anywhere. The pools are the TRAIN
split of the store it was fitted on: score it on that store's val/test only.
"""

from __future__ import annotations

import hashlib
import os
import time
import zipfile
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from sklearn.base import BaseEstimator

from trajlm._arguments import with_gap_rule
from trajlm._safety import (
    reading,
)
from trajlm.data.coerce import coerce
from trajlm.data.coerce_out import from_canonical
from trajlm.data.features import LocalProjection, add_local_xy
from trajlm.data.place_retrieval import PlaceRetrievalIndex
from trajlm.data.protocol_tasks import PredictionTask, make_prediction_task
from trajlm.data.retrieval import RetrievalIndex, traj_keys
from trajlm.errors import warn_at_caller
from trajlm.eval.baselines import canonical_table
from trajlm.eval.candidate_selector import SelectorConfig, fit_selector, predict_selector
from trajlm.eval.candidates import build_candidates, windows_of
from trajlm.eval.frames import PredictsFrames, predict_canonical
from trajlm.eval.metrics import point_errors
from trajlm.eval.place_knn import DEFAULT as PLACE_DEFAULT
from trajlm.eval.saved_kind import SELECTOR_KIND, is_selector_dir  # noqa: F401 (is_selector_dir: re-exported)
from trajlm.eval.selector_folder import (  # the folder I/O, shared with route recovery
    read_selector_config,
    read_selector_net,
    write_selector_folder,
)
from trajlm.eval.selector_spread import (
    OLD_FOLDER,
    check_saved_spread,
    selector_val_spread,
    spread_of,
    with_selector_spread,
)
from trajlm.eval.selector_verdict import (
    OLD_RUN,
    OPTED_OUT,
    check_engine,
    check_saved_verdict,
    val_verdict,
    verdict_line,
)
from trajlm.eval.tuning_rule import choose, default_key

KIND = SELECTOR_KIND  # config.json's "kind": what `trajlm eval --model` dispatches on
MARKER_KIND = "selector"  # the .trajlm marker (trajlm/_safety.py)
FORMAT = 1
FILES = ("config.json", "selector.safetensors", "indexes.npz", "train_summary.json")
POOLS = ("shape", "place", "local")
PLACE_GRID = {"w_place": (0.03, 0.1, 0.3, 1.0), "w_heading": (0.0, 30.0, 100.0, 300.0),
              "n_neighbors": (5, 10, 20, 40)}  # fmt: skip
TODO = "train the selector again (trajlm train-selector)"


# ------------------------------------------------- the recipe's pieces (candidate_results.py)
def to_latlon(xy: np.ndarray, proj: LocalProjection) -> np.ndarray:
    return np.stack(proj.inverse(xy[..., 0], xy[..., 1]), axis=-1)


def split_xy(df: pl.DataFrame, proj: LocalProjection) -> tuple[np.ndarray, np.ndarray]:
    """Per-point xy (n, 2) metres and trajectory keys (n,), rows sorted by (trajectory, t)."""
    f = add_local_xy(df.sort(["traj_id", "t"]), proj)
    xy = np.stack([f["x_m"].to_numpy(), f["y_m"].to_numpy()], 1)
    return xy, traj_keys(f["traj_id"].to_numpy())


def knn_points(index, xy, lengths, n_neighbors, k: int = 5, exclude=None) -> np.ndarray:
    """kNN continuation as KNNContinuation.predict: constant velocity where too short;
    ``exclude`` (N,) trajectory keys leave each row's own trajectory out of the library."""
    last = xy[np.arange(len(xy)), lengths - 1]
    step = last - xy[np.arange(len(xy)), lengths - 2]
    out = last[:, None] + step[:, None] * np.arange(1, k + 1)[None, :, None]
    got = index.query(xy, lengths, k, n_neighbors=n_neighbors, exclude=exclude)
    out[got.found] = last[got.found][:, None] + got.continuation[got.found]
    return out


def per_trip(points_xy, target_ll, proj) -> np.ndarray:
    """(N, k) haversine errors in metres."""
    return point_errors(to_latlon(points_xy, proj), target_ll)


def tune_place(train_xy, train_keys, task, proj, history, grid, k: int = 5) -> tuple[dict, dict]:
    """The place-aware kNN's (w_place, w_heading, n_neighbors) kept on val by the tuning rule
    (eval/tuning_rule.py, as place_knn.tune_place_knn: the lowest val ADE)."""
    xy, lengths = task.xy(proj), task.lengths
    scores, errors, cells = {}, {}, {}
    for wp in grid["w_place"]:
        for wh in grid["w_heading"]:
            index = PlaceRetrievalIndex(history, k, w_place=wp, w_heading=wh)
            index.fit(train_xy, train_keys)
            for nb in grid["n_neighbors"]:
                pts = knn_points(index, xy, lengths, nb, k)
                key = f"w_place={wp},w_heading={wh},n_neighbors={nb}"
                errors[key] = per_trip(pts, task.target_latlon, proj).mean(1)
                scores[key] = float(errors[key].mean())
                cells[key] = {"w_place": wp, "w_heading": wh, "n_neighbors": nb}
    choice = choose(
        errors, default_key(cells, PLACE_DEFAULT), scores=scores, owners=task.owners()[1]
    )
    return cells[choice.key], scores


def trips_fingerprint(df: pl.DataFrame) -> str:
    """sha1 of a split's sorted trajectory ids: which trips a selector's pools were built on."""
    ids = sorted(str(v) for v in df["traj_id"].unique().to_list())
    return hashlib.sha1("\n".join(ids).encode()).hexdigest()


# ----------------------------------------------------------------------------- the predictor
class CandidateSelectorPredictor(PredictsFrames, BaseEstimator):
    """Learned selector over retrieved futures, fitted on a store's train split (val tunes and
    early-stops). Hyper-parameters are those of the published recipe (docs/candidates.md)."""

    name = "candidate selector"

    def __init__(
        self,
        horizon: int = 5,
        top_k: int = 8,
        local: tuple[float, float, int] | None = (1.0, 300.0, 10),
        max_train_windows: int = 30_000,
        max_val_windows: int = 10_000,
        place_grid: dict | None = None,
        selector: SelectorConfig | None = None,
        val_check: bool = True,
    ) -> None:
        self.horizon = horizon
        self.top_k = top_k
        self.local = local  # (w_place, w_heading m, n_neighbors) of the third pool; None: off
        self.max_train_windows = max_train_windows
        self.max_val_windows = max_val_windows
        self.place_grid = place_grid
        self.selector = selector
        self.val_check = val_check  # False: no verdict, the network answers (the opt-out)
        self.engine = "auto"  # who answers: "auto" = the saved val verdict (selector_verdict.py)

    # -- fitting -------------------------------------------------------------------------------
    def fit(
        self,
        train_df: Any,
        val_df: Any,
        seed: int = 0,
        projection: LocalProjection | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> CandidateSelectorPredictor:
        """Tune the retrieval pools on val, build candidates, train the network. ``progress``:
        called with one line per stage and epoch (the CLI prints them: fits take minutes)."""
        from trajlm.eval.protocol import tune_knn

        say = progress or (lambda _line: None)

        t0, k = time.time(), self.horizon
        train, val = canonical_table(train_df), canonical_table(val_df)
        proj = self.projection_ = projection or LocalProjection.fit(train)
        val_task = make_prediction_task(val, k=k)
        if len(val_task.lengths) == 0:
            raise ValueError("the val split has no trip long enough to tune on")
        knn, _ = tune_knn(train, val_task, proj)
        train_xy, train_keys = split_xy(train, proj)
        grid = {**PLACE_GRID, **(self.place_grid or {})}
        place, _ = tune_place(train_xy, train_keys, val_task, proj, knn.history, grid, k)
        self.settings_ = {"knn": {"history": knn.history, "n_neighbors": knn.n_neighbors},
                          "place": place, "local": list(self.local) if self.local else None,
                          "top_k": self.top_k, "horizon": k,
                          "train_trips_sha1": trips_fingerprint(train)}  # fmt: skip
        h = knn.history
        self.indexes_ = {"shape": knn.index_, "place": PlaceRetrievalIndex(
            h, k, w_place=place["w_place"], w_heading=place["w_heading"]).fit(train_xy, train_keys)}  # fmt: skip
        if self.local:
            wp, wh, _ = self.local
            local = PlaceRetrievalIndex(h, k, w_place=wp, w_heading=wh)
            self.indexes_["local"] = local.fit(train_xy, train_keys)
        tune_s = time.time() - t0
        say(f"retrieval tuned on val in {tune_s:.0f} s (kNN history {h}, k {knn.n_neighbors}; "
            f"place-aware k {place['n_neighbors']}); building candidates...")  # fmt: skip
        tw = windows_of(train_xy, train_keys, k, max_windows=self.max_train_windows)
        train_cs = self._candidates(tw[0], tw[1], "train", exclude=tw[2], groups=tw[2])
        vw = windows_of(*split_xy(val, proj), k, max_windows=self.max_val_windows)
        val_cs = self._candidates(vw[0], vw[1], "val", groups=vw[2])
        build_s = time.time() - t0 - tune_s
        config = self.selector or SelectorConfig()
        say(f"candidates of {len(tw[0]):,} train / {len(vw[0]):,} val windows built in "
            f"{build_s:.0f} s; training the network (at most {config.max_epochs} epochs)")  # fmt: skip
        self.selector_, log = fit_selector(train_cs, tw[3], val_cs, vw[3], config, seed, progress)
        log.update(tune_s=tune_s, build_s=build_s, fit_s=time.time() - t0,
                   n_train_windows=len(tw[0]), n_val_windows=len(vw[0]))  # fmt: skip
        self.log_ = log
        self.verdict_ = {"engine": "selector", "rule": OPTED_OUT}
        if self.val_check:  # the val winner of selector / kNN / place-aware kNN answers
            self.verdict_ = val_verdict(self, val_task)
        say(f"val check: {verdict_line(self.verdict_)}")
        # each engine's error spread on val: its answers' std_m and radii (uncert27)
        self.val_spread_ = selector_val_spread(self, val)
        return self

    @property
    def engine_(self) -> str:
        """Who answers: ``engine`` when set, else the saved verdict's (old runs: the network)."""
        if self.engine != "auto":
            return self.engine
        return (getattr(self, "verdict_", None) or {}).get("engine", "selector")

    def _candidates(self, xy, lengths, split, exclude=None, groups=None):
        s, ix = self.settings_, self.indexes_
        n_local = int(s["local"][2]) if s["local"] else 10
        return build_candidates(
            xy, lengths, ix["shape"], ix["place"], s["knn"]["n_neighbors"],
            s["place"]["n_neighbors"], s["horizon"], s["top_k"], exclude=exclude, groups=groups,
            split=split, local_index=ix.get("local"), n_local=n_local,
        )  # fmt: skip

    # -- predicting ----------------------------------------------------------------------------
    def predict(
        self, xy: Any, lengths: np.ndarray | None = None, k: int = 5, *_,
        steps: int | None = None, **columns: Any,
    ) -> Any:  # fmt: skip
        """(N, T, 2) metres in ``projection_``, right-padded, lengths (N,) -> (N, k, 2) metres;
        or a frame (the user-facing path, as the baselines)."""
        if not isinstance(xy, np.ndarray):
            return self._predict_frame(xy, steps or k, columns)
        if k > self.settings_["horizon"]:
            raise ValueError(f"fitted for horizon {self.settings_['horizon']}, asked for k={k}")
        xy, lengths = np.asarray(xy, np.float64), np.asarray(lengths)
        return self._engine_points(self.engine_, xy, lengths, k)

    def _predict_frame(self, data: Any, steps: int, columns: dict) -> Any:
        """``predict(df, steps=k)``: the answering engine's points with its ``std_m`` from the
        val spread, as ``TrajLM.predict`` gives them (session 28); a folder fitted before
        session 27 answers ``std_m`` NaN, said once."""
        if spread_of(self, self.engine_) is None and not getattr(self, "_said_no_spread", False):
            self._said_no_spread = True
            warn_at_caller(OLD_FOLDER.format(path="this selector"))
        return self._frame_answer(data, steps, columns)

    def _frame_answer(self, data: Any, steps: int, columns: dict,
                      levels: list[int] | None = None) -> Any:  # fmt: skip
        """``_predict_frame`` without the old-folder line (TrajLM.predict says its own)."""
        df, layout = coerce(data, **with_gap_rule(columns))
        proj = getattr(self, "projection_", None) or LocalProjection.fit(df)
        pred = with_selector_spread(self, predict_canonical(self, df, proj, steps), df, levels)
        return from_canonical(pred, layout=layout)

    def _engine_points(
        self, engine: str, xy: np.ndarray, lengths: np.ndarray, k: int
    ) -> np.ndarray:
        """(N, k, 2) metres from one engine: the network, plain kNN (the shape pool) or
        place-aware kNN (the place pool), each with its val-tuned neighbour count."""
        if engine == "selector":
            cs = self._candidates(xy, lengths, "test")
            return predict_selector(self.selector_, cs)[:, :k]
        s = self.settings_
        pool, nb = ("shape", s["knn"]["n_neighbors"]) if engine == "knn" else \
            ("place", s["place"]["n_neighbors"])  # fmt: skip
        return knn_points(self.indexes_[pool], xy, lengths, nb, s["horizon"])[:, :k]

    def predict_next(self, task: PredictionTask, engine: str | None = None) -> np.ndarray:
        """(N, k, 2) lat/lon: the ``TaskModel`` interface ``trajlm eval`` scores. ``engine``:
        one of selector, knn, place_knn instead of ``engine_`` (the val check scores all three)."""
        k, xy = task.target_t.shape[1], task.xy(self.projection_)
        if k > self.settings_["horizon"]:
            raise ValueError(f"fitted for horizon {self.settings_['horizon']}, asked for k={k}")
        pts = self._engine_points(engine or self.engine_, xy, np.asarray(task.lengths), k)
        return to_latlon(pts, self.projection_)

    def parameters(self):
        """The network's parameters (``trajlm eval`` counts them)."""
        return self.selector_.parameters()

    def num_params(self) -> int:
        return sum(p.numel() for p in self.selector_.parameters())

    # -- persistence ---------------------------------------------------------------------------
    def save(self, directory: str | os.PathLike, overwrite: bool = False) -> Path:
        """Write the fitted selector to `directory` at once (a temporary sibling renamed into
        place). An existing non-empty `directory` is refused unless it is a selector and
        ``overwrite``; anything not trajlm's is never touched."""
        arrays = {}
        for pool, index in self.indexes_.items():
            arrays.update({f"{pool}.features": index.features_,
                           f"{pool}.continuations": index.continuations_,
                           f"{pool}.traj_keys": index.traj_keys_,
                           f"{pool}.origins": index.origins_,
                           f"{pool}.headings": index.headings_})  # fmt: skip
        head = {"kind": KIND, "format": FORMAT, "params": self._params_json(),
                "settings": self.settings_, "verdict": getattr(self, "verdict_", None),
                "val_spread": getattr(self, "val_spread_", None)}  # fmt: skip
        return write_selector_folder(self, directory, overwrite, "selector", MARKER_KIND, head,
                                     "indexes.npz", arrays)  # fmt: skip

    def _params_json(self) -> dict:
        p = self.get_params(deep=False)
        p["selector"] = asdict(p["selector"]) if p["selector"] is not None else None
        p["local"] = list(p["local"]) if p["local"] else None
        return p

    @classmethod
    def load(cls, directory: str | os.PathLike, engine: str = "auto") -> CandidateSelectorPredictor:
        """A selector written by ``save``; a missing or damaged file is one UserError line.
        ``engine``: "auto" (the saved val verdict; a folder fitted before it: the network, said
        in one warning), or force one of "selector", "knn", "place_knn"."""
        engine = check_engine(engine)
        d, cfg = read_selector_config(directory, KIND, FORMAT, FILES[:3],
                                      ("selector", "candidate selector"), TODO)  # fmt: skip
        with reading(d / "config.json", TODO, (AttributeError,)):
            p = dict(cfg["params"])
            p["selector"] = SelectorConfig(**p["selector"]) if p["selector"] else None
            p["local"] = tuple(p["local"]) if p["local"] else None
            self = cls(**p)
            self.settings_, self.log_ = cfg["settings"], cfg.get("log", {})
            self.verdict_, self.engine = cfg.get("verdict"), engine
            self.projection_ = LocalProjection(**cfg["projection"])
        self.verdict_ = check_saved_verdict(self.verdict_, str(d / "config.json"))
        self.val_spread_ = check_saved_spread(cfg.get("val_spread"), str(d / "config.json"))
        self.selector_ = read_selector_net(d, cfg, TODO)
        s = self.settings_
        with reading(d / "indexes.npz", TODO, (zipfile.BadZipFile, OSError)):
            with np.load(d / "indexes.npz", allow_pickle=False) as z:
                self.indexes_ = {}
                for pool in POOLS:
                    if pool == "local" and not s["local"]:
                        continue
                    if pool == "shape":
                        index = RetrievalIndex(s["knn"]["history"], s["horizon"])
                    else:
                        wp, wh = ((s["place"]["w_place"], s["place"]["w_heading"])
                                  if pool == "place" else s["local"][:2])  # fmt: skip
                        index = PlaceRetrievalIndex(s["knn"]["history"], s["horizon"],
                                                    w_place=wp, w_heading=wh)  # fmt: skip
                    index._set(z[f"{pool}.features"], z[f"{pool}.continuations"],
                               z[f"{pool}.traj_keys"])  # fmt: skip
                    index.origins_, index.headings_ = z[f"{pool}.origins"], z[f"{pool}.headings"]
                    self.indexes_[pool] = index
        if engine == "auto" and not self.verdict_:  # fitted before session 22 (select22)
            warn_at_caller(OLD_RUN.format(path=d))
        return self

    from_pretrained = load
