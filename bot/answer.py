"""Extractive answering: pick the source sentences that answer the question and quote them with [n] markers.

No language model: the answer is made of the article's own sentences, so numbers, percentages, dates and
names are exactly as in the source. The only rewrites are a 可以/不可以 opener for yes/no questions and
relative dates made absolute ("今年1月1日起" -> "2023年1月1日起"); ``verify`` checks that every piece of
the text still comes from the quote it cites.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import numpy as np

from bot.dates import absolutise
from bot.evidence import SentenceBank, SourceSentence
from bot.question import QuestionInfo, satisfies
from bot.types import Citation, Hit

MARKER = re.compile(r"\[\d+\]")
_CLAUSE_END = re.compile(r"[，,；;：:]")
_END_PUNCT = "。！？；!?;…"
_ABILITY = re.compile(r"能|可以|可|行|给|让|管")
_NEGATIVE = re.compile(r"不能|不得|不可以|不可|不予|无法|禁止|不允许|不包括|不属于|不能够")
_POSITIVE = re.compile(r"可以|可由|可通过|可使用|还可|即可|能够|均可|都可|可实现|纳入|可用于|用于")
# How many retrieved chunks the answerer reads sentences from.
READ_HITS = 5


@dataclass
class Scored:
    sid: int
    score: float
    lexical: float
    dense: float
    kind_ok: bool
    rank: int


@dataclass
class Segment:
    """A piece of the answer text: ``source`` is an exact substring of the sentence it cites."""

    sentence: SourceSentence
    source: str
    display: str
    n: int = 0


@dataclass
class Draft:
    """What the answerer found, before the abstention decision."""

    segments: list[Segment] = field(default_factory=list)
    scored: list[Scored] = field(default_factory=list)
    coverage: float = 0.0
    best_dense: float = 0.0
    best_lexical: float = 0.0
    kind_ok: bool = False
    opener: str = ""


def word_weights(bank: SentenceBank, words: list[str]) -> dict[str, float]:
    return {w: bank.idf(w) for w in words}


def _matches(word: str, tokens: set[str], norm: str) -> bool:
    return word in tokens or (len(word) >= 2 and word in norm)


def coverage(weights: dict[str, float], tokens: set[str], norm: str) -> float:
    """IDF-weighted share of the question's words that a text contains."""
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    return sum(w for word, w in weights.items() if _matches(word, tokens, norm)) / total


def score_sentences(
    bank: SentenceBank, hits: list[Hit], info: QuestionInfo, weights: dict[str, float], qvec: np.ndarray
) -> list[Scored]:
    """Score every sentence of the top chunks: lexical coverage (IDF), dense similarity, answer kind, rank."""
    ids: list[int] = []
    rank_of: dict[int, int] = {}
    for rank, hit in enumerate(hits[:READ_HITS]):
        for sid in bank.sentences_for_chunk(hit.chunk.chunk_id):
            if sid not in rank_of:
                rank_of[sid] = rank
                ids.append(sid)
    if not ids:
        return []
    dense = bank.vectors(ids) @ qvec
    out = []
    for sid, d in zip(ids, dense, strict=True):
        s = bank.sentences[sid]
        context = f"{s.title} {s.heading} {s.norm}"
        lex = coverage(weights, set(bank.tokens(sid)), context)
        kind_ok = satisfies(info.kind, s.norm)
        score = 0.5 * lex + 0.5 * float(d) + (0.08 if kind_ok else 0.0) + 0.04 / (1 + rank_of[sid])
        out.append(Scored(sid, score, lex, float(d), kind_ok, rank_of[sid]))
    out.sort(key=lambda x: -x.score)
    return out


def _clauses(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for m in _CLAUSE_END.finditer(text):
        spans.append((pos, m.end()))
        pos = m.end()
    if pos < len(text):
        spans.append((pos, len(text)))
    return spans


def _trim(sentence: SourceSentence, weights: dict[str, float], info: QuestionInfo, budget: int) -> str:
    """The best contiguous run of clauses of a long sentence that fits ``budget`` characters."""
    text = sentence.text
    if len(text) <= budget:
        return text
    spans = _clauses(text)
    best, best_score = text[:budget], -1.0
    for i in range(len(spans)):
        for j in range(i, len(spans)):
            start, end = spans[i][0], spans[j][1]
            if end - start > budget:
                break
            piece = text[start:end]
            norm = piece.lower()
            score = coverage(weights, set(), norm) + (0.3 if satisfies(info.kind, norm) else 0.0) - 0.001 * i
            if score > best_score:
                best, best_score = piece, score
    return best


def _opener(info: QuestionInfo, sentence: SourceSentence) -> str:
    if not info.yesno or not _ABILITY.search(info.norm):
        return ""
    if _NEGATIVE.search(sentence.text):
        return "不可以。"
    if _POSITIVE.search(sentence.text):
        return "可以。"
    return ""


def draft_answer(
    bank: SentenceBank,
    hits: list[Hit],
    info: QuestionInfo,
    weights: dict[str, float],
    qvec: np.ndarray,
    *,
    budget: int,
    max_sentences: int,
) -> Draft:
    """Choose up to ``max_sentences`` sentences (best first, shown in source order) within ``budget`` chars."""
    scored = score_sentences(bank, hits, info, weights, qvec)
    draft = Draft(scored=scored)
    if not scored:
        return draft
    best = scored[0]
    draft.best_dense, draft.best_lexical = best.dense, best.lexical
    chosen = [best]
    covered = {w for w in weights if _matches(w, set(bank.tokens(best.sid)), bank.sentences[best.sid].norm)}
    first = bank.sentences[best.sid]
    used = min(len(first.text), budget)
    for cand in scored[1:12]:
        if len(chosen) >= max_sentences:
            break
        s = bank.sentences[cand.sid]
        if s.doc_id != first.doc_id or used + len(s.text) > budget:
            continue
        new = {w for w in weights if w not in covered and _matches(w, set(bank.tokens(cand.sid)), s.norm)}
        new_weight = sum(weights[w] for w in new)
        strong = cand.score >= 0.9 * best.score
        fills_kind = not best.kind_ok and cand.kind_ok
        if (new_weight > 0 and cand.score >= 0.7 * best.score) or strong or fills_kind:
            chosen.append(cand)
            covered |= new
            used += len(s.text)
    chosen.sort(key=lambda c: (bank.sentences[c.sid].doc_id, bank.sentences[c.sid].start))
    union_tokens: set[str] = set()
    union_norm = []
    for c in chosen:
        s = bank.sentences[c.sid]
        union_tokens.update(bank.tokens(c.sid))
        union_norm.append(f"{s.title} {s.heading} {s.norm}")
        source = _trim(s, weights, info, budget) if len(chosen) == 1 else s.text
        draft.segments.append(Segment(s, source, absolutise(source, s.date)))
    draft.coverage = coverage(weights, union_tokens, " ".join(union_norm))
    draft.kind_ok = any(c.kind_ok for c in chosen)
    draft.opener = _opener(info, bank.sentences[best.sid])
    return draft


def render(draft: Draft) -> tuple[str, list[Citation]]:
    """Answer text with [n] markers (before a sentence's closing punctuation) and the numbered citations."""
    parts = [draft.opener] if draft.opener else []
    citations: list[Citation] = []
    for seg in draft.segments:
        s = seg.sentence
        seg.n = len(citations) + 1
        citations.append(Citation(seg.n, s.doc_id, s.title, s.date, s.text, s.start, s.end))
        display = seg.display
        if seg.source != s.text and not display.endswith(tuple(_END_PUNCT)):
            display = display.rstrip("，,；;：:") + "…"
        if display and display[-1] in _END_PUNCT:
            parts.append(f"{display[:-1]}[{seg.n}]{display[-1]}")
        else:
            parts.append(f"{display}[{seg.n}]")
    return "".join(parts), citations


def verify(draft: Draft) -> Draft:
    """Keep only segments whose text is still an exact piece of the cited sentence (after date rewriting)."""
    kept = [
        seg
        for seg in draft.segments
        if seg.source
        and seg.source in seg.sentence.text
        and seg.display == absolutise(seg.source, seg.sentence.date)
    ]
    draft.segments = kept
    return draft


def body_length(text: str) -> int:
    """Characters a resident reads, without [n] markers."""
    return len(MARKER.sub("", text))


def newest_date(citations: list[Citation]) -> dt.date | None:
    return max((c.date for c in citations), default=None)
