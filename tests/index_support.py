"""Shared by the incremental-ingest tests: a dated copy of the articles, an editor's save, and the check
that an index answers exactly as a full rebuild does."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from conftest import KNOWLEDGE

from bot.index import KnowledgeIndex
from bot.retrieve import retrieve_hybrid
from bot.sparse import scores_for

OLD = time.time() - 3600  # an hour ago: older than any scan's "too fresh to trust" window


def dated_knowledge(tmp_path: Path) -> Path:
    """A copy of the seed articles (no FAQ) whose files were last saved an hour ago."""
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target, ignore=shutil.ignore_patterns("faq.yaml"))
    for path in target.iterdir():
        os.utime(path, (OLD, OLD))
    return target


def edit(path: Path, text: str) -> None:
    """Write ``text`` and date the file a minute back, as an editor's save some time before the ingest."""
    path.write_text(text, encoding="utf-8")
    os.utime(path, (time.time() - 60, time.time() - 60))


def assert_same_index(
    incremental: KnowledgeIndex,
    rebuilt: KnowledgeIndex,
    embeddings,  # type: ignore[no-untyped-def]
    *,
    terms: Iterable[str],
    questions: Iterable[str],
) -> None:
    """Same chunks, same vectors, the same BM25 scores for every term, the same top 5 for ``questions``.

    Term ids may differ (an incremental vocabulary only grows); each term's scores must not. ``terms``
    must be among the live ones, so the comparison is known to cover the edited articles.
    """
    assert [c.to_dict() for c in incremental.chunks] == [c.to_dict() for c in rebuilt.chunks]
    assert np.allclose(np.asarray(incremental.vectors), np.asarray(rebuilt.vectors), atol=1e-5)
    live_terms = [t for t, i in rebuilt.vocab.items() if scores_for(rebuilt.bm25, [i]).any()]
    assert set(terms) <= set(live_terms)
    for term in live_terms:
        assert np.allclose(
            scores_for(incremental.bm25, [incremental.vocab[term]]),
            scores_for(rebuilt.bm25, [rebuilt.vocab[term]]),
        ), term
    for question in questions:
        assert [h.chunk.chunk_id for h in retrieve_hybrid(incremental, embeddings, question, 5)] == [
            h.chunk.chunk_id for h in retrieve_hybrid(rebuilt, embeddings, question, 5)
        ]
