"""In a large base, a when question also ranks, by BM25, the chunks that state a date: the look-alikes that restate an
article's clauses without its date no longer keep the dated passage out of the chunks read.

Real files in a temp folder, a real index (FAISS, BM25) built by ``ingest_paths``, the real chain.
"""

from __future__ import annotations

import datetime as dt

import pytest
from answers_support import crowded_base

from bot.chain import build_chain
from bot.config import Settings
from bot.counts import CountIndex
from bot.question import classify, date_units
from bot.types import Chunk

CITIES = ["四平", "辽源", "通化", "白山", "松原", "白城", "珲春", "敦化", "榆树", "农安", "九台", "双阳", "蛟河"]
FILLERS = ["工人们有序采摘、分拣", "整体辨识度极高", "隆冬腊月，茫茫白雪铺天盖地", "抓住关键环节", "多体察一些难处"]
CLAUSES = ("{city}市正式启动实施职工医保门诊共济保障机制", "门诊共济保障机制", "实施职工医保门诊共济保障机制后")


def _look_alike(n: int) -> str:
    """A short report holding the article's clauses, each 0-3 times over (64 ways), for another city, with no date."""
    city, filler = CITIES[n % len(CITIES)], FILLERS[n % len(FILLERS)]
    times = (n % 4 + 1, n // 4 % 4, n // 16 % 4)
    clauses = [c.format(city=city) for c, k in zip(CLAUSES, times, strict=True) for _ in range(k)]
    return (
        f"---\nid: report-{n:03d}\ntitle: {city}市职工医保门诊共济保障机制之{n}\ndate: 2023-01-0{n % 9 + 1}\n"
        f"topics: [medical_insurance]\nregion: [{city}]\n---\n" + "，".join([*clauses, filler]) + "。\n"
    )


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("dated")
    settings: Settings = crowded_base(root, "cc-medical-outpatient", _look_alike, 320, "report")
    return settings


def test_when_question_is_answered_from_the_passage_giving_the_date(crowded: Settings) -> None:
    # Hundreds of reports hold 门诊共济, 启动 and 实施 in 64 ways, all shorter than the article's passage; without the
    # ranking of dated chunks the question was declined: the passage saying 1月1日起 was not among the chunks read.
    answer = build_chain(crowded).ask("门诊共济几号开始")
    assert answer.answered, answer.text
    assert "1月1日" in answer.text
    assert answer.citations[0].doc_id == "cc-medical-outpatient"


def _chunk(text: str, n: int) -> Chunk:
    return Chunk(f"c{n}", f"d{n}", "t", dt.date(2023, 1, 3), text, 0, len(text))


def test_count_index_finds_the_chunks_stating_a_month_or_a_day() -> None:
    index = CountIndex.build(
        [
            _chunk("今年1月1日起正式启动。", 0),
            _chunk("2022年度督导帮扶工作。", 1),  # a year alone
            _chunk("正式启动实施。", 2),
            _chunk("十二月底前完成", 3),
            _chunk("派出5个工作组", 4),
        ]
    )
    assert index.stating(("月", "日")).tolist() == [0, 3]
    assert index.stating(("日",)).tolist() == [0]
    assert index.stating(("号",)).tolist() == []
    assert index.stating(("月", "日")) is index.stating(("日", "月"))  # asked again: the same answer, kept


def test_only_when_questions_look_for_a_date() -> None:
    assert date_units(classify("门诊共济几号开始")) == ("月", "日")
    assert date_units(classify("门诊共济啥时候开始实施的")) == ("月", "日")
    assert date_units(classify("门诊共济能报销哪些费用")) == ()
    assert date_units(classify("生态强省督导帮扶一共有几个工作组")) == ()
