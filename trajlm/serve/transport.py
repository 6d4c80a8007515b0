"""HTTP details around the endpoints (session 18): compressed request bodies, a trailing slash,
and the 404 / 405 answers that say which endpoints there are.

* ``Content-Encoding: gzip`` (or ``deflate``) bodies are decompressed before the JSON parse,
  up to the body limit *after* decompression (a small bomb is a 413, not an out-of-memory);
  broken data is a 400 and another encoding (``br``, ``zstd``) a 415, each one line. Batch
  jobs posting thousands of vehicles compress 5-10x (before: 400 "not UTF-8?"). A gzip body
  of several members (``cat a.gz b.gz``, what ``gzip -c`` appends) is read whole; bytes
  after the stream that are not another member are a 400 (badin18; before: the first
  member only, then "not valid JSON", and trailing bytes were dropped without a word).
* ``Accept-Encoding`` is read with its weights (RFC 9110): ``gzip;q=0`` or
  ``identity``-only clients get plain answers, ``GZIP`` and ``*`` count as gzip (badin18;
  before: Starlette's substring test compressed for ``gzip;q=0``).
* ``POST /predict/`` is ``/predict`` (before: a 307 with an empty body, which curl prints as
  nothing and most HTTP clients do not follow for a POST).
* An unknown path names the endpoints and the nearest one (``/travel_time`` ->
  ``/travel-time``); a known path with the wrong method names the methods it takes.
"""

from __future__ import annotations

import difflib
import zlib
from typing import Any

from trajlm.serve.deadline import begin
from trajlm.serve.names import forget

ENCODINGS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}


# trajlm's tasks that have no endpoint (what a client guessing /anomalies should read instead)
CLI_ONLY = {"anomalies": "trajlm anomalies", "ask": "trajlm ask", "route": "trajlm route",
            "match": "trajlm data match"}  # fmt: skip


class BodyRefused(Exception):
    """A request body that cannot be decoded: the status and the one-line reason."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def decode_body(body: bytes, encoding: str, max_bytes: int) -> bytes:
    """The body under its Content-Encoding, at most ``max_bytes`` once decoded."""
    enc = encoding.strip().lower()
    if enc in ("", "identity"):
        return body
    if enc not in ENCODINGS:
        raise BodyRefused(415, f"Content-Encoding {encoding!r} is not supported; send the body "
                          "uncompressed or with Content-Encoding gzip")  # fmt: skip
    out, rest = b"", body
    while True:  # one pass per gzip member (RFC 1952 allows several, concatenated)
        d = zlib.decompressobj(ENCODINGS[enc])
        try:
            part = d.decompress(rest, max_bytes + 1 - len(out))
            if len(out) + len(part) <= max_bytes:
                part += d.flush()
        except zlib.error as e:
            raise BodyRefused(400, f"body is not valid {enc} data ({e}); compress the JSON "
                              "text with gzip, or send it uncompressed") from None  # fmt: skip
        out += part
        if len(out) > max_bytes or d.unconsumed_tail:
            raise BodyRefused(413, f"request body passes {max_bytes:,} bytes once decompressed "
                              f"({len(body):,} bytes {enc}); the limit is {max_bytes:,} bytes "
                              "(split the request)")  # fmt: skip
        if not d.eof:
            raise BodyRefused(400, f"body is cut off: the {enc} stream does not end; send the "
                              "whole compressed body")  # fmt: skip
        rest = d.unused_data
        if not rest.strip(b"\x00"):  # tar-style zero padding after the stream is harmless
            return out
        if enc == "deflate" or not rest.startswith(b"\x1f\x8b"):
            raise BodyRefused(400, f"body has {len(rest):,} bytes after the end of its {enc} "
                              "stream that are not another gzip member; send the compressed "
                              "body alone")  # fmt: skip


def accepts_gzip(value: str) -> bool:
    """Whether an ``Accept-Encoding`` value accepts gzip: named (or ``*``) with q > 0."""
    weights: dict[str, float] = {}
    for item in value.split(","):
        name, *params = (p.strip() for p in item.split(";"))
        q = 1.0
        for p in params:
            key, _, v = p.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(v)
                except ValueError:
                    q = 0.0  # a weight that is not a number: not acceptable
        if name:
            weights[name.lower()] = q
    q = weights.get("gzip", weights.get("x-gzip", weights.get("*", 0.0)))
    return q > 0


def with_accept(scope: dict) -> dict:
    """The scope with ``Accept-Encoding`` reduced to ``gzip`` or removed, so the answer's
    compression (Starlette's GZipMiddleware, a substring test) follows the weights."""
    headers = scope.get("headers") or []
    vals = [v.decode("latin-1") for k, v in headers if k.lower() == b"accept-encoding"]
    if not vals:
        return scope
    keep = [(k, v) for k, v in headers if k.lower() != b"accept-encoding"]
    if accepts_gzip(",".join(vals)):
        keep.append((b"accept-encoding", b"gzip"))
    return scope | {"headers": keep}


def replay_body(body: bytes, receive: Any) -> Any:
    """An ASGI ``receive`` that hands the app ``body`` (read whole by a middleware) as one
    message, then whatever ``receive`` says next (a disconnect)."""
    sent = False

    async def replay() -> dict:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def without_encoding(scope: dict, length: int) -> dict:
    """The scope with Content-Encoding removed and Content-Length the decoded size."""
    skip = (b"content-encoding", b"content-length")
    headers = [(k, v) for k, v in scope["headers"] if k.lower() not in skip]
    return scope | {"headers": [*headers, (b"content-length", str(length).encode())]}


def strip_slash(scope: dict) -> dict:
    """``/predict/`` -> ``/predict`` (the root stays ``/``)."""
    path = scope.get("path", "")
    if len(path) > 1 and path.endswith("/") and not path.startswith("/static/"):
        path = path.rstrip("/") or "/"
        raw = scope.get("raw_path")
        return scope | {"path": path, "raw_path": raw.rstrip(b"/") if raw else raw}
    return scope


def endpoints(app: Any) -> list[tuple[str, str]]:
    """(method, path) of the app's public routes, POST first."""
    out = []
    todo = list(getattr(app, "routes", []))
    while todo:
        r = todo.pop()
        inner = getattr(r, "original_router", None)  # FastAPI >= 0.120 wraps included routers
        if inner is not None:
            todo.extend(getattr(inner, "routes", []))
            continue
        path, methods = getattr(r, "path", None), getattr(r, "methods", None) or set()
        if not path or path.startswith(("/static", "/docs/oauth2")):
            continue
        for m in sorted(methods - {"HEAD"}):
            out.append((m, path))
    return sorted(set(out), key=lambda mp: (mp[0] != "POST", mp[1]))


def not_found(app: Any, method: str, path: str) -> str:
    """The 404 line: what there is, and the nearest path."""
    eps = endpoints(app)
    paths = sorted({p for _, p in eps})
    key = path.lower().replace("_", "-").rstrip("/") or "/"
    near = difflib.get_close_matches(key, paths, n=1, cutoff=0.6)
    hint = f"did you mean {near[0]}? " if near else ""
    name = path.strip("/").lower()
    if name in CLI_ONLY:
        hint = f"{name} is not served over HTTP: use `{CLI_ONLY[name]}` or the Python API; "
    posts = ", ".join(p for m, p in eps if m == "POST")
    gets = ", ".join(p for m, p in eps if m == "GET")
    shown = path if len(path) <= 80 else f"{path[:60]}... ({len(path):,} characters)"
    return f"no endpoint {method} {shown}; {hint}POST: {posts}; GET: {gets} (docs/serve.md, /docs)"


def wrong_method(app: Any, method: str, path: str) -> str:
    """The 405 line: the methods this path takes."""
    key = path.rstrip("/") or "/"  # before: "/" became "" and read as a POST path (badin35)
    allowed = sorted({m for m, p in endpoints(app) if p == key}) or ["POST"]
    how = " or ".join(allowed)
    body = " with a JSON body" if allowed == ["POST"] else ""
    return f"{path} takes {how}{body}, not {method}"


class Transport:
    """ASGI middleware inside the body-size limit: a trailing slash dropped, a compressed body
    decoded (bounded), refusals as the API's one-line JSON."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        begin()  # --timeout counts from here: the body is in (serve40, deadline.py)
        forget()  # the last request's row keys (names.py)
        scope = with_accept(strip_slash(scope))
        enc = dict(scope["headers"]).get(b"content-encoding", b"").decode("latin-1")
        if enc.strip().lower() in ("", "identity"):
            return await self.app(scope, receive, send)
        chunks, more = [], True
        while more:  # the body-size limit has read it already: bounded
            msg = await receive()
            if msg["type"] != "http.request":
                return
            chunks.append(msg.get("body", b""))
            more = msg.get("more_body", False)
        try:
            body = decode_body(b"".join(chunks), enc, self.max_bytes)
        except BodyRefused as e:
            import json

            out = json.dumps({"error": str(e), "field": "Content-Encoding"}).encode()
            await send({"type": "http.response.start", "status": e.status,
                        "headers": [(b"content-type", b"application/json"),
                                    (b"content-length", str(len(out)).encode())]})  # fmt: skip
            return await send({"type": "http.response.body", "body": out})
        await self.app(without_encoding(scope, len(body)), replay_body(body, receive), send)
