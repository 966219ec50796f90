"""A server with no API keys and a small rate limit: /v1 open but limited, admin off, 429 + Retry-After."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest
from conftest import KNOWLEDGE
from live_server import LiveServer, clean_settings, copy_seed, live_server
from openai import OpenAI

from bot.api import create_app

LIMIT = 5


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, seed_index_dir: Path) -> Iterator[LiveServer]:
    data = copy_seed(seed_index_dir, tmp_path_factory.mktemp("limits") / "data")
    settings = clean_settings(data_dir=data, knowledge_dir=KNOWLEDGE, rate_limit_per_minute=LIMIT)
    with live_server(create_app(settings)) as s:
        yield s


def from_ip(ip: str) -> dict[str, str]:
    """The server trusts X-Forwarded-For from loopback (a reverse proxy), so each test is its own client."""
    return {"X-Forwarded-For": ip}


def test_resident_asking_too_fast_gets_429_with_retry_after(server: LiveServer) -> None:
    with httpx.Client(base_url=server.url, headers=from_ip("203.0.113.10"), timeout=60) as c:
        statuses = [
            c.post("/api/v1/ask", json={"question": "门诊共济是什么"}).status_code for _ in range(LIMIT)
        ]
        assert statuses == [200] * LIMIT
        r = c.post("/api/v1/ask", json={"question": "门诊共济是什么"})
        assert r.status_code == 429
        assert int(r.headers["retry-after"]) >= 1
        error = r.json()["error"]
        assert error["code"] == "rate_limit_exceeded" and "秒后再试" in error["message_zh"]
        # the stream and feedback share the budget; health checks do not count
        assert c.post("/api/v1/ask/stream", json={"question": "门诊共济是什么"}).status_code == 429
        assert c.post("/api/v1/feedback", json={"message_id": "x", "rating": "up"}).status_code == 429
        assert c.get("/healthz").status_code == 200
    with httpx.Client(base_url=server.url, headers=from_ip("203.0.113.11"), timeout=60) as other:
        assert other.post("/api/v1/ask", json={"question": "门诊共济是什么"}).status_code == 200
    metrics = httpx.get(server.url + "/metrics").text
    assert 'faqbot_rate_limited_total{endpoint="/api/v1/ask"}' in metrics


def test_without_keys_v1_is_open_but_rate_limited(server: LiveServer) -> None:
    client = OpenAI(
        base_url=server.url + "/v1",
        api_key="anything",
        max_retries=0,
        _strict_response_validation=True,
        default_headers=from_ip("203.0.113.20"),
    )
    assert [m.id for m in client.models.list()] == ["faqbot"]
    for _ in range(LIMIT - 1):
        client.chat.completions.create(
            model="faqbot", messages=[{"role": "user", "content": "门诊共济是什么"}]
        )
    with pytest.raises(openai.RateLimitError) as info:
        client.chat.completions.create(
            model="faqbot", messages=[{"role": "user", "content": "门诊共济是什么"}]
        )
    assert info.value.response.headers["retry-after"]
    assert (
        isinstance(info.value.body, dict) and {"message", "type", "param", "code"} <= info.value.body.keys()
    )


def test_without_keys_admin_is_disabled_and_startup_warns(server: LiveServer) -> None:
    r = httpx.post(server.url + "/api/v1/admin/reindex", headers={"Authorization": "Bearer guess"})
    assert r.status_code == 403
    assert "FAQBOT_API_KEYS" in r.json()["error"]["message_zh"]
    assert httpx.get(server.url + "/api/v1/admin/stats").status_code == 403
    warnings = [json.loads(line) for line in server.log_lines() if '"WARNING"' in line]
    assert any("FAQBOT_API_KEYS" in w["msg"] for w in warnings)


def test_no_cors_headers_when_no_origin_is_configured(server: LiveServer) -> None:
    r = httpx.post(
        server.url + "/api/v1/ask",
        json={"question": "门诊共济是什么"},
        headers={"Origin": "https://www.changchun.gov.cn", **from_ip("203.0.113.30")},
        timeout=60,
    )
    assert r.status_code == 200
    assert "access-control-allow-origin" not in r.headers
