"""A how-many question whose best sentence states no number is answered by a close one that does, even when a large
base's look-alikes, recombining the article's clauses without its number, fill the places after the best.

Real files in a temp folder, a real index built by ``ingest_paths``, the real chain.
"""

from __future__ import annotations

import pytest
from answers_support import body, crowded_base

from bot.chain import build_chain
from bot.config import Settings
from bot.retrieve import LARGE_BASE_CHUNKS

CITIES = ["乾安", "辉南", "东辽", "扶余", "临江", "洮南", "榆树", "蛟河", "舒兰", "磐石", "梅河口", "集安", "大安"]
CLAUSES = [
    "多解决一些问题",
    "此次督导帮扶以此行动压紧压实生态文明建设政治责任",
    "全力帮助地方解决突出问题",
    "确保问题解决到位",
    "帮助地方梳理解决工作中遇到的困难和问题",
]
QUESTION = "生态督导解决多少问题"


def _look_alike(n: int) -> str:
    """A short report whose sentences each recombine the article's clauses on solving problems, with no count."""
    city = CITIES[n % len(CITIES)]
    sentences = []
    for k in range(4):
        a, b = CLAUSES[(n + k) % len(CLAUSES)], CLAUSES[(n + k + 2) % len(CLAUSES)]
        sentences.append(f"{a}，{b}，组织开展了{2015 + (n + k) % 9}年度生态强省建设督导帮扶工作。")
    return (
        f"---\nid: copy-{n:03d}\ntitle: {city}生态强省建设督导帮扶之{n}\ndate: 2023-01-0{n % 9 + 1}\n"
        f"topics: [ecology]\nregion: [{city}]\n---\n" + "\n\n".join(sentences) + "\n"
    )


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("stating")
    settings: Settings = crowded_base(root, "eco-supervision", _look_alike, 300, "copy")
    return settings


def test_a_sentence_stating_the_count_answers_past_the_look_alikes(crowded: Settings) -> None:
    # The look-alikes' sentences hold every word of the question and score above "“截至目前，全省各地提出的61项具体问题，
    # 已逐一明确解决措施。", which came after the first eight places: the best stated no number and the question was
    # declined (at 100k chunks it came 11th, at 0.91 of the best).
    chain = build_chain(crowded)
    assert len(chain.index.chunks) > LARGE_BASE_CHUNKS
    answer = chain.ask(QUESTION)
    assert answer.answered, answer.text
    assert "61项" in body(answer.text)
    assert all(c.doc_id == "eco-supervision" for c in answer.citations)

