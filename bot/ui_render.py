"""HTML and text shown by the Gradio screens, built from an ``Answer`` (pure functions, no Gradio import).

Everything that came from an article or a user is escaped here before it is put into HTML.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from typing import Any

from bot.types import Answer, Citation

_MARKER = re.compile(r"\s*\[\d+\]")


_NOTE = re.compile(r"[（(][^（）()]{2,60}[）)]$")


def read_aloud(answer: Answer, limit: int = 150) -> str:
    """The answer as a hotline staffer reads it out: no [n] markers, one paragraph, cut at a sentence end.

    A closing note in brackets ("（以上信息来自2023年1月3日的报道，政策可能已有调整。）") is kept even
    when the body is cut: the caller should hear how old the information is.

    >>> read_aloud(Answer(text="可以共用[1]。需要先备案[2]。", answered=True))
    '可以共用。需要先备案。'
    """
    text = _MARKER.sub("", answer.text)
    text = re.sub(r"\s*\n+\s*", "", text).strip()
    if not answer.answered and answer.handoff and answer.handoff not in text:
        text = f"{text}{answer.handoff}"
    if len(text) <= limit:
        return text
    note_match = _NOTE.search(text)
    note = note_match.group(0) if note_match else ""
    body = text[: len(text) - len(note)] if note else text
    room = max(limit - len(note), limit // 2)
    cut = max(body.rfind(p, 0, room) for p in "。！？；")
    body = body[: cut + 1] if cut > room // 3 else body[:room] + "……"
    return body + note


def excerpt(text: str, words: Iterable[str], width: int = 160) -> str:
    """About ``width`` characters of ``text`` around the first question word, for long passages."""
    text = text.strip()
    if len(text) <= width:
        return text
    positions = [p for p in (text.find(w) for w in words if len(w) >= 2) if p >= 0]
    start = max(0, min(positions) - width // 4) if positions else 0
    start = min(start, len(text) - width)
    piece = text[start : start + width]
    return ("…" if start > 0 else "") + piece + ("…" if start + width < len(text) else "")


def highlight(text: str, words: Iterable[str]) -> str:
    """``text`` as escaped HTML with every occurrence of ``words`` wrapped in ``<mark>`` (longest word first)."""
    # Single Chinese characters ("用", "钱") light up half a paragraph; marking words of two or more
    # characters, and numbers, keeps the highlight on what answers the question.
    terms = sorted({w for w in words if len(w.strip()) >= 2 or w.strip().isdigit()}, key=len, reverse=True)
    if not terms:
        return html.escape(text)
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    out: list[str] = []
    pos = 0
    for m in pattern.finditer(text):
        out.append(html.escape(text[pos : m.start()]))
        out.append(f"<mark>{html.escape(m.group(0))}</mark>")
        pos = m.end()
    out.append(html.escape(text[pos:]))
    return "".join(out)


def _source_head(c: Citation, label: str) -> str:
    return (
        f'<div class="fb-src-head"><span class="fb-n">{html.escape(label)}</span> '
        f'<span class="fb-title">{html.escape(c.title)}</span> '
        f'<span class="fb-date">{c.date.isoformat()}</span></div>'
    )


def sources_html(citations: Sequence[Citation], words: Iterable[str], empty: str = "没有引用来源。") -> str:
    """Quoted source sentences with the question's words highlighted, each with title and date."""
    if not citations:
        return f'<div class="fb-empty">{html.escape(empty)}</div>'
    terms = list(words)
    parts = [
        f'<div class="fb-src">{_source_head(c, f"[{c.n}]")}'
        f'<blockquote class="fb-quote">{highlight(c.quote, terms)}</blockquote></div>'
        for c in citations
    ]
    return '<div class="fb-sources">' + "".join(parts) + "</div>"


def alternatives_html(alternatives: Sequence[Citation], words: Iterable[str]) -> str:
    """Two or three passages that were retrieved but not quoted: other places the answer may be."""
    if not alternatives:
        return '<div class="fb-empty">没有其他相关段落。</div>'
    terms = list(words)
    parts = [
        f'<div class="fb-src fb-alt">{_source_head(c, f"备选{i}")}'
        f'<blockquote class="fb-quote">{highlight(excerpt(c.quote, terms), terms)}</blockquote></div>'
        for i, c in enumerate(alternatives[:3], start=1)
    ]
    return '<div class="fb-sources">' + "".join(parts) + "</div>"


def related_faq_html(entries: Sequence[dict[str, Any]]) -> str:
    """Curated FAQ entries near the question, as collapsible question/answer pairs."""
    if not entries:
        return '<div class="fb-empty">没有相关的常见问题。</div>'
    parts = [
        f'<details class="fb-faq"><summary>{html.escape(str(e.get("question", "")))}</summary>'
        f"<div>{html.escape(_MARKER.sub('', str(e.get('answer', ''))))}</div></details>"
        for e in entries
    ]
    return "".join(parts)


def verdict_html(answer: Answer) -> str:
    """Confidence and whether the bot would decline, as a badge a staffer sees at a glance."""
    pct = round(max(0.0, min(1.0, answer.confidence)) * 100)
    if answer.answered:
        badge = f'<span class="fb-badge fb-ok">可以回答</span> 把握度 <b>{pct}%</b>'
    else:
        badge = f'<span class="fb-badge fb-no">机器人会拒答</span> 把握度 <b>{pct}%</b>'
        if answer.handoff:
            badge += f'<div class="fb-handoff">转人工/热线：{html.escape(answer.handoff)}</div>'
    rewritten = answer.rewritten_question
    if rewritten and rewritten != answer.question:
        badge += f'<div class="fb-rewritten">按上下文理解为：{html.escape(rewritten)}</div>'
    return f'<div class="fb-verdict">{badge}</div>'


def chat_markdown(answer: Answer) -> str:
    """The resident chat message: the answer, collapsible quoted sources, and the hotline line if declined."""
    text = answer.text
    if not answer.answered and answer.handoff and text.endswith(answer.handoff):
        text = text[: -len(answer.handoff)]  # shown once, on its own line below
    parts = [html.escape(text, quote=False)]
    for c in answer.citations:
        parts.append(
            f"<details><summary>[{c.n}] {html.escape(c.title)} · {c.date.isoformat()}</summary>"
            f"<blockquote>{html.escape(c.quote)}</blockquote></details>"
        )
    if not answer.answered:
        parts.append(f"**转人工/热线：** {html.escape(answer.handoff or '请拨打12345政务服务便民热线。')}")
    return "\n\n".join(parts)
