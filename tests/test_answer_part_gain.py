"""On a large base, a part of the question gets its own sentence for a smaller gain than on a small one: "延边电业那帮人上门
查了多少趟 整出几处毛病" quotes "国网延边供电公司组织共产党员服务队为…返乡务工人员检查用电线路…" beside "…上门服务30余次，
消除各类用电隐患22处…": the question's words only the article holds weigh the most a word can among look-alikes that
never use them (上门 3.0), so the counts' sentence says more of the part and the one naming 延边 gains less.

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
QUESTION = "延边电业那帮人上门查了多少趟 整出几处毛病"

_look_alike = look_alikes("供电服务", "power", "{city}供电公司保证返乡人员用电无忧，{filler}。", FILLERS)


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("part_gain")
    settings: Settings = crowded_base(root, "yanbian-power-returnees", _look_alike, 300, "copy")
    return settings


def test_the_part_naming_the_place_gets_its_sentence(crowded: Settings) -> None:
    chain = build_chain(crowded)
    assert len(chain.index.chunks) > LARGE_BASE_CHUNKS
    answer = chain.ask(QUESTION)
    assert answer.answered, answer.text
    text = body(answer.text)
    assert "国网延边供电公司" in text, text
    assert "30余次" in text and "22处" in text, text


def test_at_a_small_bases_bar_it_does_not(crowded: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The case above is one the large base's bar decides (``PART_GAIN_LARGE``)."""
    monkeypatch.setattr(answer_module, "PART_GAIN_LARGE", answer_module.PART_GAIN)
    answer = build_chain(crowded).ask(QUESTION)
    assert "国网延边供电公司" not in body(answer.text), answer.text
