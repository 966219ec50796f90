"""On-disk layout of one index version: a large immutable *base* plus a small *delta*.

A version folder holds::

    manifest.json, vocab.json         always written for the version
    chunks.jsonl, vectors.npy,        the base: every row of the last full build or rebase, in
    tokens.npz, dense.faiss, bm25/    storage order (row i has storage id i)
    delta/chunks.jsonl, delta/vectors.npy, delta/tokens.npz
                                      rows added since the base (storage ids base_rows + j)
    order.npy                         storage id of the chunk at each position (absent: identity)

An incremental ingest of one changed article writes only the delta, ``order.npy``, the vocabulary
and the manifest (a few MB at 100k chunks); the base files are *hard links* to the previous
version's, never opened for writing, so a crash cannot touch what the serving version reads.
Rewriting the 600 MB base every time was most of a 100k update (docs/performance.md).
``load_index`` puts base and delta together in memory: dead base rows out of FAISS and BM25, delta
rows in, labels renumbered to positions, so ``KnowledgeIndex`` looks exactly as after a full build.
A version without ``order.npy`` (every full build, and versions written before deltas existed)
is just a base.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from bot import dense, sparse
from bot.types import Chunk

BASE_FILES = ("chunks.jsonl", "vectors.npy", "tokens.npz", "dense.faiss")
DELTA = "delta"
ORDER = "order.npy"


def write_json(path: Path, data: Any) -> None:
    """Compact UTF-8 JSON, byte for byte what ``json.dumps(data, ensure_ascii=False,
    separators=(",", ":"))`` writes, by orjson: the 52k-article manifest of a 100k-chunk base took
    0.32 s with json and 0.035 s with orjson, on every re-ingest."""
    path.write_bytes(orjson.dumps(data))


def read_json(path: Path) -> Any:
    """A JSON file parsed straight from its UTF-8 bytes by orjson (no decode to a str first); what
    it does not accept (NaN, which ``json.dumps`` could write) goes through ``json``."""
    data = path.read_bytes()
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def link_base(previous: Path, target: Path) -> None:
    """Share the previous version's base files (hard links; a copy where links are not possible)."""
    names = [*BASE_FILES, *(f"bm25/{p.name}" for p in sorted((previous / "bm25").glob("*")) if p.is_file())]
    (target / "bm25").mkdir(exist_ok=True)
    for name in names:
        source = previous / name
        if not source.exists():
            continue
        try:
            os.link(source, target / name)
        except OSError:
            shutil.copy2(source, target / name)
            sparse.fsync_files([target / name])
    fsync_dir(target / "bm25")


def read_lines(path: Path) -> list[bytes]:
    data = path.read_bytes() if path.is_file() else b""
    return data.splitlines(keepends=True)


def read_tokens(path: Path) -> tuple[np.ndarray, np.ndarray]:
    with np.load(path, allow_pickle=False) as z:
        return z["lengths"].astype(np.int64, copy=False), z["ids"].astype(np.int32, copy=False)


@dataclass
class Delta:
    """The delta rows of a version (small: the articles changed since the base was written)."""

    lines: list[bytes]
    vectors: np.ndarray
    lengths: np.ndarray
    flat: np.ndarray

    @property
    def rows(self) -> int:
        return len(self.lines)


def read_delta(path: Path, dimension: int) -> Delta:
    folder = path / DELTA
    if not folder.is_dir():
        return Delta([], np.zeros((0, dimension), np.float32), np.zeros(0, np.int64), np.zeros(0, np.int32))
    lengths, flat = read_tokens(folder / "tokens.npz")
    vectors = np.load(folder / "vectors.npy", allow_pickle=False)
    return Delta(read_lines(folder / "chunks.jsonl"), vectors, lengths, flat)


def write_delta(target: Path, delta: Delta, order: np.ndarray) -> list[Path]:
    folder = target / DELTA
    folder.mkdir()
    (folder / "chunks.jsonl").write_bytes(b"".join(delta.lines))
    np.save(folder / "vectors.npy", np.ascontiguousarray(delta.vectors, dtype=np.float32), allow_pickle=False)
    np.savez(folder / "tokens.npz", lengths=delta.lengths, ids=delta.flat)
    np.save(target / ORDER, order.astype(np.int64, copy=False), allow_pickle=False)
    return [folder / "chunks.jsonl", folder / "vectors.npy", folder / "tokens.npz", target / ORDER]


def read_order(path: Path, n_chunks: int) -> np.ndarray | None:
    """Storage id per position, or None when the version is a plain base (identity)."""
    file = path / ORDER
    return np.load(file, allow_pickle=False).astype(np.int64, copy=False) if file.is_file() else None


def positions_of(order: np.ndarray, n_storage: int) -> np.ndarray:
    """Inverse of ``order``: the position of each storage id, -1 for dead rows."""
    pos = np.full(n_storage, -1, dtype=np.int64)
    pos[order] = np.arange(len(order), dtype=np.int64)
    return pos


class RowView:
    """Chunk vectors in position order, gathered from the base (memory-mapped) and the delta on demand.

    Only incremental builds and benchmarks read the raw vectors; materialising 100k x 512 floats
    on every server load would cost 200 MB of RSS for nothing.
    """

    def __init__(self, base: np.ndarray, delta: np.ndarray, order: np.ndarray | None) -> None:
        self.base, self.delta, self.order = base, delta, order
        n = len(base) + len(delta) if order is None else len(order)
        self.shape = (n, base.shape[1] if base.ndim == 2 else delta.shape[1])
        self.dtype = np.dtype(np.float32)

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, key: Any) -> np.ndarray:
        ids = np.arange(len(self))[key]
        storage = ids if self.order is None else self.order[ids]
        storage = np.atleast_1d(storage)
        out = np.empty((len(storage), self.shape[1]), dtype=np.float32)
        in_base = storage < len(self.base)
        out[in_base] = self.base[storage[in_base]]
        out[~in_base] = self.delta[storage[~in_base] - len(self.base)]
        return out[0] if np.ndim(ids) == 0 else out

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        out = self[:]
        return out if dtype is None else out.astype(dtype)


def compose_chunks(base_lines_path: Path, delta: Delta, order: np.ndarray | None) -> list[Chunk]:
    with open(base_lines_path, "rb") as fh:
        stored = decode_chunks(line for line in fh if line.strip())
    if order is None:
        return stored
    stored += decode_chunks(delta.lines)
    return [stored[i] for i in order]


_CHUNK_FIELDS = frozenset(f.name for f in fields(Chunk))


def decode_chunks(lines: Iterable[bytes]) -> list[Chunk]:
    """``Chunk.from_dict`` of each JSON line, made faster for the 100k of every start (0.53 -> 0.40 s).

    orjson parses the raw bytes (against ``json`` on decoded text: 1.15 -> 0.85 s); a line with every field, as
    ``Chunk.to_dict`` writes them, becomes the chunk's attribute dict as parsed, without the frozen dataclass's
    ``__init__`` (a guarded ``object.__setattr__`` per field); the date and the topic and region tuples are made once
    per distinct value and shared, which also pays for the larger per-chunk dicts (-4 MB at 100k). Any other line
    goes through ``Chunk.from_dict``.
    """
    dates: dict[str, dt.date] = {}
    shared: dict[tuple[str, ...], tuple[str, ...]] = {}
    new, set_attribute, loads, fromisoformat = object.__new__, object.__setattr__, orjson.loads, dt.date.fromisoformat
    chunks = []
    for line in lines:
        data = loads(line)
        if data.keys() != _CHUNK_FIELDS:
            chunks.append(Chunk.from_dict(data))
            continue
        day = data["date"]
        date = dates.get(day)
        if date is None:
            date = dates[day] = fromisoformat(day)
        data["date"] = date
        topics = tuple(data["topics"])
        data["topics"] = shared.setdefault(topics, topics)
        region = tuple(data["region"])
        data["region"] = shared.setdefault(region, region)
        chunk = new(Chunk)
        set_attribute(chunk, "__dict__", data)
        chunks.append(chunk)
    return chunks


def compose_tokens(
    base: tuple[np.ndarray, np.ndarray], delta: Delta, order: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """(lengths, flat ids) in position order.

    Copied a run of consecutive storage ids at a time: after an incremental update ``order`` is a
    handful of runs (the base before and after the changed article, then the delta), so this is a
    few slices instead of a gather through a 9M-entry index (0.65 s at 100k chunks on every start).
    """
    lengths, flat = base
    if order is None:
        return lengths, flat
    n_base = len(lengths)
    picked = np.concatenate([lengths, delta.lengths]).astype(np.int64)[order]
    if not len(order):
        return picked, np.zeros(0, np.int32)
    # A run ends where the next storage id is not the next one, or crosses from the base into the delta.
    breaks = np.flatnonzero((np.diff(order) != 1) | (order[1:] == n_base)) + 1
    firsts = np.concatenate([[0], breaks]).tolist()
    lasts = np.concatenate([breaks - 1, [len(order) - 1]]).tolist()
    base_bounds = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64).tolist()
    delta_bounds = np.concatenate([[0], np.cumsum(delta.lengths)]).astype(np.int64).tolist()
    ids = order.tolist()
    parts = []
    for a, b in zip(firsts, lasts, strict=True):
        first, last = ids[a], ids[b]
        if first >= n_base:
            parts.append(delta.flat[delta_bounds[first - n_base] : delta_bounds[last + 1 - n_base]])
        else:
            parts.append(flat[base_bounds[first] : base_bounds[last + 1]])
    return picked, np.concatenate(parts).astype(np.int32, copy=False)


def compose_dense(path: Path, base_vectors: np.ndarray, delta: Delta, order: np.ndarray | None) -> Any:
    """The version's FAISS index with positions as labels."""
    import faiss

    index = faiss.read_index(str(path / "dense.faiss"))
    if order is None:
        return index
    n_base = len(base_vectors)
    pos = positions_of(order, n_base + delta.rows)
    if dense.kind_of(index) == dense.IVF:
        return dense.update_ivf(index, pos[:n_base], pos[n_base:], delta.vectors)
    return dense.build(RowView(base_vectors, delta.vectors, order)[:], base_vectors.shape[1], dense.FLAT)


def compose_bm25(
    path: Path, vocab: dict[str, int], lengths: np.ndarray, n_base: int, delta: Delta, order: np.ndarray | None
) -> Any:
    """The BM25 model over positions. A plain base's scores are read as saved; otherwise the base's
    term frequencies are renumbered, the delta's added, and every score recomputed (IDF and the
    average length move with any change), ~0.1 s at 100k chunks."""
    if not len(lengths):
        return sparse.Matrix({}, dict(vocab))
    if order is None:
        return sparse.load_model(path / "bm25", vocab, len(lengths))
    postings = sparse.load_postings(path / "bm25")
    if postings is None:
        raise ValueError(f"{path} has a delta but its base keeps no term frequencies")
    pos = positions_of(order, n_base + delta.rows)
    terms, docs, tf = sparse.entries(delta.lengths, delta.flat)
    postings = sparse.update_postings(postings, pos[:n_base], (terms, pos[n_base:][docs], tf), len(vocab))
    return sparse.to_matrix(postings, lengths, vocab)


@dataclass
class Previous:
    """What an incremental build reuses from the current version, read without touching the base's rows."""

    path: Path
    manifest: dict[str, Any]
    order: np.ndarray  # storage id per position
    n_base: int
    base_vectors: np.ndarray  # memory-mapped
    delta: Delta
    ranges: dict[str, tuple[int, int]]  # doc_id -> its chunks' positions [start, stop)
    vocab: dict[str, int]


def previous_dense(previous: Previous, kind: str, n_chunks: int) -> Any | None:
    """The current base's IVF index, if it can be updated in place for ``n_chunks`` chunks."""
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
    if dense.kind_of(index) != dense.IVF or index.ntotal != previous.n_base:
        return None
    return index


def write_delta_version(
    tmp: Path, previous: Previous, order: np.ndarray, added_positions: np.ndarray, fresh: Delta
) -> tuple[list[Path], dict[str, Any], dict[str, Any]]:
    """Share the previous base; the delta holds the carried-over delta rows and the new ones, in position order."""
    n_base = previous.n_base
    is_delta = order >= n_base  # carried rows of the previous delta (new rows are -1)
    is_new = order < 0
    in_delta = is_delta | is_new
    delta_order = np.flatnonzero(in_delta)  # positions whose rows go into the new delta, in order
    old_rows = order[delta_order] - n_base  # previous delta row, or negative for new rows
    fresh_row = np.full(len(order), -1, dtype=np.int64)
    fresh_row[added_positions] = np.arange(len(added_positions))
    lines: list[bytes] = []
    vectors = np.empty((len(delta_order), previous.base_vectors.shape[1]), dtype=np.float32)
    lengths = np.empty(len(delta_order), dtype=np.int64)
    parts: list[np.ndarray] = []
    old_bounds = np.concatenate([[0], np.cumsum(previous.delta.lengths)]).astype(np.int64)
    new_bounds = np.concatenate([[0], np.cumsum(fresh.lengths)]).astype(np.int64)
    for j, (p, r) in enumerate(zip(delta_order.tolist(), old_rows.tolist(), strict=True)):
        if r >= 0:
            src, row, bounds = previous.delta, r, old_bounds
        else:
            src, row, bounds = fresh, int(fresh_row[p]), new_bounds
        lines.append(src.lines[row])
        vectors[j] = src.vectors[row]
        lengths[j] = src.lengths[row]
        parts.append(src.flat[bounds[row] : bounds[row + 1]])
    flat = np.concatenate(parts).astype(np.int32) if parts else np.zeros(0, np.int32)
    new_order = order.copy()
    new_order[delta_order] = n_base + np.arange(len(delta_order))
    link_base(previous.path, tmp)
    written = write_delta(tmp, Delta(lines, vectors, lengths, flat), new_order)
    layout = {"base_rows": n_base, "delta_rows": len(delta_order)}
    return written, layout, dict(previous.manifest["dense"])


def write_base_version(
    tmp: Path,
    previous: Previous | None,
    order: np.ndarray,
    added_positions: np.ndarray,
    fresh: Delta,
    dimension: int,
    vocab: dict[str, int],
) -> tuple[list[Path], dict[str, Any], dict[str, Any]]:
    """Write every row as a new base, in position order (a full build, or folding a delta in)."""
    import faiss

    n = len(order)
    n_base = previous.n_base if previous else 0
    # Rows not in the previous base (carried delta rows and new ones) are "added" to it.
    if previous is None:
        added_pos = np.arange(n, dtype=np.int64)
    else:
        added_pos = np.flatnonzero((order < 0) | (order >= n_base))
    matrix = np.empty((n, dimension), dtype=np.float32)
    lengths = np.empty(n, dtype=np.int64)
    lines: list[bytes] = [b""] * n
    token_parts: list[np.ndarray] = [np.zeros(0, np.int32)] * n
    fresh_bounds = np.concatenate([[0], np.cumsum(fresh.lengths)]).astype(np.int64)
    for i, p in enumerate(added_positions.tolist()):
        matrix[p] = fresh.vectors[i]
        lengths[p] = fresh.lengths[i]
        lines[p] = fresh.lines[i]
        token_parts[p] = fresh.flat[fresh_bounds[i] : fresh_bounds[i + 1]]
    if previous is not None:
        kept = np.flatnonzero(order >= 0)
        storage = order[kept]
        view = RowView(previous.base_vectors, previous.delta.vectors, None)
        matrix[kept] = view[storage] if len(storage) else matrix[kept]
        base_lengths, base_flat = read_tokens(previous.path / "tokens.npz")
        all_lengths = np.concatenate([base_lengths, previous.delta.lengths]).astype(np.int64)
        all_flat = np.concatenate([base_flat, previous.delta.flat]).astype(np.int32)
        bounds = np.concatenate([[0], np.cumsum(all_lengths)]).astype(np.int64)
        jsonl = (previous.path / "chunks.jsonl").read_bytes()
        base_lines = jsonl.splitlines(keepends=True) + previous.delta.lines
        for p, s in zip(kept.tolist(), storage.tolist(), strict=True):
            lengths[p] = all_lengths[s]
            lines[p] = base_lines[s]
            token_parts[p] = all_flat[bounds[s] : bounds[s + 1]]
    flat = np.concatenate(token_parts).astype(np.int32) if n else np.zeros(0, np.int32)

    kind = dense.choose_kind(n)
    dense_index = previous_dense(previous, kind, n) if previous else None
    postings = sparse.load_postings(previous.path / "bm25") if previous else None
    pos = np.zeros(0, dtype=np.int64)
    if previous is not None:
        pos = np.full(n_base + previous.delta.rows, -1, dtype=np.int64)
        kept = np.flatnonzero(order >= 0)
        pos[order[kept]] = kept
    if dense_index is not None:
        dense.update_ivf(dense_index, pos[:n_base], added_pos, matrix[added_pos])
        trained_on = int(previous.manifest["dense"]["trained_on"]) if previous else n
    else:
        dense_index = dense.build(matrix, dimension, kind)
        trained_on = n
    if postings is not None and postings.vocab_size <= len(vocab):
        added_flat = [token_parts[p] for p in added_pos.tolist()]
        terms, docs, tf = sparse.entries(
            lengths[added_pos], np.concatenate(added_flat).astype(np.int32) if added_flat else np.zeros(0, np.int32)
        )
        postings = sparse.update_postings(postings, pos[:n_base], (terms, added_pos[docs], tf), len(vocab))
    else:
        postings = sparse.build_postings(lengths, flat, len(vocab))
    bm25 = sparse.to_matrix(postings, lengths, vocab)

    written = [tmp / name for name in BASE_FILES]
    (tmp / "chunks.jsonl").write_bytes(b"".join(lines))
    np.save(tmp / "vectors.npy", matrix, allow_pickle=False)
    np.savez(tmp / "tokens.npz", lengths=lengths, ids=flat)
    faiss.write_index(dense_index, str(tmp / "dense.faiss"))
    if n:
        written += sparse.save(bm25, postings, tmp / "bm25")
    info = {**dense.describe(dense_index, dense.kind_of(dense_index)), "trained_on": trained_on}
    return written, {"base_rows": n, "delta_rows": 0}, info
