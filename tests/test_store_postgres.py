"""The same store on PostgreSQL (FAQBOT_DATABASE_URL): a throwaway cluster started by the test itself.

Needs PostgreSQL's server programs (Debian: ``apt-get install postgresql``) and psycopg (dev extra).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import free_port

from bot.store import MessageRecord, Store, utcnow

PG_BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def _pg_program(name: str) -> str:
    for folder in PG_BIN_DIRS:
        if (folder / name).is_file():
            return str(folder / name)
    found = shutil.which(name)
    assert found, f"PostgreSQL's {name} is not installed: apt-get install postgresql"
    return found


def _as_db_user(cmd: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root; as root, run it as the postgres system user."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    # Not under pytest's tmp dir: its parents are private to the test user, and the server runs as postgres.
    root = Path(tempfile.mkdtemp(prefix="faqbot-pg-"))
    data, sockets = root / "data", root / "sockets"
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sockets, "postgres")
    subprocess.run(
        _as_db_user(
            [_pg_program("initdb"), "-D", str(data), "-U", "faqbot", "-A", "trust", "-E", "UTF8", "--no-sync"]
        ),
        check=True,
        capture_output=True,
    )
    port = free_port()
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        _as_db_user(
            [_pg_program("pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "start"]
        ),
        check=True,
        capture_output=True,
    )
    try:
        subprocess.run(
            _as_db_user(
                [_pg_program("createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "faqbot", "faqbot"]
            ),
            check=True,
            capture_output=True,
        )
        yield f"postgresql+psycopg://faqbot@127.0.0.1:{port}/faqbot"
    finally:
        subprocess.run(
            _as_db_user([_pg_program("pg_ctl"), "-D", str(data), "-m", "fast", "stop"]), capture_output=True
        )
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def store(postgres_url: str) -> Iterator[Store]:
    s = Store(postgres_url)
    with s.engine.begin() as conn:
        conn.exec_driver_sql("TRUNCATE feedback, messages, sessions")
    yield s
    s.close()


def _record(
    session: str, question: str, *, answered: bool = True, when: dt.datetime | None = None
) -> MessageRecord:
    return MessageRecord(
        message_id=uuid.uuid4().hex,
        session_id=session,
        channel="wechat",
        question=question,
        answer="可以[1]。" if answered else "抱歉。",
        answered=answered,
        mode="extractive" if answered else "declined",
        citations=[
            {
                "n": 1,
                "doc_id": "gas-new-year-eve",
                "title": "跨年夜里的坚守",
                "date": "2023-01-03",
                "quote": "q",
            }
        ]
        if answered
        else [],
        created_at=when or utcnow(),
    )


def test_concurrent_messages_and_feedback_are_all_stored_in_postgres(store: Store) -> None:
    def resident(i: int) -> None:
        for j in range(10):
            rec = _record(f"wechat:openid-{i}", f"问题{j}")
            store.record_message(rec)
            store.add_feedback(rec.message_id, "up")

    threads = [threading.Thread(target=resident, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.counts() == {"sessions": 20, "messages": 200, "feedback": 200}
    assert store.lost == 0


def test_history_stats_and_purge_work_on_postgres(store: Store) -> None:
    store.record_message(_record("s1", "辽源液化气灌装站跨年那天从几点开始忙？"))
    time.sleep(0.01)
    store.record_message(_record("s1", "那个站一天灌了多少瓶？"))
    store.record_message(_record("s2", "今天天气怎么样", answered=False))
    store.record_message(_record("old", "去年的问题", when=utcnow() - dt.timedelta(days=400)))
    assert [t.question for t in store.recent_turns("s1")] == [
        "辽源液化气灌装站跨年那天从几点开始忙？",
        "那个站一天灌了多少瓶？",
    ]
    assert store.recent_turns("s1")[0].doc_ids == ("gas-new-year-eve",)
    stats = store.stats()
    assert stats["messages"] == 4 and stats["declined"] == 1
    assert stats["top_declined_questions"] == [{"question": "今天天气怎么样", "count": 1}]
    report = store.purge(180)
    assert (report.messages, report.sessions) == (1, 1)
    assert store.counts()["messages"] == 3
    with pytest.raises(KeyError):
        store.add_feedback("no-such-message", "down")


def test_wechat_reply_is_claimed_by_one_process_and_read_by_the_others(postgres_url: str) -> None:
    """The table that keeps WeChat retries on other workers from being answered twice, on PostgreSQL."""
    from bot.wechat_shared import SharedReplies

    store = Store(postgres_url)
    try:
        owner, other = SharedReplies(store.engine), SharedReplies(store.engine)
        key = f"msg:o6_test:{uuid.uuid4().hex}"
        assert owner.claim(key) and not other.claim(key)
        assert other.fetch(key) == (False, None)
        owner.publish(key, "答案")
        assert other.fetch(key) == (True, "答案")
        success = f"evt:o6_test:{uuid.uuid4().hex}"
        assert owner.claim(success)
        owner.publish(success, None)  # answered with "success"
        assert other.fetch(success) == (True, None)
    finally:
        store.close()


def test_wechat_late_answer_is_held_once_and_taken_by_one_process(postgres_url: str) -> None:
    """The table that lets any worker deliver a late WeChat answer with the resident's next message."""
    from pickup_support import (
        check_late_answer_is_taken_by_one_process,
        check_newer_late_answer_replaces_older_and_old_ones_expire,
    )

    store = Store(postgres_url)
    try:
        check_late_answer_is_taken_by_one_process(store.engine)
        check_newer_late_answer_replaces_older_and_old_ones_expire(store.engine)
    finally:
        store.close()


def test_wechat_deliveries_are_counted_and_the_late_answer_decided_once(postgres_url: str) -> None:
    """The table that tells whichever worker receives WeChat's last delivery of a message that it is the last."""
    from delivery_support import (
        check_deliveries_reaching_processes_at_once_are_counted_once_each,
        check_late_answer_is_decided_by_one_process_and_its_late_text_handed_over,
        check_only_the_latest_delivery_claims_the_reply_and_then_nobody_pushes,
    )

    store = Store(postgres_url)
    try:
        check_deliveries_reaching_processes_at_once_are_counted_once_each(store.engine)
        check_late_answer_is_decided_by_one_process_and_its_late_text_handed_over(store.engine)
        check_only_the_latest_delivery_claims_the_reply_and_then_nobody_pushes(store.engine)
    finally:
        store.close()
