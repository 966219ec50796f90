"""Helpers shared by the answer tests: article texts, and chains over the real seed index."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
KNOWLEDGE = REPO / "knowledge"
MARKER = re.compile(r"\[(\d+)\]")


@lru_cache(maxsize=1)
def article_texts() -> dict[str, str]:
    """doc_id -> article body, exactly as the loader reads it (citation offsets point into this)."""
    from bot.ingest import load_documents

    loaded = load_documents([KNOWLEDGE])
    return {d.doc_id: d.text for d in loaded.documents}


def assert_citations_exact(answer) -> None:  # type: ignore[no-untyped-def]
    """Every citation quotes its article exactly at its offsets, and [n] markers follow 1..N in order."""
    texts = article_texts()
    for c in answer.citations:
        assert texts[c.doc_id][c.start : c.end] == c.quote, c
    markers = [int(n) for n in MARKER.findall(answer.text)]
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    assert sorted(set(markers)) == [c.n for c in answer.citations]
    firsts = list(dict.fromkeys(markers))
    assert firsts == sorted(firsts), "citations are numbered in the order their markers appear"


def body(text: str) -> str:
    """What a resident reads before the freshness line, without [n] markers."""
    return MARKER.sub("", text.split("\n")[0])


def crowded_base(root: Path, article: str, report: Callable[[int], str], count: int, stem: str = "report") -> Any:
    """Settings of a base in ``root``: one real article and ``count`` generated look-alikes (``report(n)`` is the n-th
    file's text), ingested for real. Large-base behaviour is tested on such bases without generating 100k chunks."""
    from bot.config import Settings
    from bot.service import ingest_paths

    knowledge = root / "knowledge"
    knowledge.mkdir()
    shutil.copy(KNOWLEDGE / f"{article}.md", knowledge)
    for n in range(count):
        (knowledge / f"{stem}-{n:03d}.md").write_text(report(n), encoding="utf-8")
    settings = Settings(data_dir=root / "data", knowledge_dir=knowledge)
    result = ingest_paths(settings)
    assert not result.errors and not result.fatal
    return settings


# Places the generated look-alikes are set in, in turn.
LOOK_ALIKE_CITIES = ("通辽", "岳阳", "唐山", "青岛", "宜昌", "汪清", "大同", "柳州", "赣州", "绵阳", "泉州")


def look_alikes(
    title: str, topic: str, sentence: str, fillers: Sequence[str], cities: Sequence[str] = LOOK_ALIKE_CITIES
) -> Callable[[int], str]:
    """The ``report`` for ``crowded_base``: the n-th look-alike is a one-sentence report of 2021 titled "<title>之n",
    set in the next of ``cities``; ``sentence`` is formatted with that {city} and a {filler}, the next of ``fillers``
    after each round of the cities."""

    def report(n: int) -> str:
        city, filler = cities[n % len(cities)], fillers[n // len(cities) % len(fillers)]
        return (
            f"---\nid: copy-{n:03d}\ntitle: {title}之{n}\ndate: 2021-07-{n % 28 + 1:02d}\ntopics: [{topic}]\n"
            f"region: [{city}]\n---\n{sentence.format(city=city, filler=filler)}\n"
        )

    return report
