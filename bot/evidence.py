"""Sentence-level evidence for answering: every sentence of the index with its offsets, tokens and vector.

The extractive answerer quotes whole source sentences, so it scores sentences, not chunks. Embedding a
sentence per question would cost milliseconds each; instead the vectors are computed once per index
version: eagerly for a small knowledge base (the seed has ~100 sentences, ~0.1 s) and lazily per
retrieved chunk, behind an LRU cache, for a large one. IDF comes from the chunk corpus the BM25 index
already holds, so it costs nothing at question time.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from bot.chunk import normalize, split_sentences
from bot.embed import VectorEmbeddings
from bot.index import KnowledgeIndex
from bot.words import tokenize_cached

# Up to this many chunks every sentence is embedded when the index loads.
EAGER_CHUNK_LIMIT = 2000
LRU_SENTENCES = 50_000


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
        self._lock = threading.Lock()
        self._df, self._n_chunks = self._document_frequencies(index)
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
        size = len(index.vocab)
        counts = np.zeros(size, dtype=np.int64)
        for ids in index.token_ids:
            if len(ids):
                counts[np.unique(ids)] += 1
        by_id = {i: t for t, i in index.vocab.items()}
        return {by_id[i]: int(c) for i, c in enumerate(counts) if c}, len(index.token_ids)

    def df(self, token: str) -> int:
        return self._df.get(token, 0)

    def idf(self, token: str) -> float:
        """BM25-style IDF over chunks; a word the knowledge base never uses gets the highest weight."""
        n = max(self._n_chunks, 1)
        df = self._df.get(token, 0)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    @property
    def max_idf(self) -> float:
        return self.idf("\x00never\x00")

    # ------------------------------------------------------------ sentences
    def _sentences_of(self, pos: int) -> list[int]:
        found = self._by_chunk.get(pos)
        if found is not None:
            return found
        chunk = self.index.chunks[pos]
        ids = []
        for sentence in split_sentences(chunk.text):
            key = (chunk.doc_id, chunk.start + sentence.start)
            i = self._by_key.get(key)
            if i is None:
                i = len(self.sentences)
                self._by_key[key] = i
                self.sentences.append(
                    SourceSentence(
                        doc_id=chunk.doc_id,
                        title=chunk.title,
                        date=chunk.date,
                        text=sentence.text,
                        start=chunk.start + sentence.start,
                        end=chunk.start + sentence.end,
                        heading=chunk.heading,
                        topics=chunk.topics,
                        region=chunk.region,
                        norm=normalize(sentence.text),
                    )
                )
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

    def tokens(self, i: int) -> tuple[str, ...]:
        return tokenize_cached(self.sentences[i].text)

    def vectors(self, ids: list[int]) -> np.ndarray:
        """Unit vectors of the given sentences, embedding (and caching) the ones not seen yet."""
        if self.eager:
            return np.vstack([self._vectors[i] for i in ids]) if ids else np.zeros((0, 1), np.float32)
        with self._lock:
            missing = [i for i in ids if i not in self._vectors]
        if missing:
            encoded = self.embeddings.encode([self.sentences[i].text for i in missing])
            with self._lock:
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
