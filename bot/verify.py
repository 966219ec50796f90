"""Check that each sentence an LLM wrote is backed by the numbered source it cites.

An LLM answer is split into claims (``bot.claims``: one sentence each, with its ``[n]`` markers). A claim is
supported by a source passage when one sentence of that passage (or two adjacent ones, for a
claim that joins them) passes every test:

- lexical: the claim's content words (jieba, ``bot.words``) are covered by the source sentence,
  in every clause, with no long run of words the source lacks;
- semantic: the embedding of the claim is close to the source sentence's;
- numbers: every number, percentage and date part in the claim appears in the source (full- and
  half-width folded by ``normalize``), so "2.8%" never turns into "2.5%" unnoticed;
- names: every place, organisation and product name in the claim appears in the source (or its
  title), so "松原" is not quietly swapped for "长春";
- polarity: a negation the claim adds ("不可以") or drops ("不再局限于" -> "局限于") rejects it.

The supporting source sentence is returned with its offsets in the article, so the citation
quotes it exactly.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Protocol

import numpy as np

from bot.chunk import normalize, split_sentences
from bot.claims import CLAUSE, CN_NUMBER, NUMBER, Claim, clause_runs, cn_to_int
from bot.types import Citation
from bot.words import content_words, proper_nouns, tokenize_cached

# Thresholds, tuned on paraphrases and hallucinations of the seed articles (tests/test_verify.py).
MIN_LEXICAL = 0.6  # share of the claim's content (by characters) found in the source sentence
MIN_CLAUSE = 0.5  # the same share for every clause of the claim
# Only a claim whose words the sentence almost fully has may be compared clause by clause: with
# looser wording, a clause naming the same service ("吉林医保公共服务") lends its similarity to an
# invented procedure ("在…公众号上挂失补办").
CLAUSE_RESCUE_LEXICAL = 0.85
MAX_NOVEL_RUN = 4  # consecutive content characters of the claim the source lacks ("社区开证明" = 5)
MIN_SEMANTIC = 0.55  # cosine between claim and source sentence embeddings
# A claim citing the wrong source is moved to the right one only on stronger evidence.
MIN_REATTRIBUTE = 0.75

# Words an answer adds around a quoted fact ("根据资料，…") that say nothing about the facts.
_FILLER_WORDS = (
    "根据 资料 来源 材料 信息 显示 介绍 提到 表示 指出 据 据悉 获悉 相关 具体 方面 情况 内容 居民 市民 朋友 "
    "您好 回答 问题 另外 此外 同时 其中 主要 包括 以及 通过 进行 可 需 需要 即可 就是 所以 因此 如果 的话"
)
_FILLER = frozenset(_FILLER_WORDS.split())
_NEGATION = re.compile(
    r"(不得|不再|不能|不可|不予|不会|不是|不用|不需|不要|无需|无须|没有|禁止|严禁|未|不|没)(\w{2})"
)


class Encoder(Protocol):
    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray: ...


@dataclass(frozen=True)
class Support:
    """The source sentence(s) backing a claim, with offsets into the article and the evidence."""

    passage: int  # index into the passages list (0-based)
    quote: str
    start: int
    end: int
    lexical: float
    semantic: float
    weakest_clause: float
    novel_run: int
    numbers_ok: bool
    polarity_ok: bool
    names_ok: bool = True
    sentences: int = 1

    @property
    def score(self) -> float:
        return 0.5 * self.lexical + 0.5 * self.semantic

    @property
    def supported(self) -> bool:
        return (
            self.numbers_ok
            and self.polarity_ok
            and self.names_ok
            and self.lexical >= MIN_LEXICAL
            and self.weakest_clause >= MIN_CLAUSE
            and self.novel_run <= MAX_NOVEL_RUN
            and self.semantic >= MIN_SEMANTIC
        )


@dataclass(frozen=True)
class _Text:
    """What the checks need of one text, computed once: a claim is compared with many windows."""

    norm: str
    tokens: frozenset[str]
    numbers: frozenset[str]
    negations: tuple[tuple[str, str], ...]


@lru_cache(maxsize=4096)
def _features(text: str) -> _Text:
    norm = normalize(text)
    return _Text(
        norm,
        frozenset(tokenize_cached(text)),
        frozenset(NUMBER.findall(norm)),
        tuple(_NEGATION.findall(norm)),
    )


@lru_cache(maxsize=1024)
def _claim_words(claim: str) -> tuple[str, ...]:
    return tuple(w for w in content_words(claim) if w not in _FILLER)


@lru_cache(maxsize=1024)
def _claim_names(claim: str) -> tuple[str, ...]:
    return tuple(proper_nouns(claim))


def _numbers_supported(claim: _Text, source: _Text, date: dt.date) -> bool:
    """Every number in the claim appears in the source; the article date's parts count as source."""
    available = source.numbers | {str(date.year), str(date.month), str(date.day)}
    bare = {n.rstrip("%") for n in available}
    for number in claim.numbers:
        if number.endswith("%") and number not in available:
            return False
        if not number.endswith("%") and number not in bare:
            return False
    for numeral in CN_NUMBER.findall(claim.norm):
        value = cn_to_int(numeral)
        if numeral not in source.norm and (value is None or str(value) not in bare):
            return False
    return True


def _polarity_agrees(claim: _Text, source: _Text) -> bool:
    """A negated phrase must keep its negation: neither added by the claim nor dropped from the source."""
    source_negated = {word for _, word in source.negations}
    claim_negated = {word for _, word in claim.negations}
    for neg, word in claim.negations:
        if neg + word not in source.norm and word not in source_negated:
            return False
    return all(word not in claim.norm or word in claim_negated for word in source_negated)


@dataclass(frozen=True)
class Lexical:
    """How much of a claim the source's words account for."""

    coverage: float  # share of the claim's content characters found in the source
    weakest_clause: float  # the same share for the claim's least-covered clause
    novel_run: int  # longest run of consecutive content characters the source does not have


@lru_cache(maxsize=8192)
def lexical_support(claim: str, source: str) -> Lexical:
    """Coverage of the claim's content words by the source, overall, per clause and as novel runs.

    Counted on characters of the claim, not on tokens: search-mode jieba yields "长春市" and "长春"
    for the same three characters, which must not count twice. A word counts when it is a source
    token or a substring of the source text, so a different segmentation still counts. The
    clause and run figures catch the commonest hallucination, a true sentence with an invented
    condition attached ("…共用共享，但仅限直系亲属", "…需要到社区开证明"), which overall
    coverage alone lets through.
    """
    norm_claim = normalize(claim)
    src = _features(source)
    content = [False] * len(norm_claim)
    covered = [False] * len(norm_claim)
    for word in _claim_words(claim):
        present = word in src.tokens or word in src.norm
        start = norm_claim.find(word)
        while start >= 0:
            for i in range(start, start + len(word)):
                content[i] = True
                covered[i] = covered[i] or present
            start = norm_claim.find(word, start + 1)
    total = sum(content)
    if not total:
        return Lexical(0.0, 0.0, 0)
    weakest = 1.0
    pos = 0
    for clause in CLAUSE.findall(norm_claim):
        span = range(pos, pos + len(clause))
        pos += len(clause)
        clause_content = sum(content[i] for i in span)
        if clause_content >= 2:
            weakest = min(weakest, sum(covered[i] for i in span) / clause_content)
    run = longest = 0
    for is_content, is_covered in zip(content, covered, strict=True):
        run = run + 1 if is_content and not is_covered else 0
        longest = max(longest, run)
    return Lexical(sum(covered) / total, weakest, longest)


def lexical_coverage(claim: str, source: str) -> float:
    """Share of the claim's content characters that belong to words the source also has."""
    return lexical_support(claim, source).coverage


def _names_supported(claim: str, source: _Text, title: str) -> bool:
    """Every place, organisation and product name in the claim appears in the source or its title."""
    norm_title = normalize(title)
    return all(name in source.norm or name in norm_title for name in _claim_names(claim))


@dataclass(frozen=True)
class _Window:
    passage: int
    text: str
    start: int  # article offsets
    end: int
    sentences: int = 1


class Verifier:
    """Scores claims against the sentences of numbered source passages.

    Built once per answer: the passages' sentences are embedded in one batch, each claim then
    costs one more embedding.
    """

    def __init__(self, passages: list[Citation], embeddings: Encoder) -> None:
        self.passages = passages
        self._embeddings = embeddings
        self._windows: list[list[_Window]] = []
        self._vectors: list[np.ndarray] = []
        self._clause_vectors: dict[tuple[int, int, int], np.ndarray] = {}
        per_passage = [split_sentences(p.quote) for p in passages]
        texts = [
            p.quote[s.start : s.end]
            for p, sentences in zip(passages, per_passage, strict=True)
            for s in sentences
        ]
        vectors = embeddings.encode(texts) if texts else np.zeros((0, 1), dtype=np.float32)
        pos = 0
        for i, (passage, sentences) in enumerate(zip(passages, per_passage, strict=True)):
            single = vectors[pos : pos + len(sentences)]
            pos += len(sentences)
            windows = [
                _Window(i, passage.quote[s.start : s.end], passage.start + s.start, passage.start + s.end)
                for s in sentences
            ]
            windows += [
                _Window(i, passage.quote[a.start : b.end], passage.start + a.start, passage.start + b.end, 2)
                for a, b in zip(sentences, sentences[1:], strict=False)
            ]
            # A pair of sentences is embedded as the normalised sum of its two sentence vectors:
            # close to embedding the joined text, at no extra model cost.
            pairs = single[:-1] + single[1:]
            norms = np.linalg.norm(pairs, axis=1, keepdims=True)
            norms[norms == 0] = 1.0
            self._windows.append(windows)
            self._vectors.append(np.vstack([single, pairs / norms]) if len(sentences) > 1 else single)

    def embed_claims(self, claims: list[Claim]) -> np.ndarray:
        return self._embeddings.encode([c.text for c in claims])

    def support(self, claim: Claim, claim_vector: np.ndarray, passage: int) -> Support | None:
        """The best window of one passage for this claim (supported or not); None if it has no text."""
        windows = self._windows[passage]
        if not windows:
            return None
        sims = self._vectors[passage] @ claim_vector
        date, title = self.passages[passage].date, self.passages[passage].title
        c = _features(claim.text)
        best: Support | None = None
        for window, sim in zip(windows, sims, strict=True):
            w = _features(window.text)
            lexical = lexical_support(claim.text, window.text)
            candidate = Support(
                passage=passage,
                quote=window.text,
                start=window.start,
                end=window.end,
                lexical=lexical.coverage,
                semantic=float(sim),
                weakest_clause=lexical.weakest_clause,
                novel_run=lexical.novel_run,
                numbers_ok=_numbers_supported(c, w, date),
                polarity_ok=_polarity_agrees(c, w),
                names_ok=_names_supported(claim.text, w, title),
                sentences=window.sentences,
            )
            if not candidate.supported and candidate.lexical >= CLAUSE_RESCUE_LEXICAL and sim < MIN_SEMANTIC:
                clause_sim = self._clause_similarity(window, claim_vector)
                if clause_sim > sim:
                    candidate = replace(candidate, semantic=clause_sim)
            if best is None or _rank(candidate) > _rank(best):
                best = candidate
        return best

    def _clause_similarity(self, window: _Window, claim_vector: np.ndarray) -> float:
        """Best similarity of the claim to a run of 1-3 clauses of the window.

        A claim that restates one clause of a long sentence ("合作社负责人是王宝忠" from
        "大棚内，合作社负责人王宝忠按下开关，喷灌、恒温控制设备开启运行，…") scores low against the
        whole sentence. Only windows whose words already cover the claim (``CLAUSE_RESCUE_LEXICAL``)
        get here, so the extra embeddings are few.
        """
        key = (window.passage, window.start, window.end)
        vectors = self._clause_vectors.get(key)
        if vectors is None:
            runs = clause_runs(window.text)
            vectors = self._embeddings.encode(runs) if runs else np.zeros((0, len(claim_vector)), np.float32)
            self._clause_vectors[key] = vectors
        return float((vectors @ claim_vector).max()) if len(vectors) else -1.0

    def best_support(self, claim: Claim, claim_vector: np.ndarray) -> Support | None:
        """The best window over all passages, for re-attributing a claim that cites the wrong number."""
        found = [s for i in range(len(self.passages)) if (s := self.support(claim, claim_vector, i))]
        return max(found, key=_rank) if found else None


def _rank(support: Support) -> tuple[bool, int, float]:
    # A supported window first; among supported ones a single sentence beats a pair (the pair always
    # covers at least as many words, but the quote should be as tight as the evidence allows).
    return (support.supported, -support.sentences if support.supported else 0, support.score)
