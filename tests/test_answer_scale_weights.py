"""A larger knowledge base must not make the bot decline what it answers on the seed articles alone.

Built on a real index of the seed articles plus synthetic look-alikes (scripts/synth_kb.py, ~300 chunks).
"""

from __future__ import annotations

import pytest

from bot.chain import FaqChain, build_chain
from bot.config import Settings


@pytest.fixture(scope="module")
def larger_chain(synthetic_kb: Settings) -> FaqChain:
    return build_chain(synthetic_kb)


@pytest.mark.parametrize(
    ("question", "doc_id", "fact"),
    [
        ("社区医院二级医院看门诊能走统筹不", "cc-medical-outpatient", "三级及以下定点医疗机构"),
        ("吉林油田二氧化碳一年能往地下打多少万吨", "jilin-oilfield-ccus", "43万吨"),
        ("淮安调压站都给哪些地方供气", "gas-new-year-eve", "吉林石化"),
    ],
)
def test_look_alike_articles_do_not_make_a_seed_answer_a_decline(
    larger_chain: FaqChain, question: str, doc_id: str, fact: str
) -> None:
    assert len(larger_chain.index.chunks) >= 300
    answer = larger_chain.ask(question)
    assert answer.answered, answer.text
    assert fact in answer.text
    assert doc_id in {c.doc_id for c in answer.citations}


def test_a_word_no_article_uses_weighs_no_more_than_in_the_seed(
    larger_chain: FaqChain, seed_index, embeddings
) -> None:  # type: ignore[no-untyped-def]
    from bot.evidence import SentenceBank

    seed_bank = SentenceBank(seed_index, embeddings)
    larger_bank = SentenceBank(larger_chain.index, embeddings)
    for word in ("过节", "ct", "那嘎达"):
        assert larger_bank.df(word) == 0 and seed_bank.df(word) == 0
        # Plain IDF would grow with the base (log 2N: 4.2 at 31 chunks, 6.4 at 300, 12.2 at 100k).
        assert larger_bank.weight(word) <= 1.15 * seed_bank.weight(word)


def test_the_rarest_words_keep_their_proportions_as_the_base_grows(
    larger_chain: FaqChain, seed_index, embeddings
) -> None:  # type: ignore[no-untyped-def]
    """A word no article uses outweighs the rarest word the articles do use by the same factor at every size, so
    a near miss does not look closer to an article just because the base is larger."""
    from bot.evidence import SentenceBank

    ratios = []
    for index in (seed_index, larger_chain.index):
        bank = SentenceBank(index, embeddings)
        rarest = max(bank.idf(word) for word in ("淮安", "迟小飞", "杨博") if bank.df(word))
        ratios.append(bank.max_idf / rarest)
    assert ratios[1] == pytest.approx(ratios[0], rel=0.05)



def test_a_lone_character_a_large_base_rarely_holds_alone_weighs_what_general_chinese_gives_it() -> None:
    """At 100k chunks 钱 stands alone in 48 (names, clipped clauses): plain IDF put it at the ceiling, above 门诊,
    which look-alikes use in a quarter of the chunks. On a base as small as the seed a character standing alone in
    a chunk is the articles' own use and keeps its IDF."""
    from bot.evidence import SentenceBank
    from bot.lexicon import general_rarity

    def bank(df: dict[str, int], chunks: int) -> SentenceBank:
        made = SentenceBank.__new__(SentenceBank)
        made._df, made._n_chunks, made._weights = df, chunks, {}
        return made

    large = bank({"钱": 48, "门诊": 23315}, 100_000)
    assert large.weight("钱") == pytest.approx(0.5 * large.max_idf * general_rarity("钱"))
    assert large.weight("钱") < 0.5 * large.weight("门诊")
    small = bank({"组": 2, "门诊": 2}, 31)
    assert small.weight("组") == pytest.approx(0.5 * small.idf("组"))
