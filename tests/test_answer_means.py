"""On a large base, "用啥法子" asks the means (手段) as well as the way (方式): "辽源邮管局让企业用啥法子把快递员叫回来上岗"
is answered by "…提升派费，发放津补贴、返岗补贴、加班费…等手段，引导更多一线人员及时返岗", not by a look-alike's
"…因地制宜采取多种方式做好春节寄递服务".

Real files in a temp folder, a real index built by ``ingest_paths``, the real chain.
"""

from __future__ import annotations

import pytest
from answers_support import body, crowded_base, look_alikes

from bot.chain import build_chain
from bot.config import Settings
from bot.retrieve import LARGE_BASE_CHUNKS

FILLERS = ["当人们准备迎接新年时", "在严寒中", "时值岁尾", "隆冬腊月", "春节临近"]
QUESTION = "辽源邮管局让企业用啥法子把快递员叫回来上岗"

_look_alike = look_alikes(
    "快递保通保畅", "postal", "{filler}，{city}市邮政管理局督导各企业因地制宜采取多种方式做好春节寄递服务。", FILLERS, ("辽源",)
)


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings: Settings = crowded_base(tmp_path_factory.mktemp("means"), "postal-baotong", _look_alike, 300, "copy")
    return settings


def test_the_means_of_bringing_couriers_back_answer(crowded: Settings) -> None:
    chain = build_chain(crowded)
    assert len(chain.index.chunks) > LARGE_BASE_CHUNKS
    answer = chain.ask(QUESTION)
    assert answer.answered and "返岗补贴" in body(answer.text), answer.text
