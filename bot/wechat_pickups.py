"""Late WeChat answers held for pickup in the database, so any process can deliver them with the next message.

Without the customer-service API, an answer that misses WeChat's last delivery of a message waits for the
resident's next message (:class:`bot.wechat_replies.ReplyBook`). With ``faqbot serve --workers N`` or
replicas that next message may reach another process than the one computing the answer, so the answer is
held in ``wechat_pickups`` on the shared store: the computing process inserts a row when the answer is owed
and fills it in when it is ready; the process that receives the next message marks the row taken in one
UPDATE and delivers it, waiting for the fill if the answer is still being computed. Two processes can never
both take one row: the UPDATE only matches rows not yet taken, and the database applies one of them first.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from dataclasses import dataclass

from sqlalchemy import and_, delete, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.store_schema import utcnow, wechat_pickups
from bot.wechat_shared import Pruner

PRUNE_GRACE = dt.timedelta(hours=1)  # rows a process may still be filling or delivering are kept this long


def process_token() -> str:
    """Names this process in the rows it holds: a pickup taken elsewhere is counted as another process's."""
    return f"{os.getpid()}-{uuid.uuid4().hex[:12]}"


@dataclass(frozen=True)
class Taken:
    """A pickup this process now owns: deliver ``reply`` once ``done`` (else wait for the holder to fill it)."""

    key: str
    holder: str
    done: bool
    reply: str | None


class SharedPickups:
    """Hold, fill and take late answers by resident. Thread-safe; blocking (call from a thread)."""

    def __init__(self, engine: Engine, pickup_seconds: float, token: str | None = None) -> None:
        self.engine = engine
        self.pickup_seconds = pickup_seconds
        self.token = token or process_token()
        self._pruner = Pruner(engine, wechat_pickups)

    def hold(self, key: str, openid: str, age_seconds: float = 0.0) -> None:
        """Owe the resident the answer to message ``key`` (asked ``age_seconds`` ago).

        An older answer still owed and not taken is replaced, as one process's book replaces it: the
        resident's next message delivers the latest late answer.
        """
        self._prune()
        created = utcnow() - dt.timedelta(seconds=max(0.0, age_seconds))
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    delete(wechat_pickups).where(
                        and_(wechat_pickups.c.openid == openid, wechat_pickups.c.taken.is_(False))
                    )
                )
                conn.execute(
                    wechat_pickups.insert().values(
                        key=key, openid=openid, created_at=created, holder=self.token, taken=False, done=False
                    )
                )
        except IntegrityError:
            pass  # another process already holds this message's answer for the resident

    def fill(self, key: str, reply: str | None) -> None:
        """The answer is ready: whoever took the row (or takes it later) delivers ``reply``."""
        with self.engine.begin() as conn:
            conn.execute(
                update(wechat_pickups).where(wechat_pickups.c.key == key).values(done=True, reply=reply)
            )

    def withdraw(self, key: str) -> bool:
        """Forget a pickup a delivery WeChat still waited for has carried. False: another process took it."""
        with self.engine.begin() as conn:
            gone = conn.execute(
                delete(wechat_pickups).where(
                    and_(wechat_pickups.c.key == key, wechat_pickups.c.taken.is_(False))
                )
            )
        return bool(gone.rowcount)

    def take(self, openid: str) -> Taken | None:
        """The resident's owed answer, now this process's to deliver; None when nothing is owed.

        One UPDATE ... RETURNING marks the rows taken, so of two processes asking at once only one gets them.
        Should two processes have held answers for one resident at the same moment, the latest is delivered
        and the other is dropped, as a newer pickup replaces an older one.
        """
        since = utcnow() - dt.timedelta(seconds=self.pickup_seconds)
        owed = and_(
            wechat_pickups.c.openid == openid,
            wechat_pickups.c.taken.is_(False),
            wechat_pickups.c.created_at >= since,
        )
        columns = (
            wechat_pickups.c.key,
            wechat_pickups.c.holder,
            wechat_pickups.c.done,
            wechat_pickups.c.reply,
            wechat_pickups.c.created_at,
        )
        with self.engine.begin() as conn:
            rows = conn.execute(
                update(wechat_pickups).where(owed).values(taken=True).returning(*columns)
            ).all()
            if not rows:
                return None
            latest = max(rows, key=lambda r: r.created_at)
            dropped = [r.key for r in rows if r.key != latest.key]
            if dropped:
                conn.execute(delete(wechat_pickups).where(wechat_pickups.c.key.in_(dropped)))
        return Taken(latest.key, latest.holder, bool(latest.done), latest.reply)

    def fetch(self, key: str) -> tuple[bool, str | None] | None:
        """(done, reply) of a taken pickup whose answer another process is still computing; None: row gone."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(wechat_pickups.c.done, wechat_pickups.c.reply).where(wechat_pickups.c.key == key)
            ).first()
        return (bool(row.done), row.reply) if row is not None else None

    def drop(self, key: str) -> None:
        """Delivered: the row has done its job."""
        with self.engine.begin() as conn:
            conn.execute(delete(wechat_pickups).where(wechat_pickups.c.key == key))

    def _prune(self) -> None:
        self._pruner(utcnow() - dt.timedelta(seconds=self.pickup_seconds) - PRUNE_GRACE)
