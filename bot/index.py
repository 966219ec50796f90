"""Build, save, load and incrementally update the hybrid index (FAISS + BM25), with atomic swaps.

Layout under ``<data_dir>/index/``::

    CURRENT               name of the version being served (replaced atomically)
    <version>/manifest.json   embedding model id and dimension, chunker settings, per-document hashes, build time
    <version>/chunks.jsonl    one Chunk per line
    <version>/vectors.npy     float32 unit vectors, one row per chunk (reused by incremental builds)
    <version>/tokens.npz      BM25 token ids per chunk + vocabulary (reused by incremental builds)
    <version>/dense.faiss     FAISS inner-product index over the vectors
    <version>/bm25/           bm25s sparse score matrix (numpy arrays and JSON)

A build writes a new version folder and only then points ``CURRENT`` at it, so a crash or
kill mid-ingest leaves the previous version serving. Only numpy arrays (``allow_pickle=False``),
JSON and FAISS files are read back: nothing is unpickled.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bot.chunk import chunk_document
from bot.embed import VectorEmbeddings
from bot.errors import IndexMismatchError, IndexMissingError
from bot.types import Chunk, Document
from bot.words import tokenize

FORMAT = 1
CURRENT = "CURRENT"
KEEP_VERSIONS = 3
# Above this many chunks the dense index switches from exact search to HNSW (see docs/performance.md).
HNSW_THRESHOLD = 50_000

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


@dataclass
class KnowledgeIndex:
    """A loaded, read-only index version. Thread-safe for searching."""

    path: Path
    manifest: dict[str, Any]
    chunks: list[Chunk]
    vectors: np.ndarray
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


def current_version(index_dir: Path) -> str | None:
    pointer = index_dir / CURRENT
    if not pointer.is_file():
        return None
    name = pointer.read_text(encoding="utf-8").strip()
    return name if name and (index_dir / name / "manifest.json").is_file() else None


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _switch_current(index_dir: Path, version: str) -> None:
    tmp = index_dir / f".{CURRENT}.{uuid.uuid4().hex}"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(version)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, index_dir / CURRENT)
    _fsync_dir(index_dir)


def _dense_index(vectors: np.ndarray, dimension: int) -> Any:
    import faiss

    if len(vectors) >= HNSW_THRESHOLD:
        index = faiss.IndexHNSWFlat(dimension, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
        index.hnsw.efSearch = 96
    else:
        index = faiss.IndexFlatIP(dimension)
    if len(vectors):
        index.add(vectors)
    return index


def _bm25(token_ids: Sequence[np.ndarray], vocab: dict[str, int]) -> Any:
    import bm25s

    retriever = bm25s.BM25(method="lucene")
    if token_ids:
        retriever.index(([ids.tolist() for ids in token_ids], dict(vocab)), show_progress=False)
    return retriever


def _chunk_text_for_embedding(chunk: Chunk) -> str:
    # The title tells the embedder what an otherwise ambiguous passage is about.
    return f"{chunk.title}\n{chunk.text}"


def build_index(
    documents: Sequence[Document],
    index_dir: Path,
    embeddings: VectorEmbeddings,
    *,
    chunk_size: int = 300,
    chunk_overlap: int = 1,
    progress: Progress | None = None,
    full: bool = False,
) -> BuildReport:
    """Write a new index version for ``documents`` and switch ``CURRENT`` to it.

    Unless ``full``, vectors and tokens of documents whose content hash and chunker settings
    are unchanged are copied from the current version instead of being recomputed.
    """
    started = time.perf_counter()
    index_dir.mkdir(parents=True, exist_ok=True)
    previous = _load_previous(index_dir, embeddings.model_id, chunk_size, chunk_overlap) if not full else None
    old_docs: dict[str, Any] = previous.manifest["documents"] if previous else {}
    by_doc_old: dict[str, list[int]] = {}
    if previous:
        for i, chunk in enumerate(previous.chunks):
            by_doc_old.setdefault(chunk.doc_id, []).append(i)

    report = BuildReport(version="")
    chunks: list[Chunk] = []
    vectors: list[np.ndarray | None] = []
    token_ids: list[np.ndarray] = []
    # Token ids of unchanged chunks are reused as they are, so the vocabulary only ever grows.
    vocab: dict[str, int] = dict(previous.vocab) if previous else {}
    to_embed: list[int] = []
    for doc in documents:
        old = old_docs.get(doc.doc_id)
        if previous and old and old.get("hash") == doc.content_hash and doc.doc_id in by_doc_old:
            report.unchanged.append(doc.doc_id)
            for i in by_doc_old[doc.doc_id]:
                chunks.append(previous.chunks[i])
                vectors.append(previous.vectors[i])
                token_ids.append(previous.token_ids[i])
            continue
        (report.updated if old else report.added).append(doc.doc_id)
        for chunk in chunk_document(doc, chunk_size, chunk_overlap):
            to_embed.append(len(chunks))
            chunks.append(chunk)
            vectors.append(None)
            words = tokenize(f"{chunk.heading} {chunk.text}")
            token_ids.append(np.asarray([vocab.setdefault(t, len(vocab)) for t in words], dtype=np.int32))
    new_ids = {d.doc_id for d in documents}
    report.removed = sorted(d for d in old_docs if d not in new_ids)

    batch = 64
    for b in range(0, len(to_embed), batch):
        ids = to_embed[b : b + batch]
        encoded = embeddings.encode([_chunk_text_for_embedding(chunks[i]) for i in ids])
        for i, row in zip(ids, encoded, strict=True):
            vectors[i] = row
        if progress:
            progress("embed", min(b + batch, len(to_embed)), len(to_embed))
    dimension = int(embeddings.dimension)
    matrix = (
        np.vstack([v for v in vectors if v is not None]).astype(np.float32)
        if chunks
        else np.zeros((0, dimension), np.float32)
    )

    version = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    report.version = version
    tmp = index_dir / f".tmp-{version}"
    tmp.mkdir()
    try:
        with open(tmp / "chunks.jsonl", "w", encoding="utf-8") as fh:
            for chunk in chunks:
                fh.write(json.dumps(chunk.to_dict(), ensure_ascii=False) + "\n")
        np.save(tmp / "vectors.npy", matrix, allow_pickle=False)
        lengths = np.asarray([len(t) for t in token_ids], dtype=np.int64)
        flat = np.concatenate(token_ids) if token_ids else np.zeros(0, np.int32)
        np.savez(tmp / "tokens.npz", lengths=lengths, ids=flat)
        _write_json(tmp / "vocab.json", vocab)
        if progress:
            progress("index", 0, 1)
        import faiss

        faiss.write_index(_dense_index(matrix, dimension), str(tmp / "dense.faiss"))
        bm25 = _bm25(token_ids, vocab)
        if chunks:
            bm25.save(str(tmp / "bm25"), allow_pickle=False)
        manifest = {
            "format": FORMAT,
            "version": version,
            "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "embedding": {"model_id": embeddings.model_id, "dimension": dimension},
            "chunker": {"size": chunk_size, "overlap": chunk_overlap},
            "dense": {"kind": "hnsw" if len(chunks) >= HNSW_THRESHOLD else "flat"},
            "n_chunks": len(chunks),
            "documents": {
                d.doc_id: {
                    "hash": d.content_hash,
                    "title": d.title,
                    "date": d.date.isoformat(),
                    "path": d.path,
                    "topics": list(d.topics),
                    "region": list(d.region),
                    "chunks": sum(1 for c in chunks if c.doc_id == d.doc_id),
                }
                for d in documents
            },
        }
        _write_json(tmp / "manifest.json", manifest)
        for f in tmp.rglob("*"):
            if f.is_file():
                with open(f, "rb") as fh:
                    os.fsync(fh.fileno())
        os.replace(tmp, index_dir / version)
        _fsync_dir(index_dir)
        _switch_current(index_dir, version)
        if progress:
            progress("index", 1, 1)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _prune(index_dir, keep=KEEP_VERSIONS)
    report.chunks = len(chunks)
    report.embedded_chunks = len(to_embed)
    report.seconds = time.perf_counter() - started
    return report


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


def _load_previous(index_dir: Path, model_id: str, size: int, overlap: int) -> KnowledgeIndex | None:
    if current_version(index_dir) is None:
        return None
    try:
        previous = load_index(index_dir, model_id)
    except IndexMismatchError:
        return None
    if previous.manifest["chunker"] != {"size": size, "overlap": overlap}:
        return None
    return previous


def load_index(index_dir: Path, model_id: str | None = None, version: str | None = None) -> KnowledgeIndex:
    """Load the current (or a named) version. ``model_id`` must match the one the index was built with."""
    import bm25s
    import faiss

    name = version or current_version(index_dir)
    if name is None:
        raise IndexMissingError(f"no index has been built in {index_dir}: run `faqbot ingest` first.")
    path = index_dir / name
    manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise IndexMismatchError(
            f"index {name} has format {manifest.get('format')}, this faqbot reads format {FORMAT}: run `faqbot ingest`."
        )
    built_with = manifest["embedding"]["model_id"]
    if model_id is not None and built_with != model_id:
        raise IndexMismatchError(
            f"index was built with embedding model {built_with}, this server uses {model_id}: run `faqbot ingest`."
        )
    with open(path / "chunks.jsonl", encoding="utf-8") as fh:
        chunks = [Chunk.from_dict(json.loads(line)) for line in fh if line.strip()]
    vectors = np.load(path / "vectors.npy", allow_pickle=False)
    with np.load(path / "tokens.npz", allow_pickle=False) as z:
        lengths, flat = z["lengths"], z["ids"]
    bounds = np.concatenate([[0], np.cumsum(lengths)])
    token_ids = [flat[bounds[i] : bounds[i + 1]] for i in range(len(lengths))]
    vocab = json.loads((path / "vocab.json").read_text(encoding="utf-8"))
    dense = faiss.read_index(str(path / "dense.faiss"))
    bm25 = bm25s.BM25.load(str(path / "bm25"), allow_pickle=False) if chunks else bm25s.BM25(method="lucene")
    return KnowledgeIndex(path, manifest, chunks, vectors, dense, bm25, token_ids, vocab)
