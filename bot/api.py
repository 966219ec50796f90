"""The FastAPI app every channel and outside program uses: ``create_app(settings) -> FastAPI``.

``faqbot serve`` runs it with uvicorn (``bot.api:create_app`` as a factory, settings from the
environment). At startup the store opens at once and the index loads in a background thread:
``/healthz`` answers immediately, ``/readyz`` says 503 until the index is loaded, and questions that
arrive meanwhile wait for it. ``app.state.service`` is the ``ConversationService`` channels call.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response, StreamingResponse

from bot import admin, openai_compat, ui
from bot.answer_cache import AnswerCache
from bot.config import Settings
from bot.conversations import AskResult, ConversationService
from bot.deps import RateLimited, RateLimiter, ServiceDep
from bot.errors import FaqBotError, InputError
from bot.http_errors import ERROR_RESPONSES, ApiError, ErrorBody, error_body, install_error_handlers
from bot.logs import configure_logging
from bot.metrics import Metrics
from bot.middleware import RequestContextMiddleware
from bot.schemas import AskRequest, AskResponse, FeedbackRequest, FeedbackResponse, Health, ask_response
from bot.sse import SSE_EVENT_SCHEMA, SSE_HEADERS, iterate_in_thread, iterate_inline, sse_event
from bot.store import Store

log = logging.getLogger("faqbot.api")

DESCRIPTION = """
只依据知识库文章回答、并注明出处的民生问答机器人。
A public-service FAQ bot that answers residents in Chinese only from its knowledge articles, citing them.

* `POST /api/v1/ask` 提问 / ask; `POST /api/v1/ask/stream` 流式回答 (SSE) / streamed answer
* `POST /api/v1/feedback` 评价回答 / rate an answer
* `POST /v1/chat/completions`, `GET /v1/models` 兼容 OpenAI（微信机器人桥接程序可直接使用）/ OpenAI-compatible
* 管理 / admin: `POST /api/v1/admin/reindex`, `GET /api/v1/admin/stats`（需 API 密钥 / API key required）
* `GET /healthz`, `GET /readyz`, `GET /metrics`

错误统一返回 `{"error": {"message", "message_zh", "message_en", "type", "param", "code"}}`。
Errors always come as that body, with the message in Chinese and English.
"""

TAGS = [
    {
        "name": "ask",
        "description": "居民提问与反馈 / Residents' questions and feedback (rate limited per IP)",
    },
    {"name": "openai", "description": "OpenAI 兼容接口 / OpenAI-compatible endpoints for chat bridges"},
    {"name": "admin", "description": "管理接口，需 API 密钥 / Admin, API key required"},
    {"name": "operations", "description": "健康检查与监控 / Health and monitoring"},
]

router = APIRouter()


@router.post(
    "/api/v1/ask",
    tags=["ask"],
    response_model=AskResponse,
    responses=ERROR_RESPONSES,
    dependencies=[RateLimited],
    summary="提问 / Ask a question",
    description="回答一个问题并注明出处；带上 session_id 可以追问。"
    " / Answers one question with its sources; send session_id to ask a follow-up.",
)
async def ask(body: AskRequest, service: ServiceDep) -> dict[str, Any]:
    def answer() -> AskResult:
        return service.ask(
            body.question, session_id=body.session_id, channel=body.channel, detail=body.detail
        )

    result = answer() if service.answers_inline else await run_in_threadpool(answer)
    return ask_response(result, body.detail)


@router.post(
    "/api/v1/ask/stream",
    tags=["ask"],
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "SSE：若干 `delta` 事件（答案文字），最后一个 `done` 事件（完整回答、来源、message_id）。"
            " / `delta` events with answer text, then one `done` event with the full answer, citations and message_id.",
            "content": {"text/event-stream": {"schema": SSE_EVENT_SCHEMA}},
        },
        **ERROR_RESPONSES,
    },
    dependencies=[RateLimited],
    summary="流式提问 / Ask, streamed as Server-Sent Events",
)
async def ask_stream(body: AskRequest, service: ServiceDep) -> StreamingResponse:
    # Validation and readiness errors are raised here, before the stream starts, as plain 4xx/503 bodies.
    def start() -> Iterator[str | AskResult]:
        return service.stream(body.question, session_id=body.session_id, channel=body.channel, detail=body.detail)

    # Extractive answers are computed on the event loop like /api/v1/ask's; an LLM's stream waits on the network.
    inline = service.answers_inline
    items = start() if inline else await run_in_threadpool(start)

    async def events() -> AsyncIterator[str]:
        try:
            async for item in iterate_inline(items) if inline else iterate_in_thread(items):
                if isinstance(item, str):
                    yield sse_event({"delta": item}, "delta")
                else:
                    yield sse_event(ask_response(item, body.detail), "done")
        except FaqBotError as exc:
            zh, en = (
                (exc.message, exc.message_en)
                if isinstance(exc, InputError)
                else ("服务暂时不可用，请稍后再试。", str(exc))
            )
            yield sse_event({**error_body(503, "unavailable", zh, en), "status": 503}, "error")
        except Exception:
            log.exception("stream failed")
            body_ = error_body(500, "internal_error", "服务出错了，请稍后再试。", "Internal server error.")
            yield sse_event({**body_, "status": 500}, "error")

    return StreamingResponse(events(), media_type="text/event-stream", headers=SSE_HEADERS)


@router.post(
    "/api/v1/feedback",
    tags=["ask"],
    response_model=FeedbackResponse,
    responses={
        404: {"model": ErrorBody, "description": "没有这条回答 / Unknown message_id"},
        **ERROR_RESPONSES,
    },
    dependencies=[RateLimited],
    summary="评价回答 / Rate an answer",
    description="对一条回答点“有帮助”或“没帮助”，可附留言。 / Rate an answer up or down, with an optional comment.",
)
async def feedback(body: FeedbackRequest, service: ServiceDep) -> FeedbackResponse:
    try:
        await run_in_threadpool(service.feedback, body.message_id, body.rating, body.comment)
    except KeyError:
        raise ApiError(
            404,
            "unknown_message",
            "没有找到这条回答，无法评价。",
            f"No answer with message_id {body.message_id!r}.",
            param="message_id",
        ) from None
    return FeedbackResponse()


# Probes are async on purpose: they must answer even while every worker thread is busy with questions.
@router.get("/healthz", tags=["operations"], response_model=Health, summary="进程存活 / Process is alive")
async def healthz() -> Health:
    return Health(status="ok")


@router.get(
    "/readyz",
    tags=["operations"],
    response_model=Health,
    responses={503: {"model": Health, "description": "索引尚未加载 / Index not loaded yet"}},
    summary="可以回答问题 / Index loaded, ready to answer",
)
async def readyz(request: Request) -> Any:
    service: ConversationService | None = getattr(request.app.state, "service", None)
    if service is not None and service.ready:
        return Health(status="ready", ready=True, index_version=service.index_version())
    detail = service.load_error if service is not None else None
    body = Health(status="unavailable" if detail else "loading", detail=detail)
    return JSONResponse(body.model_dump(), status_code=503, headers={"Retry-After": "5"})


@router.get(
    "/metrics",
    tags=["operations"],
    response_class=Response,
    responses={
        200: {
            "content": {"text/plain": {"schema": {"type": "string"}}},
            "description": "Prometheus 指标 / metrics",
        }
    },
    summary="Prometheus 指标 / Prometheus metrics",
)
async def metrics(request: Request) -> Response:
    m: Metrics = request.app.state.metrics
    service: ConversationService | None = getattr(request.app.state, "service", None)
    if service is not None:
        m.store_lost.set(service.store.lost)
    return Response(m.render(), media_type=m.content_type)


def _start_loading(service: ConversationService, settings: Settings) -> threading.Thread:
    thread = threading.Thread(
        target=admin.load_chain_into, args=(service, settings), name="faqbot-index-loader", daemon=True
    )
    thread.start()
    return thread


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    store = await run_in_threadpool(Store, settings.resolved_database_url)
    cache = AnswerCache(settings.answer_cache_size, settings.answer_cache_seconds)
    service = ConversationService(
        None, store, metrics=app.state.metrics, cache=cache, slots=settings.answer_slots
    )
    app.state.service = service
    if not settings.api_keys:
        log.warning(
            "FAQBOT_API_KEYS is not set: /v1/* is open to anyone (rate limited per IP) and admin endpoints are disabled."
        )
    if not settings.rate_limit_per_minute:
        log.warning("FAQBOT_RATE_LIMIT_PER_MINUTE=0: the per-IP rate limit is off.")
    loading = _start_loading(service, settings)
    pages: ui.DeferredUI | None = getattr(app.state, "ui", None)
    building = asyncio.create_task(pages.start(loading)) if pages is not None else None
    watcher = admin.IndexWatcher(app, settings.index_poll_seconds)
    watcher.start()
    try:
        yield
    finally:
        watcher.stop()
        if pages is not None and building is not None:
            building.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await building
            await pages.stop()
        # Every queued message is written before the process exits.
        await run_in_threadpool(store.close)
        log.info("stopped")


def serving_settings(settings: Settings) -> Settings:
    """One BLAS thread for everything a server does, unless FAQBOT_THREADS says otherwise.

    Answering already defaults to one thread per question (``Settings.query_threads``); this also caps
    an admin reindex running inside the server, whose per-core batch threads would otherwise compete
    with the questions being answered (measured on 2 cores, 32 clients, no answer cache: 24 requests/s
    with 2 BLAS threads, 115 with 1).
    """
    if settings.threads > 0:
        return settings
    serving = settings.model_copy(update={"threads": 1})
    serving.__dict__.pop("blas_threads", None)  # a cached value of the original must not carry over
    return serving


def create_app(settings: Settings | None = None) -> FastAPI:
    """The whole app: JSON API, SSE, OpenAI-compatible, admin, operations, and the channels."""
    settings = serving_settings(settings or Settings())
    configure_logging(getattr(logging, settings.log_level.upper()))
    app = FastAPI(
        title="faqbot 民生问答 API",
        description=DESCRIPTION,
        version="0.1.0",
        openapi_tags=TAGS,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.metrics = Metrics()
    app.state.rate_limiter = RateLimiter(settings.rate_limit_per_minute)
    app.state.service = None
    install_error_handlers(app)
    app.add_middleware(
        RequestContextMiddleware, metrics=app.state.metrics, max_body_bytes=settings.max_body_bytes
    )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
            expose_headers=["X-Request-ID", "Retry-After"],
            max_age=600,
        )
    app.include_router(router)
    app.include_router(openai_compat.router)
    app.include_router(admin.router)

    # --- channels ---
    # (WeChat: app.include_router(wechat.build_router(settings)); web: app.include_router(web.router); Gradio: ui)
    from bot import web, wechat

    app.include_router(wechat.build_router(settings))  # /wechat (only when FAQBOT_WECHAT_TOKEN is set)
    app.include_router(web.router)  # /widget.js, /demo
    # Gradio at /ui, built once the first index load has ended (``ui.DeferredUI``).
    app.state.ui = ui.DeferredUI(app)
    app.state.ui.install()
    return app
