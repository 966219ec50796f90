"""The dense (FAISS) half of the index: which structure for which size, and updating it in place.

Below ``IVF_THRESHOLD`` chunks the search is exact (``IndexFlatIP``): a query scans every vector,
which costs well under a millisecond up to a few thousand chunks. Above it the vectors go into an
inverted-file index (``IndexIVFFlat``, about 4·√n lists, ``NPROBE`` of them scanned per query),
chosen over HNSW because it can be updated in place: an incremental ingest removes the changed
chunks, renumbers the survivors and adds the new ones, where HNSW has to be rebuilt from scratch
(75 s at 100k chunks here) and recalled less at the same speed. ``NPROBE`` is a search setting, not
a build one: it applies to indexes already on disk. docs/performance.md has the figures.

Labels are always chunk positions, so a search result indexes ``KnowledgeIndex.chunks`` directly.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

FLAT = "flat"
IVF = "ivf"
HNSW = "hnsw"  # read for indexes written before IVF replaced it; never built any more
# docs/performance.md: exact search is 0.8 ms at 10k chunks on an idle machine but 53 ms at 100k
# under load (OpenMP threads sharing busy cores); an IVF search stays under 1 ms. At 100k chunks on
# the dev questions, hybrid hit@1 with nprobe=64 equals exact search (0.804); nprobe=24 loses 3 points.
IVF_THRESHOLD = 20_000
NPROBE = 64
TRAIN_PER_LIST = 48


def choose_kind(n_chunks: int) -> str:
    return IVF if n_chunks >= IVF_THRESHOLD else FLAT


def n_lists(n_chunks: int) -> int:
    return int(min(4096, max(64, round(4 * math.sqrt(n_chunks)))))


def describe(index: Any, kind: str) -> dict[str, Any]:
    info: dict[str, Any] = {"kind": kind}
    if kind == IVF:
        import faiss

        ivf = faiss.extract_index_ivf(index)
        info.update(nlist=int(ivf.nlist), nprobe=int(ivf.nprobe))
    return info


def build(vectors: np.ndarray, dimension: int, kind: str, seed: int = 1234) -> Any:
    """A new index over ``vectors`` (row i gets label i)."""
    import faiss

    if kind == IVF and len(vectors) >= IVF_THRESHOLD // 4:
        nlist = n_lists(len(vectors))
        quantizer = faiss.IndexFlatIP(dimension)
        index = faiss.IndexIVFFlat(quantizer, dimension, nlist, faiss.METRIC_INNER_PRODUCT)
        rng = np.random.default_rng(seed)
        sample_size = min(len(vectors), nlist * TRAIN_PER_LIST)
        sample = vectors[np.sort(rng.choice(len(vectors), sample_size, replace=False))]
        index.cp.seed = seed
        index.train(np.ascontiguousarray(sample, dtype=np.float32))
        index.nprobe = NPROBE
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        return index
    flat = faiss.IndexFlatIP(dimension)
    if len(vectors):
        flat.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return flat


def kind_of(index: Any) -> str:
    import faiss

    if isinstance(index, faiss.IndexIVF):
        return IVF
    if isinstance(index, faiss.IndexHNSW):
        return HNSW
    return FLAT


def update_ivf(
    index: Any, new_position: np.ndarray, added_positions: np.ndarray, added_vectors: np.ndarray
) -> Any:
    """Apply an incremental build to a trained IVF index in place.

    ``new_position[old]`` is the new label of the chunk that had label ``old`` (-1: removed);
    ``added_positions`` are the labels of the new chunks, whose vectors are ``added_vectors``.
    """
    import faiss

    gone = np.flatnonzero(new_position < 0).astype(np.int64)
    if len(gone):
        index.remove_ids(faiss.IDSelectorBatch(len(gone), faiss.swig_ptr(gone)))
    lookup = new_position.astype(np.int64)
    if not np.array_equal(lookup[lookup >= 0], np.arange(int((lookup >= 0).sum()))) or len(gone):
        invlists = index.invlists
        for list_no in range(index.nlist):
            size = invlists.list_size(list_no)
            if size:
                ids = faiss.rev_swig_ptr(invlists.get_ids(list_no), size)
                ids[:] = lookup[ids]
    if len(added_positions):
        index.add_with_ids(
            np.ascontiguousarray(added_vectors, dtype=np.float32),
            np.ascontiguousarray(added_positions, dtype=np.int64),
        )
    return index
