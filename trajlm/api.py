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
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import torch

from trajlm._arguments import COLUMN_KEYWORDS, check_keywords, with_gap_rule
from trajlm.api_checks import MULTITASK_HINT as MULTITASK_HINT  # re-exported (before the split)
from trajlm.api_checks import RECOVER_MODES as RECOVER_MODES
from trajlm.api_checks import (
    TaskChecks,
    check_network,
    choose_threads,
    single_point_warning,
)
from trajlm.api_evaluate import Evaluation  # TrajLM.evaluate: `trajlm eval`'s table (apieval28)
from trajlm.api_fit import Fitting  # TrajLM.fit through `trajlm train`'s engine (fit26)
from trajlm.api_infill import InfillTasks  # recover / travel_time (out of api.py, session 22)
from trajlm.api_predict import PREDICT_KEYWORDS as PREDICT_KEYWORDS  # re-exported (split32)
from trajlm.api_predict import Prediction  # TrajLM.predict's routing (out of api.py, split32)
from trajlm.api_pretrained import Pretrained
from trajlm.api_reach import ReachSearch  # TrajLM.reach: when a point is reached (eta31)
from trajlm.api_rollout import DR_WEIGHT
from trajlm.api_similar import SimilarSearch  # TrajLM.similar (newuser31)
from trajlm.data.coerce import Layout, coerce

# The task implementations this wraps (the lead may re-point these when tasks/ moves).
from trajlm.data.coerce_out import from_canonical
from trajlm.data.features import NormStats
from trajlm.data.schema import TrajlmInputError
from trajlm.eval.radii_bins import load_radii_bins
from trajlm.eval.recover_spread import load_recover_spread
from trajlm.model import TrajectoryModel
from trajlm.model.coverage import CoverageWarning
from trajlm.tasks.classify import ModelClassifier
from trajlm.tasks.classify_engine import engine_of
from trajlm.tasks.classify_labels import not_learned_line
from trajlm.tasks.embed import embed as embed_array
from trajlm.tasks.recover import ModelRecoverer as ModelRecoverer  # re-exported (api_infill)
from trajlm.tasks.recover_bridge import BRIDGE_DEFAULT as BRIDGE_DEFAULT
from trajlm.tasks.recover_bridge import BridgeRecoverer as BridgeRecoverer
from trajlm.tasks.travel_time import ModelTravelTime as ModelTravelTime


class TrajLM(
    Prediction,
    Pretrained,
    Fitting,
    Evaluation,
    InfillTasks,
    TaskChecks,
    SimilarSearch,
    ReachSearch,
):
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
        self.threads = choose_threads(self.model, threads) if device == "cpu" else None
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
        if line := not_learned_line(getattr(self.classifier, "not_learned_", {}), classes):
            warnings.warn(line, stacklevel=2)  # walk labelled bike, unsaid before (fix40c)
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
        from trajlm.roads import MatchConfig, RoadGraph
        from trajlm.roads import match as match_roads
        from trajlm.roads.network import read_network_once

        check_keywords(
            "TrajLM.match", options, (*MatchConfig.__dataclass_fields__, *COLUMN_KEYWORDS)
        )
        check_network(network)
        hmm = {k: options.pop(k) for k in list(options) if k in MatchConfig.__dataclass_fields__}
        df, layout = coerce(
            data, **with_gap_rule(options)
        )  # a vehicle's trips, as the other methods
        graph = network if isinstance(network, RoadGraph) else read_network_once(network)
        return from_canonical(match_roads(df, graph, **hmm), layout=layout, caller_order=True)


__all__ = ["CoverageWarning", "Layout", "TrajLM"]
