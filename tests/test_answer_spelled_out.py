"""On a large base, a best sentence ending on the clause that names what a "是啥" question asks about gives way to the
sentence that holds that clause and goes on to say what it is (``answer.SPELLED_OUT``): a look-alike recombining the
article's clauses, "全面推进技术攻关和现场试验，创新建立了CCUS“四精”模式。", is not the article's sentence cut short (it
skips "攻克了CCUS全流程技术体系"), but it ends where the article's "…创新建立了CCUS“四精”模式，即精益求精的科研攻关模式…"
spells the 四精 out.

Real files in a temp folder, a real index built by ``ingest_paths``, the real chain.
"""

from __future__ import annotations

import pytest
from answers_support import body, crowded_base

import bot.answer as answer_module
from bot.chain import build_chain
from bot.config import Settings
from bot.retrieve import LARGE_BASE_CHUNKS

FILLERS = ["马不停蹄", "抓住关键环节", "整体辨识度极高", "隆冬腊月，茫茫白雪铺天盖地", "多体察一些难处"]
QUESTION = "CCUS四精模式都是啥"


def _recombined(n: int) -> str:
    """A look-alike whose sentence about 四精 joins two of the article's clauses and stops before the definition, after
    CCUS held a different number of times (BM25 keeps one chunk for each way of holding the question's words)."""
    extra = "".join(f"{FILLERS[k % len(FILLERS)]}的CCUS项目。" for k in range(n % 6))
    return (
        f"---\nid: copy-{n:03d}\ntitle: 油田建设之{n}\ndate: 2021-07-{n % 28 + 1:02d}\ntopics: [energy]\n---\n"
        f"{extra}全面推进技术攻关和现场试验，创新建立了CCUS“四精”模式。\n"
    )


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("spelled_out")
    settings: Settings = crowded_base(root, "jilin-oilfield-ccus", _recombined, 300, "copy")
    return settings


@pytest.mark.parametrize("question", ["四精模式是哪四精", "CCUS四精模式都是啥"])
def test_the_sentence_saying_what_the_four_are_answers(crowded: Settings, question: str) -> None:
    chain = build_chain(crowded)
    assert len(chain.index.chunks) > LARGE_BASE_CHUNKS
    answer = chain.ask(question)
    assert answer.answered, answer.text
    assert "精益求精的科研攻关模式" in body(answer.text), answer.text
    assert answer.citations[0].doc_id == "jilin-oilfield-ccus"


def test_without_the_rule_the_look_alike_leaves_it_unanswered(crowded: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """Among the sentences read (the article's is read too): the look-alike's says no four, and "哪四精" is declined."""
    monkeypatch.setattr(answer_module, "SPELLED_OUT", False)
    answer = build_chain(crowded).ask("四精模式是哪四精")
    assert not answer.answered, answer.text


def test_the_sentence_is_found_past_the_chunks_read(crowded: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """With 4 hits read the article's chunk is among the next ones (``further``), searched only for such a sentence; without
    the rule the look-alike's sentence answers."""
    chain = build_chain(crowded.model_copy(update={"retrieve_k": 4}))
    answer = chain.ask(QUESTION)
    assert "精益求精的科研攻关模式" in body(answer.text), answer.text
    monkeypatch.setattr(answer_module, "SPELLED_OUT", False)
    answer = chain.ask(QUESTION)
    assert "精益求精的科研攻关模式" not in body(answer.text), answer.text
