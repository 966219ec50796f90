"""Old rows of the WeChat tables are deleted, once in a while: they are read by key only, so they just take room.
Real SQLite store, real tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.store import Store
from bot.store_schema import utcnow, wechat_replies
from bot.wechat_shared import Pruner


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(f"sqlite:///{tmp_path / 'faqbot.db'}")
    yield s
    s.close()


def _keys(store: Store) -> set[str]:
    with store.engine.connect() as conn:
        return {row.key for row in conn.execute(select(wechat_replies.c.key))}


def _insert(store: Store, key: str, age: dt.timedelta) -> None:
    with store.engine.begin() as conn:
        conn.execute(wechat_replies.insert().values(key=key, created_at=utcnow() - age, done=True, reply="好"))


def test_rows_older_than_the_cutoff_go_and_pruning_waits_between_runs(store: Store) -> None:
    _insert(store, "old", dt.timedelta(hours=2))
    _insert(store, "young", dt.timedelta(minutes=5))
    prune = Pruner(store.engine, wechat_replies)
    prune(utcnow() - dt.timedelta(hours=1))
    assert _keys(store) == {"young"}
    _insert(store, "old-again", dt.timedelta(hours=3))
    prune(utcnow() - dt.timedelta(hours=1))
    assert _keys(store) == {"young", "old-again"}, "a second run within PRUNE_EVERY_SECONDS does nothing"
