"""In a large base the best hit's article is read whole: look-alike copies of its paragraphs take the places of the
chunks holding the sentences that answer with it.

The seed index, read as a large base reads it (sentences on demand, the whole-article rule switched on), with the
other places of the hits given to other articles as look-alikes would take them.
"""

from __future__ import annotations

import pytest

import bot.scoring as scoring_module
from bot.answer import draft_answer, render
from bot.evidence import SentenceBank
from bot.question import classify
from bot.scoring import word_weights
from bot.types import Hit

QUESTION = "省里下去帮着各地搞生态那个事 分了几个组 去了几个地方"


def _answer(seed_index, embeddings) -> str:  # type: ignore[no-untyped-def]
    bank = SentenceBank(seed_index, embeddings, eager_limit=0)
    chunks = seed_index.chunks
    article = [c for c in chunks if c.doc_id == "eco-supervision"]
    counted = next(c for c in article if "5个帮扶工作组" in c.text)
    # The best hit is a chunk of the article far from the one stating the counts; the other seven are elsewhere.
    best = max(article, key=lambda c: abs(chunks.index(c) - chunks.index(counted)))
    others = [c for c in chunks if c.doc_id != "eco-supervision"][:7]
    hits = [Hit(chunk=best, score=1.0), *(Hit(chunk=c, score=0.5) for c in others)]
    info = classify(QUESTION)
    weights = word_weights(bank, bank.reader.words(QUESTION))
    draft = draft_answer(bank, hits, info, weights, embeddings.encode_query(QUESTION), budget=150, max_sentences=3)
    return render(draft)[0]


def test_a_large_base_reads_the_best_hits_article_whole(
    seed_index, embeddings, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    monkeypatch.setattr(scoring_module, "LARGE_BASE_CHUNKS", 0, raising=False)  # as above 256 chunks
    assert "5个帮扶工作组" in _answer(seed_index, embeddings)


def test_a_small_base_reads_its_hits_only(seed_index, embeddings) -> None:  # type: ignore[no-untyped-def]
    # The seed's 31 chunks: every article's chunks are among the hits when they matter, and its answers stay as they
    # were; here the counts' chunk is neither a hit nor beside one.
    assert "5个帮扶工作组" not in _answer(seed_index, embeddings)
