"""A small base's BM25 search runs in plain Python (``sparse.ranked_small``); it must rank exactly as the numpy search
it stands in for: the same chunks, in the same order, with the same float32 scores."""

from __future__ import annotations

import json
import random

import numpy as np
from conftest import REPO

from bot.retrieve import bm25_search
from bot.sparse import SMALL_DOCS, ranked_small
from bot.words import tokenize_cached


def _numpy_search(index, tokens, k):  # type: ignore[no-untyped-def]
    """The numpy search: a mask that allows every chunk takes that path and changes no score."""
    return bm25_search(index, tokens, k, np.ones(len(index.chunks), dtype=bool))


def test_questions_are_ranked_by_bm25_as_the_numpy_search_ranks_them(seed_index) -> None:  # type: ignore[no-untyped-def]
    assert len(seed_index.chunks) <= SMALL_DOCS
    rows = [json.loads(line) for line in (REPO / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines() if line]
    in_python = 0
    for row in rows:
        tokens = tokenize_cached(row["question"])
        for k in (50, 8, 3):
            expected = _numpy_search(seed_index, tokens, k)
            assert bm25_search(seed_index, tokens, k) == expected, row["question"]
            ids = [seed_index.vocab[t] for t in tokens if t in seed_index.vocab]
            in_python += bool(ids) and ranked_small(seed_index.bm25, ids, min(k, len(seed_index.chunks))) is not None
    assert in_python > 0.9 * 3 * len(rows)  # ties (left to numpy) are rare


def test_any_mix_of_terms_is_ranked_as_the_numpy_search_ranks_it(seed_index) -> None:  # type: ignore[no-untyped-def]
    vocabulary = sorted(seed_index.vocab)
    pick = random.Random(7)
    tied = 0
    for _ in range(3000):
        tokens = pick.sample(vocabulary, pick.randint(1, 12))
        tokens += pick.sample(tokens, min(len(tokens), pick.randint(0, 2)))  # a word asked twice counts twice
        ids = [seed_index.vocab[t] for t in tokens]
        tied += ranked_small(seed_index.bm25, ids, 50) is None
        assert bm25_search(seed_index, tokens, 50) == _numpy_search(seed_index, tokens, 50), tokens
    assert tied < 3000 // 2
