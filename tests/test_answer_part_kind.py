"""A second question asking a count, when a quote already gives one, is not answered by a sentence that only says
more of its words: that sentence is quoted in the room left, and the count is not cut from its quote to make room.

The seed index and the real chain (no curated FAQ).
"""

from __future__ import annotations

from answers_support import body

from bot.chain import FaqChain


def test_a_count_is_not_cut_for_a_sentence_saying_more_of_the_parts_words(no_faq_chain: FaqChain) -> None:
    # "一共组了几个工作组" and "分赴几个地区" are both answered by one sentence ("…组成的5个帮扶工作组，分赴9个地区完成实地
    # 帮扶"). The sentence on the 第二工作组's trip says more of the first part's words (2022年, 生态强省建设, 工作组) but
    # no count; quoted beside it at half the room, it cut the quote to "分赴9个地区完成实地帮扶".
    answer = no_faq_chain.ask("2022年生态强省建设督导帮扶一共组了几个工作组，分赴几个地区？")
    assert answer.answered, answer.text
    assert "5个帮扶工作组" in body(answer.text)
    assert "9个地区" in body(answer.text)
    assert answer.citations[0].doc_id == "eco-supervision"


def test_a_part_asking_what_no_quote_gives_is_asked_however_light_its_words(no_faq_chain: FaqChain) -> None:
    # "是谁来查？" names next to nothing (谁, 查), so it was passed over as said already; no quote named who comes, and
    # the long message was declined. The article's sentence naming 国网延边供电公司's 共产党员服务队 answers it.
    answer = no_faq_chain.ask(
        "我在韩国打工好几年了，今年过年回延吉老家，房子一直空着没人住，插座开关都落了一层灰，有点担心一通电就出毛病。"
        "听说供电公司能派人上门帮着检查，真有这事吗，是谁来查？"
    )
    assert answer.answered, answer.text
    assert "共产党员服务队" in body(answer.text)
    assert answer.citations[0].doc_id == "yanbian-power-returnees"
