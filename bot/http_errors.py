"""One error body for every endpoint, in OpenAI's shape plus the message in Chinese and English.

    {"error": {"message": "请输入您的问题。 (The question is empty …)", "message_zh": "…", "message_en": "…",
               "type": "invalid_request_error", "param": "question", "code": "invalid_question"}}

OpenAI clients (bridges, the ``openai`` package) read ``error.message``; residents' pages show
``message_zh``. Library errors become HTTP errors only here, at the edge.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot.errors import FaqBotError, InputError

log = logging.getLogger("faqbot.api")


class ErrorDetail(BaseModel):
    message: str = Field(description="中文说明与英文说明 / Chinese and English message")
    message_zh: str = Field(description="中文说明 / message in Chinese")
    message_en: str = Field(description="英文说明 / message in English")
    type: str = Field(description="错误类别 / error class (OpenAI style)")
    param: str | None = Field(default=None, description="出错的字段 / offending field")
    code: str | None = Field(default=None, description="机器可读代码 / machine-readable code")


class ErrorBody(BaseModel):
    """错误响应 / Error response."""

    error: ErrorDetail


def _type_for(status: int) -> str:
    if status == 401:
        return "authentication_error"
    if status == 403:
        return "permission_error"
    if status == 429:
        return "rate_limit_error"
    if status >= 500:
        return "server_error"
    return "invalid_request_error"


def error_body(status: int, code: str, zh: str, en: str, param: str | None = None) -> dict[str, Any]:
    return {
        "error": {
            "message": f"{zh} ({en})",
            "message_zh": zh,
            "message_en": en,
            "type": _type_for(status),
            "param": param,
            "code": code,
        }
    }


def error_response(
    status: int,
    code: str,
    zh: str,
    en: str,
    *,
    param: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(error_body(status, code, zh, en, param), status_code=status, headers=headers)


class ApiError(Exception):
    """Raised by routes and dependencies; rendered as the error body above."""

    def __init__(
        self,
        status: int,
        code: str,
        zh: str,
        en: str,
        *,
        param: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(en)
        self.status, self.code, self.zh, self.en, self.param, self.headers = (
            status,
            code,
            zh,
            en,
            param,
            headers,
        )

    def response(self) -> JSONResponse:
        return error_response(
            self.status, self.code, self.zh, self.en, param=self.param, headers=self.headers
        )


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text}
    for status, text in {
        400: "请求无效 / Bad request (invalid JSON or UTF-8)",
        413: "请求体超过 64 KiB / Body larger than 64 KiB",
        422: "字段缺失或格式不对 / Missing or malformed field",
        429: "请求太频繁，见 Retry-After / Rate limited, see Retry-After",
        503: "知识库尚未就绪 / Index not loaded yet",
    }.items()
}
AUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "缺少或错误的 API 密钥 / Missing or wrong API key"},
    403: {
        "model": ErrorBody,
        "description": "管理接口未启用 / Admin endpoints disabled (no FAQBOT_API_KEYS)",
    },
}

_TYPE_TEXT: dict[str, tuple[str, str]] = {
    "missing": ("缺少字段“{f}”。", "Field '{f}' is required."),
    "string_type": ("字段“{f}”应为文字。", "Field '{f}' must be a string."),
    "bool_type": ("字段“{f}”应为 true 或 false。", "Field '{f}' must be true or false."),
    "bool_parsing": ("字段“{f}”应为 true 或 false。", "Field '{f}' must be true or false."),
    "list_type": ("字段“{f}”应为列表。", "Field '{f}' must be a list."),
    "dict_type": ("字段“{f}”应为对象。", "Field '{f}' must be an object."),
    "model_type": ("字段“{f}”应为对象。", "Field '{f}' must be an object."),
    "model_attributes_type": ("请求体应为 JSON 对象。", "The body must be a JSON object."),
    "literal_error": ("字段“{f}”的取值不对。", "Field '{f}' has a value that is not allowed: {msg}."),
    "enum": ("字段“{f}”的取值不对。", "Field '{f}' has a value that is not allowed: {msg}."),
    "string_too_long": ("字段“{f}”太长了。", "Field '{f}' is too long: {msg}."),
    "string_too_short": ("字段“{f}”不能为空。", "Field '{f}' is too short: {msg}."),
    "too_long": ("字段“{f}”的条目太多了。", "Field '{f}' has too many items: {msg}."),
    "too_short": ("字段“{f}”不能为空。", "Field '{f}' must not be empty: {msg}."),
    "json_invalid": ("请求不是有效的 JSON。", "The body is not valid JSON: {msg}."),
    "json_type": ("请求不是有效的 JSON。", "The body is not valid JSON."),
}


def _field_name(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def translate_validation(errors: list[dict[str, Any]]) -> tuple[str, str, str | None, str]:
    """(Chinese, English, param, code) for the first validation error, in words a caller can act on."""
    if not errors:
        return "请求格式不正确。", "The request is malformed.", None, "invalid_request"
    first = errors[0]
    loc = tuple(first.get("loc", ()))
    field = _field_name(loc)
    kind = str(first.get("type", ""))
    msg = str(first.get("msg", ""))
    if field == "question" and kind in ("string_too_long", "string_too_short"):
        if kind == "string_too_long":
            return (
                "问题太长了，请控制在500字以内。",
                "The question is too long: at most 500 characters.",
                field,
                "invalid_question",
            )
        return (
            "请输入您的问题。",
            "The question is empty: type 1 to 500 characters.",
            field,
            "invalid_question",
        )
    if kind.startswith("json") or (kind == "model_attributes_type" and field == "body"):
        zh, en = _TYPE_TEXT.get(kind, _TYPE_TEXT["json_invalid"])
        return (
            zh,
            en.format(f=field, msg=msg),
            None,
            "invalid_json" if kind.startswith("json") else "invalid_body",
        )
    zh, en = _TYPE_TEXT.get(kind, ("字段“{f}”格式不对。", "Field '{f}' is invalid: {msg}."))
    return zh.format(f=field), en.format(f=field, msg=msg), field, "invalid_field"


_STATUS_TEXT: dict[int, tuple[str, str, str]] = {
    400: ("请求无效。", "Bad request.", "bad_request"),
    404: ("找不到这个地址。", "Not found.", "not_found"),
    405: ("不支持这种请求方法。", "Method not allowed.", "method_not_allowed"),
    406: ("无法提供所需的格式。", "Not acceptable.", "not_acceptable"),
    415: (
        "请求的内容类型不受支持，请使用 application/json。",
        "Unsupported media type: send application/json.",
        "unsupported_media_type",
    ),
}


def install_error_handlers(app: FastAPI) -> None:
    """Every error leaves as ``ErrorBody``; nothing escapes as a bare 500 page."""

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return exc.response()

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        zh, en, param, code = translate_validation(list(exc.errors()))
        status = 400 if code == "invalid_json" else 422
        return error_response(status, code, zh, en, param=param)

    @app.exception_handler(InputError)
    async def _input(_request: Request, exc: InputError) -> JSONResponse:
        return error_response(422, "invalid_input", exc.message, exc.message_en)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        zh, en, code = _STATUS_TEXT.get(exc.status_code, ("请求无法处理。", str(exc.detail), "http_error"))
        return error_response(exc.status_code, code, zh, en, headers=getattr(exc, "headers", None))

    @app.exception_handler(FaqBotError)
    async def _faqbot(_request: Request, exc: FaqBotError) -> JSONResponse:
        from bot.conversations import NotReadyError

        if isinstance(exc, NotReadyError):
            return error_response(
                503, "not_ready", "知识库正在加载，请稍后再试。", str(exc), headers={"Retry-After": "5"}
            )
        log.error("request failed: %s", exc)
        return error_response(
            503, "unavailable", "服务暂时不可用，请稍后再试。", str(exc), headers={"Retry-After": "5"}
        )

    @app.exception_handler(SQLAlchemyError)
    async def _database(_request: Request, exc: SQLAlchemyError) -> JSONResponse:
        log.error("database unavailable: %s", type(exc).__name__)
        return error_response(
            503,
            "store_unavailable",
            "服务暂时不可用，请稍后再试。",
            "The database is unavailable.",
            headers={"Retry-After": "5"},
        )

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error")
        return error_response(500, "internal_error", "服务出错了，请稍后再试。", "Internal server error.")
