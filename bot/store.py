"""Conversations, messages and feedback (SQLAlchemy 2): SQLite in WAL mode by default, PostgreSQL by URL.

Why a writer thread: the answer path must not wait on the database. ``record_message`` only puts
the (already redacted) row on a queue; one thread per process writes queued rows in batches, in one
transaction per batch. Rows not yet written are still visible to ``recent_turns`` and
``add_feedback`` of the same process, and ``close()`` drains the queue, so nothing is lost on a
graceful shutdown.

Example::

    store = Store("sqlite:///data/faqbot.sqlite3")
    store.record_message(MessageRecord(message_id="m1", session_id="s1", question="门诊能报销吗", ...))
    store.add_feedback("m1", "up")
    store.close()
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import queue
import threading
import time
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Engine, Integer, delete, func, insert, select
from sqlalchemy.exc import DBAPIError

from bot.store_schema import (
    MessageRecord,
    PurgeReport,
    StoredTurn,
    feedback,
    make_engine,
    messages,
    metadata,
    sessions,
    upsert_into,
    utcnow,
)

__all__ = ["MessageRecord", "PurgeReport", "Store", "StoredTurn", "utcnow"]

log = logging.getLogger("faqbot.store")


class _Flush:
    """Queue marker: set once every row queued before it is committed."""

    def __init__(self) -> None:
        self.done = threading.Event()


_STOP = object()
# How long the writer waits for more messages to write in the same transaction. Nothing waits on it: the
# answer is sent before its row is written, and readers look at the queue first (``recent_turns``).
LINGER_SECONDS = 0.05


class Store:
    """The conversation store. Thread-safe; one per process."""

    def __init__(self, url: str, *, batch_size: int = 500, linger: float = LINGER_SECONDS) -> None:
        self.engine = make_engine(url)
        create_schema(self.engine)
        self._batch_size = batch_size
        self._linger = linger
        self._queue: queue.Queue[Any] = queue.Queue()
        self._pending: dict[str, MessageRecord] = {}
        self._pending_lock = threading.Lock()
        # SQLite has one writer at a time: serialising this process's writes avoids busy waits.
        self._write_lock = threading.Lock()
        self._closed = False
        self.lost = 0
        self._writer = threading.Thread(target=self._write_loop, name="faqbot-store-writer", daemon=True)
        self._writer.start()

    # ------------------------------------------------------------------ writes
    def record_message(self, record: MessageRecord) -> None:
        """Queue a message for writing; returns at once."""
        if self._closed:
            raise RuntimeError("store is closed")
        with self._pending_lock:
            self._pending[record.message_id] = record
        self._queue.put(record)

    def add_feedback(
        self, message_id: str, rating: str, comment: str | None = None, kind: str = "resident"
    ) -> None:
        """Record feedback on a message; ``KeyError`` when no such message exists."""
        with self._pending_lock:
            pending = message_id in self._pending
        if pending or not self._message_exists(message_id):
            self.flush()
            if not self._message_exists(message_id):
                raise KeyError(message_id)
        row = {
            "message_id": message_id,
            "created_at": utcnow(),
            "rating": rating,
            "kind": kind,
            "comment": comment,
        }
        with self._write_lock, self.engine.begin() as conn:
            conn.execute(insert(feedback), row)

    def flush(self, timeout: float = 30.0) -> bool:
        """Wait until every message queued so far is written. True when it was."""
        if not self._writer.is_alive():
            return self._queue.empty()
        marker = _Flush()
        self._queue.put(marker)
        return marker.done.wait(timeout)

    def close(self, timeout: float = 30.0) -> None:
        """Write what is queued, stop the writer and release connections."""
        if self._closed:
            return
        self._closed = True
        self._queue.put(_STOP)
        self._writer.join(timeout)
        self.engine.dispose()

    def _write_loop(self) -> None:
        while True:
            item = self._queue.get()
            deadline = time.monotonic() + self._linger
            batch: list[MessageRecord] = []
            markers: list[_Flush] = []
            stop = False
            while True:
                if item is _STOP:
                    stop = True
                elif isinstance(item, _Flush):
                    markers.append(item)
                else:
                    batch.append(item)
                if stop or markers or len(batch) >= self._batch_size:
                    break
                try:
                    # Wait a little for more: one transaction per message cost ~0.4 ms of CPU each, one per
                    # four ~0.12 ms (measured). A flush or stop marker ends the wait at once.
                    item = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    break
            if batch:
                self._write_batch(batch)
            for marker in markers:
                marker.done.set()
            if stop:
                # Rows queued after the stop marker (a request racing shutdown) are still written.
                rest = [i for i in iter_queue(self._queue) if isinstance(i, MessageRecord)]
                if rest:
                    self._write_batch(rest)
                return

    def _write_batch(self, batch: list[MessageRecord]) -> None:
        for attempt in range(5):
            try:
                with self._write_lock, self.engine.begin() as conn:
                    self._upsert_sessions(conn, batch)
                    conn.execute(insert(messages), [r.row() for r in batch])
                break
            except Exception:  # a locked or unreachable database: retry, then report the loss
                if attempt == 4:
                    self.lost += len(batch)
                    log.exception("store: %d messages could not be written", len(batch))
                else:
                    time.sleep(0.2 * (attempt + 1))
        with self._pending_lock:
            for record in batch:
                self._pending.pop(record.message_id, None)

    def _upsert_sessions(self, conn: Any, batch: list[MessageRecord]) -> None:
        per_session: dict[str, dict[str, Any]] = {}
        for r in batch:
            row = per_session.setdefault(
                r.session_id,
                {"id": r.session_id, "channel": r.channel, "created_at": r.created_at, "message_count": 0},
            )
            row["last_active_at"] = max(row.get("last_active_at", r.created_at), r.created_at)
            row["message_count"] += 1
        conn.execute(_session_upsert(conn.dialect.name), list(per_session.values()))

    # ------------------------------------------------------------------ reads
    def _message_exists(self, message_id: str) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(select(messages.c.id).where(messages.c.id == message_id)).first() is not None

    def recent_turns(
        self, session_id: str, limit: int = 6, since: dt.datetime | None = None
    ) -> list[StoredTurn]:
        """The last ``limit`` exchanges of a session (oldest first), including rows not yet written."""
        query = select(
            messages.c.id,
            messages.c.question,
            messages.c.rewritten_question,
            messages.c.answer,
            messages.c.citations,
            messages.c.created_at,
        ).where(messages.c.session_id == session_id)
        if since is not None:
            query = query.where(messages.c.created_at >= since)
        query = query.order_by(messages.c.created_at.desc()).limit(limit)
        # Queued rows first, then the database: the writer drops a row from the queue only after committing
        # it, so read in this order a row is seen in one place or both, never in neither (read the other
        # way round, a turn being committed meanwhile vanished and the follow-up lost its context).
        with self._pending_lock:
            pending = [p for p in self._pending.values() if p.session_id == session_id]
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        turns = {
            r.id: StoredTurn(
                r.question,
                r.rewritten_question,
                r.answer,
                tuple(dict.fromkeys(c.get("doc_id", "") for c in (r.citations or []) if c.get("doc_id"))),
                r.created_at,
            )
            for r in rows
        }
        for p in pending:
            if since is None or p.created_at >= since:
                turns[p.message_id] = StoredTurn(
                    p.question, p.rewritten_question, p.answer, p.doc_ids, p.created_at
                )
        ordered = sorted(turns.values(), key=lambda t: t.created_at)
        return ordered[-limit:]

    def counts(self) -> dict[str, int]:
        """Rows per table (after writing what is queued)."""
        self.flush()
        with self.engine.connect() as conn:
            return {
                name: int(conn.execute(select(func.count()).select_from(table)).scalar_one())
                for name, table in (("sessions", sessions), ("messages", messages), ("feedback", feedback))
            }

    def stats(self, top: int = 10) -> dict[str, Any]:
        """Volumes, declined rate, top questions, top declined questions and feedback counts."""
        self.flush(timeout=5.0)
        with self.engine.connect() as conn:
            total = int(conn.execute(select(func.count()).select_from(messages)).scalar_one())
            declined = int(
                conn.execute(
                    select(func.count()).select_from(messages).where(messages.c.answered.is_(False))
                ).scalar_one()
            )
            day_ago = utcnow() - dt.timedelta(days=1)
            last_24h = int(
                conn.execute(
                    select(func.count()).select_from(messages).where(messages.c.created_at >= day_ago)
                ).scalar_one()
            )
            session_count = int(conn.execute(select(func.count()).select_from(sessions)).scalar_one())
            by_channel = conn.execute(
                select(
                    messages.c.channel, func.count(), func.sum(messages.c.answered.cast(Integer))
                ).group_by(messages.c.channel)
            ).all()
            by_mode = conn.execute(select(messages.c.mode, func.count()).group_by(messages.c.mode)).all()

            def top_questions(only_declined: bool) -> list[dict[str, Any]]:
                count = func.count().label("n")
                q = select(messages.c.question, count).group_by(messages.c.question)
                if only_declined:
                    q = q.where(messages.c.answered.is_(False))
                rows = conn.execute(q.order_by(count.desc(), messages.c.question).limit(top)).all()
                return [{"question": r.question, "count": int(r.n)} for r in rows]

            ratings: dict[str, int] = {
                str(r): int(n)
                for r, n in conn.execute(select(feedback.c.rating, func.count()).group_by(feedback.c.rating))
            }
            kinds = conn.execute(select(feedback.c.kind, func.count()).group_by(feedback.c.kind)).all()
            return {
                "messages": total,
                "messages_last_24h": last_24h,
                "sessions": session_count,
                "answered": total - declined,
                "declined": declined,
                "declined_rate": round(declined / total, 4) if total else 0.0,
                "by_channel": {
                    ch: {"messages": int(n), "declined": int(n) - int(a or 0)} for ch, n, a in by_channel
                },
                "by_mode": {mode: int(n) for mode, n in by_mode},
                "top_questions": top_questions(False),
                "top_declined_questions": top_questions(True),
                "feedback": {
                    "up": ratings.get("up", 0),
                    "down": ratings.get("down", 0),
                    "by_kind": {k: int(n) for k, n in kinds},
                },
            }

    def purge(self, retention_days: int, now: dt.datetime | None = None) -> PurgeReport:
        """Delete messages (and their feedback) older than ``retention_days``, then sessions left empty."""
        self.flush()
        cutoff = (now or utcnow()) - dt.timedelta(days=retention_days)
        old_messages = select(messages.c.id).where(messages.c.created_at < cutoff)
        with self._write_lock, self.engine.begin() as conn:
            n_feedback = conn.execute(
                delete(feedback).where(
                    (feedback.c.message_id.in_(old_messages)) | (feedback.c.created_at < cutoff)
                )
            ).rowcount
            n_messages = conn.execute(delete(messages).where(messages.c.created_at < cutoff)).rowcount
            live = select(messages.c.session_id).distinct()
            n_sessions = conn.execute(
                delete(sessions).where(sessions.c.last_active_at < cutoff, sessions.c.id.not_in(live))
            ).rowcount
        return PurgeReport(cutoff, int(n_sessions or 0), int(n_messages or 0), int(n_feedback or 0))


def create_schema(engine: Engine, attempts: int = 5) -> None:
    """Create missing tables. ``faqbot serve --workers N`` starts N processes on one new database at once:
    each sees no table, one creates them, and the others' CREATE TABLE fails ("already exists"; 14 of 15
    two-process starts measured). The loser looks again and finds the tables there."""
    for attempt in range(attempts):
        try:
            metadata.create_all(engine)
            return
        except DBAPIError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1))


@functools.cache
def _session_upsert(dialect: str) -> Any:
    """Insert sessions, or add to their message count; built once (building it per batch was ~10 % of a
    server's CPU at one question per batch)."""
    stmt = upsert_into(sessions, dialect)
    return stmt.on_conflict_do_update(
        index_elements=[sessions.c.id],
        set_={
            "last_active_at": stmt.excluded.last_active_at,
            "message_count": sessions.c.message_count + stmt.excluded.message_count,
        },
    )


def iter_queue(q: queue.Queue[Any]) -> Iterable[Any]:
    """Everything left in ``q`` without blocking."""
    while True:
        try:
            yield q.get_nowait()
        except queue.Empty:
            return
