"""A paragraph's opening across chunks, for the place checks.

The postal article's 辽源 paragraph opens "辽源市邮政管理局积极部署……" and, two chunks on, ends "…做好春节“不打烊”工作";
the chunk holding that sentence starts inside the paragraph. Asked whether 松原's (or 长春's) couriers work through the
holiday, that sentence is 辽源's, not theirs: the article names 松原 and 长春 too, and it used to pass for them.

Real seed index, real embedder, both ways the sentence bank reads it (all at load, and on demand as a large base does).
"""

from __future__ import annotations

import pytest

from bot.chain import FaqChain
from bot.evidence import SentenceBank


def _sentence_with(bank: SentenceBank, index, text: str):  # type: ignore[no-untyped-def]
    for chunk in index.chunks:
        for sid in bank.sentences_for_chunk(chunk.chunk_id):
            if text in bank.sentences[sid].text:
                return bank.sentences[sid]
    raise AssertionError(text)


@pytest.mark.parametrize("eager_limit", [None, 0])
def test_a_sentence_chunks_into_its_paragraph_knows_its_opening(seed_index, embeddings, eager_limit) -> None:  # type: ignore[no-untyped-def]
    bank = SentenceBank(seed_index, embeddings) if eager_limit is None else SentenceBank(seed_index, embeddings, eager_limit=0)
    sentence = _sentence_with(bank, seed_index, "不打烊”工作")
    assert sentence.opening.startswith("辽源市邮政管理局积极部署"), sentence
    assert not sentence.lead.startswith("辽源"), "the lead within its chunk is left as it was"
    # A sentence whose chunk holds its paragraph's start has no opening of its own beside its lead.
    first = _sentence_with(bank, seed_index, "松原市邮政管理局先后深入到瑞禾苗物流园区")
    assert first.opening == ""


def test_a_holiday_question_about_another_city_is_not_answered_by_that_paragraph(no_faq_chain: FaqChain) -> None:
    for question in ("松原的快递春节期间是不是也不打烊？", "长春快递过年也不打烊吗"):
        answer = no_faq_chain.ask(question)
        assert not answer.answered, (question, answer.text)
    answer = no_faq_chain.ask("辽源的快递春节期间是不是也不打烊？")
    assert answer.answered and "不打烊" in answer.text, answer.text
