"""Build, save, load and incrementally update the hybrid index (FAISS + BM25), with atomic swaps.

Layout under ``<data_dir>/index/``::

    CURRENT               name of the version being served (replaced atomically)
    <version>/manifest.json   embedding model id and dimension, chunker settings, per-document
                              hashes, file size + mtime (the next scan skips unchanged files), build time
    <version>/vocab.json      token -> id
    <version>/chunks.jsonl, vectors.npy, tokens.npz, dense.faiss, bm25/
                              the base: chunks, unit vectors, BM25 token ids, FAISS, BM25 matrix
    <version>/delta/, order.npy   rows changed since the base, and the order of all rows
                              (``bot/index_files.py``: an update hard-links the base, writes the delta)

A build writes a new version folder and only then points ``CURRENT`` at it, so a crash or
kill mid-ingest leaves the previous version serving; base files shared with it are never written
again. Only numpy arrays (``allow_pickle=False``), JSON and FAISS files are read back: nothing is
unpickled.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from bot import dense, sparse
from bot.chunk import chunk_document
from bot.errors import IndexMismatchError, IndexMissingError
from bot.index_files import (
    DELTA,
    Delta,
    Previous,
    RowView,
    compose_bm25,
    compose_chunks,
    compose_dense,
    compose_tokens,
    fsync_dir,
    read_delta,
    read_json,
    read_order,
    read_tokens,
    write_base_version,
    write_delta_version,
    write_json,
)
from bot.types import Chunk, Document
from bot.words import tokenize, words_fingerprint

if TYPE_CHECKING:  # bot.embed imports langchain-core (0.3 s), which `faqbot ingest` can do without
    from bot.embed import VectorEmbeddings

FORMAT = 1
CURRENT = "CURRENT"
KEEP_VERSIONS = 3
# A delta is folded into a new base once it (plus the base rows it made dead) passes this share of
# the chunks: 5k rows at 100k, small enough that loading it stays a fraction of a second.
REBASE_FRACTION = 0.05
REBASE_MIN_ROWS = 32

Progress = Callable[[str, int, int], None]


@dataclass
class BuildReport:
    version: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    chunks: int = 0
    embedded_chunks: int = 0
    seconds: float = 0.0
    # "full" | "delta" (base shared with the previous version) | "rebase" | "unchanged" (nothing written)
    layout: str = ""


@dataclass
class KnowledgeIndex:
    """A loaded, read-only index version. Thread-safe for searching."""

    path: Path
    manifest: dict[str, Any]
    chunks: list[Chunk]
    vectors: np.ndarray | RowView  # a RowView (base rows mapped, delta rows in memory) for a delta layout
    dense: Any
    bm25: Any
    token_ids: list[np.ndarray]
    vocab: dict[str, int]

    @property
    def version(self) -> str:
        return str(self.manifest["version"])

    @property
    def model_id(self) -> str:
        return str(self.manifest["embedding"]["model_id"])

    @property
    def documents(self) -> dict[str, dict[str, Any]]:
        return dict(self.manifest["documents"])

    def chunk_frequencies(self) -> np.ndarray:
        """How many chunks contain each vocabulary id (BM25's document frequency).

        Read off the BM25 matrix (one entry per term and chunk) instead of a pass over every
        chunk's tokens, which took seconds of a 100k-chunk server's start.
        """
        size = len(self.vocab)
        scores = getattr(self.bm25, "scores", None)
        if isinstance(scores, dict) and "indptr" in scores and len(scores["indptr"]) > size:
            return np.diff(np.asarray(scores["indptr"][: size + 1], dtype=np.int64))
        counts = np.zeros(size, dtype=np.int64)
        for ids in self.token_ids:
            if len(ids):
                counts[np.unique(ids)] += 1
        return counts


def current_version(index_dir: Path) -> str | None:
    pointer = index_dir / CURRENT
    if not pointer.is_file():
        return None
    name = pointer.read_text(encoding="utf-8").strip()
    return name if name and (index_dir / name / "manifest.json").is_file() else None


def _switch_current(index_dir: Path, version: str) -> None:
    tmp = index_dir / f".{CURRENT}.{uuid.uuid4().hex}"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(version)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, index_dir / CURRENT)
    fsync_dir(index_dir)


def _chunk_text_for_embedding(chunk: Chunk) -> str:
    # The title tells the embedder what an otherwise ambiguous passage is about.
    return f"{chunk.title}\n{chunk.text}"


class StaleDocumentsError(RuntimeError):
    """A document passed without its text (its file was not re-read) has to be chunked again.

    Happens only when another ingest switched ``CURRENT`` between the caller's file scan and this
    build; the caller scans again reading every file.
    """


_MANIFEST_CACHE: dict[str, tuple[tuple[int, int, int], dict[str, Any]]] = {}


def _read_manifest(path: Path) -> dict[str, Any]:
    """A version's manifest, parsed once per process (ingest reads it for the scan and the build;
    28k articles are ~0.3 s of JSON). Versions are immutable; the stat guards against reuse of a name."""
    file = path / "manifest.json"
    st = file.stat()
    key = (st.st_ino, st.st_size, st.st_mtime_ns)
    cached = _MANIFEST_CACHE.get(str(file))
    if cached and cached[0] == key:
        return cached[1]
    manifest = read_json(file)
    _MANIFEST_CACHE.clear()
    _MANIFEST_CACHE[str(file)] = (key, manifest)
    return manifest


def _compatible_manifest(index_dir: Path, model_id: str, size: int, overlap: int) -> tuple[Path, dict[str, Any]] | None:
    name = current_version(index_dir)
    if name is None:
        return None
    path = index_dir / name
    try:
        manifest = _read_manifest(path)
    except (OSError, ValueError):
        return None
    try:
        if (
            manifest.get("format") != FORMAT
            or manifest["embedding"]["model_id"] != model_id
            or manifest["chunker"] != {"size": size, "overlap": overlap}
            or manifest.get("words") != words_fingerprint()
        ):
            return None
    except (KeyError, TypeError):
        return None
    return path, manifest


def reusable_documents(index_dir: Path, model_id: str, chunk_size: int, chunk_overlap: int) -> dict[str, dict[str, Any]]:
    """The current version's per-document records (hash, stat, metadata) if a build could reuse them."""
    found = _compatible_manifest(index_dir, model_id, chunk_size, chunk_overlap)
    return dict(found[1]["documents"]) if found else {}


def _load_previous(index_dir: Path, model_id: str, size: int, overlap: int) -> Previous | None:
    found = _compatible_manifest(index_dir, model_id, size, overlap)
    if found is None:
        return None
    path, manifest = found
    try:
        n = int(manifest["n_chunks"])
        n_base = int(manifest.get("layout", {}).get("base_rows", n))
        base_vectors = np.load(path / "vectors.npy", mmap_mode="r", allow_pickle=False)
        dimension = int(manifest["embedding"]["dimension"])
        delta = read_delta(path, dimension)
        order = read_order(path, n)
        if order is None:
            order = np.arange(n, dtype=np.int64)
        if len(base_vectors) != n_base or len(order) != n or (n and int(order.max()) >= n_base + delta.rows):
            return None
        # Chunks are stored grouped by document, in the manifest's document order.
        ranges: dict[str, tuple[int, int]] = {}
        start = 0
        for doc_id, info in manifest["documents"].items():
            ranges[doc_id] = (start, start + int(info["chunks"]))
            start += int(info["chunks"])
        if start != n:
            return None
        vocab = read_json(path / "vocab.json")
    except (OSError, ValueError, KeyError):
        return None  # an unreadable version is rebuilt from scratch rather than trusted
    return Previous(path, manifest, order, n_base, base_vectors, delta, ranges, vocab)


def _rebase_due(previous: Previous, n: int, delta_rows: int, live_base_rows: int) -> bool:
    """A delta that has grown (or a base that is mostly dead) is folded into a new base."""
    if dense.choose_kind(n) != previous.manifest.get("dense", {}).get("kind"):
        return True
    return delta_rows + (previous.n_base - live_base_rows) > max(REBASE_MIN_ROWS, REBASE_FRACTION * n)


def build_index(
    documents: Sequence[Document],
    index_dir: Path,
    embeddings: VectorEmbeddings,
    *,
    chunk_size: int = 300,
    chunk_overlap: int = 1,
    progress: Progress | None = None,
    full: bool = False,
    stats: Mapping[str, Sequence[int] | None] | None = None,
    tokenize_many: Callable[[list[str]], list[list[str]]] | None = None,
) -> BuildReport:
    """Write a new index version for ``documents`` and switch ``CURRENT`` to it.

    Unless ``full``, documents whose content hash and chunker settings are unchanged keep their
    chunks, vectors and tokens from the current version; only changed and new documents are
    chunked and embedded, into a small delta next to the shared base (``bot/index_files.py``), so
    one changed article in a 100k-chunk base costs well under a second here (docs/performance.md).
    ``stats`` (doc_id -> [size, mtime_ns] of its file) is recorded so the next scan can skip
    unchanged files. A document with empty ``text`` is a reused record: it must be unchanged.
    ``tokenize_many`` tokenizes the new chunks' texts (default ``bot.words.tokenize`` each; the
    command line passes a helper process that has jieba loaded, ``bot/ingest_worker.py``).
    """
    started = time.perf_counter()
    index_dir.mkdir(parents=True, exist_ok=True)
    previous = None if full else _load_previous(index_dir, embeddings.model_id, chunk_size, chunk_overlap)
    old_docs: dict[str, Any] = previous.manifest["documents"] if previous else {}

    report = BuildReport(version="")
    # ("old", start, stop) reuses the previous version's positions; ("new", first, count) new chunks.
    segments: list[tuple[str, int, int]] = []
    new_chunks: list[Chunk] = []
    new_tokens: list[np.ndarray] = []
    counts: dict[str, int] = {}
    # Token ids of unchanged chunks are reused as they are, so the vocabulary only ever grows.
    vocab: dict[str, int] = dict(previous.vocab) if previous else {}
    for doc in documents:
        old = old_docs.get(doc.doc_id)
        if previous and old and old.get("hash") == doc.content_hash and doc.doc_id in previous.ranges:
            report.unchanged.append(doc.doc_id)
            first, stop = previous.ranges[doc.doc_id]
            segments.append(("old", first, stop))
            counts[doc.doc_id] = stop - first
            continue
        if not doc.text:
            raise StaleDocumentsError(f"{doc.doc_id} was not re-read but is not in the current index version")
        (report.updated if old else report.added).append(doc.doc_id)
        pieces = chunk_document(doc, chunk_size, chunk_overlap)
        segments.append(("new", len(new_chunks), len(pieces)))
        counts[doc.doc_id] = len(pieces)
        new_chunks.extend(pieces)
    token_texts = [f"{chunk.heading} {chunk.text}" for chunk in new_chunks]
    chunk_words = (tokenize_many or _tokenize_each)(token_texts) if token_texts else []
    for words in chunk_words:
        new_tokens.append(np.asarray([vocab.setdefault(t, len(vocab)) for t in words], dtype=np.int32))
    new_ids = {d.doc_id for d in documents}
    report.removed = sorted(d for d in old_docs if d not in new_ids)
    if previous is not None and _nothing_changed(documents, old_docs, counts, stats, report):
        # Same articles, same records: the current version stays. A new one would only make every
        # server reload an identical index (seconds and twice the memory at 100k chunks).
        report.version = previous.path.name
        report.layout = "unchanged"
        report.chunks = sum(counts.values())
        report.seconds = time.perf_counter() - started
        return report

    dimension = int(embeddings.dimension)
    new_vectors = np.zeros((len(new_chunks), dimension), dtype=np.float32)
    batch = 64
    for b in range(0, len(new_chunks), batch):
        new_vectors[b : b + batch] = embeddings.encode(
            [_chunk_text_for_embedding(c) for c in new_chunks[b : b + batch]]
        )
        if progress:
            progress("embed", min(b + batch, len(new_chunks)), len(new_chunks))
    if progress:
        progress("index", 0, 1)

    n = sum(counts.values())
    new_lines = [(json.dumps(c.to_dict(), ensure_ascii=False) + "\n").encode("utf-8") for c in new_chunks]
    new_lengths = np.asarray([len(t) for t in new_tokens], dtype=np.int64)
    new_flat = np.concatenate(new_tokens).astype(np.int32) if new_tokens else np.zeros(0, np.int32)
    fresh = Delta(new_lines, new_vectors, new_lengths, new_flat)

    # Storage id of every position: the previous version's ids for unchanged documents, -1 for new rows.
    order = np.full(n, -1, dtype=np.int64)
    added_positions = np.empty(len(new_chunks), dtype=np.int64)
    pos = 0
    for what, first, stop in segments:
        if what == "old":
            assert previous is not None
            order[pos : pos + stop - first] = previous.order[first:stop]
            pos += stop - first
        else:
            added_positions[first : first + stop] = np.arange(pos, pos + stop)
            pos += stop

    version = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    report.version = version
    tmp = index_dir / f".tmp-{version}"
    tmp.mkdir()
    try:
        n_base = previous.n_base if previous else 0
        carried = order[order >= n_base] if previous else order[:0]
        live_base = int(((order >= 0) & (order < n_base)).sum())
        if previous is not None and not _rebase_due(previous, n, len(carried) + len(new_chunks), live_base):
            written, layout, dense_info = write_delta_version(tmp, previous, order, added_positions, fresh)
            report.layout = "delta"
        else:
            written, layout, dense_info = write_base_version(tmp, previous, order, added_positions, fresh, dimension, vocab)
            report.layout = "rebase" if previous else "full"
        write_json(tmp / "vocab.json", vocab)
        manifest = {
            "format": FORMAT,
            "version": version,
            "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "embedding": {"model_id": embeddings.model_id, "dimension": dimension},
            "chunker": {"size": chunk_size, "overlap": chunk_overlap},
            "words": words_fingerprint(),
            "dense": dense_info,
            "n_chunks": n,
            "layout": layout,
            "documents": {
                # A document reused from its record (file not re-read) keeps that record as it is.
                d.doc_id: old_docs[d.doc_id] if not d.text else _doc_record(d, counts[d.doc_id], stats)
                for d in documents
            },
        }
        write_json(tmp / "manifest.json", manifest)
        sparse.fsync_files([*written, tmp / "vocab.json", tmp / "manifest.json"])
        for folder in (tmp / "bm25", tmp / DELTA, tmp):
            if folder.is_dir():
                fsync_dir(folder)
        os.replace(tmp, index_dir / version)
        fsync_dir(index_dir)
        _switch_current(index_dir, version)
        if progress:
            progress("index", 1, 1)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _prune(index_dir, keep=KEEP_VERSIONS)
    report.chunks = n
    report.embedded_chunks = len(new_chunks)
    report.seconds = time.perf_counter() - started
    return report


def _tokenize_each(texts: list[str]) -> list[list[str]]:
    return [tokenize(text) for text in texts]


def _nothing_changed(
    documents: Sequence[Document],
    old_docs: Mapping[str, Any],
    counts: Mapping[str, int],
    stats: Mapping[str, Sequence[int] | None] | None,
    report: BuildReport,
) -> bool:
    if report.added or report.updated or report.removed or list(old_docs) != [d.doc_id for d in documents]:
        return False
    # A re-read file (touched, same content) changes its record's size/mtime: that must be written.
    return all(not d.text or _doc_record(d, counts[d.doc_id], stats) == old_docs[d.doc_id] for d in documents)


def _doc_record(doc: Document, chunks: int, stats: Mapping[str, Sequence[int] | None] | None) -> dict[str, Any]:
    stat = stats.get(doc.doc_id) if stats else None
    return {
        "hash": doc.content_hash,
        "title": doc.title,
        "date": doc.date.isoformat(),
        "path": doc.path,
        "source": doc.source,
        "topics": list(doc.topics),
        "region": list(doc.region),
        "chunks": chunks,
        "stat": list(stat) if stat else None,
    }


def _prune(index_dir: Path, keep: int) -> None:
    """Remove old versions and abandoned temporary folders; keep the newest ``keep`` (the current among them)."""
    current = current_version(index_dir)
    for tmp in index_dir.glob(".tmp-*"):
        if time.time() - tmp.stat().st_mtime > 3600:
            shutil.rmtree(tmp, ignore_errors=True)
    versions = sorted(p for p in index_dir.iterdir() if p.is_dir() and not p.name.startswith("."))
    for old in versions[:-keep]:
        if old.name != current:
            shutil.rmtree(old, ignore_errors=True)


def load_index(index_dir: Path, model_id: str | None = None, version: str | None = None) -> KnowledgeIndex:
    """Load the current (or a named) version. ``model_id`` must match the one the index was built with."""
    name = version or current_version(index_dir)
    if name is None:
        raise IndexMissingError(f"no index has been built in {index_dir}: run `faqbot ingest` first.")
    path = index_dir / name
    manifest = read_json(path / "manifest.json")
    if manifest.get("format") != FORMAT:
        raise IndexMismatchError(
            f"index {name} has format {manifest.get('format')}, this faqbot reads format {FORMAT}: run `faqbot ingest`."
        )
    built_with = manifest["embedding"]["model_id"]
    if model_id is not None and built_with != model_id:
        raise IndexMismatchError(
            f"index was built with embedding model {built_with}, this server uses {model_id}: run `faqbot ingest`."
        )
    n = int(manifest["n_chunks"])
    order = read_order(path, n)
    delta = read_delta(path, int(manifest["embedding"]["dimension"]))
    chunks = compose_chunks(path / "chunks.jsonl", delta, order)
    # Only incremental builds read the raw vectors (FAISS holds its own copy): map, don't load.
    base_vectors = np.load(path / "vectors.npy", mmap_mode="r", allow_pickle=False)
    vectors = base_vectors if order is None else RowView(base_vectors, delta.vectors, order)
    lengths, flat = compose_tokens(read_tokens(path / "tokens.npz"), delta, order)
    bounds = np.concatenate([[0], np.cumsum(lengths)])
    token_ids = [flat[bounds[i] : bounds[i + 1]] for i in range(len(lengths))]
    vocab = read_json(path / "vocab.json")
    dense_index = compose_dense(path, base_vectors, delta, order)
    if dense.kind_of(dense_index) == dense.IVF:
        import faiss

        faiss.extract_index_ivf(dense_index).nprobe = dense.NPROBE
    bm25 = compose_bm25(path, vocab, lengths, len(base_vectors), delta, order)
    return KnowledgeIndex(path, manifest, chunks, vectors, dense_index, bm25, token_ids, vocab)
