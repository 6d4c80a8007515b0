"""The request body size limit, as plain ASGI middleware (before any JSON parsing).

A declared Content-Length over the limit is refused at once; a chunked body is read up to the
limit and refused as soon as it passes it. Either way the answer is 413 naming the limit, and
the app never sees (nor buffers) more than `max_bytes`.
"""

from __future__ import annotations

import json
from typing import Any


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
                return await self._refuse(send, f"passes {self.max_bytes:,} bytes")
        body, sent = b"".join(chunks), False

        async def replay() -> dict:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
