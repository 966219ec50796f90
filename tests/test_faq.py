"""The curated FAQ: every answer backed by its quotes, strict matching, status and dates, the ingest check."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from answers_support import KNOWLEDGE, MARKER, article_texts, assert_citations_exact

from bot.chain import FaqChain, build_chain
from bot.config import Settings
from bot.dates import absolutise
from bot.faq import FaqEntry, load_entries, parse_entries
from bot.index import load_index

NUMBER = re.compile(r"\d+(?:\.\d+)?%?")
QUOTED = re.compile(r"[“‘]([^”’]+)[”’]")


def _entries() -> list[FaqEntry]:
    entries, problems = load_entries(KNOWLEDGE / "faq.yaml")
    assert problems == []
    return entries


def _quotes(entry: FaqEntry) -> str:
    """The entry's quotes with relative dates made absolute, as the answer may state them ("2023年1月1日起")."""
    return " ".join(absolutise(s.quote, dt.date(2023, 1, 3)) for s in entry.sources)


def test_faq_has_15_to_25_approved_entries_for_the_four_services() -> None:
    entries = _entries()
    approved = [e for e in entries if e.status == "approved"]
    assert 15 <= len(approved) <= 25
    docs = {s.doc_id for e in approved for s in e.sources}
    assert {"cc-medical-outpatient", "postal-baotong", "gas-new-year-eve"} <= docs
    assert docs & {"power-lishu-strawberry", "yanbian-power-returnees"}
    assert all(e.owner and e.expires and e.effective_from and e.paraphrases for e in approved)


@pytest.mark.parametrize("entry", _entries(), ids=lambda e: e.id)
def test_every_faq_answer_states_only_what_its_quotes_say(entry: FaqEntry) -> None:
    texts = article_texts()
    for source in entry.sources:
        assert source.quote in texts[source.doc_id], f"{entry.id}: quote not in {source.doc_id}"
    quotes = _quotes(entry)
    answer = MARKER.sub("", entry.answer)
    for number in NUMBER.findall(answer):
        assert number in quotes, f"{entry.id}: {number} is not in its quotes"
    for term in QUOTED.findall(answer):
        assert term in quotes, f"{entry.id}: “{term}” is not in its quotes"
    markers = {int(n) for n in MARKER.findall(entry.answer)}
    assert markers == set(range(1, len(entry.sources) + 1)), "every source is cited, and only those"


@pytest.fixture(scope="module")
def chain(seed_index_dir: Path) -> FaqChain:
    return build_chain(Settings(data_dir=seed_index_dir, knowledge_dir=KNOWLEDGE))


@pytest.mark.parametrize("entry", _entries()[::3], ids=lambda e: e.id)
def test_a_paraphrase_gets_the_curated_answer_with_its_sources(chain: FaqChain, entry: FaqEntry) -> None:
    answer = chain.ask(entry.paraphrases[0])
    assert answer.mode == "faq" and answer.answered
    assert answer.text.split("\n")[0] == entry.answer
    assert [c.quote for c in answer.citations] == [s.quote for s in entry.sources]
    assert_citations_exact(answer)


@pytest.mark.parametrize(
    "question",
    [
        "医保个人账户余额咋查",
        "医保个人账户里的钱能取现金不",
        "门诊统筹报销比例是多少",
        "辽源快递员工资多少钱一个月",
        "退休人员个人账户每月几号打钱",  # the entry on how much is paid in gives no day of the month
    ],
)
def test_near_misses_never_get_a_curated_answer(chain: FaqChain, question: str) -> None:
    answer = chain.ask(question)
    assert answer.mode != "faq"
    assert not answer.answered


@pytest.mark.parametrize("question", ["医保卡里的钱家里人能花不", "个人账户的钱家属能不能用"])
def test_the_most_asked_question_in_other_words_gets_the_curated_answer(chain: FaqChain, question: str) -> None:
    """Whether the family may use the account, as residents say it (医保卡, 家属, 花): the curated answer gives both
    the rule and where to bind them, which no single sentence of the article does."""
    answer = chain.ask(question)
    assert answer.mode == "faq" and answer.answered
    assert "家庭成员共用共享" in answer.text and "吉林医保公共服务" in answer.text
    assert_citations_exact(answer)
    for near_miss in ("医保卡丢了家里人能替我补办吗", "医保卡里的钱能给家里人交电费吗"):
        assert chain.ask(near_miss).mode != "faq"


@pytest.mark.parametrize("question", ["医保个人账户的钱爱人能用吗", "我闺女能用我医保个人账户的钱不"])
def test_a_relative_named_is_a_family_member_of_the_curated_question(chain: FaqChain, question: str) -> None:
    """爱人 and 闺女 are what the entry's "家里人" and "家属" stand for (家庭成员): the resident gets the curated
    answer, with where to register them, not only the article's sentences."""
    answer = chain.ask(question)
    assert answer.mode == "faq" and answer.answered, answer.text
    assert "家庭成员共用共享" in answer.text and "吉林医保公共服务" in answer.text
    assert_citations_exact(answer)


@pytest.mark.parametrize("question", ["辽源快递员回来上班有多少补贴", "辽源快递派费会提高多少"])
def test_how_much_is_not_answered_by_an_entry_that_gives_no_figure(chain: FaqChain, question: str) -> None:
    """The entry on 辽源's couriers says allowances and fees are raised, not by how much: its citation marker "[1]"
    is no figure, and the question is declined rather than answered beside the point."""
    answer = chain.ask(question)
    assert answer.mode != "faq", answer.text
    assert not answer.answered, answer.text


def _chain_with_faq(seed_index_dir: Path, tmp_path: Path, embeddings, entries: list[dict], today: dt.date):  # type: ignore[no-untyped-def]
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "faq.yaml").write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    settings = Settings(data_dir=seed_index_dir, knowledge_dir=kb)
    index = load_index(settings.index_dir, embeddings.model_id)
    return FaqChain(settings, embeddings, index, today=lambda: today)


def _entry(**changes: object) -> dict:
    base = {
        "id": "mi-rate-working",
        "question": "在职职工个人账户计入标准是多少？",
        "paraphrases": ["上班的人个人账户按工资多少比例计入"],
        "answer": "2023年起，在职职工个人账户计入标准调整为本人工资的2%[1]。",
        "sources": [
            {
                "doc_id": "cc-medical-outpatient",
                "quote": "2023年起，在职职工个人账户计入标准调整为本人工资的2%；",
            }
        ],
        "effective_from": dt.date(2023, 1, 1),
        "expires": dt.date(2027, 6, 30),
        "owner": "热线知识库组（医保）",
        "status": "approved",
    }
    base.update(changes)
    return base


@pytest.mark.parametrize(
    ("changes", "today", "curated"),
    [
        ({}, dt.date(2026, 11, 28), True),
        ({"status": "draft"}, dt.date(2026, 11, 28), False),
        ({}, dt.date(2027, 7, 1), False),
        ({"effective_from": dt.date(2027, 1, 1)}, dt.date(2026, 11, 28), False),
        (
            {"sources": [{"doc_id": "cc-medical-outpatient", "quote": "在职职工个人账户计入标准为3%。"}]},
            dt.date(2026, 11, 28),
            False,
        ),
    ],
    ids=["approved", "draft", "expired", "not_yet_in_force", "quote_gone"],
)
def test_only_approved_entries_in_force_with_live_quotes_answer(
    seed_index_dir: Path,
    tmp_path: Path,
    embeddings,
    changes: dict,
    today: dt.date,
    curated: bool,  # type: ignore[no-untyped-def]
) -> None:
    chain = _chain_with_faq(seed_index_dir, tmp_path, embeddings, [_entry(**changes)], today)
    answer = chain.ask("上班的人个人账户按工资多少比例计入")
    assert (answer.mode == "faq") is curated
    assert answer.answered and "2%" in answer.text, "without the entry the article still answers"


def test_invalid_entries_are_reported_and_the_rest_load() -> None:
    entries, problems = parse_entries(
        [
            _entry(),
            _entry(id="no-marker", answer="没有出处标记的回答。"),
            _entry(id="bad-status", status="published"),
            {"id": "missing"},
        ]
    )
    assert [e.id for e in entries] == ["mi-rate-working"]
    assert len(problems) == 3
    assert any("no-marker" in p and "[1]" in p for p in problems)


def test_ingest_fails_naming_faq_yaml_and_the_entry_whose_quote_is_gone(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(KNOWLEDGE, kb)
    article = kb / "cc-medical-outpatient.md"
    article.write_text(
        article.read_text(encoding="utf-8").replace(
            "门诊报销不再局限于合规药品费用", "门诊报销不只限于合规药品费用"
        ),
        encoding="utf-8",
    )
    env = {**os.environ, "FAQBOT_DATA_DIR": str(tmp_path / "data"), "FAQBOT_KNOWLEDGE_DIR": str(kb)}
    run = subprocess.run(
        [sys.executable, "-m", "bot.cli", "ingest", "-q"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert run.returncode != 0
    assert "faq.yaml" in run.stderr and "mi-outpatient-items" in run.stderr
    assert "mi-rate-working" not in run.stderr, "entries whose quotes are intact are not reported"

    shutil.copy(KNOWLEDGE / "cc-medical-outpatient.md", article)
    again = subprocess.run(
        [sys.executable, "-m", "bot.cli", "ingest", "-q"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert again.returncode == 0, again.stderr


def test_a_message_asking_two_things_is_not_answered_by_one_curated_entry(chain: FaqChain) -> None:
    """"在门诊开药做检查能报销吗 去几级医院能报": the curated entry answers the first question only; the sentences
    answering each are quoted instead, so the hospital levels are not left out."""
    answer = chain.ask("在门诊开药做检查能报销吗 去几级医院能报")
    assert answer.answered and answer.mode == "extractive"
    assert "三级及以下定点医疗机构" in answer.text and "做检查" in answer.text, answer.text


@pytest.mark.parametrize("question", ["延边供电为啥要给返乡人员检查线路啊", "为啥延边供电公司要上门给返乡人员检查用电线路"])
def test_why_is_not_answered_by_an_entry_that_only_says_it_is_done(chain: FaqChain, question: str) -> None:
    """The entry "延边供电公司会上门给返乡人员检查用电线路吗" answers "会。…", which gives no reason: a why question
    about it is answered from the article, with the reason (appliances left idle: 长期闲置)."""
    answer = chain.ask(question)
    assert answer.mode != "faq", answer.text
    assert answer.answered and "长期闲置" in answer.text, answer.text
