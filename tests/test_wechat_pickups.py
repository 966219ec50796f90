"""The ``wechat_pickups`` table on the default SQLite store: late WeChat answers any process can deliver once.

tests/test_store_postgres.py runs the same checks on PostgreSQL; tests/test_wechat_pickup_workers.py runs
two servers on one store.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from delivery_support import answer_after
from pickup_support import (
    check_late_answer_is_taken_by_one_process,
    check_newer_late_answer_replaces_older_and_old_ones_expire,
)

from bot.store import Store
from bot.wechat_pickups import SharedPickups
from bot.wechat_render import PENDING
from bot.wechat_replies import ReplyBook

# WeChat's timings scaled down: reply by 0.2 s, hold a non-final delivery 0.5 s, the answer takes 0.7 s.
SCALED = {"deadline": 0.2, "hold": 0.5}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(f"sqlite:///{tmp_path / 'faqbot.db'}")
    yield s
    s.close()


def test_late_answer_asked_for_by_several_processes_at_once_goes_to_one(store: Store) -> None:
    check_late_answer_is_taken_by_one_process(store.engine)


def test_newer_late_answer_replaces_an_older_one_and_old_answers_expire(store: Store) -> None:
    check_newer_late_answer_replaces_older_and_old_ones_expire(store.engine)


async def owe(book: ReplyBook, openid: str) -> None:
    """Three deliveries of one slow message, all past the (scaled) deadline: the answer is owed."""
    key = f"msg:{openid}:slow"
    slow = book.with_pickup(openid, answer_after(0.7, "迟到的答案"))
    texts = await asyncio.gather(*(book.reply(key, openid, slow, arrived=time.monotonic()) for _ in range(3)))
    assert texts == [PENDING] * 3


async def next_message(book: ReplyBook, openid: str, n: int) -> str | None:
    fresh = book.with_pickup(openid, answer_after(0.0, f"第{n}条的答案"))
    return await book.reply(f"msg:{openid}:{n}", openid, fresh, arrived=time.monotonic())


def test_without_a_store_the_late_answer_waits_in_the_process_for_the_next_message() -> None:
    async def run() -> None:
        book = ReplyBook(**SCALED)
        await owe(book, "o6_alone")
        await asyncio.sleep(0.5)
        assert await next_message(book, "o6_alone", 1) == "迟到的答案"
        assert await next_message(book, "o6_alone", 2) == "第2条的答案"
        assert book.picked_up == 1

    asyncio.run(run())


def test_with_a_store_the_late_answer_is_delivered_once_by_the_process_that_gets_the_next_message(
    store: Store,
) -> None:
    async def run() -> None:
        holder, other = ReplyBook(**SCALED), ReplyBook(**SCALED)
        holder.shared = SharedPickups(store.engine, holder.pickup_seconds)
        other.shared = SharedPickups(store.engine, other.pickup_seconds)
        await owe(holder, "o6_shared")
        # Asked while the holder is still computing: the other process waits for the answer to be stored.
        assert await next_message(other, "o6_shared", 1) == "迟到的答案"
        assert await next_message(holder, "o6_shared", 2) == "第2条的答案"
        assert await next_message(other, "o6_shared", 3) == "第3条的答案"
        assert (other.picked_up, other.picked_up_elsewhere, holder.picked_up) == (1, 1, 0)

    asyncio.run(run())
