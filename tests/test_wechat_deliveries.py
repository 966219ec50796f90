"""The ``wechat_deliveries`` table on the default SQLite store: WeChat's deliveries counted across processes.

tests/test_store_postgres.py runs the same checks on PostgreSQL; tests/test_wechat_delivery_workers.py runs two
servers on one store.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from delivery_support import (
    check_deliveries_reaching_processes_at_once_are_counted_once_each,
    check_late_answer_is_decided_by_one_process_and_its_late_text_handed_over,
)

from bot.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(f"sqlite:///{tmp_path / 'faqbot.db'}")
    yield s
    s.close()


def test_deliveries_of_one_message_to_several_processes_at_once_are_counted_once_each(store: Store) -> None:
    check_deliveries_reaching_processes_at_once_are_counted_once_each(store.engine)


def test_late_answer_is_pushed_or_held_by_one_process_which_gets_its_late_text(store: Store) -> None:
    check_late_answer_is_decided_by_one_process_and_its_late_text_handed_over(store.engine)
