"""trajlm: large trajectory models for GPS trajectories.

    import trajlm
    model = trajlm.TrajLM.from_pretrained("runs/porto")   # a run -> its RUN/best weights
    pred = model.predict(df, steps=5)                     # pandas / Polars / GeoPandas in and out

The main nouns are exported here and imported on first use (PEP 562), so ``import trajlm`` and
the data layer stay light; torch loads when a model name is first touched.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from trajlm._version import __version__ as __version__

# public name -> module that defines it
_EXPORTS = {
    "TrajLM": "trajlm.api",
    "TrajectoryModel": "trajlm.model",
    "ModelConfig": "trajlm.model",
    "Trainer": "trajlm.train.trainer",
    "TrainConfig": "trajlm.train.trainer",
    "to_canonical": "trajlm.data.coerce",
    "from_canonical": "trajlm.data.coerce_out",  # (was .coerce: an AttributeError, session 18)
    "to_geopandas": "trajlm.data.geo",
    "write_geoparquet": "trajlm.data.geo",
    "ingest": "trajlm.data.ingest",
    "read": "trajlm.data.read_file",  # any file ingest reads, as a frame (leftover32)
    "clean": "trajlm.data.clean",
    "passages": "trajlm.data.passages",  # passage times between two places (fitstore27)
    "places": "trajlm.data.places",  # a mover's stay places (next32)
    "next_place": "trajlm.data.next_place",  # its probable next places (next32)
    "divert": "trajlm.api_divert",  # each van's time to divert to an order (dispatch34)
    "parked": "trajlm.data.parked",  # is each mover parked now, since when (dispatch34)
    "queries": "trajlm.api_answers",  # the windows eval scores, to answer (byo34)
    "score": "trajlm.api_answers",  # your own answers scored beside the baselines (byo34)
    "read_store": "trajlm.data.store",
    "write_store": "trajlm.data.store",
    "check_model_input": "trajlm.data.schema",
    "TrajlmInputError": "trajlm.errors",
    "ask": "trajlm.questions",
    "check_validity": "trajlm.reason.validity",
    "AnomalyDetector": "trajlm.reason.anomaly",
    "ModelClassifier": "trajlm.tasks.classify",
}
_SUBMODULES = ("baselines",)

__all__ = ["__version__", *_EXPORTS, *_SUBMODULES]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f"trajlm.{name}")
    elif not name.startswith("_") and importlib.util.find_spec(f"trajlm.{name}") is not None:
        value = importlib.import_module(f"trajlm.{name}")  # trajlm.questions, trajlm.roads, ...
    else:
        raise AttributeError(f"module 'trajlm' has no attribute {name!r}")
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
