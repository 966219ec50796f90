"""One sentence of an article as the answerer reads it: its offsets, paragraph lead and texts for word matching.

Split out of ``bot.evidence``: how a chunk is cut into quotable units and how a unit is prepared for matching,
shared by the small-base (eager) and large-base (on demand) readers of ``SentenceBank``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from bot.chunk import normalize, split_sentences
from bot.lexicon import SentenceText
from bot.words import tokenize_cached

_ATTRIBUTION = re.compile(r"(?:说|说道|表示|介绍|指出|告诉记者)[。！!]?$")


def units(text: str) -> list[tuple[int, int]]:
    """Sentence spans of a chunk, with a quotation and its short attribution ("……。”某某说道。") kept as one."""
    spans: list[tuple[int, int]] = []
    for sentence in split_sentences(text):
        if (
            spans
            and len(sentence.text) <= 30
            and _ATTRIBUTION.search(sentence.text)
            and text[spans[-1][1] - 1] in '”"」』'
            and "\n" not in text[spans[-1][1] : sentence.start]
        ):
            spans[-1] = (spans[-1][0], sentence.end)
        else:
            spans.append((sentence.start, sentence.end))
    return spans


@dataclass(frozen=True)
class Unit:
    """One sentence unit of a chunk: its span in the chunk, whether it opens a paragraph, and that
    paragraph's first unit (which often names who or where the rest is about)."""

    n: int
    start: int
    end: int
    opens_paragraph: bool
    lead: str


def paragraph_units(text: str) -> list[Unit]:
    """``units(text)`` with their paragraph structure."""
    out: list[Unit] = []
    lead = ""
    previous_end = 0
    for n, (start, end) in enumerate(units(text)):
        opens = n == 0 or "\n" in text[previous_end:start]
        if opens:
            lead = text[start:end]
        previous_end = end
        out.append(Unit(n, start, end, opens, lead))
    return out


class _Tokens:
    """A text's jieba tokens, cut only when a word that could be one of them is looked up.

    A token is a piece of the normalised text, so a word the text does not contain is answered without jieba.
    Word matching looks up only one-character question words (做, 管, 户) here; at 100k chunks every
    question meets ~50 sentences not seen before, and cutting them all was ~5 ms of an answer.
    """

    __slots__ = ("_text", "_norm", "_cut")

    def __init__(self, text: str, norm: str) -> None:
        self._text = text
        self._norm = norm
        self._cut: frozenset[str] | None = None

    def _tokens(self) -> frozenset[str]:
        if self._cut is None:
            self._cut = frozenset(tokenize_cached(self._text))
        return self._cut

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and word in self._norm and word in self._tokens()

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._tokens())

    def __len__(self) -> int:
        return len(self._tokens())


class LazyText(SentenceText):
    """A sentence prepared for matching whose tokens are cut only when needed (see ``_Tokens``)."""

    __slots__ = ("_lazy",)

    def __init__(self, text: str) -> None:  # noqa: D107 - SentenceText's fields, tokens deferred
        self.norm = normalize(text)
        self._lazy = _Tokens(text, self.norm)

    @property  # type: ignore[override]
    def tokens(self) -> _Tokens:  # type: ignore[override]
        return self._lazy


@dataclass(frozen=True)
class SourceSentence:
    """One sentence of an article; ``text == article.text[start:end]``."""

    doc_id: str
    title: str
    date: dt.date
    text: str
    start: int
    end: int
    heading: str
    topics: tuple[str, ...]
    region: tuple[str, ...]
    norm: str  # normalize(text), for substring matching
    # The first sentence of the paragraph ("" when this is it): it often names who or where the rest is about.
    # Within a chunk: a chunk that starts inside a paragraph gives its first sentence as the lead.
    lead: str = ""
    # The paragraph's first sentence where the chunk started inside it ("" otherwise): "辽源市邮政管理局积极部署……" for
    # "…做好春节“不打烊”工作" two chunks on. Only the place checks read it (``answer._about_another`` and
    # ``answer._names_place_around``).
    opening: str = ""


def prepared_text(s: SourceSentence) -> SentenceText:
    return LazyText(s.text)


def prepared_context(s: SourceSentence) -> SentenceText:
    # An article about one place is about it throughout; one listing several cities is not about each.
    places = " ".join(s.region) if len(s.region) <= 1 else ""
    return LazyText(f"{s.title} {s.heading} {s.lead} {places}")


def source_sentence(chunk: Any, start: int, end: int, lead: str, opening: str = "") -> SourceSentence:
    """The unit ``chunk.text[start:end]`` with article offsets; ``lead`` opens its paragraph in the chunk, ``opening``
    in the article when that is another sentence."""
    text = chunk.text[start:end]
    return SourceSentence(
        doc_id=chunk.doc_id,
        title=chunk.title,
        date=chunk.date,
        text=text,
        start=chunk.start + start,
        end=chunk.start + end,
        heading=chunk.heading,
        topics=chunk.topics,
        region=chunk.region,
        norm=normalize(text),
        lead="" if lead == text else lead,
        opening="" if opening in (lead, text) else opening,
    )
