"""What a resident reads in WeChat: an Answer rendered as plain text within 2048 UTF-8 bytes.

WeChat shows passive replies as plain text and refuses one whose content passes 2048 bytes, so
the answer is rendered here, not in the chain: the answer text without the ``[n]`` markers, then
one short line per source article (``来源：《标题》2023-01``). When that is too long the text is
cut after the last whole sentence that fits and a line says where the full answer is.

The ``[n]`` markers are dropped rather than kept: the contract's source line has no number, one
article is often cited by several markers, and a cut answer would keep markers pointing at lines
that are no longer there. The markers are still read before they go, so a cut answer lists only
the articles its remaining sentences cite.
"""

from __future__ import annotations

import re
import unicodedata

from bot.types import Answer, Citation

REPLY_LIMIT_BYTES = 2048

# "[1]", "[1][2]", "[1,2]", "[1, 2]", "［1］" (full-width brackets from an LLM).
_MARKER = re.compile(r"\s?[\[［](\d+(?:\s*[,，、]\s*\d+)*)[\]］]")
_SENTENCE_END = "。！？!?；;…\n"
# A sentence ends at 。！？ etc., with its closing quotes and any markers that directly follow.
_UNIT_END = re.compile(rf"[{_SENTENCE_END}]+[”’」』）)]*(?:{_MARKER.pattern})*")
# Characters that belong to the character before them (emoji joiners, skin tones, variation selectors).
_JOINERS = {"\u200d", "\ufe0e", "\ufe0f"} | {chr(c) for c in range(0x1F3FB, 0x1F400)}
# XML 1.0 forbids these control characters; WeChat would reject the reply.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

WELCOME = (
    "您好！我是政务问答助手，根据已公开发布的政务文章回答您的问题，每个答案都注明出处。\n"
    "目前可以回答：职工医保门诊共济、邮政快递保通保畅、燃气保供、供电服务、生态环境督导帮扶等方面的问题。\n"
    "直接发文字提问就行，例如：\n"
    "1. 长春职工医保门诊共济从什么时候开始？\n"
    "2. 家庭共济在哪里办理？\n"
    "3. 吉林油田二氧化碳注入量有多少？"
)
TEXT_ONLY = "抱歉，我目前只能回答文字问题。请用文字把问题发给我。"
VOICE_UNRECOGNIZED = "抱歉，没能识别这条语音。请用文字把问题发给我。"
PENDING = "问题有点复杂，答案还在准备中。请稍后回复任意内容获取答案。"
BUSY = "抱歉，系统暂时繁忙，请稍后再试。"
STARTING = "系统正在启动，请一分钟后再试。"
CUT_WITH_LINK = "内容较长，完整答案请看：{url}"
CUT_NO_LINK = "内容较长，以上是主要部分。"
PICKUP_HEADER = "您刚才问：“{question}”\n"


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def xml_safe(text: str) -> str:
    """Drop the control characters XML 1.0 cannot carry (they would make WeChat reject the reply)."""
    return _XML_FORBIDDEN.sub("", text)


def cited_numbers(text: str) -> list[int]:
    """The citation numbers of the ``[n]`` markers in ``text``, in order of first appearance."""
    seen: list[int] = []
    for match in _MARKER.finditer(text):
        for part in re.split(r"[,，、]", match.group(1)):
            n = int(part.strip())
            if n not in seen:
                seen.append(n)
    return seen


def strip_markers(text: str) -> str:
    return _MARKER.sub("", text)


def source_lines(citations: list[Citation], numbers: list[int] | None = None) -> list[str]:
    """One line per cited article, in order of first citation: ``来源：《标题》2023-01``.

    ``numbers`` limits the lines to the citations still referenced by the (possibly cut) text.
    """
    by_n = {c.n: c for c in citations}
    chosen = [by_n[n] for n in numbers if n in by_n] if numbers else list(citations)
    lines: list[str] = []
    for citation in chosen:
        line = f"来源：《{citation.title}》{citation.date:%Y-%m}"
        if line not in lines:
            lines.append(line)
    return lines


def _units(text: str) -> list[str]:
    """``text`` split after each sentence end; markers right after a sentence end stay with it."""
    units: list[str] = []
    start = 0
    for match in _UNIT_END.finditer(text):
        units.append(text[start : match.end()])
        start = match.end()
    if start < len(text):
        units.append(text[start:])
    return units


def _plain(text: str) -> str:
    return xml_safe(strip_markers(text)).strip()


def cut_to_bytes(text: str, budget: int) -> str:
    """The longest prefix of ``text`` that ends at a sentence end and fits ``budget`` UTF-8 bytes.

    Works on characters and measures their encoded size, so a multi-byte character is never
    split. When not even one sentence fits, the text is cut at a character boundary (never
    between an emoji and its joiner) and ends with "……".
    """
    if utf8_len(text) <= budget:
        return text
    kept = ""
    for unit in _units(text):
        if utf8_len((kept + unit).rstrip()) > budget:
            break
        kept += unit
    return kept.rstrip() if kept.strip() else _cut_chars(text, budget)


def _cut_chars(text: str, budget: int) -> str:
    ellipsis = "……"
    used = utf8_len(ellipsis)
    fits = 0
    for i, char in enumerate(text):
        used += utf8_len(char)
        if used > budget:
            break
        fits = i + 1
    while fits > 0 and (text[fits - 1] == "\u200d" or (fits < len(text) and _joins_previous(text[fits]))):
        fits -= 1
    return text[:fits] + ellipsis if fits else ""


def _joins_previous(char: str) -> bool:
    return char in _JOINERS or unicodedata.combining(char) > 0


def render_answer(
    answer: Answer,
    widget_url: str | None = None,
    *,
    header: str = "",
    limit: int = REPLY_LIMIT_BYTES,
) -> str:
    """Plain text for WeChat: ``header``, the answer, a blank line, the source lines; <= ``limit`` bytes.

    >>> render_answer(answer, "https://example.gov.cn/faq")  # doctest: +SKIP
    '今年1月1日起，长春市正式启动实施职工医保门诊共济保障机制。\\n\\n来源：《长春市…》2023-01'
    """
    raw = answer.text.strip()
    if answer.handoff and answer.handoff not in raw:
        raw = f"{raw}\n{answer.handoff}" if raw else answer.handoff
    sources = source_lines(answer.citations, cited_numbers(raw) or None)
    full = _join(header + _plain(raw), sources)
    if utf8_len(full) <= limit:
        return full

    more = CUT_WITH_LINK.format(url=widget_url) if widget_url else CUT_NO_LINK
    # Sources come before more text: an answer without its sources is worse than a shorter one.
    while sources and utf8_len(_join("", sources, more)) > limit // 2:
        sources.pop()
    budget = limit - utf8_len(header) - utf8_len(_join("x", sources, more)) + 1
    kept_raw = ""
    for unit in _units(raw):
        if utf8_len(_plain(kept_raw + unit)) > budget:
            break
        kept_raw += unit
    if _plain(kept_raw):
        kept = _plain(kept_raw)
    else:  # not even the first sentence fits
        kept_raw = raw
        kept = _cut_chars(_plain(raw), budget)
    cited = cited_numbers(kept_raw)
    if cited:
        sources = [line for line in source_lines(answer.citations, cited) if line in sources]
    return _join(header + kept, sources, more)


def _join(body: str, sources: list[str], more: str = "") -> str:
    parts = [body] if body else []
    if sources:
        parts.append("\n".join(sources))
    if more:
        parts.append(more)
    return "\n\n".join(parts)


def pickup_header(question: str) -> str:
    """The line before an answer delivered late, so the resident knows which question it answers."""
    short = question.strip().replace("\n", " ")
    if len(short) > 40:
        short = short[:40] + "…"
    return PICKUP_HEADER.format(question=short)
