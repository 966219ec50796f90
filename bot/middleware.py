"""One pure ASGI middleware for what every request needs: request id, body limit, metrics, access log.

Pure ASGI (not ``BaseHTTPMiddleware``) so streamed answers pass through untouched and unbuffered.
Bodies are read here once, checked (size, UTF-8 for JSON), and replayed to the app; past the body,
``receive`` is the server's own, so a client's disconnect still reaches streaming responses.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.http_errors import error_body
from bot.logs import request_id_var
from bot.metrics import Metrics

log = logging.getLogger("faqbot.access")

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_BODY_METHODS = {"POST", "PUT", "PATCH"}


class RequestContextMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        metrics: Metrics,
        max_body_bytes: int,
        exempt_prefixes: tuple[str, ...] = ("/ui",),
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.max_body = max_body_bytes
        self.exempt = exempt_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        incoming = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = [500]
        rid_header = (b"x-request-id", request_id.encode("ascii"))

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                message["headers"] = [*message.get("headers", []), rid_header]
            await send(message)

        try:
            path: str = scope.get("path", "")
            if scope.get("method") in _BODY_METHODS and not path.startswith(self.exempt):
                refused = await self._read_body(scope, receive, headers)
                if isinstance(refused, tuple):
                    code, body = refused
                    await _send_json(send_with_id, code, body)
                    return
                receive = _replay(refused, receive)
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            endpoint = _endpoint(scope)
            self.metrics.requests.labels(
                endpoint=endpoint, method=scope.get("method", ""), status=str(status[0])
            ).inc()
            self.metrics.request_latency.labels(endpoint=endpoint).observe(seconds)
            client = scope.get("client")
            log.info(
                "request",
                extra={
                    "fields": {
                        "method": scope.get("method"),
                        "path": scope.get("path"),
                        "status": status[0],
                        "duration_ms": round(seconds * 1000, 1),
                        "client": client[0] if client else None,
                    }
                },
            )
            request_id_var.reset(token)

    async def _read_body(
        self, scope: Scope, receive: Receive, headers: dict[bytes, bytes]
    ) -> bytes | tuple[int, dict[str, Any]]:
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body:
            return 413, _too_large(self.max_body)
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                return 413, _too_large(self.max_body)
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if b"json" in headers.get(b"content-type", b"").lower():
            try:
                body.decode("utf-8")
            except UnicodeDecodeError:
                return 400, error_body(
                    400,
                    "invalid_utf8",
                    "请求内容不是有效的 UTF-8 编码。",
                    "The body is not valid UTF-8.",
                    None,
                )
        return body


def _too_large(limit: int) -> dict[str, Any]:
    kib = limit // 1024
    return error_body(
        413,
        "body_too_large",
        f"请求内容太大了（上限 {kib} KiB）。",
        f"The body is larger than {kib} KiB.",
        None,
    )


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _send_json(send: Send, status: int, body: dict[str, Any]) -> None:
    payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


def _endpoint(scope: Scope) -> str:
    """The route template (``/v1/models/{model_id}``), never the raw path, so labels stay few."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str) and path:
        return path
    return "unmatched"
