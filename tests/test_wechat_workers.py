"""WeChat retries across processes: two servers on one database, as `faqbot serve --workers 2` runs them.

WeChat delivers a message again when a reply is slow, and with several workers the retry can reach another
process than the first delivery. Two real servers (uvicorn, each with its own reply book) share the data
dir and so the SQLite store; wechatpy's signer and reply parser play WeChat.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import KNOWLEDGE
from wechat_harness import (
    TOKEN,
    Running,
    WeChatSender,
    new_msg_id,
    new_openid,
    running_app,
    text_message,
)
from wechatpy.replies import TextReply

from bot.config import Settings


@pytest.fixture(scope="module")
def pair(seed_index_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Running, Running]]:
    root = tmp_path_factory.mktemp("wechat-workers")
    shutil.copytree(seed_index_dir, root / "data")
    settings = Settings(
        data_dir=root / "data", knowledge_dir=KNOWLEDGE, wechat_token=TOKEN, llm_base_url=None, wechat_app_secret=None
    )
    with running_app(settings) as first, running_app(settings) as second:
        yield first, second


def test_retry_reaching_another_worker_gets_the_same_answer_without_asking_again(
    pair: tuple[Running, Running],
) -> None:
    first, second = pair
    openid = new_openid()
    message = text_message(openid, "延边供电公司上门服务了多少次？", msg_id=new_msg_id(), create_time=int(time.time()))
    answered = WeChatSender(first.base).reply(WeChatSender(first.base).post(message))
    retried = WeChatSender(second.base).reply(WeChatSender(second.base).post(message))
    assert isinstance(answered, TextReply) and "30余次" in answered.content
    assert isinstance(retried, TextReply) and retried.content == answered.content
    second.store_rows(openid)  # each server writes its own turns; both are in the one database
    assert len(first.store_rows(openid)) == 1, "the chain ran once for one message"
    assert second.metric("faqbot_wechat_deliveries_total", outcome="other_process") >= 1


def test_deliveries_to_two_workers_at_once_run_the_chain_once(pair: tuple[Running, Running]) -> None:
    first, second = pair
    openid = new_openid()
    message = text_message(openid, "辽源液化气灌装站全天充装了多少钢瓶？", msg_id=new_msg_id())
    replies: dict[str, TextReply] = {}

    def deliver(name: str, running: Running) -> None:
        sender = WeChatSender(running.base)
        replies[name] = sender.reply(sender.post(message))  # type: ignore[assignment]

    threads = [threading.Thread(target=deliver, args=(n, r)) for n, r in (("a", first), ("b", second))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert replies["a"].content == replies["b"].content and "800余套" in replies["a"].content
    second.store_rows(openid)
    assert len(first.store_rows(openid)) == 1


def test_a_new_message_is_answered_by_whichever_worker_receives_it(pair: tuple[Running, Running]) -> None:
    first, second = pair
    openid = new_openid()
    one = WeChatSender(first.base).ask(openid, "延边供电公司上门服务了多少次？")
    two = WeChatSender(second.base).ask(openid, "消除了多少隐患？")
    assert isinstance(two, TextReply) and "22处" in two.content, "the conversation is shared through the store"
    assert isinstance(one, TextReply)
    second.store_rows(openid)  # each server writes its own turns; both are in the one database
    assert len(first.store_rows(openid)) == 2
