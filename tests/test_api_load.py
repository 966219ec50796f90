"""Under load: nothing lost in the store, and a hot index swap that no request notices."""

from __future__ import annotations

import asyncio
import json
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import KNOWLEDGE
from live_server import LiveServer, clean_settings, copy_seed, live_server

from bot.api import create_app
from bot.config import Settings
from bot.service import ingest_paths

KEY = "admin-key-for-load-tests"
REPO = Path(__file__).resolve().parents[1]
LIBRARY_ARTICLE = """---
id: cc-library-spring-festival
title: 长春市图书馆春节开放安排
date: 2023-01-10
source: 长春市图书馆公告
topics: [culture]
region: [长春]
---

长春市图书馆春节期间正常开放。除夕当天闭馆，正月初一至初七每天9时至16时开放，读者凭身份证或读者证入馆。
少儿阅览区正月初三举办剪纸活动，家长需提前在图书馆微信公众号预约。
"""


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory, seed_index_dir: Path) -> Settings:
    root = tmp_path_factory.mktemp("load")
    knowledge = root / "knowledge"
    shutil.copytree(KNOWLEDGE, knowledge)
    data = copy_seed(seed_index_dir, root / "data")
    return clean_settings(
        data_dir=data,
        knowledge_dir=knowledge,
        api_keys=[KEY],
        rate_limit_per_minute=0,
        index_poll_seconds=0.5,
    )


@pytest.fixture(scope="module")
def server(settings: Settings) -> Iterator[LiveServer]:
    with live_server(create_app(settings)) as s:
        yield s


def questions(n: int) -> list[str]:
    rows = [
        json.loads(line)
        for line in (REPO / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    return [rows[i % len(rows)]["question"] for i in range(n)]


def test_200_concurrent_asks_and_their_feedback_are_all_stored(server: LiveServer) -> None:
    store = server.app.state.service.store
    before = store.counts()

    async def run() -> tuple[list[httpx.Response], list[httpx.Response]]:
        # Idle connections are dropped by the client before the server's 5 s keep-alive ends, as browsers do.
        limits = httpx.Limits(max_connections=200, max_keepalive_connections=200, keepalive_expiry=1.0)
        async with httpx.AsyncClient(base_url=server.url, timeout=180, limits=limits) as client:
            asks = await asyncio.gather(
                *(client.post("/api/v1/ask", json={"question": q, "channel": "web"}) for q in questions(200))
            )
            feedback = await asyncio.gather(
                *(
                    client.post(
                        "/api/v1/feedback", json={"message_id": r.json()["message_id"], "rating": "up"}
                    )
                    for r in asks
                    if r.status_code == 200
                )
            )
            return list(asks), list(feedback)

    asks, feedback = asyncio.run(run())
    assert [r.status_code for r in asks] == [200] * 200
    assert [r.status_code for r in feedback] == [200] * 200
    after = store.counts()
    assert after["messages"] - before["messages"] == 200
    assert after["feedback"] - before["feedback"] == 200
    assert after["sessions"] - before["sessions"] == 200
    assert store.lost == 0


class Load:
    """Residents asking without pause from a few threads; every response is kept."""

    def __init__(self, url: str, clients: int = 4) -> None:
        self.url = url
        self.statuses: list[int] = []
        self.errors: list[str] = []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(clients)]

    def _run(self, i: int) -> None:
        qs = questions(50)
        with httpx.Client(base_url=self.url, timeout=120) as client:
            n = i
            while not self.stop.is_set():
                try:
                    r = client.post("/api/v1/ask", json={"question": qs[n % len(qs)]})
                    self.statuses.append(r.status_code)
                except httpx.HTTPError as exc:
                    self.errors.append(repr(exc))
                n += 1

    def __enter__(self) -> Load:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=120)


def test_admin_reindex_swaps_the_index_without_failing_a_request(
    server: LiveServer, settings: Settings
) -> None:
    (settings.knowledge_dir / "cc-library-spring-festival.md").write_text(LIBRARY_ARTICLE, encoding="utf-8")
    old_version = httpx.get(server.url + "/readyz").json()["index_version"]
    with Load(server.url) as load:
        time.sleep(1.0)
        during_before = len(load.statuses)
        r = httpx.post(
            server.url + "/api/v1/admin/reindex", headers={"Authorization": f"Bearer {KEY}"}, timeout=600
        )
        during = len(load.statuses) - during_before
        time.sleep(1.0)
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["previous_version"] == old_version
    assert report["version"] != old_version
    assert report["added"] == ["cc-library-spring-festival"]
    assert not load.errors
    assert load.statuses and set(load.statuses) == {200}
    assert during > 0  # residents kept getting answers while the new version was built
    assert httpx.get(server.url + "/readyz").json()["index_version"] == report["version"]
    body = httpx.post(
        server.url + "/api/v1/ask", json={"question": "长春市图书馆春节期间开放吗？"}, timeout=60
    ).json()
    assert body["answered"] is True, body
    assert "cc-library-spring-festival" in {c["doc_id"] for c in body["citations"]}


def test_second_reindex_while_one_runs_is_refused(server: LiveServer) -> None:
    headers = {"Authorization": f"Bearer {KEY}"}
    results: list[int] = []

    def reindex() -> None:
        results.append(
            httpx.post(server.url + "/api/v1/admin/reindex", headers=headers, timeout=600).status_code
        )

    threads = [threading.Thread(target=reindex) for _ in range(2)]
    for t in threads:
        t.start()
        time.sleep(0.05)
    for t in threads:
        t.join()
    assert sorted(results) in ([200, 200], [200, 409])


def test_index_built_by_another_process_is_picked_up(server: LiveServer, settings: Settings) -> None:
    served = httpx.get(server.url + "/readyz").json()["index_version"]
    (settings.knowledge_dir / "cc-library-spring-festival.md").write_text(
        LIBRARY_ARTICLE.replace("9时至16时", "8时30分至16时30分"), encoding="utf-8"
    )
    result = ingest_paths(settings)  # what `faqbot ingest` does next to a running server
    assert result.report.version != served
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if httpx.get(server.url + "/readyz").json()["index_version"] == result.report.version:
            break
        time.sleep(0.2)
    assert httpx.get(server.url + "/readyz").json()["index_version"] == result.report.version
