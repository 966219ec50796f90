"""The store's tables and row types (SQLAlchemy Core), and the engine with SQLite's WAL settings.

Timestamps are naive UTC everywhere: SQLite keeps no time zone, PostgreSQL gets the same values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
)
from sqlalchemy.engine import Engine, make_url

metadata = MetaData()

sessions = Table(
    "sessions",
    metadata,
    Column("id", String(128), primary_key=True),
    Column("channel", String(16), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("last_active_at", DateTime, nullable=False, index=True),
    Column("message_count", Integer, nullable=False, default=0),
)

messages = Table(
    "messages",
    metadata,
    Column("id", String(64), primary_key=True),
    Column(
        "session_id", String(128), ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    Column("created_at", DateTime, nullable=False, index=True),
    Column("channel", String(16), nullable=False),
    Column("question", Text, nullable=False),
    Column("rewritten_question", Text, nullable=False, default=""),
    Column("answer", Text, nullable=False),
    Column("answered", Boolean, nullable=False),
    Column("mode", String(16), nullable=False),
    Column("topic", String(64)),
    Column("citations", JSON, nullable=False),
    Column("latency_ms", Float, nullable=False),
    Column("index_version", String(64), nullable=False, default=""),
)

feedback = Table(
    "feedback",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "message_id", String(64), ForeignKey("messages.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    Column("created_at", DateTime, nullable=False, index=True),
    Column("rating", String(8), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("comment", Text),
)


# One row per WeChat message (its dedupe key): the process that inserts it first computes the reply, every
# other worker or replica that receives a retry of the message waits for the reply to appear here.
wechat_replies = Table(
    "wechat_replies",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("created_at", DateTime, nullable=False, index=True),
    Column("done", Boolean, nullable=False, default=False),
    Column("reply", Text),  # NULL when done: the message is answered with "success"
)

# A late answer owed to a resident, delivered with their next message by whichever process receives it. The
# process whose last delivery of the message ran out of time inserts the row (key = that message's dedupe key)
# and fills ``reply`` once the answer is ready; the process that marks it ``taken`` delivers it, once.
wechat_pickups = Table(
    "wechat_pickups",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("openid", String(128), nullable=False, index=True),
    Column("created_at", DateTime, nullable=False, index=True),
    Column("holder", String(64), nullable=False),  # the process that computes the answer
    Column("taken", Boolean, nullable=False, default=False),
    Column("done", Boolean, nullable=False, default=False),
    Column("reply", Text),
)

# One row per WeChat message seen by any process: WeChat's deliveries of it counted across workers, so the one
# that receives the last delivery knows it is the last. ``late`` is what was decided when a delivery ran out of
# time ("" none yet, "push" customer-service API, "pickup" next message), set by one process only; the process
# computing the answer leaves ``late_reply`` (the answer with its "您刚才问" header) for whoever holds it.
wechat_deliveries = Table(
    "wechat_deliveries",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("created_at", DateTime, nullable=False, index=True),
    Column("deliveries", Integer, nullable=False, default=1),
    Column("late", String(8), nullable=False, default=""),
    Column("late_ready", Boolean, nullable=False, default=False),
    Column("late_reply", Text),  # NULL when ready: the message is answered with "success"
)


def utcnow() -> dt.datetime:
    """Naive UTC: SQLite keeps no time zone, so every timestamp in the store is UTC without one."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


@dataclass
class MessageRecord:
    """One question and its answer as stored. Text fields are already redacted."""

    message_id: str
    session_id: str
    channel: str
    question: str
    answer: str
    answered: bool
    mode: str
    rewritten_question: str = ""
    topic: str | None = None
    citations: list[dict[str, Any]] = field(default_factory=list)
    latency_ms: float = 0.0
    index_version: str = ""
    created_at: dt.datetime = field(default_factory=utcnow)

    @property
    def doc_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(str(c.get("doc_id", "")) for c in self.citations if c.get("doc_id")))

    def row(self) -> dict[str, Any]:
        return {
            "id": self.message_id,
            "session_id": self.session_id,
            "created_at": self.created_at,
            "channel": self.channel,
            "question": self.question,
            "rewritten_question": self.rewritten_question,
            "answer": self.answer,
            "answered": self.answered,
            "mode": self.mode,
            "topic": self.topic,
            "citations": self.citations,
            "latency_ms": self.latency_ms,
            "index_version": self.index_version,
        }


@dataclass(frozen=True)
class StoredTurn:
    """An earlier exchange of a session, oldest first in ``recent_turns``."""

    question: str
    rewritten_question: str
    answer: str
    doc_ids: tuple[str, ...]
    created_at: dt.datetime


@dataclass(frozen=True)
class PurgeReport:
    cutoff: dt.datetime
    sessions: int
    messages: int
    feedback: int


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite files get WAL, a busy timeout and their parent folder created."""
    if url.startswith("sqlite"):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def upsert_into(table: Table, dialect: str) -> Any:
    """An INSERT that takes ``ON CONFLICT`` clauses, for the two databases the store supports."""
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(table)
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table)
    raise RuntimeError(f"unsupported database {dialect}: use SQLite or PostgreSQL")
