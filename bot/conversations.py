"""The conversation service every channel calls: validate, load history, run the chain, record, count.

One ``ConversationService`` per process lives at ``app.state.service``. The JSON API, SSE, the
OpenAI-compatible endpoint, WeChat, Gradio and the widget all go through ``ask``/``stream``, so
validation, redaction, storage and metrics are the same for every channel.

Example::

    result = service.ask("门诊费用能报销吗", session_id="wechat:o6_bmjrPTlm6_2sgVt7hMZOPfL2M", channel="wechat")
    result.answer.text, result.message_id
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import itertools
import logging
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.answer_cache import AnswerCache
from bot.errors import FaqBotError, InputError
from bot.metrics import Metrics
from bot.redact import redact
from bot.store import MessageRecord, Store, utcnow
from bot.types import Answer

if TYPE_CHECKING:
    from bot.chain import FaqChain, Turn

log = logging.getLogger("faqbot.conversations")

MAX_QUESTION_CHARS = 500
MAX_SESSION_ID_CHARS = 128
MAX_COMMENT_CHARS = 1000
HISTORY_TURNS = 6
RATINGS = ("up", "down")
FEEDBACK_KINDS = ("resident", "staff_used", "staff_wrong", "knowledge_gap")


class NotReadyError(FaqBotError):
    """The index is not loaded yet (or could not be): questions cannot be answered right now."""


@dataclass
class AskResult:
    answer: Answer
    session_id: str
    message_id: str
    latency_ms: float


def validate_question(question: object) -> str:
    """The trimmed question, or ``InputError`` when it is not 1..500 characters of text."""
    if not isinstance(question, str):
        raise InputError("问题需要是文字。", "The question must be a string.")
    text = question.strip()
    if not text:
        raise InputError("请输入您的问题。", "The question is empty: type 1 to 500 characters.")
    if len(text) > MAX_QUESTION_CHARS:
        raise InputError(
            f"问题太长了，请控制在{MAX_QUESTION_CHARS}字以内。",
            f"The question is too long: at most {MAX_QUESTION_CHARS} characters after trimming, got {len(text)}.",
        )
    return text


def validate_session_id(session_id: str | None) -> str | None:
    """Channel-chosen ids ("wechat:<openid>") are fine; they must be short printable text."""
    if session_id is None:
        return None
    if not isinstance(session_id, str) or not session_id.strip():
        return None
    if len(session_id) > MAX_SESSION_ID_CHARS or not session_id.isprintable():
        raise InputError(
            "会话编号无效，请重新开始对话。",
            f"session_id must be printable text of at most {MAX_SESSION_ID_CHARS} characters.",
        )
    return session_id


class ConversationService:
    """Questions in, cited answers out, every exchange recorded (redacted) in the store.

    ``chain`` is ``None`` while the index loads at startup; ``ask`` waits up to ``ready_timeout``
    seconds for it, then raises ``NotReadyError`` (HTTP 503).
    """

    def __init__(
        self,
        chain: FaqChain | None,
        store: Store,
        *,
        metrics: Metrics | None = None,
        history_turns: int = HISTORY_TURNS,
        ready_timeout: float = 60.0,
        cache: AnswerCache | None = None,
        slots: int = 0,
    ) -> None:
        self.store = store
        # Questions computed at once in this process (0: no limit); the rest queue in arrival order.
        self._slots = threading.BoundedSemaphore(slots) if slots > 0 else None
        self._inline = slots == 1  # see ``answers_inline``
        self.metrics = metrics or Metrics()
        self.cache = cache if cache is not None else AnswerCache(0, 0)
        self.history_turns = history_turns
        self.ready_timeout = ready_timeout
        self.load_error: str | None = None
        self._ready = threading.Event()
        self.chain: FaqChain | None = None
        if chain is not None:
            self.attach_chain(chain)

    # ------------------------------------------------------------------ readiness
    @property
    def ready(self) -> bool:
        return self._ready.is_set()

    @property
    def answers_inline(self) -> bool:
        """Whether an endpoint on the server's event loop should compute the answer right there.

        With one slot (extractive answers, no LLM) a process computes one question at a time anyway, and
        an answer is a few ms of CPU: handing it to a worker thread only added thread switches and GIL
        hand-offs with the event loop. Measured on 2 cores, 2 workers, 32 clients, no answer cache:
        ~190 -> 355-418 requests/s. An LLM answer waits seconds on the network, so it keeps its thread;
        so does a question arriving before the index has loaded (it waits for it).
        """
        return self._inline and self.chain is not None

    def attach_chain(self, chain: FaqChain) -> None:
        """Start answering with ``chain`` (called once the index has loaded)."""
        self.chain = chain
        self.load_error = None
        self.metrics.set_index(chain.index_version)
        self.metrics.ready.set(1)
        self._ready.set()

    def fail_loading(self, reason: str) -> None:
        """The index could not be loaded; callers get ``NotReadyError`` with the reason right away."""
        self.load_error = reason
        self.metrics.ready.set(0)

    def _chain(self) -> FaqChain:
        if self.chain is None and self.load_error is None:
            self._ready.wait(self.ready_timeout)
        if self.chain is None:
            raise NotReadyError(self.load_error or "the index is still loading: try again in a few seconds.")
        return self.chain

    def index_version(self) -> str | None:
        return self.chain.index_version if self.chain is not None else None

    # ------------------------------------------------------------------ asking
    def ask(
        self,
        question: str,
        *,
        session_id: str | None = None,
        channel: str = "api",
        detail: bool = False,
        history: Sequence[Turn] | None = None,
        idle_timeout: float | None = None,
    ) -> AskResult:
        """Answer one question of a conversation and record it."""
        text = validate_question(question)
        session = validate_session_id(session_id)
        chain = self._chain()
        started = time.perf_counter()
        session, turns = self._history(session, history, idle_timeout)
        key = (chain.index_version, text, detail)
        answer = self._cached(key) if not turns else None
        if answer is None:
            with self._slot():
                answer = chain.ask(text, turns, detail=detail)
            if not turns:
                self.cache.put(key, _copy(answer))
        return self._finish(answer, text, session, channel, started, chain)

    def stream(
        self,
        question: str,
        *,
        session_id: str | None = None,
        channel: str = "api",
        detail: bool = False,
        history: Sequence[Turn] | None = None,
        idle_timeout: float | None = None,
    ) -> Iterator[str | AskResult]:
        """Answer text deltas, then the ``AskResult``. Bad input raises here, before the first delta.

        Closing the iterator early (a client that went away) stops the chain and records nothing.
        """
        text = validate_question(question)
        session = validate_session_id(session_id)
        chain = self._chain()
        return self._stream(text, session, channel, detail, history, idle_timeout, chain)

    def _stream(
        self,
        text: str,
        session_id: str | None,
        channel: str,
        detail: bool,
        history: Sequence[Turn] | None,
        idle_timeout: float | None,
        chain: FaqChain,
    ) -> Iterator[str | AskResult]:
        started = time.perf_counter()
        session, turns = self._history(session_id, history, idle_timeout)
        key = (chain.index_version, text, detail)
        cached = self._cached(key) if not turns else None
        if cached is not None:
            if cached.text:
                yield cached.text
            yield self._finish(cached, text, session, channel, started, chain)
            return
        final: Answer | None = None
        with self._slot():
            # The chain does its work before the first delta; what follows is handing out text.
            items = chain.stream(text, turns, detail=detail)
            first = next(items)
        for item in itertools.chain((first,), items):
            if isinstance(item, str):
                if item:
                    yield item
            else:
                final = item
        if final is None:  # pragma: no cover - the chain contract always ends with the Answer
            raise RuntimeError("the chain stream ended without an answer")
        if not turns:
            self.cache.put(key, _copy(final))
        yield self._finish(final, text, session, channel, started, chain)

    @contextlib.contextmanager
    def _slot(self) -> Iterator[None]:
        if self._slots is None:
            yield
            return
        with self._slots:
            yield

    def _cached(self, key: tuple[str, str, bool]) -> Answer | None:
        if not self.cache.enabled:
            return None
        answer = self.cache.get(key)
        self.metrics.answer_cache.labels(result="miss" if answer is None else "hit").inc()
        return None if answer is None else _copy(answer)

    def _history(
        self, session_id: str | None, history: Sequence[Turn] | None, idle_timeout: float | None
    ) -> tuple[str, list[Turn]]:
        if history is not None:
            return session_id or new_id(), list(history)
        if session_id is None:
            return new_id(), []
        from bot.chain import Turn

        since = utcnow() - dt.timedelta(seconds=idle_timeout) if idle_timeout else None
        stored = self.store.recent_turns(session_id, self.history_turns, since=since)
        return session_id, [
            Turn(question=t.question, rewritten=t.rewritten_question, answer=t.answer, doc_ids=t.doc_ids)
            for t in stored
        ]

    def _finish(
        self, answer: Answer, question: str, session_id: str, channel: str, started: float, chain: FaqChain
    ) -> AskResult:
        latency_ms = (time.perf_counter() - started) * 1000
        message_id = new_id()
        redacted = redact(question)
        record = MessageRecord(
            message_id=message_id,
            session_id=session_id,
            channel=channel[:16],
            question=redacted,
            rewritten_question=redact(answer.rewritten_question or ""),
            answer=redact(answer.text),
            answered=answer.answered,
            mode=answer.mode,
            topic=answer.topic,
            citations=[_citation_row(c.to_dict()) for c in answer.citations],
            latency_ms=round(latency_ms, 2),
            index_version=chain.index_version,
        )
        self.store.record_message(record)
        self.metrics.observe_answer(channel, answer.mode, answer.answered, latency_ms / 1000)
        log.info(
            "answered",
            extra={
                "fields": {
                    "question": redacted,
                    "channel": channel,
                    "session_id": session_id,
                    "message_id": message_id,
                    "answered": answer.answered,
                    "mode": answer.mode,
                    "citations": len(answer.citations),
                    "latency_ms": round(latency_ms, 1),
                }
            },
        )
        return AskResult(answer=answer, session_id=session_id, message_id=message_id, latency_ms=latency_ms)

    # ------------------------------------------------------------------ feedback and stats
    def feedback(
        self, message_id: str, rating: str, comment: str | None = None, kind: str = "resident"
    ) -> None:
        """Record a rating; ``KeyError`` for an unknown message id, ``InputError`` for a bad rating or kind."""
        if rating not in RATINGS:
            raise InputError("评价只能是“有帮助”或“没帮助”。", 'rating must be "up" or "down".')
        if kind not in FEEDBACK_KINDS:
            raise InputError("反馈类型无效。", f"kind must be one of {', '.join(FEEDBACK_KINDS)}.")
        if comment is not None and len(comment) > MAX_COMMENT_CHARS:
            raise InputError(
                f"留言太长了，请控制在{MAX_COMMENT_CHARS}字以内。",
                f"comment is limited to {MAX_COMMENT_CHARS} characters.",
            )
        self.store.add_feedback(message_id, rating, redact(comment) if comment else None, kind)
        self.metrics.feedback.labels(rating=rating, kind=kind).inc()

    def stats(self) -> dict[str, Any]:
        data = self.store.stats()
        data["index_version"] = self.index_version()
        data["ready"] = self.ready
        return data


def _citation_row(data: dict[str, Any]) -> dict[str, Any]:
    return {k: data[k] for k in ("n", "doc_id", "title", "date", "quote") if k in data}


def _copy(answer: Answer) -> Answer:
    """Each caller gets its own Answer, so a channel that edits one cannot change a cached answer."""
    return dataclasses.replace(
        answer, citations=list(answer.citations), alternatives=list(answer.alternatives)
    )


def new_id() -> str:
    return uuid.uuid4().hex
