"""Prometheus metrics, one registry per app so two apps in one process (tests) never share counts.

Names are prefixed ``faqbot_``. With ``faqbot serve --workers N`` each worker keeps its own
registry: a scrape of ``/metrics`` reads the worker that took the request (scale out by scraping
each replica; see the README).
"""

from __future__ import annotations

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.exposition import CONTENT_TYPE_LATEST

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """The counters and histograms the API, the conversation service and the channels update."""

    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        disable_created_metrics()  # the *_created series only double the scrape size
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter(
            "faqbot_http_requests",
            "HTTP requests by endpoint, method and status",
            ["endpoint", "method", "status"],
            registry=r,
        )
        self.request_latency = Histogram(
            "faqbot_http_request_duration_seconds",
            "HTTP request latency by endpoint (streams: until the last byte)",
            ["endpoint"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.answers = Counter(
            "faqbot_answers",
            "Questions answered or declined, by channel and answer mode",
            ["channel", "mode", "answered"],
            registry=r,
        )
        self.answer_latency = Histogram(
            "faqbot_answer_duration_seconds",
            "Time to produce an answer, by channel",
            ["channel"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.feedback = Counter(
            "faqbot_feedback", "Feedback received, by rating and kind", ["rating", "kind"], registry=r
        )
        self.rate_limited = Counter(
            "faqbot_rate_limited", "Requests refused by the per-IP rate limit", ["endpoint"], registry=r
        )
        self.index_info = Gauge(
            "faqbot_index_info", "The index version being served (value 1)", ["version"], registry=r
        )
        self.index_chunks = Gauge("faqbot_index_chunks", "Chunks in the index being served", registry=r)
        self.answer_cache = Counter(
            "faqbot_answer_cache",
            "First-turn answers served from the cache (hit) or by the chain (miss)",
            ["result"],
            registry=r,
        )
        self.ready = Gauge(
            "faqbot_ready", "1 once the index is loaded and questions can be answered", registry=r
        )
        self.reloads = Counter("faqbot_index_reloads", "Index hot swaps", ["trigger"], registry=r)
        self.store_lost = Gauge(
            "faqbot_store_lost_messages", "Messages the store could not write", registry=r
        )

    def set_index(self, version: str, chunks: int | None = None) -> None:
        self.index_info.clear()
        self.index_info.labels(version=version).set(1)
        if chunks is not None:
            self.index_chunks.set(chunks)

    def observe_answer(self, channel: str, mode: str, answered: bool, seconds: float) -> None:
        self.answers.labels(channel=channel, mode=mode, answered=str(answered).lower()).inc()
        self.answer_latency.labels(channel=channel).observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)
