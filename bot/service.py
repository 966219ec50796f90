"""Assembles the pipeline stages from Settings, for the serving layers (CLI, API, UI, WeChat).

Stages take explicit arguments; this is where Settings become those arguments.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from bot.config import Settings
from bot.embed import VectorEmbeddings, limit_threads, make_embeddings
from bot.errors import IngestError
from bot.index import BuildReport, KnowledgeIndex, Progress, build_index, load_index
from bot.ingest import load_documents
from bot.types import Document


@dataclass
class IngestResult:
    documents: list[Document]
    errors: list[IngestError]
    report: BuildReport
    fatal: str = ""
    warnings: list[str] = field(default_factory=list)
    # Curated FAQ entries whose quotes are no longer in the articles (also in ``errors``): ingest fails.
    faq_errors: list[IngestError] = field(default_factory=list)


@lru_cache(maxsize=4)
def _embeddings(spec: str, threads: int) -> VectorEmbeddings:
    return make_embeddings(spec, threads)


def embeddings_for(settings: Settings, *, batch: bool = False) -> VectorEmbeddings:
    """One embedder per (model, threads) per process: the model loads once.

    ``batch`` is for ingest, which may use every core; answering embeds one question at a time.
    """
    threads = settings.blas_threads if batch else settings.query_threads
    limit_threads(threads)
    return _embeddings(settings.embedding, threads)


def ingest_paths(
    settings: Settings,
    paths: Sequence[Path] | None = None,
    *,
    progress: Progress | None = None,
    full: bool = False,
) -> IngestResult:
    """Load the knowledge files and write a new index version (incremental unless ``full``).

    Bad files are reported and skipped. When no article at all could be loaded the previous
    index stays in place and ``fatal`` says why.
    """
    loaded = load_documents(list(paths or [settings.knowledge_dir]))
    if not loaded.documents:
        where = ", ".join(str(p) for p in (paths or [settings.knowledge_dir]))
        return IngestResult(
            [], loaded.errors, BuildReport(version=""), fatal=f"no article could be loaded from {where}; the index was not changed."
        )
    embeddings = embeddings_for(settings, batch=True)
    report = build_index(
        loaded.documents,
        settings.index_dir,
        embeddings,
        chunk_size=settings.chunk_size,
        chunk_overlap=settings.chunk_overlap,
        progress=progress,
        full=full,
    )
    faq_errors = _check_faq(list(paths or [settings.knowledge_dir]), loaded.documents)
    return IngestResult(loaded.documents, [*loaded.errors, *faq_errors], report, faq_errors=faq_errors)


def _check_faq(paths: Sequence[Path], documents: Sequence[Document]) -> list[IngestError]:
    """The curated FAQ (faq.yaml) of each ingested folder must still quote the articles exactly."""
    from bot.faq import check_quotes

    errors: list[IngestError] = []
    for folder in paths:
        faq = Path(folder) / "faq.yaml"
        if Path(folder).is_dir() and faq.is_file():
            errors.extend(check_quotes(faq, documents))
    return errors


def load_search(settings: Settings) -> tuple[KnowledgeIndex, VectorEmbeddings]:
    """The current index and the embedder it was built with (fails clearly if they differ)."""
    embeddings = embeddings_for(settings)
    index = load_index(settings.index_dir, embeddings.model_id)
    return index, embeddings
