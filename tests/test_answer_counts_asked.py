"""On a large base, a best sentence counting the very thing a 多少 question asks about, in the unit asked, answers
however little of the question's other words it says (``answer.COUNTS_ANSWER``): "听说督导帮扶发现的问题都已经解决完了？
一共多少项问题" is answered by "…全省各地提出的61项具体问题…". Among look-alikes repeating the article's frame words
(督导帮扶, 问题, 解决 in half of them) those weigh little, and 发现, a word of what the resident heard, which a few
look-alikes use, holds nearly half the question's weight.

Real files in a temp folder, a real index built by ``ingest_paths``, the real chain.
"""

from __future__ import annotations

import pytest
from answers_support import body, crowded_base, look_alikes

import bot.answer as answer_module
from bot.chain import build_chain
from bot.config import Settings
from bot.retrieve import LARGE_BASE_CHUNKS

_FRAME = "督导帮扶工作组全力帮助地方解决突出问题"
# Each filler is used by 11 or 22 look-alikes in turn: the frame's words end up in half of them, 发现 in 11.
FILLERS = [*[_FRAME] * 7, "排查发现一些苗头", "在严寒中", "春节临近", "时值岁尾", "隆冬腊月", "气氛热烈", "马不停蹄"]
FILLERS += ["深入基层一线", "前移服务端口", "做成什么样", "工人们有序采摘", "整体辨识度极高", "推动棚膜经济高速发展"]
QUESTION = "听说督导帮扶发现的问题都已经解决完了？一共多少项问题"

_look_alike = look_alikes("生态环境", "ecology", "{city}生态环境局召开会议，{filler}。", FILLERS)


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("counts_asked")
    settings: Settings = crowded_base(root, "eco-supervision", _look_alike, 300, "copy")
    return settings


def test_the_sentence_counting_the_problems_answers(crowded: Settings) -> None:
    chain = build_chain(crowded)
    assert len(chain.index.chunks) > LARGE_BASE_CHUNKS
    answer = chain.ask(QUESTION)
    assert answer.answered, answer.text
    assert "61项具体问题" in body(answer.text), answer.text


def test_without_the_rule_it_is_declined(crowded: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The case above is one the rule decides (``COUNTS_ANSWER``)."""
    monkeypatch.setattr(answer_module, "COUNTS_ANSWER", False)
    answer = build_chain(crowded).ask(QUESTION)
    assert not answer.answered, answer.text
