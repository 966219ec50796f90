"""Chinese sentence-aware chunking that keeps every chunk's offsets into its article.

A chunk is a run of whole sentences (never cut inside a sentence or a number such as
"2.8%") of at most ``size`` characters, overlapping its neighbour by ``overlap`` whole
sentences, and never crossing a heading. ``chunk.text == document.text[chunk.start:chunk.end]``
so a citation can quote the source exactly.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.types import Chunk, Document

# A sentence ends at one of these, plus any closing quotes or brackets right after it.
_SENTENCE_END = re.compile(r"(?:[。！？；!?;]|…{1,2}|\.{3,6})+[”’」』）)\]】\"']*")
_HEADING = re.compile(r"^(#{1,6})\s+(.*\S)\s*$")


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int
    end: int
    heading: str = ""


def is_han(ch: str) -> bool:
    """Whether ``ch`` is a CJK unified ideograph (a Chinese character of the basic block)."""
    return "\u4e00" <= ch <= "\u9fff"


def normalize(text: str) -> str:
    """Fold full-width/half-width variants (％/%, ０-９, （/() and case, for matching only.

    >>> normalize("２．８％（以上）")
    '2.8%(以上)'
    """
    return unicodedata.normalize("NFKC", text).lower()


def _split_line(line: str, offset: int, heading: str) -> list[Sentence]:
    sentences: list[Sentence] = []
    pos = 0
    for match in _SENTENCE_END.finditer(line):
        end = match.end()
        _append_trimmed(sentences, line, pos, end, offset, heading)
        pos = end
    _append_trimmed(sentences, line, pos, len(line), offset, heading)
    return sentences


def _append_trimmed(out: list[Sentence], line: str, start: int, end: int, offset: int, heading: str) -> None:
    piece = line[start:end]
    stripped = piece.strip()
    if not stripped:
        return
    lead = len(piece) - len(piece.lstrip())
    s = offset + start + lead
    out.append(Sentence(stripped, s, s + len(stripped), heading))


def split_sentences(text: str, title: str = "") -> list[Sentence]:
    """Split an article body into sentences with offsets; Markdown heading lines set the heading path.

    >>> [s.text for s in split_sentences("# 标题\\n\\n第一句。第二句！“第三句？”\\n")]
    ['第一句。', '第二句！', '“第三句？”']
    """
    sentences: list[Sentence] = []
    headings: dict[int, str] = {}
    offset = 0
    for line in text.splitlines(keepends=True):
        match = _HEADING.match(line.rstrip("\n"))
        if match:
            level = len(match.group(1))
            headings = {lvl: h for lvl, h in headings.items() if lvl < level}
            headings[level] = match.group(2)
        else:
            path = [h for _, h in sorted(headings.items())]
            if title and path and path[0] == title:
                path = path[1:]
            heading = " > ".join([title, *path] if title else path)
            sentences.extend(_split_line(line.rstrip("\n"), offset, heading))
        offset += len(line)
    return sentences


def chunk_document(doc: Document, size: int = 300, overlap: int = 1) -> list[Chunk]:
    """Group a document's sentences into chunks of at most ``size`` characters.

    A single sentence longer than ``size`` becomes a chunk of its own rather than being cut.
    """
    if size <= 0:
        raise ValueError("chunk size must be positive.")
    if overlap < 0:
        raise ValueError("chunk overlap must not be negative.")
    sentences = split_sentences(doc.text, doc.title)
    groups: list[list[Sentence]] = []
    current: list[Sentence] = []
    for sentence in sentences:
        if current and (sentence.heading != current[0].heading or sentence.end - current[0].start > size):
            groups.append(current)
            same_section = sentence.heading == current[0].heading
            keep = current[-overlap:] if overlap and same_section and len(current) > overlap else []
            while keep and sentence.end - keep[0].start > size:
                keep = keep[1:]
            current = list(keep)
        current.append(sentence)
    if current:
        groups.append(current)
    chunks = []
    for i, group in enumerate(groups):
        start, end = group[0].start, group[-1].end
        chunks.append(
            Chunk(
                chunk_id=f"{doc.doc_id}#{i}",
                doc_id=doc.doc_id,
                title=doc.title,
                date=doc.date,
                text=doc.text[start:end],
                start=start,
                end=end,
                heading=group[0].heading,
                topics=doc.topics,
                region=doc.region,
            )
        )
    return chunks
