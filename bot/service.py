"""Assembles the pipeline stages from Settings, for the serving layers (CLI, API, UI, WeChat).

Stages take explicit arguments; this is where Settings become those arguments.
"""

from __future__ import annotations

import gc
import os
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from bot.bundled import BUNDLED_DIMENSION, bundled_model_id, is_bundled
from bot.config import Settings
from bot.errors import IngestError
from bot.index import (
    BuildReport,
    KnowledgeIndex,
    Progress,
    StaleDocumentsError,
    build_index,
    load_index,
    reusable_documents,
)
from bot.ingest import ScanResult, load_file, scan_documents
from bot.ingest_worker import IngestWorker, SplitEmbeddings, WorkerEmbeddings
from bot.types import Document

if TYPE_CHECKING:  # bot.embed imports langchain-core (0.3 s), which `faqbot ingest` can do without
    from bot.embed import VectorEmbeddings


@dataclass
class IngestResult:
    # Every article of the knowledge base; those whose file was not re-read (size and mtime as last
    # recorded) carry their metadata and hash but an empty ``text``.
    documents: list[Document]
    errors: list[IngestError]
    report: BuildReport
    fatal: str = ""
    warnings: list[str] = field(default_factory=list)
    # Curated FAQ entries whose quotes are no longer in the articles (also in ``errors``): ingest fails.
    faq_errors: list[IngestError] = field(default_factory=list)
    # Knowledge files read and parsed, and files skipped because their size and mtime were unchanged.
    files_read: int = 0
    files_reused: int = 0
    scan_seconds: float = 0.0


@lru_cache(maxsize=4)
def _embeddings(spec: str, threads: int) -> VectorEmbeddings:
    from bot.embed import make_embeddings

    return make_embeddings(spec, threads)


def embeddings_for(settings: Settings, *, batch: bool = False) -> VectorEmbeddings:
    """One embedder per (model, threads) per process: the model loads once.

    ``batch`` is for ingest, which may use every core; answering embeds one question at a time.
    """
    from bot.embed import limit_threads

    threads = settings.blas_threads if batch else settings.query_threads
    limit_threads(threads)
    return _embeddings(settings.embedding, threads)


def ingest_paths(
    settings: Settings,
    paths: Sequence[Path] | None = None,
    *,
    progress: Progress | None = None,
    full: bool = False,
    worker: IngestWorker | None = None,
) -> IngestResult:
    """Load the knowledge files and write a new index version (incremental unless ``full``).

    Bad files are reported and skipped. When no article at all could be loaded the previous
    index stays in place and ``fatal`` says why. ``worker``: helper processes that have been
    loading jieba and the model since the caller started them (``faqbot ingest``,
    bot/ingest_worker.py); they tokenize and embed the new chunks when at most
    ``WORKER_MAX_FILES`` files were read, and are ended here otherwise. The caller closes them.
    """
    folders = list(paths or [settings.knowledge_dir])
    embeddings = _ingest_embeddings(settings, worker)
    own_worker: IngestWorker | None = None  # a model helper this call started for a big ingest
    split = False
    # The model's weights and jieba's dictionary load (~1 s) on the other core while the files are
    # scanned: a one-article re-ingest from the command line waited for both after the scan.
    if worker is None and WARM_UP_WHILE_SCANNING:
        _start_warm_up(embeddings)
    for attempt in range(2):
        started = time.perf_counter()
        with _no_cyclic_gc(freeze=worker is not None):
            # Files whose size and mtime match the current version's records are not read again.
            known = {} if full or attempt else reusable_documents(
                settings.index_dir, embeddings.model_id, settings.chunk_size, settings.chunk_overlap
            )
            loaded = scan_documents(folders, known)
        scan_seconds = time.perf_counter() - started
        if loaded.read > WORKER_MAX_FILES and _can_split(settings):
            # Many articles: half of every batch is embedded in a helper process on the other core.
            if worker is None:
                worker = own_worker = IngestWorker(settings.embedding, 1)
            embeddings = SplitEmbeddings(worker, _one_thread_embeddings(settings))
            _start_warm_up(embeddings)
            split = True
        elif worker is not None and loaded.read > WORKER_MAX_FILES:
            worker.close()  # more than a few articles: embed here, on every BLAS thread
            worker = None
            embeddings = embeddings_for(settings, batch=True)
            _start_warm_up(embeddings)
        if not loaded.documents:
            where = ", ".join(str(p) for p in folders)
            return IngestResult(
                [], loaded.errors, BuildReport(version=""), fatal=f"no article could be loaded from {where}; the index was not changed."
            )
        try:
            report = build_index(
                loaded.documents,
                settings.index_dir,
                embeddings,
                chunk_size=settings.chunk_size,
                chunk_overlap=settings.chunk_overlap,
                progress=progress,
                full=full,
                stats=loaded.stats,
                tokenize_many=worker.tokenize_many if worker is not None and not split else None,
            )
            break
        except StaleDocumentsError:
            if attempt:
                raise
            continue  # another ingest switched the index during the scan: read every file this time
        finally:
            if own_worker is not None:
                own_worker.close()
                own_worker = None
    faq_errors = _check_faq(folders, loaded)
    return IngestResult(
        loaded.documents,
        [*loaded.errors, *faq_errors],
        report,
        faq_errors=faq_errors,
        files_read=loaded.read,
        files_reused=loaded.reused,
        scan_seconds=scan_seconds,
    )


@contextmanager
def _no_cyclic_gc(*, freeze: bool) -> Iterator[None]:
    """Python's cycle collector off while the manifest is read and the files scanned.

    That allocates ~1M objects (52k records and documents at 100k chunks), none in cycles, and the
    collector made five full passes over them: 0.30 -> 0.16 s for the manifest, 0.86 -> 0.43 s
    for the scan without it. Back on afterwards, its first passes cost ~0.35 s of that again;
    ``freeze`` (a ``faqbot ingest`` process, which exits when done) moves what exists to the
    collector's permanent generation instead, so it never walks them. A server keeps collecting.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if was_enabled:
            gc.enable()


WARM_UP_WHILE_SCANNING = True  # measured at 100k, one changed article: `faqbot ingest` 4.7 -> 4.2 s (load 2.7)
# With a helper process (``faqbot ingest``), it embeds the new chunks when at most this many files
# were read. More: the helper, on one BLAS thread, would be slower than loading the model here.
WORKER_MAX_FILES = 32


def _can_split(settings: Settings) -> bool:
    """Whether a big ingest embeds on two processes: the bundled model, at least two cores, and no
    ``FAQBOT_THREADS`` asking for a single thread."""
    return is_bundled(settings.embedding) and (os.cpu_count() or 1) >= 2 and settings.threads != 1


def _one_thread_embeddings(settings: Settings) -> VectorEmbeddings:
    """This process's half of a split ingest: one BLAS thread, the helper has the other core."""
    from bot.embed import limit_threads

    limit_threads(1)
    return _embeddings(settings.embedding, 1)


def _ingest_embeddings(settings: Settings, worker: IngestWorker | None) -> VectorEmbeddings:
    """The embedder an ingest writes with: the helper's when there is one. For the bundled model
    this process then needs only its id and dimension, not ``bot.embed`` and langchain."""
    if worker is None:
        return embeddings_for(settings, batch=True)
    if is_bundled(settings.embedding):
        return WorkerEmbeddings(worker, bundled_model_id(), BUNDLED_DIMENSION, lambda: embeddings_for(settings, batch=True))
    local = embeddings_for(settings, batch=True)
    return WorkerEmbeddings(worker, local.model_id, local.dimension, lambda: local)


def _start_warm_up(embeddings: VectorEmbeddings) -> None:
    threading.Thread(target=_warm_up, args=(embeddings,), name="faqbot-ingest-warm-up", daemon=True).start()


def _warm_up(embeddings: VectorEmbeddings) -> None:
    from bot.embed import BundledEmbeddings
    from bot.words import warm_up

    try:
        warm_up()
        # Only the bundled numpy model: a torch import still running in a daemon thread when a short
        # ingest exits can abort the interpreter's shutdown.
        if isinstance(embeddings, BundledEmbeddings):
            embeddings.warm_up()
    except Exception:  # the ingest itself loads them again and reports what is wrong
        return


def _check_faq(paths: Sequence[Path], loaded: ScanResult) -> list[IngestError]:
    """The curated FAQ (faq.yaml) of each ingested folder must still quote the articles exactly.

    Articles the scan did not read (unchanged files) are read here only if an entry cites them.
    """
    errors: list[IngestError] = []
    for folder in paths:
        faq = Path(folder) / "faq.yaml"
        if Path(folder).is_dir() and faq.is_file():
            from bot.faq import check_quotes, load_entries  # only then: its imports are 40 ms of a CLI ingest

            cited = {s.doc_id for entry in load_entries(faq)[0] for s in entry.sources}
            documents = [_with_text(d) if d.doc_id in cited and not d.text else d for d in loaded.documents]
            errors.extend(check_quotes(faq, documents))
    return errors


def _with_text(doc: Document) -> Document:
    try:
        return replace(doc, text=load_file(Path(doc.path), Path(doc.path).parent).text)
    except IngestError:
        return doc


def load_search(settings: Settings) -> tuple[KnowledgeIndex, VectorEmbeddings]:
    """The current index and the embedder it was built with (fails clearly if they differ)."""
    embeddings = embeddings_for(settings)
    index = load_index(settings.index_dir, embeddings.model_id)
    return index, embeddings
