"""On a large base the answering sentences' share of the question's words may be a little lower than on the seed
(``abstain.Thresholds.min_coverage_large``): the articles' topic words, which look-alikes repeat, weigh less there (医保
1.87 here, 2.55 on the seed), while a resident's word no article uses ("外头") weighs as much as anywhere, so
"医保卡钱买目录外头的药好使不" is covered 0.59 by "…可使用个人账户资金支付目录内、外的药品…" (0.61 on the seed).

Real files in a temp folder, a real index built by ``ingest_paths``, the real chain.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from answers_support import body, crowded_base, look_alikes

from bot.chain import build_chain
from bot.config import Settings
from bot.retrieve import LARGE_BASE_CHUNKS

# One look-alike in seven names 医保: it weighs as a topic word repeated across a large base does.
FILLERS = ["医保经办窗口正常开放", "在严寒中", "春节临近", "时值岁尾", "隆冬腊月", "气氛热烈", "马不停蹄"]
QUESTION = "医保卡钱买目录外头的药好使不"

_look_alike = look_alikes("民生", "medical_insurance", "{city}有关部门提醒市民，{filler}。", FILLERS)


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("coverage_large")
    settings: Settings = crowded_base(root, "cc-medical-outpatient", _look_alike, 300, "copy")
    return settings


def test_the_sentence_on_drugs_outside_the_list_answers(crowded: Settings) -> None:
    chain = build_chain(crowded)
    assert len(chain.index.chunks) > LARGE_BASE_CHUNKS
    answer = chain.ask(QUESTION)
    assert answer.answered, answer.text
    assert "目录内、外的药品" in body(answer.text), answer.text


def test_at_the_seed_bar_it_is_declined(crowded: Settings) -> None:
    """The case above is one the large base's bar decides."""
    chain = build_chain(crowded)
    chain.thresholds = replace(chain.thresholds, min_coverage_large=chain.thresholds.min_coverage)
    answer = chain.ask(QUESTION)
    assert not answer.answered, answer.text
