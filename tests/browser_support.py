"""Helpers for the browser tests: a real server on a loopback port, Debian's Chromium, the store's rows.

The server is ``create_app(settings)`` under uvicorn (index, chain, SQLite store all real) with its
own data dir holding a copy of the seed index. Chromium is driven by Playwright with the flags the
CI uses. Screenshots land in ``eval/screenshots/`` and are linked from the README.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from conftest import KNOWLEDGE, REPO, free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = REPO / "eval" / "screenshots"
ADMIN_KEY = "test-admin-key-7d1f"


def make_settings(data_dir: Path, **overrides: Any) -> Any:
    """Settings for a test server, ignoring any FAQBOT_* variables of the developer's shell."""
    from bot.config import Settings

    with pytest.MonkeyPatch.context() as mp:
        for name in list(os.environ):
            if name.startswith("FAQBOT_"):
                mp.delenv(name)
        values: dict[str, Any] = {
            "data_dir": data_dir,
            "knowledge_dir": KNOWLEDGE,
            "api_keys": [ADMIN_KEY],
            "rate_limit_per_minute": 600,
        }
        values.update(overrides)
        return Settings(**values)


def copy_seed(seed_index_dir: Path, target: Path) -> Path:
    shutil.copytree(seed_index_dir, target, dirs_exist_ok=True)
    return target


@contextmanager
def running_app(settings: Any, ready_timeout: float = 180.0) -> Iterator[str]:
    """``create_app(settings)`` under uvicorn on a free loopback port, yielded once the index is loaded."""
    from bot.api import create_app

    port = free_port()
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + ready_timeout
    try:
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the server did not become ready")
            time.sleep(0.1)
        yield base
    finally:
        server.should_exit = True
        thread.join(30)


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium under Playwright, headless."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "chromium is missing: run `bash scripts/install_test_deps.sh`"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def rows(data_dir: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Rows of the server's SQLite store, read with the standard library (not through our code)."""
    with sqlite3.connect(data_dir / "faqbot.sqlite3", timeout=30) as conn:
        return conn.execute(sql, params).fetchall()


def wait_for_rows(
    data_dir: Path, sql: str, params: tuple[Any, ...] = (), timeout: float = 15.0
) -> list[tuple[Any, ...]]:
    """Rows once at least one exists: messages are written by the store's writer thread a moment later."""
    deadline = time.monotonic() + timeout
    while True:
        found = rows(data_dir, sql, params)
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def screenshot(page: Any, name: str, **kwargs: Any) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    page.screenshot(path=str(path), **kwargs)
    return path


class HostSite:
    """Another web site on another loopback port that embeds the widget: ``pages[path] = html``."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        pages = self.pages

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                body = pages.get(self.path.split("?", 1)[0])
                data = (body or "not found").encode()
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        # "localhost", not 127.0.0.1: a different origin from the API server, as a real embedding site is.
        self.origin = f"http://localhost:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
