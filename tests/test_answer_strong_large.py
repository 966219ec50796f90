"""On a large base, a second sentence of the article scoring a little further behind the best than on the seed is still
quoted beside it (``answer.STRONG_LARGE``): "在三甲医院看门诊的费用可以纳入门诊统筹报销吗" is answered with "…门诊统筹报销
范围扩大到三级及以下定点医疗机构…" beside "门诊报销不再局限于合规药品费用…". Among look-alikes that repeat 门诊共济 the
article's other words weigh the most a word can (费用 3.0), so the sentence lacking 费用 falls to 0.83 of the best.

Real files in a temp folder, a real index built by ``ingest_paths``, the real chain.
"""

from __future__ import annotations

import pytest
from answers_support import body, crowded_base, look_alikes

import bot.answer as answer_module
from bot.chain import build_chain
from bot.config import Settings
from bot.retrieve import LARGE_BASE_CHUNKS

FILLERS = ["地方不仅知道要做什么", "在严寒中", "加快建设生态强省", "确保问题解决到位", "春节临近"]
QUESTION = "请问在三甲医院看门诊的费用可以纳入门诊统筹报销吗？"

_look_alike = look_alikes("门诊共济", "medical_insurance", "{city}正式启动实施职工医保门诊共济保障机制，{filler}。", FILLERS)


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("strong_large")
    settings: Settings = crowded_base(root, "cc-medical-outpatient", _look_alike, 300, "copy")
    return settings


def test_the_sentence_on_the_hospitals_is_quoted_beside_the_best(crowded: Settings) -> None:
    chain = build_chain(crowded)
    assert len(chain.index.chunks) > LARGE_BASE_CHUNKS
    answer = chain.ask(QUESTION)
    assert answer.answered, answer.text
    text = body(answer.text)
    assert "三级及以下定点医疗机构" in text, text
    assert "门诊报销不再局限于合规药品费用" in text, text


def test_at_a_small_bases_bar_it_is_not(crowded: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The case above is one the large base's bar decides (``STRONG_LARGE``)."""
    monkeypatch.setattr(answer_module, "STRONG_LARGE", answer_module.STRONG)
    answer = build_chain(crowded).ask(QUESTION)
    assert "三级及以下定点医疗机构" not in body(answer.text), answer.text
