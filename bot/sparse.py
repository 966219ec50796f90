"""BM25 over jieba token ids: the term-major sparse score matrix bm25s searches, built with numpy.

bm25s builds its matrix with a Python loop over documents, ~8 s for 100k chunks on these cores,
and has no incremental update: when one article changes, every score moves a little (the IDF
depends on the number of chunks, the length norm on the average length). So we keep the term
frequencies next to the scores, in the same term-major order (``bm25/tf.npy``); an update drops
the changed chunks' entries, appends the new ones, re-sorts the nearly sorted arrays and
recomputes every score in one vectorised pass. The result is the same matrix bm25s would build
(Lucene BM25, k1=1.5, b=0.75), saved in bm25s's file layout and held in memory as a ``Matrix``:
nothing calls bm25s's own methods, and importing it (scipy.sparse with it) took 0.15 s of every start.

Scoring adds the query terms' posting lists with one ``np.bincount`` instead of bm25s's
``np.add.at`` per term, which is several times faster on the long lists of a large base.
"""

from __future__ import annotations

import json
import os
from array import array as typed_array
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

K1 = 1.5
B = 0.75


@dataclass
class Postings:
    """Term-major term frequencies: the documents of term t are ``docs[indptr[t]:indptr[t+1]]``."""

    indptr: np.ndarray  # int64, vocabulary size + 1
    docs: np.ndarray  # int32
    tf: np.ndarray  # float32

    @property
    def vocab_size(self) -> int:
        return len(self.indptr) - 1


def _csr(terms: np.ndarray, docs: np.ndarray, tf: np.ndarray, vocab_size: int, presorted: bool) -> Postings:
    if not presorted:
        order = np.argsort(terms, kind="stable")
        terms, docs, tf = terms[order], docs[order], tf[order]
    indptr = np.zeros(vocab_size + 1, dtype=np.int64)
    np.cumsum(np.bincount(terms, minlength=vocab_size), out=indptr[1:])
    return Postings(indptr, docs.astype(np.int32, copy=False), tf.astype(np.float32, copy=False))


def entries(
    lengths: np.ndarray, flat: np.ndarray, first_doc: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(term, doc, tf) of every distinct token of every document, term-major.

    ``flat`` holds the documents' token ids back to back, ``lengths`` how many each has.
    """
    n = len(lengths)
    if n == 0 or len(flat) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty.astype(np.float32)
    doc = np.repeat(np.arange(n, dtype=np.int64), lengths)
    keys, counts = np.unique(flat.astype(np.int64) * n + doc, return_counts=True)
    return keys // n, keys % n + first_doc, counts.astype(np.float32)


def build_postings(lengths: np.ndarray, flat: np.ndarray, vocab_size: int) -> Postings:
    terms, docs, tf = entries(lengths, flat)
    return _csr(terms, docs, tf, vocab_size, presorted=True)


def update_postings(
    old: Postings, new_position: np.ndarray, added: tuple[np.ndarray, np.ndarray, np.ndarray], vocab_size: int
) -> Postings:
    """Keep the entries of surviving documents (renumbered by ``new_position``, -1 = dropped), add ``added``.

    Surviving entries keep their term-major order, so the added ones (a changed article's few
    hundred) are inserted into it rather than the whole matrix being sorted again.
    """
    moved = new_position.astype(np.int32)[old.docs] if len(new_position) < 2**31 else new_position[old.docs]
    dropped = np.flatnonzero(moved < 0)  # few: the changed articles' entries
    grow = vocab_size - old.vocab_size
    indptr = old.indptr - np.searchsorted(dropped, old.indptr)
    if grow:
        indptr = np.concatenate([indptr, np.full(grow, indptr[-1])])
    docs = _without(moved, dropped)
    tf = _without(old.tf, dropped)
    terms, new_docs, new_tf = added
    if len(terms):
        order = np.argsort(terms, kind="stable")
        terms, new_docs, new_tf = terms[order], new_docs[order], new_tf[order]
        at = indptr[terms + 1]  # after the kept entries of the same term
        docs = _insert_sorted(docs, at, new_docs)
        tf = _insert_sorted(tf, at, new_tf)
        indptr = indptr + np.concatenate([[0], np.cumsum(np.bincount(terms, minlength=vocab_size))])
    return Postings(indptr.astype(np.int64, copy=False), docs.astype(np.int32, copy=False), tf.astype(np.float32, copy=False))


# Up to this many removed or inserted entries, the arrays are copied a slice at a time: one changed article's few
# hundred entries in a 100k-chunk base's 8M. ``np.delete`` and ``np.insert`` go through a mask over all of them
# (0.5 s of a server's start after an incremental update); both give the same arrays.
_FEW = 4096


def _without(values: np.ndarray, at: np.ndarray) -> np.ndarray:
    """``np.delete(values, at)`` for sorted, distinct ``at``."""
    if not len(at):
        return values
    if len(at) > _FEW:
        return np.delete(values, at)
    bounds = [-1, *at.tolist(), len(values)]
    return np.concatenate([values[a + 1 : b] for a, b in zip(bounds, bounds[1:], strict=False)])


def _insert_sorted(values: np.ndarray, at: np.ndarray, new: np.ndarray) -> np.ndarray:
    """``np.insert(values, at, new)`` for non-decreasing ``at``."""
    if len(at) > _FEW:
        return np.insert(values, at, new)
    new = new.astype(values.dtype, copy=False)
    cuts = [0, *at.tolist(), len(values)]
    parts = []
    for j in range(len(at)):
        parts.append(values[cuts[j] : cuts[j + 1]])
        parts.append(new[j : j + 1])
    parts.append(values[cuts[-2] : cuts[-1]])
    return np.concatenate(parts)


def score_matrix(postings: Postings, lengths: np.ndarray) -> np.ndarray:
    """Lucene BM25 score of every (term, document) entry, as bm25s computes it.

    The IDF and the length norm are computed per term and per document, then spread over the entries
    (the same float32 operations on the same values as entry by entry, so the same scores).
    """
    n = len(lengths)
    if n == 0 or len(postings.docs) == 0:
        return np.zeros(len(postings.docs), dtype=np.float32)
    counts = np.diff(postings.indptr)
    df = counts.astype(np.float64)
    idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5))
    avgdl = float(lengths.mean()) or 1.0
    dl = lengths.astype(np.float32)
    norm = (np.float32(K1) * (np.float32(1 - B) + np.float32(B) * dl / np.float32(avgdl)))[postings.docs]
    tf = postings.tf
    norm += tf
    scores = np.divide(tf, norm, out=norm)
    scores *= np.repeat(idf.astype(np.float32), counts)
    return scores


@dataclass
class Matrix:
    """A loaded BM25 matrix: ``scores`` as bm25s lays it out (``data``, ``indices``, ``indptr`` term-major, and
    ``num_docs``; empty for an empty base) and the vocabulary. Searched with ``scores_for`` and ``ranked_small``."""

    scores: dict[str, Any]
    vocab_dict: dict[str, int]
    faqbot_rows: Any = None  # a small base's postings as Python pairs (``_python_rows``), made on first use
    faqbot_profile: Any = None  # ``profile_weights`` of a large base (``bot.retrieve``), made on first use


def to_matrix(postings: Postings, lengths: np.ndarray, vocab: dict[str, int]) -> Matrix:
    """The matrix ready to search, without running bm25s's Python indexing loop."""
    scores = {
        "data": score_matrix(postings, lengths),
        "indices": postings.docs,
        "indptr": postings.indptr,
        "num_docs": len(lengths),
    }
    return Matrix(scores, dict(vocab))


def save(model: Any, postings: Postings, folder: Path) -> list[Path]:
    """Write bm25s's file layout (readable by ``bm25s.BM25.load``) plus the term frequencies."""
    folder.mkdir(parents=True, exist_ok=True)
    scores = model.scores
    arrays = {
        "data.csc.index.npy": scores["data"],
        "indices.csc.index.npy": scores["indices"],
        "indptr.csc.index.npy": scores["indptr"],
        "tf.npy": postings.tf,
    }
    written = []
    for name, array in arrays.items():
        np.save(folder / name, array, allow_pickle=False)
        written.append(folder / name)
    (folder / "vocab.index.json").write_text(
        json.dumps(model.vocab_dict, ensure_ascii=False), encoding="utf-8"
    )
    params = {"k1": K1, "b": B, "delta": 0.5, "method": "lucene", "idf_method": "lucene", "dtype": "float32",
              "int_dtype": "int32", "num_docs": int(scores["num_docs"]), "version": "faqbot", "backend": "numpy"}  # fmt: skip
    (folder / "params.index.json").write_text(json.dumps(params), encoding="utf-8")
    written += [folder / "vocab.index.json", folder / "params.index.json"]
    return written


def load_postings(folder: Path) -> Postings | None:
    """The term frequencies saved with a matrix (None for versions written before they were kept)."""
    tf_path = folder / "tf.npy"
    if not tf_path.is_file():
        return None
    return Postings(
        np.load(folder / "indptr.csc.index.npy", allow_pickle=False).astype(np.int64, copy=False),
        np.load(folder / "indices.csc.index.npy", allow_pickle=False),
        np.load(tf_path, allow_pickle=False),
    )


def load_model(folder: Path, vocab: dict[str, int], num_docs: int) -> Matrix:
    """The saved matrix (the files ``bm25s.BM25.load`` reads, without re-reading the vocabulary)."""
    scores: dict[str, Any] = {
        name: np.load(folder / f"{name}.csc.index.npy", allow_pickle=False) for name in ("data", "indices", "indptr")
    }
    scores["num_docs"] = num_docs
    return Matrix(scores, vocab)


def scores_for(model: Any, term_ids: Sequence[int]) -> np.ndarray:
    """BM25 score of every document for the query terms (repeated terms count again, as in bm25s)."""
    scores = model.scores
    n = int(scores["num_docs"])
    if not len(term_ids):
        return np.zeros(n, dtype=np.float32)
    indptr, indices, data = scores["indptr"], scores["indices"], scores["data"]
    spans = [(int(indptr[t]), int(indptr[t + 1])) for t in term_ids]
    docs = np.concatenate([indices[a:b] for a, b in spans])
    weights = np.concatenate([data[a:b] for a, b in spans])
    return np.bincount(docs, weights=weights, minlength=n).astype(np.float32)


def profile_weights(model: Any, lengths: np.ndarray) -> np.ndarray:
    """Per entry of the matrix, its term frequency (at most 15) times an odd number below 2**20 taken from its term's
    id: summed over a query's terms (``scores_and_profiles``) they give one number per document, the same for two
    documents that hold each query term equally often (float32 holds these products exactly, float64 adds them
    exactly). The term frequencies are read back from the scores (Lucene BM25: score = idf * tf / (tf + norm)), so
    any matrix has them; ``lengths``: each document's number of tokens, as the scores were computed with.
    ~0.1 s for the 8M entries of a 100k-chunk base, done once per loaded matrix.
    """
    scores = model.scores
    n = int(scores["num_docs"])
    indptr, docs, data = scores["indptr"], scores["indices"], scores["data"]
    if n == 0 or not len(data):
        return np.zeros(len(data), dtype=np.float32)
    counts: np.ndarray = np.diff(np.asarray(indptr, dtype=np.int64)).astype(np.int64)
    df = counts.astype(np.float64)
    idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5)).astype(np.float32)
    avgdl = float(lengths.mean()) or 1.0
    norm = np.float32(K1) * (np.float32(1 - B) + np.float32(B) * lengths.astype(np.float32) / np.float32(avgdl))
    tf = data * norm[docs]
    tf /= np.maximum(np.repeat(idf, counts) - data, np.float32(1e-6))
    np.clip(np.rint(tf, out=tf), 1, 15, out=tf)
    terms = np.arange(len(counts), dtype=np.int64)
    tf *= np.repeat(((terms * 2654435761) % (1 << 20) | 1).astype(np.float32), counts)
    return tf


def scores_and_profiles(model: Any, term_ids: Sequence[int], profile: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``scores_for``, and per document the sum of its ``profile_weights`` entries for the query terms: equal for two
    documents that hold each query term equally often (0 for one without any), which BM25 then tells apart by their
    lengths only."""
    scores = model.scores
    n = int(scores["num_docs"])
    if not len(term_ids):
        return np.zeros(n, dtype=np.float32), np.zeros(n, dtype=np.float64)
    indptr, indices, data = scores["indptr"], scores["indices"], scores["data"]
    spans = [(int(indptr[t]), int(indptr[t + 1])) for t in term_ids]
    docs = np.concatenate([indices[a:b] for a, b in spans])
    weights = np.concatenate([data[a:b] for a, b in spans])
    profiles = np.concatenate([profile[a:b] for a, b in spans])
    return (
        np.bincount(docs, weights=weights, minlength=n).astype(np.float32),
        np.bincount(docs, weights=profiles, minlength=n),
    )


# A base of at most this many chunks is searched in plain Python (``ranked_small``). Searching it with numpy takes
# ~15 numpy calls a question, each a few µs once embedding the question has swept the CPU's caches (the whole BM25
# search of the 31 seed chunks took ~70 µs that way, 16 µs warm); its postings are a few thousand entries.
SMALL_DOCS = 256


def ranked_small(model: Any, term_ids: Sequence[int], k: int) -> list[tuple[int, float]] | None:
    """The top-k (document, score) with score > 0, best first: what sorting ``scores_for`` gives (see
    ``bot.retrieve.bm25_search``), for a base of at most ``SMALL_DOCS`` documents; ``None`` for a larger one.

    Each document's score is summed in float64 in the order ``np.bincount`` sums it, then rounded to float32 as
    ``scores_for`` rounds it. ``None`` too when two positive scores are equal: numpy's partition orders such ties.
    """
    rows = _python_rows(model)
    if rows is None:
        return None
    per_term, n = rows
    sums = [0.0] * n
    for t in term_ids:
        for doc, weight in per_term[t]:
            sums[doc] += weight
    positive = [(s, doc) for doc, s in enumerate(typed_array("f", sums).tolist()) if s > 0]
    if len({s for s, _ in positive}) != len(positive):
        return None
    positive.sort(reverse=True)  # by score: no two are equal
    return [(doc, s) for s, doc in positive[:k]]


def _python_rows(model: Any) -> tuple[list[tuple[tuple[int, float], ...]], int] | None:
    """A small base's postings as Python (document, float64 weight) pairs per term, made once per loaded matrix."""
    rows = getattr(model, "faqbot_rows", None)
    if rows is not None:
        return rows or None
    scores = model.scores
    n = int(scores["num_docs"])
    if n > SMALL_DOCS:
        model.faqbot_rows = ()
        return None
    indptr = np.asarray(scores["indptr"]).tolist()
    docs = np.asarray(scores["indices"]).tolist()
    weights = np.asarray(scores["data"]).astype(np.float64).tolist()
    per_term = [tuple(zip(docs[a:b], weights[a:b], strict=True)) for a, b in zip(indptr, indptr[1:], strict=False)]
    model.faqbot_rows = (per_term, n)
    return model.faqbot_rows


def fsync_files(paths: Sequence[Path]) -> None:
    for path in paths:
        with open(path, "rb") as fh:
            os.fsync(fh.fileno())
