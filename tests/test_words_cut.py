"""Reading a question's words reuses the route of the search-mode cut made for BM25: the pieces it cuts
(between place names, or ending a longer text) must come out exactly as jieba's own cut would give them."""

from __future__ import annotations

import json

import jieba
import pytest
from answers_support import KNOWLEDGE

from bot.chunk import normalize
from bot.words import cut_plain, domain_words, tokenize

EVAL = KNOWLEDGE.parent / "eval"


@pytest.fixture(scope="module")
def reference() -> jieba.Tokenizer:
    """A plain jieba tokenizer with the same domain dictionary, that remembers nothing."""
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for word in domain_words():
        tokenizer.add_word(normalize(word), freq=200000)
    return tokenizer


def _questions() -> list[str]:
    rows = [json.loads(line) for line in (EVAL / "questions.jsonl").read_text(encoding="utf-8").splitlines() if line]
    return [r["question"] for r in rows]


def test_pieces_of_a_question_just_cut_are_cut_as_jieba_cuts_them(reference: jieba.Tokenizer) -> None:
    checked = 0
    for question in _questions():
        norm = normalize(question)
        tokenize(question)  # the search-mode cut, as condensing makes it first
        pieces = {norm} | {norm[k:] for k in range(len(norm))} | {norm[:k] for k in range(1, len(norm))}
        for piece in pieces:
            assert cut_plain(piece) == list(reference.cut(piece, HMM=False)), piece
            checked += 1
    assert checked > 10_000


def test_text_never_cut_before_is_cut_as_jieba_cuts_it(reference: jieba.Tokenizer) -> None:
    text = "长春市 医保个人账户 2023年1月1日起可以家庭共济，H6售价12.58万元。"
    assert cut_plain(normalize(text)) == list(reference.cut(normalize(text), HMM=False))
