"""On a large base, a sentence quoted beside the best one and cut to fit keeps the clause that says what the best one
does not: "我想用她账户里的钱给孩子交居民医保" is answered by "职工医保个人账户资金可由家庭成员共用共享" and the clause
"还可用于缴纳…城乡居民基本医疗保险等费用", not by the clause of the same sentence that says 账户 again.

Look-alikes repeating the programme's name make 职工医保 weigh less than 账户, as at 100k chunks. Real files in a temp
folder, a real index built by ``ingest_paths``, the real chain.
"""

from __future__ import annotations

import pytest
from answers_support import body, crowded_base, look_alikes

import bot.answer as answer_module
from bot.chain import build_chain
from bot.config import Settings
from bot.retrieve import LARGE_BASE_CHUNKS

FILLERS = ["地方不仅知道要做什么", "在严寒中", "加快建设生态强省", "确保问题解决到位", "保证返乡人员用电无忧"]
QUESTION = "我媳妇在长春上班有职工医保，我想用她账户里的钱给孩子交居民医保，这样行吗？"

_look_alike = look_alikes("门诊共济", "medical_insurance", "{city}市正式启动实施职工医保门诊共济保障机制，{filler}。", FILLERS)


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("trim_said")
    settings: Settings = crowded_base(root, "cc-medical-outpatient", _look_alike, 300, "copy")
    return settings


def test_a_second_sentence_cut_to_fit_keeps_what_the_best_does_not_say(crowded: Settings) -> None:
    chain = build_chain(crowded)
    assert len(chain.index.chunks) > LARGE_BASE_CHUNKS
    answer = chain.ask(QUESTION)
    assert answer.answered, answer.text
    text = body(answer.text)
    assert "可由家庭成员共用共享" in text, text
    assert "城乡居民基本医疗保险" in text, text


def test_without_the_rule_the_clause_saying_the_account_again_is_kept(
    crowded: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The case above is one the rule decides (``TRIM_SAID``)."""
    monkeypatch.setattr(answer_module, "TRIM_SAID", 1.0)
    answer = build_chain(crowded).ask(QUESTION)
    assert "城乡居民基本医疗保险" not in body(answer.text), answer.text


LONG = (
    "我在长春一个厂子上班，交职工医保十来年了，个人账户里攒了不少钱一直没咋花。最近听说现在家里人能用我账户里的钱了，"
    "那我这个账户里的钱能不能直接给媳妇和孩子交居民医保啊"
)


def test_the_best_sentence_cut_to_fit_keeps_what_the_others_do_not_say(crowded: Settings) -> None:
    """Here the sentence on what the account pays for is the best one, and the opening beside it says 账户 already."""
    answer = build_chain(crowded).ask(LONG)
    assert answer.answered, answer.text
    assert "城乡居民基本医疗保险" in body(answer.text), answer.text


def test_without_the_rule_for_the_best_sentence_its_account_clause_is_kept(
    crowded: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The case above is one the rule for the best sentence decides (``TRIM_SAID_BEST``)."""
    monkeypatch.setattr(answer_module, "TRIM_SAID_BEST", False)
    answer = build_chain(crowded).ask(LONG)
    assert "城乡居民基本医疗保险" not in body(answer.text), answer.text
