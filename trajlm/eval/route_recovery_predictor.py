"""Recovery by route retrieval as a model: fit, recover, save, load (issue 15;
docs/recovery-retrieval.md).

``RouteRecoveryPredictor`` wraps the recipe of ``scripts/recovery_retrieval_results.py`` (the
one behind the published numbers) in the recovery interface of the harness and the API:

    rec = RouteRecoveryPredictor().fit(train_df, val_df, seed=0)  # train only; val tunes
    rec.recover(task)          # (P, 2) lat/lon of every point of a RecoveryTask (`trajlm eval`)
    rec.recover(df)            # a frame with missing lat/lon -> the rows filled, `recovered`
    rec.save("out/rec-s0"); RouteRecoveryPredictor.load("out/rec-s0")

One model serves every gap: the script picks a base per setting on val (Akima at random 50 %,
PCHIP at every 60 / 120 / 240 s on Porto), which inference cannot know, so here the base is a
function of the gap: Akima where the gap lasts <= ``long_gap_s`` seconds, PCHIP above, the
threshold chosen on val (mean over the settings of the base's val MAE). The library is the
TRAIN split only; the selector trains on train gaps (own trip left out of retrieval) of every
setting and early-stops on the pooled val gaps. A saved model is a folder: ``config.json``
(``kind`` = "route_recovery"), ``selector.safetensors`` and ``library.npz`` (the library's
points, read with allow_pickle=False); no pickle anywhere.
"""

from __future__ import annotations

import os
import time
import zipfile
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
from trajlm.data.coerce_out import from_canonical
from trajlm.data.coerce_tasks import fill_inside_edges, recovery_input_edges, trajectory_numbers
from trajlm.data.features import LocalProjection
from trajlm.data.protocol_tasks import RecoveryTask, make_recovery_task
from trajlm.data.route_retrieval import RouteLibrary
from trajlm.eval.baselines import canonical_table
from trajlm.eval.candidate_selector import (
    SelectorConfig,
    fit_selector,
    predict_selector,
)
from trajlm.eval.recovery_candidates import (
    build_recovery_candidates,
    concat_sets,
    library_from_frame,
    task_keys,
)
from trajlm.eval.saved_kind import ROUTE_RECOVERY_KIND, is_route_recovery_dir  # noqa: F401 (is_route_recovery_dir: re-exported)
from trajlm.eval.selector_predictor import (
    read_selector_config,
    read_selector_net,
    trips_fingerprint,
    write_selector_folder,
)

KIND = ROUTE_RECOVERY_KIND  # config.json's "kind": what `trajlm eval --model` dispatches on
MARKER_KIND = "route-recovery"  # the .trajlm marker (trajlm/_safety.py)
FORMAT = 1
FILES = ("config.json", "selector.safetensors", "library.npz", "train_summary.json")
LONG_GAP_GRID = (0.0, 30.0, 45.0, 60.0, 90.0, 120.0, float("inf"))  # s; 0: PCHIP, inf: Akima
LIB_KEYS = ("radius_m", "max_ratio", "slack_s", "speed_m_s", "max_pieces", "reverse")
TODO = "train the model again (trajlm train-recovery)"


def protocol_tasks(
    df: pl.DataFrame, mask_seeds: tuple[int, ...], intervals: tuple[float, ...]
) -> dict[str, list[RecoveryTask]]:
    """The harness's settings: random 50 % over ``mask_seeds``, one kept every interval s."""
    out = {"random 50 %": [make_recovery_task(df, "random", seed=s) for s in mask_seeds]}
    for i in intervals:
        out[f"every {i:g} s"] = [make_recovery_task(df, "downsample", interval_s=i)]
    return out


class RouteRecoveryPredictor(BaseEstimator):
    """Route retrieval + learned selector for recovery, fitted on a store's train split (val
    tunes the base threshold and early-stops). Defaults are the published recipe."""

    name = "route recovery"

    def __init__(
        self,
        radius_m: float = 100.0,
        max_ratio: float = 2.0,
        slack_s: float = 30.0,
        speed_m_s: float = 2.0,
        max_pieces: int = 16,
        intervals: tuple[float, ...] = (60.0, 120.0, 240.0),
        train_mask_seeds: tuple[int, ...] = (100,),
        val_mask_seeds: tuple[int, ...] = (0, 1, 2),
        long_gap_grid: tuple[float, ...] = LONG_GAP_GRID,
        max_train_rows: int | None = None,
        selector: SelectorConfig | None = None,
        reverse: bool = False,  # also pieces walked B -> A (GeoLife's people; not Porto's cars)
    ) -> None:
        self.radius_m, self.max_ratio, self.slack_s = radius_m, max_ratio, slack_s
        self.speed_m_s, self.max_pieces = speed_m_s, max_pieces
        self.intervals = intervals
        self.train_mask_seeds = train_mask_seeds
        self.val_mask_seeds = val_mask_seeds
        self.long_gap_grid = long_gap_grid
        self.max_train_rows = max_train_rows
        self.selector = selector
        self.reverse = reverse

    # -- fitting -------------------------------------------------------------------------------
    def fit(
        self, train_df: Any, val_df: Any, seed: int = 0, projection: LocalProjection | None = None
    ) -> RouteRecoveryPredictor:
        t0 = time.time()
        train, val = canonical_table(train_df), canonical_table(val_df)
        proj = self.projection_ = projection or LocalProjection.fit(train)
        self.library_ = library_from_frame(train, proj, **{k: getattr(self, k) for k in LIB_KEYS})
        val_tasks = protocol_tasks(val, tuple(self.val_mask_seeds), tuple(self.intervals))
        if not any((~t.known).any() for ts in val_tasks.values() for t in ts):
            raise ValueError("the val split has no trip long enough to tune on")
        long_gap, scores = self._tune_long_gap(val_tasks)
        self.settings_ = {"base": "akima", "base_long": "pchip", "long_gap_s": long_gap,
                          "val_base_mae_m": scores, "train_trips_sha1": trips_fingerprint(train)}  # fmt: skip
        va, va_y = self._pooled(val_tasks, "val")
        tr, tr_y = self._pooled(
            protocol_tasks(train, tuple(self.train_mask_seeds), tuple(self.intervals)), "train",
            task_keys(train),
        )  # fmt: skip
        if self.max_train_rows is not None and len(tr_y) > self.max_train_rows:
            keep = np.sort(np.random.default_rng(0).choice(len(tr_y), self.max_train_rows,
                                                           replace=False))  # fmt: skip
            tr, tr_y = _subset(tr, keep), tr_y[keep]
        build_s = time.time() - t0
        self.selector_, log = fit_selector(tr, tr_y, va, va_y, self.selector or SelectorConfig(),
                                           seed)  # fmt: skip
        log.pop("epochs", None)
        log.update(build_s=build_s, fit_s=time.time() - t0, n_train_points=len(tr_y),
                   n_val_points=len(va_y))  # fmt: skip
        self.log_ = log
        return self

    def _tune_long_gap(self, tasks: dict[str, list]) -> tuple[float, dict[str, float]]:
        """The gap length (s) above which PCHIP replaces Akima as the base: the grid value with
        the lowest mean over the settings of the base's val MAE (metres in the plane)."""
        per = []
        for ts in tasks.values():
            cs, y, _ = self._build(ts, "val", base_long=None)
            # the gap's seconds (a query feature); rounded so that a 30 s gap compares with
            # the grid as the exact integer seconds do at inference (expm1(log1p(2)) * 15 > 30)
            dt = np.round(np.expm1(cs.query_feats[:, 0]) * 15.0, 6)
            akima, pchip = (cs.last + cs.cands[:, j, 0] for j in (2, 3))
            per.append((dt, akima, pchip, y[:, 0]))
        scores = {}
        for thr in self.long_gap_grid:
            maes = [np.linalg.norm(np.where((dt > thr)[:, None], p, a) - y, axis=1).mean()
                    for dt, a, p, y in per]  # fmt: skip
            scores[f"{thr:g}"] = float(np.mean(maes))
        best = min(self.long_gap_grid, key=lambda v: scores[f"{v:g}"])
        return float(best), scores

    def _build(self, tasks, split, exclude=None, base_long="pchip"):
        """Candidate sets of ``tasks`` pooled -> (CandidateSet, target (H, 1, 2), hidden of the
        last task)."""
        s = getattr(self, "settings_", {})
        built = [build_recovery_candidates(
            t, self.projection_, self.library_, "akima", exclude, split, base_long,
            s.get("long_gap_s", float("inf"))) for t in tasks]  # fmt: skip
        return concat_sets([b[0] for b in built]), np.concatenate([b[1] for b in built]), built

    def _pooled(self, tasks: dict[str, list], split: str, exclude=None):
        cs, y, _ = self._build([t for ts in tasks.values() for t in ts], split, exclude)
        return cs, y

    # -- recovering ----------------------------------------------------------------------------
    def recover(self, task: Any, **columns: Any) -> Any:
        """A ``RecoveryTask`` -> (P, 2) lat/lon of every point (known ones as given), what
        ``trajlm eval`` scores; a frame (rows with missing lat/lon are the points to fill) ->
        the rows, filled, with a boolean ``recovered`` column, in the caller's kind."""
        if not isinstance(task, RecoveryTask) and not hasattr(task, "known"):
            return self._recover_frame(task, columns)
        known = np.asarray(task.known, bool)
        out = np.array(task.latlon, np.float64, copy=True)
        if known.all():
            return out
        cs, _, built = self._build([task], "test")
        pts = predict_selector(self.selector_, cs)[:, 0]
        lat, lon = self.projection_.inverse(pts[:, 0], pts[:, 1])
        out[built[0][2]] = np.stack([lat, lon], 1)
        return out

    def _recover_frame(self, data: Any, columns: dict) -> Any:
        df, layout, known, edge = recovery_input_edges(data, **with_gap_rule(columns))
        out = fill_inside_edges(df, known, edge, self.recover_canonical)  # edges empty (fix31)
        return from_canonical(out, layout=layout, caller_order=True)

    def recover_canonical(self, df: pl.DataFrame, known: np.ndarray) -> pl.DataFrame:
        """A canonical table sorted by (traj_id, t) (``recovery_input``'s) -> the same rows
        with lat/lon filled where not ``known`` and a boolean ``recovered`` column."""
        ll = df.select("lat", "lon").to_numpy().astype(np.float64)  # null -> NaN
        task = RecoveryTask("frame", trajectory_numbers(df), df["t"].to_numpy(), ll, known)
        ll = self.recover(task)
        return df.with_columns(lat=pl.Series(ll[:, 0]), lon=pl.Series(ll[:, 1]),
                               recovered=pl.Series(~known))  # fmt: skip

    def parameters(self):
        """The network's parameters (``trajlm eval`` counts them)."""
        return self.selector_.parameters()

    def num_params(self) -> int:
        return sum(p.numel() for p in self.selector_.parameters())

    # -- persistence ---------------------------------------------------------------------------
    def save(self, directory: str | os.PathLike, overwrite: bool = False) -> Path:
        """Write the fitted model to `directory` at once (a temporary sibling renamed into
        place). An existing non-empty `directory` is refused unless it is a route-recovery
        model and ``overwrite``; anything not trajlm's is never touched."""
        lib = self.library_
        head = {"kind": KIND, "format": FORMAT, "params": self._params_json(),
                "settings": self.settings_}  # fmt: skip
        return write_selector_folder(self, directory, overwrite, "model", MARKER_KIND, head,
                                     "library.npz", {"xy": lib.xy_, "t": lib.t_, "keys": lib.keys_})  # fmt: skip

    def _params_json(self) -> dict:
        p = self.get_params(deep=False)
        p["selector"] = asdict(p["selector"]) if p["selector"] is not None else None
        for k in ("intervals", "train_mask_seeds", "val_mask_seeds"):
            p[k] = list(p[k])
        # JSON has no infinity: the grid's "always Akima" end is written as null
        p["long_gap_grid"] = [None if np.isinf(v) else v for v in p["long_gap_grid"]]
        return p

    @classmethod
    def load(cls, directory: str | os.PathLike) -> RouteRecoveryPredictor:
        """A model written by ``save``; a missing or damaged file is one UserError line."""
        d, cfg = read_selector_config(directory, KIND, FORMAT, FILES[:3],
                                      ("route-recovery", "route-recovery model"), TODO)  # fmt: skip
        with reading(d / "config.json", TODO, (AttributeError,)):
            p = dict(cfg["params"])
            p["selector"] = SelectorConfig(**p["selector"]) if p["selector"] else None
            for k in ("intervals", "train_mask_seeds", "val_mask_seeds"):
                p[k] = tuple(p[k])
            p["long_gap_grid"] = tuple(float("inf") if v is None else v
                                       for v in p["long_gap_grid"])  # fmt: skip
            self = cls(**p)
            self.settings_, self.log_ = cfg["settings"], cfg.get("log", {})
            self.settings_["long_gap_s"] = float(self.settings_["long_gap_s"])
            self.projection_ = LocalProjection(**cfg["projection"])
        self.selector_ = read_selector_net(d, cfg, TODO)
        with reading(d / "library.npz", TODO, (zipfile.BadZipFile, OSError)):
            with np.load(d / "library.npz", allow_pickle=False) as z:
                lib = RouteLibrary(**{k: self.get_params()[k] for k in LIB_KEYS})
                self.library_ = lib.fit(z["xy"], z["t"], z["keys"])
        return self

    from_pretrained = load


def _subset(cs, rows: np.ndarray):
    """The candidate set's rows ``rows``."""
    return type(cs)(cs.cands[rows], cs.kind, cs.cand_feats[rows], cs.query_feats[rows],
                    cs.last[rows], cs.groups[rows], cs.source[rows], cs.split,
                    cs.base)  # fmt: skip
