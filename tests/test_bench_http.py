"""scripts/bench_http.py against a real server: figures come out, loopback only, errors are counted."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import KNOWLEDGE
from live_server import LiveServer, clean_settings, copy_seed, live_server

from bot.api import create_app

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "bench_http.py"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, seed_index_dir: Path) -> Iterator[LiveServer]:
    data = copy_seed(seed_index_dir, tmp_path_factory.mktemp("bench") / "data")
    settings = clean_settings(data_dir=data, knowledge_dir=KNOWLEDGE, rate_limit_per_minute=0)
    with live_server(create_app(settings)) as s:
        yield s


def bench(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=300, cwd=REPO
    )


def test_bench_reports_throughput_latency_and_no_errors(server: LiveServer) -> None:
    before = server.app.state.service.store.counts()["messages"]
    out = bench("--url", server.url, "--concurrency", "4", "--seconds", "2", "--warmup", "0.5", "--json")
    assert out.returncode == 0, out.stderr
    figures = json.loads(out.stdout)
    assert figures["requests"] > 0 and figures["errors"] == 0
    assert figures["requests_per_s"] == pytest.approx(figures["requests"] / 2, rel=0.01)
    assert 0 < figures["p50_ms"] <= figures["p95_ms"] <= figures["p99_ms"]
    assert figures["statuses"] == {"200": figures["requests"]}
    # the requests really reached the API (warm-up requests are asked but not measured)
    assert server.app.state.service.store.counts()["messages"] - before >= figures["requests"]


def test_bench_prime_asks_every_question_first(server: LiveServer) -> None:
    out = bench(
        "--url", server.url, "--concurrency", "8", "--seconds", "1", "--warmup", "0", "--prime", "--json"
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["primed"] is True
    metrics = server.app.state.metrics.render().decode()
    assert 'faqbot_answer_cache_total{result="hit"}' in metrics


def test_bench_counts_refused_requests_as_errors(server: LiveServer) -> None:
    out = bench(
        "--url",
        server.url + "/no-such-prefix",
        "--concurrency",
        "2",
        "--seconds",
        "1",
        "--warmup",
        "0",
        "--json",
    )
    assert out.returncode == 1
    figures = json.loads(out.stdout)
    assert figures["errors"] > 0 and figures["requests"] == 0
    assert "404" in figures["statuses"]


def test_bench_refuses_a_server_that_is_not_on_this_machine() -> None:
    out = bench("--url", "http://example.com:8000", "--seconds", "1")
    assert out.returncode == 2
    assert "loopback" in out.stderr
