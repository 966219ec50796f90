"""Round 25: a count in the unit asked, and a count the caller named.

- A 多少 question whose words the answering sentence only partly says ("罐装气站供着多少户老百姓家": the article says 液化气灌装站
  and 居民用户) is answered when that sentence states a count in the unit asked ("3万余户"), as it is when the meaning
  is close.
- A count the caller named is not the count asked for: "那5个督导组罚了几家快递" is not answered by the sentence that
  says there were 5个督导组, nor "那14条里企业能拿多少补贴" by the one that says 14条政策措施.

The seed index and the real chain (no curated FAQ).
"""

from __future__ import annotations

from answers_support import body

from bot.chain import FaqChain
from bot.question import stated_counts


def test_a_count_in_the_unit_asked_answers_a_loosely_worded_question(no_faq_chain: FaqChain) -> None:
    answer = no_faq_chain.ask("辽源那个罐装气站供着多少户老百姓家")
    assert answer.answered, answer.text
    assert "3万余户" in body(answer.text)
    answer = no_faq_chain.ask("我堂哥在一汽上班说红旗新出个H6 百公里加速几秒")
    assert answer.answered, answer.text
    assert "6.8秒" in body(answer.text)


def test_the_counts_a_caller_names_are_read_with_their_values() -> None:
    assert stated_counts("那14条政策里环保企业能拿多少补贴") == {14.0}
    assert stated_counts("省里派了三个组 注了43万吨") == {3.0, 430000.0}
    # The count offered as the answer to 几级 is not one the caller states as known.
    assert stated_counts("扩大到几级医院了 三级医院能报不", but=("级", "医院")) == frozenset()
    assert stated_counts("那5个督导组一共查出多少个问题", but=("个", "问题")) == {5.0}
    assert stated_counts("梨树一共扣了多少个棚") == frozenset()


def test_a_sentence_repeating_the_count_named_does_not_answer_how_many(no_faq_chain: FaqChain) -> None:
    for question in ("那5个督导组罚了几家快递", "那14条政策里环保企业具体能拿多少补贴", "吉林市那5个督导组一共查出多少个问题"):
        answer = no_faq_chain.ask(question)
        assert not answer.answered, (question, answer.text)
    # A caller offering the answer ("三级医院能报不") is answered with it.
    answer = no_faq_chain.ask("门诊报销扩大到几级医院了 三级医院能报不")
    assert answer.answered, answer.text
    assert "三级及以下" in body(answer.text)
