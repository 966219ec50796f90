"""Shared route dependencies, named once: the conversation service, API keys, the per-IP rate limit.

@router.post("/api/v1/ask", dependencies=[RateLimited])
def ask(body: AskRequest, service: ServiceDep) -> AskResponse: ...
"""

from __future__ import annotations

import hmac
import math
import threading
import time
from typing import Annotated

from fastapi import Depends, Request

from bot.config import Settings
from bot.conversations import ConversationService, NotReadyError
from bot.http_errors import ApiError
from bot.metrics import Metrics


class RateLimiter:
    """Token bucket per client IP: ``per_minute`` requests a minute, bursts up to ``per_minute``.

    ``per_minute <= 0`` disables it (benchmarks from one IP). Counts live in this process: with
    ``--workers N`` a client can get up to N times the limit.
    """

    MAX_CLIENTS = 50_000

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.per_minute > 0

    def check(self, client: str, now: float | None = None) -> float:
        """0 when the request may go ahead, else the seconds to wait before the next one."""
        if not self.enabled:
            return 0.0
        now = time.monotonic() if now is None else now
        rate = self.per_minute / 60.0
        with self._lock:
            tokens, last = self._buckets.get(client, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - last) * rate)
            if tokens >= 1.0:
                self._buckets[client] = (tokens - 1.0, now)
                if len(self._buckets) > self.MAX_CLIENTS:
                    self._forget_idle(now)
                return 0.0
            self._buckets[client] = (tokens, now)
            return (1.0 - tokens) / rate

    def _forget_idle(self, now: float) -> None:
        full_after = 60.0
        for key in [k for k, (_, last) in self._buckets.items() if now - last > full_after]:
            del self._buckets[key]


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def get_service(request: Request) -> ConversationService:
    service: ConversationService | None = getattr(request.app.state, "service", None)
    if service is None:
        raise NotReadyError("the service is starting: try again in a few seconds.")
    return service


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


ServiceDep = Annotated[ConversationService, Depends(get_service)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


def _limit(request: Request, openai_shape: bool = False) -> None:
    limiter: RateLimiter = request.app.state.rate_limiter
    wait = limiter.check(client_ip(request))
    if wait > 0:
        metrics: Metrics = request.app.state.metrics
        route = request.scope.get("route")
        metrics.rate_limited.labels(endpoint=getattr(route, "path", request.url.path)).inc()
        seconds = max(1, math.ceil(wait))
        raise ApiError(
            429,
            "rate_limit_exceeded",
            f"提问太频繁了，请{seconds}秒后再试。",
            f"Too many requests from this address: retry after {seconds} s.",
            headers={"Retry-After": str(seconds)},
        )


def rate_limit(request: Request) -> None:
    """Per-IP limit of the public resident endpoints."""
    _limit(request)


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def key_matches(token: str, keys: list[str]) -> bool:
    """Constant-time comparison against every configured key (no early exit that leaks which one)."""
    given = token.encode("utf-8")
    found = False
    for key in keys:
        found |= hmac.compare_digest(given, key.encode("utf-8"))
    return found


def require_api_key(request: Request) -> None:
    """``/v1/*``: a valid Bearer key when FAQBOT_API_KEYS is set; open (and per-IP limited) when not."""
    settings: Settings = request.app.state.settings
    if not settings.api_keys:
        _limit(request)
        return
    token = _bearer(request)
    if token is None or not key_matches(token, settings.api_keys):
        raise ApiError(
            401,
            "invalid_api_key",
            "API 密钥缺失或不正确。",
            "Missing or incorrect API key: send 'Authorization: Bearer <key>'.",
            headers={"WWW-Authenticate": "Bearer"},
        )


def require_admin(request: Request) -> None:
    """Admin endpoints exist only when FAQBOT_API_KEYS is set, and then need one of the keys."""
    settings: Settings = request.app.state.settings
    if not settings.api_keys:
        raise ApiError(
            403,
            "admin_disabled",
            "管理接口未启用：请先设置 FAQBOT_API_KEYS。",
            "Admin endpoints are disabled: set FAQBOT_API_KEYS to enable them.",
        )
    require_api_key(request)


RateLimited = Depends(rate_limit)
ApiKey = Depends(require_api_key)
AdminKey = Depends(require_admin)
