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
another process waits for the reply it stores. With a shared store, deliveries are counted in the database
(``bot.wechat_deliveries``, ``deliveries``): a process counting only the deliveries it receives would never see
the third when they are spread over workers. The process whose delivery runs out of time first (push) or whose
delivery is the last (pickup) records that decision there, and only that process pushes or holds the answer. A
retry that gets the answer in time while being the latest delivery claims it there first ("reply"), so that no
process pushes it as well; one that gets it after a push was decided answers ``success``.
An answer owed for pickup is held in the database (``bot.wechat_pickups``, ``shared``), so whichever process
receives the resident's next message delivers it, once; without a shared store it waits in this book.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

import anyio

from bot.types import Answer
from bot.wechat_deliveries import Arrival, SharedDeliveries
from bot.wechat_pickups import SharedPickups, Taken
from bot.wechat_render import BUSY, PENDING, pickup_header, render_answer
from bot.wechat_shared import await_filled

log = logging.getLogger("faqbot.wechat")

WECHAT_TIMEOUT = 5.0  # WeChat gives up on a delivery after this many seconds
REPLY_DEADLINE = 4.5  # reply by then, leaving time for the bytes to reach WeChat
DELIVERIES = 3  # WeChat delivers a message at most this many times
HOLD_PAST_TIMEOUT = 0.5  # how long past WeChat's timeout a non-final delivery waits
LATE_TEXT_WAIT = 5.0  # how long a reply stored by another process may precede its late text


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
    key: str = ""
    created: float = field(default_factory=time.monotonic)
    deliveries: int = 0
    late: str = ""  # "" | "push" (customer-service API) | "pickup" (on the next message)
    shelved: asyncio.Task[None] | None = None  # holds and fills the shared pickup row


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
        self.shared: SharedPickups | None = None  # set once the store is known: pickups any process delivers
        self.deliveries: SharedDeliveries | None = None  # with it: deliveries counted across processes
        self.retries = 0  # deliveries that found their message already in flight or answered
        self.pushed = 0
        self.picked_up = 0
        self.picked_up_elsewhere = 0  # of those, answers another process computed and held in the store

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
        With ``pick_up`` (messages, not events) a resident owed an earlier answer gets that instead;
        with a shared store that choice is ``with_pickup``'s, made by the process that computes ``key``.
        """
        arrival = await self._arrive(key)
        entry = self._entries.get(key)
        if entry is None:
            if pick_up and self.shared is None and self.has_pickup(openid):
                compute = self._pickup(self._pickups.pop(openid))
            entry = _Pending(asyncio.create_task(compute()), openid, key)
            self._entries[key] = entry
            self._prune()
        else:
            self.retries += 1
        entry.deliveries += 1
        if entry.late == "push" or (arrival is not None and arrival.late == "push"):
            return None  # WeChat was told "success"; the answer goes by the customer-service API
        final = (arrival.count if arrival is not None else entry.deliveries) >= DELIVERIES
        budget = self.deadline if (push is not None or final) else self.hold
        remaining = budget - (time.monotonic() - arrived)
        try:
            outcome = await asyncio.wait_for(asyncio.shield(entry.task), max(remaining, 0.0))
        except TimeoutError:
            return await self._too_late(entry, final, push)
        if entry.late == "push":
            return None  # an earlier delivery here ran out of time while this one waited: the answer is pushed
        if push is not None and arrival is not None and arrival.count > 1 and not await self._claim(key, arrival):
            return None  # another process ran out of time first and pushes the answer
        if entry.late == "pickup" and time.monotonic() - arrived < WECHAT_TIMEOUT:
            # A delivery WeChat still waits for carries the answer: the next message need not.
            entry.late = ""
            if self._pickups.get(openid) is entry:
                del self._pickups[openid]
            if entry.shelved is not None and self.shared is not None:
                self._spawn(self._withdraw(self.shared, entry.key, entry.shelved))
        return outcome.text

    async def _arrive(self, key: str) -> Arrival | None:
        """This delivery counted in the shared store; None without one (the entry counts in this process)."""
        if self.deliveries is None:
            return None
        try:
            return await anyio.to_thread.run_sync(self.deliveries.arrive, key)
        except Exception:  # noqa: BLE001 - the store is down: count this process's deliveries only
            log.exception("wechat: could not count a delivery of %s in the store", key)
            return None

    async def _too_late(self, entry: _Pending, final: bool, push: Push | None) -> str | None:
        if push is not None:
            if not entry.late and await self._decide(entry, "push"):
                entry.late = "push"
                self._spawn(self._push_when_ready(entry, push))
            return None
        if final and not entry.late and await self._decide(entry, "pickup"):
            self._hold(entry)
        # Early deliveries: WeChat has already given up, so this text is never shown. If it
        # were, it would tell the resident the same thing the last delivery does.
        return PENDING

    async def _claim(self, key: str, arrival: Arrival) -> bool:
        """Whether this retry may carry the answer it got in time: False once another process has decided to push
        it (its delivery ran out of time before this one got the answer); otherwise no process will push it now."""
        deliveries = self.deliveries
        if deliveries is None:
            return True
        try:
            if await anyio.to_thread.run_sync(deliveries.claim_reply, key, arrival.count):
                return True
            return await anyio.to_thread.run_sync(deliveries.decision, key) != "push"
        except Exception:  # noqa: BLE001 - the store is down: reply; at worst the answer arrives twice
            log.exception("wechat: could not claim the reply to %s in the store", key)
            return True

    async def _decide(self, entry: _Pending, late: str) -> bool:
        """True when this process is the one to push or hold ``entry``'s late answer (with a shared store only
        one process is); otherwise the entry is marked as taken care of elsewhere."""
        deliveries = self.deliveries
        if deliveries is None:
            return True
        try:
            won = await anyio.to_thread.run_sync(deliveries.decide, entry.key, late)
        except Exception:  # noqa: BLE001 - the store is down: act here; at worst the answer arrives twice
            log.exception("wechat: could not record the late answer to %s in the store", entry.key)
            return True
        if not won:
            try:
                decided = await anyio.to_thread.run_sync(deliveries.decision, entry.key)
            except Exception:  # noqa: BLE001 - the store is down: assume another process acts on it
                log.exception("wechat: could not read the late decision on %s", entry.key)
                decided = late
            if decided != "reply":  # a retry that carried the answer leaves later deliveries free to carry it
                entry.late = decided  # another process pushes or holds it; deliveries here only reply
        return won

    def _pickup(self, earlier: _Pending) -> Compute:
        """The next message of a resident who is owed an answer gets that answer."""

        async def deliver() -> Reply:
            outcome = await earlier.task
            self.picked_up += 1
            return self._late_reply(outcome)

        return deliver

    def late_text(self, outcome: Reply) -> str | None:
        """``outcome`` as delivered late: the text a process holding it for pickup delivers."""
        return self._late_reply(outcome).text

    def _late_reply(self, outcome: Reply) -> Reply:
        """An answer delivered late starts with the question it answers."""
        if outcome.answer is None:
            return outcome
        header = pickup_header(outcome.question)
        return Reply(
            render_answer(outcome.answer, self.widget_url, header=header),
            outcome.answer,
            outcome.question,
        )

    def _hold(self, entry: _Pending) -> None:
        """Owe ``entry``'s answer to the resident's next message: in the shared store, or in this book."""
        entry.late = "pickup"
        if self.shared is None:
            self._pickups[entry.openid] = entry
        else:
            entry.shelved = self._spawn(self._hold_shared(self.shared, entry))

    async def _hold_shared(self, shared: SharedPickups, entry: _Pending) -> None:
        age = time.monotonic() - entry.created
        try:
            await anyio.to_thread.run_sync(shared.hold, entry.key, entry.openid, age)
        except Exception:  # noqa: BLE001 - the store is down: this process can still deliver it
            log.exception("wechat: could not hold the late answer to %s in the store", entry.key)
            if entry.late == "pickup":  # not carried by a delivery meanwhile
                self._pickups[entry.openid] = entry
            return
        try:
            text = await self._held_text(entry.key, await entry.task)
        except Exception:  # noqa: BLE001 - the process that took the row must not wait for ever
            log.exception("wechat: the late answer to %s failed", entry.key)
            text = BUSY
        try:
            await anyio.to_thread.run_sync(shared.fill, entry.key, text)
        except Exception:  # noqa: BLE001 - the process that took the row answers "busy" when it gives up
            log.exception("wechat: could not store the late answer to %s", entry.key)

    async def _held_text(self, key: str, outcome: Reply) -> str | None:
        """The late text of ``outcome``. A reply another process computed carries no Answer to render the
        header from: that process stored the late text (``SharedDeliveries.ready``) before the reply itself."""
        deliveries = self.deliveries
        if outcome.answer is not None or deliveries is None:
            return self.late_text(outcome)
        try:
            ready, text = await await_filled(functools.partial(deliveries.late_reply, key), LATE_TEXT_WAIT)
        except Exception:  # noqa: BLE001 - the store is down: the answer without its header
            log.exception("wechat: could not read the late text of %s", key)
            return outcome.text
        return text if ready else outcome.text  # the answer without its header beats no answer

    async def _withdraw(self, shared: SharedPickups, key: str, shelved: asyncio.Task[None]) -> None:
        """A delivery carried the answer after all: the next message need not (once the row exists)."""
        await shelved
        try:
            await anyio.to_thread.run_sync(shared.withdraw, key)
        except Exception:  # noqa: BLE001 - at worst the resident gets the answer once more
            log.exception("wechat: could not withdraw the late answer to %s", key)

    def with_pickup(self, openid: str, compute: Compute) -> Compute:
        """``compute`` for a new message, unless the resident is owed an earlier answer (shared store only).

        The channel runs this inside its claim of the new message (``bot.wechat_shared``), so the retries of
        that message on other processes get the same reply instead of asking the chain.
        """
        shared = self.shared
        if shared is None:
            return compute  # ``reply`` looks in this book

        async def choose() -> Reply:
            if self.has_pickup(openid):  # held here because the store failed
                return await self._pickup(self._pickups.pop(openid))()
            try:
                taken = await anyio.to_thread.run_sync(shared.take, openid)
            except Exception:  # noqa: BLE001 - the store is down: answer the message itself
                log.exception("wechat: could not look up a late answer for %s", openid)
                return await compute()
            if taken is None:
                return await compute()
            return await self._deliver_taken(shared, taken)

        return choose

    async def _deliver_taken(self, shared: SharedPickups, taken: Taken) -> Reply:
        """The held answer this process took, once its holder has filled it in."""
        done, text = taken.done, taken.reply
        if not done:
            done, text = await await_filled(functools.partial(shared.fetch, taken.key), self.keep_seconds)
            text = text if done else BUSY
        try:
            await anyio.to_thread.run_sync(shared.drop, taken.key)
        except Exception:  # noqa: BLE001 - a taken row is never delivered again; pruning removes it
            log.exception("wechat: could not drop the delivered late answer %s", taken.key)
        self.picked_up += 1
        if taken.holder != shared.token:
            self.picked_up_elsewhere += 1
        return Reply(text)

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
            self._hold(entry)

    def _spawn(self, coro: Awaitable[None]) -> asyncio.Task[None]:
        task: asyncio.Task[None] = asyncio.ensure_future(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task

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
