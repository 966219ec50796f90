"""The curated FAQ (knowledge/faq.yaml): answers written and approved by people, each tied to source quotes.

An entry answers directly (mode="faq") only when it is approved, in force today, every quote is still in
the knowledge base, and the resident's question is a close paraphrase of the entry: high embedding
similarity *and* the question's rare words present in the entry. The lexical guard is what stops
"医保个人账户余额咋查" from being answered by "个人账户的钱家里人能用吗".

Schema of one entry::

    - id: mi-family-share
      question: 职工医保个人账户的钱家里人能用吗？
      paraphrases: [个人账户的钱能给家里人用吗, ...]
      answer: 可以。……家庭成员共用共享[1]。
      sources:
        - doc_id: cc-medical-outpatient
          quote: 即职工医保个人账户资金可由家庭成员共用共享。
      effective_from: 2023-01-01
      expires: 2027-12-31
      owner: 医保政策组
      status: approved          # or draft
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bot.errors import IngestError
from bot.lexicon import SentenceText, match
from bot.thesaurus import SYNONYMS
from bot.types import Chunk, Citation, Document
from bot.words import tokenize_cached

MARKER = re.compile(r"\[(\d+)\]")
STATUSES = ("draft", "approved")


@dataclass(frozen=True)
class FaqSource:
    doc_id: str
    quote: str


@dataclass(frozen=True)
class FaqEntry:
    id: str
    question: str
    answer: str
    sources: tuple[FaqSource, ...]
    paraphrases: tuple[str, ...] = ()
    effective_from: dt.date | None = None
    expires: dt.date | None = None
    owner: str = ""
    status: str = "draft"

    def in_force(self, today: dt.date) -> bool:
        if self.status != "approved":
            return False
        if self.effective_from and today < self.effective_from:
            return False
        return not (self.expires and today > self.expires)

    @property
    def phrasings(self) -> list[str]:
        return [self.question, *self.paraphrases]


def _date(value: Any, where: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValueError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from exc


def parse_entries(data: Any) -> tuple[list[FaqEntry], list[str]]:
    """Entries from the parsed YAML, and a message per invalid entry (the rest still load)."""
    entries: list[FaqEntry] = []
    problems: list[str] = []
    items = data.get("entries", data) if isinstance(data, dict) else data
    if not isinstance(items, list):
        return [], ["faq.yaml must be a list of entries"]
    seen: set[str] = set()
    for n, item in enumerate(items, 1):
        eid = str(item.get("id", "")) if isinstance(item, dict) else ""
        where = f"entry {eid or n}"
        try:
            if not isinstance(item, dict):
                raise ValueError("is not a mapping")
            missing = [k for k in ("id", "question", "answer", "sources") if not item.get(k)]
            if missing:
                raise ValueError(f"missing {', '.join(missing)}")
            if eid in seen:
                raise ValueError("duplicate id")
            status = str(item.get("status", "draft"))
            if status not in STATUSES:
                raise ValueError(f"status must be draft or approved, not {status!r}")
            sources = tuple(FaqSource(str(s["doc_id"]), str(s["quote"])) for s in item["sources"])
            markers = {int(m) for m in MARKER.findall(str(item["answer"]))}
            if not markers or not markers <= set(range(1, len(sources) + 1)):
                raise ValueError(f"answer must cite its sources as [1]..[{len(sources)}]")
            entries.append(
                FaqEntry(
                    id=eid,
                    question=str(item["question"]),
                    answer=str(item["answer"]).strip(),
                    sources=sources,
                    paraphrases=tuple(str(p) for p in item.get("paraphrases") or ()),
                    effective_from=_date(item.get("effective_from"), where),
                    expires=_date(item.get("expires"), where),
                    owner=str(item.get("owner", "")),
                    status=status,
                )
            )
            seen.add(eid)
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(f"{where}: {exc}")
    return entries, problems


def load_entries(path: Path) -> tuple[list[FaqEntry], list[str]]:
    """Read faq.yaml; a missing file is an empty FAQ, not an error."""
    if not path.is_file():
        return [], []
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except yaml.YAMLError as exc:
        return [], [f"not valid YAML: {exc}"]
    return parse_entries(data)


def check_quotes(path: Path, documents: Sequence[Document]) -> list[IngestError]:
    """Ingest-time check: every approved entry's quotes must still be in the articles being indexed."""
    entries, problems = load_entries(path)
    errors = [IngestError(str(path), p) for p in problems]
    texts = {d.doc_id: d.text for d in documents}
    for entry in entries:
        if entry.status != "approved":
            continue
        for source in entry.sources:
            if source.doc_id not in texts:
                errors.append(
                    IngestError(
                        str(path),
                        f"entry {entry.id}: source article {source.doc_id} is not in the knowledge base",
                    )
                )
            elif source.quote not in texts[source.doc_id]:
                errors.append(
                    IngestError(
                        str(path),
                        f"entry {entry.id}: quote no longer in {source.doc_id}: “{source.quote[:40]}”",
                    )
                )
    return errors


def _locate(source: FaqSource, chunks: Iterable[Chunk]) -> Citation | None:
    for chunk in chunks:
        if chunk.doc_id == source.doc_id:
            i = chunk.text.find(source.quote)
            if i >= 0:
                start = chunk.start + i
                return Citation(
                    0, chunk.doc_id, chunk.title, chunk.date, source.quote, start, start + len(source.quote)
                )
    return None


@dataclass
class FaqMatch:
    entry: FaqEntry
    similarity: float
    citations: list[Citation]


@dataclass
class FaqBook:
    """The FAQ entries usable with one index version, their phrasing vectors and resolved citations."""

    entries: list[FaqEntry] = field(default_factory=list)
    citations: dict[str, list[Citation]] = field(default_factory=dict)
    vectors: np.ndarray | None = None
    owners: list[int] = field(default_factory=list)  # row of ``vectors`` -> entry position
    problems: list[str] = field(default_factory=list)
    # ``_groups()`` for the owners it was worked out from (their count): computed once, not per question.
    _grouped: tuple[int, tuple[list[int], np.ndarray] | None] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    @classmethod
    def build(cls, path: Path, chunks: Sequence[Chunk], embeddings: Any) -> FaqBook:
        entries, problems = load_entries(path)
        book = cls(problems=list(problems))
        texts: list[str] = []
        for entry in entries:
            cites = [_locate(s, chunks) for s in entry.sources]
            if any(c is None for c in cites):
                book.problems.append(
                    f"entry {entry.id}: a quote is no longer in the knowledge base; entry not used"
                )
                continue
            book.citations[entry.id] = [c for c in cites if c is not None]
            pos = len(book.entries)
            book.entries.append(entry)
            for phrasing in entry.phrasings:
                texts.append(phrasing)
                book.owners.append(pos)
        if texts:
            book.vectors = embeddings.encode(texts)
        return book

    def ranked(self, qvec: np.ndarray, today: dt.date) -> list[tuple[FaqEntry, float]]:
        """In-force entries by their best phrasing's cosine similarity to the question, best first."""
        if self.vectors is None or not len(self.owners):
            return []
        return self._ranked(self.vectors @ qvec, today)

    def _ranked(self, sims: np.ndarray, today: dt.date) -> list[tuple[FaqEntry, float]]:
        """``ranked`` from the phrasings' similarities to the question."""
        groups = self._groups()
        if groups is not None:
            # Each entry's phrasings are consecutive rows: their best in one numpy pass, not a Python step per row.
            positions, starts = groups
            best = dict(zip(positions, np.maximum(np.maximum.reduceat(sims, starts), -1.0).tolist(), strict=True))
        else:
            best = {}
            for row, pos in enumerate(self.owners):
                best[pos] = max(best.get(pos, -1.0), float(sims[row]))
        out = [(self.entries[p], s) for p, s in best.items() if self.entries[p].in_force(today)]
        out.sort(key=lambda x: -x[1])
        return out

    def _groups(self) -> tuple[list[int], np.ndarray] | None:
        """The entry positions and the first row of each one's phrasings, when every entry's rows are together
        in entry order (as ``build`` lays them out); None otherwise."""
        owners = self.owners
        if self._grouped is not None and self._grouped[0] == len(owners):
            return self._grouped[1]
        groups: tuple[list[int], np.ndarray] | None = None
        if all(a <= b for a, b in zip(owners, owners[1:], strict=False)):
            starts = [row for row, pos in enumerate(owners) if row == 0 or pos != owners[row - 1]]
            groups = [owners[row] for row in starts], np.asarray(starts, dtype=np.intp)
        self._grouped = (len(owners), groups)
        return groups

    def match(
        self,
        words: Sequence[str],
        qvec: np.ndarray,
        today: dt.date,
        weight: Callable[[str], float],
        *,
        min_similarity: float,
        min_coverage: float,
        crux: str | Callable[[], str] = "",
        segment: Callable[[str], Sequence[str]] = tokenize_cached,
        fits: Callable[[str, Sequence[Citation]], bool] = lambda answer, citations: True,
    ) -> FaqMatch | None:
        """The entry this question paraphrases, or None.

        Similarity alone is not enough (USE puts "余额咋查" close to "家里人能用吗"): the question's words,
        weighted, must also be in one of the entry's phrasings, and its crux word (补办, 查) must be there.
        ``crux`` may be a function that finds it, called only when some phrasing is close enough. ``fits`` says
        whether an entry's answer, from its sources, gives what is asked ("每个月几号到账" needs a day, which a rate
        does not give).
        """
        if self.vectors is None or not len(self.owners):
            return None
        sims = self.vectors @ qvec
        if float(sims.max()) < min_similarity:
            # Most questions paraphrase no entry: no phrasing is close enough, so none needs ranking (~35 us).
            return None
        if callable(crux):
            crux = crux()
        for entry, sim in self._ranked(sims, today)[:3]:
            if sim < min_similarity:
                break
            if _word_coverage(words, entry, weight, crux, segment) >= min_coverage and fits(
                entry.answer, self.citations[entry.id]
            ):
                return FaqMatch(
                    entry, sim, [_renumber(c, i) for i, c in enumerate(self.citations[entry.id], 1)]
                )
        return None


def _renumber(c: Citation, n: int) -> Citation:
    return Citation(n, c.doc_id, c.title, c.date, c.quote, c.start, c.end)


def _word_coverage(
    words: Sequence[str],
    entry: FaqEntry,
    weight: Callable[[str], float],
    crux: str,
    segment: Callable[[str], Sequence[str]] = tokenize_cached,
) -> float:
    """Weighted share of the question's words found in the entry's best phrasing (0 if the crux is missing).

    ``segment`` cuts a phrasing the way the question was cut, so single characters meet ("寄药" vs "药").
    """
    total = sum(weight(w) for w in words)
    if total <= 0:
        return 0.0
    best = 0.0
    for phrasing in entry.phrasings:
        tokens = (*tokenize_cached(phrasing), *segment(phrasing))
        # A question word meets a phrasing's word through the term both stand for: "老婆" and the phrasing's
        # "家里人" both mean 家庭成员, so "我老婆能用吗" paraphrases "家里人能用吗". The terms are appended after a
        # "|", which no word spans.
        said = sorted({term for token in tokens for term in SYNONYMS.get(token, ())})
        text = SentenceText("|".join((phrasing, *said)), tokens)
        credit = {w: match(w, text) for w in words}
        if crux and credit.get(crux, 0.0) < 0.75:
            continue
        best = max(best, sum(weight(w) * credit[w] for w in words) / total)
    return best
