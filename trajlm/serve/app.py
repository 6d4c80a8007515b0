"""The HTTP API: a ``TrajLM`` behind FastAPI, with micro-batched /predict and a map page.

    app = create_app(trajlm.TrajLM.from_pretrained("runs/porto"), index_store="data/porto")
    uvicorn.run(app, host="127.0.0.1", port=8000)      # or `trajlm serve --model runs/porto`

Handlers return their JSON directly (the pydantic response models document it at /docs without
re-validating every answer). Every model call runs on one thread (``batching.ModelWorker``); /predict requests with the same
number of steps share a model pass (``batching.MicroBatcher``). Errors are answered, never
raised: bad input -> 4xx with ``{"error": "field ...: what is wrong", "field": ...}``; a full
queue or a slow answer -> 503 with Retry-After; anything else is a bug -> logged, 500.
docs/serve.md has the endpoints, limits and measurements. The endpoints are in routes.py (two
APIRouter groups), request/response conversion in convert.py, the error answers in errors.py.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.staticfiles import StaticFiles

from trajlm.api import TrajLM
from trajlm.serve.ask_routes import ask_routes
from trajlm.serve.batching import MicroBatcher, ModelWorker
from trajlm.serve.convert import SEP, predict_batch
from trajlm.serve.dispatch_routes import dispatch_routes
from trajlm.serve.errors import CatchBugs, NotAvailable, add_handlers
from trajlm.serve.index import SimilarIndex
from trajlm.serve.limits import BodySizeLimit, ServeSettings
from trajlm.serve.reach_routes import reach_routes
from trajlm.serve.routes import STATIC, info_routes, task_routes
from trajlm.serve.selector_routes import selector_info_routes, selector_routes
from trajlm.serve.transport import Transport
from trajlm.serve.validity_route import validity_routes

GZIP_MIN_BYTES = 65_536  # smaller answers go uncompressed (not worth a client's CPU or ours)

# re-exported: what this module held before the split (tests and bench/serve.py import them)
__all__ = ["SEP", "NotAvailable", "ServeSettings", "create_app", "from_env", "predict_batch"]


def create_app(
    model: TrajLM | Any, settings: ServeSettings | None = None, index: SimilarIndex | None = None
) -> FastAPI:
    """The FastAPI app serving `model` (and /similar against `index`, when given); a
    candidate selector (``TrajLM.from_pretrained(SELECTOR_DIR)``) gets /predict by steps."""
    from trajlm.api_selector import SelectorTrajLM

    selector = isinstance(model, SelectorTrajLM)  # trajlm train-selector's folder (selhttp22)
    if getattr(model, "config", None) is None and not selector:  # a route-recovery folder
        from trajlm.errors import TrajlmInputError

        raise TrajlmInputError(
            f"{getattr(model, 'path', None) or model!s} is a {type(model).__name__}: the HTTP "
            "server serves trajlm model runs and candidate selectors; recover with it through "
            "the Python API (trajlm.TrajLM.from_pretrained(DIR).recover)",
            field="model",
        )
    if selector and index is not None:
        from trajlm.errors import TrajlmInputError

        raise TrajlmInputError(
            f"{model.path or 'this model'} is a candidate selector: it has no embedding for "
            "/similar; serve it without --index (or serve a trajlm training run with --index)",
            field="index",
        )
    cfg = settings or ServeSettings()
    worker = ModelWorker(max_pending=cfg.max_queue, timeout_s=cfg.timeout_s)
    # a selector's /predict shares passes too (session 23, tidy23): predict_batch calls predict
    batcher = MicroBatcher(predict_batch(model), worker, cfg.max_batch, cfg.max_delay_ms,
                           cfg.max_queue, cfg.timeout_s)  # fmt: skip

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        batcher.start()
        yield
        await batcher.stop()
        worker.close()

    app = FastAPI(title="trajlm", version="1", lifespan=lifespan, docs_url=None,
                  description="Trajectory model API: predict, recover, travel time, classify, "
                  "embed, similar. Errors: `{error, field}` with 4xx; 503 + Retry-After when "
                  "overloaded.")  # fmt: skip
    app.add_middleware(CatchBugs)  # innermost: a bug's 500 goes out like any answer
    # answers over 64 KiB gzip-compressed for clients that accept it (a batch job's 500
    # vehicles x 30 steps: 2.4 MB -> 0.57 MB; level 1: ~35 ms of CPU per 2.4 MB, level 9: ~390)
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MIN_BYTES, compresslevel=1)
    app.add_middleware(Transport, max_bytes=cfg.max_body_bytes)  # gzip bodies, /predict/
    app.add_middleware(BodySizeLimit, max_bytes=cfg.max_body_bytes)
    if origins := cfg.cors():  # outermost: refusals (413, 4xx) carry the CORS headers too
        app.add_middleware(cors_middleware(), allow_origins=origins, allow_methods=["GET", "POST"],
                           allow_headers=["content-type", "content-encoding"],
                           expose_headers=["Retry-After"], max_age=600)  # fmt: skip
    app.state.model, app.state.batcher, app.state.index = model, batcher, index
    add_handlers(app)
    if selector:  # /predict by steps, the other tasks one line each (selector_routes.py)
        app.include_router(selector_routes(model, cfg, worker, batcher))
        app.include_router(validity_routes(cfg))
        app.include_router(selector_info_routes(model, cfg, worker, batcher))
    else:
        app.include_router(task_routes(model, cfg, worker, batcher, index))
        app.include_router(reach_routes(model, cfg, worker))  # POST /reach (reach32)
        app.include_router(dispatch_routes(cfg, worker))  # POST /parked, /divert (dispatch34)
        app.include_router(validity_routes(cfg))
        app.include_router(info_routes(model, cfg, worker, batcher, index))
    app.include_router(
        ask_routes(cfg)
    )  # questions about a store or rows (session 24; no model call)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_route("/docs", docs_page, include_in_schema=False)  # GET and HEAD, as FastAPI's
    return app


async def docs_page(request: Any) -> Any:
    """FastAPI's Swagger UI page, which loads its script from a CDN, plus a local fallback
    (static/offline_docs.js) that renders /openapi.json as plain HTML with example buttons
    when that script did not load: without internet /docs was blank (serve39)."""
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.responses import HTMLResponse

    page = get_swagger_ui_html(openapi_url="/openapi.json", title="trajlm - Swagger UI")
    html = bytes(page.body).decode()
    fallback = '<script src="/static/offline_docs.js"></script>\n'
    return HTMLResponse(html.replace("</body>", fallback + "</body>"))


def cors_middleware() -> type:
    """Starlette's CORSMiddleware whose refused preflight is the API's JSON `{error, field}`
    saying what to change (it was the plain text 'Disallowed CORS origin')."""
    from fastapi.middleware.cors import CORSMiddleware
    from starlette.responses import JSONResponse

    class CORS(CORSMiddleware):
        def preflight_response(self, request_headers: Any) -> Any:
            resp = super().preflight_response(request_headers)
            if resp.status_code != 400:
                return resp
            said = bytes(resp.body).decode().removeprefix("Disallowed CORS ")
            origin = request_headers.get("origin", "")
            what = []
            if "origin" in said:
                what.append(f"origin {origin!r} is not allowed (allowed: "
                            f"{', '.join(self.allow_origins)}); start the server with "
                            f"--cors-origin {origin or 'URL'} (or TRAJLM_CORS_ORIGINS)")  # fmt: skip
            if "method" in said:
                asked = request_headers.get("access-control-request-method", "")
                what.append(f"method {asked!r}: the API takes GET and POST")
            if "headers" in said:
                asked = request_headers.get("access-control-request-headers", "")
                what.append(f"request headers {asked!r}: send only Content-Type (and "
                            "Content-Encoding: gzip)")  # fmt: skip
            keep = {k: v for k, v in resp.headers.items()
                    if k.lower() not in ("content-length", "content-type")}  # fmt: skip
            body = {"error": "CORS preflight refused: " + "; ".join(what), "field": "Origin"}
            return JSONResponse(body, status_code=400, headers=keep)

    return CORS


def from_env() -> FastAPI:
    """The app for `uvicorn --factory trajlm.serve.app:from_env --workers N`: the model from
    $TRAJLM_MODEL, the optional index from $TRAJLM_INDEX (docs/serve.md)."""
    import os

    model = TrajLM.from_pretrained(os.environ["TRAJLM_MODEL"])
    store = os.environ.get("TRAJLM_INDEX")
    return create_app(model, index=SimilarIndex(model, store) if store else None)
