"""Sentence-level evidence for answering: every sentence of the index with its offsets, tokens and vector.

The extractive answerer quotes whole source sentences, so it scores sentences, not chunks. Embedding a
sentence costs ~0.7 ms, so the vectors are computed eagerly once per index version for a small knowledge
base (the seed has ~100 sentences, ~0.1 s) and, for a large one, on demand for the few sentences the
answerer asks for (``scoring.DENSE_CANDIDATES`` a question), behind an LRU cache. IDF comes from the chunk
corpus the BM25 index already holds, so it costs nothing at question time.

For a large base the sentences themselves (offsets, texts prepared for matching, the next sentence of a paragraph)
are also read on demand, per chunk, and kept for the ``LRU_CHUNKS`` chunks used last: a server answering for weeks
would otherwise end up holding every sentence of a 100k-chunk base as Python objects. A sentence's id is derived
from its place in the index (the first chunk holding it, its position there), so an evicted sentence is read again
identically, and the answers do not depend on what earlier questions left in the caches.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np

from bot.embed import VectorEmbeddings
from bot.index import KnowledgeIndex
from bot.lexicon import CharIndex, SentenceText, WordReader, general_rarity
from bot.sentences import (
    LazyText,
    SourceSentence,
    Unit,
    paragraph_units,
    prepared_context,
    prepared_text,
    source_sentence,
    units,
)
from bot.words import tokenize_cached

__all__ = ["EAGER_CHUNK_LIMIT", "LRU_CHUNKS", "LRU_SENTENCES", "SentenceBank", "SourceSentence"]

# A word in at most this share of the chunks is as specific as a word gets: its weight stops growing. The plain
# IDF of the rarest words grows with the base (a word no chunk has: 4.2 on the 31 seed chunks, 7.6 at 1k, 12.2
# at 100k) while a topic word's stays put (it depends on the share of chunks that have it), so at scale one
# colloquial word no article uses ("过节", "CT") outweighed the rest of the question, and the abstention bars
# tuned on the seed (coverage, missing share) declined what the seed answers.
# The ceiling is that of a word in one seed chunk (3.06 of 31; log(20) = 3.0), and a word no article uses weighs
# as much more than that as on the seed (4.16 / 3.06 = 1.36), so the weights keep their proportions at every
# size. With the ceiling at log(100) = 4.6, above every IDF of the seed, the specific words a question shares
# with a look-alike outweighed the one it lacks at 100k chunks, and near misses the seed declines were answered
# ("去梨树摘草莓要门票不"): on the dev split at 100k chunks, out of scope declined 132 -> 137 of 142, in scope
# 332 -> 331 of 371; on the seed two of 778 dev answers changed, neither from right to wrong.
RARE_SHARE = 0.05
ABSENT_OVER_RARE = 1.36
# A lone character the cut leaves standing alone in fewer than this share of the chunks weighs at most what general
# Chinese gives it (as a word no chunk has). In a large base a few hundred chunks of 100k hold 钱, 刚, 白 or 组 alone
# (a name's character, a clipped clause), and the plain IDF put them at the ceiling (1.5 after halving) while the topic
# word the question names (门诊, many look-alikes use it) fell to 1.46: "门诊做CT能报吗", "个人账户少划的那部分钱…"
# were declined or answered from the wrong sentence. The share is below one chunk of a base of 200 or fewer (the
# seed: 31), where a character standing alone in a chunk is the articles' own use ("派了几个组"). At 100k chunks
# 2970 -> 2982 of 3216 questions right; applied at every size it cost the seed 13 dev answers.
LONE_CHARACTER_SHARE = 0.005
# How many question words' weights a bank remembers (~100 bytes each).
KEPT_WEIGHTS = 65536
# Up to this many chunks every sentence is embedded when the index loads.
EAGER_CHUNK_LIMIT = 2000
LRU_SENTENCES = 50_000
# Chunks whose sentences a large base keeps read (~6 sentences each); a question reads ~8 chunks.
LRU_CHUNKS = 5_000
# Below this a question's own chunks could be evicted while it is being answered.
MIN_CACHED_CHUNKS = 64
# Sentence id of a large base: position of its first chunk * _STRIDE + its place in that chunk.
_STRIDE = 1 << 12
# How many chunks back a paragraph's opening is looked for (a paragraph spanning more keeps the nearest one's).
OPENING_CHUNKS_BACK = 3
_IDF_CEILING = math.log(1.0 + (1.0 - RARE_SHARE) / RARE_SHARE)
_ABSENT_CEILING = ABSENT_OVER_RARE * _IDF_CEILING


# ``SentenceBank.row``: sentence, text, context, title, and the key of its context and title.
Row = tuple[SourceSentence, SentenceText, SentenceText, SentenceText, Hashable]


@dataclass(frozen=True)
class _ChunkSentences:
    """A chunk of a large base as the bank reads it: its sentences' ids, offsets and paragraph starts."""

    sids: tuple[int, ...]  # in source order; the first may belong to the previous chunk (the overlap)
    starts: tuple[int, ...]  # offsets in the article, one per sentence
    opens_paragraph: tuple[bool, ...]
    owned: tuple[int, ...]  # the ids whose sentence this chunk holds first


class _SentenceView:
    """``bank.sentences`` of a large base: ``[sid]`` reads the sentence (again, if it was evicted)."""

    __slots__ = ("_bank",)

    def __init__(self, bank: SentenceBank) -> None:
        self._bank = bank

    def __getitem__(self, sid: int) -> SourceSentence:
        found = self._bank._own.get(sid)
        return found if found is not None else self._bank._read_sentence(sid)

    def __len__(self) -> int:
        """Sentences held in memory now (not the base's total)."""
        return len(self._bank._own)


class SentenceBank:
    """The sentences of one index version, with vectors and corpus IDF. Answers do not change it.

    Small base (``eager``): every sentence is read and embedded at load, ids are 0..n-1. Large base: sentences are
    read per chunk when a question needs them and kept for the ``lru_chunks`` chunks used last, vectors for the
    ``LRU_SENTENCES`` sentences used last; ids are stable (see ``_sid``), so eviction never changes an answer.
    """

    def __init__(
        self,
        index: KnowledgeIndex,
        embeddings: VectorEmbeddings,
        eager_limit: int = EAGER_CHUNK_LIMIT,
        lru_chunks: int = LRU_CHUNKS,
        lru_sentences: int = LRU_SENTENCES,
    ) -> None:
        self.index = index
        self.embeddings = embeddings
        self.position = {c.chunk_id: i for i, c in enumerate(index.chunks)}
        self._doc_starts: dict[str, int] | None = None  # ``doc_chunks``
        self.sentences: list[SourceSentence] | _SentenceView = []
        self._by_key: dict[tuple[str, int], int] = {}
        self._by_chunk: dict[int, list[int]] = {}
        self._vectors: dict[int, np.ndarray] = {}
        self._matrix: np.ndarray | None = None  # a small base's sentence vectors, row i = sentence i
        self._lru: OrderedDict[int, None] = OrderedDict()
        self._texts: dict[int, SentenceText] = {}
        self._next: dict[int, int | None] = {}
        self._titles: OrderedDict[str, SentenceText] = OrderedDict()
        self._contexts: dict[int, SentenceText] = {}
        # Large bases: chunk position -> its sentences (LRU), and the sentences those chunks hold first.
        self._chunks: OrderedDict[int, _ChunkSentences] = OrderedDict()
        self._own: dict[int, SourceSentence] = {}
        self.lru_chunks = max(lru_chunks, MIN_CACHED_CHUNKS)
        self.lru_sentences = lru_sentences
        self.chunks_read = 0  # chunks read on demand since load (again after an eviction too)
        self._lock = threading.RLock()
        self.embedded = 0  # sentences embedded on demand since load (large bases only)
        self._df, self._n_chunks = self._document_frequencies(index)
        self._weights: dict[str, float] = {}  # ``weight`` of the words asked about so far (they recur)
        self.reader = WordReader(self._df)
        self.eager = len(index.chunks) <= eager_limit
        # A small base's texts by character (``scoring.Credits`` skips matching those no question word could match).
        self.char_index: CharIndex | None = None
        # A small base's sentences as scoring reads them (see ``row``), by id.
        self.rows: list[Row] = []
        if self.eager:
            for pos in range(len(index.chunks)):
                self._sentences_of(pos)
            if self.sentences:
                matrix = embeddings.encode([s.text for s in self.sentences])
                self._vectors = {i: matrix[i] for i in range(len(self.sentences))}
                self._matrix = matrix
            # Cut every sentence, context and title now (~0.1 ms each, a fraction of embedding them above): else
            # each resident's question paid for the sentences it met first, ~0.3 ms a question early on.
            for i in range(len(self.sentences)):
                for prepared in (self.text(i), self.context(i), self.title(i)):
                    len(prepared.tokens)
            self.char_index = CharIndex(
                t.norm for i in range(len(self.sentences)) for t in (self.text(i), self.context(i), self.title(i))
            )
            pairs: dict[tuple[str, str], int] = {}
            for i in range(len(self.sentences)):
                context, title = self.context(i), self.title(i)
                pair = pairs.setdefault((context.norm, title.norm), len(pairs))
                self.rows.append((self.sentences[i], self.text(i), context, title, pair))
        else:
            self.sentences = _SentenceView(self)

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
        found = self._weights.get(word)
        if found is not None:
            return found
        df = self._df.get(word, 0)
        weight = self.idf(word) if df else self.max_idf * general_rarity(word)
        if len(word) == 1:
            if df < LONE_CHARACTER_SHARE * self._n_chunks:
                weight = min(weight, self.max_idf * general_rarity(word))
            # A lone character is ambiguous ("长", "交"): it counts, but half.
            weight *= 0.5
        if len(self._weights) < KEPT_WEIGHTS:
            self._weights[word] = weight
        return weight

    def asked_weight(self, word: str) -> float:
        """``weight`` of a question word; a lone character the question asks for ("加啥群": the answer names a 群)
        is the noun asked, not an ambiguous fragment, and is not held to general Chinese's rarity of it."""
        if len(word) != 1 or not self._df.get(word):
            return self.weight(word)
        return 0.5 * self.idf(word)

    def idf(self, token: str) -> float:
        """BM25-style IDF over chunks, at most that of a word in ``RARE_SHARE`` of them; a word the knowledge
        base never uses gets the highest weight."""
        n = max(self._n_chunks, 1)
        df = self._df.get(token, 0)
        return min(math.log(1.0 + (n - df + 0.5) / (df + 0.5)), _IDF_CEILING)

    @property
    def max_idf(self) -> float:
        """The weight of a word no chunk has (before its general rarity)."""
        n = max(self._n_chunks, 1)
        return min(math.log(1.0 + (n + 0.5) / 0.5), _ABSENT_CEILING)

    # ------------------------------------------------------ paragraph openings across chunks
    def _openings(self, pos: int, found: list[Unit], depth: int = 0) -> list[str]:
        """The first sentence of each unit's paragraph in the article (``found``: chunk ``pos``'s ``paragraph_units``).
        A chunk that starts inside a paragraph ("…做好春节“不打烊”工作" of 辽源's) has it in the chunk before, which it
        overlaps ("辽源市邮政管理局积极部署……"), for its units up to the next paragraph."""
        openings = [u.lead for u in found]
        if not found or pos == 0 or depth >= OPENING_CHUNKS_BACK:
            return openings
        chunk, prev = self.index.chunks[pos], self.index.chunks[pos - 1]
        first = chunk.start + found[0].start
        if prev.doc_id != chunk.doc_id or not prev.start <= first < prev.end:
            return openings
        before = paragraph_units(prev.text)
        at = next((i for i, u in enumerate(before) if prev.start + u.start == first), None)
        if at is None:
            return openings
        inherited = self._openings(pos - 1, before, depth + 1)[at]
        for i, u in enumerate(found):
            if i and u.opens_paragraph:
                break
            openings[i] = inherited
        return openings

    # ------------------------------------------------------ small base (eager)
    def _sentences_of(self, pos: int) -> list[int]:
        found = self._by_chunk.get(pos)
        if found is not None:
            return found
        chunk = self.index.chunks[pos]
        ids: list[int] = []
        found_units = paragraph_units(chunk.text)
        for u, opening in zip(found_units, self._openings(pos, found_units), strict=True):
            key = (chunk.doc_id, chunk.start + u.start)
            i = self._by_key.get(key)
            if i is None:
                i = len(self.sentences)
                self._by_key[key] = i
                self.sentences.append(source_sentence(chunk, u.start, u.end, u.lead, opening))  # type: ignore[union-attr]
            if ids and not u.opens_paragraph:
                self._next.setdefault(ids[-1], i)
            ids.append(i)
        self._by_chunk[pos] = ids
        return ids

    # ------------------------------------------------------ large base (lazy)
    def _unit_starts(self, pos: int) -> tuple[int, ...]:
        read = self._chunks.get(pos)
        if read is not None:
            return read.starts
        chunk = self.index.chunks[pos]
        return tuple(chunk.start + start for start, _ in units(chunk.text))

    def _sid(self, pos: int, offset: int, n: int) -> int:
        """Id of the sentence at ``offset`` of chunk ``pos`` (its ``n``-th): the first chunk holding it decides,
        as when a small base reads its chunks in order (a document's chunks are consecutive positions)."""
        doc_id = self.index.chunks[pos].doc_id
        while pos > 0:
            prev = self.index.chunks[pos - 1]
            if prev.doc_id != doc_id or not prev.start <= offset < prev.end:
                break
            starts = self._unit_starts(pos - 1)
            if offset not in starts:
                break
            pos, n = pos - 1, starts.index(offset)
        return pos * _STRIDE + n

    def _read(self, pos: int) -> _ChunkSentences:
        """A chunk's sentences, read now or kept from before (then used last); the caller holds the lock."""
        found = self._chunks.get(pos)
        if found is not None:
            self._chunks.move_to_end(pos)
            return found
        self.chunks_read += 1
        chunk = self.index.chunks[pos]
        sids, starts, opens, owned = [], [], [], []
        found_units = paragraph_units(chunk.text)
        for u, opening in zip(found_units, self._openings(pos, found_units), strict=True):
            sid = self._sid(pos, chunk.start + u.start, u.n)
            if sid // _STRIDE == pos:
                owned.append(sid)
                self._own[sid] = source_sentence(chunk, u.start, u.end, u.lead, opening)
            sids.append(sid)
            starts.append(chunk.start + u.start)
            opens.append(u.opens_paragraph)
        read = self._chunks[pos] = _ChunkSentences(tuple(sids), tuple(starts), tuple(opens), tuple(owned))
        while len(self._chunks) > self.lru_chunks:
            _, old = self._chunks.popitem(last=False)
            for sid in old.owned:
                self._own.pop(sid, None)
                self._texts.pop(sid, None)
                self._contexts.pop(sid, None)
                self._next.pop(sid, None)
        return read

    def _read_sentence(self, sid: int) -> SourceSentence:
        with self._lock:
            found = self._own.get(sid)
            if found is None:
                self._read(sid // _STRIDE)
                found = self._own[sid]
            return found

    def _follower(self, sid: int) -> int | None:
        """The next sentence of ``sid``'s paragraph: in its chunk, or at the start of the following ones."""
        pos = sid // _STRIDE
        doc_id = self.index.chunks[pos].doc_id
        while pos < len(self.index.chunks) and self.index.chunks[pos].doc_id == doc_id:
            read = self._read(pos)
            if sid not in read.sids:
                return None
            n = read.sids.index(sid) + 1
            if n < len(read.sids):
                return None if read.opens_paragraph[n] else read.sids[n]
            pos += 1
        return None

    # -------------------------------------------------------------- access
    def neighbour_chunks(self, chunk_id: str) -> list[str]:
        """The chunks right before and after ``chunk_id`` in the same article."""
        pos = self.position[chunk_id]
        chunks = self.index.chunks
        doc_id = chunks[pos].doc_id
        return [
            chunks[p].chunk_id
            for p in (pos - 1, pos + 1)
            if 0 <= p < len(chunks) and chunks[p].doc_id == doc_id
        ]

    def article_chunks(self, chunk_id: str) -> list[str]:
        """Every chunk of ``chunk_id``'s article, in source order (an article's chunks are stored side by side)."""
        pos = self.position[chunk_id]
        chunks = self.index.chunks
        doc_id = chunks[pos].doc_id
        first, last = pos, pos
        while first > 0 and chunks[first - 1].doc_id == doc_id:
            first -= 1
        while last + 1 < len(chunks) and chunks[last + 1].doc_id == doc_id:
            last += 1
        return [chunks[p].chunk_id for p in range(first, last + 1)]

    def doc_chunks(self, doc_id: str) -> list[str]:
        """Every chunk of an article, in source order; the articles' first chunks are found in one pass, when first
        asked for (a follow-up that names nothing of its own reads its conversation's article)."""
        if self._doc_starts is None:
            starts: dict[str, int] = {}
            for pos, chunk in enumerate(self.index.chunks):
                starts.setdefault(chunk.doc_id, pos)
            self._doc_starts = starts
        start = self._doc_starts.get(doc_id)
        return [] if start is None else self.article_chunks(self.index.chunks[start].chunk_id)

    def sentences_for_chunk(self, chunk_id: str) -> list[int]:
        """Indices (into ``self.sentences``) of a chunk's sentences, in source order."""
        pos = self.position[chunk_id]
        if self.eager:
            return self._by_chunk[pos]
        with self._lock:
            return list(self._read(pos).sids)

    def next_in_paragraph(self, i: int) -> int | None:
        """The sentence right after ``i`` in the same paragraph, if the index holds one."""
        if self.eager:
            return self._next.get(i)
        with self._lock:
            if i not in self._next:
                follower = self._follower(i)
                self._read(i // _STRIDE)  # its owner may have been pushed out by the chunks read after it
                self._next[i] = follower
            return self._next[i]

    def tokens(self, i: int) -> tuple[str, ...]:
        return tokenize_cached(self.sentences[i].text)

    def _cached(self, store: dict[int, SentenceText], i: int, make) -> SentenceText:  # type: ignore[no-untyped-def]
        """A large base's per-sentence cache entry, kept only while the sentence's chunk is (evicted with it)."""
        with self._lock:
            self._read(i // _STRIDE)
            found = store.get(i)
            if found is None:
                found = store[i] = make(self._own[i])
            return found

    def text(self, i: int) -> SentenceText:
        """The sentence prepared for word matching (cached)."""
        found = self._texts.get(i)
        if found is None:
            if not self.eager:
                return self._cached(self._texts, i, prepared_text)
            found = self._texts[i] = LazyText(self.sentences[i].text)
        return found

    def row(self, i: int) -> Row:
        """A sentence, its text, context and title prepared for matching, and a key shared by the sentences with the
        same context and title (a small base's rows are made at load; scoring reads ~30 a question)."""
        if self.eager:
            return self.rows[i]
        context, title = self.context(i), self.title(i)
        return self.sentences[i], self.text(i), context, title, (context.norm, title.norm)

    def title(self, i: int) -> SentenceText:
        """The sentence's article title, prepared for word matching (cached per article)."""
        s = self.sentences[i]
        found = self._titles.get(s.doc_id)
        if found is None:
            with self._lock:
                found = self._titles[s.doc_id] = LazyText(s.title)
                if not self.eager and len(self._titles) > self.lru_chunks:
                    self._titles.popitem(last=False)
        return found

    def context(self, i: int) -> SentenceText:
        """Title, heading and paragraph lead of a sentence, prepared for word matching (cached)."""
        found = self._contexts.get(i)
        if found is None:
            if not self.eager:
                return self._cached(self._contexts, i, prepared_context)
            found = self._contexts[i] = prepared_context(self.sentences[i])
        return found

    def cached(self) -> dict[str, int]:
        """How many entries each per-sentence cache holds (bounded for a large base)."""
        return {
            "chunks": len(self._chunks) if not self.eager else len(self._by_chunk),
            "sentences": len(self.sentences),
            "texts": len(self._texts),
            "contexts": len(self._contexts),
            "next": len(self._next),
            "titles": len(self._titles),
            "vectors": len(self._vectors),
        }

    def vectors(self, ids: list[int]) -> np.ndarray:
        """Unit vectors of the given sentences, embedding (and caching) the ones not seen yet."""
        if self.eager:
            # The same rows as stacking them one by one, gathered in one step (np.vstack was ~15 us a question).
            return self._matrix[ids] if ids and self._matrix is not None else np.zeros((0, 1), np.float32)
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
            while len(self._lru) > self.lru_sentences:
                old, _ = self._lru.popitem(last=False)
                self._vectors.pop(old, None)
        return out

    def chunk_text(self, chunk_id: str) -> str:
        return self.index.chunks[self.position[chunk_id]].text
