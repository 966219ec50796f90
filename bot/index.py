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

from bot import dense, sparse
from bot.chunk import chunk_document
from bot.embed import VectorEmbeddings
from bot.errors import IndexMismatchError, IndexMissingError
from bot.types import Chunk, Document
from bot.words import tokenize

FORMAT = 1
CURRENT = "CURRENT"
KEEP_VERSIONS = 3

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


def _write_json(path: Path, data: Any) -> None:
    # No indent: json's C encoder only runs without one, and the manifest of 28k articles took 1.3 s.
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


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


def _chunk_text_for_embedding(chunk: Chunk) -> str:
    # The title tells the embedder what an otherwise ambiguous passage is about.
    return f"{chunk.title}\n{chunk.text}"


@dataclass
class _Previous:
    """What an incremental build reuses from the current version, read without parsing every chunk."""

    path: Path
    manifest: dict[str, Any]
    jsonl: bytes  # chunks.jsonl as stored
    line_starts: np.ndarray  # byte offset of each chunk's line, plus the end of the file
    ranges: dict[str, tuple[int, int]]  # doc_id -> its chunks' positions [start, stop)
    vectors: np.ndarray  # memory-mapped
    lengths: np.ndarray
    flat: np.ndarray
    bounds: np.ndarray
    vocab: dict[str, int]


def _load_previous(index_dir: Path, model_id: str, size: int, overlap: int) -> _Previous | None:
    name = current_version(index_dir)
    if name is None:
        return None
    path = index_dir / name
    try:
        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
        if (
            manifest.get("format") != FORMAT
            or manifest["embedding"]["model_id"] != model_id
            or manifest["chunker"] != {"size": size, "overlap": overlap}
        ):
            return None
        jsonl = (path / "chunks.jsonl").read_bytes()
        if jsonl and not jsonl.endswith(b"\n"):
            jsonl += b"\n"
        # Line offsets without splitting 100k lines: unchanged articles are copied as byte ranges.
        ends = np.flatnonzero(np.frombuffer(jsonl, dtype=np.uint8) == 10) + 1
        line_starts = np.concatenate([[0], ends]).astype(np.int64)
        n_lines = len(ends)
        # Chunks are stored grouped by document, in the manifest's document order.
        ranges: dict[str, tuple[int, int]] = {}
        start = 0
        for doc_id, info in manifest["documents"].items():
            ranges[doc_id] = (start, start + int(info["chunks"]))
            start += int(info["chunks"])
        if start != n_lines:
            ranges = {}
            for i in range(n_lines):
                line = jsonl[line_starts[i] : line_starts[i + 1]]
                doc_id = json.loads(line)["doc_id"]
                first, _ = ranges.get(doc_id, (i, i))
                ranges[doc_id] = (first, i + 1)
        vectors = np.load(path / "vectors.npy", mmap_mode="r", allow_pickle=False)
        with np.load(path / "tokens.npz", allow_pickle=False) as z:
            lengths, flat = z["lengths"], z["ids"]
        vocab = json.loads((path / "vocab.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError):
        return None  # an unreadable version is rebuilt from scratch rather than trusted
    bounds = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    return _Previous(path, manifest, jsonl, line_starts, ranges, vectors, lengths, flat, bounds, vocab)


def _previous_dense(previous: _Previous, kind: str, n_chunks: int) -> Any | None:
    """The current version's IVF index, if it can be updated in place for ``n_chunks`` chunks."""
    info = previous.manifest.get("dense", {})
    if kind != dense.IVF or info.get("kind") != dense.IVF:
        return None
    # Lists trained on a much smaller base get long and slow: retrain when the base has doubled.
    if n_chunks > 2 * int(info.get("trained_on", 0)):
        return None
    import faiss

    try:
        index = faiss.read_index(str(previous.path / "dense.faiss"))
    except RuntimeError:
        return None
    if dense.kind_of(index) != dense.IVF or index.ntotal != len(previous.line_starts) - 1:
        return None
    return index


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

    Unless ``full``, documents whose content hash and chunker settings are unchanged keep their
    chunks, vectors and tokens from the current version; only changed and new documents are
    chunked and embedded. The dense IVF index and the BM25 matrix are then updated rather than
    rebuilt, so one changed article in a 100k-chunk base costs seconds (docs/performance.md).
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
        (report.updated if old else report.added).append(doc.doc_id)
        pieces = chunk_document(doc, chunk_size, chunk_overlap)
        segments.append(("new", len(new_chunks), len(pieces)))
        counts[doc.doc_id] = len(pieces)
        for chunk in pieces:
            new_chunks.append(chunk)
            words = tokenize(f"{chunk.heading} {chunk.text}")
            new_tokens.append(np.asarray([vocab.setdefault(t, len(vocab)) for t in words], dtype=np.int32))
    new_ids = {d.doc_id for d in documents}
    report.removed = sorted(d for d in old_docs if d not in new_ids)

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

    # Lay the new version out: unchanged documents' rows copied, new rows where their documents are.
    n = sum(counts.values())
    matrix = np.empty((n, dimension), dtype=np.float32)
    lengths = np.empty(n, dtype=np.int64)
    token_parts: list[np.ndarray] = []
    lines: list[bytes] = []
    n_old = len(previous.line_starts) - 1 if previous else 0
    new_position = np.full(n_old, -1, dtype=np.int64)
    added_positions = np.empty(len(new_chunks), dtype=np.int64)
    pos = 0
    for what, first, size in segments:
        if what == "old":
            assert previous is not None
            stop, size = size, size - first
            matrix[pos : pos + size] = previous.vectors[first:stop]
            lengths[pos : pos + size] = previous.lengths[first:stop]
            token_parts.append(previous.flat[previous.bounds[first] : previous.bounds[stop]])
            lines.append(previous.jsonl[previous.line_starts[first] : previous.line_starts[stop]])
            new_position[first:stop] = np.arange(pos, pos + size)
        else:
            matrix[pos : pos + size] = new_vectors[first : first + size]
            for i in range(first, first + size):
                lengths[pos + i - first] = len(new_tokens[i])
                token_parts.append(new_tokens[i])
                lines.append((json.dumps(new_chunks[i].to_dict(), ensure_ascii=False) + "\n").encode("utf-8"))
            added_positions[first : first + size] = np.arange(pos, pos + size)
        pos += size
    flat = np.concatenate(token_parts).astype(np.int32, copy=False) if token_parts else np.zeros(0, np.int32)

    kind = dense.choose_kind(n)
    dense_index = _previous_dense(previous, kind, n) if previous else None
    if dense_index is not None:
        dense.update_ivf(dense_index, new_position, added_positions, new_vectors)
        trained_on = int(previous.manifest["dense"]["trained_on"]) if previous else n
    else:
        dense_index = dense.build(matrix, dimension, kind)
        trained_on = n

    postings = sparse.load_postings(previous.path / "bm25") if previous else None
    if postings is not None and previous is not None and postings.vocab_size <= len(vocab):
        new_lengths = np.asarray([len(t) for t in new_tokens], dtype=np.int64)
        terms, docs, tf = sparse.entries(
            new_lengths, np.concatenate(new_tokens) if new_tokens else np.zeros(0, np.int32)
        )
        postings = sparse.update_postings(
            postings, new_position, (terms, added_positions[docs], tf), len(vocab)
        )
    else:
        postings = sparse.build_postings(lengths, flat, len(vocab))
    bm25 = sparse.to_bm25s(postings, lengths, vocab)

    version = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    report.version = version
    tmp = index_dir / f".tmp-{version}"
    tmp.mkdir()
    try:
        import faiss

        written = [
            tmp / "chunks.jsonl",
            tmp / "vectors.npy",
            tmp / "tokens.npz",
            tmp / "vocab.json",
            tmp / "dense.faiss",
        ]
        (tmp / "chunks.jsonl").write_bytes(b"".join(lines))
        np.save(tmp / "vectors.npy", matrix, allow_pickle=False)
        np.savez(tmp / "tokens.npz", lengths=lengths, ids=flat)
        _write_json(tmp / "vocab.json", vocab)
        faiss.write_index(dense_index, str(tmp / "dense.faiss"))
        if n:
            written += sparse.save(bm25, postings, tmp / "bm25")
        manifest = {
            "format": FORMAT,
            "version": version,
            "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "embedding": {"model_id": embeddings.model_id, "dimension": dimension},
            "chunker": {"size": chunk_size, "overlap": chunk_overlap},
            "dense": {**dense.describe(dense_index, dense.kind_of(dense_index)), "trained_on": trained_on},
            "n_chunks": n,
            "documents": {
                d.doc_id: {
                    "hash": d.content_hash,
                    "title": d.title,
                    "date": d.date.isoformat(),
                    "path": d.path,
                    "topics": list(d.topics),
                    "region": list(d.region),
                    "chunks": counts[d.doc_id],
                }
                for d in documents
            },
        }
        _write_json(tmp / "manifest.json", manifest)
        sparse.fsync_files([*written, tmp / "manifest.json"])
        os.replace(tmp, index_dir / version)
        _fsync_dir(index_dir)
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
    # Only incremental builds read the raw vectors (FAISS holds its own copy): map, don't load.
    vectors = np.load(path / "vectors.npy", mmap_mode="r", allow_pickle=False)
    with np.load(path / "tokens.npz", allow_pickle=False) as z:
        lengths, flat = z["lengths"], z["ids"]
    bounds = np.concatenate([[0], np.cumsum(lengths)])
    token_ids = [flat[bounds[i] : bounds[i + 1]] for i in range(len(lengths))]
    vocab = json.loads((path / "vocab.json").read_text(encoding="utf-8"))
    dense_index = faiss.read_index(str(path / "dense.faiss"))
    if dense.kind_of(dense_index) == dense.IVF:
        faiss.extract_index_ivf(dense_index).nprobe = dense.NPROBE
    bm25 = sparse.load_model(path / "bm25", vocab, len(chunks)) if chunks else bm25s.BM25(method="lucene")
    return KnowledgeIndex(path, manifest, chunks, vectors, dense_index, bm25, token_ids, vocab)
