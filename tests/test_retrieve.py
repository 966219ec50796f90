from __future__ import annotations

import json
from pathlib import Path

from conftest import REPO

from bot.evaluation import ranked_doc_ids, retrieval_eval
from bot.retrieve import HybridRetriever, retrieve_hybrid


def test_family_account_question_ranks_the_changchun_article_first(seed_index, embeddings) -> None:  # type: ignore[no-untyped-def]
    hits = retrieve_hybrid(seed_index, embeddings, "家里人能不能用我的医保个人账户", 5)
    assert hits[0].chunk.doc_id == "cc-medical-outpatient"
    assert hits[0].dense_score is not None and hits[0].bm25_score is not None
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_hybrid_retriever_reaches_hit_at_3_of_095_on_the_question_set(settings) -> None:  # type: ignore[no-untyped-def]
    table = retrieval_eval(settings, REPO / "eval" / "questions.jsonl", k=3)
    assert table["hybrid"]["n"] >= 40
    assert table["hybrid"]["hit@3"] >= 0.95
    assert table["hybrid"]["mrr"] >= max(table["dense"]["mrr"], table["bm25"]["mrr"]) - 0.01


def test_topic_and_region_filters_restrict_results(seed_index, embeddings) -> None:  # type: ignore[no-untyped-def]
    hits = retrieve_hybrid(seed_index, embeddings, "保供", 10, topics=["gas"])
    assert hits and {h.chunk.doc_id for h in hits} == {"gas-new-year-eve"}
    hits = retrieve_hybrid(seed_index, embeddings, "供电服务", 10, regions=["延边"])
    assert hits and {h.chunk.doc_id for h in hits} == {"yanbian-power-returnees"}


def test_dense_and_bm25_modes_each_return_their_own_scores(seed_index, embeddings) -> None:  # type: ignore[no-untyped-def]
    dense = retrieve_hybrid(seed_index, embeddings, "草莓大棚用电", 3, mode="dense")
    lexical = retrieve_hybrid(seed_index, embeddings, "草莓大棚用电", 3, mode="bm25")
    assert all(h.bm25_score is None and h.dense_score is not None for h in dense)
    assert all(h.dense_score is None and h.bm25_score is not None for h in lexical)
    assert ranked_doc_ids(dense)[0] == ranked_doc_ids(lexical)[0] == "power-lishu-strawberry"


def test_question_with_no_known_words_still_gets_dense_results(seed_index, embeddings) -> None:  # type: ignore[no-untyped-def]
    hits = retrieve_hybrid(seed_index, embeddings, "zzzz qqqq", 3)
    assert len(hits) == 3 and all(h.bm25_score is None for h in hits)


def test_langchain_retriever_returns_documents_with_metadata(seed_index, embeddings) -> None:  # type: ignore[no-untyped-def]
    retriever = HybridRetriever(index=seed_index, embeddings=embeddings, k=2)
    docs = retriever.invoke("吉林油田累计注入多少二氧化碳")
    assert len(docs) == 2
    assert docs[0].metadata["doc_id"] == "jilin-oilfield-ccus"
    assert {"chunk_id", "title", "date", "score", "dense_score", "bm25_score"} <= set(docs[0].metadata)
    json.dumps(docs[0].metadata, ensure_ascii=False)  # serialisable for any langchain consumer


def test_eval_file_exists_with_paraphrased_questions_for_every_article() -> None:
    rows = [json.loads(line) for line in (REPO / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines()]
    covered = {r["doc_id"] for r in rows if r.get("in_scope")}
    assert covered == {p.stem for p in Path(REPO / "knowledge").glob("*.md")}
