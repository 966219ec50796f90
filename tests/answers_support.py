"""Helpers shared by the answer tests: article texts, and chains over the real seed index."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
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
