"""The HTTP API over a candidate selector (session 22, selhttp22): ``trajlm serve --model DIR``
on a folder written by `trajlm train-selector` (trajlm/api_selector.py holds its Python API).

POST /predict answers as ``SelectorTrajLM.predict`` does (steps only, ``std_m`` and asked
``radii`` from the answering engine's val spread since session 27, null for a folder fitted
before it, every point and the answer naming its ``engine``: selector, knn or place_knn, the val
check's winner); a request for times (``at_times`` / ``seconds_ahead``), or for ``radii`` from a
folder without a spread, is one 422 line saying what to send. /validity needs no model and answers as for any model (validity_route.validity_routes). The other
tasks (/recover, /travel-time, /embed, /classify, /similar) are one 404 line each naming what to
use instead. GET /health, /model and /background name the engine; the map page loads as ever.
Every model call runs on the app's one model thread. Since session 23 (tidy23) /predict joins
the server's micro-batcher as the transformer's does: concurrent requests for the same steps
share one ``predict`` call (a selector's answer for a trajectory does not depend on the others
in the call), each answered with its own rows and lines; a call costs ~40 ms however few
trajectories it holds, so one request per call capped the server at ~25 requests/s."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Body, Request
from fastapi.responses import FileResponse, JSONResponse

from trajlm.api_selector import SelectorTrajLM
from trajlm.errors import TrajlmInputError
from trajlm.eval.selector_spread import spread_of
from trajlm.serve import schemas as s
from trajlm.serve.batching import MicroBatcher, ModelWorker
from trajlm.serve.convert import points_body, warned, with_warnings
from trajlm.serve.errors import NotAvailable
from trajlm.serve.examples import EXAMPLES
from trajlm.serve.formats import parse_trajectories
from trajlm.serve.limits import ServeSettings
from trajlm.serve.model_times import sub_second
from trajlm.serve.owners import latest_frame, owner_of, with_mover, without_extras
from trajlm.serve.pieces import as_sent, cut_rows, for_model, http_words, piece_of, pieces_answer
from trajlm.serve.stays import said_stays

STATIC = Path(__file__).parent / "static"
PredictBody = Annotated[s.PredictRequest, Body(openapi_examples=EXAMPLES["/predict"])]

# what an HTTP client can use instead of each task a selector has not
INSTEAD = {
    "/recover": "serve a trajlm training run (trajlm train) or a route-recovery model through "
    "the Python API (trajlm train-recovery) to fill gaps",
    "/travel-time": "serve a trajlm training run fitted with a travel-time head (trajlm train)",
    "/embed": "serve a trajlm training run (trajlm train) for embeddings",
    "/classify": "serve a classifier directory (trajlm finetune --task classify)",
    "/similar": "serve a trajlm training run with --index STORE (similarity needs embeddings)",
}


def refusal(model: SelectorTrajLM, path: str) -> str:
    """One line: this server's model is a selector, which only predicts; what to use instead."""
    return (f"{path.lstrip('/')}: this server's model ({model.path or 'in memory'}) is a "
            f"candidate selector (engine {model.engine}), which only predicts the next k <= "
            f"{model.horizon} points (POST /predict with steps); {INSTEAD[path]}")  # fmt: skip


def selector_routes(
    model: SelectorTrajLM, cfg: ServeSettings, worker: ModelWorker, batcher: MicroBatcher
) -> APIRouter:
    """POST /predict over the selector (through the micro-batcher, on the worker's thread) and
    one-line refusals."""
    router = APIRouter()
    errors = {404: {"model": s.ErrorResponse}, 413: {"model": s.ErrorResponse},
              422: {"model": s.ErrorResponse}, 503: {"model": s.ErrorResponse}}  # fmt: skip
    k_max = model.horizon

    @router.post("/predict", response_model=s.PointsResponse, responses=errors)
    async def predict(req: PredictBody) -> JSONResponse:
        """The next `steps` (default 5, at most the selector's horizon) points of every
        trajectory, as the Python API's ``predict``: `std_m` (and `radii`) from the answering
        engine's error spread on val and `engine` naming who answered (selector, knn or
        place_knn)."""
        given = [k for k in ("steps", "at_times", "seconds_ahead") if getattr(req, k) is not None]
        if len(given) > 1:
            raise TrajlmInputError(f"give one of steps, at_times, seconds_ahead (got {given})",
                                   field=given[1])  # fmt: skip
        if not req.fallback:  # a run's prediction verdict (session 24): not a selector's
            raise TrajlmInputError("a candidate selector answers with the engine saved at its fit "
                                   "(`engine` in each answer); fallback is a trajlm train run's "
                                   "option: leave it out", field="fallback")  # fmt: skip
        for k in ("at_times", "seconds_ahead"):
            if getattr(req, k) is not None:
                raise TrajlmInputError(
                    "this server's model is a candidate selector, which predicts the "
                    f"next k <= {k_max} points, not positions at times; send steps (1 to "
                    f"{k_max}) instead, or serve a trajlm training run for {k}",
                    field=k,
                )
        if req.radii is not None and spread_of(model.selector, model.engine) is None:
            raise TrajlmInputError(f"{model.no_spread_line()}; leave radii out", field="radii")
        if req.steps is not None and req.steps > k_max:
            raise TrajlmInputError(f"{req.steps} is more than this candidate selector's "
                                   f"horizon: ask for steps <= {k_max}", field="steps")  # fmt: skip
        df, fmt = parse_trajectories(req.trajectories, cfg.limits, keep_extra=True, crs=req.crs)
        df, owners = with_mover(df)  # a bus's VehicleRef beside its journey (leftover32)
        df = without_extras(df)
        mdf, cut = for_model(df, req.split_gaps)  # a vehicle's rows: cut as the API cuts them
        k = req.steps or 5
        if req.radii is not None or req.latest or (cut and sub_second(df)) or not req.hold_stays:
            # the API's own call (uncert27: radii read each trajectory's own history; exact
            # times, as routes.predict; latest: each vehicle's latest piece, newuser30; the
            # engine's answer for a stay, stays32)
            ask = {**cut, "radii": req.radii, "latest": req.latest, "hold_stays": req.hold_stays}
            bus = latest_frame(mdf, owners, cut) if req.latest else mdf  # per bus, as Python
            out, lines = await worker.call(warned, lambda: model.predict(bus, steps=k, **ask))
        else:  # a pass shared with other requests (tidy23): a vehicle's pieces as trips
            table, layout, lines = await worker.call(cut_rows, mdf, cut) if cut else (df, None, [])
            out = await batcher.submit(("steps", k, str(table["t"].dtype)), table)
            lines += model.request_lines(table)  # this request's own, as predict says them
            out, lines = said_stays(out, table, lines)  # its stays held there (stays32)
            if layout is not None:
                out, cut = pieces_answer(out, layout), {}  # answered as sent already
        out, lines = as_sent(out, cut), http_words(lines)
        out, owner = owner_of(out, owners)  # the bus after the answer's keys (leftover32)
        extra = (*piece_of(out), "step", "std_m", *(f"r{lv}_m" for lv in req.radii or []),
                 "engine", *owner)  # fmt: skip
        body = with_warnings(points_body(out, req.output or fmt, extra), lines)
        return JSONResponse(body | {"engine": model.engine})

    def refuse(path: str) -> None:
        async def refused(request: Request) -> JSONResponse:
            raise NotAvailable(refusal(model, path))

        refused.__doc__ = f"Not served for a candidate selector: {INSTEAD[path]}."
        router.add_api_route(path, refused, methods=["POST"], responses=errors,
                             name=path.strip("/").replace("-", "_"))  # fmt: skip

    for path in INSTEAD:
        refuse(path)
    return router


def selector_info_routes(
    model: SelectorTrajLM, cfg: ServeSettings, worker: ModelWorker, batcher: MicroBatcher
) -> APIRouter:
    """GET /health and /model naming the engine, /background (no index) and the map page."""
    from dataclasses import asdict

    from trajlm.serve.info import identity

    router = APIRouter()
    ident = identity(model) | {"weights_sha256": folder_sha256(model.path)}

    @router.head("/health", include_in_schema=False)
    @router.get("/health")
    async def health() -> dict:
        """Liveness and load; `engine` says who answers /predict (the val check's winner)."""
        q = batcher.queue
        return {"status": "ok", "queued": q.qsize() if q else 0, "batches": batcher.batches,
                "batched_requests": batcher.items,
                "model_calls_waiting": worker.pending, "kind": "candidate_selector",
                "engine": model.engine, "trajlm_version": ident["trajlm_version"],
                "weights_sha256": ident["weights_sha256"]}  # fmt: skip

    @router.head("/model", include_in_schema=False)
    @router.get("/model")
    async def model_card() -> dict:
        """The selector's card: engine and why (its val check), horizon, settings, centre."""
        p = model.selector.projection_
        return {
            "path": str(model.path),
            "kind": "candidate_selector",
            "tasks": model.tasks,
            "params": int(model.selector.num_params()),
            "engine": model.engine,
            "engine_line": model.engine_line(),
            "verdict": _plain(getattr(model.selector, "verdict_", None)),
            "val_spread": _plain(getattr(model.selector, "val_spread_", None)),  # uncert27
            "max_steps": model.horizon,
            "config": _plain(model.selector.settings_),
            "coverage": {
                "centre": {"lat": float(p.lat0), "lon": float(p.lon0)},
                "reach_km": model.reach_km,
            },  # fmt: skip
            "metrics": {},
            "limits": asdict(cfg) | {"limits": asdict(cfg.limits)},
            "index": None,
            "classes": None,
        } | ident

    @router.head("/background", include_in_schema=False)
    @router.get("/background")
    async def background(limit: int = 300) -> dict:
        """The map's background: empty (a selector serves no similarity index)."""
        return {"type": "FeatureCollection", "features": []}

    @router.head("/", include_in_schema=False)
    @router.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    return router


def folder_sha256(path: str | Path | None) -> str | None:
    """SHA-256 over the selector folder's files (names and bytes, in name order): which fit
    answers (None for one held in memory)."""
    if path is None or not Path(path).is_dir():
        return None
    h = hashlib.sha256()
    for f in sorted(q for q in Path(path).iterdir() if q.is_file()):
        h.update(f.name.encode() + b"\0")
        with f.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()


def _plain(x: Any) -> Any:
    from trajlm.serve.info import jsonable

    return jsonable(x)
