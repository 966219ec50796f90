"""The values that flow through the pipeline: Document -> Chunk -> Hit -> Answer."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

AnswerMode = Literal["faq", "extractive", "llm", "declined"]


@dataclass(frozen=True)
class Document:
    """One knowledge article. ``text`` is the body exactly as stored; offsets point into it."""

    doc_id: str
    title: str
    date: dt.date
    text: str
    source: str = ""
    topics: tuple[str, ...] = ()
    region: tuple[str, ...] = ()
    path: str = ""
    content_hash: str = ""


@dataclass(frozen=True)
class Chunk:
    """A run of whole sentences of one document; ``text == document.text[start:end]``."""

    chunk_id: str
    doc_id: str
    title: str
    date: dt.date
    text: str
    start: int
    end: int
    heading: str = ""
    topics: tuple[str, ...] = ()
    region: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["date"] = self.date.isoformat()
        data["topics"] = list(self.topics)
        data["region"] = list(self.region)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Chunk:
        return cls(
            chunk_id=data["chunk_id"],
            doc_id=data["doc_id"],
            title=data["title"],
            date=dt.date.fromisoformat(data["date"]),
            text=data["text"],
            start=int(data["start"]),
            end=int(data["end"]),
            heading=data.get("heading", ""),
            topics=tuple(data.get("topics", ())),
            region=tuple(data.get("region", ())),
        )


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with the evidence for it: fused score and each retriever's score and rank."""

    chunk: Chunk
    score: float
    dense_score: float | None = None
    bm25_score: float | None = None
    dense_rank: int | None = None
    bm25_rank: int | None = None


@dataclass(frozen=True)
class Citation:
    """Where a sentence of an answer comes from: the exact quoted source text and its offsets."""

    n: int
    doc_id: str
    title: str
    date: dt.date
    quote: str
    start: int = 0
    end: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "doc_id": self.doc_id,
            "title": self.title,
            "date": self.date.isoformat(),
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
        }


@dataclass
class Answer:
    """What every channel receives. ``answered`` is False when the bot declines."""

    text: str
    answered: bool
    citations: list[Citation] = field(default_factory=list)
    confidence: float = 0.0
    mode: AnswerMode = "extractive"
    question: str = ""
    rewritten_question: str = ""
    topic: str | None = None
    # A short line that hands over to a person; set on declined answers.
    handoff: str = ""
    # Passages that were retrieved but not quoted: the staff panel offers them as alternatives.
    alternatives: list[Citation] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "answer": self.text,
            "answered": self.answered,
            "citations": [c.to_dict() for c in self.citations],
            "confidence": round(self.confidence, 4),
            "mode": self.mode,
            "question": self.question,
            "rewritten_question": self.rewritten_question,
            "topic": self.topic,
            "handoff": self.handoff,
            "alternatives": [c.to_dict() for c in self.alternatives],
        }
