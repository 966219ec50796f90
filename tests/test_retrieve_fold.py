"""In a large base, near-copies of an article's clauses fold into one place of BM25's ranking, so the article itself
is still among the chunks read.

Real files in a temp folder, a real index (FAISS, BM25) built by ``ingest_paths``, the real chain.
"""

from __future__ import annotations

import numpy as np
import pytest
from answers_support import crowded_base

from bot.chain import build_chain
from bot.config import Settings
from bot.retrieve import _folded_top, _profile_weights, retrieve_hybrid, reworded_tokens
from bot.sparse import scores_and_profiles
from bot.words import tokenize

CITIES = ["四平", "辽源", "通化", "白山", "松原", "白城", "珲春", "敦化", "榆树", "农安", "九台", "双阳", "蛟河"]
FILLERS = [
    "我们必须打起十二分精神完成全年的保供任务",
    "工人们有序采摘、分拣",
    "整体辨识度极高",
    "身上的棉服浸出的汗水",
    "隆冬腊月，茫茫白雪铺天盖地",
    "抓住关键环节",
    "多体察一些难处",
]
CLAUSES = ["{city}市正式启动实施职工医保门诊共济保障机制", "门诊共济保障机制", "实施职工医保门诊共济保障机制后"]


def _near_copy(n: int) -> str:
    """A short article recombining the real article's clauses for another city, with a clause of another topic."""
    city, filler = CITIES[n % len(CITIES)], FILLERS[n // len(CITIES) % len(FILLERS)]
    clauses = [c.format(city=city) for c in CLAUSES]
    clauses = clauses[n % 3 :] + clauses[: n % 3] + [filler]
    return (
        f"---\nid: copy-{n:03d}\ntitle: {city}市职工医保门诊共济保障机制之{n}\ndate: 2023-01-0{n % 9 + 1}\n"
        f"topics: [medical_insurance]\nregion: [{city}]\n---\n" + "，".join(clauses) + "。\n"
    )


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("copies")
    settings: Settings = crowded_base(root, "cc-medical-outpatient", _near_copy, 300, "copy")
    return settings


def test_the_article_is_read_among_hundreds_of_near_copies_of_its_clauses(crowded: Settings) -> None:
    # Every copy says 门诊共济 three times in a few words and outranks the article by BM25; without folding the
    # chunks read were all copies, and the department that announced it (the article's 长春市医保局) was never found.
    chain = build_chain(crowded)
    answer = chain.ask("门诊共济这消息是哪个部门放出来的")
    assert answer.answered, answer.text
    assert "医保局" in answer.text
    assert answer.citations[0].doc_id == "cc-medical-outpatient"


def test_one_chunk_for_each_way_of_holding_the_questions_words(crowded: Settings) -> None:
    chain = build_chain(crowded)
    index = chain.index
    question = "门诊共济是从哪天开始的"
    hits = retrieve_hybrid(index, chain.embeddings, question, 8, tokens=reworded_tokens(question, ()))
    ranked = [h for h in hits if h.bm25_rank is not None]
    asked = set(reworded_tokens(question, ()))
    ways = [tuple(sorted((t, tokenize(h.chunk.text).count(t)) for t in asked)) for h in ranked]
    assert len(set(ways)) == len(ways), "two chunks holding the question's words alike were both ranked"
    assert any(h.chunk.doc_id == "cc-medical-outpatient" for h in hits)


def test_folding_keeps_the_best_chunk_of_each_profile_even_when_profiles_share_a_bucket(crowded: Settings) -> None:
    index = build_chain(crowded).index
    ids = [index.vocab[t] for t in ("门诊", "共济", "启动") if t in index.vocab]
    scores, profiles = scores_and_profiles(index.bm25, ids, _profile_weights(index))
    # Equal profiles for chunks holding each word equally often, whatever their length.
    counts = [tuple(int((index.token_ids[p] == t).sum()) for t in ids) for p in range(len(index.chunks))]
    for a in range(0, len(counts), 37):
        for b in range(a + 1, len(counts), 41):
            assert (profiles[a] == profiles[b]) == (counts[a] == counts[b])
    folded = _folded_top(scores, profiles, 50)
    best: dict[float, tuple[float, int]] = {}
    for p in np.flatnonzero(scores > 0).tolist():
        key = float(profiles[p])
        if key not in best or scores[p] > best[key][0]:
            best[key] = (float(scores[p]), p)
    assert [s for _, s in folded] == sorted((s for s, _ in best.values()), reverse=True)[:50]
    # Two profiles forced into one bucket still come out apart.
    clashing = profiles.copy()
    clashing[clashing > 0] = np.floor(clashing[clashing > 0] / 65536) * 65536 + 7
    again = _folded_top(scores, clashing, 50)
    assert len({float(clashing[p]) for p, _ in again}) == len(again)
    assert len(again) == min(50, len({float(x) for x in clashing[scores > 0]}))
