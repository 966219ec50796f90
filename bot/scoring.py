"""Scoring the sentences of the retrieved chunks against a question: words, context, kind, meaning.

Split from ``bot.answer`` (which composes the answer from the best of them). Every question word is
matched against every sentence, its paragraph context and its article title; this is the hot loop of
answering, so the question's words are prepared once (``Credits``, ``WordPlan``) and per-sentence facts that
depend on the question only through its kind or unit are cached.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter, mul

import numpy as np

from bot.condense import places
from bot.evidence import SentenceBank
from bot.lexicon import CharIndex, SentenceText, match, word_plan
from bot.question import (
    DEFINITION,
    QuestionInfo,
    asked_unit,
    asks_procedure,
    count_score,
    satisfies,
    states_procedure,
)
from bot.question_focus import done_for_actor, manner_pattern
from bot.retrieve import LARGE_BASE_CHUNKS
from bot.types import Hit

# How many retrieved chunks the answerer reads sentences from.
READ_HITS = 8
# The top hits whose neighbouring chunks of the same article are read too.
NEIGHBOUR_HITS = 2
# Sentences embedded per question: the best by everything but meaning (words, context, kind, rank). The
# 8 chunks read hold ~40-80 sentences and embedding one costs ~0.7 ms, which made a whole answer 87 ms p95
# at 100k chunks. Dense similarity is 0.4 of a score, so a sentence far down on words does not catch up:
# on the dev split 12 gave the same answers as embedding all, at 100k chunks and on the seed (8 changed one).
DENSE_CANDIDATES = 12
DENSE_WEIGHT = 0.4


@dataclass(slots=True)  # ~30 made a question: slots make them cheaper to build and read
class Scored:
    sid: int
    score: float
    lexical: float  # weighted share of the question's words in the sentence
    context: float  # the same, counting the title, heading and paragraph lead too
    dense: float
    kind_ok: bool
    rank: int
    counted: float = 0.0  # count_score: 0.2 when it counts what is asked about in the unit asked


_SCORE = attrgetter("score")


def word_weights(bank: SentenceBank, words: Sequence[str]) -> dict[str, float]:
    return {w: bank.weight(w) for w in words}


class Credits:
    """The question's words matched against many texts, as tuples in word order.

    Scoring matches every question word against every sentence, its paragraph context and its title
    (~80 sentences a question); a text seen before (a paragraph lead or title that many sentences share)
    is matched once.
    """

    __slots__ = ("words", "weights", "total", "_matchers", "_memo", "_covered", "_bits", "_mask", "_masked", "_zeros")

    def __init__(self, weights: dict[str, float], remember: bool = False, index: CharIndex | None = None) -> None:
        self.words = tuple(weights)
        self.weights = tuple(weights.values())
        self.total = sum(self.weights)
        # ``remember``: the texts are a small base's, kept for good, so each word may remember its matches across
        # questions (a large base's sentences come and go; remembering them would keep them alive).
        plans = [word_plan(w) for w in self.words]
        self._matchers = tuple(plan.match_prepared if remember else plan.match for plan in plans)
        self._memo: dict[str, tuple[float, ...]] = {}
        self._covered: dict[str, float] = {}
        # ``index``: a small base's texts by character; those no word could match get zeros without matching.
        self._bits = index.bits if index is not None else None
        self._mask = 0
        masks = [index.could_match(plan) for plan in plans] if index is not None else []
        for mask in masks:
            self._mask |= mask
        # Each word with the texts it could match: a text most words cannot match meets only the others' matchers.
        self._masked = tuple(zip(self._matchers, masks, strict=True)) if index is not None else ()
        self._zeros = (0.0,) * len(plans)

    def of(self, text: SentenceText) -> tuple[float, ...]:
        found = self._memo.get(text.norm)
        if found is None:
            bits = self._bits
            if bits is not None:
                bit = bits.get(text.norm)
                if bit is not None:
                    one = 1 << bit
                    if not self._mask & one:
                        found = self._memo[text.norm] = self._zeros  # each word's match would be 0.0
                    else:
                        # A word none of whose needles the text could hold matches it 0.0 (``CharIndex``): only the
                        # rest are matched (most texts a question reads could hold one or two of its ~7 words).
                        found = self._memo[text.norm] = tuple(
                            [match(text) if mask & one else 0.0 for match, mask in self._masked]
                        )
                    return found
            # A list comprehension over bound methods: a generator fed to tuple() cost a third more here.
            found = self._memo[text.norm] = tuple([match(text) for match in self._matchers])
        return found

    def covered(self, text: SentenceText) -> float:
        """``coverage_of`` the words by one text (memoised like ``of``: paragraph contexts and titles recur)."""
        found = self._covered.get(text.norm)
        if found is None:
            found = self._covered[text.norm] = (
                sum(map(mul, self.weights, self.of(text))) / self.total if self.total > 0 else 0.0
            )
        return found

    def credit(self, texts: Sequence[SentenceText]) -> dict[str, float]:
        """``credit_of`` for these words, from what was matched already: the answerer weighs again the sentences
        scoring matched (a text's tokens follow from its normalised form, so the memo is keyed by that)."""
        rows = [self.of(t) for t in texts]
        if len(rows) == 1:
            return dict(zip(self.words, rows[0], strict=True))
        return {w: max((row[k] for row in rows), default=0.0) for k, w in enumerate(self.words)}


def credit_of(weights: dict[str, float], texts: Sequence[SentenceText]) -> dict[str, float]:
    """Per question word, the best match (0..1) over the given texts."""
    return {w: max((match(w, t) for t in texts), default=0.0) for w in weights}


def coverage_of(weights: dict[str, float], credit: dict[str, float]) -> float:
    """Weighted share of the question's words that a text contains; 0 for a question that names nothing
    ("请问一下", "是真的吗"): no sentence can be shown to answer it."""
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    return sum(weights[w] * credit[w] for w in weights) / total


def score_sentences(
    bank: SentenceBank,
    hits: list[Hit],
    info: QuestionInfo,
    weights: dict[str, float],
    qvec: np.ndarray,
    required: Sequence[str] = (),
    credits: Credits | None = None,
    stay_in: Sequence[str] = (),
) -> list[Scored]:
    """Score every sentence of the top chunks: word coverage, context coverage, dense similarity, answer kind.

    Only the ``DENSE_CANDIDATES`` best by the other signals are embedded; the rest keep dense 0 and stay
    behind them. ``required`` (a place) keeps only sentences about it, before the candidates are chosen.
    ``credits`` (made from ``weights``) lets the caller reuse the words matched here. ``stay_in``: the articles a
    follow-up naming nothing of its own is about (``answer.draft_answer``).
    """
    ids: list[int] = []
    rank_of: dict[int, int] = {}
    for rank, hit in enumerate(hits[:READ_HITS]):
        for sid in bank.sentences_for_chunk(hit.chunk.chunk_id):
            if sid not in rank_of:
                rank_of[sid] = rank
                ids.append(sid)
    for rank, hit in enumerate(hits[:NEIGHBOUR_HITS]):
        # The best article's fact is often in the chunk next to the one that matched (a count after
        # the paragraph that names the programme); in a large base look-alikes crowd that chunk out.
        for chunk_id in bank.neighbour_chunks(hit.chunk.chunk_id):
            for sid in bank.sentences_for_chunk(chunk_id):
                if sid not in rank_of:
                    rank_of[sid] = rank + 1
                    ids.append(sid)
    if hits and len(bank.index.chunks) > LARGE_BASE_CHUNKS:
        # The best hit's article is read whole, after the hits: in a large base look-alike copies of its paragraphs
        # take the places of the chunks that hold the sentences answering with it ("此次督导帮扶工作由…组成的5个帮扶
        # 工作组，分赴9个地区" beside copies of "到省里拿出方案指导…"). A small base's hits are its articles' chunks.
        for chunk_id in bank.article_chunks(hits[0].chunk.chunk_id):
            for sid in bank.sentences_for_chunk(chunk_id):
                if sid not in rank_of:
                    rank_of[sid] = READ_HITS
                    ids.append(sid)
    if stay_in:
        # "分了几个组" after "专家呢" on the 督导帮扶 report: a follow-up naming nothing of its own is about the article
        # the conversation is in, whose passage its words alone did not find ("吉林市…成立5个督导组" was): it is read
        # whole, after the hits.
        for doc_id in stay_in:
            for chunk_id in bank.doc_chunks(doc_id):
                for sid in bank.sentences_for_chunk(chunk_id):
                    if sid not in rank_of:
                        rank_of[sid] = READ_HITS
                        ids.append(sid)
    if required:
        ids = [sid for sid in ids if about_place(bank, sid, required)]
    if not ids:
        return []
    unit, noun = asked_unit(info.norm)
    # Names may come from the paragraph or title, but not the doer of "供电所给他们干啥了": every sentence of the
    # article has 供电所 in its title; the answer is the one saying what it did.
    actor = done_for_actor(info.norm, tuple(weights))
    names = {w for w in weights if is_name(w)} - actor
    asked_places = {m.group(1) for m in places(info.norm)}
    credits = credits or Credits(weights, remember=bank.eager, index=bank.char_index)
    manner = manner_pattern(info.norm, tuple(weights))
    named_word = tuple(w in names for w in credits.words)
    doer = tuple(w in actor for w in credits.words)
    # "绑定几个人": a sentence with some number is not an answer; it must count people.
    must_count = info.kind == "number" and unit and (unit != "个" or noun[:1] == "人")
    # The loop below runs for every sentence read (~30 a question): what it looks up is bound once here, and the
    # coverage sums (``coverage_of`` over credits in word order) are written out: ~3 calls fewer a sentence.
    credit, covered, row = credits.of, credits.covered, bank.row
    weighted, total = credits.weights, credits.total
    kind, define = info.kind, info.define
    wordless: dict[Hashable, tuple[float, float]] = {}  # a wordless sentence's (ctx, fit), by its context and title
    # Per-sentence facts that depend on the question only through its kind or unit, remembered by sentence text in
    # plain dicts picked once here (one look-up a sentence instead of an lru_cache hit, which writes bookkeeping).
    satisfied = _SATISFIED.get(kind)
    if satisfied is None:
        satisfied = _SATISFIED.setdefault(kind, {})
    counts = _counts_for(unit, noun) if unit else None
    # "咋把老伴绑到我的个人账户上": the sentence that tells the steps (through which account, what to register) answers
    # it, not one that only says what a bound family member may pay for.
    steps = _SATISFIED.setdefault("procedure", {}) if kind == "how" and asks_procedure(info.norm) else None
    out = []
    for sid in ids:
        # Names (辽源, 邮政管理局) may come from the paragraph (context), and the article's subject (红旗H6) from its
        # title; what is asked must be in the sentence itself.
        s, text, context, title, pair = row(sid)
        norm = s.norm
        own = credit(text)
        if not any(own):
            # Most sentences read (~60 %) have none of the question's words: their context and title alone count,
            # and those recur from sentence to sentence. The same sums as below (max(0.0, c) is c; 0.0 weighs 0.0).
            lex = 0.0
            found = wordless.get(pair)
            if found is None:
                ctx = covered(context)
                if not names and not actor:
                    fit = covered(title)
                else:
                    fit = _named_fit(credit(context), credit(title), named_word, doer, weighted, total)
                wordless[pair] = (ctx, fit)
            else:
                ctx, fit = found
        else:
            both = tuple(map(max, own, credit(context)))
            titled = credit(title)
            if actor:
                fitted: Iterable[float] = (
                    o if d else (b if n else (t if t > o else o))  # max(o, t), without the call
                    for b, n, d, o, t in zip(both, named_word, doer, own, titled, strict=True)
                )
            elif names:
                fitted = (b if n else (t if t > o else o) for b, n, o, t in zip(both, named_word, own, titled, strict=True))
            else:
                fitted = map(max, own, titled)
            if total > 0:
                lex = sum(map(mul, weighted, own)) / total
                ctx = sum(map(mul, weighted, both)) / total
                fit = sum(map(mul, weighted, fitted)) / total
            else:
                lex = ctx = fit = 0.0
        if counts is None:
            counted = 0.0  # count_score of a question asking no unit
        else:
            counted = counts.get(norm, -1.0)
            if counted < 0.0:
                counted = _remember(counts, norm, count_score(unit, noun, norm))
        kind_ok = satisfied.get(norm)
        if kind_ok is None:
            kind_ok = _remember(satisfied, norm, satisfies(kind, norm))  # type: ignore[arg-type]
        kind_ok = kind_ok and (not must_count or counted > 0)
        rank = rank_of[sid]
        score = 0.45 * fit + 0.15 * ctx + (0.08 if kind_ok else 0.0) + 0.03 / (1 + rank)
        score += counted
        if asked_places:
            # "长春…检查了哪些分拨中心": a sentence about 吉林市 is about the wrong city.
            named = places_named(norm, s.lead)
            if named and not named & asked_places:
                score -= 0.15
        if define and DEFINITION.search(norm):
            score += 0.08
        if manner is not None and manner.search(norm):
            score += 0.08
        if steps is not None:
            told = steps.get(norm)
            if told is None:
                told = _remember(steps, norm, states_procedure(norm))
            if told:
                score += 0.08
        out.append(Scored(sid, score, lex, ctx, 0.0, kind_ok, rank, counted))
    # Best first; ``reverse`` keeps equal scores in reading order, as a key of minus the score did (stable sort).
    out.sort(key=_SCORE, reverse=True)
    top = out[:DENSE_CANDIDATES]
    for cand, d in zip(top, (bank.vectors([c.sid for c in top]) @ qvec).tolist(), strict=True):
        cand.dense = d  # tolist() gives the float of each float32, as float() of it does
        cand.score += DENSE_WEIGHT * cand.dense
    out.sort(key=_SCORE, reverse=True)
    return out


def _named_fit(
    context: tuple[float, ...],
    title: tuple[float, ...],
    named_word: tuple[bool, ...],
    doer: tuple[bool, ...],
    weighted: tuple[float, ...],
    total: float,
) -> float:
    """``score_sentences``' fit of a sentence with none of the question's words (every own credit 0.0), when
    names or a doer count: a name from the context, the doer nowhere, any other word from the title."""
    if total <= 0:
        return 0.0
    fitted = (0.0 if d else (c if n else t) for c, t, n, d in zip(context, title, named_word, doer, strict=True))
    return sum(map(mul, weighted, fitted)) / total


# Per-sentence facts that depend on the question only through its kind or unit: the same sentences come back
# for question after question, and these regular expressions were a fifth of scoring them (measured). Kept by
# kind (or unit and noun), then sentence text; ``_FACTS`` entries in all at most (~100 bytes each), past that
# worked out each time, as ``WordPlan.match_prepared`` does.
_FACTS = 65536
_facts_budget = _FACTS
_SATISFIED: dict[str, dict[str, bool]] = {}
_COUNTED: dict[tuple[str, str], dict[str, float]] = {}


def _counts_for(unit: str, noun: str) -> dict[str, float]:
    found = _COUNTED.get((unit, noun))
    if found is None:
        found = _COUNTED.setdefault((unit, noun), {})
    return found


def _remember(store: dict, key: str, value):  # type: ignore[no-untyped-def,type-arg]
    global _facts_budget
    if _facts_budget > 0:
        _facts_budget -= 1  # approximate under threads; it only bounds memory
        store[key] = value
    return value


@lru_cache(maxsize=32768)
def places_named(sentence_norm: str, lead: str) -> frozenset[str]:
    """The places a sentence or its paragraph's opening names."""
    return frozenset(m.group(1) for m in places(f"{sentence_norm} {lead}"))


_NAME_SUFFIX = re.compile(r"(?:局|站|所|公司|分社|社|厅|中心|园区|油田|镇|县|市|区|村)$")


@lru_cache(maxsize=8192)  # a question's words, again and again
def is_name(word: str) -> bool:
    """A place or organisation: the paragraph or title may supply it for a sentence."""
    return bool(places(word)) or bool(_NAME_SUFFIX.search(word))


def about_place(bank: SentenceBank, sid: int, words: Sequence[str]) -> bool:
    """Whether a sentence is about ``words`` (a place): it, its paragraph's opening or its one-place article
    names them (see ``SentenceBank.context``)."""
    texts = [bank.text(sid), bank.context(sid)]
    return all(max(match(w, t) for t in texts) >= 0.8 for w in words)
