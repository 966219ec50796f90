"""Sanity checks for the evaluation set in eval/ (questions.jsonl, dialogs.jsonl).

Every fact an answer must contain has to be printed on the seed newspaper page (line breaks
removed) and, once the article exists, in knowledge/<doc_id>.md (whitespace removed).
No project imports: json and pytest only.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EVAL_DIR = REPO / "eval"
KNOWLEDGE_DIR = REPO / "knowledge"
# The repo (/work/main, or a CI clone) sits beside shared/.
SEED_DIR = Path(__file__).resolve().parents[2] / "shared" / "seeds"
SEED_NAME = "000_25280e2dbb0dc82d.txt"

ARTICLE_IDS = {
    "eco-supervision",
    "cc-medical-outpatient",
    "postal-baotong",
    "gas-new-year-eve",
    "power-lishu-strawberry",
    "jilin-oilfield-ccus",
    "hongqi-h6",
    "yanbian-power-returnees",
}
TOPICS = {"medical_insurance", "postal", "gas", "power", "ecology", "energy", "auto", "agriculture", "none"}
OUT_STYLES = {"near_miss", "off_topic", "chitchat", "injection"}
SPLITS = {"dev", "test"}

MIN_QUESTIONS = 150
MIN_OUT_OF_SCOPE = 35
MIN_DIALOGS = 15

WHITESPACE = re.compile(r"\s+")
FRONT_MATTER = re.compile(r"\A---\s*\n.*?\n---\s*\n", re.S)


def _read_jsonl(path: Path) -> list[dict]:
    assert path.is_file(), f"missing {path}"
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:  # pragma: no cover - failure path
            pytest.fail(f"{path.name}:{n} is not valid JSON: {exc}")
        assert isinstance(obj, dict), f"{path.name}:{n} is not a JSON object"
        rows.append(obj)
    return rows


@pytest.fixture(scope="module")
def questions() -> list[dict]:
    return _read_jsonl(EVAL_DIR / "questions.jsonl")


@pytest.fixture(scope="module")
def dialogs() -> list[dict]:
    return _read_jsonl(EVAL_DIR / "dialogs.jsonl")


@pytest.fixture(scope="module")
def seed_text() -> str:
    path = SEED_DIR / SEED_NAME
    if not path.is_file():
        pytest.fail(f"seed page not found at {path} (expected the repo to sit beside shared/seeds/)")
    return path.read_text(encoding="utf-8").replace("\r", "").replace("\n", "")


def _article_body(doc_id: str) -> str | None:
    path = KNOWLEDGE_DIR / f"{doc_id}.md"
    if not path.is_file():
        return None
    text = FRONT_MATTER.sub("", path.read_text(encoding="utf-8"), count=1)
    return WHITESPACE.sub("", text)


def _all_turns(questions: list[dict], dialogs: list[dict]) -> list[tuple[str, dict]]:
    items = [(q["id"], q) for q in questions]
    for d in dialogs:
        for i, t in enumerate(d["turns"], 1):
            items.append((f"{d['id']}#{i}", t))
    return items


# ---------------------------------------------------------------- schema


def test_question_schema(questions):
    keys = {"id", "question", "in_scope", "doc_id", "facts", "topic", "style", "split"}
    for q in questions:
        assert set(q) == keys, f"{q.get('id')}: keys {sorted(q)}"
        assert isinstance(q["question"], str) and q["question"].strip(), q["id"]
        assert isinstance(q["in_scope"], bool), q["id"]
        assert q["topic"] in TOPICS, q["id"]
        assert q["split"] in SPLITS, q["id"]
        assert isinstance(q["style"], str) and q["style"], q["id"]
        _check_scope_fields(q["id"], q)
        if not q["in_scope"]:
            assert q["style"] in OUT_STYLES, f"{q['id']}: out-of-scope style {q['style']!r}"
        else:
            assert q["style"] not in OUT_STYLES, f"{q['id']}: in-scope question styled {q['style']!r}"
            assert q["topic"] != "none", q["id"]


def _check_scope_fields(label: str, item: dict) -> None:
    if item["in_scope"]:
        assert item["doc_id"] in ARTICLE_IDS, f"{label}: unknown doc_id {item['doc_id']!r}"
        facts = item["facts"]
        assert isinstance(facts, list) and 1 <= len(facts) <= 3, f"{label}: needs 1-3 facts"
        for f in facts:
            assert isinstance(f, str) and f, f"{label}: empty fact"
            assert not WHITESPACE.search(f), f"{label}: fact {f!r} contains whitespace"
    else:
        assert item["doc_id"] is None, f"{label}: out of scope but doc_id set"
        assert item["facts"] == [], f"{label}: out of scope but has facts"


def test_dialog_schema(dialogs):
    for d in dialogs:
        assert set(d) == {"id", "split", "turns"}, d.get("id")
        assert d["split"] in SPLITS, d["id"]
        assert 2 <= len(d["turns"]) <= 4, f"{d['id']}: needs 2-4 turns"
        for i, t in enumerate(d["turns"], 1):
            label = f"{d['id']}#{i}"
            assert set(t) == {"question", "in_scope", "doc_id", "facts"}, label
            assert isinstance(t["question"], str) and t["question"].strip(), label
            assert isinstance(t["in_scope"], bool), label
            _check_scope_fields(label, t)


def test_ids_unique(questions, dialogs):
    for rows in (questions, dialogs):
        dupes = [k for k, n in Counter(r["id"] for r in rows).items() if n > 1]
        assert not dupes, f"duplicate ids: {dupes}"


def test_questions_not_duplicated(questions):
    dupes = [k for k, n in Counter(q["question"] for q in questions).items() if n > 1]
    assert not dupes, f"duplicate question texts: {dupes}"


# ---------------------------------------------------------------- coverage


def test_minimum_counts(questions, dialogs):
    assert len(questions) >= MIN_QUESTIONS
    assert sum(not q["in_scope"] for q in questions) >= MIN_OUT_OF_SCOPE
    assert len(dialogs) >= MIN_DIALOGS


def test_every_article_is_asked_about(questions):
    asked = {q["doc_id"] for q in questions if q["in_scope"]}
    assert asked >= ARTICLE_IDS, f"articles without in-scope questions: {sorted(ARTICLE_IDS - asked)}"


def test_out_of_scope_styles_present(questions):
    styles = {q["style"] for q in questions if not q["in_scope"]}
    assert styles >= OUT_STYLES, f"missing out-of-scope styles: {sorted(OUT_STYLES - styles)}"


def test_dialogs_include_out_of_scope_follow_up(dialogs):
    assert any(not t["in_scope"] for d in dialogs for t in d["turns"][1:])


def test_both_splits_non_empty(questions, dialogs):
    for in_scope in (True, False):
        splits = {q["split"] for q in questions if q["in_scope"] is in_scope}
        assert splits == SPLITS, f"in_scope={in_scope}: splits {splits}"
    assert {d["split"] for d in dialogs} == SPLITS


# ---------------------------------------------------------------- facts are grounded


def test_facts_on_seed_page(questions, dialogs, seed_text):
    missing = [
        (label, f)
        for label, item in _all_turns(questions, dialogs)
        if item["in_scope"]
        for f in item["facts"]
        if f not in seed_text
    ]
    assert not missing, f"facts not printed on the seed page: {missing}"


def test_facts_in_knowledge_articles(questions, dialogs):
    bodies: dict[str, str | None] = {}
    missing = []
    for label, item in _all_turns(questions, dialogs):
        if not item["in_scope"]:
            continue
        doc_id = item["doc_id"]
        if doc_id not in bodies:
            bodies[doc_id] = _article_body(doc_id)
        body = bodies[doc_id]
        if body is None:
            continue
        missing += [(label, doc_id, f) for f in item["facts"] if f not in body]
    assert not missing, f"facts not in their knowledge article: {missing}"
