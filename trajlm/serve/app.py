"""The HTTP API: a ``TrajLM`` behind FastAPI, with micro-batched /predict and a map page.

    app = create_app(trajlm.TrajLM.from_pretrained("runs/porto"), index_store="data/porto")
    uvicorn.run(app, host="127.0.0.1", port=8000)      # or `trajlm serve --model runs/porto`

Handlers return their JSON directly (the pydantic response models document it at /docs without
re-validating every answer). Every model call runs on one thread (``batching.ModelWorker``); /predict requests with the same
number of steps share a model pass (``batching.MicroBatcher``). Errors are answered, never
raised: bad input -> 4xx with ``{"error": "field ...: what is wrong", "field": ...}``; a full
queue or a slow answer -> 503 with Retry-After; anything else is a bug -> logged, 500.
docs/serve.md has the endpoints, limits and measurements.
"""

from __future__ import annotations

import json
import logging
import math
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from trajlm.api import MULTITASK_HINT, TrajLM
from trajlm.api_inputs import single_point_line
from trajlm.errors import TrajlmInputError
from trajlm.model.coverage import coverage_warnings, travel_time_warning
from trajlm.serve import schemas as s
from trajlm.serve.batching import MicroBatcher, ModelWorker, Overloaded
from trajlm.serve.formats import (
    Limits,
    as_seconds,
    check_times,
    floats,
    ignored_line,
    parse_trajectories,
    render_points,
    sub_second,
)
from trajlm.serve.index import SimilarIndex
from trajlm.serve.limits import BodySizeLimit

log = logging.getLogger("trajlm.serve")
STATIC = Path(__file__).parent / "static"
SEP = "\x1f"  # request number / traj_id inside a shared batch


@dataclass
class ServeSettings:
    """Limits and batching knobs (the `trajlm serve` options)."""

    limits: Limits = field(default_factory=Limits)
    max_body_bytes: int = 4_000_000
    max_batch: int = 64  # 1 = one request per model pass
    max_delay_ms: float = 5.0
    max_queue: int = 256
    timeout_s: float = 10.0


def _error(status: int, message: str, field: str | None = None, headers=None) -> JSONResponse:
    return JSONResponse({"error": " ".join(message.split()), "field": field}, status, headers)


class NotAvailable(Exception):
    """The loaded checkpoint cannot do this (404 naming why)."""


def create_app(
    model: TrajLM, settings: ServeSettings | None = None, index: SimilarIndex | None = None
) -> FastAPI:
    """The FastAPI app serving `model` (and /similar against `index`, when given)."""
    cfg = settings or ServeSettings()
    worker = ModelWorker(max_pending=cfg.max_queue, timeout_s=cfg.timeout_s)
    batcher = MicroBatcher(predict_batch(model), worker, cfg.max_batch, cfg.max_delay_ms,
                           cfg.max_queue, cfg.timeout_s)  # fmt: skip
    max_steps = model.config.max_len - 2

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        batcher.start()
        yield
        await batcher.stop()
        worker.close()

    app = FastAPI(title="trajlm", version="1", lifespan=lifespan,
                  description="Trajectory model API: predict, recover, travel time, classify, "
                  "embed, similar. Errors: `{error, field}` with 4xx; 503 + Retry-After when "
                  "overloaded.")  # fmt: skip
    app.add_middleware(BodySizeLimit, max_bytes=cfg.max_body_bytes)
    app.state.model, app.state.batcher, app.state.index = model, batcher, index
    _handlers(app)
    errors = {422: {"model": s.ErrorResponse}, 404: {"model": s.ErrorResponse},
              503: {"model": s.ErrorResponse}}  # fmt: skip

    def parse(req: s.TrajectoriesRequest, validate: bool = True, ordered: bool = True,
              dates: bool = True):  # fmt: skip
        """ISO times reach the model as datetimes (dates, from 1900, as the Python API reads
        them); numbers as Unix seconds (from 1990)."""
        return parse_trajectories(req.trajectories, cfg.limits, validate=validate,
                                  ordered=ordered, dates=dates)  # fmt: skip

    @app.post("/predict", response_model=s.PointsResponse, responses=errors)
    async def predict(req: s.PredictRequest) -> JSONResponse:
        """Next points (`steps`) or positions at times (`at_times`, `seconds_ahead`), with
        `std_m`, the 1-sigma position uncertainty in metres."""
        given = [k for k in ("steps", "at_times", "seconds_ahead") if getattr(req, k) is not None]
        if len(given) > 1:
            raise TrajlmInputError(f"give one of steps, at_times, seconds_ahead (got {given})",
                                   field=given[1])  # fmt: skip
        if req.steps is not None and req.steps > max_steps:
            raise TrajlmInputError(f"{req.steps} is more than the model's {max_steps} "
                                   f"(max_len {model.config.max_len} - 2)", field="steps")  # fmt: skip
        if req.at_times is not None:
            check_times(req.at_times, "at_times")
        df, fmt = parse(req)
        if req.at_times is None and req.seconds_ahead is None:
            k = req.steps or 5  # shared passes: this request's own lines, as predict checks
            if sub_second(df):  # sub-second fixes: the API drops them, with a warning
                out, lines = await worker.call(_warned, lambda: model.predict(df, steps=k))
            else:  # dated and numeric times never share a pass (one time column per call)
                out = await batcher.submit(("steps", k, df["t"].dtype.is_temporal()), df)
                lines = _coverage_lines(model, as_seconds(df), model.config.max_len - k)
                lines += [ln for ln in [single_point_line(df)] if ln]  # as predict warns
        else:
            out, lines = await worker.call(
                _warned, _predict_at, model, df, req.at_times, req.seconds_ahead
            )
        return JSONResponse(_warn(_points(out, req.output or fmt, ("step", "std_m")), lines))

    @app.post("/recover", response_model=s.PointsResponse, responses=errors)
    async def recover(req: s.RecoverRequest) -> JSONResponse:
        """Fill points whose position is null (times given), between known points."""
        _need(model, "recover")
        if req.mode == "span" and getattr(model.model, "infill_head", None) is None:
            raise TrajlmInputError("mode 'span' decodes with infilling heads, which this "
                                   "checkpoint has not; 'inplace' (the default) or 'bridge' "
                                   "recover with the bridge of its forward rollouts", field="mode")  # fmt: skip
        df, fmt = parse(req, validate=False)
        out, lines = await worker.call(_warned, lambda: model.recover(df, mode=req.mode))
        return JSONResponse(_warn(_points(out, req.output or fmt, ("recovered",)), lines))

    @app.post("/travel-time", response_model=s.TravelTimeResponse, responses=errors)
    async def travel_time(req: s.TravelTimeRequest) -> JSONResponse:
        """Trip durations in seconds from origins to destinations departing at `depart`."""
        _need(model, "travel_time")
        if len(req.origins) != len(req.destinations):
            raise TrajlmInputError(f"{len(req.origins)} origins but {len(req.destinations)} "
                                   "destinations", field="destinations")  # fmt: skip
        check_times(req.depart, "depart")
        o, d = np.asarray(req.origins, np.float64), np.asarray(req.destinations, np.float64)
        secs, lines = await worker.call(_warned, model.travel_time, o, d, req.depart)
        line = travel_time_warning(getattr(model, "model", model), o, d, secs)  # implausible
        return JSONResponse(_warn({"seconds": floats(secs)}, [*lines, *([line] if line else [])]))

    @app.post("/embed", response_model=s.EmbedResponse, responses=errors)
    async def embed(req: s.TrajectoriesRequest) -> JSONResponse:
        """One vector per trajectory (mean-pooled final hidden state)."""
        df, _ = parse(req)
        emb, lines = await worker.call(_warned, model.embed, df)
        Z = emb.select(pl.exclude("traj_id")).to_numpy()
        return JSONResponse(_warn({"dim": Z.shape[1], "embeddings": [{"traj_id": t, "embedding":
                z.tolist()} for t, z in zip(emb["traj_id"].to_list(), Z, strict=True)]}, lines))  # fmt: skip

    @app.post("/classify", response_model=s.ClassifyResponse, responses=errors)
    async def classify(req: s.TrajectoriesRequest) -> JSONResponse:
        """The class of each trajectory, with probabilities (a classifier checkpoint only)."""
        _need(model, "classify")
        df, _ = parse(req)
        out, lines = await worker.call(_warned, model.classify, df)
        classes = [c[2:] for c in out.columns if c.startswith("p_")]
        rows = [
            {
                "traj_id": r["traj_id"],
                "label": r["label"],
                "proba": {c: r[f"p_{c}"] for c in classes},
            }
            for r in out.iter_rows(named=True)
        ]
        return JSONResponse(_warn({"classes": classes, "results": rows}, lines))

    @app.post("/similar", response_model=s.SimilarResponse, responses=errors)
    async def similar(req: s.SimilarRequest) -> JSONResponse:
        """The k trajectories of the index (`--index STORE`) nearest to each query."""
        if index is None:
            raise NotAvailable("no similarity index: start the server with --index STORE")
        df, _ = parse(req)
        emb, lines = await worker.call(_warned, lambda: model.embed(df, n_points=index.n_points))
        dist, idx = index.query(emb.select(pl.exclude("traj_id")).to_numpy(), req.k)
        results = []
        for q, (dr, ir) in zip(emb["traj_id"].to_list(), zip(dist, idx, strict=True),
                               strict=True):  # fmt: skip
            matches = []
            for r, (dd, j) in enumerate(zip(dr, ir, strict=True)):
                tid = index.ids[j]
                g = index.tracks[tid] if req.geometry else None
                track = (
                    None if g is None else [[a, b] for a, b in zip(g["lon"], g["lat"], strict=True)]
                )
                matches.append({"rank": r + 1, "traj_id": tid, "distance": float(dd),
                                "track": track})  # fmt: skip
            results.append({"traj_id": q, "matches": matches})
        return JSONResponse(_warn({"results": results}, lines))

    @app.post("/validity", response_model=s.ValidityResponse, responses=errors)
    async def validity(req: s.ValidityRequest) -> JSONResponse:
        """Physical validity of every point (speed, acceleration, teleports, time order) with
        a reason code and sentence, and a summary per trajectory (docs/reasoning.md)."""
        from trajlm.errors import UserError
        from trajlm.reason.validity import ValidityConfig, check_validity, summarize

        if req.mode is not None:
            try:
                ValidityConfig().canonical_mode(req.mode)
            except UserError as e:  # the HTTP hint: the modes there are (no Python advice)
                modes = sorted(ValidityConfig().table())
                raise TrajlmInputError(str(e).split(";")[0], field="mode",
                                       hint=f"one of {modes}, or leave mode out") from None  # fmt: skip
        df, fmt = parse(req, validate=False, ordered=False, dates=False)  # reported, not refused
        pts = check_validity(df, mode=req.mode)
        per = summarize(pts).with_columns(pl.col("traj_id").cast(pl.Utf8))
        body = _points(pts, req.output or fmt, ("valid", "reason_code", "reason", "score"))
        body["n_invalid_points"] = int((~pts["valid"]).sum())
        body["trajectories"] = [{k: (v if not isinstance(v, float) or math.isfinite(v) else None)
                                 for k, v in r.items()} for r in per.iter_rows(named=True)]  # fmt: skip
        return JSONResponse(body)

    @app.get("/health")
    async def health() -> dict:
        q = batcher.queue
        return {"status": "ok", "queued": q.qsize() if q else 0, "batches": batcher.batches,
                "batched_requests": batcher.items, "model_calls_waiting": worker.pending}  # fmt: skip

    @app.get("/model")
    async def model_card() -> dict:
        """The model card: config, parameters, tasks, training coverage, metrics, limits."""
        return _card(model, cfg, index)

    @app.get("/background")
    async def background(limit: int = 300) -> dict:
        """Indexed tracks (thinned) as GeoJSON, for the map's background."""
        feats = []
        if index is not None:
            for tid in index.ids[: max(0, min(limit, 2_000))]:
                g = index.tracks[tid]
                feats.append({"type": "Feature", "properties": {"traj_id": tid},
                              "geometry": {"type": "LineString", "coordinates":
                                           [[a, b] for a, b in zip(g["lon"], g["lat"], strict=True)]}})  # fmt: skip
        return {"type": "FeatureCollection", "features": feats}

    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


# ---------------------------------------------------------------------------------- tasks
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


def _need(model: TrajLM, task: str) -> None:
    if task in model.tasks:
        return
    if task == "classify":
        raise NotAvailable(f"classify: {model.path} is not a classifier; serve a classifier "
                           "directory (classifier.json, from `trajlm finetune --task classify`)")  # fmt: skip
    raise NotAvailable(f"{task}: this checkpoint has no infilling heads; {MULTITASK_HINT}")


def _card(model: TrajLM, cfg: ServeSettings, index: SimilarIndex | None) -> dict:
    conf = model.config.to_dict() if hasattr(model.config, "to_dict") else dict(vars(model.config))
    stats = conf.pop("stats", None) or {}
    # what the model was trained on (trajlm.model.coverage; recorded by the Trainer), plus the
    # centre and scale of its plane, which every checkpoint has
    coverage = (conf.pop("coverage", None) or {}) | {
        "centre": {"lat": stats.get("lat0"), "lon": stats.get("lon0")},
        "position_scale_m": stats.get("xy_scale"),
    }
    metrics = {}
    for d in [] if model.path is None else [Path(model.path), Path(model.path).parent]:
        for name in ("train_summary.json", "eval.json", "metrics.json"):
            if (d / name).exists() and name not in metrics:
                try:
                    metrics[name] = json.loads((d / name).read_text())
                except (OSError, ValueError):
                    continue
    n = sum(p.numel() for p in model.model.parameters())
    return {"path": str(model.path), "tasks": model.tasks, "params": n,
            "config": _jsonable(conf), "coverage": _jsonable(coverage),
            "metrics": _jsonable(metrics), "max_steps": model.config.max_len - 2,
            "limits": asdict(cfg) | {"limits": asdict(cfg.limits)},
            "index": None if index is None else {"store": index.store, "trajectories": len(index)},
            "classes": None if model.classifier is None else
            [str(c) for c in model.classifier.classes_]}  # fmt: skip


def _jsonable(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_jsonable(v) for v in x]
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, str | int | float | bool) or x is None:
        return x
    return str(x)


# ------------------------------------------------------------------------------ errors
def _handlers(app: FastAPI) -> None:
    @app.exception_handler(TrajlmInputError)
    async def bad_input(request: Request, e: TrajlmInputError) -> JSONResponse:
        return _error(422, str(e), e.field)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, e: RequestValidationError) -> JSONResponse:
        first = e.errors()[0] if e.errors() else {}
        loc = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or "body"
        msg = first.get("msg", "invalid request")
        if first.get("type") == "json_invalid":
            return _error(400, f"body is not valid JSON ({first.get('ctx', {}).get('error')})",
                          "body")  # fmt: skip
        kind = request.headers.get("content-type", "")
        if loc == "body" and "json" not in kind:  # FastAPI parses only JSON bodies
            return _error(400, f"body is not JSON (content-type {kind or 'missing'}); send a "
                          "JSON object with content-type application/json", "body")  # fmt: skip
        if loc == "body":
            return _error(422, 'body must be a JSON object, e.g. {"trajectories": [...]}', "body")
        return _error(422, f"field {loc}: {msg}", loc)

    @app.exception_handler(StarletteHTTPException)  # a body the parser gave up on, 404, 405
    async def http_error(request: Request, e: StarletteHTTPException) -> JSONResponse:
        field = "body" if e.status_code == 400 else None
        return _error(e.status_code, str(e.detail), field, getattr(e, "headers", None))

    @app.exception_handler(NotAvailable)
    async def not_available(request: Request, e: NotAvailable) -> JSONResponse:
        return _error(404, str(e))

    @app.exception_handler(Overloaded)
    async def overloaded(request: Request, e: Overloaded) -> JSONResponse:
        return _error(503, f"overloaded: {e}; retry later", None,
                      {"Retry-After": str(e.retry_after)})  # fmt: skip

    @app.exception_handler(Exception)
    async def bug(request: Request, e: Exception) -> JSONResponse:
        log.exception("internal error on %s %s", request.method, request.url.path)
        return _error(500, f"internal error ({type(e).__name__}); it is logged on the server")


def from_env() -> FastAPI:
    """The app for `uvicorn --factory trajlm.serve.app:from_env --workers N`: the model from
    $TRAJLM_MODEL, the optional index from $TRAJLM_INDEX (docs/serve.md)."""
    import os

    model = TrajLM.from_pretrained(os.environ["TRAJLM_MODEL"])
    store = os.environ.get("TRAJLM_INDEX")
    return create_app(model, index=SimilarIndex(model, store) if store else None)
