"""A sentence the best one was clipped from answers instead of it: a copy saying only "创新建立了CCUS“四精”模式" does
not beat the article's sentence that goes on "，即精益求精的科研攻关模式…".

Real files in a temp folder, a real index built by ``ingest_paths``, the real chain.
"""

from __future__ import annotations

import pytest
from answers_support import crowded_base

from bot.chain import FaqChain, build_chain
from bot.config import Settings
from bot.retrieve import LARGE_BASE_CHUNKS

FILLERS = ["马不停蹄", "抓住关键环节", "整体辨识度极高", "隆冬腊月，茫茫白雪铺天盖地", "多体察一些难处"]


def _clipped_copy(n: int) -> str:
    """A short report whose one sentence about 四精 is the article's clause cut off before its definition."""
    return (
        f"---\nid: copy-{n:02d}\ntitle: 油田建设之{n}\ndate: 2023-01-0{n % 9 + 1}\ntopics: [energy]\n---\n"
        f"{FILLERS[n % len(FILLERS)]}。\n\n创新建立了CCUS“四精”模式。\n"
    )


@pytest.fixture(scope="module")
def clipped(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("clipped")
    settings: Settings = crowded_base(root, "jilin-oilfield-ccus", _clipped_copy, 5, "copy")
    return settings


def test_the_sentence_a_clipped_copy_was_cut_from_answers(clipped: Settings) -> None:
    # The copy's sentence is all question words and short, so it scored first; the answer said 创新建立了CCUS“四精”
    # 模式 and never which four.
    answer = build_chain(clipped).ask("四精模式是哪四精")
    assert answer.answered, answer.text
    assert "精益求精的科研攻关模式" in answer.text
    assert answer.citations[0].doc_id == "jilin-oilfield-ccus"


def test_a_sentence_sharing_only_a_clause_with_a_longer_one_keeps_its_place(no_faq_chain: FaqChain) -> None:
    # "推广“网上国网”APP" is a clause of the 延边 sentence and of the 梨树 one; the 梨树 sentence holds the clause, not
    # the whole 延边 sentence, so the 延边 sentence still answers.
    answer = no_faq_chain.ask("延边供电推广的是哪个APP")
    assert answer.answered, answer.text
    assert answer.citations[0].doc_id == "yanbian-power-returnees"


def _clipped_copies(n: int) -> str:
    """Copies holding CCUS in different numbers (BM25 keeps one chunk for each way of holding the question's words)."""
    extra = "".join(f"{FILLERS[k % len(FILLERS)]}的CCUS项目。" for k in range(n % 6))
    return (
        f"---\nid: copy-{n:03d}\ntitle: 油田建设之{n}\ndate: 2023-01-0{n % 9 + 1}\ntopics: [energy]\n---\n"
        f"{extra}创新建立了CCUS“四精”模式。\n"
    )


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("clipped_many")
    settings: Settings = crowded_base(root, "jilin-oilfield-ccus", _clipped_copies, 300, "copy")
    return settings


def test_the_sentence_is_found_past_the_chunks_read(crowded: Settings) -> None:
    # On a large base the copies fill every chunk read and the article's own chunk comes just past them (at 100k chunks:
    # 9th for "CCUS四精是啥"); the next hits are searched for the sentence the copy was cut from. Here it comes 7th, so
    # only the first 4 hits are read.
    chain = build_chain(crowded.model_copy(update={"retrieve_k": 4}))
    assert len(chain.index.chunks) > LARGE_BASE_CHUNKS
    answer = chain.ask("CCUS四精是啥")
    assert answer.answered, answer.text
    assert "精益求精的科研攻关模式" in answer.text
    assert answer.citations[0].doc_id == "jilin-oilfield-ccus"
