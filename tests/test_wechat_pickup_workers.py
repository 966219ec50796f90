"""A late WeChat answer held for pickup reaches the resident whichever worker gets their next message.

Without the customer-service API (no AppSecret) an answer slower than WeChat's three deliveries waits for the
resident's next message. Two real servers share one data dir and so one SQLite store, as the workers of
`faqbot serve --workers 2` do; the answer is slow because the chain's LLM mode calls a local OpenAI-compatible
server that sleeps first (tests/fake_llm.py). wechatpy signs the messages and parses the replies.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_llm import FakeLLM, Reply
from wechat_harness import (
    SLOW_FACT,
    SLOW_LLM_ANSWER,
    SLOW_LLM_DELAY,
    SLOW_PICKED_UP,
    SLOW_QUESTION,
    WECHAT_WAITS,
    Delivery,
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


@pytest.fixture(scope="module")
def llm() -> Iterator[FakeLLM]:
    with FakeLLM() as fake:
        yield fake


@pytest.fixture(scope="module")
def workers(
    seed_index_dir: Path, tmp_path_factory: pytest.TempPathFactory, llm: FakeLLM
) -> Iterator[tuple[Running, Running]]:
    data = tmp_path_factory.mktemp("wechat-pickup-workers") / "data"
    shutil.copytree(seed_index_dir, data)
    # No customer-service API: late answers wait for the next message.
    settings = slow_settings(data, llm.base_url, llm_timeout=15.0, wechat_app_secret=None)
    with running_app(settings) as first, running_app(settings) as second:
        yield first, second


def owe_a_late_answer(worker: Running, llm: FakeLLM, openid: str) -> None:
    """WeChat's three deliveries of a slow question all reach ``worker`` and all get the pending notice."""
    llm.script(Reply(content=LLM_ANSWER, delay=SLOW_LLM_DELAY), Reply(content=LLM_ANSWER))
    sender = WeChatSender(worker.base)
    xml = text_message(openid, QUESTION, msg_id=new_msg_id())
    results: list[Delivery] = []
    threads = [
        threading.Thread(target=lambda: results.append(sender.post(xml, timeout=15))) for _ in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(results) == 3
    assert min(r.seconds for r in results) < WECHAT_WAITS, "the last delivery answers while WeChat waits"
    assert all(sender.reply(r).content == PENDING for r in results)


def test_late_answer_computed_by_one_worker_arrives_with_the_next_message_on_another(
    workers: tuple[Running, Running], llm: FakeLLM
) -> None:
    first, second = workers
    openid = new_openid()
    before = len(llm.requests)
    owe_a_late_answer(first, llm, openid)
    # The resident answers the notice at once, while the first worker is still waiting for the LLM.
    sender = WeChatSender(second.base)
    delivery = sender.post(text_message(openid, "好的"), timeout=15)
    assert delivery.seconds < WECHAT_WAITS, "the second worker replies while WeChat still waits"
    assert sender.reply(delivery).content.startswith(SLOW_PICKED_UP)
    assert len(llm.requests) - before == 1, "“好的” fetched the answer; it was not asked"
    assert second.metric("faqbot_wechat_deliveries_total", outcome="picked_up_other_process") >= 1

    again = WeChatSender(first.base).ask(openid, "好的")
    assert not again.content.startswith("您刚才问"), "the first worker must not deliver it a second time"
    assert not sender.ask(openid, "好的").content.startswith("您刚才问")


def test_next_messages_reaching_both_workers_at_once_get_the_late_answer_once(
    workers: tuple[Running, Running], llm: FakeLLM
) -> None:
    first, second = workers
    openid = new_openid()
    owe_a_late_answer(first, llm, openid)
    deadline = time.monotonic() + 15
    while not first.store_rows(openid) and time.monotonic() < deadline:
        time.sleep(0.2)  # the answer is ready and held
    replies: dict[str, str] = {}

    def send(name: str, worker: Running, text: str) -> None:
        replies[name] = WeChatSender(worker.base).ask(openid, text).content

    threads = [
        threading.Thread(target=send, args=("first", first, "好的")),
        threading.Thread(target=send, args=("second", second, "收到")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(replies) == 2
    delivered = [name for name, content in replies.items() if content.startswith(SLOW_PICKED_UP)]
    assert len(delivered) == 1, replies
