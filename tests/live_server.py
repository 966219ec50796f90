"""A real uvicorn server on a free loopback port, in a thread of the test process.

    with live_server(create_app(settings)) as server:
        httpx.post(server.url + "/api/v1/ask", json={"question": "门诊能报销吗"})
        server.app.state.service.store.counts()

The app's lifespan runs as in production (store opened, index loaded in the background); the
context waits for ``/readyz`` so tests start once questions can be answered.
"""

from __future__ import annotations

import io
import logging
import os
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from conftest import free_port
from fastapi import FastAPI

from bot.config import Settings
from bot.logs import JsonFormatter


@dataclass
class LiveServer:
    url: str
    app: FastAPI
    log: io.StringIO  # the JSON lines the faqbot loggers wrote while the server ran

    def log_lines(self) -> list[str]:
        return self.log.getvalue().splitlines()


@contextmanager
def live_server(
    app: FastAPI, *, ready_timeout: float = 120.0, wait_ready: bool = True
) -> Iterator[LiveServer]:
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_config=None, access_log=False, lifespan="on"
    )
    server = uvicorn.Server(config)
    captured = io.StringIO()
    handler = logging.StreamHandler(captured)
    handler.setFormatter(JsonFormatter())
    logging.getLogger("faqbot").addHandler(handler)
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + ready_timeout
        while True:
            try:
                if server.started and (
                    not wait_ready or httpx.get(url + "/readyz", timeout=5).status_code == 200
                ):
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError(f"server on {url} did not become ready")
            time.sleep(0.1)
        yield LiveServer(url, app, captured)
    finally:
        server.should_exit = True
        thread.join(timeout=60)
        logging.getLogger("faqbot").removeHandler(handler)


def clean_settings(**values: Any) -> Settings:
    """Settings from explicit values only: no FAQBOT_* variable of the developer's shell leaks in.

    Module-scoped servers are set up before the autouse fixture that clears the environment runs.
    """
    with pytest.MonkeyPatch.context() as mp:
        for name in list(os.environ):
            if name.startswith("FAQBOT_"):
                mp.delenv(name)
        return Settings(**values)


def copy_seed(seed_index_dir: Path, target: Path) -> Path:
    """A private data dir holding a copy of the seed index."""
    shutil.copytree(seed_index_dir, target, dirs_exist_ok=True)
    return target
