"""Questions arriving together in one server process are computed one at a time, in turn, and all answered.

The extractive answer is CPU work under Python's GIL: interleaving questions in one process makes
each of them late. The service lets ``answer_slots`` questions compute at once and queues the rest.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.chain import FaqChain, Turn, build_chain
from bot.config import Settings
from bot.conversations import ConversationService
from bot.store import Store
from bot.types import Answer


class WatchedChain(FaqChain):
    """The real chain, counting how many questions it computes at the same moment."""

    def __init__(self, chain: FaqChain) -> None:
        self.__dict__.update(chain.__dict__)
        self._watch = threading.Lock()
        self.running = 0
        self.most_at_once = 0

    def ask(self, question: str, history: Sequence[Turn] = (), *, detail: bool = False) -> Answer:
        with self._watch:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        try:
            return super().ask(question, history, detail=detail)
        finally:
            with self._watch:
                self.running -= 1


@pytest.fixture(scope="module")
def chain(seed_index_dir: Path) -> FaqChain:
    return build_chain(
        Settings(data_dir=seed_index_dir, knowledge_dir=Path(__file__).parents[1] / "knowledge")
    )


QUESTIONS = [
    "门诊共济是什么意思？",
    "个人账户的钱家里人能用吗？",
    "辽源快递春节打烊吗？",
    "除夕夜燃气有人值班吗？",
    "延边供电公司为返乡人员做了什么？",
    "职工医保门诊能报销吗？",
    "松原邮政管理局检查了什么？",
    "梨树草莓大棚用电怎么保障？",
]


def _ask_all(service: ConversationService, streamed: bool) -> list[Answer]:
    def one(q: str) -> Answer:
        if not streamed:
            return service.ask(q, channel="api").answer
        *_, last = service.stream(q, channel="web")
        return last.answer  # type: ignore[union-attr]

    with ThreadPoolExecutor(max_workers=len(QUESTIONS)) as pool:
        return list(pool.map(one, QUESTIONS))


@pytest.mark.parametrize("streamed", [False, True])
def test_questions_arriving_together_are_computed_one_at_a_time_and_all_answered(
    chain: FaqChain, tmp_path: Path, streamed: bool
) -> None:
    watched = WatchedChain(chain)
    store = Store(f"sqlite:///{tmp_path / 'faqbot.db'}")
    try:
        service = ConversationService(watched, store, slots=1)
        answers = _ask_all(service, streamed)
        store.flush()
        assert store.counts()["messages"] == len(QUESTIONS)
    finally:
        store.close()
    assert watched.most_at_once == 1
    assert all(a.text for a in answers)
    # Each resident got the answer to their own question, not a neighbour's.
    for question, answer in zip(QUESTIONS, answers, strict=True):
        assert answer.question == question
    assert sum(a.answered for a in answers) >= 6


def test_one_question_at_a_time_per_process_unless_an_llm_is_waited_on() -> None:
    assert Settings().answer_slots == 1
    assert Settings(answer_concurrency=3).answer_slots == 3
    with_llm = Settings(llm_base_url="http://127.0.0.1:9/v1", llm_model="qwen2.5")
    assert with_llm.llm_enabled
    assert with_llm.answer_slots > 1


def test_answer_concurrency_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAQBOT_ANSWER_CONCURRENCY", "4")
    assert Settings().answer_slots == 4


def test_a_question_waiting_on_a_slow_llm_does_not_hold_up_other_requests(data_dir: Path) -> None:
    """Extractive answers are computed right on the server's event loop (a few ms of CPU each); a question
    that waits seconds on a remote model must not be, or health checks and other residents would wait too."""
    import time

    import httpx
    from fake_llm import FakeLLM
    from live_server import live_server

    from bot.api import create_app

    with FakeLLM() as llm:
        settings = Settings(
            data_dir=data_dir,
            knowledge_dir=Path(__file__).parents[1] / "knowledge",
            llm_base_url=llm.base_url,
            llm_model="qwen-test",
            llm_timeout=8.0,
            rate_limit_per_minute=0,
        )
        with live_server(create_app(settings)) as server:
            llm.reply("六之维农民种植专业合作社梨树分社带动了100余位返乡农民在家门口就业[1]。", delay=3.0)
            with ThreadPoolExecutor(max_workers=1) as pool:
                slow = pool.submit(
                    httpx.post,
                    server.url + "/api/v1/ask",
                    json={"question": "六之维合作社梨树分社带动了多少人就业？"},
                    timeout=30,
                )
                time.sleep(0.5)  # the question is now waiting on the model
                started = time.perf_counter()
                health = httpx.get(server.url + "/healthz", timeout=10)
                waited = time.perf_counter() - started
                assert health.status_code == 200
                assert waited < 1.5, f"/healthz waited {waited:.1f} s behind a question on a slow LLM"
                assert slow.result().status_code == 200
