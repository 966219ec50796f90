"""On a large base, "近日" or "春节临近" does not answer when something happened: a look-alike's "本报讯(记者…)近日，
通化市正式启动实施职工医保门诊共济保障机制…" says when it was reported, not when 通化 began, so "通化市职工医保门诊
共济啥时候开始实行" is not answered by it (长春's report, which gives the day, is about 长春).

Real files in a temp folder, a real index built by ``ingest_paths``, the real chain.
"""

from __future__ import annotations

import pytest
from answers_support import crowded_base, look_alikes

import bot.answer as answer_module
from bot.chain import build_chain
from bot.config import Settings
from bot.retrieve import LARGE_BASE_CHUNKS

CITIES = ["通化", "白城", "岳阳", "唐山", "青岛", "宜昌", "汪清", "大同", "柳州", "赣州", "绵阳"]
REPORTERS = ["陈梅霞", "白凯新", "郑敏", "姜帅", "邹鸣亮"]
QUESTION = "通化市职工医保门诊共济啥时候开始实行"

_look_alike = look_alikes(
    "门诊共济", "medical_insurance", "本报讯(记者{filler})近日，{city}市正式启动实施职工医保门诊共济保障机制。", REPORTERS, CITIES
)


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("vague_time")
    settings: Settings = crowded_base(root, "cc-medical-outpatient", _look_alike, 300, "copy")
    return settings


def test_a_report_of_recent_news_does_not_say_when_it_began(crowded: Settings) -> None:
    chain = build_chain(crowded)
    assert len(chain.index.chunks) > LARGE_BASE_CHUNKS
    answer = chain.ask(QUESTION)
    assert not answer.answered, answer.text


def test_without_the_rule_the_look_alike_answers(crowded: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The case above is one the rule decides (``VAGUE_TIME``)."""
    monkeypatch.setattr(answer_module, "VAGUE_TIME", False)
    answer = build_chain(crowded).ask(QUESTION)
    assert answer.answered, answer.text
    assert answer.citations[0].doc_id.startswith("copy-"), answer.text


def test_a_report_that_gives_the_day_still_answers(crowded: Settings) -> None:
    """"近日，记者从长春市医保局获悉，今年1月1日起…": the day is given beside 近日."""
    answer = build_chain(crowded).ask("长春职工医保门诊共济啥时候开始实行")
    assert answer.answered, answer.text
    assert "1月1日" in answer.text, answer.text


def test_a_year_named_beside_it_still_answers(tmp_path_factory: pytest.TempPathFactory) -> None:
    """"近日，…红旗H6全球首发仪式在2022广州国际汽车展现场举行" answers "哪年": the year is in the show's name."""
    root = tmp_path_factory.mktemp("vague_time_year")
    settings = crowded_base(root, "hongqi-h6", _look_alike, 300, "copy")
    chain = build_chain(settings)
    assert len(chain.index.chunks) > LARGE_BASE_CHUNKS
    answer = chain.ask("红旗H6是在哪年哪个车展首发的？")
    assert answer.answered, answer.text
    assert "2022广州国际汽车展" in answer.text, answer.text
