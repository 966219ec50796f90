"""A server started before any index exists: alive, not ready, clear 503s, then ready once `faqbot ingest` ran."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
from conftest import KNOWLEDGE
from live_server import clean_settings, live_server

from bot.api import create_app
from bot.service import ingest_paths


def test_server_without_index_is_alive_but_not_ready_until_ingest(tmp_path: Path) -> None:
    settings = clean_settings(data_dir=tmp_path / "data", knowledge_dir=KNOWLEDGE, index_poll_seconds=0.2)
    with live_server(create_app(settings), wait_ready=False) as server:
        assert httpx.get(server.url + "/healthz").status_code == 200
        deadline = time.monotonic() + 120
        while True:  # the loader thread finds no index and says so
            ready = httpx.get(server.url + "/readyz")
            if ready.json().get("detail") or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert ready.status_code == 503
        assert "faqbot ingest" in ready.json()["detail"]
        r = httpx.post(server.url + "/api/v1/ask", json={"question": "门诊共济是什么"}, timeout=30)
        assert r.status_code == 503
        assert r.headers["retry-after"]
        error = r.json()["error"]
        assert (
            error["code"] == "not_ready"
            and "稍后" in error["message_zh"]
            and "faqbot ingest" in error["message_en"]
        )

        ingest_paths(settings)  # an operator runs `faqbot ingest` next to the running server
        deadline = time.monotonic() + 120
        while httpx.get(server.url + "/readyz").status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert httpx.get(server.url + "/readyz").status_code == 200
        body = httpx.post(server.url + "/api/v1/ask", json={"question": "门诊共济是什么"}, timeout=60).json()
        assert body["answered"] is True
