"""The synthetic knowledge base of the scale benchmarks reads like a province's articles, and stays hard.

A look-alike base that is nonsense (4644年度, every article about everything, one gas station named in
12k articles) measures the generator, not faqbot. These check what a reader of the generated articles
would: plausible years, one topic per article, varied places and people, no clause everywhere; and that
the articles are still made of the real articles' clauses, never restating an evaluated fact.
"""

from __future__ import annotations

import collections
import re
import sys
from pathlib import Path

import pytest
from conftest import KNOWLEDGE, REPO

from bot.ingest import load_documents
from bot.types import Document

sys.path.insert(0, str(REPO / "scripts"))

import synth_kb  # noqa: E402

_SPLIT = re.compile(r"[^，。；！？\n]+")


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "knowledge"
    synth_kb.generate(600, out)
    return out


@pytest.fixture(scope="module")
def synthetic(kb: Path) -> list[Document]:
    loaded = load_documents([kb])
    assert not loaded.errors
    docs = [d for d in loaded.documents if d.source == "synthetic"]
    assert len(docs) > 100
    return docs


@pytest.fixture(scope="module")
def seed_docs() -> list[Document]:
    return sorted(load_documents([KNOWLEDGE]).documents, key=lambda d: d.doc_id)


def _body_clauses(doc: Document) -> list[str]:
    body = "\n".join(line for line in doc.text.splitlines() if not line.startswith("#"))  # no title line
    return [c.strip() for c in _SPLIT.findall(body) if c.strip()]


def _shapes(seed_docs: list[Document]) -> list[tuple[re.Pattern[str], int]]:
    """Each seed clause as a pattern in which its names and figures may be anything short, with its article."""
    shapes = []
    for clause in synth_kb._seed_pool(seed_docs, set()):
        text = clause.text.rstrip("，。；！？").strip()
        pieces, at = [], 0
        for m in synth_kb._TOKEN_RE.finditer(text):
            pieces.append(re.escape(text[at : m.start()]))
            pieces.append(r".{1,12}?")
            at = m.end()
        pieces.append(re.escape(text[at:]))
        shapes.append((re.compile("".join(pieces)), clause.doc))
    return shapes


def _sources(clause: str, shapes: list[tuple[re.Pattern[str], int]]) -> set[int]:
    return {doc for pattern, doc in shapes if pattern.fullmatch(clause)}


def test_years_in_synthetic_articles_are_near_the_article_date(synthetic: list[Document]) -> None:
    years = [(int(y), d.date.year) for d in synthetic for y in re.findall(r"(?<!\d)(\d{4})(?=年)", d.text)]
    assert len(years) > 50
    # The seed articles (2023) speak of 2021 to 2024; a synthetic article moves them with its own date.
    assert all(date - 3 <= year <= date + 2 for year, date in years), [
        p for p in years if p[0] - p[1] not in range(-3, 3)
    ][:5]


def test_varied_sentences_keep_the_size_of_their_figures_and_move_years_with_the_date(
    seed_docs: list[Document],
) -> None:
    import random

    from bot.chunk import split_sentences

    vary = synth_kb._Varier(random.Random(3), year_shift=-4)
    number = re.compile(r"\d+(?:\.\d+)?")
    checked = 0
    for doc in seed_docs:
        for sentence in split_sentences(doc.text, doc.title):
            # Month-day dates are redrawn whole; the rest must correspond figure by figure.
            text = re.sub(r"\d{1,2}月\d{1,2}日", "", sentence.text)
            if not number.search(text) or any(n in text for n in synth_kb._KIND):
                continue
            before = [float(x) for x in number.findall(text)]
            after = [float(x) for x in number.findall(vary(text))]
            assert len(before) == len(after), text
            for old, new in zip(before, after, strict=True):
                if old.is_integer() and 1990 <= old <= 2035:
                    assert new == old - 4, text
                else:
                    assert 0.5 * old <= new <= 1.7 * old + 1, (text, old, new)
                checked += 1
    assert checked > 20
    assert vary("辽源市区3000余户、占比2.8%") != "辽源市区3000余户、占比2.8%"
    assert float(vary("占比95%")[2:-1]) < 100


def test_a_synthetic_article_is_mostly_about_its_primary_topic(
    synthetic: list[Document], seed_docs: list[Document]
) -> None:
    shapes = _shapes(seed_docs)
    shares = []
    for doc in synthetic:
        related = {n for n, s in enumerate(seed_docs) if set(s.topics) & set(doc.topics)}
        sources = [_sources(c, shapes) for c in _body_clauses(doc)]
        known = [s for s in sources if s]
        shares.append(sum(bool(s & related) for s in known) / len(known))
    assert sum(shares) / len(shares) >= 0.7
    assert sorted(shares)[len(shares) // 10] >= 0.5  # nine articles in ten are at least half on their topic


def test_medical_words_stay_in_medical_articles(synthetic: list[Document]) -> None:
    medical = [d for d in synthetic if "medical_insurance" in d.topics]
    other = [d for d in synthetic if "medical_insurance" not in d.topics]
    in_medical = sum("门诊" in d.text for d in medical) / len(medical)
    in_other = sum("门诊" in d.text for d in other) / len(other)
    # The other articles' share moves with the draw: holding out one more eval fact ("省里统筹") took it from 0.23
    # to 0.26 (measured), so the bar leaves room for that; a generator mixing topics freely puts 门诊 in most.
    assert in_medical > 0.9 and in_other < 0.3


def test_synthetic_articles_are_recombined_real_clauses(
    synthetic: list[Document], seed_docs: list[Document]
) -> None:
    """Hard look-alikes: every clause is a real article's clause with its names and figures changed."""
    shapes = _shapes(seed_docs)
    clauses = [c for d in synthetic[:150] for c in _body_clauses(d)]
    matched = sum(bool(_sources(c, shapes)) for c in clauses)
    assert matched / len(clauses) >= 0.99


def test_synthetic_articles_name_other_places_organisations_and_people(synthetic: list[Document]) -> None:
    seed_names = [n for n, kind in synth_kb._KIND.items() if kind != "keep" and n not in ("吉林",)]
    leaks = [(d.doc_id, n) for d in synthetic for n in seed_names if n in d.text.replace("吉林省", "")]
    assert not leaks, leaks[:5]
    assert not any(
        re.search(r"吉林(?!省|医保|电力|日报)", d.text.replace("国网吉林电力", "")) for d in synthetic
    )
    regions = collections.Counter(r for d in synthetic for r in d.region)
    assert len(regions) > 40 and regions.most_common(1)[0][1] < 0.1 * len(synthetic)
    stations = collections.Counter(m for d in synthetic for m in re.findall(r"(\w{2})高中压调压站", d.text))
    assert not stations or stations.most_common(1)[0][1] <= max(3, sum(stations.values()) // 5)


def test_no_clause_appears_in_most_synthetic_articles(synthetic: list[Document]) -> None:
    seen = collections.Counter(c for d in synthetic for c in set(_body_clauses(d)) if len(c) >= 6)
    worst, count = seen.most_common(1)[0]
    assert count < 0.3 * len(synthetic), worst
    assert sum("走笔" in d.text for d in synthetic) < 0.05 * len(synthetic)


def test_synthetic_base_is_the_same_for_the_same_seed_and_differs_for_another(
    tmp_path: Path, kb: Path
) -> None:
    again = tmp_path / "again"
    other = tmp_path / "other"
    synth_kb.generate(600, again)
    synth_kb.generate(600, other, seed=8)
    files = sorted(p.relative_to(kb) for p in kb.rglob("*.md"))
    assert files == sorted(p.relative_to(again) for p in again.rglob("*.md"))
    assert all((kb / f).read_bytes() == (again / f).read_bytes() for f in files)
    first = "synthetic/000/syn-000000.md"
    assert (kb / first).read_text(encoding="utf-8") != (other / first).read_text(encoding="utf-8")


def test_synthetic_kb_command_line_writes_the_asked_size(tmp_path: Path) -> None:
    import subprocess

    out = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "synth_kb.py"), "120", str(tmp_path / "kb")],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    assert "'chunks': 12" in out.stdout or "'chunks': 13" in out.stdout
    assert (tmp_path / "kb" / "postal-baotong.md").is_file()
