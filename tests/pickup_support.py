"""Checks of the ``wechat_pickups`` table that run the same on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
import uuid

from sqlalchemy.engine import Engine

from bot.wechat_pickups import SharedPickups, Taken

PICKUP_SECONDS = 1800.0


def check_late_answer_is_taken_by_one_process(engine: Engine, processes: int = 6) -> None:
    """Several processes (own tokens, own connections) ask for one resident's late answer at once."""
    holder = SharedPickups(engine, PICKUP_SECONDS)
    others = [SharedPickups(engine, PICKUP_SECONDS) for _ in range(processes)]
    openid = f"o6_{uuid.uuid4().hex}"
    key = f"msg:{openid}:1"
    holder.hold(key, openid, age_seconds=20.0)
    start = threading.Barrier(processes)
    taken: list[Taken | None] = [None] * processes

    def ask(i: int) -> None:
        start.wait()
        taken[i] = others[i].take(openid)

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(processes)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    winners = [t for t in taken if t is not None]
    assert len(winners) == 1, "exactly one process delivers the answer"
    (won,) = winners
    assert (won.key, won.holder, won.done, won.reply) == (key, holder.token, False, None)
    assert not holder.withdraw(key), "a taken answer is no longer the holder's to withdraw"
    assert others[0].fetch(key) == (False, None)
    holder.fill(key, "您刚才问：…")
    assert others[0].fetch(key) == (True, "您刚才问：…")
    others[0].drop(key)
    assert others[0].fetch(key) is None
    assert holder.take(openid) is None


def check_newer_late_answer_replaces_older_and_old_ones_expire(engine: Engine) -> None:
    pickups = SharedPickups(engine, PICKUP_SECONDS)
    openid = f"o6_{uuid.uuid4().hex}"
    pickups.hold(f"msg:{openid}:1", openid)
    pickups.hold(f"msg:{openid}:2", openid)
    pickups.fill(f"msg:{openid}:2", "第二个答案")
    taken = pickups.take(openid)
    assert taken is not None and taken.key == f"msg:{openid}:2"
    assert (taken.done, taken.reply) == (True, "第二个答案")
    assert pickups.fetch(f"msg:{openid}:1") is None
    pickups.hold(f"msg:{openid}:3", openid)
    assert pickups.withdraw(f"msg:{openid}:3"), "a delivery carried it in time: nobody is owed it now"
    assert pickups.take(openid) is None
    pickups.hold(f"msg:{openid}:4", openid, age_seconds=PICKUP_SECONDS + 60)
    assert pickups.take(openid) is None, "an answer older than pickup_seconds is not delivered"
