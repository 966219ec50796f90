"""A lone character a question asks for ("加啥群": the answer names a 群) weighs what the knowledge base gives it, not
general Chinese's rarity of it: on a large base that cap (``evidence.LONE_CHARACTER_SHARE``) made 群 weigh 0.44 against
3.0 for 延边, and "同时，邀请客户加入微信服务群…" lost its place in the answer to a sentence on the visits.

Real files in a temp folder, a real index built by ``ingest_paths``, the real chain.
"""

from __future__ import annotations

import pytest
from answers_support import body, crowded_base

from bot.chain import build_chain
from bot.config import Settings
from bot.question_focus import asked_characters
from bot.retrieve import LARGE_BASE_CHUNKS

CITIES = ["乾安", "辉南", "东辽", "扶余", "临江", "洮南", "榆树", "蛟河", "舒兰", "磐石", "梅河口", "集安", "大安"]
FILLERS = ["保证返乡人员用电无忧", "完善24小时抢修联系机制", "实施贴心服务", "切实为用户解决用电难题", "强化生产运行调度"]
QUESTION = "延边供电公司让用户加啥群"


def _look_alike(n: int) -> str:
    """A short report on another city's power company serving its users, with no group to join."""
    city, filler = CITIES[n % len(CITIES)], FILLERS[n // len(CITIES) % len(FILLERS)]
    return (
        f"---\nid: copy-{n:03d}\ntitle: {city}供电新闻之{n}\ndate: 2023-01-0{n % 9 + 1}\ntopics: [power]\n"
        f"region: [{city}]\n---\n国网{city}供电公司组织服务队为居民检查用电线路，{filler}。\n"
    )


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("asked")
    settings: Settings = crowded_base(root, "yanbian-power-returnees", _look_alike, 300, "copy")
    return settings


def test_the_characters_a_question_asks_for() -> None:
    assert asked_characters("延边供电公司让用户加啥群", ("延边", "供电公司", "用户", "加", "群")) == {"群"}
    assert asked_characters("供电所发了个啥卡", ("供电所", "发", "卡")) == {"卡"}
    assert asked_characters("钱能取现不", ("钱", "取现")) == set()


def test_the_group_asked_for_is_named(crowded: Settings) -> None:
    chain = build_chain(crowded)
    assert len(chain.index.chunks) > LARGE_BASE_CHUNKS
    answer = chain.ask(QUESTION)
    assert answer.answered, answer.text
    assert "微信服务群" in body(answer.text)
    assert all(c.doc_id == "yanbian-power-returnees" for c in answer.citations)
