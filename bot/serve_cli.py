"""``faqbot serve`` and ``faqbot purge``: run the whole app under uvicorn; apply the retention period.

``serve`` hands uvicorn the import string ``bot.api:create_app`` as a factory, so ``--workers N``
starts N processes that each build the app from the same environment (``FAQBOT_*``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from bot import heap
from bot.config import Settings
from bot.workers import reuse_port_supported, run_workers

APP_FACTORY = "bot.api:create_app"


def run_serve(settings: Settings, args: argparse.Namespace) -> int:
    if args.workers < 1:
        print("faqbot: --workers must be at least 1.", file=sys.stderr)
        return 2
    if args.workers == 1:
        heap.pause_for_startup()  # this process imports and loads everything itself (workers pause in theirs)
    import uvicorn

    from bot.logs import uvicorn_log_config

    level = args.log_level or settings.log_level
    # Each worker process builds its app (and Settings) from the environment: hand the level down that way.
    os.environ["FAQBOT_LOG_LEVEL"] = level
    options: dict[str, Any] = {
        "app": APP_FACTORY,
        "factory": True,
        "log_config": uvicorn_log_config(level),
        "log_level": level,
        "access_log": False,  # the app writes its own JSON access log with the request id
        "timeout_graceful_shutdown": 30,
        # Longer than a reverse proxy's idle timeout (nginx and most load balancers: 60 s), so the proxy,
        # not the server, closes idle connections and never sends a request into one being closed.
        "timeout_keep_alive": 65,
        "server_header": False,
    }
    if args.workers > 1 and reuse_port_supported():
        # One listening socket per process, so connections spread over the workers (see bot.workers).
        return run_workers(args.workers, args.host, args.port, options)
    uvicorn.run(**options, host=args.host, port=args.port, workers=args.workers)
    return 0


def run_purge(settings: Settings, args: argparse.Namespace) -> int:
    from bot.store import Store

    days = settings.retention_days if args.days is None else args.days
    if days < 0:
        print("faqbot: --days must be 0 or more.", file=sys.stderr)
        return 2
    store = Store(settings.resolved_database_url)
    try:
        report = store.purge(days)
    finally:
        store.close()
    summary = {
        "retention_days": days,
        "cutoff": report.cutoff.isoformat(timespec="seconds") + "Z",
        "deleted": {"sessions": report.sessions, "messages": report.messages, "feedback": report.feedback},
    }
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print(
            f"purged conversations older than {days} days (before {summary['cutoff']}): "
            f"{report.messages} messages, {report.feedback} feedback, {report.sessions} sessions"
        )
    return 0


def add_arguments(sub_serve: argparse.ArgumentParser, sub_purge: argparse.ArgumentParser) -> None:
    sub_serve.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    sub_serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    sub_serve.add_argument(
        "--workers", type=int, default=1, help="worker processes (default 1; e.g. one per core)"
    )
    sub_serve.add_argument(
        "--log-level",
        choices=["debug", "info", "warning", "error"],
        help="faqbot's and uvicorn's log lines (default FAQBOT_LOG_LEVEL, else info; warning drops per-answer lines)",
    )
    sub_purge.add_argument("--days", type=int, help="keep this many days instead of FAQBOT_RETENTION_DAYS")
    sub_purge.add_argument("--json", action="store_true", help="print what was deleted as JSON")
