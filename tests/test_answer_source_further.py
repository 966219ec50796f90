"""On a large base, a "哪个部门放出来的" question none of whose sentences read names a source is answered by the best
sentence of the hits retrieved past those read that says whom the report heard it from (``answer.SOURCE_FURTHER``):
look-alikes repeating the article's subject ("…正式启动实施职工医保门诊共济保障机制，…相关职能部门…") fill the chunks
read, and "记者从长春市医保局获悉…" comes just past them.

Real files in a temp folder, a real index built by ``ingest_paths``, the real chain.
"""

from __future__ import annotations

import pytest
from answers_support import LOOK_ALIKE_CITIES, body, crowded_base

import bot.answer as answer_module
from bot.chain import FaqChain, build_chain
from bot.config import Settings
from bot.retrieve import LARGE_BASE_CHUNKS

FILLERS = ["在严寒中", "春节临近", "时值岁尾", "隆冬腊月", "气氛热烈", "马不停蹄"]
QUESTION = "门诊共济这消息是哪个部门放出来的"


def _look_alike(n: int) -> str:
    """A report of another city launching the same scheme, its subject held a different number of times (BM25 keeps
    one chunk for each way of holding the question's words)."""
    city = LOOK_ALIKE_CITIES[n % len(LOOK_ALIKE_CITIES)]
    extra = "".join(f"{FILLERS[k % len(FILLERS)]}，门诊共济保障机制。" for k in range(n % 5))
    return (
        f"---\nid: copy-{n:03d}\ntitle: 门诊共济之{n}\ndate: 2021-07-{n % 28 + 1:02d}\ntopics: [medical_insurance]\n"
        f"region: [{city}]\n---\n{extra}{city}正式启动实施职工医保门诊共济保障机制，省市相关专家团队与{city}相关职能部门同志"
        "各抒己见。\n"
    )


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> FaqChain:
    root = tmp_path_factory.mktemp("source_further")
    settings: Settings = crowded_base(root, "cc-medical-outpatient", _look_alike, 300, "copy")
    # Only the first 4 hits are read: the article's chunk comes 6th.
    return build_chain(settings.model_copy(update={"retrieve_k": 4}))


def test_the_sentence_naming_whom_the_report_heard_it_from_answers(crowded: FaqChain) -> None:
    assert len(crowded.index.chunks) > LARGE_BASE_CHUNKS
    answer = crowded.ask(QUESTION)
    assert answer.answered, answer.text
    assert "记者从长春市医保局获悉" in body(answer.text), answer.text


def test_without_the_rule_a_look_alike_answers(crowded: FaqChain, monkeypatch: pytest.MonkeyPatch) -> None:
    """The case above is one the rule decides (``SOURCE_FURTHER``)."""
    monkeypatch.setattr(answer_module, "SOURCE_FURTHER", 0.0)
    answer = crowded.ask(QUESTION)
    assert "获悉" not in body(answer.text), answer.text
