"""Request and response conversion around the model calls: several /predict requests in one
model pass and back, the Python API's warnings as the answer's ``warnings`` lines, and point
tables as JSON points (trajlm/serve/formats.py reads and renders the formats)."""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import polars as pl

from trajlm.api import TrajLM
from trajlm.model.coverage import coverage_warnings
from trajlm.serve.formats import as_seconds, ignored_line
from trajlm.serve.output import render_points

log = logging.getLogger("trajlm.serve")

SEP = "\x1f"  # request number / traj_id inside a shared batch


def predict_batch(model: TrajLM):
    """run_batch for the MicroBatcher: several requests' tables in one `model.predict` pass,
    split back per request (traj_ids are prefixed with the request number meanwhile)."""

    def run(key: tuple, frames: list[pl.DataFrame]) -> list[pl.DataFrame]:
        steps = key[1]
        if len(frames) == 1:
            return [model.predict(frames[0], steps=steps)]
        merged = pl.concat([f.select("traj_id", "t", "lat", "lon") for f in frames])
        tags = np.repeat([f"{i:06d}{SEP}" for i in range(len(frames))], [len(f) for f in frames])
        merged = merged.with_columns(traj_id=pl.Series(tags.astype(object) + merged["traj_id"]
                                                       .to_numpy().astype(object)))  # fmt: skip
        out = model.predict(merged, steps=steps)
        parts = out.with_columns(
            _req=pl.col("traj_id").str.slice(0, 6).cast(pl.Int64),
            traj_id=pl.col("traj_id").str.slice(7),
        ).partition_by("_req", as_dict=True, include_key=False)
        return [parts[(i,)] for i in range(len(frames))]

    return run


def _predict_at(model: TrajLM, df: pl.DataFrame, at_times, seconds_ahead) -> pl.DataFrame:
    import warnings

    with warnings.catch_warnings(record=True) as caught:  # times outside the rollout: null
        warnings.simplefilter("always")
        out = model.predict(df, at_times=at_times, seconds_ahead=seconds_ahead)
    for w in caught:  # coverage lines and why a position is null (before the history, beyond
        if issubclass(w.category, UserWarning):  # the rollout) go on to the answer (_warned)
            warnings.warn(w.message, w.category, stacklevel=2)
    return out


def _warned(fn, *args) -> tuple[Any, list[str]]:
    """fn(*args) on the model thread, with the warnings it raised (coverage, NaN times, ...)
    as lines for the answer's ``warnings`` (user test ux6 item 8): the Python API's warnings,
    not only the server log's. Safe: every model call runs on that one thread."""
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = fn(*args)
    lines = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    for w in caught:
        if not issubclass(w.category, UserWarning):  # library noise: the log, as before
            log.warning("%s: %s", w.category.__name__, w.message)
    return out, lines


def _coverage_lines(model: TrajLM, df: pl.DataFrame, history: int | None) -> list[str]:
    """The coverage lines ``predict`` warns for one request of a shared /predict pass."""
    core = getattr(model, "model", model)
    return [f"input outside the training coverage: {ln}"
            for ln in coverage_warnings(core, df, history)]  # fmt: skip


def _warn(body: dict, lines: list[str]) -> dict:
    """The answer with ``warnings`` (distinct lines, in order) when there are any; with the
    line about table-row keys this request's parse ignored."""
    lines = [*ignored_line(), *lines]
    if lines:
        body["warnings"] = list(dict.fromkeys(lines))
    return body


def _points(df: pl.DataFrame, fmt: str, extra: tuple[str, ...]) -> dict:
    df = as_seconds(df)  # a model answers dated input with datetimes
    return {"format": fmt, "n_trajectories": df["traj_id"].n_unique(),
            "points": render_points(df, fmt, extra)}  # fmt: skip
