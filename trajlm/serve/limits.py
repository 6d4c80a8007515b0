"""The request body size limit, as plain ASGI middleware (before any JSON parsing).

A body over the limit (by its Content-Length, or counted while it streams) is answered 413
naming the limit; the app never sees it and nothing past the limit is kept. The rest of the body
is read and dropped first (up to DRAIN_FACTOR times the limit): answering while the client is
still sending makes the server close the connection, which clients see as a dropped
connection, and a kept-alive connection would fail the client's next request too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from trajlm.serve.formats import Limits
from trajlm.serve.transport import replay_body

DRAIN_FACTOR = 8  # beyond this many times the limit, close the connection instead


class BodySizeLimit:
    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def _refuse(self, send: Any, what: str) -> None:
        body = json.dumps({"error": f"request body {what}; the limit is {self.max_bytes:,} "
                           "bytes (split the request)", "field": "body"}).encode()  # fmt: skip
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode())]})  # fmt: skip
        await send({"type": "http.response.body", "body": body})

    async def _drain(self, receive: Any) -> None:
        """Read and drop the body (bounded), so the answer does not cut the client off."""
        left = DRAIN_FACTOR * self.max_bytes
        while left > 0:
            msg = await receive()
            if msg["type"] != "http.request" or not msg.get("more_body", False):
                return
            left -= len(msg.get("body", b""))

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            return await self.app(scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            try:
                n = int(declared)
            except ValueError:
                n = -1
            if n > self.max_bytes:
                await self._drain(receive)
                return await self._refuse(send, f"is {n:,} bytes")
        chunks, size, more = [], 0, True
        while more:
            msg = await receive()
            if msg["type"] != "http.request":  # the client went away
                return
            chunks.append(msg.get("body", b""))
            size += len(chunks[-1])
            more = msg.get("more_body", False)
            if size > self.max_bytes:
                chunks.clear()
                if more:
                    await self._drain(receive)
                return await self._refuse(send, f"passes {self.max_bytes:,} bytes")
        await self.app(scope, replay_body(b"".join(chunks), receive), send)


@dataclass
class ServeSettings:
    """Limits and batching knobs (the `trajlm serve` options)."""

    limits: Limits = field(default_factory=Limits)
    max_body_bytes: int = 4_000_000
    max_batch: int = 64  # 1 = one request per model pass
    max_delay_ms: float = 5.0
    max_queue: int = 256
    timeout_s: float = 10.0
    # browser apps on these origins may call the API (CORS; "*" for any). None reads
    # $TRAJLM_CORS_ORIGINS (comma-separated; `trajlm serve` and the uvicorn factory); unset or
    # empty: no CORS headers, as before session 14
    cors_origins: tuple[str, ...] | None = None
    # POST /ask may name stores under this folder by path (session 24); None: rows only
    ask_root: str | None = None
    # POST /reach's route-aware answer also reads these past paths (a RouteMemory, `trajlm
    # serve --reach-memory`; session 33, dispatch33); None: the posted rows only
    reach_memory: Any = None

    def cors(self) -> list[str]:
        """The allowed origins: the field, else $TRAJLM_CORS_ORIGINS, else none."""
        import os

        given = self.cors_origins
        if given is None:
            given = tuple(os.environ.get("TRAJLM_CORS_ORIGINS", "").split(","))
        return [o.strip().rstrip("/") for o in given if o.strip()]
