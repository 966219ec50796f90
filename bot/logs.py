"""JSON structured logs, one object per line, each carrying the request id of the request it belongs to.

Questions reach the logs only through ``bot.redact.redact``; API keys never do (no header is logged).

>>> import logging; configure_logging()
>>> logging.getLogger("faqbot.api").info("answered", extra={"fields": {"channel": "api"}})  # doctest: +SKIP
{"ts": "2024-01-05T08:00:00.123Z", "level": "INFO", "logger": "faqbot.api", "msg": "answered", "request_id": "…", "channel": "api"}
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import sys
from typing import Any

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("faqbot_request_id", default="")

_HANDLER_FLAG = "_faqbot_json_handler"


class JsonFormatter(logging.Formatter):
    """``{"ts", "level", "logger", "msg", "request_id", ...fields}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "pid": record.process,
        }
        request_id = getattr(record, "request_id", None) or request_id_var.get()
        if request_id:
            data["request_id"] = request_id
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            data.update(fields)
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


# "faqbot.*" are the serving layers' loggers; modules named by ``__name__`` log as "bot.*".
LOGGERS = ("faqbot", "bot")


def configure_logging(level: int = logging.INFO) -> None:
    """Send faqbot's loggers to stderr as JSON lines (idempotent)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(level)
        if not any(getattr(h, _HANDLER_FLAG, False) for h in logger.handlers):
            handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(JsonFormatter())
            setattr(handler, _HANDLER_FLAG, True)
            logger.addHandler(handler)


def uvicorn_log_config(level: str = "info") -> dict[str, Any]:
    """uvicorn's own lines (startup, errors) as JSON too; its access log is replaced by ours."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "bot.logs.JsonFormatter"}},
        "handlers": {
            "stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
        },
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": level.upper(), "propagate": False},
            "uvicorn.error": {"level": level.upper()},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }
