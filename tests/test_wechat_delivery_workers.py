"""WeChat's deliveries of one slow message spread over two workers: whichever gets the last one acts on it.

WeChat delivers a message up to three times; the last delivery must answer in time with the pending notice and
leave the answer owed for the resident's next message. With `faqbot serve --workers 2` each delivery may reach
another process, so the count of deliveries lives in the shared store. Two real servers on one data dir (one
SQLite store), a slow local OpenAI-compatible LLM (tests/fake_llm.py) and wechatpy as WeChat.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import KNOWLEDGE
from fake_llm import FakeLLM, Reply
from wechat_harness import (
    APP_ID,
    SLOW_FACT,
    SLOW_LLM_ANSWER,
    SLOW_LLM_DELAY,
    SLOW_PICKED_UP,
    SLOW_QUESTION,
    TOKEN,
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

from bot.config import Settings
from bot.wechat_render import PENDING

pytestmark = pytest.mark.slow

QUESTION, LLM_ANSWER, FACT = SLOW_QUESTION, SLOW_LLM_ANSWER, SLOW_FACT
SPACING = 0.6  # between deliveries: each one reaches its server before the next is sent


@pytest.fixture(scope="module")
def llm() -> Iterator[FakeLLM]:
    with FakeLLM() as fake:
        yield fake


@pytest.fixture(scope="module")
def workers(
    seed_index_dir: Path, tmp_path_factory: pytest.TempPathFactory, llm: FakeLLM
) -> Iterator[tuple[Running, Running]]:
    data = tmp_path_factory.mktemp("wechat-delivery-workers") / "data"
    shutil.copytree(seed_index_dir, data)
    # No customer-service API: a late answer waits for the next message.
    settings = slow_settings(data, llm.base_url, llm_timeout=20.0, wechat_app_secret=None)
    with running_app(settings) as first, running_app(settings) as second:
        yield first, second


def deliver_across(route: list[Running], xml: str, spacing: float = SPACING) -> list[Delivery | Exception]:
    """One message delivered once to each server of ``route``, in order; each gives up after 5 s as WeChat does."""
    results: list[Delivery | Exception] = [RuntimeError("not sent")] * len(route)

    def deliver(i: int) -> None:
        try:
            results[i] = WeChatSender(route[i].base).post(xml, timeout=WECHAT_WAITS)
        except httpx.TimeoutException as exc:
            results[i] = exc

    threads = []
    for i in range(len(route)):
        threads.append(threading.Thread(target=deliver, args=(i,)))
        threads[-1].start()
        time.sleep(spacing)
    for t in threads:
        t.join(30)
    return results


def check_last_delivery_owes_the_answer(route: list[Running], pick_up_on: Running, llm: FakeLLM) -> None:
    llm.script(Reply(content=LLM_ANSWER, delay=SLOW_LLM_DELAY), Reply(content=LLM_ANSWER))
    before = len(llm.requests)
    openid = new_openid()
    sender = WeChatSender(pick_up_on.base)
    *early, last = deliver_across(route, text_message(openid, QUESTION, msg_id=new_msg_id()))
    # The first deliveries are held past WeChat's 5 s on purpose: only then does WeChat deliver again.
    assert all(isinstance(r, httpx.TimeoutException) for r in early), early
    assert isinstance(last, Delivery), f"WeChat gave up on the last delivery: {last!r}"
    assert last.seconds < WECHAT_WAITS
    assert sender.reply(last).content == PENDING, "the last delivery tells the resident to ask again"

    reply = sender.ask(openid, "好的")
    assert reply.content.startswith(SLOW_PICKED_UP), reply.content
    assert len(llm.requests) - before == 1, "the chain was asked once; “好的” only fetched the answer"
    again = WeChatSender(route[0].base).ask(openid, "好的")
    assert not again.content.startswith("您刚才问"), "the late answer is delivered once"


def test_last_delivery_on_the_worker_computing_the_answer_owes_it_after_a_retry_elsewhere(
    workers: tuple[Running, Running], llm: FakeLLM
) -> None:
    first, second = workers
    check_last_delivery_owes_the_answer([first, second, first], second, llm)


def test_last_delivery_on_another_worker_than_the_one_computing_still_owes_the_answer(
    workers: tuple[Running, Running], llm: FakeLLM
) -> None:
    first, second = workers
    check_last_delivery_owes_the_answer([first, first, second], first, llm)


@pytest.fixture(scope="module")
def api() -> Iterator[FakeWeChatApi]:
    with FakeWeChatApi() as fake:
        yield fake


@pytest.fixture(scope="module")
def workers_with_api(
    seed_index_dir: Path, tmp_path_factory: pytest.TempPathFactory, llm: FakeLLM, api: FakeWeChatApi
) -> Iterator[tuple[Running, Running]]:
    root = tmp_path_factory.mktemp("wechat-delivery-push")
    shutil.copytree(seed_index_dir, root / "data")
    shutil.copytree(KNOWLEDGE, root / "knowledge", ignore=shutil.ignore_patterns("faq.yaml"))
    settings = Settings(
        data_dir=root / "data",
        knowledge_dir=root / "knowledge",
        wechat_token=TOKEN,
        wechat_app_id=APP_ID,
        wechat_app_secret=api.secret,  # a late answer goes by the customer-service API
        wechat_api_base_url=api.base_url,
        llm_base_url=llm.base_url,
        llm_model="qwen-test",
        llm_timeout=20.0,
        answer_cache_size=0,
    )
    with running_app(settings) as first, running_app(settings) as second:
        yield first, second


def test_retry_on_another_worker_after_the_first_delivery_ran_out_of_time_leaves_the_answer_to_one_push(
    workers_with_api: tuple[Running, Running], llm: FakeLLM, api: FakeWeChatApi
) -> None:
    first, second = workers_with_api
    llm.script(Reply(content=LLM_ANSWER, delay=SLOW_LLM_DELAY), Reply(content=LLM_ANSWER))
    before, pushed_before = len(llm.requests), len(api.messages())
    openid = new_openid()
    # WeChat's own rhythm: the retry comes when the first delivery has waited 5 s.
    xml = text_message(openid, QUESTION, msg_id=new_msg_id())
    results = deliver_across([first, second], xml, spacing=WECHAT_WAITS)
    for result in results:
        assert isinstance(result, Delivery), f"WeChat gave up waiting: {result!r}"
        assert result.body == b"success", "the answer is pushed, so no delivery carries it as well"
    calls = api.wait_for_messages(pushed_before + 1, timeout=20)
    time.sleep(1.5)  # a second push would arrive by now
    assert len(api.messages()) == pushed_before + 1, "pushed once"
    assert calls[-1].body["touser"] == openid
    assert calls[-1].body["text"]["content"].startswith(FACT)
    assert len(llm.requests) - before == 1
