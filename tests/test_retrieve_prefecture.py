"""In a large base, a question naming a county reads the article about the prefecture it is in: look-alikes naming a
place that only sounds like the county ("延吉县" for 延吉, a city of 延边) must not take every place read.

Real files in a temp folder, a real index (FAISS, BM25) built by ``ingest_paths``, the real chain.
"""

from __future__ import annotations

import pytest
from answers_support import crowded_base

from bot.chain import build_chain
from bot.config import Settings
from bot.retrieve import LARGE_BASE_CHUNKS, retrieve_hybrid

# Clauses a look-alike recombines, the article's own among them, each holding at most one word of the question; each
# copy holds a different subset (so that folding BM25's near-copies keeps them apart, as it keeps the generator's apart
# at 100k chunks).
CLAUSES = [
    "延吉县瞄准现代高效农业发展目标",
    "为他们提供优质高效的供电服务",
    "由于部分务工人员长期在外",
    "前移服务端口",
    "延吉县扶持重点产业",
    "抓实抓细各项日常管理措施",
    "该公司采取多项措施",
    "实施贴心服务",
]
FILLERS = ["隆冬腊月，茫茫白雪铺天盖地", "整体辨识度极高", "抓住关键环节", "多体察一些难处", "身上的棉服浸出的汗水"]
QUESTION = "我爸在外地打工刚回延吉，家里插座好几年没用了，怕漏电，供电公司有没有上门给查的？"


def _look_alike(n: int) -> str:
    """A short report about the made-up "延吉县" holding a different subset of the clauses (never none of them)."""
    picked = [c for bit, c in enumerate(CLAUSES) if (n % 255 + 1) >> bit & 1]
    return (
        f"---\nid: copy-{n:03d}\ntitle: 延吉县新闻之{n}\ndate: 2023-01-0{n % 9 + 1}\ntopics: [power]\n"
        f"region: [延吉县]\n---\n" + "，".join(picked) + f"。{FILLERS[n % len(FILLERS)]}。\n"
    )


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("yanji")
    settings: Settings = crowded_base(root, "yanbian-power-returnees", _look_alike, 300, "copy")
    return settings


def test_the_prefectures_article_is_read_for_a_county_named(crowded: Settings) -> None:
    # Each look-alike names "延吉县", so the place ranking (chunks naming a place the question names) held only them and
    # pushed them above the 延边 article's chunks, which were first by BM25 and by meaning: none of those was read,
    # and the question was declined for the look-alikes' low coverage.
    chain = build_chain(crowded)
    assert len(chain.index.chunks) > LARGE_BASE_CHUNKS
    hits = retrieve_hybrid(chain.index, chain.embeddings, QUESTION, 8)
    assert "yanbian-power-returnees" in [h.chunk.doc_id for h in hits]
    answer = chain.ask(QUESTION)
    assert answer.answered, answer.text
    assert answer.citations[0].doc_id == "yanbian-power-returnees"
    assert "共产党员服务队" in answer.text
