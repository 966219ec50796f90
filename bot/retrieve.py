"""Hybrid retrieval: dense FAISS and BM25 over jieba tokens, fused by reciprocal rank.

``HybridRetriever`` is a langchain ``BaseRetriever``; the chain calls ``retrieve_hybrid`` directly
to keep the scores. Dense-only and BM25-only modes exist for evaluation side by side.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Literal

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from bot.condense import PREFECTURE_OF, places
from bot.embed import VectorEmbeddings
from bot.index import KnowledgeIndex
from bot.sparse import SMALL_DOCS, profile_weights, ranked_small, scores_and_profiles, scores_for
from bot.thesaurus import SYNONYMS
from bot.types import Hit
from bot.words import tokenize_cached

RRF_K = 60
# Weight of each ranking in the fusion. Equal weights were no better than BM25 alone on the seed
# articles and worse at scale: among 20k chunks of look-alike articles the bundled embedder ranks
# many near-duplicates of a passage above it, while rare words still pick it out. On the dev split
# at 21k chunks, dense at 1/4 lifted in-scope answer accuracy from 0.876 to 0.907 (0.5: 0.897) and
# changed nothing on the seed base (docs/performance.md, "Retrieval at scale").
#
# A third ranking, "place", holds the candidates that name a place the question names (in their text, title or
# region), in fused order. The answerer declines a passage about another place ("长春…" answered from an
# article about 通化 is "other_place"), so look-alike articles about other cities must not push the one about
# the named place out of the chunks it reads: reciprocal ranks reward being found by both BM25 and dense,
# and among 1k chunks of same-topic look-alikes the 长春 article, first by BM25 but outside the dense top 50,
# fell behind four articles about other cities that both rankings placed mid-list. At 0.5, dev accuracy on
# such a base went 0.889 -> 0.915, and on scripts/synth_kb.py's 1k base 0.940 -> 0.945, with no change on the
# seed, at 10k or at 100k; 1.0 let an article merely naming 吉林市 answer "吉林市的职工医保…" at 1k.
#
# A fourth ranking, "count", holds the chunks that count what a 几/多少 question asks about (``bot.counts``), by BM25.
# In a 100k-chunk base the one passage giving "5个帮扶工作组" was outside both rankings' top 2,000 for "生态强省督导
# 帮扶派了几个工作组": thousands of look-alikes name the programme and its working groups without counting them.
# On the dev split at 100k chunks this list lifted in-scope accuracy 553 -> 559 of 609 at weight 1.0 and to 560 at
# 1.5 once "去了哪几个市" (which, not how many) was left out; out of scope stayed 235 of 244.
WEIGHTS = {"dense": 0.25, "bm25": 1.0, "place": 0.5, "count": 1.5}
# Above this many chunks retrieval picks among far more chunks than the answerer reads, and two things are added to
# it: the count ranking, and BM25 over the question's words as the answerer reads them (``reworded_tokens``). A base
# of at most this many chunks has neither: every chunk there is a few ranks from the top anyway, and the extra words
# only reshuffled it (on the seed's 31 chunks 过年 -> 春节/新年 let the gas and power articles in and two dev answers
# were lost).
LARGE_BASE_CHUNKS = SMALL_DOCS
Mode = Literal["hybrid", "dense", "bm25"]
# The province every article is in: naming it does not pick an article.
_PROVINCE = frozenset({"吉林", "吉林省"})


def _allowed(
    index: KnowledgeIndex, topics: Iterable[str] | None, regions: Iterable[str] | None
) -> np.ndarray | None:
    topic_set, region_set = set(topics or ()), set(regions or ())
    if not topic_set and not region_set:
        return None
    mask = np.ones(len(index.chunks), dtype=bool)
    for i, chunk in enumerate(index.chunks):
        if (topic_set and not topic_set.intersection(chunk.topics)) or (
            region_set and not region_set.intersection(chunk.region)
        ):
            mask[i] = False
    return mask


def dense_search(
    index: KnowledgeIndex, query_vector: np.ndarray, k: int, mask: np.ndarray | None = None
) -> list[tuple[int, float]]:
    """Top-k (chunk position, cosine) by inner product on unit vectors."""
    n = len(index.chunks)
    if n == 0:
        return []
    fetch = min(n, k if mask is None else max(k * 8, 200))
    scores, ids = index.dense.search(np.ascontiguousarray(query_vector[None, :], dtype=np.float32), fetch)
    # tolist() gives the same Python ints and floats as converting each numpy scalar, in one call.
    out = [(i, s) for i, s in zip(ids[0].tolist(), scores[0].tolist(), strict=True) if i >= 0]
    if mask is not None:
        out = [(i, s) for i, s in out if mask[i]]
    return out[:k]


def bm25_search(
    index: KnowledgeIndex, tokens: Iterable[str], k: int, mask: np.ndarray | None = None
) -> list[tuple[int, float]]:
    """Top-k (chunk position, BM25 score) with score > 0."""
    return _bm25(index, tokens, k, mask)[0]


def _bm25(
    index: KnowledgeIndex, tokens: Iterable[str], k: int, mask: np.ndarray | None = None, *, fold: bool = False
) -> tuple[list[tuple[int, float]], np.ndarray | None]:
    """``bm25_search``'s ranking and the score of every chunk it came from (None when a small base was ranked
    without computing them). ``fold``: one chunk for each way of holding the query's words (``_folded_top``)."""
    vocab = index.vocab
    ids = [vocab[t] for t in tokens if t in vocab]
    if not ids or not index.chunks:
        return [], None
    if mask is None:
        found = ranked_small(index.bm25, ids, min(k, len(index.chunks)))
        if found is not None:
            return found, None
    if fold and mask is None:
        scores, profiles = scores_and_profiles(index.bm25, ids, _profile_weights(index))
        return _folded_top(scores, profiles, k), scores
    scores = scores_for(index.bm25, ids)
    if mask is not None:
        scores = np.where(mask, scores, 0.0)
    return _top(scores, k), scores


def _profile_weights(index: KnowledgeIndex) -> np.ndarray:
    """``sparse.profile_weights`` of the loaded matrix, made on first use and kept on it."""
    model = index.bm25
    weights = getattr(model, "faqbot_profile", None)
    if weights is None:
        lengths = np.fromiter(map(len, index.token_ids), dtype=np.int64, count=len(index.token_ids))
        weights = profile_weights(model, lengths)
        model.faqbot_profile = weights
    return weights


# Buckets ``_folded_top`` sorts profiles into (a power of two; two profiles in one bucket are told apart after).
_BUCKETS = 1 << 16


def _folded_top(scores: np.ndarray, profiles: np.ndarray, k: int) -> list[tuple[int, float]]:
    """The k best (position, score) with score > 0, best first, keeping only the best of the chunks that hold each
    query word equally often (``sparse.scores_and_profiles``).

    A large base restates its articles: in the 100k-chunk base of ``scripts/bench_scale.py`` 47,806 chunks share a
    word with "门诊共济几号开始", and the first 7,900 of them recombine the same three clauses ("X市正式启动实施职工医保
    门诊共济保障机制", "门诊共济保障机制", "…后") in 56 ways of holding the question's words. BM25 tells such copies apart
    by their length only, the shortest first, so copies of a few clauses filled the 50 places read: "门诊共济这消息是
    哪个部门放出来的" was answered from a copy, never from the article's "记者从长春市医保局获悉". One place for each way
    lets the next ways in. Copies that differ in what they hold of the question (a place it names, a count of another
    word) stay apart. Every positive score is folded (~0.4 ms at 100k chunks): a pool of the best 8,192 took longer
    to select than folding them all.
    """
    positions = np.flatnonzero(scores)  # BM25 scores are never negative
    left, profiles = scores[positions], profiles[positions]
    at: list[np.ndarray] = []
    got: list[np.ndarray] = []
    while len(positions):
        bucket = profiles.astype(np.int64) & (_BUCKETS - 1)
        best = np.zeros(_BUCKETS, dtype=left.dtype)
        np.maximum.at(best, bucket, left)
        tops = np.flatnonzero(left == best[bucket])
        _, first = np.unique(bucket[tops], return_index=True)  # equal best scores: the first position
        picked = tops[first]
        at.append(positions[picked])
        got.append(left[picked])
        # Two profiles in one bucket: the chunks of the one not picked are folded on their own, again.
        owner = np.zeros(_BUCKETS, dtype=profiles.dtype)
        owner[bucket[picked]] = profiles[picked]
        other = profiles != owner[bucket]
        positions, left, profiles = positions[other], left[other], profiles[other]
    if not at:
        return []
    chosen, their = np.concatenate(at), np.concatenate(got)
    order = np.lexsort((chosen, -their))[:k]
    return list(zip(chosen[order].tolist(), their[order].tolist(), strict=True))


def _top(scores: np.ndarray, k: int, among: np.ndarray | None = None) -> list[tuple[int, float]]:
    """The k best (position, score) with score > 0, best first; ``among``: only these positions."""
    if among is not None:
        scores = scores[among]
    k = min(k, len(scores))
    if k <= 0:
        return []
    top = np.argpartition(-scores, k - 1)[:k]
    top = top[np.argsort(-scores[top], kind="stable")]
    positions = top if among is None else among[top]
    return [(i, s) for i, s in zip(positions.tolist(), scores[top].tolist(), strict=True) if s > 0]


def reworded_tokens(query: str, words: Iterable[str]) -> tuple[str, ...]:
    """BM25's query: the question's tokens, then those of its words as the answerer reads them (typos repaired:
    "快第" -> 快递) and of the articles' words the thesaurus gives for them ("慢病" -> 门诊慢性病, "老婆" -> 家庭成员).

    The answerer credits a sentence for those words; BM25 over the raw question did not look for them, so in a
    100k-chunk base the one chunk saying "门诊慢性病扩大到三级(市级)及以下" was never among those read for
    "得慢病的看门诊能上哪级医院". On the dev split at 100k chunks, in scope 561 -> 568 of 609, out of scope unchanged.
    """
    tokens = list(tokenize_cached(query))
    seen = set(tokens)
    for word in words:
        for text in (word, *SYNONYMS.get(word, ())):
            for token in tokenize_cached(text):
                if token not in seen:
                    seen.add(token)
                    tokens.append(token)
    return tuple(tokens)


def named_places(query: str) -> set[str]:
    """The places a question names, as written and without their 市/县 suffix; never the province alone."""
    return {name for m in places(query) for name in (m.group(0), m.group(1))} - _PROVINCE


def _needles(names: set[str]) -> tuple[str, ...]:
    """The names a text must contain one of to contain any: "长春市" is only in a text that has "长春"."""
    return tuple(sorted(n for n in names if not any(m != n and m in n for m in names)))


def _names_place(chunk: Any, regions: set[str], needles: tuple[str, ...]) -> bool:
    """Whether the chunk's text or title contains one of ``needles`` (the names asked) or its region is one of
    ``regions`` (those names and the prefectures they are in)."""
    text, title = chunk.text, chunk.title
    for needle in needles:
        if needle in text or needle in title:
            return True
    return not regions.isdisjoint(chunk.region)


def retrieve_hybrid(
    index: KnowledgeIndex,
    embeddings: VectorEmbeddings,
    query: str,
    k: int = 8,
    *,
    mode: Mode = "hybrid",
    topics: Iterable[str] | None = None,
    regions: Iterable[str] | None = None,
    query_vector: np.ndarray | None = None,
    depth: int = 50,
    counting: np.ndarray | None = None,
    tokens: Sequence[str] | None = None,
) -> list[Hit]:
    """Find the chunks that answer ``query``: reciprocal-rank fusion of dense and BM25 rankings.

    ``counting``: positions of the chunks that count what a 几/多少 question asks about (``CountIndex.counting``);
    the best of them by BM25 form a fourth ranking. ``tokens``: BM25's query instead of the question's own tokens
    (``reworded_tokens``).
    """
    mask = _allowed(index, topics, regions)
    dense: list[tuple[int, float]] = []
    lexical: list[tuple[int, float]] = []
    if mode in ("hybrid", "dense"):
        vector = query_vector if query_vector is not None else embeddings.encode_query(query)
        dense = dense_search(index, vector, depth, mask)
    counted: list[tuple[int, float]] = []
    if mode in ("hybrid", "bm25"):
        large = len(index.chunks) > LARGE_BASE_CHUNKS
        lexical, bm25_scores = _bm25(
            index, tokenize_cached(query) if tokens is None else tokens, depth, mask, fold=mode == "hybrid" and large
        )
        # Bases above SMALL_DOCS chunks are ranked with numpy, so the scores are there (None: no query word known).
        wanted = mode == "hybrid" and counting is not None and len(counting) > 0
        if wanted and bm25_scores is not None and large:
            counted = _top(bm25_scores, depth, among=counting)
    # Reciprocal-rank fusion in plain dicts keyed by chunk position (a dict per candidate was ~a third of retrieving).
    # Each candidate's score adds its terms in the same order as ever: dense, BM25, place.
    # Best first; ``reverse`` keeps the order of equal scores as a key of minus the score did (sorting is stable).
    scores: dict[int, float] = {}
    ranks: tuple[dict[int, int], dict[int, int]] = ({}, {})
    for weight, ranking, rank_of in ((WEIGHTS["dense"], dense, ranks[0]), (WEIGHTS["bm25"], lexical, ranks[1])):
        for rank, (pos, _) in enumerate(ranking, start=1):
            rank_of[pos] = rank
            scores[pos] = scores.get(pos, 0.0) + weight / (RRF_K + rank)
    names = named_places(query) if mode == "hybrid" else set()
    if names:
        needles, chunks = _needles(names), index.chunks
        regions = names
        if len(chunks) > LARGE_BASE_CHUNKS:
            # An article about the prefecture a named county is in is about the county too ("刚回延吉" and 国网延边
            # 供电公司's visits): at 100k chunks, look-alikes naming a made-up "延吉县" took all 8 places read from
            # the chunk first by both BM25 and meaning. A small base's chunks are all near the top anyway; there it
            # only changed which hotline a decline offers ("德惠加气站…" now near 长春's 门诊共济).
            regions = names | {PREFECTURE_OF[n] for n in names if n in PREFECTURE_OF}
        # The candidates naming a place, in fused order (picked first, then sorted: the same order, sorting is stable).
        local = sorted(
            [pos for pos in scores if _names_place(chunks[pos], regions, needles)],
            key=scores.__getitem__,
            reverse=True,
        )
        for rank, pos in enumerate(local, start=1):
            scores[pos] += WEIGHTS["place"] / (RRF_K + rank)
    for rank, (pos, _) in enumerate(counted, start=1):
        scores[pos] = scores.get(pos, 0.0) + WEIGHTS["count"] / (RRF_K + rank)
    dense_rank, bm25_rank = ranks
    hits = []
    for pos in sorted(scores, key=scores.__getitem__, reverse=True)[:k]:
        d, b = dense_rank.get(pos), bm25_rank.get(pos)
        hits.append(
            Hit(
                index.chunks[pos],
                scores[pos],
                None if d is None else dense[d - 1][1],
                None if b is None else lexical[b - 1][1],
                d,
                b,
            )
        )
    return hits


def hit_to_langchain(hit: Hit) -> LCDocument:
    chunk = hit.chunk
    return LCDocument(
        page_content=chunk.text,
        metadata={
            **chunk.to_dict(),
            "score": hit.score,
            "dense_score": hit.dense_score,
            "bm25_score": hit.bm25_score,
        },
    )


class HybridRetriever(BaseRetriever):
    """langchain retriever over a loaded ``KnowledgeIndex``.

    Example::

        retriever = HybridRetriever(index=index, embeddings=embeddings, k=4, topics=["medical_insurance"])
        docs = retriever.invoke("家里人能不能用我的医保个人账户")
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    index: Any
    embeddings: Any
    k: int = 8
    mode: Mode = "hybrid"
    topics: list[str] | None = None
    regions: list[str] | None = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[LCDocument]:
        hits = retrieve_hybrid(
            self.index,
            self.embeddings,
            query,
            self.k,
            mode=self.mode,
            topics=self.topics,
            regions=self.regions,
        )
        return [hit_to_langchain(h) for h in hits]
