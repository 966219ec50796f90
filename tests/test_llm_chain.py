"""The chain's LLM mode end to end: build_chain with FAQBOT_LLM_* pointing at a scripted server.

One chain (real index, real embedder, real FAQ) is built for the module; each test scripts what
the "model" says. The model's reply is composed from the request, citing whichever number the
chain gave the passage that holds the fact, because retrieval decides the numbering.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import KNOWLEDGE
from fake_llm import FakeLLM

from bot.chain import FaqChain, answer_to_turn, build_chain
from bot.config import Settings
from bot.ingest import load_documents

STRAWBERRY_FACT = "六之维农民种植专业合作社梨树分社带动了100余位返乡农民在家门口就业"
STRAWBERRY_QUESTION = "六之维合作社梨树分社带动了多少人就业？"


@pytest.fixture(scope="module")
def llm() -> Iterator[FakeLLM]:
    with FakeLLM() as server:
        yield server


@pytest.fixture(scope="module")
def chain(llm: FakeLLM, seed_index_dir) -> FaqChain:  # type: ignore[no-untyped-def]
    settings = Settings(
        data_dir=seed_index_dir, knowledge_dir=KNOWLEDGE, llm_base_url=llm.base_url, llm_model="qwen-test"
    )
    built = build_chain(settings)
    assert llm.requests == [], "building the chain must not call the LLM"
    return built


@pytest.fixture(autouse=True)
def _fresh_requests(llm: FakeLLM) -> None:
    llm.reset()


@pytest.fixture(scope="module")
def articles() -> dict[str, str]:
    return {doc.doc_id: doc.text for doc in load_documents([KNOWLEDGE]).documents}


def source_number(request: dict[str, Any], phrase: str) -> int:
    """The number the chain gave the source passage containing ``phrase`` (0 if none does)."""
    user = request["messages"][-1]["content"]
    for block in re.split(r"\n\n(?=\[\d+\] )", user.split("资料：", 1)[1]):
        match = re.match(r"\[(\d+)\] ", block)
        if match and phrase in block:
            return int(match.group(1))
    return 0


def cite(sentence: str, phrase: str):  # type: ignore[no-untyped-def]
    """A scripted model that writes ``sentence`` citing the source holding ``phrase``."""
    return lambda request: f"{sentence}[{source_number(request, phrase)}]。"


def test_chain_answers_in_llm_mode_with_verified_citations(chain: FaqChain, llm: FakeLLM, articles) -> None:  # type: ignore[no-untyped-def]
    llm.respond(cite(STRAWBERRY_FACT, "100余位返乡农民"))

    answer = chain.ask(STRAWBERRY_QUESTION)

    assert len(llm.requests) == 1
    request = llm.requests[0]
    assert request["model"] == "qwen-test"
    assert STRAWBERRY_QUESTION.rstrip("？") in llm.messages_text()
    assert source_number(request, "100余位返乡农民") >= 1
    assert answer.mode == "llm" and answer.answered
    assert answer.text.startswith(STRAWBERRY_FACT + "[1]。")
    [citation] = answer.citations
    assert citation.doc_id == "power-lishu-strawberry"
    assert "100余位返乡农民" in citation.quote
    assert articles[citation.doc_id][citation.start : citation.end] == citation.quote
    assert answer.question == STRAWBERRY_QUESTION and answer.rewritten_question
    assert answer.to_dict()["mode"] == "llm"


def test_chain_falls_back_to_extractive_when_the_llm_returns_500(chain: FaqChain, llm: FakeLLM) -> None:
    llm.fail(500)

    answer = chain.ask(STRAWBERRY_QUESTION)

    assert len(llm.requests) == 1
    assert answer.mode == "extractive" and answer.answered
    assert "100余位" in answer.text
    assert answer.citations and answer.citations[0].doc_id == "power-lishu-strawberry"


def test_chain_falls_back_to_extractive_when_every_llm_sentence_is_unsupported(
    chain: FaqChain, llm: FakeLLM
) -> None:
    llm.reply("梨树分社带动了3000多名大学生就业，每人月薪一万元[1]。")

    answer = chain.ask(STRAWBERRY_QUESTION)

    assert answer.mode == "extractive" and answer.answered
    assert "3000" not in answer.text and "一万元" not in answer.text
    assert "100余位" in answer.text


def test_llm_sees_the_rewritten_follow_up_question(chain: FaqChain, llm: FakeLLM) -> None:
    llm.respond(cite(STRAWBERRY_FACT, "100余位返乡农民"))
    first = chain.ask("六之维合作社梨树分社是做什么的？")
    llm.reset()

    follow_up = chain.ask("带动了多少人就业？", [answer_to_turn(first)])

    assert follow_up.mode == "llm"
    assert "六之维" in follow_up.rewritten_question
    user = llm.requests[0]["messages"][-1]["content"]
    assert "问题：" + follow_up.rewritten_question in user


def test_requests_the_chain_declines_never_reach_the_llm(chain: FaqChain, llm: FakeLLM) -> None:
    llm.reply("春天来了，花儿开了[1]。")

    answer = chain.ask("帮我写一首关于春天的诗")

    assert answer.answered is False and answer.mode == "declined"
    assert llm.requests == []


def test_asking_for_detail_lets_the_llm_write_a_longer_answer(chain: FaqChain, llm: FakeLLM) -> None:
    llm.respond(cite(STRAWBERRY_FACT, "100余位返乡农民"))
    chain.ask(STRAWBERRY_QUESTION)
    chain.ask(STRAWBERRY_QUESTION, detail=True)

    def limit(i: int) -> int:
        system = llm.requests[i]["messages"][0]["content"]
        return int(re.search(r"不超过(\d+)个字", system).group(1))  # type: ignore[union-attr]

    assert limit(1) > limit(0)
