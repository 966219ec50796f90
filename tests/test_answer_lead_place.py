"""A sentence whose paragraph opens by naming the city asked for ("辽源市邮政管理局积极部署…" before "要求各企业…发放津补贴、
返岗补贴、加班费…") answers a which-city question with that opening; a look-alike naming some other city does not take
its place, and the opening is quoted wherever it scored.

Real files in a temp folder, a real index built by ``ingest_paths``, the real chain.
"""

from __future__ import annotations

import pytest
from answers_support import body, crowded_base

from bot.chain import build_chain
from bot.config import Settings
from bot.retrieve import LARGE_BASE_CHUNKS

CITIES = ["乾安", "辉南", "东辽", "扶余", "临江", "洮南", "榆树", "蛟河", "舒兰", "磐石", "梅河口", "集安", "大安"]
FILLERS = ["做成什么样", "提升从业人员上岗积极性", "确保寄递服务畅通", "要根据本企业实际情况", "抓实抓细各项日常管理措施"]
QUESTION = "那个给快递员发补贴让他们赶紧回来上班的事 是哪个市搞的 都发些啥"


def _look_alike(n: int) -> str:
    """A short report naming a city in each of its sentences, with the article's clause on bringing staff back."""
    city, filler = CITIES[n % len(CITIES)], FILLERS[n // len(CITIES) % len(FILLERS)]
    return (
        f"---\nid: copy-{n:03d}\ntitle: {city}市新闻之{n}\ndate: 2023-01-0{n % 9 + 1}\ntopics: [postal]\n"
        f"region: [{city}]\n---\n{city}市正式启动实施职工医保门诊共济保障机制，{filler}，引导更多一线人员及时返岗。"
        f"{city}市快递员上班。{city}市做好准备。{city}市开展检查。\n"
    )


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("returns")
    settings: Settings = crowded_base(root, "postal-baotong", _look_alike, 300, "copy")
    return settings


def test_the_paragraph_opening_names_the_city_for_the_sentence_that_answers(crowded: Settings) -> None:
    # The look-alikes' sentences naming a city fill the first dozen places after "要求各企业…返岗补贴…", so the opening
    # naming 辽源 was not found where it was looked for, and another paragraph's "吉林市邮政管理局…" was quoted for the
    # city. (At 100k chunks "乾安市…，引导更多一线人员及时返岗" also scored within 0.8 of the sentence and answered
    # instead, for stating a city: declined.)
    chain = build_chain(crowded)
    assert len(chain.index.chunks) > LARGE_BASE_CHUNKS
    answer = chain.ask(QUESTION)
    assert answer.answered, answer.text
    assert "辽源" in body(answer.text)
    assert "返岗补贴" in body(answer.text)
    assert all(c.doc_id == "postal-baotong" for c in answer.citations)
