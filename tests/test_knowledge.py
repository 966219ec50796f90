"""Checks that the knowledge articles are a faithful, repaired copy of the seed newspaper page.

The bot may only answer from knowledge/*.md, so these files must hold the page's wording
verbatim: nothing dropped, nothing added, nothing paraphrased.  Only whitespace, line breaks
and the placement of pieces the page layout cut apart or scattered may differ.

No project imports: the files are read with pyyaml only.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
KNOWLEDGE_DIR = REPO / "knowledge"
# The repo (/work/main, or a CI clone) sits beside shared/.
SEED_DIR = Path(__file__).resolve().parents[2] / "shared" / "seeds"

ALLOWED_TOPICS = {
    "medical_insurance",
    "postal",
    "gas",
    "power",
    "ecology",
    "energy",
    "agriculture",
    "auto",
}

# The only things printed on the page that are not article text: column labels / page markers.
PAGE_ARTIFACTS = {"产经聚焦", "简讯"}

# A heading the layout dropped in the middle of a sentence; in knowledge it is the title of its article.
MOVED_HEADINGS = {"开展邮政快递业保通保畅工作"}

# Sentences the layout split into two far-apart pieces: (end of one printed paragraph,
# start of another printed paragraph).  The repaired article joins exactly these two paragraphs.
FAR_APART_JOINS = [("据悉，此次督导帮扶工作由省生态环境厅、省发展改革", "委、省自然资源厅")]

EXPECTED_ARTICLES = {
    "eco-supervision": "措施有章法 帮扶见成效",
    "cc-medical-outpatient": "长春市实施职工医保门诊共济保障机制",
    "postal-baotong": "开展邮政快递业保通保畅工作",
    "gas-new-year-eve": "跨年夜里的坚守",
    "power-lishu-strawberry": None,  # the page printed no heading; the title is added
    "jilin-oilfield-ccus": "吉林油田实现国内最大规模二氧化碳注入",
    "hongqi-h6": "红旗H6亮相广州车展",
    "yanbian-power-returnees": "真情服务返乡人员",
}

SENTENCE_SPLIT = re.compile(r"[。！？；…\n]")
WHITESPACE = re.compile(r"\s+")


def compact(text: str) -> str:
    return WHITESPACE.sub("", text)


def sentence_pieces(text: str) -> list[str]:
    """Sentence pieces, split at 。！？；… and line breaks, markdown '#' dropped, whitespace removed."""
    pieces = []
    for raw in SENTENCE_SPLIT.split(text):
        piece = compact(raw.replace("#", ""))
        if piece:
            pieces.append(piece)
    return pieces


def load_article(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), f"{path.name}: no YAML front matter"
    end = text.index("\n---\n", 4)
    front = yaml.safe_load(text[4:end])
    assert isinstance(front, dict), f"{path.name}: front matter is not a mapping"
    return front, text[end + len("\n---\n") :]


def body_lines(body: str) -> list[str]:
    return [line.strip() for line in body.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def articles() -> dict[str, tuple[dict, str]]:
    paths = sorted(KNOWLEDGE_DIR.glob("*.md"))
    assert paths, f"no knowledge articles in {KNOWLEDGE_DIR}"
    return {p.stem: load_article(p) for p in paths}


@pytest.fixture(scope="module")
def seed_pages() -> dict[str, str]:
    if not SEED_DIR.is_dir():
        pytest.fail(
            f"seed folder {SEED_DIR} is missing: the repository must sit beside shared/ "
            "(shared/seeds/*.txt holds the newspaper pages the knowledge articles are made from)"
        )
    pages = {p.name: p.read_text(encoding="utf-8") for p in sorted(SEED_DIR.glob("*.txt"))}
    if not pages:
        pytest.fail(f"seed folder {SEED_DIR} holds no *.txt page")
    return pages


def seed_references(page: str) -> list[str]:
    """What repaired article text may be a substring of: the page with whitespace, markdown '#',
    page artifacts and moved headings removed, plus each declared far-apart join."""
    kept = []
    for line in page.splitlines():
        text = compact(line.replace("#", ""))
        if text and text not in PAGE_ARTIFACTS and text not in MOVED_HEADINGS:
            kept.append(text)
    references = ["".join(kept)]
    for head_end, tail_start in FAR_APART_JOINS:
        heads = [t for t in kept if t.endswith(compact(head_end))]
        tails = [t for t in kept if t.startswith(compact(tail_start))]
        if len(heads) == 1 and len(tails) == 1:
            references.append(heads[0] + tails[0])
    return references


def seed_headings(page: str) -> set[str]:
    return {line.lstrip("#").strip() for line in page.splitlines() if line.startswith("#")}


def unfaithful_paragraphs(front: dict, body: str, page: str) -> list[str]:
    """Paragraphs of an article body that are not verbatim page text (empty list == faithful)."""
    references = seed_references(page)
    bad = []
    lines = body_lines(body)
    for i, line in enumerate(lines):
        if i == 0 and line.startswith("# "):
            title = line[2:].strip()
            if front.get("title_added"):
                continue  # a title the page did not print; checked against front matter elsewhere
            if title not in seed_headings(page):
                bad.append(line)
            continue
        text = compact(line.lstrip("#"))
        if not any(text in ref for ref in references):
            bad.append(line)
    return bad


def missing_seed_pieces(seed_pages: dict[str, str], bodies: list[str]) -> list[str]:
    """Sentence pieces of the seed pages found in no knowledge body (empty list == nothing dropped)."""
    compact_bodies = [compact(body) for body in bodies]
    missing = []
    for name, page in seed_pages.items():
        for piece in sentence_pieces(page):
            if piece in PAGE_ARTIFACTS:
                continue
            if not any(piece in body for body in compact_bodies):
                missing.append(f"{name}: {piece}")
    return missing


def test_every_seed_sentence_survives_in_knowledge(seed_pages, articles):
    missing = missing_seed_pieces(seed_pages, [body for _front, body in articles.values()])
    assert not missing, "seed text missing from knowledge:\n" + "\n".join(missing)


def test_knowledge_adds_no_text_beyond_titles(seed_pages, articles):
    problems = []
    for article_id, (front, body) in articles.items():
        seed_file = front.get("seed_file")
        if seed_file is None:
            continue  # not made from a seed page
        assert seed_file in seed_pages, f"{article_id}: seed_file {seed_file} not in {SEED_DIR}"
        for line in unfaithful_paragraphs(front, body, seed_pages[seed_file]):
            problems.append(f"{article_id}: {line[:80]}")
    assert not problems, "text not found verbatim in the seed page:\n" + "\n".join(problems)


def test_changed_word_would_be_caught(seed_pages, articles):
    """The checks are not vacuous: a changed word, an added sentence or a sentence dropped from
    the middle of a paragraph is reported by the verbatim check; any dropped sentence, even the
    last of a paragraph, is reported by the survival check."""
    front, body = articles["cc-medical-outpatient"]
    page = seed_pages[front["seed_file"]]
    assert unfaithful_paragraphs(front, body, page) == []
    mutations = {
        "changed word": ("个人账户资金可由家庭成员共用共享", "个人账户资金可由家人共用共享"),
        "changed number": ("调整为2021年养老金平均水平的2.8%", "调整为2021年养老金平均水平的2.5%"),
        "added sentence": ("都可以实现报销。", "都可以实现报销。详情请咨询医保局。"),
        "dropped mid-paragraph clause": ("2023年起，在职职工个人账户计入标准调整为本人工资的2%；", ""),
    }
    others = [b for article_id, (_f, b) in articles.items() if article_id != "cc-medical-outpatient"]
    for what, (old, new) in mutations.items():
        mutated = body.replace(old, new)
        assert mutated != body, what
        assert unfaithful_paragraphs(front, mutated, page), f"{what} passed the verbatim check"
    dropped_last = body.replace("即在门诊开药、做检查等都可以实现报销。", "")
    assert dropped_last != body
    assert missing_seed_pieces(seed_pages, [*others, dropped_last]), "a dropped sentence went unnoticed"


def test_cut_sentences_are_rejoined(articles):
    rejoined = {
        "gas-new-year-eve": ["为了保证不出现一户液化气断供，", "吉林市江北、铁东、通潭10万户居民的供气任务"],
        "postal-baotong": [
            "吉林市邮政管理局联合市邮政业安全中心成立5个督导组，",
            "网点运营、积压件等情况进行详细了解。",
            "同时确保偏远农村地区医疗物资寄递需求。",
        ],
        "eco-supervision": ["由省生态环境厅、省发展改革委、省自然资源厅、省住建厅"],
    }
    for article_id, sentences in rejoined.items():
        _front, body = articles[article_id]
        for sentence in sentences:
            assert sentence in body, f"{article_id}: not rejoined: {sentence}"

    for article_id, (front, body) in articles.items():
        lines = body_lines(body)
        for line in lines[1:]:
            # no title or column label left inside an article
            assert line.lstrip("#").strip() != front["title"], f"{article_id}: title repeated in body"
            assert line.lstrip("#").strip() not in PAGE_ARTIFACTS, f"{article_id}: page marker {line}"
            assert line.lstrip("#").strip() not in MOVED_HEADINGS, f"{article_id}: stray heading {line}"
            if line.startswith("#") or "本报记者" in line or line.startswith("——"):
                continue  # sub-headings, bylines, subtitles
            # a paragraph cut mid-sentence would end without closing punctuation
            assert line[-1] in "。！？…”", f"{article_id}: paragraph ends mid-sentence: …{line[-20:]}"
            assert not line.startswith(("委、", "心成立", "等情况", "断供", "民的供气", "物资寄递")), (
                f"{article_id}: paragraph starts with the tail of a cut sentence: {line[:20]}"
            )

    # the scattered opening of the ecology story is in reading order
    eco = body_lines(articles["eco-supervision"][1])
    assert eco[:3] == ["# 措施有章法 帮扶见成效", "——我省开展生态强省建设督导帮扶工作走笔", "吕俊 本报记者 刘姗姗"]
    assert eco[3].startswith("“秸秆综合利用缺乏适用推广技术")
    order = [
        "“秸秆综合利用",
        "2022年11月16日上午",
        "生态强省建设，如何",
        "## 强指导 明责任 勇担当",
        "生态环境质量更优",
        "据悉，此次督导帮扶工作",
        "党的二十大提出",
        "## 抢时间 抓进度 提效率",
        "## 履职责 善协作 抓落实",
        "孙铁介绍",
    ]
    positions = [next(i for i, line in enumerate(eco) if line.startswith(start)) for start in order]
    assert positions == sorted(positions), "ecology story paragraphs are out of reading order"
    assert eco[-1].startswith("孙铁介绍")
    assert articles["eco-supervision"][0].get("column") == "产经聚焦"


def test_front_matter_is_complete(articles):
    for article_id, (front, body) in articles.items():
        assert front.get("id") == article_id, f"{article_id}: id differs from file stem"
        title = front.get("title")
        assert isinstance(title, str) and title.strip(), f"{article_id}: empty title"
        assert body_lines(body)[0] == f"# {title}", f"{article_id}: body must start with '# <title>'"
        date = front.get("date")
        assert date is not None, f"{article_id}: no date"
        datetime.date.fromisoformat(str(date))
        assert isinstance(front.get("source"), str) and front["source"].strip(), f"{article_id}: no source"
        topics = front.get("topics")
        assert isinstance(topics, list) and topics, f"{article_id}: topics must be a non-empty list"
        assert set(topics) <= ALLOWED_TOPICS, f"{article_id}: unknown topics {set(topics) - ALLOWED_TOPICS}"
        region = front.get("region")
        assert isinstance(region, list) and all(isinstance(r, str) and r for r in region), (
            f"{article_id}: region must be a list of place names"
        )


def test_every_article_of_the_page_is_present(articles):
    missing = sorted(set(EXPECTED_ARTICLES) - set(articles))
    assert not missing, f"missing knowledge articles: {missing}"
    for article_id, title in EXPECTED_ARTICLES.items():
        front, _body = articles[article_id]
        if title is None:
            assert front.get("title_added") is True, f"{article_id}: added title must be marked title_added"
        else:
            assert front["title"] == title, f"{article_id}: title differs from the printed heading"
