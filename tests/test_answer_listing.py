"""On a large base, a sentence listing the things a 哪些 question asks for answers before a closer one that only says
there are some: "督导帮扶工作组主要采取哪些方式开展帮扶" is answered by "…各工作组主要采取现场查看、查阅资料、交流座谈等
方式…", not by a look-alike's "因地制宜采取多种方式，督导帮扶…".

Real files in a temp folder, a real index built by ``ingest_paths``, the real chain.
"""

from __future__ import annotations

import pytest
from answers_support import body, crowded_base, look_alikes

import bot.answer as answer_module
from bot.chain import build_chain
from bot.config import Settings
from bot.retrieve import LARGE_BASE_CHUNKS

FILLERS = ["当人们准备迎接新年时", "在严寒中", "时值岁尾", "隆冬腊月", "春节临近"]
QUESTION = "督导帮扶工作组主要采取哪些方式开展帮扶？"

_look_alike = look_alikes("督导帮扶", "ecology", "{filler}，督导帮扶工作组因地制宜采取多种方式开展工作。", FILLERS)


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("listing")
    settings: Settings = crowded_base(root, "eco-supervision", _look_alike, 300, "copy")
    return settings


def test_the_sentence_listing_the_ways_answers(crowded: Settings) -> None:
    chain = build_chain(crowded)
    assert len(chain.index.chunks) > LARGE_BASE_CHUNKS
    answer = chain.ask(QUESTION)
    assert answer.answered, answer.text
    assert "现场查看、查阅资料、交流座谈" in body(answer.text), answer.text


def test_without_the_rule_a_look_alike_answers(crowded: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The case above is one the rule decides (``LISTING_SWAP``)."""
    monkeypatch.setattr(answer_module, "LISTING_SWAP", False)
    answer = build_chain(crowded).ask(QUESTION)
    assert "现场查看" not in body(answer.text), answer.text
