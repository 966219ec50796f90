"""A large knowledge base embeds only a few candidate sentences per question, and answers as if it embedded all."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import bot.scoring as scoring_module
from bot.answer import draft_answer, render
from bot.evidence import SentenceBank
from bot.question import classify
from bot.retrieve import retrieve_hybrid
from bot.scoring import word_weights

QUESTIONS = Path(__file__).resolve().parents[1] / "eval" / "questions.jsonl"


def _dev_questions() -> list[str]:
    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r["question"] for r in rows if r.get("split") == "dev" and r.get("in_scope")]


def _answer_text(bank: SentenceBank, index, embeddings, question: str) -> str:  # type: ignore[no-untyped-def]
    """The extractive answer the chain would compose for a one-turn question (before abstention)."""
    info = classify(question)
    weights = word_weights(bank, bank.reader.words(question))
    qvec = embeddings.encode_query(question)
    hits = retrieve_hybrid(index, embeddings, question, 8, query_vector=qvec)
    draft = draft_answer(bank, hits, info, weights, qvec, budget=120, max_sentences=3)
    return render(draft)[0]


def test_large_base_embeds_at_most_a_dozen_sentences_per_question(seed_index, embeddings) -> None:  # type: ignore[no-untyped-def]
    eager = SentenceBank(seed_index, embeddings)
    on_demand = SentenceBank(seed_index, embeddings, eager_limit=0)  # how a base above 2,000 chunks runs
    assert eager.eager and not on_demand.eager
    for question in _dev_questions()[:40]:
        before = on_demand.embedded
        lazy_text = _answer_text(on_demand, seed_index, embeddings, question)
        assert on_demand.embedded - before <= scoring_module.DENSE_CANDIDATES, question
        assert lazy_text == _answer_text(eager, seed_index, embeddings, question), question
    assert 0 < on_demand.embedded < len(eager.sentences)


def test_embedding_only_candidates_changes_no_dev_answer(
    seed_index,
    embeddings,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    bank = SentenceBank(seed_index, embeddings)
    questions = _dev_questions()
    pruned = [_answer_text(bank, seed_index, embeddings, q) for q in questions]
    monkeypatch.setattr(scoring_module, "DENSE_CANDIDATES", 10**6)  # every sentence read gets its similarity
    every = [_answer_text(bank, seed_index, embeddings, q) for q in questions]
    changed = [q for q, a, b in zip(questions, pruned, every, strict=True) if a != b]
    # Measured: no dev answer changes (with 8 candidates, one did).
    assert len(changed) <= 1, changed
    assert sum(bool(a) for a in pruned) >= 0.9 * len(questions)


def test_the_fact_in_the_chunk_next_to_the_matched_one_is_read_too(seed_index, embeddings) -> None:  # type: ignore[no-untyped-def]
    """In a large base look-alike articles can crowd the best article's other chunks out of the hits;
    the chunks beside a top hit, in the same article, are read anyway."""
    from bot.types import Hit

    bank = SentenceBank(seed_index, embeddings, eager_limit=0)
    chunks = seed_index.chunks
    middle = next(
        i
        for i in range(1, len(chunks) - 1)
        if chunks[i - 1].doc_id == chunks[i].doc_id == chunks[i + 1].doc_id
    )
    assert bank.neighbour_chunks(chunks[middle].chunk_id) == [
        chunks[middle - 1].chunk_id,
        chunks[middle + 1].chunk_id,
    ]
    first = next(i for i in range(1, len(chunks)) if chunks[i].doc_id != chunks[i - 1].doc_id)
    assert chunks[first - 1].chunk_id not in bank.neighbour_chunks(chunks[first].chunk_id)  # another article

    question = "辽源灌装站全天充装了多少钢瓶"
    info = classify(question)
    weights = word_weights(bank, bank.reader.words(question))
    hit = Hit(chunk=chunks[middle], score=1.0)
    read = {
        bank.sentences[s.sid].start
        for s in scoring_module.score_sentences(bank, [hit], info, weights, embeddings.encode_query(question))
    }
    for neighbour in (chunks[middle - 1], chunks[middle + 1]):
        assert any(neighbour.start <= start < neighbour.end for start in read), neighbour.chunk_id
