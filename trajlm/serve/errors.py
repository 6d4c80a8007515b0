"""Errors are answered, never raised: bad input -> 4xx with ``{"error": ..., "field": ...}``,
a checkpoint that cannot do a task -> 404, a full queue -> 503 with Retry-After, anything else
is a bug -> logged, 500. The app's exception handlers (trajlm/serve/app.py installs them)."""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from trajlm.api import TrajLM
from trajlm.api_checks import MULTITASK_HINT
from trajlm.errors import TrajlmInputError
from trajlm.serve.batching import Overloaded, TooSlow
from trajlm.serve.transport import not_found, wrong_method

log = logging.getLogger("trajlm.serve")


def _error(status: int, message: str, field: str | None = None, headers=None) -> JSONResponse:
    return JSONResponse({"error": " ".join(message.split()), "field": field}, status, headers)


# advice written for Python callers (trajlm/data/schema.py, trajlm/data/times.py) and what an
# HTTP client can do instead (session 14: `lat 123` told a web client to call trajlm.clean(df))
HTTP_HINT = ("fix or drop those points: finite lat in [-90, 90] and lon in [-180, 180], each "
             "trajectory's times increasing, one point per time")  # fmt: skip
# pydantic's names for the member of a union a value was tried against ("list[...]", "str"):
# no part of the request's JSON path (session 14: "seconds_ahead.list[constrained-float].0")
_UNION_TAG = re.compile(r"(list|dict|str|float|int|bool|constrained-\w+|function-\w+)(\[.*\])?")
_PANDAS = re.compile(r" \(or pd\.to_datetime\([^)]*\)\)")


def http_message(e: TrajlmInputError) -> str:
    """The error's line with Python-only advice replaced by what an HTTP client can do."""
    text = str(e)
    # "trajlm.clean(df" : also "trajlm.clean(df, return_report=True)" (leftover29, after api29)
    if e.hint and "trajlm.clean(df" in e.hint and text.endswith(e.hint):
        text = text[: -len(e.hint)] + HTTP_HINT
    # the plane check's Python keyword as the request's field (local37: a dead end before)
    text = text.replace("crs='local'", '"crs": "local"')
    return _PANDAS.sub("", text)


class NotAvailable(Exception):
    """The loaded checkpoint cannot do this (404 naming why)."""


def require_task(model: TrajLM, task: str) -> None:
    if task in model.tasks:
        return
    if task == "classify":
        raise NotAvailable(f"classify: {model.path} is not a classifier; serve a classifier "
                           "directory (classifier.json, from `trajlm finetune --task classify`)")  # fmt: skip
    raise NotAvailable(f"{task}: this checkpoint has no infilling heads; {MULTITASK_HINT}")


class CatchBugs:
    """ASGI middleware: an exception no handler answered (a bug) becomes the 500 answer here,
    logged once, and is not raised further. Raised past the app, uvicorn logged it a second
    time and closed the connection, so a client's next request on the kept-alive connection
    failed with a reset (session 14). Inside the CORS middleware: a 500 carries its headers."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def watch(msg: dict) -> None:
            nonlocal started
            started = started or msg["type"] == "http.response.start"
            await send(msg)

        try:
            await self.app(scope, receive, watch)
        except Exception as e:
            log.exception("internal error on %s %s", scope.get("method"), scope.get("path"))
            if started:  # the answer is half sent: nothing sensible to add
                return
            resp = _error(500, f"internal error ({type(e).__name__}); it is logged on the server")
            await resp(scope, receive, send)


def add_handlers(app: FastAPI) -> None:
    @app.exception_handler(TrajlmInputError)
    async def bad_input(request: Request, e: TrajlmInputError) -> JSONResponse:
        from trajlm.serve.names import own_words
        from trajlm.serve.plane import plane_words

        return _error(422, *own_words(*plane_words(http_message(e), e.field)))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, e: RequestValidationError) -> JSONResponse:
        errs = e.errors()
        first = errs[0] if errs else {}
        # a union (a list, or {traj_id: list}): the member that got furthest names the problem
        same = [x for x in errs if tuple(x.get("loc", ()))[:2] == tuple(first.get("loc", ()))[:2]]
        first = max(same, key=lambda x: len(x.get("loc", ())), default=first)
        loc = ".".join(str(p) for p in first.get("loc", ()) if p != "body" and not (
            isinstance(p, str) and _UNION_TAG.fullmatch(p))) or "body"  # fmt: skip
        msg = first.get("msg", "invalid request")
        bad = first.get("input")
        if isinstance(bad, float) and bad != bad or bad in (float("inf"), float("-inf")):
            # badin34: a NaN / Infinity token (Python's JSON reads it) under a time or a number
            # said "Input should be a valid string" (the union's last member)
            return _error(422, f"field {loc}: {bad} (NaN / Infinity in the JSON) is no value "
                          "here; give a finite one", loc)  # fmt: skip
        if first.get("type") == "json_invalid":
            return _error(400, f"body is not valid JSON ({first.get('ctx', {}).get('error')})",
                          "body")  # fmt: skip
        kind = request.headers.get("content-type", "")
        if loc == "body" and "json" not in kind:  # FastAPI parses only JSON bodies
            return _error(400, f"body is not JSON (content-type {kind or 'missing'}); send a "
                          "JSON object with content-type application/json", "body")  # fmt: skip
        if loc == "body" and isinstance(first.get("input"), list):  # a bare table (newuser24)
            return _error(422, 'body is a JSON array; send it as the "trajectories" field of an '
                          'object: {"trajectories": [{"traj_id": ..., "t": ..., "lat": ..., '
                          '"lon": ...}, ...], "steps": 5}', "body")  # fmt: skip
        if loc == "body" and first.get("type") == "value_error":  # a body-wide check's own line
            text = str(msg).removeprefix("Value error, ")
            named = re.match(r"field (\w+): ", text)  # a check about one field names it
            return _error(422, text, named[1] if named else "body")
        if loc == "body":
            return _error(422, 'body must be a JSON object, e.g. {"trajectories": [...]}', "body")
        if first.get("type") == "value_error":  # a field's own check: its line alone
            msg = str(msg).removeprefix("Value error, ")
        return _error(422, f"field {loc}: {msg}", loc)

    @app.exception_handler(StarletteHTTPException)  # a body the parser gave up on, 404, 405
    async def http_error(request: Request, e: StarletteHTTPException) -> JSONResponse:
        field = "body" if e.status_code == 400 else None
        detail = str(e.detail)
        if e.status_code == 404 and detail == "Not Found":  # routing: say what there is
            detail = not_found(request.app, request.method, request.url.path)
        elif e.status_code == 405 and detail == "Method Not Allowed":
            detail = wrong_method(request.app, request.method, request.url.path)
        if detail == "There was an error parsing the body":  # Starlette's words for bytes that
            detail = ("body could not be read as JSON text (not UTF-8?); send a JSON object "
                      "encoded as UTF-8 with content-type application/json")  # fmt: skip
            if isinstance(e.__cause__, RecursionError):  # badin34: said "not UTF-8?"
                detail = ("body nests JSON arrays / objects too deeply to read; send a JSON "
                          'object of rows, e.g. {"trajectories": [{...}, ...]}')  # fmt: skip
        return _error(e.status_code, detail, field, getattr(e, "headers", None))

    @app.exception_handler(NotAvailable)
    async def not_available(request: Request, e: NotAvailable) -> JSONResponse:
        return _error(404, str(e))

    @app.exception_handler(TooSlow)  # before Overloaded: retrying the same request won't help
    async def too_slow(request: Request, e: TooSlow) -> JSONResponse:
        return _error(503, f"too slow: {e}")

    @app.exception_handler(Overloaded)
    async def overloaded(request: Request, e: Overloaded) -> JSONResponse:
        return _error(503, f"overloaded: {e}; retry later", None,
                      {"Retry-After": str(e.retry_after)})  # fmt: skip

    @app.exception_handler(Exception)
    async def bug(request: Request, e: Exception) -> JSONResponse:
        log.exception("internal error on %s %s", request.method, request.url.path)
        return _error(500, f"internal error ({type(e).__name__}); it is logged on the server")
