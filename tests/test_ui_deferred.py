"""The Gradio pages at /ui are built after the server is ready to answer, and a request meanwhile waits for them.

A real uvicorn server on a loopback port; a separate Python process for what importing the app costs.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
from conftest import KNOWLEDGE
from live_server import clean_settings, copy_seed, live_server

from bot import ui
from bot.api import create_app


def test_building_the_app_does_not_import_gradio() -> None:
    # Gradio's import (~3 s on these cores) is what the server put off until its index has loaded.
    code = "import sys; from bot.api import create_app; create_app(); print('gradio' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "False", out.stderr


def test_pages_requested_while_starting_are_served_once_built(seed_index_dir: Path, tmp_path: Path) -> None:
    data = copy_seed(seed_index_dir, tmp_path / "data")
    settings = clean_settings(data_dir=data, knowledge_dir=KNOWLEDGE)
    app = create_app(settings)
    with live_server(app, wait_ready=False) as server:
        # Asked for at once, before the index has loaded: the request waits for the pages instead of failing.
        page = httpx.get(server.url + "/ui/", timeout=ui.WAIT_SECONDS + 30)
        assert page.status_code == 200
        assert "gradio" in page.text.lower()
        assert httpx.get(server.url + "/readyz").status_code == 200
        # The pages' own API (the Gradio queue and config) answers too.
        config = httpx.get(server.url + "/ui/config", timeout=30)
        assert config.status_code == 200
        assert "居民咨询" in config.text


def test_pages_that_could_not_be_built_say_so_in_chinese(
    seed_index_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    def broken(self: ui.DeferredUI) -> None:
        raise RuntimeError("gradio is broken")

    monkeypatch.setattr(ui.DeferredUI, "_build", broken)
    data = copy_seed(seed_index_dir, tmp_path / "data")
    with live_server(create_app(clean_settings(data_dir=data, knowledge_dir=KNOWLEDGE))) as server:
        page = httpx.get(server.url + "/ui/", timeout=ui.WAIT_SECONDS + 30)
        assert page.status_code == 503
        assert "页面暂时无法打开" in page.text
        assert page.headers["retry-after"]
        # Everything else keeps answering.
        r = httpx.post(server.url + "/api/v1/ask", json={"question": "门诊共济是什么"}, timeout=60)
        assert r.status_code == 200 and r.json()["answered"] is True


def test_pages_not_built_in_time_ask_to_come_back(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Without its lifespan the app never builds the pages: a request waits its time, then gets a page that reloads.
    from fastapi.testclient import TestClient

    monkeypatch.setattr(ui, "WAIT_SECONDS", 0.2)
    client = TestClient(create_app(clean_settings(data_dir=Path("/nonexistent"), knowledge_dir=KNOWLEDGE)))
    page = client.get("/ui/")
    assert page.status_code == 503
    assert "页面正在启动" in page.text
    assert page.headers["retry-after"] == "5"
