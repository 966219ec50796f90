"""WeChat's 5-second rule with a slow answer: a local LLM server that takes longer than WeChat waits.

The slow part is real: the chain's optional LLM mode calls an OpenAI-compatible server over HTTP,
and the test's server (tests/fake_llm.py, the one fake allowed) sleeps before it answers. The
customer-service API is a local stand-in for api.weixin.qq.com that records every call.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fake_llm import FakeLLM
from wechat_harness import (
    APP_ID,
    SLOW_FACT,
    SLOW_LLM_ANSWER,
    SLOW_LLM_DELAY,
    SLOW_PICKED_UP,
    SLOW_QUESTION,
    WECHAT_WAITS,
    Delivery,
    FakeWeChatApi,
    Running,
    WeChatSender,
    new_msg_id,
    new_openid,
    running_app,
    slow_settings,
    text_message,
)

from bot.wechat_render import PENDING

pytestmark = pytest.mark.slow

QUESTION, LLM_ANSWER, FACT = SLOW_QUESTION, SLOW_LLM_ANSWER, SLOW_FACT
MEDICAL_SOURCE = "来源：《长春市实施职工医保门诊共济保障机制》2023-01"


def deliver_like_wechat(sender: WeChatSender, xml: str, starts: list[float]) -> list[Delivery | Exception]:
    """Deliveries of one message starting at the given offsets; each gives up after 5 s as WeChat does."""
    results: list[Delivery | Exception] = [RuntimeError("not sent")] * len(starts)
    t0 = time.monotonic()

    def deliver(i: int) -> None:
        time.sleep(max(0.0, starts[i] - (time.monotonic() - t0)))
        try:
            results[i] = sender.post(xml, timeout=WECHAT_WAITS)
        except httpx.TimeoutException as exc:
            results[i] = exc

    threads = [threading.Thread(target=deliver, args=(i,)) for i in range(len(starts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


@pytest.fixture(scope="module")
def llm() -> Iterator[FakeLLM]:
    with FakeLLM() as fake:
        yield fake


@pytest.fixture(scope="module")
def api() -> Iterator[FakeWeChatApi]:
    with FakeWeChatApi() as fake:
        yield fake


@pytest.fixture(scope="module")
def server_with_secret(
    seed_index_dir: Path, tmp_path_factory: pytest.TempPathFactory, llm: FakeLLM, api: FakeWeChatApi
) -> Iterator[Running]:
    data = tmp_path_factory.mktemp("wechat-push") / "data"
    shutil.copytree(seed_index_dir, data)
    settings = slow_settings(
        data, llm.base_url, wechat_app_id=APP_ID, wechat_app_secret=api.secret, wechat_api_base_url=api.base_url
    )
    with running_app(settings) as running:
        yield running


def test_slow_answer_replies_success_in_time_then_arrives_as_customer_service_message(
    server_with_secret: Running, llm: FakeLLM, api: FakeWeChatApi
) -> None:
    llm.reply(LLM_ANSWER, delay=SLOW_LLM_DELAY)
    api.send_errcode = 0
    before = len(llm.requests)
    sender = WeChatSender(server_with_secret.base)
    openid = new_openid()
    sent = time.monotonic()
    results = deliver_like_wechat(
        sender, text_message(openid, QUESTION, msg_id=new_msg_id()), [0.0, 1.0, 2.0]
    )
    for result in results:
        assert isinstance(result, Delivery), f"WeChat gave up waiting: {result!r}"
        assert result.seconds < WECHAT_WAITS
        assert result.status == 200 and result.body == b"success"

    calls = api.wait_for_messages(1, timeout=20)
    answered_after = time.monotonic() - sent
    time.sleep(1.5)  # a second push would arrive by now
    assert len(api.messages()) == 1
    body = calls[0].body
    assert body["touser"] == openid
    assert body["msgtype"] == "text"
    content = body["text"]["content"]
    assert content.startswith(FACT)
    assert content.endswith(MEDICAL_SOURCE)
    assert "[1]" not in content
    assert len(content.encode("utf-8")) <= 2048
    assert calls[0].query["access_token"] == api.access_token
    tokens = [c for c in api.calls if c.path.endswith("/token")]
    assert len(tokens) == 1 and tokens[0].query["appid"] == APP_ID and tokens[0].query["secret"] == api.secret
    assert answered_after >= SLOW_LLM_DELAY
    assert len(llm.requests) - before == 1
    assert len(server_with_secret.store_rows(openid)) == 1
    assert server_with_secret.metric("faqbot_wechat_deliveries_total", outcome="pushed") >= 1


def test_refused_customer_service_message_is_kept_for_the_next_message(
    server_with_secret: Running, llm: FakeLLM, api: FakeWeChatApi
) -> None:
    llm.reply(LLM_ANSWER, delay=SLOW_LLM_DELAY)
    api.send_errcode = 45015  # WeChat refuses: the resident has not written within 48 hours
    sender = WeChatSender(server_with_secret.base)
    openid = new_openid()
    sent_before = len(api.messages())
    (delivery,) = deliver_like_wechat(sender, text_message(openid, QUESTION, msg_id=new_msg_id()), [0.0])
    assert isinstance(delivery, Delivery) and delivery.body == b"success"
    api.wait_for_messages(sent_before + 1, timeout=20)
    time.sleep(0.5)
    api.send_errcode = 0
    llm.reply(LLM_ANSWER)
    reply = sender.ask(openid, "在吗")
    assert reply.content.startswith(SLOW_PICKED_UP)
    assert len(server_with_secret.store_rows(openid)) == 1


@pytest.fixture(scope="module")
def server_without_secret(
    seed_index_dir: Path, tmp_path_factory: pytest.TempPathFactory, llm: FakeLLM
) -> Iterator[Running]:
    data = tmp_path_factory.mktemp("wechat-slow") / "data"
    shutil.copytree(seed_index_dir, data)
    with running_app(slow_settings(data, llm.base_url)) as running:
        yield running


def test_without_app_secret_a_retry_carries_the_slow_answer(
    server_without_secret: Running, llm: FakeLLM
) -> None:
    llm.reply(LLM_ANSWER, delay=SLOW_LLM_DELAY)
    before = len(llm.requests)
    sender = WeChatSender(server_without_secret.base)
    openid = new_openid()
    xml = text_message(openid, QUESTION, msg_id=new_msg_id())
    first, second = deliver_like_wechat(sender, xml, [0.0, WECHAT_WAITS])
    # The first delivery is held past WeChat's 5 s on purpose: only then does WeChat deliver again.
    assert isinstance(first, httpx.TimeoutException)
    assert isinstance(second, Delivery) and second.seconds < WECHAT_WAITS
    content = sender.reply(second).content
    assert content.startswith(FACT) and content.endswith(MEDICAL_SOURCE)
    assert len(llm.requests) - before == 1
    assert len(server_without_secret.store_rows(openid)) == 1


def test_without_app_secret_the_next_message_gets_the_answer(
    server_without_secret: Running, llm: FakeLLM
) -> None:
    llm.reply(LLM_ANSWER, delay=SLOW_LLM_DELAY)
    before = len(llm.requests)
    sender = WeChatSender(server_without_secret.base)
    openid = new_openid()
    xml = text_message(openid, QUESTION, msg_id=new_msg_id())
    # All three deliveries arrive before the answer: the last one must answer in time.
    results: list[Delivery] = []
    threads = [
        threading.Thread(target=lambda: results.append(sender.post(xml, timeout=15))) for _ in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(results) == 3
    assert min(r.seconds for r in results) < WECHAT_WAITS
    assert all(sender.reply(r).content == PENDING for r in results)
    assert "回复任意内容获取答案" in PENDING

    deadline = time.monotonic() + 15
    while not server_without_secret.store_rows(openid) and time.monotonic() < deadline:
        time.sleep(0.2)
    reply = sender.ask(openid, "好的")
    assert reply.content.startswith(SLOW_PICKED_UP)
    assert reply.content.endswith(MEDICAL_SOURCE)
    assert len(llm.requests) - before == 1  # "好的" only fetched the answer, it was not asked
    assert len(server_without_secret.store_rows(openid)) == 1

    llm.reply(LLM_ANSWER)  # no delay now
    fresh = sender.ask(openid, QUESTION)  # the late answer was delivered once; questions resume
    assert fresh.content.startswith(FACT)
    assert len(server_without_secret.store_rows(openid)) == 2
