"""A server answering for weeks from a large knowledge base does not grow without bound, and answers the same.

Above ``EAGER_CHUNK_LIMIT`` chunks the sentence bank reads sentences on demand; it keeps them (and their texts
prepared for matching, paragraph followers, titles, vectors) only for the chunks used last. Built on a real index
of the seed articles plus ~300 chunks of synthetic look-alikes, with caps far below the base's size.
"""

from __future__ import annotations

import dataclasses
import json
import threading

import pytest
from conftest import REPO

from bot.chain import FaqChain, build_chain
from bot.config import Settings
from bot.evidence import SentenceBank
from bot.sentences import units

CAP_CHUNKS = 64
CAP_VECTORS = 100


@pytest.fixture(scope="module")
def chain(synthetic_kb: Settings) -> FaqChain:
    built = build_chain(synthetic_kb)
    assert len(built._loaded.index.chunks) > 4 * CAP_CHUNKS
    return built


@pytest.fixture(scope="module")
def questions() -> list[str]:
    """Every other eval question (~2,200 of them, every topic and style): many more than the caps hold, and the
    tests below answer them up to four times each, which all 4,000+ made too slow for the suite."""
    lines = (REPO / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()][::2]


def _answers(chain: FaqChain, bank: SentenceBank, questions: list[str]) -> list[tuple]:
    chain._loaded = dataclasses.replace(chain._loaded, bank=bank)
    out = []
    for q in questions:
        a = chain.ask(q)
        out.append((a.text, a.answered, [(c.doc_id, c.start, c.end) for c in a.citations]))
    return out


@pytest.fixture(scope="module")
def eager_answers(chain: FaqChain, questions: list[str], embeddings) -> list[tuple]:  # type: ignore[no-untyped-def]
    bank = SentenceBank(chain._loaded.index, embeddings)
    assert bank.eager
    return _answers(chain, bank, questions)


def test_bounded_bank_answers_every_question_as_the_eager_bank_does(
    chain: FaqChain, questions: list[str], eager_answers: list[tuple], embeddings
) -> None:  # type: ignore[no-untyped-def]
    bank = SentenceBank(
        chain._loaded.index, embeddings, eager_limit=0, lru_chunks=CAP_CHUNKS, lru_sentences=CAP_VECTORS
    )
    assert _answers(chain, bank, questions) == eager_answers
    # The caps were reached and chunks were read again after eviction: the comparison above is not vacuous.
    assert bank.chunks_read > 2 * CAP_CHUNKS
    assert sum(a[1] for a in eager_answers) > 100


def test_bank_memory_stays_bounded_after_many_questions(
    chain: FaqChain, questions: list[str], embeddings
) -> None:  # type: ignore[no-untyped-def]
    index = chain._loaded.index
    most_units = max(len(units(c.text)) for c in index.chunks)
    bank = SentenceBank(index, embeddings, eager_limit=0, lru_chunks=CAP_CHUNKS, lru_sentences=CAP_VECTORS)
    unbounded = SentenceBank(index, embeddings, eager_limit=0, lru_chunks=10**9)
    sizes = []
    for _ in range(2):
        _answers(chain, bank, questions)
        sizes.append(bank.cached())
    _answers(chain, unbounded, questions)
    grown = unbounded.cached()
    for size in sizes:
        assert size["chunks"] <= CAP_CHUNKS and size["titles"] <= CAP_CHUNKS
        assert size["vectors"] <= CAP_VECTORS
        for cache in ("sentences", "texts", "contexts", "next"):
            assert size[cache] <= CAP_CHUNKS * most_units, (cache, size)
    # Without the cap the same questions leave far more behind: the bound is what keeps it small.
    assert grown["chunks"] > 2 * CAP_CHUNKS and grown["sentences"] > 2 * sizes[-1]["sentences"]


def test_a_sentence_read_again_after_eviction_is_the_same_sentence(chain: FaqChain, embeddings) -> None:  # type: ignore[no-untyped-def]
    index = chain._loaded.index
    bank = SentenceBank(index, embeddings, eager_limit=0, lru_chunks=CAP_CHUNKS)
    eager = SentenceBank(index, embeddings)
    first = index.chunks[1].chunk_id
    sids = bank.sentences_for_chunk(first)
    before = [
        (bank.sentences[i], bank.next_in_paragraph(i), bank.text(i).norm, bank.context(i).norm) for i in sids
    ]
    for chunk in index.chunks[2:]:
        bank.sentences_for_chunk(chunk.chunk_id)
    assert bank.cached()["chunks"] == CAP_CHUNKS
    assert bank.sentences_for_chunk(first) == sids
    after = [
        (bank.sentences[i], bank.next_in_paragraph(i), bank.text(i).norm, bank.context(i).norm) for i in sids
    ]
    assert after == before
    # And it is the sentence the eager bank holds for that place in the chunk, with the same follower.
    for chunk in index.chunks[:40]:
        mine = [bank.sentences[i] for i in bank.sentences_for_chunk(chunk.chunk_id)]
        theirs = [eager.sentences[i] for i in eager.sentences_for_chunk(chunk.chunk_id)]
        assert mine == theirs
        follow = [bank.next_in_paragraph(i) for i in bank.sentences_for_chunk(chunk.chunk_id)]
        eager_follow = [eager.next_in_paragraph(i) for i in eager.sentences_for_chunk(chunk.chunk_id)]
        assert [bank.sentences[i] if i is not None else None for i in follow] == [
            eager.sentences[i] if i is not None else None for i in eager_follow
        ]


def test_bounded_bank_answers_questions_asked_at_once_as_one_by_one(
    chain: FaqChain, questions: list[str], eager_answers: list[tuple], embeddings
) -> None:  # type: ignore[no-untyped-def]
    bank = SentenceBank(chain._loaded.index, embeddings, eager_limit=0, lru_chunks=4 * CAP_CHUNKS)
    chain._loaded = dataclasses.replace(chain._loaded, bank=bank)
    got: dict[int, tuple] = {}

    def worker(k: int) -> None:
        for n in range(k, len(questions), 4):
            a = chain.ask(questions[n])
            got[n] = (a.text, a.answered, [(c.doc_id, c.start, c.end) for c in a.citations])

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    assert [got[n] for n in range(len(questions))] == eager_answers
    assert bank.chunks_read > 4 * CAP_CHUNKS
