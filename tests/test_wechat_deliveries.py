"""The ``wechat_deliveries`` table on the default SQLite store: WeChat's deliveries counted across processes.

tests/test_store_postgres.py runs the same checks on PostgreSQL; tests/test_wechat_delivery_workers.py runs two
servers on one store.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from delivery_support import (
    answer_after,
    check_deliveries_reaching_processes_at_once_are_counted_once_each,
    check_late_answer_is_decided_by_one_process_and_its_late_text_handed_over,
    check_only_the_latest_delivery_claims_the_reply_and_then_nobody_pushes,
)

from bot.store import Store
from bot.wechat_deliveries import SharedDeliveries
from bot.wechat_replies import Reply, ReplyBook, _Pending


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(f"sqlite:///{tmp_path / 'faqbot.db'}")
    yield s
    s.close()


def test_deliveries_of_one_message_to_several_processes_at_once_are_counted_once_each(store: Store) -> None:
    check_deliveries_reaching_processes_at_once_are_counted_once_each(store.engine)


def test_late_answer_is_pushed_or_held_by_one_process_which_gets_its_late_text(store: Store) -> None:
    check_late_answer_is_decided_by_one_process_and_its_late_text_handed_over(store.engine)


def test_only_the_latest_delivery_may_claim_the_reply_and_a_claim_stops_a_push(store: Store) -> None:
    check_only_the_latest_delivery_claims_the_reply_and_then_nobody_pushes(store.engine)


def test_retry_that_gets_the_answer_after_another_process_chose_to_push_it_answers_success(store: Store) -> None:
    # WeChat's timings scaled down. The first delivery (process A) must reply by 0.3 s; the answer takes 0.6 s,
    # so A answers "success" and pushes it. A retry reaches process B at 0.1 s, before A decided, and B gets the
    # answer at 0.6 s, within its own deadline: carrying it too would give the resident the answer twice.
    pushed: list[str] = []

    async def push(openid: str, text: str) -> bool:
        pushed.append(text)
        return True

    async def run() -> tuple[str | None, str | None]:
        a, b = ReplyBook(deadline=0.3), ReplyBook(deadline=1.0)
        a.deliveries, b.deliveries = SharedDeliveries(store.engine), SharedDeliveries(store.engine)
        key, openid = f"msg:o6_{uuid.uuid4().hex}:1", "o6_push"
        start = time.monotonic()
        answer = asyncio.ensure_future(asyncio.sleep(0.6, result=Reply("迟到的答案")))

        async def shared() -> Reply:  # both processes end up with the one computation's reply
            return await answer

        async def retry() -> str | None:
            await asyncio.sleep(0.1)
            return await b.reply(key, openid, shared, arrived=time.monotonic(), push=push)

        first, second = await asyncio.gather(a.reply(key, openid, shared, arrived=start, push=push), retry())
        await asyncio.sleep(0.3)  # A's push has gone out by now
        return first, second

    first, second = asyncio.run(run())
    assert first is None, "the first delivery ran out of time and answered success"
    assert pushed == ["迟到的答案"], "pushed once"
    assert second is None, "the retry answers success instead of carrying the pushed answer again"


def test_in_one_process_too_a_retry_waiting_when_the_first_delivery_ran_out_of_time_leaves_it_to_the_push() -> None:
    pushed: list[str] = []

    async def push(openid: str, text: str) -> bool:
        pushed.append(text)
        return True

    async def run() -> tuple[str | None, str | None]:
        book = ReplyBook(deadline=0.3)
        key, start = f"msg:o6_{uuid.uuid4().hex}:1", time.monotonic()
        answer = answer_after(0.6, "迟到的答案")

        async def retry() -> str | None:
            await asyncio.sleep(0.1)
            # The first delivery replies by 0.3 s; this retry is given until 1.1 s, so it is still waiting when the
            # answer comes at 0.6 s, after the first delivery chose to push it.
            book.deadline = 1.0
            return await book.reply(key, "o6_one", answer, arrived=time.monotonic(), push=push)

        result = await asyncio.gather(book.reply(key, "o6_one", answer, arrived=start, push=push), retry())
        await asyncio.sleep(0.3)
        return result[0], result[1]

    first, second = asyncio.run(run())
    assert (first, second) == (None, None)
    assert pushed == ["迟到的答案"], "pushed once, and no delivery carried it as well"


def test_retry_that_gets_the_answer_in_time_carries_it_and_no_process_pushes_it(store: Store) -> None:
    pushed: list[str] = []

    async def push(openid: str, text: str) -> bool:
        pushed.append(text)
        return True

    async def run() -> str | None:
        a, b = ReplyBook(deadline=0.3), ReplyBook(deadline=1.0)
        a.deliveries, b.deliveries = SharedDeliveries(store.engine), SharedDeliveries(store.engine)
        key = f"msg:o6_{uuid.uuid4().hex}:1"
        a.deliveries.arrive(key)  # the first delivery, long gone: WeChat delivered again
        answer = asyncio.ensure_future(asyncio.sleep(0.2, result=Reply("答案")))

        async def shared() -> Reply:
            return await answer

        second = await b.reply(key, "o6_push", shared, arrived=time.monotonic(), push=push)
        # The first delivery's process runs out of time only now (its clock started earlier).
        late = _Pending(asyncio.ensure_future(asyncio.sleep(5)), "o6_push", key)
        assert not await a._decide(late, "push"), "the retry carried the answer: nobody pushes it"
        assert late.late == "", "a later delivery on that process may still carry it"
        late.task.cancel()
        return second

    assert asyncio.run(run()) == "答案"
    assert pushed == []
