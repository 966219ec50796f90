"""Sentence-level evidence for answering: every sentence of the index with its offsets, tokens and vector.

The extractive answerer quotes whole source sentences, so it scores sentences, not chunks. Embedding a
sentence costs ~0.7 ms, so the vectors are computed eagerly once per index version for a small knowledge
base (the seed has ~100 sentences, ~0.1 s) and, for a large one, on demand for the few sentences the
answerer asks for (``answer.DENSE_CANDIDATES`` a question), behind an LRU cache. IDF comes from the chunk
corpus the BM25 index already holds, so it costs nothing at question time.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from bot.chunk import normalize, split_sentences
from bot.embed import VectorEmbeddings
from bot.index import KnowledgeIndex
from bot.lexicon import SentenceText, WordReader, general_rarity
from bot.words import tokenize_cached

_ATTRIBUTION = re.compile(r"(?:说|说道|表示|介绍|指出|告诉记者)[。！!]?$")


def _units(text: str) -> list[tuple[int, int]]:
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


# A word in at most this share of the chunks is as specific as a word gets: its weight stops growing. The plain
# IDF of the rarest words grows with the base (a word no chunk has: 4.2 on the 31 seed chunks, 7.6 at 1k, 12.2
# at 100k) while a topic word's stays put (it depends on the share of chunks that have it), so at scale one
# colloquial word no article uses ("过节", "CT") outweighed the rest of the question, and the abstention bars
# tuned on the seed (coverage, missing share) declined what the seed answers. log(100) = 4.6 is above every
# IDF of the seed, which therefore scores as before.
RARE_SHARE = 0.01
# Up to this many chunks every sentence is embedded when the index loads.
EAGER_CHUNK_LIMIT = 2000
LRU_SENTENCES = 50_000
_IDF_CEILING = math.log(1.0 + (1.0 - RARE_SHARE) / RARE_SHARE)


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


class _LazyText(SentenceText):
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
    lead: str = ""


class SentenceBank:
    """The sentences of one index version, with vectors and corpus IDF. Read-only after construction."""

    def __init__(
        self, index: KnowledgeIndex, embeddings: VectorEmbeddings, eager_limit: int = EAGER_CHUNK_LIMIT
    ) -> None:
        self.index = index
        self.embeddings = embeddings
        self.position = {c.chunk_id: i for i, c in enumerate(index.chunks)}
        self.sentences: list[SourceSentence] = []
        self._by_key: dict[tuple[str, int], int] = {}
        self._by_chunk: dict[int, list[int]] = {}
        self._vectors: dict[int, np.ndarray] = {}
        self._lru: OrderedDict[int, None] = OrderedDict()
        self._texts: dict[int, SentenceText] = {}
        self._next: dict[int, int] = {}
        self._titles: dict[str, SentenceText] = {}
        self._contexts: dict[int, SentenceText] = {}
        self._lock = threading.Lock()
        self.embedded = 0  # sentences embedded on demand since load (large bases only)
        self._df, self._n_chunks = self._document_frequencies(index)
        self.reader = WordReader(self._df)
        self.eager = len(index.chunks) <= eager_limit
        if self.eager:
            for pos in range(len(index.chunks)):
                self._sentences_of(pos)
            if self.sentences:
                matrix = embeddings.encode([s.text for s in self.sentences])
                self._vectors = {i: matrix[i] for i in range(len(self.sentences))}

    # ------------------------------------------------------------------ IDF
    @staticmethod
    def _document_frequencies(index: KnowledgeIndex) -> tuple[dict[str, int], int]:
        counts = index.chunk_frequencies()  # off the BM25 matrix: no pass over 100k chunks at start-up
        by_id = {i: t for t, i in index.vocab.items()}
        return {by_id[i]: int(c) for i, c in enumerate(counts) if c}, len(index.token_ids)

    def df(self, token: str) -> int:
        return self._df.get(token, 0)

    def weight(self, word: str) -> float:
        """How much a question word matters: corpus IDF, or general rarity for a word no article uses."""
        weight = self.idf(word) if self._df.get(word, 0) else self.max_idf * general_rarity(word)
        # A lone character is ambiguous ("长", "交"): it counts, but half.
        return weight * (0.5 if len(word) == 1 else 1.0)

    def idf(self, token: str) -> float:
        """BM25-style IDF over chunks, at most that of a word in ``RARE_SHARE`` of them; a word the knowledge
        base never uses gets the highest weight."""
        n = max(self._n_chunks, 1)
        df = self._df.get(token, 0)
        return min(math.log(1.0 + (n - df + 0.5) / (df + 0.5)), _IDF_CEILING)

    @property
    def max_idf(self) -> float:
        return self.idf("\x00never\x00")

    # ------------------------------------------------------------ sentences
    def _sentences_of(self, pos: int) -> list[int]:
        found = self._by_chunk.get(pos)
        if found is not None:
            return found
        chunk = self.index.chunks[pos]
        ids: list[int] = []
        lead = ""
        previous_end = 0
        for n, (start, end) in enumerate(_units(chunk.text)):
            text = chunk.text[start:end]
            new_paragraph = n == 0 or "\n" in chunk.text[previous_end:start]
            if new_paragraph:
                lead = text
            previous_end = end
            key = (chunk.doc_id, chunk.start + start)
            i = self._by_key.get(key)
            if i is None:
                i = len(self.sentences)
                self._by_key[key] = i
                self.sentences.append(
                    SourceSentence(
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
                    )
                )
            if ids and not new_paragraph:
                self._next.setdefault(ids[-1], i)
            ids.append(i)
        self._by_chunk[pos] = ids
        return ids

    def sentences_for_chunk(self, chunk_id: str) -> list[int]:
        """Indices (into ``self.sentences``) of a chunk's sentences, in source order."""
        pos = self.position[chunk_id]
        if self.eager:
            return self._by_chunk[pos]
        with self._lock:
            return self._sentences_of(pos)

    def next_in_paragraph(self, i: int) -> int | None:
        """The sentence right after ``i`` in the same paragraph, if the index holds one."""
        return self._next.get(i)

    def tokens(self, i: int) -> tuple[str, ...]:
        return tokenize_cached(self.sentences[i].text)

    def text(self, i: int) -> SentenceText:
        """The sentence prepared for word matching (cached)."""
        found = self._texts.get(i)
        if found is None:
            found = self._texts[i] = _LazyText(self.sentences[i].text)
        return found

    def title(self, i: int) -> SentenceText:
        """The sentence's article title, prepared for word matching (cached per article)."""
        s = self.sentences[i]
        found = self._titles.get(s.doc_id)
        if found is None:
            found = self._titles[s.doc_id] = _LazyText(s.title)
        return found

    def context(self, i: int) -> SentenceText:
        """Title, heading and paragraph lead of a sentence, prepared for word matching (cached)."""
        found = self._contexts.get(i)
        if found is None:
            s = self.sentences[i]
            # An article about one place is about it throughout; one listing several cities is not about each.
            places = " ".join(s.region) if len(s.region) <= 1 else ""
            text = f"{s.title} {s.heading} {s.lead} {places}"
            found = self._contexts[i] = _LazyText(text)
        return found

    def vectors(self, ids: list[int]) -> np.ndarray:
        """Unit vectors of the given sentences, embedding (and caching) the ones not seen yet."""
        if self.eager:
            return np.vstack([self._vectors[i] for i in ids]) if ids else np.zeros((0, 1), np.float32)
        with self._lock:
            missing = [i for i in ids if i not in self._vectors]
        if missing:
            encoded = self.embeddings.encode([self.sentences[i].text for i in missing])
            with self._lock:
                self.embedded += len(missing)
                for i, row in zip(missing, encoded, strict=True):
                    self._vectors[i] = row
        with self._lock:
            for i in ids:
                self._lru[i] = None
                self._lru.move_to_end(i)
            out = np.vstack([self._vectors[i] for i in ids]) if ids else np.zeros((0, 1), np.float32)
            while len(self._lru) > LRU_SENTENCES:
                old, _ = self._lru.popitem(last=False)
                self._vectors.pop(old, None)
        return out

    def chunk_text(self, chunk_id: str) -> str:
        return self.index.chunks[self.position[chunk_id]].text
