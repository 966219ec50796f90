"""The conversation store on a real SQLite file: nothing lost under concurrency, history, stats, retention."""

from __future__ import annotations

import datetime as dt
import json
import threading
import uuid
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import Settings
from bot.store import MessageRecord, Store, utcnow


def _record(
    session: str, question: str = "门诊能报销吗", *, answered: bool = True, when: dt.datetime | None = None
) -> MessageRecord:
    return MessageRecord(
        message_id=uuid.uuid4().hex,
        session_id=session,
        channel="web",
        question=question,
        answer="可以报销[1]。" if answered else "抱歉，知识库里没有这个问题的答案。",
        answered=answered,
        mode="extractive" if answered else "declined",
        citations=[
            {"n": 1, "doc_id": "cc-medical-outpatient", "title": "t", "date": "2023-01-03", "quote": "q"}
        ]
        if answered
        else [],
        latency_ms=12.5,
        index_version="v1",
        created_at=when or utcnow(),
    )


@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    s = Store(f"sqlite:///{tmp_path / 'faqbot.sqlite3'}")
    yield s
    s.close()


def test_concurrent_messages_and_feedback_are_all_stored(store: Store) -> None:
    errors: list[BaseException] = []

    def resident(i: int) -> None:
        try:
            for j in range(10):
                rec = _record(f"s{i}", f"问题{j}")
                store.record_message(rec)
                store.add_feedback(rec.message_id, "up" if j % 2 else "down")
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=resident, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert store.counts() == {"sessions": 20, "messages": 200, "feedback": 200}
    assert store.lost == 0


def test_close_writes_every_queued_message(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    first = Store(url)
    for i in range(300):
        first.record_message(_record(f"s{i % 7}"))
    first.close()
    again = Store(url)
    try:
        assert again.counts()["messages"] == 300
    finally:
        again.close()


def test_follow_up_sees_previous_turn_even_before_it_is_written(store: Store) -> None:
    store.record_message(_record("s1", "职工医保门诊共济什么时候开始"))
    store.record_message(_record("s1", "那退休人员呢"))
    store.record_message(_record("other", "燃气公司电话"))
    turns = store.recent_turns("s1")
    assert [t.question for t in turns] == ["职工医保门诊共济什么时候开始", "那退休人员呢"]
    assert turns[0].doc_ids == ("cc-medical-outpatient",)
    store.flush()
    assert [t.question for t in store.recent_turns("s1", limit=1)] == ["那退休人员呢"]


def test_history_older_than_idle_cutoff_is_left_out(store: Store) -> None:
    store.record_message(_record("s1", "昨天的问题", when=utcnow() - dt.timedelta(hours=5)))
    store.record_message(_record("s1", "刚才的问题"))
    recent = store.recent_turns("s1", since=utcnow() - dt.timedelta(minutes=30))
    assert [t.question for t in recent] == ["刚才的问题"]


def test_feedback_on_unknown_message_is_refused(store: Store) -> None:
    with pytest.raises(KeyError):
        store.add_feedback("no-such-message", "up")
    assert store.counts()["feedback"] == 0


def test_stats_show_declined_rate_and_top_questions(store: Store) -> None:
    for _ in range(3):
        store.record_message(_record("a", "门诊能报销吗"))
    for _ in range(2):
        store.record_message(_record("b", "今天天气怎么样", answered=False))
    rec = _record("c", "燃气漏了怎么办")
    store.record_message(rec)
    store.add_feedback(rec.message_id, "down", kind="knowledge_gap")
    stats = store.stats()
    assert stats["messages"] == 6
    assert stats["declined"] == 2
    assert stats["declined_rate"] == pytest.approx(2 / 6, abs=1e-3)
    assert stats["top_questions"][0] == {"question": "门诊能报销吗", "count": 3}
    assert stats["top_declined_questions"] == [{"question": "今天天气怎么样", "count": 2}]
    assert stats["feedback"]["down"] == 1
    assert stats["feedback"]["by_kind"] == {"knowledge_gap": 1}
    assert stats["by_channel"]["web"]["declined"] == 2


def test_purge_deletes_only_conversations_older_than_retention(store: Store) -> None:
    old = _record("old-session", when=utcnow() - dt.timedelta(days=200))
    new = _record("new-session")
    store.record_message(old)
    store.record_message(new)
    store.add_feedback(old.message_id, "up")
    store.add_feedback(new.message_id, "up")
    report = store.purge(180)
    assert (report.messages, report.feedback, report.sessions) == (1, 1, 1)
    assert store.counts() == {"sessions": 1, "messages": 1, "feedback": 1}
    assert [t.question for t in store.recent_turns("new-session")] == ["门诊能报销吗"]


def test_purge_command_applies_retention_days(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = Settings()
    store = Store(settings.resolved_database_url)
    store.record_message(_record("old", when=utcnow() - dt.timedelta(days=40)))
    store.record_message(_record("new", when=utcnow() - dt.timedelta(days=10)))
    store.close()
    assert main(["purge", "--days", "30", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["deleted"] == {"sessions": 1, "messages": 1, "feedback": 0}
    again = Store(settings.resolved_database_url)
    try:
        assert again.counts()["messages"] == 1
    finally:
        again.close()


def test_sqlite_store_runs_in_wal_mode(store: Store) -> None:
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
