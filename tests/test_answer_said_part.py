"""On a large base, a how-part of a question whose words the quotes already say is answered by them: "调压器冬天冻堵了
咋整 站里的人是咋弄的" is answered by "…站内当班人员紧盯运行压力、加密巡检频次，对易出现冻堵的装置设备进行反复排查…",
not by another sentence of the article that tells how (the night's tanker filling). In a large base the part's lone
noun 站 weighs less than a part must to name something (``PROCEDURE_PART_WEIGHT``), as at 100k chunks: 600 look-alikes
that never use it put it under the lone-character cap (``evidence.LONE_CHARACTER_SHARE``).

Real files in a temp folder, a real index built by ``ingest_paths``, the real chain.
"""

from __future__ import annotations

import pytest
from answers_support import body, crowded_base, look_alikes

import bot.answer as answer_module
from bot.chain import build_chain
from bot.config import Settings
from bot.retrieve import LARGE_BASE_CHUNKS

FILLERS = ["地方不仅知道要做什么", "在严寒中", "加快建设生态强省", "确保问题解决到位", "保证返乡人员用电无忧"]
QUESTION = "调压器冬天冻赌了咋整 站里的人是咋弄的"

_look_alike = look_alikes("保供", "gas", "{city}的燃气保供一线迎来最忙碌的时刻，{filler}。", FILLERS)


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("said_part")
    settings: Settings = crowded_base(root, "gas-new-year-eve", _look_alike, 600, "copy")
    return settings


def test_a_how_part_the_quotes_say_is_answered_by_them(crowded: Settings) -> None:
    chain = build_chain(crowded)
    assert len(chain.index.chunks) > LARGE_BASE_CHUNKS
    answer = chain.ask(QUESTION)
    assert answer.answered, answer.text
    text = body(answer.text)
    assert "反复排查" in text, text
    assert "槽车" not in text, text


def test_without_the_rule_another_how_sentence_is_quoted(crowded: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The case above is one the rule decides (``SAID_PART``)."""
    monkeypatch.setattr(answer_module, "SAID_PART", False)
    answer = build_chain(crowded).ask(QUESTION)
    assert "槽车" in body(answer.text), answer.text
