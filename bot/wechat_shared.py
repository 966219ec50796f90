"""WeChat replies shared by every process on one database: a retry reaching another worker is not answered twice.

WeChat delivers a message up to three times when a reply is slow. ``faqbot serve --workers N`` (and replicas
behind a balancer) may hand each delivery to a different process. :class:`bot.wechat_replies.ReplyBook` keeps
one computation per message within a process; this table does it across processes. The first process to
insert a message's key computes the reply and stores it. The others wait for the stored reply, within the
same deadlines their own book applies.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import anyio
from sqlalchemy import Table, delete, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.store_schema import utcnow, wechat_replies

KEEP = dt.timedelta(hours=1)  # longer than WeChat retries (15 s) and a late pickup (30 min)
PRUNE_EVERY_SECONDS = 600.0


T = TypeVar("T")
POLL_SECONDS = 0.05  # first wait between reads of a row another process fills in


async def await_filled(read: Callable[[], tuple[bool, T | None] | None], seconds: float) -> tuple[bool, T | None]:
    """Read a row another process fills in (``read`` gives (filled, value), None once the row is gone), waiting
    longer between reads, for up to ``seconds``: (True, value) when filled, (False, None) when gone or late.
    The reads run in a thread; a failing read raises here."""
    deadline = time.monotonic() + seconds
    pause = POLL_SECONDS
    while True:
        row = await anyio.to_thread.run_sync(read)
        if row is None:
            return False, None
        if row[0]:
            return row
        if time.monotonic() > deadline:
            return False, None
        await anyio.sleep(pause)
        pause = min(1.0, pause * 1.5)


class Pruner:
    """Deletes one table's rows created before a cutoff, at most once every ``PRUNE_EVERY_SECONDS`` per process:
    each WeChat table is only read by key, so old rows just take room."""

    def __init__(self, engine: Engine, table: Table) -> None:
        self.engine = engine
        self.table = table
        self._lock = threading.Lock()
        self._pruned = 0.0

    def __call__(self, cutoff: dt.datetime) -> None:
        now = time.monotonic()
        with self._lock:
            if now - self._pruned < PRUNE_EVERY_SECONDS:
                return
            self._pruned = now
        with self.engine.begin() as conn:
            conn.execute(delete(self.table).where(self.table.c.created_at < cutoff))


class SharedReplies:
    """Claim, publish and read WeChat replies by message key. Thread-safe; blocking (call from a thread)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._pruner = Pruner(engine, wechat_replies)

    def claim(self, key: str) -> bool:
        """True for the one process that is to compute this message's reply."""
        self._prune()
        try:
            with self.engine.begin() as conn:
                conn.execute(wechat_replies.insert().values(key=key, created_at=utcnow(), done=False))
        except IntegrityError:
            return False
        return True

    def publish(self, key: str, reply: str | None) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(wechat_replies).where(wechat_replies.c.key == key).values(done=True, reply=reply))

    def fetch(self, key: str) -> tuple[bool, str | None]:
        """(done, reply) of a message another process computes."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(wechat_replies.c.done, wechat_replies.c.reply).where(wechat_replies.c.key == key)
            ).first()
        return (bool(row.done), row.reply) if row is not None else (False, None)

    def _prune(self) -> None:
        self._pruner(utcnow() - KEEP)
