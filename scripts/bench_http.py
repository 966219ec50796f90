"""HTTP benchmark: N concurrent residents asking /api/v1/ask for T seconds, on loopback only.

    python scripts/bench_http.py --concurrency 32 --seconds 20 --workers 2      # starts its own server
    python scripts/bench_http.py --url http://127.0.0.1:8000 --concurrency 32    # an already running one

Questions are the mixed set of eval/questions.jsonl (in and out of scope, colloquial, typos), in
turn. Each client keeps one HTTP/1.1 connection open and asks again as soon as it has an answer.
The client is a few lines of asyncio on raw sockets rather than httpx, because it shares the
machine's cores with the server and should take as little of them as possible.

The per-IP rate limit would throttle every client here (they all come from 127.0.0.1): the server
this script starts runs with FAQBOT_RATE_LIMIT_PER_MINUTE=0, and a server you point it at should too.
It prints requests/s, latency p50/p95/p99 and the error count (non-200 answers and failed connections).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
MAX_SECONDS = 600
MAX_CONCURRENCY = 512


@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    # Failures without an HTTP status, by kind ("ConnectionRefusedError"), so a broken run says why.
    failures: dict[str, int] = field(default_factory=dict)


def load_questions(path: Path) -> list[str]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [row["question"] for row in rows]


def request_bytes(host: str, port: int, path: str, question: str) -> bytes:
    body = json.dumps({"question": question, "channel": "api"}, ensure_ascii=False).encode("utf-8")
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: keep-alive\r\n\r\n"
    )
    return head.encode("ascii") + body


async def read_response(reader: asyncio.StreamReader) -> int:
    """Status of one HTTP/1.1 response; the body (Content-Length or chunked) is read and dropped."""
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("connection closed")
    status = int(status_line.split()[1])
    length = 0
    chunked = False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        if name.lower() == "content-length":
            length = int(value.strip())
        elif name.lower() == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    if chunked:
        while True:
            size = int((await reader.readline()).strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length:
        await reader.readexactly(length)
    return status


async def client(
    host: str,
    port: int,
    path: str,
    questions: list[str],
    offset: int,
    start: float,
    stop: float,
    results: Results,
) -> None:
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    n = offset
    while time.perf_counter() < stop:
        sent = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            assert reader is not None
            sent = time.perf_counter()
            writer.write(request_bytes(host, port, path, questions[n % len(questions)]))
            await writer.drain()
            status = await read_response(reader)
            done = time.perf_counter()
        except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError, IndexError) as exc:
            if sent >= start:
                results.errors += 1
                kind = type(exc).__name__
                results.failures[kind] = results.failures.get(kind, 0) + 1
            if writer is not None:
                writer.close()
            reader = writer = None
            await asyncio.sleep(0.05)
            continue
        n += 1
        if sent < start:  # warm-up request
            continue
        results.statuses[status] = results.statuses.get(status, 0) + 1
        if status == 200:
            results.latencies.append(done - sent)
        else:
            results.errors += 1
    if writer is not None:
        writer.close()


async def prime(host: str, port: int, path: str, questions: list[str], concurrency: int) -> int:
    """Ask every question once, so the server's answer cache holds them all; returns the non-200 count."""
    failures = 0

    async def one_client(share: list[str]) -> None:
        nonlocal failures
        reader, writer = await asyncio.open_connection(host, port)
        for q in share:
            writer.write(request_bytes(host, port, path, q))
            await writer.drain()
            failures += (await read_response(reader)) != 200
        writer.close()

    await asyncio.gather(*(one_client(questions[i::concurrency]) for i in range(concurrency)))
    return failures


async def run(
    url: str, concurrency: int, seconds: float, warmup: float, questions: list[str], primed: bool = False
) -> tuple[Results, float]:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    path = parts.path.rstrip("/") + "/api/v1/ask"
    if primed:
        failures = await prime(host, port, path, questions, concurrency)
        if failures:
            print(f"bench_http: {failures} questions failed while priming", file=sys.stderr)
    results = Results()
    start = time.perf_counter() + warmup
    stop = start + seconds
    step = max(1, len(questions) // max(1, concurrency))
    await asyncio.gather(
        *(client(host, port, path, questions, i * step, start, stop, results) for i in range(concurrency))
    )
    return results, seconds


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def own_server(workers: int, data_dir: Path, cache: bool = True, timeout: float = 300.0) -> Iterator[str]:
    """``faqbot serve`` on a free loopback port, on a temporary copy of the index (the store is throwaway)."""
    index = data_dir / "index"
    if not (index / "CURRENT").is_file():
        sys.exit(f"bench_http: no index in {index}: run `faqbot ingest` first (or pass --url).")
    tmp = Path(tempfile.mkdtemp(prefix="faqbot-bench-"))
    shutil.copytree(index, tmp / "index")
    port = free_port()
    env = {
        **os.environ,
        "FAQBOT_DATA_DIR": str(tmp),
        "FAQBOT_RATE_LIMIT_PER_MINUTE": "0",
        "FAQBOT_INDEX_POLL_SECONDS": "0",
    }
    if not cache:
        env["FAQBOT_ANSWER_CACHE_SIZE"] = "0"
    log = open(tmp / "server.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bot.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=REPO,
        stdout=log,
        stderr=log,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        ready = 0
        while ready < workers * 4:  # every worker must have loaded the index: ask /readyz until many say yes
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                tail = (tmp / "server.log").read_text(encoding="utf-8", errors="replace").splitlines()[-20:]
                sys.exit("bench_http: the server did not start:\n" + "\n".join(tail))
            ready = ready + 1 if _ready(url) else 0
            time.sleep(0.25 if ready == 0 else 0.02)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)


def _ready(url: str) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(url + "/readyz", timeout=5) as r:
            return bool(r.status == 200)
    except OSError:
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", help="a running server on loopback (default: start one)")
    parser.add_argument("--concurrency", "-c", type=int, default=32, help="concurrent clients (default 32)")
    parser.add_argument("--seconds", "-t", type=float, default=20.0, help="measured seconds (default 20)")
    parser.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds first (default 3)")
    parser.add_argument(
        "--workers", "-w", type=int, default=1, help="server worker processes when starting one"
    )
    parser.add_argument("--questions", type=Path, default=REPO / "eval" / "questions.jsonl")
    parser.add_argument(
        "--data-dir", type=Path, default=Path(os.environ.get("FAQBOT_DATA_DIR", REPO / "data"))
    )
    parser.add_argument(
        "--prime",
        action="store_true",
        help="ask every question once before measuring, so the figures are those of a warm answer cache "
        "(the steady state of repeated questions); without it most answers are computed by the chain",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="start the server with the answer cache off: every ask runs the chain",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args(argv)

    if not 1 <= args.concurrency <= MAX_CONCURRENCY:
        parser.error(f"--concurrency must be 1..{MAX_CONCURRENCY}")
    if not 0 < args.seconds <= MAX_SECONDS:
        parser.error(f"--seconds must be in (0, {MAX_SECONDS}]")
    if args.url and (urlsplit(args.url).hostname or "") not in LOOPBACK:
        parser.error(
            "--url must point at this machine (127.0.0.1, localhost or ::1): this tool is for loopback only"
        )
    questions = load_questions(args.questions)

    with contextlib.ExitStack() as stack:
        url = args.url or stack.enter_context(
            own_server(args.workers, args.data_dir, cache=not args.no_cache)
        )
        results, seconds = asyncio.run(
            run(url, args.concurrency, args.seconds, args.warmup, questions, args.prime)
        )

    lat_ms = [x * 1000 for x in results.latencies]
    figures = {
        "url": args.url or "own server",
        "workers": args.workers if not args.url else None,
        "concurrency": args.concurrency,
        "primed": args.prime,
        "answer_cache": None if args.url else not args.no_cache,
        "seconds": seconds,
        "requests": len(lat_ms),
        "requests_per_s": round(len(lat_ms) / seconds, 1),
        "p50_ms": round(percentile(lat_ms, 50), 1),
        "p95_ms": round(percentile(lat_ms, 95), 1),
        "p99_ms": round(percentile(lat_ms, 99), 1),
        "mean_ms": round(statistics.fmean(lat_ms), 1) if lat_ms else None,
        "errors": results.errors,
        "statuses": {str(k): v for k, v in sorted(results.statuses.items())},
        "failures": dict(sorted(results.failures.items())),
        "cpu_count": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    if args.json:
        print(json.dumps(figures))
    else:
        print(
            f"{figures['requests']} requests in {seconds:.0f} s with {args.concurrency} clients"
            + (f" ({args.workers} server workers)" if not args.url else "")
            + (", answer cache primed" if args.prime else "")
            + (", answer cache off" if args.no_cache else "")
        )
        print(f"  requests/s  {figures['requests_per_s']}")
        print(
            f"  latency     p50 {figures['p50_ms']} ms   p95 {figures['p95_ms']} ms   p99 {figures['p99_ms']} ms"
        )
        print(f"  errors      {results.errors}   statuses {figures['statuses']}")
        if results.failures:
            print(f"  failures    {figures['failures']}")
        print(f"  machine     {os.cpu_count()} cores, load average {figures['load_average']}")
        if results.statuses.get(429):
            print(
                "  429s: the server's rate limit is on; run it with FAQBOT_RATE_LIMIT_PER_MINUTE=0 for a benchmark"
            )
    return 0 if results.errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
