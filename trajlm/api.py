"""The Python API: a trained checkpoint as one object, DataFrame in -> DataFrame out.

    import trajlm
    model = trajlm.TrajLM.from_pretrained("runs/porto")   # a run -> its val-selected RUN/best
    pred = model.predict(df, steps=5)                     # next points, with std_m
    filled = model.recover(df)                            # rows with missing lat/lon filled
    secs = model.travel_time(origins, destinations, depart)
    emb = model.embed(df)                                 # traj_id + emb_0 .. emb_{d-1}

``TrajLM`` is a thin wrapper in the manner of a Hugging Face pipeline: it holds the
``TrajectoryModel`` (an ``nn.Module``, at ``.model``) and, for a saved classifier, the
``ModelClassifier``, and turns each task into a method that takes any frame ``trajlm.data.coerce``
reads (Polars, pandas, GeoPandas, MovingPandas; column names detected or given with
``traj_col=``, ``time_col=``, ``lat_col=``, ``lon_col=``, ``crs=``) and returns the caller's
kind with the caller's column names. The model itself stays a plain module. docs/api.md has
the details.
"""

from __future__ import annotations

import math
import warnings
from numbers import Integral
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import polars as pl
import torch

from trajlm._threads import apply_threads
from trajlm.api_inputs import (
    _latlon,
    _od_points,
    _seconds,  # noqa: F401  (re-exported: tests import it from here)
    _seconds_kind,
    _warn_nan,
    asked_ahead,
    coverage_view,
    drop_labels,
    index_labels,
    long_trip_warning,
    naive_time_note,
    same_place_warning,
    single_point_line,
)
from trajlm.api_rollout import interpolate_at

# The task implementations this wraps (the lead may re-point these when tasks/ moves).
from trajlm.data import geo
from trajlm.data.coerce import (
    Layout,
    coerce,
    from_canonical,
    recovery_input,
    trajectory_numbers,
)
from trajlm.data.features import NormStats
from trajlm.data.schema import MIN_T, MIN_T_DATED, TrajlmInputError, check_model_input
from trajlm.errors import UserError
from trajlm.model import TrajectoryModel
from trajlm.model.coverage import (
    CoverageWarning,
    coverage_warnings,
    load_coverage,
    position_warning,
    travel_time_warning,
)
from trajlm.model.quantize import QUANTIZE_MODES, quantize_int8
from trajlm.model.weights import resolve_weights
from trajlm.tasks.classify import ModelClassifier
from trajlm.tasks.embed import embed as embed_array
from trajlm.tasks.predict import predict_at_table, predict_table
from trajlm.tasks.recover import ModelRecoverer
from trajlm.tasks.recover_bridge import BRIDGE_DEFAULT, BridgeRecoverer
from trajlm.tasks.travel_time import ModelTravelTime

RECOVER_MODES = ("inplace", "span", "bridge")
MULTITASK_HINT = (
    "it needs a checkpoint trained with the infilling heads (a multi-task run, e.g. "
    '`trajlm train --config configs/multitask.toml`; its config.json has "infill_heads": true)'
)


def _single_model_dir(p: Path) -> bool:
    """A folder of one saved model that has no final-step weights apart (weights="last")."""
    from trajlm.eval.route_recovery_predictor import is_route_recovery_dir
    from trajlm.eval.selector_predictor import is_selector_dir

    return (p / "classifier.json").exists() or is_selector_dir(p) or is_route_recovery_dir(p)


def _choose_threads(model: torch.nn.Module, threads: int | None) -> int:
    """torch intra-op threads for inference, by the one policy of trajlm._threads (1 for small
    models or <= 2 cores: extra OpenMP threads spin on a busy machine, 7x slower measured)."""
    return apply_threads(threads, sum(p.numel() for p in model.parameters()))


class TrajLM:
    """A trained trajlm checkpoint with one method per task (see the module docstring).

    Build it with ``TrajLM.from_pretrained(path)`` or ``TrajLM(model)`` around a loaded
    ``TrajectoryModel``. ``tasks`` lists what the checkpoint can do: every model predicts and
    embeds and recovers (without infilling heads through the bridge of its forward rollouts);
    ``travel_time`` needs the infilling heads (a multi-task run);
    ``classify`` needs a classifier saved by ``ModelClassifier.save``.
    """

    def __init__(
        self,
        model: TrajectoryModel,
        classifier: ModelClassifier | None = None,
        threads: int | None = None,
        device: str = "cpu",
        path: str | Path | None = None,
    ) -> None:
        if not model.config.stats:
            raise ValueError("the model carries no normalization stats (config.stats): load a "
                             "trained checkpoint, or set them from a store (load_stats)")  # fmt: skip
        self.model = model.to(device).eval()
        self.classifier = classifier
        self.device, self.path = device, path
        self.threads = _choose_threads(self.model, threads) if device == "cpu" else None
        self.projection = NormStats.from_dict(model.config.stats).projection

    @classmethod
    def from_pretrained(
        cls,
        path: str | Path,
        *,
        weights: str = "best",
        threads: int | None = None,
        device: str = "cpu",
        quantize: str | None = None,
    ) -> TrajLM:
        """Load a training run (its val-selected ``RUN/best``; ``weights="last"`` for the final
        step), a weights directory, a classifier directory (``classifier.json``), or a
        candidate selector (``trajlm.api_selector.SelectorTrajLM``: ``predict`` only), or a route-
        recovery model (``trajlm.api_recovery.RecoveryTrajLM``: ``recover`` only).

        ``quantize="int8"``: the transformer blocks run int8 dynamic quantization on the CPU
        (trajlm.model.quantize; ~4x smaller, faster, predictions within ~0.1 % ADE,
        docs/ablations.md)."""
        if quantize not in (None, *QUANTIZE_MODES):
            raise ValueError(f"quantize must be None or one of {QUANTIZE_MODES}, got {quantize!r}")
        if quantize and device != "cpu":
            raise ValueError(f'quantize="{quantize}" runs on the CPU only; use device="cpu"')
        p = Path(path)
        from trajlm.eval.selector_predictor import is_selector_dir

        if weights == "last" and _single_model_dir(p):
            raise ValueError(f"weights='last': {p} holds one saved model (a classifier, selector "
                             "or route-recovery folder keeps only its kept weights); load it "
                             "without weights=")  # fmt: skip

        if is_selector_dir(p):  # a candidate selector: predict(steps<=horizon) only
            from trajlm.api_selector import SelectorTrajLM

            if quantize or device != "cpu":
                raise ValueError("a candidate selector runs on the CPU, unquantized")
            return SelectorTrajLM.from_pretrained(p, threads=threads)  # type: ignore[return-value]
        from trajlm.eval.route_recovery_predictor import is_route_recovery_dir

        if is_route_recovery_dir(p):  # route retrieval + selector: recover(df) only
            from trajlm.api_recovery import RecoveryTrajLM

            if quantize or device != "cpu":
                raise ValueError("a route-recovery model runs on the CPU, unquantized")
            return RecoveryTrajLM.from_pretrained(p, threads=threads)  # type: ignore[return-value]
        if (p / "classifier.json").exists():
            if quantize:
                raise ValueError("quantize applies to prediction checkpoints, not classifiers")
            clf = ModelClassifier.load(p, device=device)
            return cls(clf.classifier_.backbone_model, clf, threads, device, p)
        model = TrajectoryModel.from_pretrained(p, weights=weights)  # logs what it loads
        d = resolve_weights(p, weights, log=False)
        out = cls(quantize_int8(model) if quantize else model, None, threads, device, d)
        out._float_model = model if quantize else None  # what save_pretrained writes
        return out

    def save_pretrained(self, directory: str | Path, overwrite: bool = False) -> None:
        """Write this checkpoint so that ``TrajLM.from_pretrained(directory)`` loads it: the
        weights (config.json + model.safetensors), or a classifier folder. An int8 model
        writes the float32 weights it was quantized from (quantization is deterministic:
        ``from_pretrained(directory, quantize="int8")`` predicts exactly as this one does;
        int8 weights have no portable file format here). A folder that already holds a
        checkpoint needs ``overwrite``."""
        d = Path(directory)
        if self.classifier is not None:
            self.classifier.save(d, overwrite=overwrite)
            return
        if (d / "model.safetensors").exists() and not overwrite:
            raise FileExistsError(f"{d} already holds model.safetensors; pass overwrite=True")
        (getattr(self, "_float_model", None) or self.model).save_pretrained(d)

    @property
    def config(self) -> Any:
        return self.model.config

    @property
    def tasks(self) -> list[str]:
        """The task methods this checkpoint supports."""
        out = ["predict", "embed", "recover"]  # recover: the bridge without infilling heads
        if getattr(self.model, "infill_head", None) is not None:
            out += ["travel_time"]
        return out + (["classify"] if self.classifier is not None else [])

    def __repr__(self) -> str:
        c = self.config
        return (f"TrajLM({str(self.path or '<in memory>')!r}, d_model={c.d_model}, "
                f"n_layers={c.n_layers}, max_len={c.max_len}, tasks={self.tasks})")  # fmt: skip

    # ------------------------------------------------------------------------------- input
    def _input(self, data: Any, columns: dict, validate: bool = True):
        with index_labels(data) as data:  # pandas: errors name index labels
            df, layout = coerce(data, validate=validate, **columns)
        df = drop_labels(df)
        self._check_coverage(df, stacklevel=5)
        return df, layout

    def _check_coverage(
        self, df: pl.DataFrame, history: int | None = None, stacklevel: int = 4
    ) -> None:
        """Warn (CoverageWarning), naming the feature, where the input lies outside what the
        model was trained on (the coverage its Trainer recorded), speed and sampling interval
        exactly where the coverage gate acts on each trajectory's last ``history`` points;
        older checkpoints: the projection's extent check. ``stacklevel``: the user's frame
        (the task method and its inference_mode wrapper counted)."""
        for line in coverage_warnings(self.model, df, history):
            warnings.warn(f"input outside the training coverage: {line}", CoverageWarning,
                          stacklevel=stacklevel)  # fmt: skip
        if load_coverage(self.model) is None:
            p = self.projection
            geo.check_extent(
                df, p.lat0, p.lon0, what="the input (from the model's training centre)"
            )

    def _require_infill(self, task: str) -> None:
        if getattr(self.model, "infill_head", None) is None:
            raise UserError(  # a ValueError too
                f"{task}: this checkpoint ({self.path}) has no infilling heads; {MULTITASK_HINT}",
                hint="train one on your own trips: trajlm.write_store(trajlm.to_canonical(df), "
                "'store') (or trajlm data ingest), then `trajlm train --data store --config "
                "configs/multitask.toml --out runs/eta` and TrajLM.from_pretrained('runs/eta'); a "
                "next-point checkpoint such as trajlm-small cannot be fine-tuned for it "
                "(docs/api.md, travel_time)",
            )

    # -------------------------------------------------------------------------- predict
    @torch.inference_mode()
    def predict(
        self,
        data: Any,
        steps: int | None = None,
        *,
        at_times: Any = None,
        seconds_ahead: Any = None,
        draft: Any = None,
        **columns: Any,
    ) -> Any:
        """Future positions of every trajectory in `data` (all of it is history).

        ``draft`` (with ``steps``): a small checkpoint (TrajLM or TrajectoryModel) of the same
        data that proposes points this model verifies: speculative decoding (docs/ablations.md;
        the same rollout within c sigma, slower than plain batches on a CPU).

        ``steps=k`` (default 5): the next k points of the model's rollout, at the times the
        model predicts. ``at_times=[...]`` (absolute: datetimes, ISO strings or Unix seconds,
        the same for every trajectory) or ``seconds_ahead=[...]`` (after each trajectory's last
        point): positions at those times. Either may instead be per trajectory, a dict
        ``{trajectory id: times}`` or a frame of (trajectory id, time) rows: then only the
        trajectories listed are predicted, each at its own times (step 1.. per trajectory). A model built with ``time_query`` (issue 15) is
        asked for exactly those times; any other predicts the time of each next point but
        cannot be conditioned on a time, so it rolls out until each trajectory's last asked
        time (up to 256 steps, trajlm/api_rollout.py) and the track (from the last observed
        point) is interpolated linearly, in metres, at the requested times; times before a
        trajectory's last point or beyond that rollout give NaN, with a warning naming the
        trajectory, the cause and how far its rollout reached.
        Returns one row per predicted point: the trajectory id, step (1..k), time, lat, lon
        and std_m (1-sigma position uncertainty, m), in the caller's kind (Polars in -> Polars
        out, a LazyFrame -> a LazyFrame, pandas -> pandas, a GeoDataFrame -> a GeoDataFrame
        of Points in its CRS) and with the caller's column names: input columns ``vehicle``,
        ``timestamp``, ``latitude``, ``longitude`` give ``vehicle``, ``step``, ``timestamp``,
        ``latitude``, ``longitude``, ``std_m``; trajlm's own names (traj_id, t, lat, lon) stay
        as they are. Times come back as the input had them (datetimes in its zone; Unix
        seconds; ISO strings as UTC datetimes).

        Where a trajectory's speed or sampling interval lies outside the training range, a
        ``CoverageWarning`` names it; a model with ``coverage_gate = "speed"`` (trajlm-small)
        falls back toward constant velocity there (trajlm/model/coverage_gate.py).
        """
        if sum(x is not None for x in (steps, at_times, seconds_ahead)) > 1:
            raise ValueError("give one of steps=, at_times= or seconds_ahead=")
        if steps is not None and (isinstance(steps, bool) or not isinstance(steps, Integral)
                                  or steps < 1):  # fmt: skip
            raise ValueError(f"steps must be an integer >= 1, got {steps!r}")
        with index_labels(data) as data:  # pandas: errors name index labels
            df, layout = coerce(data, **columns)
        df = drop_labels(df)
        naive_time_note(self.model, layout)
        self._check_patch(df)
        if (line := single_point_line(df)) is not None:
            warnings.warn(line, stacklevel=3)
        max_len = self.config.max_len
        if at_times is None and seconds_ahead is None:
            k = int(steps or 5)
            self._check_coverage(df, history=max_len - k)  # the points the rollout reads
            core = getattr(draft, "model", draft)  # a TrajLM or a TrajectoryModel
            return from_canonical(predict_table(self.model, df, k, draft=core), layout=layout)
        if draft is not None:
            raise ValueError("draft= speeds up steps= rollouts; at_times / seconds_ahead run "
                             "without it")  # fmt: skip
        last_t = df.group_by("traj_id", maintain_order=True).agg(pl.col("t").last())
        req, valid, ids = asked_ahead(at_times, seconds_ahead, last_t, layout.traj_col)
        if ids is not None:  # times per trajectory: only those asked are predicted
            df = df.filter(pl.col("traj_id").is_in(ids))
            last_t = last_t.filter(pl.col("traj_id").is_in(ids))
        k = self._rollout_steps(df, req)
        self._check_coverage(df, history=max_len - k)
        return from_canonical(self._predict_at(df, last_t, req, k, valid), layout=layout)

    def _check_patch(self, df: pl.DataFrame) -> None:
        """A patched model's rollout reads whole patches: each trajectory needs patch_size+
        points (a TrajlmInputError naming the first short one; the server answers 422)."""
        p = int(getattr(self.config, "patch_size", 1))
        short = df.group_by("traj_id", maintain_order=True).len().filter(pl.col("len") < p)
        if len(short):
            tid, n = short.row(0)
            raise TrajlmInputError(
                f"this patched model (patch_size {p}) reads histories in patches of {p} points "
                f"and needs at least {p} history points per trajectory; {tid!r} has {n} ({len(short)} "
                "trajectories too short)", hint=f"give each trajectory {p}+ points")  # fmt: skip

    def _rollout_steps(self, df: pl.DataFrame, ahead: np.ndarray) -> int:
        """The rollout's length for times `ahead` (B, m) s: a time_query model takes one step
        per distinct future time; any other 1.5x the steps the history's median interval
        needs (rolled-out intervals vary), at most half of max_len: the rest is history (a
        longer horizon is reached by extending the rollout, trajlm/api_rollout.py)."""
        if getattr(self.config, "time_query", False):
            return max(1, max(len(np.unique(a[a > 0])) for a in np.asarray(ahead, np.float64)))
        dt = df.select(pl.col("t").diff().over("traj_id").median()).item() or 1.0
        room = max(1, self.config.max_len // 2)
        return int(min(room, max(1, math.ceil(1.5 * np.nanmax(ahead) / max(dt, 1.0)) + 2)))

    def _predict_at(self, df: pl.DataFrame, last: pl.DataFrame, ahead: np.ndarray, k: int,
                    asked: np.ndarray | None = None):  # fmt: skip
        """Positions at `ahead` (B, m) s after each trajectory's last point: asked of a
        time_query model; else the rollout, extended until it reaches the last asked time (up
        to api_rollout.MAX_STEPS steps), interpolated (NaN, with a warning naming the
        trajectory, where it cannot be). ``asked``: the (B, m) entries asked (the rest is padding
        of per-trajectory lists, dropped)."""
        if getattr(self.config, "time_query", False):  # the model answers at the times asked
            pred = predict_at_table(self.model, df, ahead)
            return _warn_nan(pred if asked is None else pred.filter(pl.Series(asked.reshape(-1))))
        return interpolate_at(self.model, df, last, ahead, k, self.projection, asked)

    # -------------------------------------------------------------------------- recover
    @torch.inference_mode()
    def recover(self, data: Any, *, mode: str = "inplace", **columns: Any) -> Any:
        """Fill the points whose lat/lon are missing (null / NaN / empty geometry).

        Their timestamps are given; every trajectory must start and end with a known point
        (use ``predict`` for points after the last one). Returns the input's rows with the
        positions filled and a boolean ``recovered`` column marking the filled ones.
        ``mode="span"`` decodes each gap autoregressively instead of in one pass.
        A checkpoint without infilling heads (trajlm-small) recovers with the bidirectional
        bridge of its forward rollouts (trajlm/tasks/recover_bridge.py; ``mode="bridge"``
        asks for it with any checkpoint; docs/recovery.md, "Session 12").
        """
        infill = getattr(self.model, "infill_head", None) is not None
        if mode not in RECOVER_MODES:
            raise ValueError(f"mode must be one of {RECOVER_MODES}, got {mode!r}")
        if mode == "span" and not infill:
            raise ValueError(f"recover: mode='span' decodes with infilling heads, which this "
                             f"checkpoint ({self.path}) has not; mode='inplace' (the default) "
                             "recovers with the bridge of its forward rollouts")  # fmt: skip
        with index_labels(data) as data:  # pandas: errors name index labels
            df, layout, known = recovery_input(data, **columns)
        df = drop_labels(df)
        naive_time_note(self.model, layout)
        self._check_coverage(coverage_view(df, known), stacklevel=4)
        out = df.with_columns(recovered=pl.Series(~known))
        if known.all():
            return from_canonical(out, layout=layout, caller_order=True)
        task = SimpleNamespace(
            groups=trajectory_numbers(df),
            t=df["t"].to_numpy(),
            latlon=np.nan_to_num(df.select("lat", "lon").to_numpy().astype(np.float64)),
            known=known,
        )
        if infill and mode != "bridge":
            ll = ModelRecoverer(self.model, mode=mode).recover(task)
        else:
            ll = BridgeRecoverer(self.model, **BRIDGE_DEFAULT).recover(task)
        out = out.with_columns(lat=pl.Series(ll[:, 0]), lon=pl.Series(ll[:, 1]))
        return from_canonical(out, layout=layout, caller_order=True)

    # ------------------------------------------------------------------------ travel time
    @torch.inference_mode()
    def travel_time(self, origins: Any, destinations: Any, depart: Any) -> np.ndarray:
        """Predicted trip durations in seconds, (N,) float.

        origins, destinations: (N, 2) arrays of (lat, lon) degrees, or frames with lat/lon
        columns (names detected as for ``to_canonical``) or Point geometries (any CRS).
        depart: the departure times, (N,) or one for all: datetimes, ISO strings or Unix s.
        """
        self._require_infill("travel_time")
        o, d = _latlon(origins, "origins"), _latlon(destinations, "destinations")
        if len(o) != len(d):
            raise TrajlmInputError(f"{len(o)} origins but {len(d)} destinations")
        t, kind = _seconds_kind(depart, "depart")  # dates from 1900, numbers from 1990 (ux7)
        t = np.broadcast_to(t, len(o)) if t.size == 1 else t
        if len(t) != len(o):
            raise TrajlmInputError(f"{len(o)} trips but {len(t)} departure times", field="depart")
        od = pl.DataFrame({"o_lat": o[:, 0], "o_lon": o[:, 1], "d_lat": d[:, 0],
                           "d_lon": d[:, 1], "t_start": t.astype(np.int64)})  # fmt: skip
        check_model_input(_od_points(od), "travel_time input",
                          MIN_T if kind == "epoch" else MIN_T_DATED)  # fmt: skip
        secs = ModelTravelTime(self.model).travel_time(od)
        where = position_warning(self.model, np.r_[o[:, 0], d[:, 0]], np.r_[o[:, 1], d[:, 1]],
                                 what="origins and destinations")  # fmt: skip
        if where:  # as predict warns: a place the model never saw
            warnings.warn(f"input outside the training coverage: {where}", CoverageWarning,
                          stacklevel=3)  # fmt: skip
        for line in (same_place_warning(o, d, secs), travel_time_warning(self.model, o, d, secs),
                     long_trip_warning(self.model, o, d)):  # fmt: skip
            if line:  # e.g. 1 s for 6.9 km from an under-trained model
                warnings.warn(line, stacklevel=3)
        return secs

    # ----------------------------------------------------------------------------- embed
    @torch.inference_mode()
    def embed(self, data: Any, *, n_points: int | None = None, **columns: Any) -> Any:
        """One row per trajectory: its id and the mean-pooled final hidden state as
        ``emb_0 .. emb_{d-1}`` float32 columns (``X = emb.filter(like="emb_")`` in pandas).
        ``n_points`` thins every trajectory to that many points first (one window each)."""
        df, layout = self._input(data, columns)
        Z = embed_array(self.model, df, n_points=n_points)
        ids = df["traj_id"].unique(maintain_order=True)  # df is sorted: embed's row order
        cols = {f"emb_{i}": Z[:, i] for i in range(Z.shape[1])}
        return from_canonical(pl.DataFrame({"traj_id": ids, **cols}), layout=layout)

    # --------------------------------------------------------------------------- classify
    @torch.inference_mode()
    def classify(self, data: Any, **columns: Any) -> Any:
        """One row per trajectory (segment): traj_id, label (the most likely class) and
        ``p_<class>`` probabilities. Needs a classifier directory (``ModelClassifier.save``)."""
        if self.classifier is None:
            raise ValueError(
                f"classify: {self.path} is not a classifier; load the directory written by "
                "ModelClassifier.save (or `trajlm finetune --task classify`), which holds classifier.json"
            )
        df, layout = self._input(data, columns)
        proba = self.classifier.predict_proba(df)
        classes = list(self.classifier.classes_)
        out = pl.DataFrame({
            "traj_id": df["traj_id"].unique(maintain_order=True),
            "label": np.asarray(classes)[proba.argmax(1)].astype(str),
            **{f"p_{c}": proba[:, i] for i, c in enumerate(classes)},
        })  # fmt: skip
        return from_canonical(out, layout=layout)

    # ------------------------------------------------------------------------------ match
    @staticmethod
    def match(data: Any, network: Any, **options: Any) -> Any:
        """Map-match onto a road network (a ``trajlm.roads.RoadGraph`` or a ``.osm.pbf`` /
        ``.geojson`` / ``.parquet`` path): the input rows plus ``edge_id``, ``way_id``,
        ``edge_offset_m``, ``edge_frac``, ``match_lat``/``match_lon``, ``match_dist_m`` (null
        where unmatched) and ``chain``. ``options``: the HMM's ``sigma_m``, ``beta_m``,
        ``radius_m``, ``max_candidates``, ``backtrack_m``, else column names as elsewhere.
        Needs no checkpoint: ``TrajLM.match(df, net)`` and ``model.match(df, net)`` are the
        same (``trajlm.roads.match`` is the Polars-only form)."""
        from trajlm.roads import MatchConfig, RoadGraph, read_network
        from trajlm.roads import match as match_roads

        hmm = {k: options.pop(k) for k in list(options) if k in MatchConfig.__dataclass_fields__}
        df, layout = coerce(data, **options)
        graph = network if isinstance(network, RoadGraph) else read_network(network)
        return from_canonical(match_roads(df, graph, **hmm), layout=layout, caller_order=True)


__all__ = ["CoverageWarning", "Layout", "TrajLM"]
