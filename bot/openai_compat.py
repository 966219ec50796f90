"""OpenAI-compatible ``/v1/chat/completions`` and ``/v1/models`` for the chat bridges people already run.

chatgpt-on-wechat, Wechaty bots and the ``openai`` package speak exactly this. Bridges keep the
conversation themselves and send it all, so the history comes from ``messages`` (earlier user and
assistant turns), never from a session id; ``system`` messages and sampling options are ignored
because answers come only from the knowledge base. WeChat shows only text, so the answer carries its
sources as short footnotes; the structured ``citations`` ride along as an extra field.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Any, Literal

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from bot.conversations import HISTORY_TURNS, AskResult
from bot.deps import ApiKey, ServiceDep
from bot.http_errors import AUTH_RESPONSES, ERROR_RESPONSES, ApiError, ErrorBody, error_body
from bot.sse import SSE_EVENT_SCHEMA, SSE_HEADERS, iterate_in_thread, sse_event
from bot.types import Answer

MODEL_ID = "faqbot"
MODEL_CREATED = 1_672_531_200  # 2023-01-01, the knowledge base's first edition
FOOTNOTE_HEAD = "\n\n来源："

router = APIRouter(
    prefix="/v1", tags=["openai"], dependencies=[ApiKey], responses={**AUTH_RESPONSES, **ERROR_RESPONSES}
)


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)

    role: str = Field(description="system | developer | user | assistant | tool")
    content: str | list[dict[str, Any]] | None = Field(
        default=None, description="文字，或 OpenAI 内容片段列表 / text or content parts"
    )


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)

    include_usage: bool = False


class ChatCompletionRequest(BaseModel):
    """OpenAI 格式的对话请求；未知字段（temperature、tools 等）会被忽略。 / Unknown fields are ignored."""

    model_config = ConfigDict(extra="ignore", strict=True)

    model: str = Field(
        description=f"模型编号，使用 {MODEL_ID!r} / Model id: {MODEL_ID!r}", examples=[MODEL_ID]
    )
    messages: list[ChatMessage] = Field(
        min_length=1, max_length=200, description="对话消息 / Conversation messages"
    )
    stream: bool | None = Field(default=False, description="流式返回 (SSE) / Stream as Server-Sent Events")
    stream_options: StreamOptions | None = None


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


def _model_card() -> ModelCard:
    return ModelCard(id=MODEL_ID, created=MODEL_CREATED, owned_by="faqbot")


def message_text(content: str | list[dict[str, Any]] | None) -> str:
    """Plain text of a message: a string, or the ``text`` parts of a content list."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    return "".join(str(part.get("text") or "") for part in content if part.get("type", "text") == "text")


def strip_footnotes(text: str) -> str:
    """An earlier answer as the bridge sends it back, without the source footnotes we appended."""
    return text.split(FOOTNOTE_HEAD, 1)[0].strip()


def question_and_history(messages: Sequence[ChatMessage]) -> tuple[str, list[Any]]:
    """The last user message is the question; earlier user/assistant pairs are the conversation."""
    from bot.chain import Turn

    last_user = max((i for i, m in enumerate(messages) if m.role == "user"), default=None)
    if last_user is None:
        raise ApiError(
            400,
            "no_user_message",
            "对话中没有用户的提问。",
            "messages must contain a user message.",
            param="messages",
        )
    turns: list[Turn] = []
    pending: str | None = None
    for m in messages[:last_user]:
        if m.role == "user":
            if pending:
                turns.append(Turn(question=pending))
            pending = message_text(m.content).strip() or None
        elif m.role == "assistant" and pending:
            turns.append(Turn(question=pending, answer=strip_footnotes(message_text(m.content))))
            pending = None
    if pending:
        turns.append(Turn(question=pending))
    return message_text(messages[last_user].content), turns[-HISTORY_TURNS:]


def footnotes(answer: Answer) -> str:
    """``\\n\\n来源：\\n[1][2]《标题》2023-01-05`` — one line per article, in citation order."""
    if not answer.citations:
        return ""
    by_doc: dict[str, list[int]] = {}
    titles: dict[str, str] = {}
    for c in answer.citations:
        by_doc.setdefault(c.doc_id, []).append(c.n)
        titles[c.doc_id] = f"《{c.title}》{c.date.isoformat()}"
    lines = ["".join(f"[{n}]" for n in ns) + titles[doc] for doc, ns in by_doc.items()]
    return FOOTNOTE_HEAD + "\n" + "\n".join(lines)


_TOKEN = re.compile(r"[\u3000-\u9fff\uff00-\uffef]|[A-Za-z0-9]+|[^\sA-Za-z0-9]")


def count_tokens(text: str) -> int:
    """A tokenizer-free estimate: one token per Chinese character, word or symbol."""
    return len(_TOKEN.findall(text))


def _citations(answer: Answer) -> list[dict[str, Any]]:
    return [
        {"n": c.n, "doc_id": c.doc_id, "title": c.title, "date": c.date.isoformat(), "quote": c.quote}
        for c in answer.citations
    ]


def _usage(prompt_tokens: int, content: str) -> dict[str, int]:
    completion = max(1, count_tokens(content))
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion,
        "total_tokens": prompt_tokens + completion,
    }


def _check_model(model: str) -> None:
    if model != MODEL_ID:
        raise ApiError(
            404,
            "model_not_found",
            f"没有这个模型，请使用 {MODEL_ID}。",
            f"The model {model!r} does not exist: use {MODEL_ID!r}.",
            param="model",
        )


@router.get("/models", response_model=ModelList, summary="模型列表 / List models")
def list_models() -> ModelList:
    return ModelList(data=[_model_card()])


@router.get(
    "/models/{model_id}",
    response_model=ModelCard,
    responses={404: {"model": ErrorBody, "description": "没有这个模型 / Unknown model"}},
    summary="模型信息 / Retrieve a model",
)
def get_model(model_id: str) -> ModelCard:
    _check_model(model_id)
    return _model_card()


@router.post(
    "/chat/completions",
    responses={
        200: {
            "description": "chat.completion，或 stream=true 时的 chat.completion.chunk 事件流 / a completion, or a chunk stream",
            "content": {"text/event-stream": {"schema": SSE_EVENT_SCHEMA}},
        },
        404: {"model": ErrorBody, "description": "没有这个模型 / Unknown model"},
    },
    summary="对话补全（OpenAI 兼容）/ Chat completion (OpenAI-compatible)",
    description="最后一条 user 消息是问题，之前的 user/assistant 消息是上下文；答案末尾附来源脚注。"
    " / The last user message is the question, earlier user/assistant turns the context; sources are footnoted.",
)
async def chat_completions(body: ChatCompletionRequest, service: ServiceDep) -> Any:
    _check_model(body.model)
    question, history = question_and_history(body.messages)
    prompt_tokens = sum(count_tokens(message_text(m.content)) for m in body.messages)
    created = int(time.time())
    if not body.stream:

        def answer() -> AskResult:
            return service.ask(question, channel="openai", history=history)

        result = answer() if service.answers_inline else await run_in_threadpool(answer)
        content = result.answer.text + footnotes(result.answer)
        return {
            "id": f"chatcmpl-{result.message_id}",
            "object": "chat.completion",
            "created": created,
            "model": MODEL_ID,
            "system_fingerprint": f"faqbot-{service.index_version()}",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": "stop",
                    "logprobs": None,
                }
            ],
            "usage": _usage(prompt_tokens, content),
            "citations": _citations(result.answer),
            "answered": result.answer.answered,
        }
    items = await run_in_threadpool(lambda: service.stream(question, channel="openai", history=history))
    include_usage = bool(body.stream_options and body.stream_options.include_usage)
    return StreamingResponse(
        _chunks(items, created, prompt_tokens, include_usage, f"faqbot-{service.index_version()}"),
        media_type="text/event-stream",
        headers=SSE_HEADERS,
    )


async def _chunks(
    items: Any, created: int, prompt_tokens: int, include_usage: bool, fingerprint: str
) -> AsyncIterator[str]:
    completion_id = f"chatcmpl-{uuid.uuid4().hex}"

    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        data: dict[str, Any] = {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": MODEL_ID,
            "system_fingerprint": fingerprint,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
            **extra,
        }
        if include_usage:
            data.setdefault("usage", None)
        return sse_event(data)

    yield chunk({"role": "assistant", "content": ""})
    sent = ""
    try:
        async for item in iterate_in_thread(items):
            if isinstance(item, str):
                sent += item
                yield chunk({"content": item})
                continue
            answer = item.answer
            tail = footnotes(answer)
            if tail:
                sent += tail
                yield chunk({"content": tail})
            yield chunk({}, "stop", citations=_citations(answer), answered=answer.answered)
            if include_usage:
                yield sse_event(
                    {
                        "id": completion_id,
                        "object": "chat.completion.chunk",
                        "created": created,
                        "model": MODEL_ID,
                        "system_fingerprint": fingerprint,
                        "choices": [],
                        "usage": _usage(prompt_tokens, sent),
                    }
                )
    except Exception as exc:
        yield sse_event(
            error_body(
                500,
                "internal_error",
                "服务出错了，请稍后再试。",
                f"Internal server error: {type(exc).__name__}.",
            )
        )
    yield sse_event("[DONE]")
