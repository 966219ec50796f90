"""Which chunks count what: the retrieval side of "几个工作组", "多少项问题", "几级医院".

A question asking how many of something is answered by a sentence that counts it ("…组成的5个帮扶工作组").
In a large base the words of such a question ("生态强省", "督导", "帮扶", "工作组") are in thousands of chunks
that only mention the programme, and the one chunk that gives the count falls out of both the BM25 and the dense
rankings' top 2,000 (measured on the 100k-chunk base of ``scripts/bench_scale.py``). So the index is read once for
every count it states: the measure word and the characters right after it, the way ``question.count_score`` judges
a sentence. The retriever then ranks, by BM25, only the chunks that count the asked thing in the asked unit, and
fuses that ranking with the others.

Built from the chunk texts when an index loads (~0.2 s for 100k chunks on these cores: numpy over the code points of
all the texts at once, no Python per count), kept per index version, read-only afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from bot.types import Chunk

# What counts as a count: a run of digits (full-width too) or Chinese numerals, an optional 余/多 and 万/亿, then the
# measure word, a Han character. A bare 一 before the measure word is mostly "a", not a count ("一个大棚", "一张清单"),
# as ``question._is_a`` says for sentences. Found with numpy over the code points of all the texts at once: the same
# counts as the regular expression ``question.count_score`` uses, in 0.075 s instead of 0.5 s for 100k chunks.
_NUMERALS = "0123456789０１２３４５６７８９一二两三四五六七八九十百千万亿.．"
_IS_NUMERAL = np.zeros(0x110000, dtype=bool)  # every code point: one lookup, no clamp to the BMP first
_IS_NUMERAL[[ord(ch) for ch in _NUMERALS]] = True
# How far after the measure word the counted thing may start: "5个帮扶工作组" names 工作组 four characters on.
# ``question.count_score`` looks as far (six characters after the count, which include the measure word's own).
AFTER = 6
_CHAR_BITS = 21  # code points fit in 21 bits: a key is (measure word << 21) | a character after it
_CHUNK_BITS = 26  # a (key, chunk) pair in one int64: keys take 37 bits (a measure word is in the BMP), chunk positions up to 2**26 (67M)
# Between two chunks: no count runs across it (the pattern needs a Han character after the number), and what follows
# a count at the end of a chunk is read from it, not from the next chunk.
_SEPARATOR = "\n" * AFTER


def _key(unit: str, char: str) -> int:
    return (ord(unit) << _CHAR_BITS) | ord(char)


@dataclass(frozen=True)
class CountIndex:
    """Chunks by (measure word, character soon after it): ``positions[starts[i]:starts[i+1]]`` hold ``keys[i]``."""

    keys: np.ndarray  # int64, sorted, unique
    starts: np.ndarray  # int64, len(keys) + 1
    positions: np.ndarray  # int32 chunk positions
    # ``stating``'s answers, by units: a few tuples of units are ever asked for, and a union over a large base's
    # dated chunks costs more than the lookup.
    _stating: dict[tuple[str, ...], np.ndarray] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def build(cls, chunks: Sequence[Chunk]) -> CountIndex:
        texts = [c.text for c in chunks]
        codes = np.frombuffer((_SEPARATOR.join(texts) + " " * (AFTER + 2)).encode("utf-32-le"), dtype=np.uint32)
        ends = _count_ends(codes)
        if not len(ends):
            empty = np.zeros(0, dtype=np.int64)
            return cls(empty, np.zeros(1, dtype=np.int64), empty.astype(np.int32))
        # Chunk of every count: the offsets where chunks start, searched in one call.
        lengths = np.array([len(t) for t in texts], dtype=np.int64) + len(_SEPARATOR)
        first = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        chunk = np.searchsorted(first, ends, side="right") - 1
        unit = codes[ends - 1].astype(np.int64)  # the measure word ends the count
        following = codes[ends[:, None] + np.arange(AFTER)].astype(np.int64)  # (counts, AFTER)
        keys = (unit[:, None] << _CHAR_BITS) | following
        pairs = np.sort(((keys << _CHUNK_BITS) | chunk[:, None]).ravel())  # key-major
        pairs = pairs[np.diff(pairs, prepend=-1) != 0]  # each (key, chunk) once (np.unique hashes: 8x slower here)
        pair_keys = pairs >> _CHUNK_BITS
        firsts = np.flatnonzero(np.diff(pair_keys, prepend=-1))
        return cls(
            pair_keys[firsts],
            np.append(firsts, len(pairs)).astype(np.int64),
            (pairs & ((1 << _CHUNK_BITS) - 1)).astype(np.int32),
        )

    def counting(self, units: Iterable[str], heads: Iterable[str]) -> np.ndarray:
        """Positions of the chunks counting in one of ``units`` with one of ``heads`` soon after, ascending."""
        wanted = np.asarray(sorted({_key(u, h) for u in units for h in heads if u and h}), dtype=np.int64)
        if not len(wanted) or not len(self.keys):
            return np.zeros(0, dtype=np.int32)
        at = np.searchsorted(self.keys, wanted)
        found = at[(at < len(self.keys)) & (self.keys[np.minimum(at, len(self.keys) - 1)] == wanted)]
        if not len(found):
            return np.zeros(0, dtype=np.int32)
        return np.unique(np.concatenate([self.positions[self.starts[i] : self.starts[i + 1]] for i in found]))

    def stating(self, units: Iterable[str]) -> np.ndarray:
        """Positions of the chunks with a number in one of ``units``, whatever follows it, ascending ("1月1日起" for
        月 and 日)."""
        key = tuple(sorted(set(units)))
        found = self._stating.get(key)
        if found is None:
            bounds = np.searchsorted(self.keys, [(ord(u) << _CHAR_BITS, (ord(u) + 1) << _CHAR_BITS) for u in key])
            spans = [self.positions[self.starts[a] : self.starts[b]] for a, b in bounds.reshape(-1, 2) if b > a]
            found = np.unique(np.concatenate(spans)) if spans else np.zeros(0, dtype=np.int32)
            self._stating[key] = found
        return found


def _count_ends(codes: np.ndarray) -> np.ndarray:
    """Offsets just past the measure word of every count in ``codes`` (code points, padded with spaces at the end)."""
    at = np.flatnonzero(_IS_NUMERAL[codes])  # the numerals (a few % of the text): runs are found among them only
    if not len(at):
        return np.zeros(0, dtype=np.int64)
    gap = np.diff(at) != 1
    starts = at[np.concatenate([[True], gap])]
    unit_at = at[np.concatenate([gap, [True]])] + 1  # just past each run of numerals
    more = codes[unit_at]
    unit_at += (more == ord("余")) | (more == ord("多"))
    more = codes[unit_at]
    unit_at += (more == ord("万")) | (more == ord("亿"))
    unit = codes[unit_at]
    han = (unit >= 0x4E00) & (unit <= 0x9FFF)
    bare_one = (unit_at - starts == 1) & (codes[starts] == ord("一"))  # 一 alone, no 余/多 after it
    return (unit_at[han & ~bare_one] + 1).astype(np.int64)
