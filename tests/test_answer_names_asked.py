"""On a large base, "十家堡供电所给种草梅的发了个啥卡" is answered by the sentence naming the card asked for ("…发放了
‘便民服务联系卡’…"), though the question's words are covered only in part (``answer.NAMES_ASKED``): among look-alikes
repeating the article's frame words (供电所, 发) those weigh next to nothing, and the resident's slip (种草梅, read as
种草 + 梅) holds the rest of the question's weight.

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
QUESTION = "十家堡供电所给种草梅的发了个啥卡"

_look_alike = look_alikes("供电服务", "power", "{city}供电所给种植户发了宣传单，{filler}。", FILLERS)


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("names_asked")
    settings: Settings = crowded_base(root, "power-lishu-strawberry", _look_alike, 300, "copy")
    return settings


def test_the_sentence_naming_the_card_answers(crowded: Settings) -> None:
    chain = build_chain(crowded)
    assert len(chain.index.chunks) > LARGE_BASE_CHUNKS
    answer = chain.ask(QUESTION)
    assert answer.answered, answer.text
    assert "便民服务联系卡" in body(answer.text), answer.text


def test_without_the_rule_it_is_declined(crowded: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The case above is one the rule decides (``NAMES_ASKED``)."""
    monkeypatch.setattr(answer_module, "NAMES_ASKED", False)
    answer = build_chain(crowded).ask(QUESTION)
    assert not answer.answered, answer.text


def test_a_name_of_the_kind_asked() -> None:
    assert answer_module._names_asked("供电所给种植户都发放了‘便民服务联系卡’", {"卡"})
    assert not answer_module._names_asked("供电所给种植户都发放了卡片", {"卡"})
    assert not answer_module._names_asked("供电所给种植户都发放了‘便民服务联系卡’", set())
    assert not answer_module._names_asked("春节当天", {"天"})  # "哪天" asks when, not for a thing named
