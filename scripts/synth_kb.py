"""Synthetic knowledge bases of a given number of chunks, for the scale benchmarks.

A province's knowledge base is tens of thousands of articles that talk like the seed ones:
the same offices, the same kind of sentences, other cities, other dates, other figures. So
each synthetic article recombines sentences of the real articles (a run from one "primary"
article, mixed with sentences from the others), with every place name, date and number
replaced consistently inside the article. BM25 and the embedder then see realistic text,
and the real articles (copied in unchanged) still have to win for their own questions.

    python scripts/synth_kb.py 10000 /tmp/kb10k      # writes /tmp/kb10k/*.md (+ the real articles)

Generation is deterministic for a given (size, seed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bot.chunk import chunk_document, split_sentences  # noqa: E402
from bot.ingest import load_documents  # noqa: E402
from bot.types import Document  # noqa: E402

# Place names that occur in the seed articles (longest first, so 吉林市 is replaced before 吉林).
SEED_PLACES = [
    "梅河口市", "梅河新区", "吉林市", "长春市", "四平市", "辽源市", "松原市", "梨树县", "磐石市", "德惠",
    "丰满区", "龙潭区", "船营区", "昌邑区", "高新区", "经开区", "十家堡镇", "八棵树村", "延边", "广州",
    "长春", "四平", "辽源", "松原", "梨树", "磐石", "梅河口",
]  # fmt: skip
# Places the synthetic articles move to.
PLACES = [
    "通化", "白山", "白城", "公主岭", "珲春", "敦化", "榆树", "农安", "九台", "双阳", "蛟河", "桦甸", "舒兰",
    "伊通", "双辽", "东丰", "东辽", "集安", "柳河", "辉南", "临江", "抚松", "靖宇", "长白", "前郭", "长岭",
    "乾安", "扶余", "洮南", "大安", "镇赉", "通榆", "延吉", "图们", "龙井", "和龙", "汪清", "安图", "哈尔滨",
    "齐齐哈尔", "牡丹江", "佳木斯", "大庆", "沈阳", "大连", "鞍山", "抚顺", "本溪", "丹东", "锦州", "营口",
    "阜新", "辽阳", "铁岭", "朝阳", "葫芦岛", "呼和浩特", "包头", "赤峰", "通辽", "石家庄", "唐山", "保定",
    "太原", "大同", "济南", "青岛", "烟台", "郑州", "洛阳", "武汉", "宜昌", "长沙", "岳阳", "南昌", "赣州",
]  # fmt: skip
_PLACE_RE = re.compile("|".join(re.escape(p) for p in sorted(SEED_PLACES, key=len, reverse=True)))
_YEAR_RE = re.compile(r"(\d{4})年")
_MONTH_DAY_RE = re.compile(r"(\d{1,2})月(\d{1,2})日")
_NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")
_CLAUSE_RE = re.compile(r"[^，。；！？]+[，。；！？]?")
TITLE_VERBS = ["：", "开展", "推进", "做好", "关于", "全力", "持续"]


def eval_facts(eval_dir: Path = REPO / "eval") -> set[str]:
    """Every fact string an evaluation question or dialog turn expects in its answer."""
    facts: set[str] = set()
    for name in ("questions.jsonl", "dialogs.jsonl"):
        path = eval_dir / name
        if not path.is_file():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                for item in row.get("turns", [row]):
                    facts.update(item.get("facts", []))
    return facts


def _seed_pool(seed_docs: list[Document], held_out: set[str]) -> list[list[str]]:
    """Clauses of every sentence of the seed articles, one list per sentence.

    Clauses that state a fact the evaluation asks about are held out: a synthetic article that
    restated it (with another city's figure) would make "which article answers this" undefined,
    and the benchmark would measure the data generator instead of faqbot.
    """
    pool = []
    for doc in seed_docs:
        for sentence in split_sentences(doc.text, doc.title):
            clauses = [
                c
                for c in _CLAUSE_RE.findall(sentence.text)
                if len(c.strip("，。；！？、 ")) >= 4 and not any(f in c for f in held_out)
            ]
            if clauses:
                pool.append(clauses)
    return pool


def _vary(text: str, rng: random.Random, places: dict[str, str]) -> str:
    """Move a sentence to other places, dates and figures (the same place maps to the same new place)."""

    def place(m: re.Match[str]) -> str:
        old = m.group(0)
        if old not in places:
            places[old] = rng.choice(PLACES) + (old[-1] if old[-1] in "市县区镇村" else "")
        return places[old]

    text = _PLACE_RE.sub(place, text)
    text = _YEAR_RE.sub(lambda m: f"{rng.randint(2016, 2026)}年", text)
    text = _MONTH_DAY_RE.sub(lambda m: f"{rng.randint(1, 12)}月{rng.randint(1, 28)}日", text)

    def number(m: re.Match[str]) -> str:
        old = m.group(0)
        if "." in old:
            return f"{rng.uniform(0.1, 99):.{len(old.split('.')[1])}f}"
        return str(rng.randint(10 ** (len(old) - 1) if len(old) > 1 else 1, 10 ** len(old) - 1))

    return _NUMBER_RE.sub(number, text)


def synthetic_document(i: int, seed_docs: list[Document], pool: list[list[str]], rng: random.Random) -> Document:
    """An article of clauses drawn from sentences all over the seed articles.

    Recombining at the clause level (not whole sentences or runs of them) keeps the
    vocabulary and the local phrasing of real articles while no synthetic passage restates a
    real one: the knowledge base grows in size and noise, not in duplicate answers.
    """
    primary = seed_docs[rng.randrange(len(seed_docs))]
    places: dict[str, str] = {}
    paragraphs = []
    for _ in range(rng.randint(3, 10)):
        sentences = []
        for _ in range(rng.randint(1, 4)):
            clauses = [rng.choice(rng.choice(pool)) for _ in range(rng.randint(2, 4))]
            sentences.append("，".join(c.rstrip("，。；！？") for c in clauses) + "。")
        paragraphs.append(_vary("".join(sentences), rng, places))
    head = rng.choice(rng.choice(pool)).rstrip("，。；！？“”")[:24]
    title = f"{rng.choice(PLACES)}{rng.choice(TITLE_VERBS)}{_vary(head, rng, places)}"
    date = dt.date(2016, 1, 1) + dt.timedelta(days=rng.randrange(365 * 10 + 300))
    region = tuple(dict.fromkeys(places.values())) or (rng.choice(PLACES),)
    text = f"# {title}\n\n" + "\n\n".join(paragraphs) + "\n"
    return Document(
        doc_id=f"syn-{i:06d}",
        title=title,
        date=date,
        text=text,
        source="synthetic",
        topics=primary.topics,
        region=region,
    )


def _front_matter(doc: Document) -> str:
    def seq(values: tuple[str, ...]) -> str:
        return "[" + ", ".join(values) + "]"

    return (
        "---\n"
        f"id: {doc.doc_id}\n"
        f"title: {doc.title}\n"
        f"date: {doc.date.isoformat()}\n"
        f"source: {doc.source}\n"
        f"topics: {seq(doc.topics)}\n"
        f"region: {seq(doc.region)}\n"
        "---\n\n"
    )


def generate(n_chunks: int, out_dir: Path, *, knowledge_dir: Path = REPO / "knowledge", seed: int = 7,
             chunk_size: int = 300, chunk_overlap: int = 1) -> dict[str, int]:
    """Write the real articles plus synthetic ones into ``out_dir`` until about ``n_chunks`` chunks.

    Returns counts: documents, chunks, characters (of chunk text).
    """
    seed_docs = sorted(load_documents([knowledge_dir]).documents, key=lambda d: d.doc_id)
    pool = _seed_pool(seed_docs, eval_facts())
    rng = random.Random(seed)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    for f in sorted(knowledge_dir.glob("*.md")):
        shutil.copy2(f, out_dir / f.name)
    chunks = sum(len(chunk_document(d, chunk_size, chunk_overlap)) for d in seed_docs)
    chars = sum(len(c.text) for d in seed_docs for c in chunk_document(d, chunk_size, chunk_overlap))
    docs = len(seed_docs)
    i = 0
    while chunks < n_chunks:
        doc = synthetic_document(i, seed_docs, pool, rng)
        pieces = chunk_document(doc, chunk_size, chunk_overlap)
        sub = out_dir / "synthetic" / f"{i // 1000:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"{doc.doc_id}.md").write_text(_front_matter(doc) + doc.text, encoding="utf-8")
        chunks += len(pieces)
        chars += sum(len(c.text) for c in pieces)
        docs += 1
        i += 1
    return {"documents": docs, "chunks": chunks, "characters": chars}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("chunks", type=int, help="target number of chunks (real articles included)")
    parser.add_argument("out", type=Path, help="folder to (re)create")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    print(generate(args.chunks, args.out, seed=args.seed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
