"""Reading a question's words reuses the route of the search-mode cut made for BM25: the pieces it cuts
(between place names, or ending a longer text) must come out exactly as jieba's own cut would give them. The
search-mode cut itself (``cut_search``, for BM25 and the index) must equal jieba's ``cut_for_search``."""

from __future__ import annotations

import json

import jieba
import pytest
from answers_support import KNOWLEDGE
from jieba import finalseg

from bot.chunk import normalize
from bot.words import CUT_WHOLE, _hmm_cut, cut_plain, cut_search, domain_words, tokenize

EVAL = KNOWLEDGE.parent / "eval"


@pytest.fixture(scope="module")
def reference() -> jieba.Tokenizer:
    """A plain jieba tokenizer with the same added words, that remembers nothing."""
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for word in (*domain_words(), *CUT_WHOLE):
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


def test_words_inside_a_question_just_cut_are_cut_as_jieba_cuts_them(reference: jieba.Tokenizer) -> None:
    """A piece from the middle of a question (a word being read, the text between two place names) takes the
    dictionary words found when the question was cut; its cuts must still be jieba's."""
    checked = 0
    for question in _questions()[::3]:
        norm = normalize(question)
        for start in range(1, len(norm) - 1):
            for end in range(start + 1, min(len(norm), start + 9)):
                tokenize(question)  # the question's blocks are the ones just cut
                piece = norm[start:end]
                assert cut_search(piece) == list(reference.cut_for_search(piece)), piece
                assert cut_plain(piece) == list(reference.cut(piece, HMM=False)), piece
                checked += 1
    assert checked > 20_000


def test_text_never_cut_before_is_cut_as_jieba_cuts_it(reference: jieba.Tokenizer) -> None:
    text = "长春市 医保个人账户 2023年1月1日起可以家庭共济，H6售价12.58万元。"
    assert cut_plain(normalize(text)) == list(reference.cut(normalize(text), HMM=False))


def test_questions_and_articles_are_cut_for_search_as_jieba_cuts_them(reference: jieba.Tokenizer) -> None:
    lines = [line for path in sorted(KNOWLEDGE.glob("*.md")) for line in path.read_text(encoding="utf-8").splitlines()]
    texts = [*_questions(), *lines, "H6售价12.58万元，涨10%了吗？", "嗯嗯嗯嗯", "abc def", ""]
    for text in texts:
        for form in (text, normalize(text)):
            assert cut_search(form) == list(reference.cut_for_search(form)), form
    # Runs of characters jieba does not know go through its HMM, which finds words of its own among them.
    assert any(w not in reference.FREQ for text in _questions() for w in cut_search(normalize(text)) if len(w) > 1)


def test_unknown_characters_are_split_as_jiebas_hmm_splits_them() -> None:
    checked = 0
    for question in _questions():
        norm = normalize(question)
        for start in range(len(norm)):
            for end in range(start + 1, min(len(norm), start + 8) + 1):
                assert _hmm_cut(norm[start:end]) == list(finalseg.cut(norm[start:end])), norm[start:end]
                checked += 1
    assert checked > 50_000
