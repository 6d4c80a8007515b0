"""Request and response conversion around the model calls: several /predict requests in one
model pass and back, the Python API's warnings as the answer's ``warnings`` lines, and point
tables as JSON points (trajlm/serve/formats.py reads and renders the formats)."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from typing import Any

import numpy as np
import polars as pl

from trajlm.api import TrajLM
from trajlm.model.coverage import coverage_warnings
from trajlm.serve.echo import notes
from trajlm.serve.formats import ignored_line
from trajlm.serve.names import in_request_keys
from trajlm.serve.output import render_points
from trajlm.serve.stays import SaidLine

log = logging.getLogger("trajlm.serve")

SEP = "\x1f"  # request number / traj_id inside a shared batch
TAG = re.compile(r"\d{6}(\x1f|\\x1f)")  # that prefix, as is or as repr() quotes it
# warnings.catch_warnings swaps the process-global filters and showwarning: two threads inside
# it at once (two apps' model threads in one process, e.g. a call abandoned at its timeout
# still running) restore each other's state and lose lines. One recording at a time.
RECORDING_LOCK = threading.RLock()


def predict_batch(model: TrajLM):
    """run_batch for the MicroBatcher: several requests' tables in one `model.predict` pass (a
    TrajLM or, since session 23, a candidate selector's SelectorTrajLM),
    split back per request (traj_ids are prefixed with the request number meanwhile)."""

    def run(key: tuple, frames: list[pl.DataFrame]) -> list[pl.DataFrame]:
        steps = key[1]
        if len(frames) == 1:
            return [model.predict(frames[0], steps=steps)]
        merged = pl.concat([f.select("traj_id", "t", "lat", "lon") for f in frames])
        tags = np.repeat([f"{i:06d}{SEP}" for i in range(len(frames))], [len(f) for f in frames])
        merged = merged.with_columns(traj_id=pl.Series(tags.astype(object) + merged["traj_id"]
                                                       .to_numpy().astype(object)))  # fmt: skip
        out, lines = warned(lambda: model.predict(merged, steps=steps))
        # the log, with the callers' ids (each answer has its own lines: routes.predict)
        for line in dict.fromkeys(lines):
            log.warning("%s", TAG.sub("", line))
        parts = out.with_columns(
            _req=pl.col("traj_id").str.slice(0, 6).cast(pl.Int64),
            traj_id=pl.col("traj_id").str.slice(7),
        ).partition_by("_req", as_dict=True, include_key=False)
        return [parts[(i,)] for i in range(len(frames))]

    return run


def predict_at_times(
    model: TrajLM, df: pl.DataFrame, at_times: Any, seconds_ahead: Any, columns: dict | None = None
) -> pl.DataFrame:
    import warnings

    with warnings.catch_warnings(record=True) as caught:  # times outside the rollout: null
        warnings.simplefilter("always")
        out = model.predict(df, at_times=at_times, seconds_ahead=seconds_ahead, **(columns or {}))
    for w in caught:  # coverage lines and why a position is null (before the history, beyond
        if issubclass(w.category, UserWarning):  # the rollout) go on to the answer (warned)
            warnings.warn(w.message, w.category, stacklevel=2)
    return out


def warned(fn: Callable[..., Any], *args: Any) -> tuple[Any, list[str]]:
    """fn(*args) on the model thread, with the warnings it raised (coverage, NaN times, ...)
    as lines for the answer's ``warnings`` (user test ux6 item 8): the Python API's warnings,
    not only the server log's. Every model call runs on the app's one model thread, and a
    process-wide lock keeps other apps' model threads (tests, embedding apps) out meanwhile."""
    import warnings

    with RECORDING_LOCK, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = fn(*args)
    # each line keeps its warning's class (a held stay's: serve/stays.py tells them so)
    lines = [SaidLine(str(w.message), w.category) for w in caught
             if issubclass(w.category, UserWarning)]  # fmt: skip
    for w in caught:
        if not issubclass(w.category, UserWarning):  # library noise: the log, as before
            log.warning("%s: %s", w.category.__name__, w.message)
    return out, lines


def coverage_lines(model: TrajLM, df: pl.DataFrame, history: int | None) -> list[str]:
    """The coverage lines ``predict`` warns for one request of a shared /predict pass."""
    core = getattr(model, "model", model)
    return [f"input outside the training coverage: {ln}"
            for ln in coverage_warnings(core, df, history)]  # fmt: skip


def with_warnings(body: dict, lines: list[str]) -> dict:
    """The answer with ``warnings`` (distinct lines, in order) when there are any; with the
    line about table-row keys this request's parse ignored."""
    lines = [*notes(), *ignored_line(), *lines]  # notes: how numeric times were read (echo)
    if lines:
        body["warnings"] = list(dict.fromkeys(lines))
    return in_request_keys(body)  # "keys": "request": the rows' own keys (serve40)


def points_body(df: pl.DataFrame, fmt: str, extra: tuple[str, ...]) -> dict:
    """The answer's points: ``t`` whole Unix seconds, ``time`` the exact instant (ms where the
    times have a part below the second; output.whole_and_ms)."""
    keys = ["traj_id", *(["piece"] if "piece" in extra else [])]  # a vehicle's pieces
    return {"format": fmt, "n_trajectories": df.select(keys).n_unique(),
            "points": render_points(df, fmt, extra)}  # fmt: skip


def predict_sub_second(model: TrajLM, df: pl.DataFrame, steps: int) -> pl.DataFrame:
    """``steps`` for a request with times below the second (session 18): the Python API's own
    answer (subsec18: a trajectory sampled faster than once a second gets its next ``steps``
    points at its own cadence, its last fix + k x its median interval; the others step as
    before), so the server and the API agree. Rows by traj_id, step."""
    return model.predict(df, steps=steps)


def seconds_ahead_exact(df: pl.DataFrame, seconds_ahead: Any) -> tuple[Any, Any]:
    """(at_times, seconds_ahead) for the model call: unchanged, since the Python API counts
    ``seconds_ahead`` from each trajectory's last fix given also where fixes share a second
    (session 18, subsec18; serve18 converted them to at_times here)."""
    return None, seconds_ahead
