"""The pipeline a developer gets by default from the same packages: the baseline faqbot must beat.

langchain's ``RecursiveCharacterTextSplitter`` (default separators, chunk size as faqbot's),
``FAISS.from_documents`` with the same bundled embedder faqbot uses, dense-only
``similarity_search(k=4)``, and the top chunk returned as the answer. No BM25, no Chinese
sentence boundaries, no abstention, no citation beyond "this chunk came from that article".

    python scripts/baseline_langchain.py "长春职工医保门诊共济从什么时候开始"
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from perf_common import REPO  # noqa: E402

K = 4
OVERLAP = 50


@dataclass
class BaselineAnswer:
    text: str
    doc_ids: list[str]  # distinct articles of the k chunks, best first
    answered: bool = True  # the baseline always answers


class LangchainBaseline:
    """Build once over a knowledge folder; ``ask`` returns the top chunk."""

    def __init__(self, knowledge_dir: Path, embeddings: Any, chunk_size: int = 300, chunk_overlap: int = OVERLAP):
        from langchain_community.vectorstores import FAISS
        from langchain_core.documents import Document as LCDocument
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        from bot.ingest import load_documents

        loaded = load_documents([knowledge_dir]).documents
        documents = [
            LCDocument(page_content=d.text, metadata={"doc_id": d.doc_id, "title": d.title, "date": d.date.isoformat()})
            for d in loaded
        ]
        splitter = RecursiveCharacterTextSplitter(chunk_size=chunk_size, chunk_overlap=chunk_overlap)
        self.chunks = splitter.split_documents(documents)
        self.store = FAISS.from_documents(self.chunks, embeddings)

    def ask(self, question: str, k: int = K) -> BaselineAnswer:
        found = self.store.similarity_search(question, k=k)
        doc_ids = list(dict.fromkeys(d.metadata["doc_id"] for d in found))
        return BaselineAnswer(text=found[0].page_content if found else "", doc_ids=doc_ids)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("question")
    parser.add_argument("--knowledge", type=Path, default=REPO / "knowledge")
    args = parser.parse_args(argv)
    import os

    from bot.embed import limit_threads, make_embeddings

    embeddings = make_embeddings("bundled", limit_threads(os.cpu_count() or 1))
    baseline = LangchainBaseline(args.knowledge, embeddings)
    answer = baseline.ask(args.question)
    print(f"[{answer.doc_ids[0] if answer.doc_ids else '-'}] {answer.text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
