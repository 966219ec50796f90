"""坐席助手: the hotline staff assist panel.

A staffer on a call types or pastes the caller's question and gets, in one screen: a suggested answer to
read aloud, the quoted source sentences with the question's words highlighted, title and date of each
source, alternative passages, related curated FAQ entries, the confidence and whether the bot would
decline. Follow-up questions in the same call keep their context until 新来电 starts a new session.
Keyboard first: Enter asks, Alt+C copies the answer, Alt+N starts a new call (see ``SHORTCUTS_JS``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import gradio as gr

from bot.errors import InputError
from bot.ui_render import alternatives_html, read_aloud, related_faq_html, sources_html, verdict_html
from bot.words import content_words

CHANNEL = "staff"


@dataclass(frozen=True)
class Call:
    """One phone call: its session (context for follow-ups) and the last answer shown."""

    session_id: str | None = None
    message_id: str | None = None
    questions: int = 0


# Runs in the page <head>: keyboard shortcuts for the staff panel, and copy with a fallback for plain http.
SHORTCUTS_JS = """
<script>
window.faqbotCopy = async function (text) {
  try { await navigator.clipboard.writeText(text); return true; } catch (e) {
    const t = document.createElement('textarea'); t.value = text; document.body.appendChild(t); t.select();
    const ok = document.execCommand('copy'); t.remove(); return ok;
  }
};
document.addEventListener('keydown', function (e) {
  if (!e.altKey || e.ctrlKey || e.metaKey) return;
  const target = {KeyC: 'staff-copy', KeyN: 'staff-new-call'}[e.code];
  const button = target && document.getElementById(target);
  if (button && button.offsetParent !== null) { e.preventDefault(); button.click(); }
});
</script>
"""

COPY_JS = """(text) => { window.faqbotCopy(text || ''); return []; }"""


def build(get_service: Callable[[], Any]) -> None:
    """Lay out the tab inside the current ``gr.Blocks`` context and wire its events."""
    call = gr.State(Call())
    gr.Markdown(
        "输入或粘贴来电人的问题，**回车**查询。**Alt+C** 复制答复，**Alt+N** 新来电。同一通电话里的追问会沿用上下文。"
    )
    with gr.Row(equal_height=True):
        question = gr.Textbox(
            label="来电问题",
            placeholder="例如：个人账户的钱能给家人用吗",
            lines=1,
            max_lines=4,
            max_length=500,
            scale=6,
            elem_id="staff-question",
            autofocus=True,
        )
        ask = gr.Button("查询", variant="primary", scale=1, min_width=80, elem_id="staff-ask")
        new_call = gr.Button("新来电 (Alt+N)", scale=1, min_width=110, elem_id="staff-new-call")
    call_info = gr.Markdown("新来电。", elem_id="staff-call-info")
    with gr.Row():
        with gr.Column(scale=3):
            suggested = gr.Textbox(
                label="建议答复（可直接念给来电人）",
                lines=3,
                interactive=False,
                buttons=["copy"],
                elem_id="staff-answer",
            )
            verdict = gr.HTML(elem_id="staff-verdict")
            with gr.Row():
                copy = gr.Button("复制答复 (Alt+C)", min_width=100, elem_id="staff-copy")
                used = gr.Button("已采用", min_width=100, variant="primary", elem_id="staff-used")
                wrong = gr.Button("答案有误", min_width=100, variant="stop", elem_id="staff-wrong")
                gap = gr.Button("知识缺口", min_width=100, elem_id="staff-gap")
            note = gr.Textbox(
                label="备注（答案有误、知识缺口时写明情况）", lines=1, max_length=500, elem_id="staff-note"
            )
            feedback_status = gr.Markdown(elem_id="staff-feedback-status")
            gr.Markdown("#### 引用原文（标黄为问题里的词）")
            sources = gr.HTML(elem_id="staff-sources")
        with gr.Column(scale=2):
            gr.Markdown("#### 备选段落")
            alternatives = gr.HTML(elem_id="staff-alternatives")
            gr.Markdown("#### 相关常见问题")
            related = gr.HTML(elem_id="staff-related")

    panel = [suggested, verdict, sources, alternatives, related]

    def on_ask(text: str, current: Call) -> tuple:
        q = (text or "").strip()
        if not q:
            return (
                current,
                gr.skip(),
                gr.skip(),
                gr.skip(),
                gr.skip(),
                gr.skip(),
                gr.skip(),
                "请先输入问题。",
            )
        service = get_service()
        try:
            result = service.ask(q, session_id=current.session_id, channel=CHANNEL, detail=True)
        except InputError as exc:
            return (current, gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), exc.message)
        answer = result.answer
        words = content_words(f"{answer.rewritten_question or ''} {q}")
        related_entries = service.chain.related_faq(answer.rewritten_question or q)
        updated = replace(
            current,
            session_id=result.session_id,
            message_id=result.message_id,
            questions=current.questions + 1,
        )
        info = f"本次通话第 {updated.questions} 个问题 · 用时 {result.latency_ms:.0f} 毫秒"
        return (
            updated,
            info,
            read_aloud(answer),
            verdict_html(answer),
            sources_html(answer.citations, words, empty="没有可以引用的原文，建议转人工/热线。"),
            alternatives_html(answer.alternatives, words),
            related_faq_html(related_entries),
            "",
        )

    def on_feedback(kind: str, rating: str) -> Callable[[Call, str], tuple[str, Any]]:
        label = {"staff_used": "已采用", "staff_wrong": "答案有误", "knowledge_gap": "知识缺口"}[kind]

        def record(current: Call, comment: str) -> tuple[str, Any]:
            if current.message_id is None:
                return "请先查询一个问题。", gr.skip()
            try:
                get_service().feedback(current.message_id, rating, (comment or "").strip() or None, kind=kind)
            except KeyError:
                return "这条回答已过期，无法记录。", gr.skip()
            return f"已记录：{label}。", ""

        return record

    def on_new_call() -> tuple:
        return (Call(), "新来电。", "", "", "", "", "", "", "", "")

    ask_outputs = [call, call_info, *panel, feedback_status]
    question.submit(on_ask, [question, call], ask_outputs, api_visibility="private")
    ask.click(on_ask, [question, call], ask_outputs, api_visibility="private")
    copy.click(None, [suggested], None, js=COPY_JS)
    for button, kind, rating in (
        (used, "staff_used", "up"),
        (wrong, "staff_wrong", "down"),
        (gap, "knowledge_gap", "down"),
    ):
        button.click(
            on_feedback(kind, rating), [call, note], [feedback_status, note], api_visibility="private"
        )
    new_call.click(
        on_new_call,
        None,
        [call, call_info, *panel, feedback_status, question, note],
        api_visibility="private",
    ).then(
        None,
        None,
        None,
        js="() => { document.querySelector('#staff-question textarea, #staff-question input')?.focus(); }",
    )
