"""A sentence chosen only for scoring close to the best, with no word of the question in it, gives its place to one
that says a question word the chosen ones lack, when the answer already has all its sentences.

In a large base the article's names (辽源, 快递) weigh more and the asked-about word (春节) less: every sentence of
the 辽源 paragraph scored near the best through its context, and "要求各企业做好人力运力调配…" (not a word of the
question) took the last place before "…做好春节“不打烊”工作". A base crowded with reports on 春节 weighs the words
the same way. Real files in a temp folder, a real index built by ``ingest_paths``, the real chain.
"""

from __future__ import annotations

import pytest
from answers_support import crowded_base

from bot.chain import FaqChain, build_chain
from bot.config import Settings

PLACES = ["长春", "吉林市", "四平", "通化", "白山", "松原", "白城", "延边"]


def _festival_report(n: int) -> str:
    """A short report on 春节 somewhere else, with nothing on parcels."""
    return (
        f"---\nid: fest-{n:03d}\ntitle: 春节见闻之{n}\ndate: 2023-01-0{n % 9 + 1}\ntopics: [energy]\n---\n"
        f"春节临近，{PLACES[n % len(PLACES)]}街头张灯结彩。\n\n春节期间，市民走亲访友。\n"
    )


@pytest.fixture(scope="module")
def festive(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("festive")
    settings: Settings = crowded_base(root, "postal-baotong", _festival_report, 30, "fest")
    return settings


def test_a_sentence_saying_the_asked_word_takes_the_place_of_a_wordless_one(festive: Settings) -> None:
    answer = build_chain(festive).ask("辽源过年快递停不停啊")
    assert answer.answered, answer.text
    assert "不打烊" in answer.text
    assert all(c.doc_id == "postal-baotong" for c in answer.citations)


def test_a_sentence_holding_little_of_the_question_gives_way_too(no_faq_chain: FaqChain) -> None:
    # The seed base: "要求各企业做好人力运力调配…" holds 企业 only, which "督导各企业…" beside it says already; it took the
    # last place, and the answer said nothing of 春节 and was declined.
    answer = no_faq_chain.ask("辽源邮政管理局让快递企业春节期间咋整")
    assert answer.answered, answer.text
    assert "不打烊" in answer.text
