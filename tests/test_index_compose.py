"""Putting a version's base and delta together at load (``bot/index_files.py``, ``bot/sparse.py``): the fast paths
(slices per run of rows, per-term and per-document BM25 factors) must give exactly the arrays the plain gathers,
``np.insert``/``np.delete`` and the entry-by-entry BM25 formula give, for any order of rows."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest

from bot import sparse
from bot.index_files import Delta, compose_tokens, decode_chunks
from bot.types import Chunk


def _gathered(base: tuple[np.ndarray, np.ndarray], delta: Delta, order: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lengths = np.concatenate([base[0], delta.lengths]).astype(np.int64)
    flat = np.concatenate([base[1], delta.flat]).astype(np.int32)
    bounds = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    parts = [flat[bounds[s] : bounds[s + 1]] for s in order.tolist()]
    return lengths[order], np.concatenate(parts).astype(np.int32) if parts else np.zeros(0, np.int32)


def _scores_entry_by_entry(postings: sparse.Postings, lengths: np.ndarray) -> np.ndarray:
    n = len(lengths)
    df = np.diff(postings.indptr).astype(np.float64)
    idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5))
    term_of = np.repeat(np.arange(postings.vocab_size), np.diff(postings.indptr))
    dl = lengths[postings.docs].astype(np.float32)
    norm = np.float32(sparse.K1) * (np.float32(1 - sparse.B) + np.float32(sparse.B) * dl / np.float32(lengths.mean()))
    return (idf.astype(np.float32)[term_of] * (postings.tf / (norm + postings.tf))).astype(np.float32)


def test_tokens_in_position_order_are_the_rows_gathered_one_by_one() -> None:
    rng = np.random.default_rng(0)
    for trial in range(300):
        n_base, n_delta = int(rng.integers(0, 30)), int(rng.integers(0, 10))
        base_lengths, delta_lengths = rng.integers(0, 5, n_base), rng.integers(0, 5, n_delta)
        base = (base_lengths.astype(np.int64), rng.integers(0, 100, int(base_lengths.sum())).astype(np.int32))
        delta = Delta(
            [b""] * n_delta,
            np.zeros((n_delta, 2), np.float32),
            delta_lengths.astype(np.int64),
            rng.integers(0, 100, int(delta_lengths.sum())).astype(np.int32),
        )
        ids = np.arange(n_base + n_delta)
        picked = int(rng.integers(0, len(ids) + 1))
        # Shuffled rows, rows kept in storage order with some dropped (an update), and every row in order.
        order = (rng.permutation(ids)[:picked], np.sort(rng.choice(ids, picked, replace=False)), ids)[trial % 3]
        order = order.astype(np.int64)
        lengths, flat = compose_tokens(base, delta, order)
        want_lengths, want_flat = _gathered(base, delta, order)
        assert lengths.dtype == want_lengths.dtype and flat.dtype == want_flat.dtype
        assert np.array_equal(lengths, want_lengths) and np.array_equal(flat, want_flat), order


@pytest.mark.parametrize("few", [sparse._FEW, 0])
def test_updated_postings_and_scores_are_what_a_mask_and_the_plain_formula_give(
    few: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sparse, "_FEW", few)  # 0: every removal and insertion through np.delete / np.insert
    rng = np.random.default_rng(1)
    for _ in range(200):
        n, vocab = int(rng.integers(1, 60)), int(rng.integers(1, 40))
        lengths = rng.integers(0, 12, n).astype(np.int64)
        old = sparse.build_postings(lengths, rng.integers(0, vocab, int(lengths.sum())).astype(np.int32), vocab)
        kept = rng.random(n) < 0.8
        n_added = int(rng.integers(0, 6))
        total = int(kept.sum()) + n_added
        new_position = np.full(n, -1, np.int64)
        new_position[kept] = np.sort(rng.choice(total, int(kept.sum()), replace=False))
        added_at = np.setdiff1d(np.arange(total), new_position[kept])
        grown = vocab + int(rng.integers(0, 4))
        added_lengths = rng.integers(0, 8, n_added).astype(np.int64)
        terms, docs, tf = sparse.entries(added_lengths, rng.integers(0, grown, int(added_lengths.sum())).astype(np.int32))
        updated = sparse.update_postings(old, new_position, (terms, added_at[docs], tf), grown)

        # What the update stands for: drop, renumber, insert each added entry after its term's kept ones.
        moved = new_position[old.docs]
        dropped = np.flatnonzero(moved < 0)
        indptr = old.indptr - np.searchsorted(dropped, old.indptr)
        indptr = np.concatenate([indptr, np.full(grown - vocab, indptr[-1])])
        by_term = np.argsort(terms, kind="stable")
        at = indptr[terms[by_term] + 1]
        want_docs = np.insert(np.delete(moved, dropped), at, added_at[docs][by_term]).astype(np.int32)
        want_tf = np.insert(np.delete(old.tf, dropped), at, tf[by_term]).astype(np.float32)
        assert np.array_equal(updated.docs, want_docs) and updated.docs.dtype == np.int32
        assert np.array_equal(updated.tf, want_tf) and updated.tf.dtype == np.float32
        want_indptr = indptr + np.concatenate([[0], np.cumsum(np.bincount(terms, minlength=grown))])
        assert np.array_equal(updated.indptr, want_indptr) and updated.indptr.dtype == np.int64

        new_lengths = np.zeros(total, np.int64)
        new_lengths[new_position[kept]] = lengths[kept]
        new_lengths[added_at] = added_lengths
        if total:
            scores = sparse.score_matrix(updated, new_lengths)
            want = _scores_entry_by_entry(updated, new_lengths)
            assert scores.dtype == np.float32 and np.array_equal(scores.view(np.uint32), want.view(np.uint32))


def test_chunks_decode_as_from_dict_decodes_them_sharing_dates_and_tuples() -> None:
    written = [
        Chunk(f"d{i % 3}#{i}", f"d{i % 3}", "标题", dt.date(2023, 1, 1 + i % 2), f"第{i}句。", 0, 4, "标题 > 一", ("gas",), ("长春",))
        for i in range(6)
    ]
    lines = [(json.dumps(c.to_dict(), ensure_ascii=False) + "\n").encode() for c in written]
    old_style = {k: v for k, v in written[0].to_dict().items() if k not in ("heading", "region")}  # fields added later
    lines.append(json.dumps(old_style, ensure_ascii=False).encode())
    decoded = decode_chunks(lines)
    assert decoded == [*written, Chunk.from_dict(old_style)]
    assert [c.to_dict() for c in decoded[:-1]] == [c.to_dict() for c in written]
    assert decoded[0].topics is decoded[5].topics and decoded[0].date is decoded[2].date
    assert hash(decoded[1]) == hash(written[1]) and isinstance(decoded[1].date, dt.date)
    with pytest.raises(AttributeError):
        decoded[0].text = "changed"  # type: ignore[misc]  # still frozen
