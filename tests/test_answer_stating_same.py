"""On a large base, a sentence of the best one's own article that gives the kind of fact asked answers at a lower bar
than one of another article: "六之维合作社梨树分社管事儿的是谁" is answered by "合作社负责人王宝忠按下开关…", which
scored 0.79 of the cooperative's description at 100k chunks, where the article's names (梨树, 分社) weigh the most a
word can, and here ~0.78 among look-alikes that use 合作社 but none of those names.

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
QUESTION = "六之维合作社梨树分社管事儿的是谁"

_look_alike = look_alikes("大棚", "agriculture", "{city}的种植合作社里正迎来最忙碌的时刻，{filler}。", FILLERS)


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("stating_same")
    settings: Settings = crowded_base(root, "power-lishu-strawberry", _look_alike, 300, "copy")
    return settings


def test_a_sentence_of_the_article_naming_the_person_answers(crowded: Settings) -> None:
    chain = build_chain(crowded)
    assert len(chain.index.chunks) > LARGE_BASE_CHUNKS
    answer = chain.ask(QUESTION)
    assert answer.answered, answer.text
    assert "王宝忠" in body(answer.text), answer.text


def test_at_another_articles_bar_it_does_not(crowded: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The case above is one the lower bar decides (``STATING_SAME_ARTICLE``)."""
    monkeypatch.setattr(answer_module, "STATING_SAME_ARTICLE", 0.8)
    answer = build_chain(crowded).ask(QUESTION)
    assert "王宝忠" not in body(answer.text), answer.text
