"""The Python API: a trained checkpoint as one object, DataFrame in -> DataFrame out.

    import trajlm
    model = trajlm.TrajLM.from_pretrained("runs/porto")   # a run -> its val-selected RUN/best
    pred = model.predict(df, steps=5)                     # next points, with std_m
    filled = model.recover(df)                            # rows with missing lat/lon filled
    secs = model.travel_time(origins, destinations, depart)
    emb = model.embed(df)                                 # traj_id + emb_0 .. emb_{d-1}
    model = trajlm.TrajLM.fit(df, "runs/mine")            # train (trajlm train's engine)
    table = model.evaluate(df, task="predict")            # trajlm eval's table (DataFrame)

``TrajLM`` is a thin wrapper in the manner of a Hugging Face pipeline: it holds the
``TrajectoryModel`` (an ``nn.Module``, at ``.model``) and, for a saved classifier, the
``ModelClassifier``, and turns each task into a method that takes any frame ``trajlm.data.coerce``
reads (Polars, pandas, GeoPandas, MovingPandas; column names detected or given with
``traj_col=``, ``time_col=``, ``lat_col=``, ``lon_col=``, ``crs=``) and returns the caller's
kind with the caller's column names. The model itself stays a plain module. docs/api.md has
the details.
"""

from __future__ import annotations

import warnings
from numbers import Integral
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import torch

from trajlm import api_rollout
from trajlm._arguments import check_keywords
from trajlm.api_at_times import predict_asked
from trajlm.api_checks import (
    COLUMN_KEYWORDS,
    TaskChecks,
    _choose_threads,
    check_network,
    id_said,
    single_point_warning,
    split,
)
from trajlm.api_checks import MULTITASK_HINT as MULTITASK_HINT  # re-exported (before the split)
from trajlm.api_checks import RECOVER_MODES as RECOVER_MODES
from trajlm.api_evaluate import Evaluation  # TrajLM.evaluate: `trajlm eval`'s table (apieval28)
from trajlm.api_fit import Fitting  # TrajLM.fit through `trajlm train`'s engine (fit26)
from trajlm.api_infill import InfillTasks  # recover / travel_time (out of api.py, session 22)
from trajlm.api_inputs import (
    asked_ahead,
    drop_labels,
    index_labels,
    naive_time_note,
    single_point_line,
)
from trajlm.api_knn_note import warn_knn_once
from trajlm.api_predict_verdict import (
    baseline_rows,
    dr_route,
    engine_spread,
    model_keeps_call,
    predict_verdict,
    steps_reach,
    with_engine,
)
from trajlm.api_pretrained import Pretrained
from trajlm.api_reach import ReachSearch  # TrajLM.reach: when a point is reached (eta31)
from trajlm.api_rollout import (
    DR_WEIGHT,
    exact_times,
    history_interval,
    predict_chunked,
    thin_history,
)
from trajlm.api_similar import SimilarSearch  # TrajLM.similar (newuser31)
from trajlm.api_stays import drop_poor_fixes
from trajlm.api_stays import hold_stays as stays_held  # a stay's mover held there (newuser32)
from trajlm.api_subsec import exact_history, steps_at_times
from trajlm.api_verdict import check_flags
from trajlm.api_verdict_asked import verdict_asked
from trajlm.data.coerce import Layout, coerce

# The task implementations this wraps (the lead may re-point these when tasks/ moves).
from trajlm.data.coerce_out import from_canonical
from trajlm.data.coerce_pieces import latest_pieces, mover_owners, with_owners
from trajlm.data.coerce_rows import say_repeats
from trajlm.data.features import NormStats
from trajlm.data.schema import TrajlmInputError
from trajlm.eval.radii_bins import load_radii_bins
from trajlm.eval.recover_spread import load_recover_spread
from trajlm.eval.spread_radii import with_radii_asked
from trajlm.model import TrajectoryModel
from trajlm.model.coverage import CoverageWarning
from trajlm.tasks.classify import ModelClassifier
from trajlm.tasks.classify_engine import engine_of
from trajlm.tasks.embed import embed as embed_array
from trajlm.tasks.recover import ModelRecoverer as ModelRecoverer  # re-exported (api_infill)
from trajlm.tasks.recover_bridge import BRIDGE_DEFAULT as BRIDGE_DEFAULT
from trajlm.tasks.recover_bridge import BridgeRecoverer as BridgeRecoverer
from trajlm.tasks.travel_time import ModelTravelTime as ModelTravelTime

PREDICT_KEYWORDS = ("steps", "at_times", "seconds_ahead", "draft", "radii", "fallback", "latest",
                    "hold_stays", *COLUMN_KEYWORDS)  # fmt: skip


class TrajLM(Pretrained, Fitting, Evaluation, InfillTasks, TaskChecks, SimilarSearch, ReachSearch):
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
            raise TrajlmInputError("the model carries no normalization stats (config.stats): load a "
                             "trained checkpoint, or set them from a store (load_stats)")  # fmt: skip
        self.model = model.to(device).eval()
        self.classifier = classifier
        self.device, self.path = device, path
        self.threads = _choose_threads(self.model, threads) if device == "cpu" else None
        self.projection = NormStats.from_dict(model.config.stats).projection
        # at_times / seconds_ahead on a query with reported speed and course: weight of dead
        # reckoning mixed into the model's positions (api_rollout.DR_WEIGHT; 0 = positions only)
        self.dead_reckoning = DR_WEIGHT
        self.radii_bins = load_radii_bins(path)  # radii.json beside the weights (radii22)
        self.recover_spread = load_recover_spread(path)  # recovered points' (uncert28)
        self.last_engine = "model"  # who answered the last call (an AttributeError before one)
        self.last_held_gaps = 0  # gaps the last recover call held at a standstill (session 29)

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
        radii: Any = None,
        fallback: bool = True,
        latest: bool = False,
        hold_stays: bool = True,
        **columns: Any,
    ) -> Any:
        """Future positions of every trajectory in `data` (all of it is history).

        A frame keyed by a vehicle / user / device id is cut at gaps into pieces (a van's
        days), each predicted past its own end, keyed by (id, ``piece``); ``latest=True``
        predicts only each id's latest piece: one answer per vehicle ("every vehicle, 10
        minutes ahead"); trips keyed by a trip id with a vehicle / user id column beside them
        (``ride_id`` + ``scooter_id``): each vehicle's trip that ends last. Receivers' exact repeats (same time, same position) are dropped and
        counted in one warning, as `trajlm predict` drops them.

        ``radii=(50, 90)`` (or ``True`` for those; 95 also): a column ``r50_m`` / ``r90_m``
        per level, the radius (m) that held that share of truths on val (std_m is a Gaussian
        sigma matched at 2 std_m; the errors are heavier-tailed: eval/spread_radii.py), per
        regime where the checkpoint holds radii.json (eval/radii_bins.py).

        ``draft`` (with ``steps``): a small checkpoint (TrajLM or TrajectoryModel) of the same
        data that proposes points this model verifies: speculative decoding (docs/ablations.md;
        the same rollout within c sigma, slower than plain batches on a CPU).

        ``steps=k`` (default 5): the next k points of the model's rollout, at the times the
        model predicts. ``at_times=[...]`` (absolute: datetimes, ISO strings or Unix seconds /
        ms / us / ns, numbers read by their size; the same for every trajectory) or
        ``seconds_ahead=[...]`` (after each trajectory's last point): positions at those times.
        Either may instead be per trajectory, a dict ``{trajectory id: times}`` or a frame of
        (trajectory id, time) rows: then only the trajectories listed are predicted, each at its
        own times (step 1.. per trajectory).
        A model built with ``time_query`` (issue 15) is
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

        A run `trajlm train` saved a prediction verdict with (session 24) answers with the
        verdict's engine (the model or the best baseline on val by its rule:
        trajlm/eval/predict_verdict.py) and names it in an ``engine`` column
        (``last_engine`` too); a time-aware engine (constant velocity [time], linear-3 [time,
        fit]) also answers asked times, and kNN / linear-3 answer them interpolated between
        their next points (session 25). Past kNN's 5 steps (more steps, a later asked time)
        the engine of lowest val error that reaches that far answers the rest (session 30,
        eval/verdict_reach.py; the model's whole rollout where that is the model). Calls only
        the model answers (radii, draft, far from the train split) say so once. A dead-reckoning verdict (the store reported speed and
        course; session 25) answers queries that report them, else its next-best engine, said
        once. ``fallback=False``: the model's
        own answer, as without a verdict. Since session 26 (uncert26) the engine's answers carry
        ``std_m`` and answer ``radii`` from that engine's own error spread on val, saved with
        the verdict (eval/engine_spread.py); a verdict saved without it gives ``std_m`` NaN
        (said once) and leaves radii to the model.

        A history ending in a stay (a phone at home) is held there, said once
        (``hold_stays=False``: the rollout); cell-tower fixes are left out (api_stays.py).
        """
        check_keywords("TrajLM.predict", columns, PREDICT_KEYWORDS)
        check_flags(fallback=fallback, latest=latest, hold_stays=hold_stays)
        verdict = predict_verdict(self, fallback)
        if verdict is None:
            self.last_engine = "model"  # (was left from an earlier call, or never set)
            warn_knn_once(self)  # `trajlm train` found kNN not worse on val (heldout23)
        if sum(x is not None for x in (steps, at_times, seconds_ahead)) > 1:
            raise ValueError("give one of steps=, at_times= or seconds_ahead=")
        if steps is not None and (isinstance(steps, bool) or not isinstance(steps, Integral)
                                  or steps < 1):  # fmt: skip
            raise TrajlmInputError(f"steps must be an integer >= 1, got {steps!r}", field="steps")
        with index_labels(data) as data:  # pandas: errors name index labels
            df, layout = coerce(data, repeats="drop", **split(columns))
        say_repeats(layout)  # as `trajlm predict` drops them (newuser27)
        df = drop_labels(latest_pieces(df, layout) if latest else df)
        df = drop_poor_fixes(df)  # cell-tower fixes, as ingest drops them (api_stays.py)
        owners = mover_owners(df)  # each answer names its bus (fix31; every call: leftover32)
        history = df

        def answer(out: pl.DataFrame) -> Any:  # a stay's mover held there (newuser32)
            out = stays_held(out, history, id_said(layout)) if hold_stays else out
            return from_canonical(with_owners(out, owners), layout=layout)

        verdict = dr_route(self, verdict, df)  # dead reckoning needs the query's speed / course
        naive_time_note(self.model, layout)
        self._check_patch(df, layout)
        if (line := single_point_line(df, id_said(layout))) is not None:
            warnings.warn(line, stacklevel=3)
        max_len = self.config.max_len
        order = df["traj_id"].unique(maintain_order=True)
        asked = at_times is not None or seconds_ahead is not None
        verdict = steps_reach(self, verdict, int(steps or 5), asked)  # past kNN's 5 steps
        base = None  # the verdict's baseline answer, where it answers (api_predict_verdict.py)
        if verdict is not None and not model_keeps_call(
            self, verdict, int(steps or 5), asked, radii, draft
        ):
            asked_of = df
            base, df = baseline_rows(self, verdict, df, int(steps or 5))
            base = engine_spread(self, verdict, base, asked_of, radii)
            if df.height == 0:
                return answer(with_engine(self, base, None, order))
        if at_times is None and seconds_ahead is None:
            k = int(steps or 5)
            self._check_coverage(df, history=max_len - k)  # the points the rollout reads
            core = getattr(draft, "model", draft)  # a TrajLM or a TrajectoryModel
            if core is not None and not isinstance(core, TrajectoryModel):  # badin21: was an
                raise TrajlmInputError(  # AttributeError deep in speculative.py
                    f"draft={draft!r}: give a small checkpoint (TrajLM.from_pretrained(DIR)) of "
                    "the same data to speed up steps= rollouts, or leave it out",
                    field="draft",
                )
            # fixes under 1 s apart (session 18): the next k at that cadence, on the rollout from
            # about one fix a second back from the exact last one (not thinned to the training
            # step as for asked times: 0.01-0.6 m against 0.1-3.6 m at 0.1-2.5 s ahead)
            # and a trajectory whose last fix is a glitch by its reports (predict18): the next k
            # at its median interval from that fix, on the rollout from the fix before it
            out = steps_at_times(self, df, layout, k)
            df = exact_times(df, layout.frac)  # sub-second intervals read as they are (session 17)
            if out is None:
                out = predict_chunked(self.model, df, k, draft=core)
            else:
                rest = df.filter(~pl.col("traj_id").is_in(out["traj_id"].unique().implode()))
                if rest.height:
                    out = pl.concat([out, predict_chunked(self.model, rest, k, draft=core)],
                                    how="vertical_relaxed").sort("traj_id", "step")  # fmt: skip
            out = with_radii_asked(out, radii, self.radii_bins, df, self)
            if verdict is not None:
                out = with_engine(self, out, base, order)
            return answer(out)
        if draft is not None:
            raise ValueError("draft= speeds up steps= rollouts; at_times / seconds_ahead run "
                             "without it")  # fmt: skip
        last_t = df.group_by("traj_id", maintain_order=True).agg(pl.col("t").last())
        req, valid, ids = asked_ahead(at_times, seconds_ahead, last_t, layout)
        if ids is not None:  # times per trajectory: only those asked are predicted
            df = df.filter(pl.col("traj_id").is_in(ids))
            last_t = last_t.filter(pl.col("traj_id").is_in(ids))
        # every fix at its exact time, about one a second back from the exact last one, which
        # the times asked count from (sessions 17, 18); reported speed / course read from it
        full = exact_history(df, layout)
        last_t = full.group_by("traj_id", maintain_order=True).agg(pl.col("t").last())
        # the verdict's engine answers asked times where it can (pvbase24: the [time] ones;
        # smallval25: kNN / linear-3 interpolated); the model the rest (api_verdict_asked.py)
        base, share = verdict_asked(self, verdict, full, last_t, req, valid, radii,
                                    id_said(layout))  # fmt: skip
        if verdict is not None:
            base = engine_spread(self, verdict, base, full, radii)
        if share is None:
            return answer(with_engine(self, base, None, order))
        out = predict_asked(self, *share, layout)
        out = with_radii_asked(out, radii, self.radii_bins, share[0], self)
        if verdict is not None:
            out = with_engine(self, out, base, order)
        return answer(out)

    def _history(self, df: pl.DataFrame) -> pl.DataFrame:
        """The history a rollout to asked times reads: thinned to the training step (session
        15, maritime); a ``time_query`` model reads it whole."""
        if getattr(self.config, "time_query", False):
            return df
        step = history_interval(self.model)
        return thin_history(df, step, api_rollout.THIN_BELOW * step)  # read at call time

    # ----------------------------------------------------------------------------- embed
    @torch.inference_mode()
    def embed(self, data: Any, *, n_points: int | None = None, **columns: Any) -> Any:
        """One row per trajectory: its id and the mean-pooled final hidden state as
        ``emb_0 .. emb_{d-1}`` float32 columns (``X = emb.filter(like="emb_")`` in pandas).
        ``n_points`` thins every trajectory to that many points first (one window each)."""
        check_keywords("TrajLM.embed", columns, ("n_points", *COLUMN_KEYWORDS))
        df, layout = self._input(data, columns)
        single_point_warning(
            df, "embedding", layout
        )  # as predict and the baselines warn (badapi 19)
        Z = embed_array(self.model, df, n_points=n_points)
        ids = df["traj_id"].unique(maintain_order=True)  # df is sorted: embed's row order
        cols = {f"emb_{i}": Z[:, i] for i in range(Z.shape[1])}
        return from_canonical(pl.DataFrame({"traj_id": ids, **cols}), layout=layout)

    # --------------------------------------------------------------------------- classify
    @torch.inference_mode()
    def classify(self, data: Any, **columns: Any) -> Any:
        """One row per trajectory (segment): traj_id, label (the most likely class),
        ``p_<class>`` probabilities and ``engine`` (what answered: "trajlm model (lora)", or
        "gradient boosting (...)" for a folder `trajlm finetune --task classify` saved with GB
        as its engine; classify23). Needs a classifier directory (``ModelClassifier.save``)."""
        check_keywords("TrajLM.classify", columns, COLUMN_KEYWORDS)
        if self.classifier is None:
            raise TrajlmInputError(
                f"classify: {self.path} is not a classifier; load the directory written by "
                "ModelClassifier.save (or `trajlm finetune --task classify`), which holds classifier.json"
            )
        df, layout = self._input(data, columns, said="classify")
        single_point_warning(df, "label", layout)  # as embed warns (serve18 item 7)
        proba = self.classifier.predict_proba(df)
        classes = list(self.classifier.classes_)
        out = pl.DataFrame({
            "traj_id": df["traj_id"].unique(maintain_order=True),
            "label": np.asarray(classes)[proba.argmax(1)].astype(str),
            **{f"p_{c}": proba[:, i] for i, c in enumerate(classes)},
            "engine": engine_of(self.classifier),
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

        check_keywords(
            "TrajLM.match", options, (*MatchConfig.__dataclass_fields__, *COLUMN_KEYWORDS)
        )
        check_network(network)
        hmm = {k: options.pop(k) for k in list(options) if k in MatchConfig.__dataclass_fields__}
        df, layout = coerce(data, **split(options))  # a vehicle's trips, as the other methods
        graph = network if isinstance(network, RoadGraph) else read_network(network)
        return from_canonical(match_roads(df, graph, **hmm), layout=layout, caller_order=True)


__all__ = ["CoverageWarning", "Layout", "TrajLM"]
