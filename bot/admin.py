"""Keeping the served index current: admin reindex, and a watcher that follows ``index/CURRENT``.

Hot swap without failed requests: ingest writes a new index version next to the old one (in a
worker thread, while questions keep being answered from the old one), then ``chain.reload()``
swaps it in; requests already running finish on the old index. The watcher makes every worker
process (``--workers N``) and every replica sharing the data dir pick up a new version, whether it
came from the admin endpoint or from ``faqbot ingest`` run next to the server.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.concurrency import run_in_threadpool

from bot import heap
from bot.config import Settings
from bot.conversations import ConversationService
from bot.deps import AdminKey, ServiceDep, SettingsDep
from bot.errors import FaqBotError
from bot.http_errors import AUTH_RESPONSES, ERROR_RESPONSES, ApiError
from bot.index import current_version

log = logging.getLogger("faqbot.admin")

router = APIRouter(
    prefix="/api/v1/admin",
    tags=["admin"],
    dependencies=[AdminKey],
    responses={**AUTH_RESPONSES, **ERROR_RESPONSES},
)

# One reindex or reload at a time per process.
_index_lock = threading.Lock()


def load_chain_into(service: ConversationService, settings: Settings) -> None:
    """Build the chain (index + embedder + FAQ) and start answering with it; record why when it cannot."""
    from bot.chain import build_chain

    started = time.perf_counter()
    try:
        with heap.paused():
            chain = build_chain(settings)
    except FaqBotError as exc:
        service.fail_loading(str(exc))
        log.error("index not loaded: %s", exc)
        return
    except Exception as exc:  # a broken index file must not kill the server: /readyz says why
        service.fail_loading(f"the index could not be loaded: {exc}")
        log.exception("index not loaded")
        return
    service.attach_chain(chain)
    heap.settle()
    log.info(
        "index loaded",
        extra={
            "fields": {
                "index_version": chain.index_version,
                "seconds": round(time.perf_counter() - started, 2),
            }
        },
    )


def reload_if_changed(service: ConversationService, settings: Settings, trigger: str = "watch") -> str | None:
    """Swap in the version ``index/CURRENT`` names, when it differs from the one being served."""
    version = current_version(settings.index_dir)
    if version is None:
        return None
    if not _index_lock.acquire(blocking=False):
        return None
    try:
        if service.chain is None:
            if service.load_error is not None:
                load_chain_into(service, settings)
            return service.index_version()
        if version == service.chain.index_version:
            return version
        loaded = service.chain.reload()
        heap.settle()
        service.metrics.set_index(loaded)
        service.metrics.reloads.labels(trigger=trigger).inc()
        log.info("index swapped", extra={"fields": {"index_version": loaded, "trigger": trigger}})
        return loaded
    except Exception:
        log.exception("index reload failed; still serving %s", service.index_version())
        return None
    finally:
        _index_lock.release()


class IndexWatcher:
    """Polls ``index/CURRENT`` every ``interval`` seconds (a tiny file read) in a daemon thread."""

    def __init__(self, app: FastAPI, interval: float) -> None:
        self.app = app
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="faqbot-index-watcher", daemon=True)

    def start(self) -> None:
        if self.interval > 0:
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            service = getattr(self.app.state, "service", None)
            if service is not None and (service.chain is not None or service.load_error is not None):
                reload_if_changed(service, self.app.state.settings)


def _reindex(service: ConversationService, settings: Settings) -> dict[str, Any]:
    from bot.service import ingest_paths

    if not _index_lock.acquire(blocking=False):
        raise ApiError(
            409, "reindex_in_progress", "索引正在更新，请稍后再试。", "A reindex is already running."
        )
    try:
        previous = service.index_version()
        started = time.perf_counter()
        result = ingest_paths(settings)
        if result.fatal:
            raise ApiError(422, "ingest_failed", "知识库文章无法读取，索引没有改变。", result.fatal)
        if service.chain is None:
            load_chain_into(service, settings)
            version = service.index_version()
        else:
            version = service.chain.reload()
            if version != previous:
                heap.settle()
            service.metrics.set_index(version)
        service.metrics.reloads.labels(trigger="admin").inc()
        report = result.report
        log.info("reindexed", extra={"fields": {"index_version": version, "previous_version": previous}})
        return {
            "version": version,
            "previous_version": previous,
            "documents": len(result.documents),
            "added": report.added,
            "updated": report.updated,
            "removed": report.removed,
            "unchanged": report.unchanged,
            "chunks": report.chunks,
            "errors": [{"path": e.path, "reason": e.reason} for e in result.errors],
            "seconds": round(time.perf_counter() - started, 2),
        }
    finally:
        _index_lock.release()


@router.post(
    "/reindex",
    summary="重建索引并热切换 / Re-ingest and hot-swap the index",
    description="重新读取知识库文章、建立新版本索引并无缝切换；进行中的请求在旧索引上完成。"
    " / Re-reads the knowledge files, builds a new index version and swaps it in; requests in flight finish on the old one.",
)
async def reindex(service: ServiceDep, settings: SettingsDep) -> dict[str, Any]:
    return await run_in_threadpool(_reindex, service, settings)


@router.get(
    "/stats",
    summary="运行统计 / Usage statistics",
    description="提问量、未能回答的比例、热门问题、热门未答问题、反馈数。"
    " / Volumes, declined rate, top questions, top declined questions, feedback counts.",
)
def stats(service: ServiceDep) -> dict[str, Any]:
    return service.stats()
