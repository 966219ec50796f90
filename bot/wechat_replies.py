"""WeChat's 5-second rule: one computation per message, retries share it, late answers still arrive.

WeChat drops a request it has no reply to after 5 s and delivers the same message again, three
deliveries in all; a reply of ``success`` stops the retries. So:

* every delivery of one message (same MsgId; events: sender + CreateTime) waits on the same
  asyncio task, and the chain runs once;
* with the customer-service API available (AppSecret set) a delivery waits at most the reply
  deadline (4.5 s), then answers ``success`` and the answer is pushed once it is ready;
* without it, the first deliveries wait past WeChat's 5 s on purpose, so WeChat retries and a
  retry can still carry the answer; the last delivery answers at the deadline with a short
  "reply anything to get the answer" notice, and the resident's next message gets the answer.

This book lives in one process. Across processes (``faqbot serve --workers N``, replicas on one database)
``bot.wechat_shared`` lets only the first process to receive a message compute it; a retry that reaches
another process waits for the reply it stores. A late answer is pushed or picked up by the process that
computed it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from bot.types import Answer
from bot.wechat_render import PENDING, pickup_header, render_answer

log = logging.getLogger("faqbot.wechat")

WECHAT_TIMEOUT = 5.0  # WeChat gives up on a delivery after this many seconds
REPLY_DEADLINE = 4.5  # reply by then, leaving time for the bytes to reach WeChat
DELIVERIES = 3  # WeChat delivers a message at most this many times
HOLD_PAST_TIMEOUT = 0.5  # how long past WeChat's timeout a non-final delivery waits


@dataclass(frozen=True)
class Reply:
    """What one message gets back: ``text`` (None means answer ``success``) and, for a question,
    the Answer and question it was rendered from (a late delivery re-renders it with a header)."""

    text: str | None
    answer: Answer | None = None
    question: str = ""


@dataclass
class _Pending:
    task: asyncio.Task[Reply]
    openid: str
    created: float = field(default_factory=time.monotonic)
    deliveries: int = 0
    late: str = ""  # "" | "push" (customer-service API) | "pickup" (on the next message)


Compute = Callable[[], Coroutine[Any, Any, Reply]]  # produces the reply of a new message
Push = Callable[[str, str], Awaitable[bool]]  # (openid, text) -> delivered?


class ReplyBook:
    """In-flight and undelivered replies of one ``/wechat`` endpoint."""

    def __init__(
        self,
        *,
        widget_url: str | None = None,
        deadline: float = REPLY_DEADLINE,
        hold: float = WECHAT_TIMEOUT + HOLD_PAST_TIMEOUT,
        keep_seconds: float = 900.0,
        pickup_seconds: float = 1800.0,
        max_entries: int = 10_000,
    ) -> None:
        self.widget_url = widget_url
        self.deadline = deadline
        self.hold = hold
        self.keep_seconds = keep_seconds
        self.pickup_seconds = pickup_seconds
        self.max_entries = max_entries
        self._entries: OrderedDict[str, _Pending] = OrderedDict()
        self._pickups: dict[str, _Pending] = {}
        self._background: set[asyncio.Task[None]] = set()
        self.retries = 0  # deliveries that found their message already in flight or answered
        self.pushed = 0
        self.picked_up = 0

    def has_pickup(self, openid: str) -> bool:
        entry = self._pickups.get(openid)
        return entry is not None and time.monotonic() - entry.created < self.pickup_seconds

    async def reply(
        self,
        key: str,
        openid: str,
        compute: Compute,
        *,
        arrived: float,
        push: Push | None = None,
        pick_up: bool = True,
    ) -> str | None:
        """The reply text for one delivery of message ``key`` (None: answer ``success``).

        ``compute`` runs only for the first delivery of ``key``; ``arrived`` is when this
        delivery reached us (``time.monotonic()``), so time spent before counts against the deadline.
        With ``pick_up`` (messages, not events) a resident owed an earlier answer gets that instead.
        """
        entry = self._entries.get(key)
        if entry is None:
            if pick_up and self.has_pickup(openid):
                compute = self._pickup(self._pickups.pop(openid))
            entry = _Pending(asyncio.create_task(compute()), openid)
            self._entries[key] = entry
            self._prune()
        else:
            self.retries += 1
        entry.deliveries += 1
        if entry.late == "push":
            return None  # WeChat was told "success"; the answer goes by the customer-service API
        final = entry.deliveries >= DELIVERIES
        budget = self.deadline if (push is not None or final) else self.hold
        remaining = budget - (time.monotonic() - arrived)
        try:
            outcome = await asyncio.wait_for(asyncio.shield(entry.task), max(remaining, 0.0))
        except TimeoutError:
            return self._too_late(entry, final, push)
        if entry.late == "pickup" and time.monotonic() - arrived < WECHAT_TIMEOUT:
            # A delivery WeChat still waits for carries the answer: the next message need not.
            entry.late = ""
            if self._pickups.get(openid) is entry:
                del self._pickups[openid]
        return outcome.text

    def _too_late(self, entry: _Pending, final: bool, push: Push | None) -> str | None:
        if push is not None:
            if not entry.late:
                entry.late = "push"
                self._spawn(self._push_when_ready(entry, push))
            return None
        if final and not entry.late:
            entry.late = "pickup"
            self._pickups[entry.openid] = entry
        # Early deliveries: WeChat has already given up, so this text is never shown. If it
        # were, it would tell the resident the same thing the last delivery does.
        return PENDING

    def _pickup(self, earlier: _Pending) -> Compute:
        """The next message of a resident who is owed an answer gets that answer."""

        async def deliver() -> Reply:
            outcome = await earlier.task
            self.picked_up += 1
            if outcome.answer is None:
                return outcome
            header = pickup_header(outcome.question)
            return Reply(
                render_answer(outcome.answer, self.widget_url, header=header),
                outcome.answer,
                outcome.question,
            )

        return deliver

    async def _push_when_ready(self, entry: _Pending, push: Push) -> None:
        outcome = await entry.task
        if outcome.text is None:
            return
        delivered = False
        try:
            delivered = await push(entry.openid, outcome.text)
        except Exception:  # noqa: BLE001 - an API failure must not lose the answer
            log.exception("customer-service message to %s failed", entry.openid)
        if delivered:
            self.pushed += 1
        else:
            entry.late = "pickup"
            self._pickups[entry.openid] = entry

    def _spawn(self, coro: Awaitable[None]) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def _prune(self) -> None:
        now = time.monotonic()
        while self._entries:
            key, oldest = next(iter(self._entries.items()))
            expired = now - oldest.created > self.keep_seconds
            if not (expired or len(self._entries) > self.max_entries) or not oldest.task.done():
                break
            del self._entries[key]
        for openid in [o for o, e in self._pickups.items() if now - e.created > self.pickup_seconds]:
            del self._pickups[openid]
