"""The JSON API and SSE against a real uvicorn server: shapes, sessions, feedback, bad input, operations."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import KNOWLEDGE
from live_server import LiveServer, clean_settings, copy_seed, live_server

from bot.api import create_app

KEY = "test-admin-key-1"
ORIGIN = "https://www.changchun.gov.cn"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, seed_index_dir: Path) -> Iterator[LiveServer]:
    data = copy_seed(seed_index_dir, tmp_path_factory.mktemp("api") / "data")
    settings = clean_settings(
        data_dir=data, knowledge_dir=KNOWLEDGE, api_keys=[KEY], cors_origins=[ORIGIN], rate_limit_per_minute=0
    )
    with live_server(create_app(settings)) as s:
        yield s


@pytest.fixture(scope="module")
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=60) as c:
        yield c


def sse_events(text: str) -> list[tuple[str, dict[str, Any]]]:
    events = []
    for block in text.strip().split("\n\n"):
        name = "message"
        data = []
        for line in block.splitlines():
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].strip())
        events.append((name, json.loads("\n".join(data))))
    return events


def assert_bilingual_error(response: httpx.Response, status: int | tuple[int, ...]) -> dict[str, Any]:
    statuses = status if isinstance(status, tuple) else (status,)
    assert response.status_code in statuses, response.text
    error = response.json()["error"]
    assert CJK.search(error["message_zh"]), error
    assert error["message_en"] and not CJK.search(error["message_en"]), error
    assert error["type"] and "message" in error and "code" in error and "param" in error
    return error


# ---------------------------------------------------------------------- asking
def test_ask_returns_cited_answer_with_session_and_message_ids(client: httpx.Client) -> None:
    r = client.post("/api/v1/ask", json={"question": "请问长春市职工医保门诊共济保障机制自何时起正式实施？"})
    assert r.status_code == 200
    body = r.json()
    assert {"answer", "answered", "citations", "session_id", "message_id", "mode"} <= body.keys()
    assert body["answered"] is True
    assert body["mode"] in ("faq", "extractive", "llm")
    assert body["citations"], body
    for c in body["citations"]:
        assert {"n", "doc_id", "title", "date", "quote"} <= c.keys()
        assert f"[{c['n']}]" in body["answer"]
    assert {c["doc_id"] for c in body["citations"]} == {"cc-medical-outpatient"}
    assert body["session_id"] and body["message_id"]


def test_out_of_scope_question_is_declined_with_handoff(client: httpx.Client) -> None:
    body = client.post("/api/v1/ask", json={"question": "明天长春会下雪吗？", "channel": "web"}).json()
    assert body["answered"] is False
    assert body["mode"] == "declined"
    assert body["citations"] == []
    assert CJK.search(body["answer"])


def test_follow_up_question_continues_the_session(client: httpx.Client) -> None:
    first = client.post("/api/v1/ask", json={"question": "长春在职职工个人账户计入标准是多少？"}).json()
    follow = client.post(
        "/api/v1/ask", json={"question": "那退休人员呢？", "session_id": first["session_id"]}
    ).json()
    assert follow["session_id"] == first["session_id"]
    assert follow["answered"] is True, follow
    assert {c["doc_id"] for c in follow["citations"]} == {"cc-medical-outpatient"}
    assert "4%" in follow["answer"] or "2.8%" in follow["answer"], follow["answer"]


def test_channel_chosen_session_id_is_kept(client: httpx.Client) -> None:
    body = client.post(
        "/api/v1/ask",
        json={
            "question": "门诊共济是什么",
            "session_id": "wechat:o6_bmjrPTlm6_2sgVt7hMZOPfL2M",
            "channel": "wechat",
        },
    ).json()
    assert body["session_id"] == "wechat:o6_bmjrPTlm6_2sgVt7hMZOPfL2M"


def test_detail_adds_retrieval_details(client: httpx.Client) -> None:
    body = client.post("/api/v1/ask", json={"question": "门诊共济是什么", "detail": True}).json()
    assert body["detail"] is not None
    assert "confidence" in body["detail"] and "rewritten_question" in body["detail"]


def test_question_of_500_characters_after_trimming_is_accepted(client: httpx.Client) -> None:
    question = "  " + "门诊共济是什么" + "啊" * 493 + "  \n"
    assert len(question.strip()) == 500
    assert client.post("/api/v1/ask", json={"question": question}).status_code == 200


def test_repeated_question_is_answered_from_cache_and_still_recorded(
    server: LiveServer, client: httpx.Client
) -> None:
    question = "门诊用的耗材能报吗"
    store = server.app.state.service.store

    def hits() -> float:
        match = re.search(r'faqbot_answer_cache_total\{result="hit"\} ([0-9.]+)', client.get("/metrics").text)
        return float(match.group(1)) if match else 0.0

    before_hits, before_messages = hits(), store.counts()["messages"]
    first = client.post("/api/v1/ask", json={"question": question}).json()
    second = client.post("/api/v1/ask", json={"question": question}).json()
    streamed = sse_events(client.post("/api/v1/ask/stream", json={"question": question}).text)[-1][1]
    assert second["answer"] == first["answer"] == streamed["answer"]
    assert len({first["message_id"], second["message_id"], streamed["message_id"]}) == 3
    assert hits() - before_hits == 2
    assert store.counts()["messages"] - before_messages == 3
    # a follow-up depends on its conversation, so it is never taken from the cache
    follow = client.post("/api/v1/ask", json={"question": question, "session_id": first["session_id"]}).json()
    assert hits() - before_hits == 2
    assert follow["message_id"] not in (first["message_id"], second["message_id"])


# ---------------------------------------------------------------------- streaming
def test_stream_sends_deltas_then_one_done_event_with_citations(client: httpx.Client) -> None:
    question = "请问长春市职工医保门诊共济保障机制自何时起正式实施？"
    # No Accept header on purpose: streaming must not depend on it.
    r = client.post("/api/v1/ask/stream", json={"question": question})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/event-stream")
    assert r.headers["x-accel-buffering"] == "no"
    events = sse_events(r.text)
    names = [name for name, _ in events]
    assert names[-1] == "done" and names.count("done") == 1
    assert set(names[:-1]) == {"delta"}
    done = events[-1][1]
    assert "".join(data["delta"] for name, data in events if name == "delta") == done["answer"]
    assert done["citations"] and done["message_id"] and done["session_id"]
    plain = client.post("/api/v1/ask", json={"question": question}).json()
    assert plain["answer"] == done["answer"]


def test_stream_rejects_bad_question_before_streaming(client: httpx.Client) -> None:
    r = client.post("/api/v1/ask/stream", json={"question": "   "})
    assert_bilingual_error(r, 422)
    assert r.headers["content-type"].startswith("application/json")


def test_client_leaving_mid_stream_leaves_no_work_behind(server: LiveServer, client: httpx.Client) -> None:
    with (
        httpx.Client(base_url=server.url, timeout=30) as other,
        other.stream("POST", "/api/v1/ask/stream", json={"question": "门诊报销范围包括哪些"}) as r,
    ):
        for line in r.iter_lines():
            if line.startswith("data:"):
                break  # one delta read, then the connection closes
    deadline = time.monotonic() + 10
    while any(t.name == "faqbot-stream" for t in threading.enumerate()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(t.name == "faqbot-stream" for t in threading.enumerate())
    assert client.post("/api/v1/ask", json={"question": "门诊共济是什么"}).status_code == 200


# ---------------------------------------------------------------------- feedback
def test_feedback_on_an_answer_is_recorded(server: LiveServer, client: httpx.Client) -> None:
    answer = client.post("/api/v1/ask", json={"question": "门诊共济是什么"}).json()
    before = server.app.state.service.store.counts()["feedback"]
    r = client.post(
        "/api/v1/feedback", json={"message_id": answer["message_id"], "rating": "down", "comment": "没说清楚"}
    )
    assert r.status_code == 200 and r.json()["ok"] is True
    assert server.app.state.service.store.counts()["feedback"] == before + 1


def test_feedback_on_unknown_message_is_404(client: httpx.Client) -> None:
    r = client.post("/api/v1/feedback", json={"message_id": "0" * 32, "rating": "up"})
    assert assert_bilingual_error(r, 404)["code"] == "unknown_message"


def test_feedback_with_unknown_rating_is_rejected(client: httpx.Client) -> None:
    assert_bilingual_error(client.post("/api/v1/feedback", json={"message_id": "x", "rating": "great"}), 422)


# ---------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (json.dumps({"question": ""}), 422),
        (json.dumps({"question": " \n\t "}), 422),
        (json.dumps({"question": "问" * 501}), 422),
        (json.dumps({"question": "问" * 3000}), 422),
        (json.dumps({"question": 123}), 422),
        (json.dumps({"question": None}), 422),
        (json.dumps({"question": ["门诊"]}), 422),
        (json.dumps({}), 422),
        (json.dumps(["门诊共济是什么"]), 422),
        (json.dumps({"question": "门诊", "channel": "telegram"}), 422),
        (json.dumps({"question": "门诊", "detail": "maybe"}), 422),
        ('{"question": "门诊', 400),
        ("not json at all", 400),
    ],
)
def test_bad_ask_body_gets_clear_bilingual_4xx(client: httpx.Client, content: str, expected: int) -> None:
    r = client.post(
        "/api/v1/ask", content=content.encode("utf-8"), headers={"content-type": "application/json"}
    )
    assert_bilingual_error(r, expected)


def test_invalid_utf8_body_is_400(client: httpx.Client) -> None:
    r = client.post(
        "/api/v1/ask", content=b'{"question": "\xff\xfe\xfa"}', headers={"content-type": "application/json"}
    )
    assert assert_bilingual_error(r, 400)["code"] == "invalid_utf8"


def test_body_over_64_kib_is_413(client: httpx.Client) -> None:
    big = json.dumps({"question": "门诊", "pad": "x" * (65 * 1024)})
    r = client.post("/api/v1/ask", content=big, headers={"content-type": "application/json"})
    assert assert_bilingual_error(r, 413)["code"] == "body_too_large"

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit holds for chunked bodies too
        yield b'{"question": "'
        for _ in range(70):
            yield b"a" * 1024
        yield b'"}'

    r = client.post("/api/v1/ask", content=chunks(), headers={"content-type": "application/json"})
    assert_bilingual_error(r, 413)


def test_unknown_path_and_method_use_the_error_body(client: httpx.Client) -> None:
    assert_bilingual_error(client.get("/api/v1/nothing-here"), 404)
    assert_bilingual_error(client.get("/api/v1/ask"), 405)


# ---------------------------------------------------------------------- keys and CORS
def test_admin_needs_a_valid_key(client: httpx.Client) -> None:
    assert_bilingual_error(client.get("/api/v1/admin/stats"), 401)
    assert_bilingual_error(client.get("/api/v1/admin/stats", headers={"Authorization": "Bearer wrong"}), 401)
    r = client.get("/api/v1/admin/stats", headers={"Authorization": f"Bearer {KEY}"})
    assert r.status_code == 200
    stats = r.json()
    for key in (
        "messages",
        "declined_rate",
        "top_questions",
        "top_declined_questions",
        "feedback",
        "index_version",
    ):
        assert key in stats


def test_cors_allows_only_the_configured_origin(client: httpx.Client) -> None:
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    ok = client.options("/api/v1/ask", headers={"Origin": ORIGIN, **preflight})
    assert ok.status_code == 200
    assert ok.headers["access-control-allow-origin"] == ORIGIN
    evil = client.options("/api/v1/ask", headers={"Origin": "https://evil.example.com", **preflight})
    assert "access-control-allow-origin" not in evil.headers
    r = client.post(
        "/api/v1/ask", json={"question": "门诊共济是什么"}, headers={"Origin": "https://evil.example.com"}
    )
    assert "access-control-allow-origin" not in r.headers
    r = client.post("/api/v1/ask", json={"question": "门诊共济是什么"}, headers={"Origin": ORIGIN})
    assert r.headers["access-control-allow-origin"] == ORIGIN


# ---------------------------------------------------------------------- operations
def test_request_id_is_echoed_or_issued(client: httpx.Client) -> None:
    r = client.get("/healthz", headers={"X-Request-ID": "req-abc-123"})
    assert r.headers["x-request-id"] == "req-abc-123"
    issued = client.get("/healthz").headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", issued)
    # A value that could forge log lines is replaced, not echoed.
    forged = 'x" injected=1;' * 10
    assert client.get("/healthz", headers={"X-Request-ID": forged}).headers["x-request-id"] != forged


def test_health_and_readiness(client: httpx.Client, server: LiveServer) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["index_version"] == server.app.state.service.chain.index_version


def test_metrics_count_requests_answers_and_index_version(client: httpx.Client, server: LiveServer) -> None:
    client.post("/api/v1/ask", json={"question": "门诊共济是什么", "channel": "staff"})
    text = client.get("/metrics").text
    version = server.app.state.service.chain.index_version
    assert re.search(
        r'faqbot_http_requests_total\{endpoint="/api/v1/ask",method="POST",status="200"\} [1-9]', text
    )
    assert re.search(r'faqbot_http_request_duration_seconds_bucket\{endpoint="/api/v1/ask",le="0.5"\}', text)
    assert re.search(r'faqbot_answers_total\{answered="true",channel="staff",mode="\w+"\} [1-9]', text)
    assert f'faqbot_index_info{{version="{version}"}} 1.0' in text
    assert "faqbot_ready 1.0" in text


def test_docs_describe_endpoints_in_chinese_and_english(client: httpx.Client) -> None:
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    ask = spec["paths"]["/api/v1/ask"]["post"]
    text = ask["summary"] + ask["description"]
    assert CJK.search(text) and re.search(r"[A-Za-z]{4,}", text)
    for path in (
        "/api/v1/ask/stream",
        "/api/v1/feedback",
        "/v1/chat/completions",
        "/v1/models",
        "/api/v1/admin/reindex",
    ):
        assert path in spec["paths"]


def test_redacted_question_is_what_the_store_and_logs_keep(server: LiveServer, client: httpx.Client) -> None:
    question = "我身份证220102199003071234，手机13812345678，卡号6222021234567890123，门诊共济能用吗"
    body = client.post("/api/v1/ask", json={"question": question}).json()
    store = server.app.state.service.store
    store.flush()
    with store.engine.connect() as conn:
        row = conn.exec_driver_sql("SELECT question FROM messages WHERE id = ?", (body["message_id"],)).one()
    assert row.question == "我身份证[身份证号]，手机[手机号]，卡号[银行卡尾号0123]，门诊共济能用吗"
    logs = "\n".join(server.log_lines())
    for raw in ("220102199003071234", "13812345678", "6222021234567890123"):
        assert raw not in logs
    assert body["message_id"] in logs and "[身份证号]" in logs
    assert KEY not in logs
    for line in server.log_lines():
        record = json.loads(line)  # every line is one JSON object
        assert {"ts", "level", "logger", "msg"} <= record.keys()
