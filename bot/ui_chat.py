"""居民咨询: the resident chat tab — the widget's behaviour in Gradio (streamed answers, sources, feedback)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import gradio as gr

from bot.errors import InputError
from bot.ui_render import chat_markdown

CHANNEL = "gradio"
EXAMPLES = [
    "个人账户的钱能给家人用吗",
    "职工医保门诊共济从哪天开始",
    "梨树供电所能在网上办电吗",
    "家庭共济怎么办理",
]
WELCOME = "您好！我可以回答医保、供电、燃气、邮政快递等民生问题，每个回答都注明出处。"

Messages = list[dict[str, Any]]


def build(get_service: Callable[[], Any]) -> None:
    """Lay out the tab inside the current ``gr.Blocks`` context and wire its events."""
    session = gr.State(None)  # the service's session id: follow-up questions keep their context
    history = gr.State(
        []
    )  # what the chatbot shows; the source of truth, so no round trip through the browser
    message_ids = gr.State({})  # chatbot index -> message id, for thumbs up/down

    gr.Markdown(WELCOME)
    chat = gr.Chatbot(
        label="民生问答",
        height=460,
        examples=[{"text": q} for q in EXAMPLES],
        feedback_options=("Like", "Dislike"),
        buttons=["copy"],
        placeholder="请在下方输入问题，或点击上面的示例。",
        elem_id="resident-chat",
    )
    with gr.Row():
        box = gr.Textbox(
            show_label=False,
            placeholder="请输入您的问题（回车发送，最多500字）",
            max_length=500,
            lines=1,
            max_lines=4,
            scale=6,
            elem_id="resident-input",
        )
        send = gr.Button("发送", variant="primary", scale=1, min_width=80)
        restart = gr.Button("重新开始", scale=1, min_width=80)
    note = gr.Markdown(elem_id="resident-note")

    def respond(
        question: str, shown: Messages, session_id: str | None, ids: dict[int, str]
    ) -> Iterator[tuple]:
        q = (question or "").strip()
        if not q:
            yield gr.skip(), shown, shown, session_id, ids, ""
            return
        shown = [*shown, {"role": "user", "content": q}, {"role": "assistant", "content": "…"}]
        yield "", shown, shown, session_id, ids, ""
        text = ""
        try:
            for item in get_service().stream(q, session_id=session_id, channel=CHANNEL):
                if isinstance(item, str):
                    text += item
                    shown[-1] = {"role": "assistant", "content": text}
                    yield "", shown, shown, session_id, ids, ""
                else:
                    shown[-1] = {"role": "assistant", "content": chat_markdown(item.answer)}
                    ids = {**ids, len(shown) - 1: item.message_id}
                    yield "", shown, shown, item.session_id, ids, ""
        except InputError as exc:
            shown[-1] = {"role": "assistant", "content": exc.message}
            yield "", shown, shown, session_id, ids, ""

    def pick_example(evt: gr.SelectData) -> str:
        value = evt.value
        return value.get("text", "") if isinstance(value, dict) else str(value)

    def rate(ids: dict[int, str], evt: gr.LikeData) -> str:
        index = evt.index if isinstance(evt.index, int) else evt.index[0]
        message_id = ids.get(index)
        if message_id is None or evt.liked not in (True, False):
            return ""
        try:
            get_service().feedback(message_id, "up" if evt.liked else "down", kind="resident")
        except KeyError:
            return "这条回答已过期，无法评价。"
        return "谢谢反馈！" if evt.liked else "谢谢，我们会改进。"

    def start_over() -> tuple:
        return [], [], None, {}, "", ""

    outputs = [box, chat, history, session, message_ids, note]
    inputs = [box, history, session, message_ids]
    box.submit(respond, inputs, outputs, api_visibility="private")
    send.click(respond, inputs, outputs, api_visibility="private")
    chat.example_select(pick_example, None, box, api_visibility="private").then(
        respond, inputs, outputs, api_visibility="private"
    )
    chat.like(rate, [message_ids], [note], api_visibility="private")
    reset_outputs = [chat, history, session, message_ids, note, box]
    restart.click(start_over, None, reset_outputs, api_visibility="private")
    # The chatbot's own trash button empties the display; forget the conversation with it.
    chat.clear(start_over, None, reset_outputs, api_visibility="private")
