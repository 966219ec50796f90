"""Request and response bodies of the JSON API (``/api/v1/*``), with Chinese and English field docs."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.conversations import AskResult

Channel = Literal["web", "staff", "wechat", "api"]


class AskRequest(BaseModel):
    """提问 / A question, optionally continuing a conversation."""

    # Strict: 0 is not false and 123 is not a question; wrong types get a clear 422.
    model_config = ConfigDict(strict=True)

    question: str = Field(
        min_length=1,
        max_length=2000,
        description="居民的问题，去掉首尾空白后 1 到 500 字 / The question, 1-500 characters after trimming",
        examples=["长春职工医保门诊共济是从啥时候开始的"],
    )
    session_id: str | None = Field(
        default=None,
        max_length=128,
        description="会话编号；不填则新开一个会话 / Conversation id; omit to start a new one",
    )
    channel: Channel = Field(default="api", description="渠道 / Channel the question came from")
    detail: bool = Field(default=False, description="附带更多检索细节 / Include retrieval details")


class CitationOut(BaseModel):
    n: int = Field(description="答案中的编号 [n] / Marker number in the answer")
    doc_id: str = Field(description="文章编号 / Article id")
    title: str = Field(description="文章标题 / Article title")
    date: str = Field(description="文章日期 / Article date (YYYY-MM-DD)")
    quote: str = Field(description="引用的原文 / Quoted source text")


class AskResponse(BaseModel):
    """回答 / The answer with its sources."""

    answer: str = Field(description="回答正文，[n] 指向来源 / Answer text; [n] marks a source")
    answered: bool = Field(description="是否依据知识库作答；否则为转人工提示 / False when the bot declines")
    citations: list[CitationOut] = Field(description="来源 / Sources, numbered as in the text")
    session_id: str = Field(description="会话编号，追问时带上 / Conversation id for follow-up questions")
    message_id: str = Field(description="本条回答的编号，用于反馈 / Id of this answer, for feedback")
    mode: str = Field(description="回答方式 faq|extractive|llm|declined / How the answer was made")
    handoff: str = Field(default="", description="转人工提示 / Where to get human help (declined answers)")
    detail: dict[str, Any] | None = Field(
        default=None, description="检索细节（detail=true 时）/ Details when requested"
    )


def ask_response(result: AskResult, detail: bool = False) -> dict[str, Any]:
    a = result.answer
    data: dict[str, Any] = {
        "answer": a.text,
        "answered": a.answered,
        "citations": [
            {"n": c.n, "doc_id": c.doc_id, "title": c.title, "date": c.date.isoformat(), "quote": c.quote}
            for c in a.citations
        ],
        "session_id": result.session_id,
        "message_id": result.message_id,
        "mode": a.mode,
        "handoff": a.handoff,
        "detail": None,
    }
    if detail:
        full = a.to_dict()
        data["detail"] = {
            "confidence": full["confidence"],
            "rewritten_question": full["rewritten_question"],
            "topic": full["topic"],
            "alternatives": full["alternatives"],
            "citations": full["citations"],
            "latency_ms": round(result.latency_ms, 1),
        }
    return data


class FeedbackRequest(BaseModel):
    """对回答的评价 / Rating of an answer."""

    model_config = ConfigDict(strict=True)

    message_id: str = Field(min_length=1, max_length=64, description="回答编号 / The answer's message_id")
    rating: Literal["up", "down"] = Field(description="up 有帮助 / down 没帮助")
    comment: str | None = Field(default=None, max_length=1000, description="留言（可选）/ Optional comment")


class FeedbackResponse(BaseModel):
    ok: bool = True
    message: str = Field(default="谢谢您的反馈。", description="确认 / Confirmation")


class Health(BaseModel):
    status: str
    ready: bool = False
    index_version: str | None = None
    detail: str | None = None
