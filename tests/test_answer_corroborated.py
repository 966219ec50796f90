"""On a large base, a sentence of a report two of whose passages were found for the question answers before a close
one from a short look-alike found once: "本报讯(记者…)近日，实施职工医保门诊共济保障机制后，…" copies the opening
of 长春's report, but not where the news came from ("记者从长春市医保局获悉").

Real files in a temp folder, a real index built by ``ingest_paths``, the real chain.
"""

from __future__ import annotations

import pytest
from answers_support import body, crowded_base

from bot.chain import build_chain
from bot.config import Settings
from bot.retrieve import LARGE_BASE_CHUNKS

REPORTERS = ["陈梅霞", "白凯新", "郑敏", "姜帅", "邹鸣亮", "温丽香", "孙铁", "韩良", "迟小飞", "熊华", "王宝忠"]
FILLERS = ["地方不仅知道要做什么", "在严寒中", "加快建设生态强省", "确保问题解决到位", "保证返乡人员用电无忧"]
QUESTION = "这个门诊共剂的消息是哪个部门透出来的"
# A second paragraph on something else, long enough to be a chunk of its own: each look-alike is a short item of two
# chunks, one of them found.
AFTER = "".join(f"隆冬腊月第{n}天，茫茫白雪铺天盖地，工人们在大棚里有序采摘、分拣，准备装车发往各个城市。" for n in range(9))


def _look_alike(n: int) -> str:
    """A one-paragraph item under a byline, repeating the programme's name without saying where the news came from."""
    reporter, filler = REPORTERS[n % len(REPORTERS)], FILLERS[n // len(REPORTERS) % len(FILLERS)]
    return (
        f"---\nid: copy-{n:03d}\ntitle: 门诊共济之{n}\ndate: 2021-07-{n % 28 + 1:02d}\ntopics: [medical_insurance]\n"
        f"region: [通辽]\n---\n本报讯(记者{reporter})近日，实施职工医保门诊共济保障机制后，{filler}。\n\n{AFTER}\n"
    )


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("corroborated")
    settings: Settings = crowded_base(root, "cc-medical-outpatient", _look_alike, 300, "copy")
    return settings


def test_the_report_found_twice_answers_over_a_short_look_alike(crowded: Settings) -> None:
    chain = build_chain(crowded)
    assert len(chain.index.chunks) > LARGE_BASE_CHUNKS
    assert sum(1 for c in chain.index.chunks if c.doc_id == "copy-000") == 2
    answer = chain.ask(QUESTION)
    assert answer.answered, answer.text
    assert "长春市医保局" in body(answer.text)
    assert all(c.doc_id == "cc-medical-outpatient" for c in answer.citations)
