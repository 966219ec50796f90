"""Server-Sent Events from a synchronous answer iterator, without holding a thread per waiting client.

The chain is synchronous (CPU work, or an LLM's HTTP stream). One worker thread drives it and hands
items to the event loop; when the client goes away the loop stops reading and the worker closes the
iterator at the next item, so a disconnect costs nothing more than the item in flight.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import threading
from collections.abc import AsyncIterator, Iterator
from typing import Any, TypeVar

T = TypeVar("T")

# How an event stream is described in OpenAPI: each event has a name and one JSON ``data`` line.
SSE_EVENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "event": {
            "type": "string",
            "description": "delta | done | error（OpenAI 兼容流无事件名 / unnamed in /v1）",
        },
        "data": {"type": "string", "description": "JSON，或 [DONE] / JSON, or [DONE]"},
    },
    "required": ["data"],
}

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def sse_event(data: Any, event: str | None = None) -> str:
    """One event; ``data`` is JSON (one line, so no multi-line framing is needed)."""
    payload = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {payload}\n\n"


async def iterate_inline(iterator: Iterator[T]) -> AsyncIterator[T]:
    """Yield ``iterator``'s items on the event loop: for an extractive answer, whose few ms of work come before
    the first item and whose items follow at once (see ``ConversationService.answers_inline``)."""
    try:
        for item in iterator:
            yield item
    finally:
        close = getattr(iterator, "close", None)
        if close is not None:
            close()


async def iterate_in_thread(iterator: Iterator[T]) -> AsyncIterator[T]:
    """Yield ``iterator``'s items from a worker thread; exceptions re-raise here."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
    stop = threading.Event()

    def put(kind: str, value: Any) -> None:
        try:
            loop.call_soon_threadsafe(queue.put_nowait, (kind, value))
        except RuntimeError:  # the loop has closed (server shutting down)
            stop.set()

    def work() -> None:
        try:
            for item in iterator:
                if stop.is_set():
                    break
                put("item", item)
            put("end", None)
        except BaseException as exc:  # handed to the event loop, which re-raises it
            put("error", exc)
        finally:
            close = getattr(iterator, "close", None)
            if close is not None:
                close()

    ctx = contextvars.copy_context()
    threading.Thread(target=ctx.run, args=(work,), name="faqbot-stream", daemon=True).start()
    try:
        while True:
            kind, value = await queue.get()
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        stop.set()
