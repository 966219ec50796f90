"""The Gradio app at ``/ui``: 居民咨询 (residents), 坐席助手 (hotline staff), 运营看板 (operators).

Every screen calls ``app.state.service`` (the ConversationService the API built at startup) at call time;
there is no QA logic here. ``mount(app)`` is called from ``create_app``; Gradio is imported then, not when
this module is imported, so importing ``bot.ui`` stays cheap.

Example::

    app = create_app(settings)
    ui.mount(app)          # http://HOST/ui
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

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


def mount(app: FastAPI, path: str = PATH) -> None:
    """Mount the Gradio app on ``app`` at ``path``."""
    import gradio as gr

    from bot.ui_staff import SHORTCUTS_JS

    theme = gr.themes.Default(primary_hue="blue", font=FONTS, font_mono=["monospace"])
    gr.mount_gradio_app(
        app,
        build_blocks(app),
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
