"""WeChat's deliveries of a message counted by every process on one database, so the last one is known as such.

WeChat delivers a slow message three times and the last delivery decides: without the customer-service API it
answers in time with the pending notice and the answer is owed to the resident's next message; with it, the
first delivery that runs out of time answers ``success`` and the answer is pushed. With ``faqbot serve --workers
N`` (or replicas) each delivery may reach another process, and a count kept per process never reaches three.
``wechat_deliveries`` keeps the count per message key, one upsert per delivery, and the late decision, which one
UPDATE gives to one process only. A retry that gets the answer in time claims it the same way ("reply"), so a
process whose earlier delivery ran out of time does not push it as well. The process computing the answer also leaves the answer as delivered late
(with its "您刚才问" header, which needs the Answer it alone holds), for a process that holds it for pickup.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, select, update
from sqlalchemy.engine import Engine

from bot.store_schema import upsert_into, utcnow, wechat_deliveries
from bot.wechat_shared import Pruner

KEEP = dt.timedelta(hours=1)  # far longer than WeChat's retries (about 15 s)


@dataclass(frozen=True)
class Arrival:
    """This delivery is the ``count``-th of its message across processes; ``late`` was decided already."""

    count: int
    late: str


class SharedDeliveries:
    """Count deliveries, decide what a late answer becomes, hand over its late text. Thread-safe; blocking."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._pruner = Pruner(engine, wechat_deliveries)

    def arrive(self, key: str) -> Arrival:
        """Count one delivery of message ``key``.

        One INSERT … ON CONFLICT DO UPDATE: the first delivery creates the row, later ones add to it under the
        row's lock, so two processes counting at once get different counts.
        """
        self._prune()
        values = {"key": key, "created_at": utcnow(), "deliveries": 1, "late": "", "late_ready": False}
        with self.engine.begin() as conn:
            row = conn.execute(_count_upsert(self.engine.dialect.name), values).one()
        return Arrival(int(row.deliveries), str(row.late))

    def decide(self, key: str, late: str) -> bool:
        """True for the one process that is to act on the late answer to ``key`` ("push" or "pickup")."""
        table = wechat_deliveries
        with self.engine.begin() as conn:
            won = conn.execute(
                update(table).where(and_(table.c.key == key, table.c.late == "")).values(late=late)
            )
        return bool(won.rowcount)

    def claim_reply(self, key: str, count: int) -> bool:
        """True when delivery ``count`` of ``key`` is still the latest and no process has decided to push or hold
        the answer: from now on none will, so this delivery may carry it."""
        table = wechat_deliveries
        with self.engine.begin() as conn:
            won = conn.execute(
                update(table)
                .where(and_(table.c.key == key, table.c.late == "", table.c.deliveries == count))
                .values(late="reply")
            )
        return bool(won.rowcount)

    def decision(self, key: str) -> str:
        """What was decided for the late answer to ``key``: "" (nothing yet), "push", "pickup" or "reply"."""
        table = wechat_deliveries
        with self.engine.connect() as conn:
            row = conn.execute(select(table.c.late).where(table.c.key == key)).first()
        return str(row.late) if row is not None else ""

    def ready(self, key: str, late_reply: str | None) -> None:
        """The answer to ``key`` as delivered late; stored by the process that computed it."""
        table = wechat_deliveries
        with self.engine.begin() as conn:
            conn.execute(
                update(table).where(table.c.key == key).values(late_ready=True, late_reply=late_reply)
            )

    def late_reply(self, key: str) -> tuple[bool, str | None]:
        """(ready, late text) of message ``key``."""
        table = wechat_deliveries
        with self.engine.connect() as conn:
            row = conn.execute(
                select(table.c.late_ready, table.c.late_reply).where(table.c.key == key)
            ).first()
        return (bool(row.late_ready), row.late_reply) if row is not None else (False, None)

    def _prune(self) -> None:
        self._pruner(utcnow() - KEEP)


@functools.cache
def _count_upsert(dialect: str) -> Any:
    """INSERT … ON CONFLICT add one … RETURNING the count, for the two databases the store supports."""
    table = wechat_deliveries
    return upsert_into(table, dialect).on_conflict_do_update(
        index_elements=[table.c.key], set_={"deliveries": table.c.deliveries + 1}
    ).returning(table.c.deliveries, table.c.late)
