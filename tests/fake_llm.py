"""A tiny OpenAI-compatible chat-completions server for tests: the one fake allowed.

It stands in for a remote LLM at the HTTP boundary, on a free loopback port, and replies with
scripted completions. Every request body is recorded so a test can check what the bot sent.

    with FakeLLM() as llm:
        llm.reply("长春市正式启动实施职工医保门诊共济保障机制。[1]")
        answerer = LLMAnswerer(Settings(llm_base_url=llm.base_url, llm_model="qwen-test"), emb)
        ...
        assert llm.requests[0]["model"] == "qwen-test"

Scripted replies are consumed in order; the last one repeats once the script runs out. A reply
can also be composed from the request (``respond``), e.g. to cite whichever number the bot gave
a passage.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Reply:
    status: int = 200
    content: str | None = None  # the assistant message; None with raw_body set sends raw_body instead
    raw_body: bytes | None = None
    delay: float = 0.0
    # Writes the assistant message from the request body, for a test that cannot know the source
    # numbers in advance (the chain numbers retrieved passages itself).
    compose: Callable[[dict[str, Any]], str] | None = None


def completion_body(content: str, model: str) -> bytes:
    return json.dumps(
        {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [
                {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
            ],
            "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
        },
        ensure_ascii=False,
    ).encode("utf-8")


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # keep pytest output quiet
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw)
        except ValueError:
            body = {"_unparsed": raw.decode("utf-8", "replace")}
        fake = self.server.fake
        reply = fake._record(self.path, body)
        if reply.delay and fake._closing.wait(reply.delay):
            return  # the test is over; drop the connection
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self._send(404, b'{"error": {"message": "not found"}}')
            return
        if reply.raw_body is not None:
            self._send(reply.status, reply.raw_body)
        elif reply.status != 200:
            self._send(reply.status, json.dumps({"error": {"message": "scripted failure"}}).encode())
        else:
            content = reply.compose(body) if reply.compose else reply.content
            self._send(200, completion_body(content or "", str(body.get("model", ""))))

    def _send(self, status: int, payload: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
            pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    fake: FakeLLM


class FakeLLM:
    """Scripted OpenAI-compatible server on 127.0.0.1; use as a context manager."""

    def __init__(self) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._lock = threading.Lock()
        self._script: list[Reply] = [Reply(content="")]
        self._closing = threading.Event()
        self.requests: list[dict[str, Any]] = []
        self.paths: list[str] = []

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def script(self, *replies: Reply) -> None:
        with self._lock:
            self._script = list(replies) or [Reply(content="")]

    def reply(self, content: str, delay: float = 0.0) -> None:
        self.script(Reply(content=content, delay=delay))

    def respond(self, compose: Callable[[dict[str, Any]], str]) -> None:
        self.script(Reply(compose=compose))

    def fail(self, status: int = 500) -> None:
        self.script(Reply(status=status))

    def garbage(self, body: bytes = b"<html>502 Bad Gateway</html>\x00{", status: int = 200) -> None:
        self.script(Reply(status=status, raw_body=body))

    def _record(self, path: str, body: dict[str, Any]) -> Reply:
        with self._lock:
            self.paths.append(path)
            self.requests.append(body)
            return self._script.pop(0) if len(self._script) > 1 else self._script[0]

    def reset(self) -> None:
        """Forget recorded requests (a server shared by several tests)."""
        with self._lock:
            self.requests.clear()
            self.paths.clear()

    def messages_text(self, i: int = -1) -> str:
        """All message contents of request ``i`` joined, for checking what the bot sent."""
        messages = self.requests[i].get("messages", [])
        return "\n".join(str(m.get("content", "")) for m in messages)

    def __enter__(self) -> FakeLLM:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._closing.set()
        self._server.shutdown()
        self._server.server_close()
