"""The answer cache: recent first-turn answers, keyed by index version, bounded in size and age."""

from __future__ import annotations

import time

from bot.answer_cache import AnswerCache
from bot.types import Answer


def _answer(text: str) -> Answer:
    return Answer(text=text, answered=True)


def test_answer_is_found_for_the_same_version_question_and_detail() -> None:
    cache = AnswerCache(size=10, ttl=60)
    cache.put(("v1", "门诊能报销吗", False), _answer("能[1]。"))
    hit = cache.get(("v1", "门诊能报销吗", False))
    assert hit is not None and hit.text == "能[1]。"
    assert cache.get(("v2", "门诊能报销吗", False)) is None  # a new index version never sees old answers
    assert cache.get(("v1", "门诊能报销吗", True)) is None
    assert cache.get(("v1", "门诊能报销吗？", False)) is None


def test_least_recently_used_answer_is_dropped_first() -> None:
    cache = AnswerCache(size=2, ttl=60)
    cache.put(("v", "a", False), _answer("A"))
    cache.put(("v", "b", False), _answer("B"))
    assert cache.get(("v", "a", False)) is not None  # "a" is now the most recent
    cache.put(("v", "c", False), _answer("C"))
    assert cache.get(("v", "b", False)) is None
    assert cache.get(("v", "a", False)) is not None and cache.get(("v", "c", False)) is not None
    assert len(cache) == 2


def test_answers_expire() -> None:
    cache = AnswerCache(size=10, ttl=0.05)
    cache.put(("v", "a", False), _answer("A"))
    time.sleep(0.1)
    assert cache.get(("v", "a", False)) is None


def test_size_zero_turns_the_cache_off() -> None:
    cache = AnswerCache(size=0, ttl=60)
    cache.put(("v", "a", False), _answer("A"))
    assert not cache.enabled
    assert cache.get(("v", "a", False)) is None
