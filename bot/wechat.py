"""The WeChat official-account channel: ``GET|POST /wechat``.

WeChat's servers call this endpoint for every message a resident sends the account. The answer
comes from the same ConversationService as every other channel (session ``wechat:<openid>``, a
30-minute idle reset); this module only speaks WeChat: signatures and safe-mode crypto
(:mod:`bot.wechat_protocol`), the 2048-byte plain-text rendering (:mod:`bot.wechat_render`) and
the 5-second rule with retries and late delivery (:mod:`bot.wechat_replies`).

The endpoint exists only when ``FAQBOT_WECHAT_TOKEN`` is set; otherwise ``/wechat`` is a 404.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
import time
from typing import Any
from urllib.parse import unquote_to_bytes

import anyio
import requests
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import PlainTextResponse, Response
from prometheus_client.core import CounterMetricFamily
from wechatpy.client import WeChatClient

from bot.config import Settings
from bot.conversations import NotReadyError
from bot.errors import ConfigError, InputError
from bot.wechat_deliveries import SharedDeliveries
from bot.wechat_pickups import SharedPickups
from bot.wechat_protocol import (
    Inbound,
    ProtocolError,
    check_fresh,
    decrypt_body,
    encrypt_reply,
    make_crypto,
    parse_inbound,
    text_reply_xml,
    verify_signature,
)
from bot.wechat_render import BUSY, STARTING, TEXT_ONLY, WELCOME, render_answer
from bot.wechat_replies import Compute, Reply, ReplyBook
from bot.wechat_shared import SharedReplies, await_filled

log = logging.getLogger("faqbot.wechat")

SESSION_IDLE_SECONDS = 1800
API_TIMEOUT_SECONDS = 10.0


def build_router(settings: Settings) -> APIRouter:
    """The ``/wechat`` routes, or no routes at all when no WeChat token is configured.

    Raises ``ConfigError`` at startup for an unusable EncodingAESKey, or an AppSecret / AES key
    without the AppID they need.
    """
    router = APIRouter()
    if not settings.wechat_token:
        return router
    channel = WeChatChannel(settings)
    router.add_api_route("/wechat", channel.handshake, methods=["GET"], include_in_schema=False)
    router.add_api_route("/wechat", channel.receive, methods=["POST"], include_in_schema=False)
    return router


class WeChatChannel:
    """One official account's endpoint: holds the crypto, the API client and the reply book."""

    def __init__(self, settings: Settings) -> None:
        if not settings.wechat_token:
            raise ConfigError("FAQBOT_WECHAT_TOKEN is not set.")
        self.token = settings.wechat_token
        self.widget_url = settings.widget_url
        self.max_body_bytes = settings.max_body_bytes
        self.crypto = make_crypto(self.token, settings.wechat_encoding_aes_key, settings.wechat_app_id)
        self.api: WeChatApi | None = None
        if settings.wechat_app_secret:
            if not settings.wechat_app_id:
                raise ConfigError(
                    "FAQBOT_WECHAT_APP_SECRET is set but FAQBOT_WECHAT_APP_ID is not: the API needs both."
                )
            self.api = WeChatApi(
                settings.wechat_app_id, settings.wechat_app_secret, settings.wechat_api_base_url
            )
        self.book = ReplyBook(widget_url=settings.widget_url)
        self._shared_store: SharedReplies | None = None
        self.shared_waits = 0  # messages whose reply another process computed
        # The extractive chain is CPU-bound: more questions at once than cores only makes every
        # one of them slower and starves the event loop that must say "success" in time. With an
        # LLM most of a question is spent waiting on HTTP, so more may wait at once.
        cores = os.cpu_count() or 1
        self.limiter = anyio.CapacityLimiter(cores * 4 if settings.llm_enabled else cores)
        self._metrics_registered = False

    # ------------------------------------------------------------------ GET: the URL check
    async def handshake(self, request: Request) -> Response:
        """WeChat's URL check: echo ``echostr`` byte for byte when the signature matches."""
        try:
            verify_signature(self.token, request.query_params)
        except ProtocolError as exc:
            return PlainTextResponse(exc.reason, status_code=exc.status)
        echostr = _raw_query_value(request.scope.get("query_string", b""), b"echostr")
        if not echostr:
            return PlainTextResponse("echostr is required", status_code=400)
        return Response(content=echostr, media_type="text/plain")

    # ------------------------------------------------------------------ POST: messages
    async def receive(self, request: Request) -> Response:
        arrived = time.monotonic()
        query = request.query_params
        encrypted = query.get("encrypt_type", "").lower() == "aes"
        try:
            verify_signature(self.token, query)
            check_fresh(query["timestamp"])
            body = await self._body(request)
            inbound = parse_inbound(decrypt_body(self.crypto, body, query) if encrypted else body)
        except ProtocolError as exc:
            log.warning("wechat request refused: %s", exc.reason)
            return PlainTextResponse(exc.reason, status_code=exc.status)
        self._register_metrics(request.app)

        text = await self._reply_text(inbound, request.app, arrived)
        if text is None:
            return PlainTextResponse("success")
        xml = text_reply_xml(inbound.openid, inbound.account, text)
        if encrypted and self.crypto is not None:
            xml = encrypt_reply(self.crypto, xml, query["nonce"])
        return Response(content=xml, media_type="application/xml")

    async def _body(self, request: Request) -> bytes:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            raise ProtocolError(413, "body is too large")
        body = await request.body()
        if len(body) > self.max_body_bytes:
            raise ProtocolError(413, "body is too large")
        if not body.strip():
            raise ProtocolError(400, "body is empty")
        return body

    async def _reply_text(self, inbound: Inbound, app: FastAPI, arrived: float) -> str | None:
        """None means reply ``success`` (WeChat shows nothing and does not retry)."""
        self._shared_replies(app)  # gives the book the store's delivery counts and pickups before it chooses
        if inbound.msg_type == "event":
            text = WELCOME if inbound.event == "subscribe" else None
            return await self.book.reply(
                inbound.dedupe_key,
                inbound.openid,
                self._shared(app, inbound.dedupe_key, _fixed(text)),
                arrived=arrived,
                pick_up=False,
            )
        question = inbound.content.strip() if inbound.msg_type in ("text", "voice") else ""
        compute: Compute
        if inbound.msg_type == "text" or question:
            compute = functools.partial(self._answer, app, inbound.openid, inbound.content)
        else:  # image, video, location, link, voice without recognition, ...
            compute = _fixed(TEXT_ONLY)
        push = self._push if self.api is not None else None
        compute = self.book.with_pickup(inbound.openid, compute)
        compute = self._shared(app, inbound.dedupe_key, compute)
        return await self.book.reply(inbound.dedupe_key, inbound.openid, compute, arrived=arrived, push=push)

    def _shared(self, app: FastAPI, key: str, compute: Compute) -> Compute:
        """``compute`` run by one process only: a retry that another worker or replica received waits for the
        reply that process stores (``bot.wechat_shared``) instead of asking the chain again."""

        async def run() -> Reply:
            shared = self._shared_replies(app)
            if shared is None:
                return await compute()
            try:
                claimed = await anyio.to_thread.run_sync(shared.claim, key)
            except Exception:  # noqa: BLE001 - the database is for deduplication only: answer anyway
                log.exception("wechat: could not claim %s", key)
                return await compute()
            if not claimed:
                return await self._stored_reply(shared, key)
            reply = await compute()
            deliveries = self.book.deliveries
            # Stored before the reply: a process holding the answer for pickup reads it once it sees the reply.
            if deliveries is not None:
                try:
                    await anyio.to_thread.run_sync(deliveries.ready, key, self.book.late_text(reply))
                except Exception:  # noqa: BLE001 - a pickup held elsewhere then lacks only its header
                    log.exception("wechat: could not store the late text of %s", key)
            try:
                await anyio.to_thread.run_sync(shared.publish, key, reply.text)
            except Exception:  # noqa: BLE001 - this process still answers; only other processes miss it
                log.exception("wechat: could not store the reply to %s", key)
            return reply

        return run

    async def _stored_reply(self, shared: SharedReplies, key: str) -> Reply:
        """The reply another process computes for this message, as soon as it is stored."""
        self.shared_waits += 1
        done, text = await await_filled(functools.partial(shared.fetch, key), self.book.keep_seconds)
        return Reply(text) if done else Reply(BUSY)

    def _shared_replies(self, app: FastAPI) -> SharedReplies | None:
        service = getattr(app.state, "service", None)
        store = getattr(service, "store", None)
        if store is None:
            return None
        if self._shared_store is None or self._shared_store.engine is not store.engine:
            self._shared_store = SharedReplies(store.engine)
            self.book.shared = SharedPickups(store.engine, self.book.pickup_seconds)
            self.book.deliveries = SharedDeliveries(store.engine)
        return self._shared_store

    async def _answer(self, app: FastAPI, openid: str, question: str) -> Reply:
        """Run the conversation service in a worker thread: the chain is CPU-bound and synchronous."""
        service = getattr(app.state, "service", None)
        if service is None:
            return Reply(STARTING)
        ask = functools.partial(
            service.ask,
            question,
            session_id=f"wechat:{openid}",
            channel="wechat",
            idle_timeout=SESSION_IDLE_SECONDS,
        )
        try:
            result = await anyio.to_thread.run_sync(ask, limiter=self.limiter)
        except InputError as exc:
            return Reply(exc.message)
        except NotReadyError:
            return Reply(STARTING)
        except Exception:  # noqa: BLE001 - a resident gets a polite line, never a 5xx
            log.exception("wechat answer failed")
            return Reply(BUSY)
        return Reply(render_answer(result.answer, self.widget_url), result.answer, question)

    async def _push(self, openid: str, text: str) -> bool:
        """Send a late answer through the customer-service message API (``message/custom/send``)."""
        if self.api is None:
            return False
        await anyio.to_thread.run_sync(self.api.message.send_text, openid, text)
        return True

    def _register_metrics(self, app: FastAPI) -> None:
        if self._metrics_registered:
            return
        registry = getattr(getattr(app.state, "metrics", None), "registry", None)
        if registry is None:
            return
        registry.register(_BookCollector(self))
        self._metrics_registered = True


def _raw_query_value(query_string: bytes, name: bytes) -> bytes | None:
    """A query value as bytes, not the str FastAPI decodes: the echo must be exactly what WeChat sent."""
    for pair in query_string.split(b"&"):
        key, _, value = pair.partition(b"=")
        if unquote_to_bytes(key.replace(b"+", b" ")) == name:
            return unquote_to_bytes(value.replace(b"+", b" "))
    return None


def _fixed(text: str | None) -> Compute:
    async def reply() -> Reply:
        return Reply(text)

    return reply


class _BookCollector:
    """WeChat delivery counts for ``/metrics``: retries absorbed, late answers pushed or picked up
    (``picked_up_other_process``: of those, answers another process computed and held in the store)."""

    def __init__(self, channel: WeChatChannel) -> None:
        self.channel = channel

    def collect(self) -> Any:
        book = self.channel.book
        family = CounterMetricFamily(
            "faqbot_wechat_deliveries", "WeChat deliveries by outcome", labels=["outcome"]
        )
        family.add_metric(["retry"], book.retries)
        family.add_metric(["pushed"], book.pushed)
        family.add_metric(["picked_up"], book.picked_up)
        family.add_metric(["picked_up_other_process"], book.picked_up_elsewhere)
        family.add_metric(["other_process"], self.channel.shared_waits)
        yield family


class _TimeoutSession(requests.Session):
    """wechatpy fetches the access token without a timeout; a hung API must not hang a thread forever."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self._timeout = timeout

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self._timeout
        return super().request(*args, **kwargs)


class WeChatApi(WeChatClient):
    """wechatpy's client with a configurable base URL (tests point it at a local server).

    wechatpy caches the access token (2 hours, refreshed a minute early) and refetches it when
    WeChat says it expired; the lock keeps two late answers from fetching it at once.
    """

    def __init__(self, app_id: str, secret: str, base_url: str, timeout: float = API_TIMEOUT_SECONDS) -> None:
        super().__init__(app_id, secret, timeout=timeout)
        self.API_BASE_URL = base_url if base_url.endswith("/") else base_url + "/"
        self._http = _TimeoutSession(timeout)
        self._token_lock = threading.Lock()

    def fetch_access_token(self) -> dict[str, Any]:
        return dict(
            self._fetch_access_token(
                url=self.API_BASE_URL + "token",
                params={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret},
            )
        )

    @property
    def access_token(self) -> str:
        with self._token_lock:
            return str(super().access_token)
