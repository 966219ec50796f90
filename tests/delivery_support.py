"""Checks of the ``wechat_deliveries`` table that run the same on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import threading
import uuid

from sqlalchemy.engine import Engine

from bot.wechat_deliveries import Arrival, SharedDeliveries
from bot.wechat_replies import Compute, Reply


def answer_after(seconds: float, text: str) -> Compute:
    """A reply computed in ``seconds``: a slow answer, without the chain."""

    async def compute() -> Reply:
        await asyncio.sleep(seconds)
        return Reply(text)

    return compute


def check_deliveries_reaching_processes_at_once_are_counted_once_each(
    engine: Engine, processes: int = 6
) -> None:
    """Every process (own connections) counts a delivery of one message at the same moment."""
    counters = [SharedDeliveries(engine) for _ in range(processes)]
    key = f"msg:o6_{uuid.uuid4().hex}:1"
    start = threading.Barrier(processes)
    arrivals: list[Arrival | None] = [None] * processes

    def deliver(i: int) -> None:
        start.wait()
        arrivals[i] = counters[i].arrive(key)

    threads = [threading.Thread(target=deliver, args=(i,)) for i in range(processes)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    counts = sorted(a.count for a in arrivals if a is not None)
    assert counts == list(range(1, processes + 1)), "one process sees each count, so one sees the last"
    other = f"msg:o6_{uuid.uuid4().hex}:2"
    assert counters[0].arrive(other) == Arrival(1, ""), "another message counts apart"


def check_late_answer_is_decided_by_one_process_and_its_late_text_handed_over(
    engine: Engine, processes: int = 6
) -> None:
    deciders = [SharedDeliveries(engine) for _ in range(processes)]
    key = f"msg:o6_{uuid.uuid4().hex}:1"
    for d in deciders[:3]:
        d.arrive(key)
    start = threading.Barrier(processes)
    won: list[bool] = [False] * processes

    def decide(i: int) -> None:
        start.wait()
        won[i] = deciders[i].decide(key, "pickup")

    threads = [threading.Thread(target=decide, args=(i,)) for i in range(processes)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert won.count(True) == 1, "exactly one process holds the late answer"
    assert not deciders[0].decide(key, "push"), "the decision is made once"
    assert deciders[1].arrive(key) == Arrival(4, "pickup"), "a later delivery learns what was decided"
    assert deciders[2].late_reply(key) == (False, None)
    deciders[3].ready(key, "您刚才问：“…”\n答案")
    assert deciders[2].late_reply(key) == (True, "您刚才问：“…”\n答案")
    assert deciders[2].late_reply(f"msg:o6_{uuid.uuid4().hex}:9") == (False, None)


def check_only_the_latest_delivery_claims_the_reply_and_then_nobody_pushes(engine: Engine) -> None:
    a, b = SharedDeliveries(engine), SharedDeliveries(engine)
    key = f"msg:o6_{uuid.uuid4().hex}:1"
    first, second = a.arrive(key), b.arrive(key)
    assert not a.claim_reply(key, first.count), "WeChat gave up on an older delivery: its reply is not seen"
    assert a.decision(key) == ""
    assert b.claim_reply(key, second.count)
    assert not a.decide(key, "push"), "the retry carries the answer, so it is not pushed as well"
    assert a.decision(key) == "reply"
    pushed = f"msg:o6_{uuid.uuid4().hex}:2"
    a.arrive(pushed)
    b.arrive(pushed)
    assert a.decide(pushed, "push")
    assert not b.claim_reply(pushed, 2), "a push decided first keeps the answer"
    assert b.decision(pushed) == "push"
    assert b.decision(f"msg:o6_{uuid.uuid4().hex}:3") == ""
