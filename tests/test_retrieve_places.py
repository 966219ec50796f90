"""A question that names a place finds the article about that place first."""

from __future__ import annotations

from bot.retrieve import named_places, retrieve_hybrid


def test_question_naming_a_place_gets_that_places_article_first(seed_index, embeddings) -> None:  # type: ignore[no-untyped-def]
    # The 梨树 power article shares more of these words (供电, 推广); the question is about 延边.
    hits = retrieve_hybrid(seed_index, embeddings, "延边供电推广的那个APP叫啥名", 8)
    assert hits[0].chunk.doc_id == "yanbian-power-returnees"


def test_the_province_alone_does_not_count_as_a_place() -> None:
    assert named_places("吉林油田二氧化碳一年能往地下打多少万吨") == set()
    assert named_places("吉林省的快递过年停不停") == set()
    assert named_places("吉林市秸秆离田那个研讨会是哪天开的") == {"吉林市"}
    assert named_places("长春市职工医保门诊共济从啥时候开始") == {"长春市", "长春"}
