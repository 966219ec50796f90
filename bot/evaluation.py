"""Retrieval evaluation: hit@1, hit@3 and MRR for dense-only, BM25-only and hybrid side by side.

A question counts as a hit at k when a chunk of its expected article is among the first k
distinct articles retrieved. Only in-scope questions (with a ``doc_id``) are scored.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.retrieve import Mode, retrieve_hybrid

MODES: tuple[Mode, ...] = ("dense", "bm25", "hybrid")


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def ranked_doc_ids(hits: list[Any]) -> list[str]:
    seen: dict[str, None] = {}
    for hit in hits:
        seen.setdefault(hit.chunk.doc_id, None)
    return list(seen)


def score_rankings(rankings: list[tuple[str, list[str]]], k: int = 3) -> dict[str, float]:
    """hit@1, hit@k and MRR of (expected doc, ranked doc ids) pairs."""
    n = len(rankings) or 1
    hit1 = sum(1 for want, got in rankings if got[:1] == [want]) / n
    hitk = sum(1 for want, got in rankings if want in got[:k]) / n
    mrr = sum(1.0 / (got.index(want) + 1) for want, got in rankings if want in got) / n
    return {"hit@1": round(hit1, 4), f"hit@{k}": round(hitk, 4), "mrr": round(mrr, 4), "n": len(rankings)}


def retrieval_eval(settings: Settings, path: Path, k: int = 3, split: str = "all") -> dict[str, dict[str, float]]:
    """Score each retrieval mode on the in-scope questions of ``path``."""
    from bot.service import load_search

    index, embeddings = load_search(settings)
    rows = [
        r
        for r in load_jsonl(path)
        if r.get("doc_id") and r.get("in_scope", True) and split in ("all", r.get("split", "dev"))
    ]
    vectors = embeddings.encode([r["question"] for r in rows])
    table: dict[str, dict[str, float]] = {}
    for mode in MODES:
        rankings = []
        for row, vector in zip(rows, vectors, strict=True):
            hits = retrieve_hybrid(index, embeddings, row["question"], k=20, mode=mode, query_vector=vector)
            rankings.append((row["doc_id"], ranked_doc_ids(hits)))
        table[mode] = score_rankings(rankings, k)
    return table


def format_retrieval_table(table: dict[str, dict[str, float]]) -> str:
    keys = [key for key in next(iter(table.values())) if key != "n"]
    n = next(iter(table.values()))["n"]
    lines = [f"retrieval on {n} in-scope questions", "mode    " + "".join(f"{key:>9}" for key in keys)]
    for mode, row in table.items():
        lines.append(f"{mode:<8}" + "".join(f"{row[key]:>9.3f}" for key in keys))
    return "\n".join(lines)
