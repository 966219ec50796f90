"""Questions that list several things and ask what each one is ("分别是啥"): the answer quotes a sentence about each
listed thing, not the sentence that only names them. Real seed index and real chain."""

from __future__ import annotations

from pathlib import Path

import pytest
from answers_support import KNOWLEDGE, assert_citations_exact

from bot.chain import FaqChain, build_chain
from bot.config import Settings
from bot.question import lists_items, respectively_items


@pytest.fixture(scope="module")
def chain(seed_index_dir: Path) -> FaqChain:
    return build_chain(Settings(data_dir=seed_index_dir, knowledge_dir=KNOWLEDGE))


def test_the_things_listed_before_respectively_are_found() -> None:
    words = ("督导", "帮扶", "一张", "清单", "一套", "建议", "一份", "台账")
    assert respectively_items("督导帮扶的“一张清单、一套建议、一份台账”分别指啥", words) == ["清单", "建议", "台账"]
    assert respectively_items("一张清单一套建议一份台账各是什么", words) == ["清单", "建议", "台账"]
    assert respectively_items("红旗h6的最大功率和峰值扭矩分别是多少", ("红旗", "最大", "功率", "峰值", "扭矩")) == [
        "最大功率",
        "峰值扭矩",
    ]
    assert respectively_items("一张清单是啥", words) == []  # one thing, asked once
    # Asked what they are without 分别: each is asked about all the same; so with a slip (建易, 台帐) or an aside.
    assert respectively_items("一张清单一套建议一份台账 啥意思", words) == ["清单", "建议", "台账"]
    assert respectively_items("一张清单一套建易一份台帐分别是啥", words) == ["清单", "建议", "台账"]
    assert respectively_items("一张清单、一套建议、一份台账，这三样到底是啥", words) == ["清单", "建议", "台账"]


def test_a_sentence_that_only_names_the_things_does_not_say_what_they_are() -> None:
    items = ["清单", "建议", "台账"]
    assert lists_items("形成了一张清单、一套建议和一份台账。", items)
    assert not lists_items("一张清单,即生态强省建设督导帮扶清单,汇总各地具体问题。", items)
    assert not lists_items("最大功率为185kw,峰值扭矩380n·m", ["最大功率", "峰值扭矩"])


@pytest.mark.parametrize(
    "question",
    [
        "督导帮扶弄的一张清单、一套建议、一份台账分别是什么意思",
        "一张清单一套建议一份台账 各是啥",
        "督导帮扶那一张清单一套建议一份台账 都是啥意思",
        "一张清单一套建易一份台帐分别是啥",
        "省里搞的一张清单、一套建议、一份台账，这三样到底是啥",
    ],
)
def test_each_listed_thing_is_answered_with_its_own_sentence(chain: FaqChain, question: str) -> None:
    answer = chain.ask(question)
    assert answer.answered, answer.text
    for fact in ("督导帮扶清单", "帮扶建议书", "挂账销号"):
        assert fact in answer.text, (fact, answer.text)
    assert "形成了一张清单" not in answer.text, "the bare list says nothing the three sentences do not"
    assert_citations_exact(answer)


def test_two_figures_in_one_sentence_stay_one_quote(chain: FaqChain) -> None:
    answer = chain.ask("红旗H6最大功率和峰值扭矩分别多大")
    assert answer.answered and "185kW" in answer.text and "380N·m" in answer.text
    assert len(answer.citations) == 1


def test_a_second_question_already_answered_by_the_first_quote_gets_no_other_sentence(chain: FaqChain) -> None:
    """ "一共几个工作组 去了几个地区": the sentence giving 5个帮扶工作组 goes on "分赴9个地区"; a sentence about the
    second working group names the part's words a little better but answers neither, and quoting it cut the
    first one short before 9个地区."""
    answer = chain.ask("生态强省督导帮扶总共几个工作组 去了几个地区")
    assert answer.answered and "5个帮扶工作组" in answer.text and "9个地区" in answer.text, answer.text
    assert len(answer.citations) == 1


def test_a_formal_question_asking_two_things_across_a_comma_gets_both(chain: FaqChain) -> None:
    from bot.question import question_parts

    question = "请问长春职工医保门诊共济何时开始实施，在哪个公众号上办理？"
    assert len(question_parts(question)) == 2
    answer = chain.ask(question)
    assert answer.answered and "1月1日" in answer.text and "吉林医保公共服务" in answer.text, answer.text


@pytest.mark.parametrize(
    ("question", "site"),
    [("第二工作组在四平都去了哪些地方", "西湖湿地"), ("第二工作组去吉林市都看了啥地方", "宝山肉牛养殖场")],
)
def test_which_sites_were_visited_is_answered_with_the_sites_listed(chain: FaqChain, question: str, site: str) -> None:
    """The trip's sentence ("先后到四平市、吉林市开展…") names the cities; the sites visited are listed in another
    sentence ("在四平，他们先后深入…湿地…", "在吉林，实地踏查了…养殖场"), about the place asked."""
    from bot.question import classify

    assert classify(question).kind == "sites"
    answer = chain.ask(question)
    assert answer.answered and site in answer.text, answer.text
