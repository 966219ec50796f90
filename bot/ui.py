"""The Gradio app at ``/ui``: 居民咨询 (residents), 坐席助手 (hotline staff), 运营看板 (operators).

Every screen calls ``app.state.service`` (the ConversationService the API built at startup) at call time;
there is no QA logic here. ``mount(app)`` mounts it at once (Gradio is imported then, not when this module is
imported, so importing ``bot.ui`` stays cheap). ``create_app`` uses ``DeferredUI`` instead: the server answers
first and builds the pages once its index has loaded.

Example::

    app = FastAPI()
    ui.mount(app)          # http://HOST/ui
"""

from __future__ import annotations

import asyncio
import logging
import threading
from contextlib import AsyncExitStack, suppress
from typing import Any

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse
from starlette.routing import Mount
from starlette.types import ASGIApp, Receive, Scope, Send

log = logging.getLogger(__name__)

PATH = "/ui"
FONTS = [
    "PingFang SC",
    "Microsoft YaHei",
    "Noto Sans CJK SC",
    "WenQuanYi Micro Hei",
    "system-ui",
    "sans-serif",
]

CSS = """
.gradio-container { max-width: 1200px !important; margin: 0 auto; }
.fb-sources { display: flex; flex-direction: column; gap: 10px; }
.fb-src { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 8px 12px; }
.fb-src-head { font-size: 14px; color: var(--body-text-color-subdued); margin-bottom: 4px; }
.fb-src-head .fb-n { font-weight: 700; color: var(--color-accent); }
.fb-src-head .fb-title { font-weight: 600; color: var(--body-text-color); }
.fb-quote { margin: 0; padding: 4px 0 4px 10px; border-left: 3px solid var(--color-accent); font-size: 16px; line-height: 1.7; }
.fb-quote mark { background: #ffe58f; color: inherit; padding: 0 1px; border-radius: 2px; }
.fb-alt .fb-quote { font-size: 14px; border-left-color: var(--border-color-primary); }
.fb-empty { color: var(--body-text-color-subdued); font-size: 14px; }
.fb-verdict { font-size: 15px; }
.fb-badge { display: inline-block; padding: 2px 10px; border-radius: 12px; color: #fff; font-weight: 600; margin-right: 8px; }
.fb-ok { background: #2e7d32; } .fb-no { background: #c62828; }
.fb-handoff { margin-top: 6px; padding: 6px 10px; background: #fff4e5; border: 1px solid #f5a623; border-radius: 6px; color: #5c3b00; font-weight: 600; }
.fb-rewritten { margin-top: 4px; color: var(--body-text-color-subdued); font-size: 14px; }
.fb-faq { border-bottom: 1px solid var(--border-color-primary); padding: 6px 0; }
.fb-faq summary { cursor: pointer; font-weight: 600; }
#staff-answer textarea { font-size: 18px !important; line-height: 1.7 !important; }
.fb-kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 10px; }
.fb-kpi { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 10px 14px; }
.fb-kpi-v { font-size: 24px; font-weight: 700; }
.fb-kpi-k { color: var(--body-text-color-subdued); font-size: 13px; }
"""


def build_blocks(app: FastAPI) -> Any:
    """The three tabs, wired to ``app.state`` (read when a user acts, so startup order does not matter)."""
    import gradio as gr

    from bot import ui_chat, ui_dashboard, ui_staff

    def service() -> Any:
        return app.state.service

    def settings() -> Any:
        return app.state.settings

    with gr.Blocks(title="民生问答", analytics_enabled=False) as blocks, gr.Tabs():
        with gr.Tab("居民咨询", id="resident", elem_id="tab-resident"):
            ui_chat.build(service)
        with gr.Tab("坐席助手", id="staff", elem_id="tab-staff"):
            ui_staff.build(service)
        with gr.Tab("运营看板", id="dashboard", elem_id="tab-dashboard"):
            ui_dashboard.build(service, settings)
    return blocks


def mount(app: FastAPI, path: str = PATH, serving: FastAPI | None = None) -> None:
    """Mount the Gradio app on ``app`` at ``path``; its screens serve ``serving`` (default: ``app``)."""
    import gradio as gr

    from bot.ui_staff import SHORTCUTS_JS

    theme = gr.themes.Default(primary_hue="blue", font=FONTS, font_mono=["monospace"])
    gr.mount_gradio_app(
        app,
        build_blocks(serving or app),
        path=path,
        theme=theme,
        css=CSS,
        head=SHORTCUTS_JS,
        footer_links=[],
        run_history=False,
        ssr_mode=False,
        mcp_server=False,
        show_error=False,
    )


# How long a request to /ui waits for the pages while the server is starting, before it is told to come back.
WAIT_SECONDS = 60.0

_STARTING_PAGE = (
    "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"5\">"
    "<title>民生问答</title></head><body><p>页面正在启动，请稍候，几秒后会自动刷新。</p>"
    "<p>The page is starting; it reloads itself in a few seconds.</p></body></html>"
)
_BROKEN_PAGE = (
    "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>民生问答</title></head><body>"
    "<p>页面暂时无法打开，请稍后再试。网页挂件和问答接口仍可正常使用。</p>"
    "<p>The pages could not be started; the widget and the API still answer.</p></body></html>"
)


class DeferredUI:
    """The Gradio pages at ``/ui``, built once the server's first index load has ended.

    Importing Gradio takes ~3 s on these cores, about as long as loading a 100k-chunk index, and under one GIL the two
    cannot overlap: a server that built its pages first said ``/readyz`` (ready to answer) that much later. Here the
    API, the widget and WeChat answer first; a request to ``/ui`` meanwhile waits for the pages (up to
    ``WAIT_SECONDS``), then goes to them. ``start`` runs in the app's lifespan, ``stop`` at its end.
    """

    def __init__(self, app: FastAPI, path: str = PATH) -> None:
        self.app = app
        self.path = path
        self.inner: ASGIApp | None = None
        self.failed = False
        self._ready = asyncio.Event()
        self._stack = AsyncExitStack()

    def install(self) -> None:
        self.app.router.routes.append(Mount(self.path, app=self))

    def _build(self) -> FastAPI:
        """Gradio's app for the pages, on an app of its own (run in a worker thread: the import is ~3 s)."""
        shell = FastAPI()
        # Gradio leaves CORS to the app it is mounted in when that app handles it (FAQBOT_CORS_ORIGINS).
        shell.user_middleware = self.app.user_middleware
        mount(shell, self.path, serving=self.app)
        return shell

    async def start(self, first_load: threading.Thread | None) -> None:
        try:
            if first_load is not None:
                await run_in_threadpool(first_load.join)
            shell = await run_in_threadpool(self._build)
            inner = next(r.app for r in shell.routes if isinstance(r, Mount) and r.path == self.path)
            # Gradio's own start-up (its queue), which mounting it in a running app would not run.
            await self._stack.enter_async_context(shell.router.lifespan_context(shell))
            self.inner = inner
            log.info("ui ready", extra={"fields": {"path": self.path}})
        except Exception:  # the API keeps answering without its pages
            self.failed = True
            log.exception("the pages at %s could not be built", self.path)
        finally:
            self._ready.set()

    async def stop(self) -> None:
        await self._stack.aclose()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.inner is None and scope["type"] == "http" and not self.failed:
            with suppress(TimeoutError):
                await asyncio.wait_for(self._ready.wait(), WAIT_SECONDS)
        if self.inner is None:
            if scope["type"] == "http":
                page = _BROKEN_PAGE if self.failed else _STARTING_PAGE
                response = HTMLResponse(page, status_code=503, headers={"Retry-After": "5"})
                await response(scope, receive, send)
            return
        await self.inner(scope, receive, send)
